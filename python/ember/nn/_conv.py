"""Convolutions of ember.nn.functional: conv1d/2d/3d, conv_transpose1d/2d/3d and conv_tbc.

Each is a thin wrapper over the native convolution (``ember.convolution``, torch's ``torch.convolution``):
on the common path one call into ``ember._C._nn.convolution`` (which also takes unbatched inputs) with the
arguments as given (an int stride, padding or dilation is broadcast to every spatial dim by the native op,
a one-element list too). The rest of torch's rules live here: string padding (``'valid'`` and
``'same'``, the latter padding the extra element of an even effective kernel on the right/bottom with a
zero-padded copy of the input), and, for a weight of the wrong rank, the errors torch raises in its order.

Example::

    >>> import ember.nn.functional as F
    >>> F.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
"""

import warnings

from .. import _C

__all__ = ["conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

_convolution = _C._nn.convolution  # takes unbatched inputs too (ember.convolution does not, as torch)
_pad = _C._pad

# torch warns once per process when 'same' padding needs a zero-padded copy of the input
_same_copy_warned = False


# ---- helpers (error paths and string padding only) ----


def _as_list(value, n):
    """An int broadcast to n values (as torch's argument parser does for `tuple of ints`), else a list."""
    if isinstance(value, int):
        return [value] * n
    return list(value)


def _sizes(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _batched(input, n, name):
    """Raises torch's error unless input has n + 1 (unbatched) or n + 2 (batched) dims; returns its
    batched rank."""
    d = input.dim()
    if d != n + 1 and d != n + 2:
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input "
                           f"of size: {_sizes(input.shape)}")
    return n + 2


def _wrong_rank_error(input, weight, n, name, params):
    """The error torch raises for a weight whose rank does not match conv{n}d: the input rank check,
    then the weight rank, groups, the length of each per-dim argument, then input vs weight rank.

    params: (name, value) pairs, in torch's order, with ints already broadcast to n values.
    """
    d = _batched(input, n, name)
    k = weight.dim()
    if k < 3:
        raise RuntimeError("weight should have at least three dimensions")
    for pname, value in params:
        if pname == "groups":
            if value <= 0:
                raise RuntimeError("non-positive groups is not supported")
            continue
        if len(value) != 1 and len(value) != k - 2:
            raise RuntimeError(f"expected {pname} to be a single integer value or a list of {k - 2} values to match "
                               f"the convolution dimensions, but got {pname}={_sizes(value)}")
    shape = list(input.shape) if input.dim() == d else [1, *input.shape]
    raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight {_sizes(weight.shape)}, but got "
                       f"{d}-dimensional input of size {_sizes(shape)} instead")


def _conv_padding_str(input, weight, bias, stride, padding, dilation, groups, n, name):
    """conv{n}d with padding 'valid' or 'same' (torch's _convolution_mode)."""
    global _same_copy_warned
    if padding == "valid":
        if weight.dim() != n + 2:
            _wrong_rank_error(input, weight, n, name, [("groups", groups), ("stride", _as_list(stride, n)),
                                                       ("padding", [0]), ("dilation", _as_list(dilation, n))])
        return _convolution(input, weight, bias, stride, 0, dilation, False, 0, groups)
    _batched(input, n, name)
    if padding != "same":
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    k = weight.dim()
    if k < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    unbatched = input.dim() == n + 1
    if k != input.dim() + unbatched:
        shape = [1, *input.shape] if unbatched else list(input.shape)
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight{_sizes(weight.shape)}, but "
                           f"got {len(shape)}-dimensional input of size {_sizes(shape)} instead")
    dims = k - 2
    stride = _as_list(stride, n)
    dilation = _as_list(dilation, n)
    if len(stride) != dims and len(stride) != 1:
        raise RuntimeError(f"stride cannot broadcast to {dims} dimensions")
    if len(dilation) != dims and len(dilation) != 1:
        raise RuntimeError(f"dilation cannot broadcast to {dims} dimensions")
    for s in stride:
        if s != 1:
            raise RuntimeError("padding='same' is not supported for strided convolutions")
    # total padding d * (k - 1) per dim: half on each side, the odd element on the right
    kernel = weight.shape[2:]
    padding = []
    extra = None
    for i in range(dims):
        total = (dilation[0] if len(dilation) == 1 else dilation[i]) * (kernel[i] - 1)
        padding.append(total // 2)
        if total % 2:
            if extra is None:
                extra = [0] * (2 * dims)
            extra[2 * (dims - 1 - i) + 1] = 1  # F.pad's pairs start at the last dim
    if extra is not None:
        if not _same_copy_warned:
            _same_copy_warned = True
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                          "copy of the input be created", UserWarning, stacklevel=4)
        input = _pad(input, extra, "constant", None)
    return _convolution(input, weight, bias, stride, padding, dilation, False, 0, groups)


def _conv_slow(input, weight, bias, stride, padding, dilation, groups, n, name):
    if isinstance(padding, str):
        return _conv_padding_str(input, weight, bias, stride, padding, dilation, groups, n, name)
    _wrong_rank_error(input, weight, n, name, [("groups", groups), ("stride", _as_list(stride, n)),
                                               ("padding", _as_list(padding, n)), ("dilation", _as_list(dilation, n))])


