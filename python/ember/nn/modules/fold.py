"""Fold and Unfold: the col2im / im2col layers over ``F.fold`` and ``F.unfold``.

Example::

    >>> ember.nn.Unfold(kernel_size=2)(ember.ones(1, 3, 4, 4)).shape
    ember.Size([1, 12, 9])
"""

from .. import functional as F
from .module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """Combines an array of sliding local blocks into a large tensor, summing overlapping values.

    (N, C * prod(kernel_size), L) -> (N, C, *output_size) (unbatched inputs drop N).

    Example::

        >>> fold = ember.nn.Fold(output_size=(4, 5), kernel_size=(2, 2))
        >>> fold(ember.randn(1, 3 * 2 * 2, 12)).shape
        ember.Size([1, 3, 4, 5])
        >>> fold
        Fold(output_size=(4, 5), kernel_size=(2, 2), dilation=1, padding=0, stride=1)
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Extracts sliding local blocks from a batched input tensor.

    (N, C, H, W) -> (N, C * prod(kernel_size), L) (unbatched inputs drop N).

    Example::

        >>> unfold = ember.nn.Unfold(kernel_size=(2, 3))
        >>> unfold(ember.randn(2, 5, 3, 4)).shape
        ember.Size([2, 30, 4])
        >>> unfold
        Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")
