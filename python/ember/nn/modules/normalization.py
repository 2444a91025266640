"""Normalization layers over features rather than the batch: LayerNorm, GroupNorm, RMSNorm and
LocalResponseNorm, with torch's constructor arguments and printed forms.

(torch's legacy CrossMapLRN2d is not provided: its running window sum never drops channel 0 and its
backward is not the gradient of its forward, so matching it would mean copying its implementation.)

Example::

    >>> ember.nn.LayerNorm(4)
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
"""

import numbers

from ... import _C
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LocalResponseNorm", "LayerNorm", "GroupNorm", "RMSNorm"]


class LocalResponseNorm(Module):
    r"""Local response normalization across channels of (N, C, *) input:
    ``x / (k + alpha / size * sum of x ** 2 over the size channels around) ** beta``.

    The window spans ``size // 2`` channels before each channel and ``(size - 1) // 2`` after.

    Example::

        >>> m = ember.nn.LocalResponseNorm(2, alpha=2.0, beta=1.0)
        >>> m(ember.ones(1, 3, 1)).flatten()
        tensor([0.5000, 0.3333, 0.3333])
    """

    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _shape_tuple(normalized_shape):
    if isinstance(normalized_shape, numbers.Integral):
        return (normalized_shape,)
    return tuple(normalized_shape)


class LayerNorm(Module):
    r"""Layer normalization over the trailing dims `normalized_shape`:
    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, the mean and (biased) variance taken
    over those dims of each sample.

    Args:
        normalized_shape: an int or the shape of the trailing dims
        eps: added to the variance. Default: 1e-5
        elementwise_affine: learn `weight` (ones) and `bias` (zeros) of `normalized_shape`. Default: True
        bias: learn `bias` (with `elementwise_affine`). Default: True

    Example::

        >>> m = ember.nn.LayerNorm(2, eps=0.0)
        >>> m(ember.tensor([[1.0, 3.0]])).detach()
        tensor([[-1.,  1.]])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_C.empty(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_C.empty(self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Sets `weight` to 1 and `bias` to 0.

        Example::

            >>> m = ember.nn.LayerNorm(2)
            >>> m.reset_parameters()
            >>> m.bias
            Parameter containing:
            tensor([0., 0.], requires_grad=True)
        """
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    r"""Group normalization of (N, C, *) input: the C channels are split into `num_groups` groups and
    each group of each sample is normalized by its mean and (biased) variance, then scaled and
    shifted per channel.

    Args:
        num_groups: the number of groups (must divide `num_channels`)
        num_channels: the number of channels C
        eps: added to the variance. Default: 1e-5
        affine: learn a per-channel `weight` (ones) and `bias` (zeros). Default: True
        bias (keyword only): learn `bias` (with `affine`). Default: True

    Example::

        >>> m = ember.nn.GroupNorm(2, 4, eps=0.0)
        >>> m(ember.tensor([[1.0, 3.0, 2.0, 6.0]])).detach()
        tensor([[-1.,  1., -1.,  1.]])
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if self.affine:
            self.weight = Parameter(_C.empty(num_channels, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_C.empty(num_channels, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Sets `weight` to 1 and `bias` to 0.

        Example::

            >>> m = ember.nn.GroupNorm(1, 2)
            >>> m.reset_parameters()
            >>> m.weight
            Parameter containing:
            tensor([1., 1.], requires_grad=True)
        """
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    r"""Root-mean-square normalization over the trailing dims `normalized_shape`:
    ``y = x / sqrt(mean(x ** 2) + eps) * weight``.

    Args:
        normalized_shape: an int or the shape of the trailing dims
        eps: added to the mean square. Default: None, ``finfo(input.dtype).eps``
        elementwise_affine: learn `weight` (ones) of `normalized_shape`. Default: True

    Example::

        >>> m = ember.nn.RMSNorm(2, eps=0.0)
        >>> m(ember.tensor([[3.0, 4.0]])).detach()
        tensor([[0.8485, 1.1314]])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_C.empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Sets `weight` to 1.

        Example::

            >>> m = ember.nn.RMSNorm(2)
            >>> m.reset_parameters()
            >>> m.weight
            Parameter containing:
            tensor([1., 1.], requires_grad=True)
        """
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