def _conv_transpose_slow(input, weight, bias, stride, padding, output_padding, groups, dilation, n, name):
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    _batched(input, n, name)
    if weight.dim() == n + 2:
        return _convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups)
    _wrong_rank_error(input, weight, n, name, [("groups", groups), ("stride", _as_list(stride, n)),
                                               ("padding", _as_list(padding, n)), ("dilation", _as_list(dilation, n)),
                                               ("output_padding", _as_list(output_padding, n))])


# ---- convolutions ----


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 1D convolution over an input signal composed of several input planes.

    See :class:`~ember.nn.Conv1d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iW)` or
            :math:`(\text{in\_channels}, iW)`
        weight: filters of shape :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, kW)`
        bias: optional bias of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a one-element tuple
            `(sW,)`. Default: 1
        padding: implicit paddings on both sides of the input. Can be a string {'valid', 'same'},
            single number or a one-element tuple `(padW,)`. Default: 0.
            ``padding='valid'`` is the same as no padding. ``padding='same'`` pads the input so the
            output has the same shape as the input; it only supports stride 1.
        dilation: the spacing between kernel elements. Can be a single number or a one-element tuple
            `(dW,)`. Default: 1
        groups: split input into groups, :math:`\text{in\_channels}` should be divisible by the
            number of groups. Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> F.conv1d(ember.ones(2, 3, 5), ember.ones(4, 3, 3), padding="same").shape
        ember.Size([2, 4, 5])
    """
    if weight.dim() != 3 or isinstance(padding, str):
        return _conv_slow(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    return _convolution(input, weight, bias, stride, padding, dilation, False, 0, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 2D convolution over an input image composed of several input planes.

    See :class:`~ember.nn.Conv2d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iH, iW)` or
            :math:`(\text{in\_channels}, iH, iW)`
        weight: filters of shape :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, kH, kW)`
        bias: optional bias tensor of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a tuple `(sH, sW)`.
            Default: 1
        padding: implicit paddings on both sides of the input. Can be a string {'valid', 'same'},
            single number or a tuple `(padH, padW)`. Default: 0.
            ``padding='valid'`` is the same as no padding. ``padding='same'`` pads the input so the
            output has the same shape as the input; it only supports stride 1.
        dilation: the spacing between kernel elements. Can be a single number or a tuple `(dH, dW)`.
            Default: 1
        groups: split input into groups, both :math:`\text{in\_channels}` and
            :math:`\text{out\_channels}` should be divisible by the number of groups. Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> filters = ember.randn(8, 4, 3, 3)
        >>> inputs = ember.randn(1, 4, 5, 5)
        >>> F.conv2d(inputs, filters, padding=1).shape
        ember.Size([1, 8, 5, 5])
    """
    if weight.dim() != 4 or isinstance(padding, str):
        return _conv_slow(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    return _convolution(input, weight, bias, stride, padding, dilation, False, 0, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 3D convolution over an input image composed of several input planes.

    See :class:`~ember.nn.Conv3d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iT, iH, iW)` or
            :math:`(\text{in\_channels}, iT, iH, iW)`
        weight: filters of shape
            :math:`(\text{out\_channels}, \frac{\text{in\_channels}}{\text{groups}}, kT, kH, kW)`
        bias: optional bias tensor of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a tuple `(sT, sH, sW)`.
            Default: 1
        padding: implicit paddings on both sides of the input. Can be a string {'valid', 'same'},
            single number or a tuple `(padT, padH, padW)`. Default: 0.
            ``padding='valid'`` is the same as no padding. ``padding='same'`` pads the input so the
            output has the same shape as the input; it only supports stride 1.
        dilation: the spacing between kernel elements. Can be a single number or a tuple
            `(dT, dH, dW)`. Default: 1
        groups: split input into groups, :math:`\text{in\_channels}` should be divisible by the
            number of groups. Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> filters = ember.randn(33, 16, 3, 3, 3)
        >>> inputs = ember.randn(20, 16, 10, 12, 12)
        >>> F.conv3d(inputs, filters).shape
        ember.Size([20, 33, 8, 10, 10])
    """
    if weight.dim() != 5 or isinstance(padding, str):
        return _conv_slow(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")
    return _convolution(input, weight, bias, stride, padding, dilation, False, 0, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 1D transposed convolution operator over an input signal composed of several input
    planes, sometimes also called "deconvolution".

    See :class:`~ember.nn.ConvTranspose1d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iW)` or
            :math:`(\text{in\_channels}, iW)`
        weight: filters of shape :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, kW)`
        bias: optional bias of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a tuple ``(sW,)``.
            Default: 1
        padding: ``dilation * (kernel_size - 1) - padding`` zero-padding will be added to both sides
            of each dimension in the input. Can be a single number or a tuple ``(padW,)``. Default: 0
        output_padding: additional size added to one side of each dimension in the output shape.
            Can be a single number or a tuple ``(out_padW)``. Default: 0
        groups: split input into groups, :math:`\text{in\_channels}` should be divisible by the
            number of groups. Default: 1
        dilation: the spacing between kernel elements. Can be a single number or a tuple ``(dW,)``.
            Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> inputs = ember.randn(20, 16, 50)
        >>> weights = ember.randn(16, 33, 5)
        >>> F.conv_transpose1d(inputs, weights).shape
        ember.Size([20, 33, 54])
    """
    if weight.dim() != 3 or input.dim() != 3:
        return _conv_transpose_slow(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                                    "conv_transpose1d")
    return _convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 2D transposed convolution operator over an input image composed of several input
    planes, sometimes also called "deconvolution".

    See :class:`~ember.nn.ConvTranspose2d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iH, iW)` or
            :math:`(\text{in\_channels}, iH, iW)`
        weight: filters of shape
            :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, kH, kW)`
        bias: optional bias of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a tuple ``(sH, sW)``.
            Default: 1
        padding: ``dilation * (kernel_size - 1) - padding`` zero-padding will be added to both sides
            of each dimension in the input. Can be a single number or a tuple ``(padH, padW)``.
            Default: 0
        output_padding: additional size added to one side of each dimension in the output shape.
            Can be a single number or a tuple ``(out_padH, out_padW)``. Default: 0
        groups: split input into groups, :math:`\text{in\_channels}` should be divisible by the
            number of groups. Default: 1
        dilation: the spacing between kernel elements. Can be a single number or a tuple ``(dH, dW)``.
            Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> inputs = ember.randn(1, 4, 5, 5)
        >>> weights = ember.randn(4, 8, 3, 3)
        >>> F.conv_transpose2d(inputs, weights, padding=1).shape
        ember.Size([1, 8, 5, 5])
    """
    if weight.dim() != 4 or input.dim() != 4:
        return _conv_transpose_slow(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                                    "conv_transpose2d")
    return _convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 3D transposed convolution operator over an input image composed of several input
    planes, sometimes also called "deconvolution".

    See :class:`~ember.nn.ConvTranspose3d` for details and output shape.

    Args:
        input: input tensor of shape :math:`(\text{minibatch}, \text{in\_channels}, iT, iH, iW)` or
            :math:`(\text{in\_channels}, iT, iH, iW)`
        weight: filters of shape
            :math:`(\text{in\_channels}, \frac{\text{out\_channels}}{\text{groups}}, kT, kH, kW)`
        bias: optional bias of shape :math:`(\text{out\_channels})`. Default: ``None``
        stride: the stride of the convolving kernel. Can be a single number or a tuple
            ``(sT, sH, sW)``. Default: 1
        padding: ``dilation * (kernel_size - 1) - padding`` zero-padding will be added to both sides
            of each dimension in the input. Can be a single number or a tuple ``(padT, padH, padW)``.
            Default: 0
        output_padding: additional size added to one side of each dimension in the output shape.
            Can be a single number or a tuple ``(out_padT, out_padH, out_padW)``. Default: 0
        groups: split input into groups, :math:`\text{in\_channels}` should be divisible by the
            number of groups. Default: 1
        dilation: the spacing between kernel elements. Can be a single number or a tuple
            ``(dT, dH, dW)``. Default: 1

    Example::

        >>> import ember.nn.functional as F
        >>> inputs = ember.randn(20, 16, 5, 6, 7)
        >>> weights = ember.randn(16, 33, 3, 3, 3)
        >>> F.conv_transpose3d(inputs, weights).shape
        ember.Size([20, 33, 7, 8, 9])
    """
    if weight.dim() != 5 or input.dim() != 5:
        return _conv_transpose_slow(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                                    "conv_transpose3d")
    return _convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups)


