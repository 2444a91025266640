"""Folding an eval-mode batch norm into the convolution or linear layer before it.

In eval mode a batch norm is an affine map per channel, ``y = (x - mean) / sqrt(var + eps) * gamma +
beta``, so it can be folded into the preceding layer's weight (scaled per output channel) and bias.

Example::

    >>> conv = ember.nn.Conv2d(3, 4, 3).eval()
    >>> w, b = ember.nn.utils.fuse_conv_bn_weights(conv.weight, conv.bias, ember.zeros(4), ember.ones(4), 0.0,
    ...                                            ember.full((4,), 2.0), ember.zeros(4))
    >>> bool(ember.allclose(w, 2 * conv.weight))
    True
"""

import copy

from ... import _C
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_eval(conv, bn, transpose=False):
    r"""Fuse a convolutional module and a BatchNorm module into a single, new convolutional module.

    Args:
        conv (ember.nn.modules.conv._ConvNd): A convolutional module.
        bn (ember.nn.modules.batchnorm._BatchNorm): A BatchNorm module.
        transpose (bool, optional): If True, transpose the convolutional weight. Defaults to False.

    Returns:
        ember.nn.modules.conv._ConvNd: The fused convolutional module.

    .. note::
        Both ``conv`` and ``bn`` must be in eval mode, and ``bn`` must have its running buffers computed.

    Example::

        >>> conv = ember.nn.Conv2d(3, 4, 3).eval()
        >>> bn = ember.nn.BatchNorm2d(4).eval()
        >>> fused = ember.nn.utils.fuse_conv_bn_eval(conv, bn)
        >>> x = ember.randn(1, 3, 5, 5)
        >>> bool(ember.allclose(fused(x), bn(conv(x)), atol=1e-6))
        True
    """
    assert not (conv.training or bn.training), "Fusion only for eval!"
    fused_conv = copy.deepcopy(conv)
    assert bn.running_mean is not None and bn.running_var is not None
    fused_conv.weight, fused_conv.bias = fuse_conv_bn_weights(
        fused_conv.weight, fused_conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias, transpose)
    return fused_conv


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    r"""Fuse convolutional module parameters and BatchNorm module parameters into new convolutional
    module parameters.

    Args:
        conv_w (ember.Tensor): Convolutional weight.
        conv_b (Optional[ember.Tensor]): Convolutional bias.
        bn_rm (ember.Tensor): BatchNorm running mean.
        bn_rv (ember.Tensor): BatchNorm running variance.
        bn_eps (float): BatchNorm epsilon.
        bn_w (Optional[ember.Tensor]): BatchNorm weight.
        bn_b (Optional[ember.Tensor]): BatchNorm bias.
        transpose (bool, optional): If True, transpose the conv weight (the output channels are its
            dim 1). Defaults to False.

    Returns:
        Tuple[ember.nn.Parameter, ember.nn.Parameter]: Fused convolutional weight and bias.

    Example::

        >>> w, b = ember.nn.utils.fuse_conv_bn_weights(ember.ones(2, 1, 1, 1), None, ember.zeros(2),
        ...                                            ember.ones(2), 0.0, None, None)
        >>> w.flatten().tolist(), b.tolist()
        ([1.0, 1.0], [0.0, 0.0])
    """
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    if conv_b is None:
        conv_b = _C.zeros_like(bn_rm)
    if bn_w is None:
        bn_w = _C.ones_like(bn_rm)
    if bn_b is None:
        bn_b = _C.zeros_like(bn_rm)
    inv_std = _C.rsqrt(bn_rv + bn_eps)
    # the per-channel scale broadcast over the output-channel dim of the weight (dim 1 when transposed)
    shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.dim() - 2)
    fused_w = (conv_w * (bn_w * inv_std).reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * inv_std * bn_w + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    r"""Fuse a linear module and a BatchNorm module into a single, new linear module.

    Args:
        linear (ember.nn.Linear): A Linear module.
        bn (ember.nn.modules.batchnorm._BatchNorm): A BatchNorm module.

    Returns:
        ember.nn.Linear: The fused linear module.

    .. note::
        Both ``linear`` and ``bn`` must be in eval mode, and ``bn`` must have its running buffers
        computed. ``bn.num_features`` must equal ``linear.out_features`` or be 1 (the batch norm
        channels must broadcast over the linear output's last dim).

    Example::

        >>> linear = ember.nn.Linear(3, 4).eval()
        >>> bn = ember.nn.BatchNorm1d(4).eval()
        >>> fused = ember.nn.utils.fuse_linear_bn_eval(linear, bn)
        >>> x = ember.randn(2, 3)
        >>> bool(ember.allclose(fused(x), bn(linear(x)), atol=1e-6))
        True
    """
    assert not (linear.training or bn.training), "Fusion only for eval!"
    fused_linear = copy.deepcopy(linear)
    assert linear.out_features == bn.num_features or bn.num_features == 1, (
        "To fuse, linear.out_features == bn.num_features or bn.num_features == 1")
    assert bn.running_mean is not None and bn.running_var is not None
    fused_linear.weight, fused_linear.bias = fuse_linear_bn_weights(
        fused_linear.weight, fused_linear.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused_linear


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    r"""Fuse linear module parameters and BatchNorm module parameters into new linear module parameters.

    Args:
        linear_w (ember.Tensor): Linear weight.
        linear_b (Optional[ember.Tensor]): Linear bias.
        bn_rm (ember.Tensor): BatchNorm running mean.
        bn_rv (ember.Tensor): BatchNorm running variance.
        bn_eps (float): BatchNorm epsilon.
        bn_w (ember.Tensor): BatchNorm weight.
        bn_b (ember.Tensor): BatchNorm bias.

    Returns:
        Tuple[ember.nn.Parameter, ember.nn.Parameter]: Fused linear weight and bias.

    Example::

        >>> w, b = ember.nn.utils.fuse_linear_bn_weights(ember.ones(2, 3), None, ember.zeros(2), ember.ones(2),
        ...                                              0.0, ember.full((2,), 3.0), ember.ones(2))
        >>> w.tolist(), b.tolist()
        ([[3.0, 3.0, 3.0], [3.0, 3.0, 3.0]], [1.0, 1.0])
    """
    w_dtype = linear_w.dtype
    b_dtype = linear_b.dtype if linear_b is not None else w_dtype
    if linear_b is None:
        linear_b = _C.zeros_like(bn_rm)
    scale = bn_w * _C.rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * scale.unsqueeze(-1).to(dtype=w_dtype)
    fused_b = ((linear_b - bn_rm) * scale + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
