"""Padding modules: constant (zero), reflection, replication and circular padding of 1-, 2- and
3-D spatial inputs, over ember.nn.functional.pad.

Example::

    >>> ember.nn.ZeroPad2d((1, 1, 0, 2))(ember.ones(1, 1, 2, 2)).shape
    ember.Size([1, 1, 4, 4])
"""

from .. import functional as F
from .module import Module

__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d",
    "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


def _padding(padding, dims):
    """An int pads every side of every spatial dim; a tuple gives (left, right, top, bottom, ...)."""
    if isinstance(padding, int):
        return (padding,) * (2 * dims)
    padding = tuple(padding)
    if len(padding) != 2 * dims:
        raise ValueError(f"expected a padding of {2 * dims} values for {dims}-D padding, got {len(padding)}")
    return padding


class _Pad(Module):
    _mode = "constant"
    _dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _padding(padding, self._dims)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pads the last dim with `value`.

    Example::

        >>> ember.nn.ConstantPad1d(1, 3.5)(ember.zeros(1, 2))
        tensor([[3.5000, 0.0000, 0.0000, 3.5000]])
    """

    _dims = 1


class ConstantPad2d(_ConstantPad):
    """Pads the last two dims with `value`.

    Example::

        >>> ember.nn.ConstantPad2d(1, 0.0)(ember.ones(1, 1, 1)).shape
        ember.Size([1, 3, 3])
    """

    _dims = 2


class ConstantPad3d(_ConstantPad):
    """Pads the last three dims with `value`.

    Example::

        >>> ember.nn.ConstantPad3d(1, 0.0)(ember.ones(1, 1, 1, 1)).shape
        ember.Size([1, 3, 3, 3])
    """

    _dims = 3


class _ZeroPad(_ConstantPad):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPad):
    """Pads the last dim with zeros.

    Example::

        >>> ember.nn.ZeroPad1d((1, 0))(ember.ones(1, 2))
        tensor([[0., 1., 1.]])
    """

    _dims = 1


class ZeroPad2d(_ZeroPad):
    """Pads the last two dims with zeros.

    Example::

        >>> ember.nn.ZeroPad2d(1)(ember.ones(1, 1, 1)).shape
        ember.Size([1, 3, 3])
    """

    _dims = 2


class ZeroPad3d(_ZeroPad):
    """Pads the last three dims with zeros.

    Example::

        >>> ember.nn.ZeroPad3d(1)(ember.ones(1, 1, 1, 1)).shape
        ember.Size([1, 3, 3, 3])
    """

    _dims = 3


class ReflectionPad1d(_Pad):
    """Pads the last dim with its reflection (the edge not repeated).

    Example::

        >>> ember.nn.ReflectionPad1d(1)(ember.tensor([[1.0, 2.0, 3.0]]))
        tensor([[2., 1., 2., 3., 2.]])
    """

    _mode, _dims = "reflect", 1


class ReflectionPad2d(_Pad):
    """Pads the last two dims with their reflection.

    Example::

        >>> ember.nn.ReflectionPad2d(1)(ember.ones(1, 2, 2)).shape
        ember.Size([1, 4, 4])
    """

    _mode, _dims = "reflect", 2


class ReflectionPad3d(_Pad):
    """Pads the last three dims with their reflection.

    Example::

        >>> ember.nn.ReflectionPad3d(1)(ember.ones(1, 2, 2, 2)).shape
        ember.Size([1, 4, 4, 4])
    """

    _mode, _dims = "reflect", 3


class ReplicationPad1d(_Pad):
    """Pads the last dim by repeating its edge values.

    Example::

        >>> ember.nn.ReplicationPad1d(1)(ember.tensor([[1.0, 2.0]]))
        tensor([[1., 1., 2., 2.]])
    """

    _mode, _dims = "replicate", 1


class ReplicationPad2d(_Pad):
    """Pads the last two dims by repeating their edge values.

    Example::

        >>> ember.nn.ReplicationPad2d(1)(ember.ones(1, 2, 2)).shape
        ember.Size([1, 4, 4])
    """

    _mode, _dims = "replicate", 2


class ReplicationPad3d(_Pad):
    """Pads the last three dims by repeating their edge values.

    Example::

        >>> ember.nn.ReplicationPad3d(1)(ember.ones(1, 2, 2, 2)).shape
        ember.Size([1, 4, 4, 4])
    """

    _mode, _dims = "replicate", 3


class CircularPad1d(_Pad):
    """Pads the last dim with the values from its other end (periodic).

    Example::

        >>> ember.nn.CircularPad1d(1)(ember.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 1., 2., 3., 1.]])
    """

    _mode, _dims = "circular", 1


class CircularPad2d(_Pad):
    """Pads the last two dims periodically.

    Example::

        >>> ember.nn.CircularPad2d(1)(ember.ones(1, 2, 2)).shape
        ember.Size([1, 4, 4])
    """

    _mode, _dims = "circular", 2


class CircularPad3d(_Pad):
    """Pads the last three dims periodically.

    Example::

        >>> ember.nn.CircularPad3d(1)(ember.ones(1, 2, 2, 2)).shape
        ember.Size([1, 4, 4, 4])
    """

    _mode, _dims = "circular", 3
