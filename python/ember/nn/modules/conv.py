"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their lazy forms, with torch's
constructor arguments and checks, parameter shapes, initialisation and printed form.

Example::

    >>> ember.nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
    Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
"""

import collections.abc
import math

from ... import _C
from ...autograd.grad_mode import no_grad
from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]


def _ntuple(n, name):
    # an iterable becomes a tuple as it is (even a string, as in torch); anything else is repeated n times
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return (x,) * n

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")


def _reverse_repeat_tuple(t, n):
    """(a, b) -> (b, b, a, a) for n = 2: per-dim values in F.pad's order (last dim first), each n times."""
    return tuple(x for x in reversed(t) for _ in range(n))


_VALID_PADDING_STRINGS = {"same", "valid"}
_VALID_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """The state and checks shared by the convolution layers (torch's ``_ConvNd``)."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]

    def _conv_forward(self, input, weight, bias):
        raise NotImplementedError

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in _VALID_PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_VALID_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _VALID_PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_VALID_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # the padding of F.pad for a padding_mode other than 'zeros': per dim (left, right), last dim first
        if isinstance(self.padding, str):
            pads = [0, 0] * len(kernel_size)
            if padding == "same":
                last = len(kernel_size) - 1
                for i, (d, k) in enumerate(zip(dilation, kernel_size)):
                    total = d * (k - 1)
                    pads[2 * (last - i)] = total // 2
                    pads[2 * (last - i) + 1] = total - total // 2
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = _reverse_repeat_tuple(self.padding, 2)
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(_C.empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_C.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # kaiming_uniform_ with a = sqrt(5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), with fan_in = weight.size(1) *
        # prod(kernel_size); the bias from the same range
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class Conv1d(_ConvNd):
    r"""Applies a 1D convolution over an input signal composed of several input planes.

    For an input of size :math:`(N, C_{\text{in}}, L)` the output has size :math:`(N, C_{\text{out}},
    L_{\text{out}})` with

    .. math::
        L_{\text{out}} = \left\lfloor\frac{L + 2 \times \text{padding} - \text{dilation}
                  \times (\text{kernel\_size} - 1) - 1}{\text{stride}} + 1\right\rfloor

    An unbatched :math:`(C_{\text{in}}, L)` input gives a :math:`(C_{\text{out}}, L_{\text{out}})` output.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int, tuple or str, optional): Padding added to both sides of the input, or
            ``'valid'`` / ``'same'``. Default: 0
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        padding_mode (str, optional): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
            Default: ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, \text{kernel\_size})`,
            from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with
            :math:`k = \frac{groups}{C_\text{in} * \text{kernel\_size}}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> m = ember.nn.Conv1d(16, 33, 3, stride=2)
        >>> m(ember.randn(20, 16, 50)).shape
        ember.Size([20, 33, 24])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        kernel_size_ = _single(kernel_size)
        stride_ = _single(stride)
        padding_ = padding if isinstance(padding, str) else _single(padding)
        dilation_ = _single(dilation)
        super().__init__(in_channels, out_channels, kernel_size_, stride_, padding_, dilation_, False, _single(0),
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def _conv_forward(self, input, weight, bias):
        if self.padding_mode != "zeros":
            return F.conv1d(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                            self.stride, _single(0), self.dilation, self.groups)
        return F.conv1d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv2d(_ConvNd):
    r"""Applies a 2D convolution over an input signal composed of several input planes.

    For an input of size :math:`(N, C_{\text{in}}, H, W)` the output has size
    :math:`(N, C_{\text{out}}, H_{\text{out}}, W_{\text{out}})` with

    .. math::
        H_{\text{out}} = \left\lfloor\frac{H + 2 \times \text{padding}[0] - \text{dilation}[0]
                  \times (\text{kernel\_size}[0] - 1) - 1}{\text{stride}[0]} + 1\right\rfloor

    and likewise for :math:`W_{\text{out}}`. An unbatched :math:`(C_{\text{in}}, H, W)` input is
    accepted too.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int, tuple or str, optional): Padding added to all four sides of the input, or
            ``'valid'`` / ``'same'``. Default: 0
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        padding_mode (str, optional): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
            Default: ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, kH, kW)`, from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with :math:`k = \frac{groups}{C_\text{in} * kH * kW}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> m = ember.nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
        >>> m(ember.randn(20, 16, 50, 100)).shape
        ember.Size([20, 33, 26, 100])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        kernel_size_ = _pair(kernel_size)
        stride_ = _pair(stride)
        padding_ = padding if isinstance(padding, str) else _pair(padding)
        dilation_ = _pair(dilation)
        super().__init__(in_channels, out_channels, kernel_size_, stride_, padding_, dilation_, False, _pair(0),
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def _conv_forward(self, input, weight, bias):
        if self.padding_mode != "zeros":
            return F.conv2d(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                            self.stride, _pair(0), self.dilation, self.groups)
        return F.conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv3d(_ConvNd):
    r"""Applies a 3D convolution over an input signal composed of several input planes.

    For an input of size :math:`(N, C_{\text{in}}, D, H, W)` the output has size
    :math:`(N, C_{\text{out}}, D_{\text{out}}, H_{\text{out}}, W_{\text{out}})` with

    .. math::
        D_{\text{out}} = \left\lfloor\frac{D + 2 \times \text{padding}[0] - \text{dilation}[0]
                  \times (\text{kernel\_size}[0] - 1) - 1}{\text{stride}[0]} + 1\right\rfloor

    and likewise for the other dims. An unbatched :math:`(C_{\text{in}}, D, H, W)` input is
    accepted too.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int, tuple or str, optional): Padding added to all six sides of the input, or
            ``'valid'`` / ``'same'``. Default: 0
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        padding_mode (str, optional): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
            Default: ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, kD, kH, kW)`, from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with
            :math:`k = \frac{groups}{C_\text{in} * kD * kH * kW}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> m = ember.nn.Conv3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(4, 2, 0))
        >>> m(ember.randn(2, 16, 10, 5, 6)).shape
        ember.Size([2, 33, 8, 5, 5])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        kernel_size_ = _triple(kernel_size)
        stride_ = _triple(stride)
        padding_ = padding if isinstance(padding, str) else _triple(padding)
        dilation_ = _triple(dilation)
        super().__init__(in_channels, out_channels, kernel_size_, stride_, padding_, dilation_, False, _triple(0),
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def _conv_forward(self, input, weight, bias):
        if self.padding_mode != "zeros":
            return F.conv3d(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                            self.stride, _triple(0), self.dilation, self.groups)
        return F.conv3d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class _ConvTransposeNd(_ConvNd):
    """The transposed convolutions' shared part: the padding_mode check and the output padding that
    an ``output_size`` asks for."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        """The output_padding giving ``output_size`` (its spatial sizes, or the full output shape), or
        ``self.output_padding`` when it is None; a ValueError for a size no output padding reaches."""
        if output_size is None:
            return _single(self.output_padding)
        num_non_spatial_dims = 2 if input.dim() == num_spatial_dims + 2 else 1
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements "
                             f"(got {len(output_size)})")
        min_sizes = []
        max_sizes = []
        for d in range(num_spatial_dims):
            dil = dilation[d] if dilation is not None else 1
            size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d]
                    + dil * (kernel_size[d] - 1) + 1)
            min_sizes.append(size)
            max_sizes.append(size + stride[d] - 1)
        for size, lo, hi in zip(output_size, min_sizes, max_sizes):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
                                 f"to {max_sizes} (for an input of {input.size()[2:]})")
        return [int(output_size[d]) - min_sizes[d] for d in range(num_spatial_dims)]


class ConvTranspose1d(_ConvTransposeNd):
    r"""Applies a 1D transposed convolution operator over an input image composed of several input
    planes: the gradient of :class:`Conv1d` with respect to its input (also called a fractionally
    strided convolution or deconvolution).

    For an input of size :math:`(N, C_{\text{in}}, L_{\text{in}})` the output has size
    :math:`(N, C_{\text{out}}, L_{\text{out}})` with

    .. math::
        L_{\text{out}} = (L_{\text{in}} - 1) \times \text{stride} - 2 \times \text{padding} + \text{dilation}
                  \times (\text{kernel\_size} - 1) + \text{output\_padding} + 1

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zero-padding
            will be added to both sides of the input. Default: 0
        output_padding (int or tuple, optional): Additional size added to one side of the output
            shape. Default: 0
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        padding_mode (str, optional): only ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, \text{kernel\_size})`,
            from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with
            :math:`k = \frac{groups}{C_\text{out} * \text{kernel\_size}}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> m = ember.nn.ConvTranspose1d(16, 33, 3, stride=2)
        >>> m(ember.randn(20, 16, 50)).shape
        ember.Size([20, 33, 101])
        >>> m(ember.randn(20, 16, 50), output_size=[102]).shape
        ember.Size([20, 33, 102])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        kernel_size = _single(kernel_size)
        stride = _single(stride)
        padding = _single(padding)
        dilation = _single(dilation)
        output_padding = _single(output_padding)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input, output_size=None):
        if self.padding_mode != "zeros":
            raise ValueError("Only `zeros` padding mode is supported for ConvTranspose1d")
        output_padding = self.output_padding if output_size is None else self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size, 1, self.dilation)
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    r"""Applies a 2D transposed convolution operator over an input image composed of several input
    planes: the gradient of :class:`Conv2d` with respect to its input (also called a fractionally
    strided convolution or deconvolution).

    For an input of size :math:`(N, C_{\text{in}}, H_{\text{in}}, W_{\text{in}})` the output has size
    :math:`(N, C_{\text{out}}, H_{\text{out}}, W_{\text{out}})` with

    .. math::
        H_{\text{out}} = (H_{\text{in}} - 1) \times \text{stride}[0] - 2 \times \text{padding}[0]
                  + \text{dilation}[0] \times (\text{kernel\_size}[0] - 1) + \text{output\_padding}[0] + 1

    and likewise for :math:`W_{\text{out}}`. ``forward(input, output_size)`` picks the output
    padding that gives ``output_size``.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zero-padding
            will be added to both sides of each dimension in the input. Default: 0
        output_padding (int or tuple, optional): Additional size added to one side of each dimension
            in the output shape. Default: 0
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        padding_mode (str, optional): only ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, kH, kW)`, from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with :math:`k = \frac{groups}{C_\text{out} * kH * kW}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> downsample = ember.nn.Conv2d(16, 16, 3, stride=2, padding=1)
        >>> upsample = ember.nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
        >>> x = ember.randn(1, 16, 12, 12)
        >>> h = downsample(x)
        >>> h.shape
        ember.Size([1, 16, 6, 6])
        >>> upsample(h, output_size=x.size()).shape
        ember.Size([1, 16, 12, 12])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        kernel_size = _pair(kernel_size)
        stride = _pair(stride)
        padding = _pair(padding)
        dilation = _pair(dilation)
        output_padding = _pair(output_padding)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input, output_size=None):
        if self.padding_mode != "zeros":
            raise ValueError("Only `zeros` padding mode is supported for ConvTranspose2d")
        output_padding = self.output_padding if output_size is None else self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size, 2, self.dilation)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


class ConvTranspose3d(_ConvTransposeNd):
    r"""Applies a 3D transposed convolution operator over an input image composed of several input
    planes: the gradient of :class:`Conv3d` with respect to its input (also called a fractionally
    strided convolution or deconvolution).

    For an input of size :math:`(N, C_{\text{in}}, D_{\text{in}}, H_{\text{in}}, W_{\text{in}})` the
    output has size :math:`(N, C_{\text{out}}, D_{\text{out}}, H_{\text{out}}, W_{\text{out}})` with

    .. math::
        D_{\text{out}} = (D_{\text{in}} - 1) \times \text{stride}[0] - 2 \times \text{padding}[0]
                  + \text{dilation}[0] \times (\text{kernel\_size}[0] - 1) + \text{output\_padding}[0] + 1

    and likewise for the other dims.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zero-padding
            will be added to both sides of each dimension in the input. Default: 0
        output_padding (int or tuple, optional): Additional size added to one side of each dimension
            in the output shape. Default: 0
        groups (int, optional): Number of blocked connections from input channels to output
            channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        padding_mode (str, optional): only ``'zeros'``

    Attributes:
        weight (Tensor): the learnable weights of shape
            :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, kD, kH, kW)`, from
            :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with
            :math:`k = \frac{groups}{C_\text{out} * kD * kH * kW}`
        bias (Tensor): the learnable bias of shape (out_channels), from the same distribution

    Example::

        >>> m = ember.nn.ConvTranspose3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(0, 4, 2))
        >>> m(ember.randn(2, 16, 5, 10, 6)).shape
        ember.Size([2, 33, 11, 6, 3])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        kernel_size = _triple(kernel_size)
        stride = _triple(stride)
        padding = _triple(padding)
        dilation = _triple(dilation)
        output_padding = _triple(output_padding)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input, output_size=None):
        if self.padding_mode != "zeros":
            raise ValueError("Only `zeros` padding mode is supported for ConvTranspose3d")
        output_padding = self.output_padding if output_size is None else self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size, 3, self.dilation)
        return F.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)


# ---- lazy forms ----


class _LazyConvXdMixin(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` is read off the first input (dim 1 of a
    batched input, dim 0 of an unbatched one), then the weight and bias get their shapes."""

    def reset_parameters(self):
        # nothing to initialize until the shapes are known
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                if self.transposed:
                    self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
                else:
                    self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _get_in_channels(self, input):
        n = self._get_num_spatial_dims()
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == n + 2 else input.shape[0]

    def _get_num_spatial_dims(self):
        raise NotImplementedError


def _lazy_init(module, out_channels, bias, device, dtype):
    # the placeholders replace the empty parameters the eager constructor made (with in_channels = 0)
    module.weight = UninitializedParameter(device=device, dtype=dtype)
    module.out_channels = out_channels
    if bias:
        module.bias = UninitializedParameter(device=device, dtype=dtype)


class LazyConv1d(_LazyConvXdMixin, Conv1d):
    r"""A :class:`Conv1d` module whose ``in_channels`` is inferred from ``input.size(1)`` (batched)
    or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and ``bias`` and
    turns the module into a :class:`Conv1d`.

    Args: those of :class:`Conv1d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConv1d(4, 3)
        >>> m(ember.randn(2, 5, 8)).shape
        ember.Size([2, 4, 6])
        >>> m
        Conv1d(5, 4, kernel_size=(3,), stride=(1,))
    """

    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 1


class LazyConv2d(_LazyConvXdMixin, Conv2d):
    r"""A :class:`Conv2d` module whose ``in_channels`` is inferred from ``input.size(1)`` (batched)
    or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and ``bias`` and
    turns the module into a :class:`Conv2d`.

    Args: those of :class:`Conv2d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConv2d(4, 3)
        >>> m
        LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))
        >>> m(ember.randn(2, 5, 8, 8)).shape
        ember.Size([2, 4, 6, 6])
        >>> m
        Conv2d(5, 4, kernel_size=(3, 3), stride=(1, 1))
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 2


