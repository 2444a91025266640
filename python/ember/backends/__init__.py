"""ember.backends: settings of the compute backends (torch.backends' names).

Example::

    >>> import ember
    >>> ember.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
    True
"""

from . import cpu

__all__ = ["cpu"]