def conv_tbc(input, weight, bias, pad=0):
    r"""Applies a 1-dimensional sequence convolution over an input sequence.
    Input and output dimensions are (Time, Batch, Channels) - hence TBC.

    Args:
        input: input tensor of shape :math:`(\text{sequence length} \times batch \times \text{in\_channels})`
        weight: filter of shape (:math:`\text{kernel width} \times \text{in\_channels} \times \text{out\_channels}`)
        bias: bias of shape (:math:`\text{out\_channels}`)
        pad: number of timesteps to pad. Default: 0

    Example::

        >>> import ember.nn.functional as F
        >>> F.conv_tbc(ember.ones(5, 2, 4), ember.ones(3, 4, 6), ember.zeros(6), 1).shape
        ember.Size([5, 2, 6])
    """
    if bias is None:
        raise TypeError("conv_tbc(): argument 'bias' (position 3) must be Tensor, not NoneType")
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    out_time = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if out_time <= 0:
        if out_time < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {out_time}: "
                               f"[{out_time}, {input.shape[1]}, {weight.shape[2]}]")
        return bias.expand(0, input.shape[1], weight.shape[2])
    # (T, B, C) -> (B, C, T), kernel (K, C_in, C_out) -> (C_out, C_in, K): a cross-correlation as conv1d's
    out = _convolution(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad, 1, False, 0, 1)
    return out.permute(2, 0, 1)