class LazyConv3d(_LazyConvXdMixin, Conv3d):
    r"""A :class:`Conv3d` module whose ``in_channels`` is inferred from ``input.size(1)`` (batched)
    or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and ``bias`` and
    turns the module into a :class:`Conv3d`.

    Args: those of :class:`Conv3d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConv3d(4, 3)
        >>> m(ember.randn(2, 5, 4, 4, 4)).shape
        ember.Size([2, 4, 2, 2, 2])
    """

    cls_to_become = Conv3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 3


class LazyConvTranspose1d(_LazyConvXdMixin, ConvTranspose1d):
    r"""A :class:`ConvTranspose1d` module whose ``in_channels`` is inferred from ``input.size(1)``
    (batched) or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and
    ``bias`` and turns the module into a :class:`ConvTranspose1d`.

    Args: those of :class:`ConvTranspose1d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConvTranspose1d(4, 3, stride=2)
        >>> m(ember.randn(2, 5, 8)).shape
        ember.Size([2, 4, 17])
    """

    cls_to_become = ConvTranspose1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 1


class LazyConvTranspose2d(_LazyConvXdMixin, ConvTranspose2d):
    r"""A :class:`ConvTranspose2d` module whose ``in_channels`` is inferred from ``input.size(1)``
    (batched) or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and
    ``bias`` and turns the module into a :class:`ConvTranspose2d`.

    Args: those of :class:`ConvTranspose2d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConvTranspose2d(4, 3)
        >>> m(ember.randn(2, 5, 6, 6)).shape
        ember.Size([2, 4, 8, 8])
        >>> m
        ConvTranspose2d(5, 4, kernel_size=(3, 3), stride=(1, 1))
    """

    cls_to_become = ConvTranspose2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 2


class LazyConvTranspose3d(_LazyConvXdMixin, ConvTranspose3d):
    r"""A :class:`ConvTranspose3d` module whose ``in_channels`` is inferred from ``input.size(1)``
    (batched) or ``input.size(0)`` (unbatched) at the first call, which materializes ``weight`` and
    ``bias`` and turns the module into a :class:`ConvTranspose3d`.

    Args: those of :class:`ConvTranspose3d` less ``in_channels``.

    Example::

        >>> m = ember.nn.LazyConvTranspose3d(4, 2, stride=2)
        >>> m(ember.randn(2, 5, 3, 3, 3)).shape
        ember.Size([2, 4, 6, 6, 6])
    """

    cls_to_become = ConvTranspose3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device=device, dtype=dtype)
        _lazy_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self):
        return 3
