"""Pooling layers: max, average, adaptive, fractional, LP (power-average) pooling and max
unpooling over 1, 2 or 3 spatial dims, with torch's constructor arguments and printed forms.

Example::

    >>> ember.nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> ember.nn.MaxPool2d(2)(ember.ones(1, 1, 4, 4)).shape
    ember.Size([1, 1, 2, 2])
"""

from .. import functional as F
from .module import Module

__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "AvgPool1d", "AvgPool2d",
    "AvgPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
]


def _ntuple(value, n):
    """torch's _single / _pair / _triple: a sequence as a tuple, anything else repeated n times."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


# ---- max pooling ----


class _MaxPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    r"""1-D max pooling over (N, C, L) or (C, L): each output is the maximum of a `kernel_size` window.

    Args:
        kernel_size: the window size
        stride: the window step. Default: `kernel_size`
        padding: implicit -inf on both sides (at most half the kernel). Default: 0
        dilation: the spacing between window taps. Default: 1
        return_indices: also return the argmax positions (for :class:`MaxUnpool1d`). Default: False
        ceil_mode: round the output length up instead of down. Default: False

    Shape:
        (N, C, L_in) or (C, L_in) -> (N, C, L_out) or (C, L_out) with
        ``L_out = floor((L_in + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1)``.

    Example::

        >>> m = ember.nn.MaxPool1d(2)
        >>> m(ember.tensor([[[1.0, 3.0, 2.0, 5.0]]]))
        tensor([[[3., 5.]]])
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    r"""2-D max pooling over (N, C, H, W) or (C, H, W); `kernel_size`, `stride`, `padding` and
    `dilation` are ints or (h, w) pairs. See :class:`MaxPool1d` for the arguments.

    Example::

        >>> m = ember.nn.MaxPool2d(2, return_indices=True)
        >>> v, i = m(ember.arange(16.0).reshape(1, 1, 4, 4))
        >>> v
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    r"""3-D max pooling over (N, C, D, H, W) or (C, D, H, W). See :class:`MaxPool1d` for the arguments.

    Example::

        >>> ember.nn.MaxPool3d(2)(ember.arange(8.0).reshape(1, 2, 2, 2)).flatten()
        tensor([7.])
    """

    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


# ---- max unpooling ----


class _MaxUnpoolNd(Module):
    _dims = 1

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        n = self._dims
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride if (stride is not None) else kernel_size, n)
        self.padding = _ntuple(padding, n)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    r"""The partial inverse of :class:`MaxPool1d`: each value goes to the position its index names,
    every other position is zero.

    ``forward(input, indices, output_size=None)``: the output length is
    ``(L_in - 1) stride - 2 padding + kernel_size`` unless `output_size` says otherwise.

    Example::

        >>> pool, unpool = ember.nn.MaxPool1d(2, return_indices=True), ember.nn.MaxUnpool1d(2)
        >>> unpool(*pool(ember.tensor([[[1.0, 3.0, 2.0, 5.0]]])))
        tensor([[[0., 3., 0., 5.]]])
    """

    _dims = 1

    def forward(self, input, indices, output_size=None):
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    r"""The partial inverse of :class:`MaxPool2d`: values scattered to their indices, zeros elsewhere.

    Example::

        >>> pool, unpool = ember.nn.MaxPool2d(2, return_indices=True), ember.nn.MaxUnpool2d(2)
        >>> unpool(*pool(ember.arange(16.0).reshape(1, 1, 4, 4))).shape
        ember.Size([1, 1, 4, 4])
    """

    _dims = 2

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    r"""The partial inverse of :class:`MaxPool3d`: values scattered to their indices, zeros elsewhere.

    Example::

        >>> pool, unpool = ember.nn.MaxPool3d(2, return_indices=True), ember.nn.MaxUnpool3d(2)
        >>> unpool(*pool(ember.arange(8.0).reshape(1, 2, 2, 2))).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """

    _dims = 3

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


# ---- average pooling ----


class AvgPool1d(Module):
    r"""1-D average pooling over (N, C, L) or (C, L).

    Args:
        kernel_size: the window size
        stride: the window step. Default: `kernel_size`
        padding: implicit zeros on both sides (at most half the kernel). Default: 0
        ceil_mode: round the output length up instead of down. Default: False
        count_include_pad: count the padding zeros in the divisor. Default: True

    Example::

        >>> ember.nn.AvgPool1d(2)(ember.tensor([[[1.0, 3.0, 2.0, 6.0]]]))
        tensor([[[2., 4.]]])
    """

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    r"""2-D average pooling over (N, C, H, W) or (C, H, W); `divisor_override`, when given, replaces
    the window size as the divisor. See :class:`AvgPool1d` for the other arguments.

    Example::

        >>> ember.nn.AvgPool2d(2)(ember.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(_AvgPoolNd):
    r"""3-D average pooling over (N, C, D, H, W) or (C, D, H, W). See :class:`AvgPool2d`.

    Example::

        >>> ember.nn.AvgPool3d(2)(ember.arange(8.0).reshape(1, 2, 2, 2)).flatten()
        tensor([3.5000])
    """

    def forward(self, input):
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


# ---- fractional max pooling ----


class _FractionalMaxPoolNd(Module):
    _dims = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        n = self._dims
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, n) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"FractionalMaxPool{n}d requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    r"""Fractional max pooling (Graham, 2014) over (N, C, H, W) or (C, H, W): `kernel_size` windows
    at pseudo-random steps so that the output has `output_size` (or `output_ratio` times the input
    size); see :func:`ember.nn.functional.fractional_max_pool2d`.

    Example::

        >>> m = ember.nn.FractionalMaxPool2d(2, output_size=2)
        >>> m(ember.arange(16.0).reshape(1, 1, 4, 4)).shape
        ember.Size([1, 1, 2, 2])
    """

    _dims = 2

    def forward(self, input):
        return F.fractional_max_pool2d(input, self.kernel_size, self.output_size, self.output_ratio,
                                       self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    r"""Fractional max pooling over (N, C, D, H, W) or (C, D, H, W); see :class:`FractionalMaxPool2d`.

    Example::

        >>> m = ember.nn.FractionalMaxPool3d(2, output_ratio=0.5)
        >>> m(ember.ones(1, 1, 4, 4, 4)).shape
        ember.Size([1, 1, 2, 2, 2])
    """

    _dims = 3

    def forward(self, input):
        return F.fractional_max_pool3d(input, self.kernel_size, self.output_size, self.output_ratio,
                                       self.return_indices, _random_samples=self._random_samples)


# ---- power-average pooling ----


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    r"""1-D power-average pooling: ``(sum over the window of x ** p) ** (1 / p)`` with
    ``p = norm_type``, over (N, C, L) or (C, L). No padding; `stride` defaults to `kernel_size`.

    Example::

        >>> ember.nn.LPPool1d(2, 2)(ember.tensor([[[3.0, 4.0, 1.0, 1.0]]]))
        tensor([[[5.0000, 1.4142]]])
    """

    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPoolNd):
    r"""2-D power-average pooling over (N, C, H, W) or (C, H, W). See :class:`LPPool1d`.

    Example::

        >>> ember.nn.LPPool2d(1, 2)(ember.ones(1, 1, 2, 4))
        tensor([[[[4., 4.]]]])
    """

    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class LPPool3d(_LPPoolNd):
    r"""3-D power-average pooling over (N, C, D, H, W) or (C, D, H, W). See :class:`LPPool1d`.

    Example::

        >>> ember.nn.LPPool3d(2, 2)(ember.ones(1, 2, 2, 2)).flatten()
        tensor([2.8284])
    """

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


# ---- adaptive pooling ----


class _AdaptiveMaxPoolNd(Module):
    __constants__ = ["output_size", "return_indices"]

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    r"""Max pooling of (N, C, L) or (C, L) to length `output_size`; with `return_indices` also the
    argmax positions.

    Example::

        >>> ember.nn.AdaptiveMaxPool1d(2)(ember.tensor([[1.0, 5.0, 3.0, 4.0]]))
        tensor([[5., 4.]])
    """

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    r"""Max pooling of (N, C, H, W) or (C, H, W) to `output_size` (an int or an (h, w) pair; None
    keeps that input size).

    Example::

        >>> ember.nn.AdaptiveMaxPool2d((2, None))(ember.ones(1, 5, 3)).shape
        ember.Size([1, 2, 3])
    """

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    r"""Max pooling of (N, C, D, H, W) or (C, D, H, W) to `output_size`.

    Example::

        >>> ember.nn.AdaptiveMaxPool3d(1)(ember.arange(8.0).reshape(1, 2, 2, 2)).flatten()
        tensor([7.])
    """

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class _AdaptiveAvgPoolNd(Module):
    __constants__ = ["output_size"]

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    r"""Average pooling of (N, C, L) or (C, L) to length `output_size`.

    Example::

        >>> ember.nn.AdaptiveAvgPool1d(1)(ember.tensor([[1.0, 2.0, 3.0, 4.0]]))
        tensor([[2.5000]])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    r"""Average pooling of (N, C, H, W) or (C, H, W) to `output_size` (an int or an (h, w) pair;
    None keeps that input size).

    Example::

        >>> ember.nn.AdaptiveAvgPool2d(1)(ember.arange(16.0).reshape(1, 1, 4, 4)).flatten()
        tensor([7.5000])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    r"""Average pooling of (N, C, D, H, W) or (C, D, H, W) to `output_size`.

    Example::

        >>> ember.nn.AdaptiveAvgPool3d(1)(ember.arange(8.0).reshape(1, 2, 2, 2)).flatten()
        tensor([3.5000])
    """

    def forward(self, input):
        return F.adaptive_avg_pool3d(input, self.output_size)
