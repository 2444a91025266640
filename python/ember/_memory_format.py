"""Memory formats: how a dense tensor's dims are ordered in memory (torch.memory_format).

Example::

    >>> x = ember.zeros(1, 3, 2, 2).contiguous(memory_format=ember.channels_last)
    >>> x.is_contiguous(memory_format=ember.channels_last)
    True
"""


class memory_format:  # noqa: N801  (torch's name)
    """A memory format: ``ember.contiguous_format``, ``ember.preserve_format``,
    ``ember.channels_last`` (NHWC for 4-D tensors) or ``ember.channels_last_3d`` (NDHWC, 5-D)."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "ember." + self._name

    def __reduce__(self):
        return self._name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
