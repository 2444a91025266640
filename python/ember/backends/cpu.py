"""ember.backends.cpu: the vector instruction set of the CPU kernels.

ember is built for x86-64 with AVX2; its dense float32 transcendental loops (exp, log, tanh,
gelu, silu, ...) also have AVX-512 versions, picked at run time when the CPU has AVX-512F/DQ.
The environment variable ``EMBER_CPU_CAPABILITY=avx2`` (read at import, like torch's
``ATEN_CPU_CAPABILITY``) keeps them on the AVX2 paths.

Example::

    >>> import ember
    >>> ember.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
    True
"""

from .. import _C

__all__ = ["get_cpu_capability"]


def get_cpu_capability() -> str:
    """The instruction set the run-time-dispatched CPU loops use: ``"AVX2"`` or ``"AVX512"``.

    Example::

        >>> ember.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
        True
    """
    return _C._get_cpu_capability()
