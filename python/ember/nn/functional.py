"""ember.nn.functional: stateless functions of torch.nn.functional, over ember's native ops.

Example::

    >>> import ember.nn.functional as F
    >>> F.relu(ember.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""

import math

from .. import _C
from .. import autograd as _autograd
from ..autograd.grad_mode import no_grad as _no_grad

# ---- activations ----


def relu(input, inplace=False):
    """Applies the rectified linear unit elementwise: max(0, x).

    Example::

        >>> F.relu(ember.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return input.relu_() if inplace else _C.relu(input)


def sigmoid(input):
    """The logistic function 1 / (1 + exp(-x)), elementwise (``ember.sigmoid``).

    Example::

        >>> F.sigmoid(ember.tensor([0.0]))
        tensor([0.5000])
    """
    return _C.sigmoid(input)


def tanh(input):
    """The hyperbolic tangent, elementwise (``ember.tanh``).

    Example::

        >>> F.tanh(ember.tensor([0.0]))
        tensor([0.])
    """
    return _C.tanh(input)


def _softmax_dim(name, ndim):
    """torch's implicit dim of softmax and friends when dim=None (deprecated there: it warns)."""
    import warnings

    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
        "argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`; `dtype` converts the input first.

    Example::

        >>> F.softmax(ember.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return _C.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along `dim`, computed without overflow; `dtype` converts the input first.

    Example::

        >>> F.log_softmax(ember.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return _C.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`: weights that favour the smallest entries.

    Example::

        >>> F.softmin(ember.tensor([0.0, 1.0]), dim=0)
        tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _C.softmax(-input, dim)


# Native activations (ember._C._nn, as torch._C._nn); each has a fused backward kernel.
_nn = _C._nn


def softplus(input, beta=1.0, threshold=20.0):
    """Softplus: log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold.

    Example::

        >>> F.softplus(ember.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.0000])
    """
    return _nn.softplus(input, beta, threshold)


def gelu(input, approximate="none"):
    """Gaussian error linear unit: x * Phi(x), or its tanh approximation with approximate='tanh'.

    Example::

        >>> F.gelu(ember.tensor([-1.0, 1.0]))
        tensor([-0.1587,  0.8413])
    """
    return _nn.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    """Sigmoid linear unit (swish): x * sigmoid(x).

    Example::

        >>> F.silu(ember.tensor([1.0]))
        tensor([0.7311])
    """
    return _nn.silu_(input) if inplace else _nn.silu(input)


def mish(input, inplace=False):
    """Mish: x * tanh(softplus(x)).

    Example::

        >>> F.mish(ember.tensor([1.0]))
        tensor([0.8651])
    """
    return _nn.mish_(input) if inplace else _nn.mish(input)


def elu(input, alpha=1.0, inplace=False):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise.

    Example::

        >>> F.elu(ember.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """
    return _nn.elu_(input, alpha) if inplace else _nn.elu(input, alpha)


def elu_(input, alpha=1.0):
    """In-place :func:`elu`."""
    return _nn.elu_(input, alpha)


def selu(input, inplace=False):
    """Scaled ELU with the self-normalizing constants (alpha 1.6733, scale 1.0507).

    Example::

        >>> F.selu(ember.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    return _C.selu_(input) if inplace else _C.selu(input)


def selu_(input):
    """In-place :func:`selu`."""
    return _C.selu_(input)


def celu(input, alpha=1.0, inplace=False):
    """Continuously differentiable ELU: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    Example::

        >>> F.celu(ember.tensor([-1.0]), alpha=2.0)
        tensor([-0.7869])
    """
    return _C.celu_(input, alpha) if inplace else _C.celu(input, alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`."""
    return _C.celu_(input, alpha)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, negative_slope * x otherwise.

    Example::

        >>> F.leaky_relu(ember.tensor([-2.0, 2.0]), 0.1)
        tensor([-0.2000,  2.0000])
    """
    if inplace:
        return _nn.leaky_relu_(input, negative_slope)
    return _nn.leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`leaky_relu`."""
    return _nn.leaky_relu_(input, negative_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamps to [min_val, max_val] (integer tensors too).

    Example::

        >>> F.hardtanh(ember.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _nn.hardtanh_(input, min_val, max_val)
    return _nn.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`hardtanh`."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _nn.hardtanh_(input, min_val, max_val)


def relu6(input, inplace=False):
    """min(max(0, x), 6).

    Example::

        >>> F.relu6(ember.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return _nn.hardtanh_(input, 0.0, 6.0) if inplace else _nn.hardtanh(input, 0.0, 6.0)


def hardsigmoid(input, inplace=False):
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, x / 6 + 1/2 between.

    Example::

        >>> F.hardsigmoid(ember.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    return _nn.hardsigmoid_(input) if inplace else _nn.hardsigmoid(input)


def hardswish(input, inplace=False):
    """x * hardsigmoid(x).

    Example::

        >>> F.hardswish(ember.tensor([-4.0, 1.0, 4.0]))
        tensor([-0.0000,  0.6667,  4.0000])
    """
    return _nn.hardswish_(input) if inplace else _nn.hardswish(input)


def logsigmoid(input):
    """log(sigmoid(x)), computed stably.

    Example::

        >>> F.logsigmoid(ember.tensor([0.0]))
        tensor([-0.6931])
    """
    return _nn.log_sigmoid(input)


def softsign(input):
    """x / (1 + |x|); integer inputs compute in the default float dtype.

    Example::

        >>> F.softsign(ember.tensor([1.0, -3.0]))
        tensor([ 0.5000, -0.7500])
    """
    return _nn.softsign(input)


def tanhshrink(input):
    """x - tanh(x); integer inputs compute in the default float dtype.

    Example::

        >>> F.tanhshrink(ember.tensor([1.0]))
        tensor([0.2384])
    """
    return _nn.tanhshrink(input)


def threshold(input, threshold, value, inplace=False):
    """value where x <= threshold, else x.

    Example::

        >>> F.threshold(ember.tensor([0.5, 2.0]), 1.0, 0.0)
        tensor([0., 2.])
    """
    if inplace:
        return _C.threshold_(input, threshold, value)
    return _C.threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place :func:`threshold`."""
    return _C.threshold_(input, threshold, value)


def glu(input, dim=-1):
    """The gated linear unit: the first half of `input` along `dim` times the sigmoid of the second.

    Example::

        >>> F.glu(ember.tensor([1.0, 2.0, 0.0, 0.0]))
        tensor([0.5000, 1.0000])
    """
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    n = input.shape[dim]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} is size {n}")
    a, b = input.narrow(dim, 0, n // 2), input.narrow(dim, n // 2, n // 2)
    return a * _C.sigmoid(b)


def prelu(input, weight):
    """Leaky ReLU with learned slopes: ``max(0, x) + weight * min(0, x)``, one slope for all
    channels or one per channel (dim 1).

    Example::

        >>> F.prelu(ember.tensor([[-2.0, 3.0]]), ember.tensor([0.25]))
        tensor([[-0.5000,  3.0000]])
    """
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    channels = weight.numel()
    if channels != 1:
        if input.dim() == 0:
            raise RuntimeError("prelu: Not allow zero-dim input tensor.")
        # the channels are dim 1; a 1-D input has one channel (as torch)
        size = input.shape[1] if input.dim() > 1 else 1
        if size != channels:
            raise RuntimeError(f"prelu: Mismatch of parameter numbers and input channel size. Found parameter "
                               f"numbers = {channels} and channel size = {size}.")
        axis = 1
        shape = [1] * input.dim()
        shape[axis] = channels
        weight = weight.reshape(shape)
    elif input.dim() > 0:
        weight = weight.reshape([1] * input.dim())
    else:
        weight = weight.reshape(())
    return _C.where(input > 0, input, weight * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training each negative element takes a slope drawn uniformly from
    [lower, upper]; in evaluation the slope is their mean.

    Example::

        >>> F.rrelu(ember.tensor([-3.0, 1.0]), 0.1, 0.3)
        tensor([-0.6000,  1.0000])
    """
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    slopes = _C.empty(input.shape, dtype=input.dtype, device=input.device).uniform_(lower, upper)
    result = _C.where(input >= 0, input, input * slopes)
    return input.copy_(result) if inplace else result


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place form of :func:`rrelu`.

    Example::

        >>> F.rrelu_(ember.tensor([-3.0, 1.0]), 0.1, 0.3)
        tensor([-0.6000,  1.0000])
    """
    return rrelu(input, lower, upper, training, inplace=True)


def hardshrink(input, lambd=0.5):
    """0 where |x| <= lambd, else x.

    Example::

        >>> F.hardshrink(ember.tensor([0.3, -2.0]))
        tensor([ 0., -2.])
    """
    return _C.hardshrink(input, lambd)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    Example::

        >>> F.softshrink(ember.tensor([0.3, -2.0]))
        tensor([ 0.0000, -1.5000])
    """
    return _nn.softshrink(input, lambd)


# ---- padding ----


def pad(input, pad, mode="constant", value=None):
    """Pads `input` by `pad`, (left, right) pairs that start at the last dim and move forward.

    ``mode='constant'`` fills with `value` (0 by default) and pads any number of dims; negative
    pads crop. ``'reflect'`` mirrors without repeating the edge (each pad must be smaller than
    its dim), ``'replicate'`` repeats the edge and ``'circular'`` wraps around; these pad the last
    1, 2 or 3 dims of a 2-3, 3-4 or 4-5 dimensional input (a batch dim is optional).

    Example::

        >>> F.pad(ember.tensor([[1., 2., 3.]]), (2, 1), mode="reflect")
        tensor([[3., 2., 1., 2., 3., 2.]])
    """
    return _C._pad(input, pad, mode, value)



# ---- dropout ----


def _check_dropout_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability `p` and scales the others by 1 / (1 - p) (training only).

    The mask is drawn from ember's generator (reproducible with ``ember.manual_seed``); the
    gradient is the same mask times the scale.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> sorted(set(F.dropout(ember.ones(4), p=0.5).tolist())) in ([0.0, 2.0], [2.0], [0.0])
        True
    """
    _check_dropout_p(p)
    return _C.dropout_(input, p, training) if inplace else _C.dropout(input, p, training)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value and an
    affine map keeps zero mean and unit variance.

    Example::

        >>> F.alpha_dropout(ember.ones(3), p=0.5, training=False)
        tensor([1., 1., 1.])
    """
    _check_dropout_p(p)
    return _C.alpha_dropout_(input, p, training) if inplace else _C.alpha_dropout(input, p, training)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (dim 1 of (N, C, ...)).

    Example::

        >>> F.feature_alpha_dropout(ember.ones(1, 2), p=0.5, training=False)
        tensor([[1., 1.]])
    """
    _check_dropout_p(p)
    if inplace:
        return _C.feature_alpha_dropout_(input, p, training)
    return _C.feature_alpha_dropout(input, p, training)


def _channel_dropout(input, p, training, inplace, unbatched):
    if unbatched:
        input = input.unsqueeze(0)
    out = _C.feature_dropout_(input, p, training) if inplace else _C.feature_dropout(input, p, training)
    return out.squeeze(0) if unbatched else out


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs with probability `p`, scaling the rest
    by 1 / (1 - p).

    Example::

        >>> F.dropout1d(ember.ones(2, 3), p=0.0).shape
        ember.Size([2, 3])
    """
    _check_dropout_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, "
            "and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    return _channel_dropout(input, p, training, inplace, input.dim() == 2)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) inputs with probability `p`, scaling the rest by
    1 / (1 - p). As in torch, a 3-D input is taken as (N, C, L).

    Example::

        >>> F.dropout2d(ember.ones(1, 2, 3, 3), p=0.0).shape
        ember.Size([1, 2, 3, 3])
    """
    import warnings

    _check_dropout_p(p)
    dim = input.dim()
    if dim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {dim}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if dim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
            "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
            "will change in a future release to interpret the input as one without a batch dimension, i.e. "
            "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
            "dropout1d instead.",
            stacklevel=2,
        )
    return _channel_dropout(input, p, training, inplace, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability `p`,
    scaling the rest by 1 / (1 - p).

    Example::

        >>> F.dropout3d(ember.ones(2, 2, 2, 2), p=0.0).shape
        ember.Size([2, 2, 2, 2])
    """
    import warnings

    _check_dropout_p(p)
    dim = input.dim()
    if dim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {dim}-D input to dropout3d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    return _channel_dropout(input, p, training, inplace, dim != 5)


# ---- distances and similarities ----


def _vector_norm(x, p, dim, keepdim):
    """The p-norm of x over `dim` (the native linalg.vector_norm: 16-bit floats accumulate in
    float32, NaN propagates, and a zero vector has a zero gradient, as in torch)."""
    return _C._linalg_vector_norm(x, p, dim, keepdim)


def _check_tensors(op, **args):
    """TypeError (as torch's argument parser) for an argument that is not a tensor."""
    for i, (name, v) in enumerate(args.items()):
        if not isinstance(v, _C.Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {i + 1}) must be Tensor, not {type(v).__name__}")


def _float_operands(x1, x2, op):
    _check_tensors(op, x1=x1, x2=x2)
    dt = _C.result_type(x1, x2)
    if not dt.is_floating_point:
        raise RuntimeError(f"{op}: expected common dtype to be floating point, yet common dtype is {dt}")
    return x1.to(dt), x2.to(dt)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Divides `input` by its p-norm over `dim` (at least `eps`).

    Example::

        >>> F.normalize(ember.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    if not input.is_floating_point():
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {input.dtype}"
        )
    denom = _C.clamp(_vector_norm(input, p, dim, True), min=eps)
    if out is not None:
        return _C._write_out(out, input / denom, "cast", "normalize")
    return input / denom


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along `dim` (broadcast); each norm is at least `eps`.

    Example::

        >>> F.cosine_similarity(ember.tensor([[1.0, 0.0]]), ember.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    x1, x2 = _float_operands(x1, x2, "cosine_similarity")
    shape = _C.broadcast_shapes(x1.shape, x2.shape)
    x1, x2 = x1.expand(shape), x2.expand(shape)
    n1 = _C.clamp(_vector_norm(x1, 2, dim, True), min=eps)
    n2 = _C.clamp(_vector_norm(x2, 2, dim, True), min=eps)
    return _C.sum((x1 / n1) * (x2 / n2), dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps over the last dim (rows of x1 and x2 are paired, broadcast).

    Example::

        >>> F.pairwise_distance(ember.tensor([[0.0, 0.0]]), ember.tensor([[3.0, 4.0]]), eps=0.0)
        tensor([5.])
    """
    _check_tensors("pairwise_distance", x1=x1, x2=x2)
    diff = x1 - x2 + eps
    if not diff.is_floating_point():
        diff = diff.to(_C.get_default_dtype())
    return _vector_norm(diff, p, -1 if diff.dim() > 0 else 0, keepdim) if diff.dim() > 0 else _C.abs(diff)


def pdist(input, p=2):
    """Distances between every pair of rows i < j of a 2-D input, flattened in row-major order.

    Example::

        >>> F.pdist(ember.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    import numpy as np

    _check_tensors("pdist", input=input)
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.is_floating_point():
        raise RuntimeError(f"pdist only supports floating-point dtypes, X1 got: {input.dtype}")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    rows, cols = np.triu_indices(n, 1)
    # the pair indices live with the input, so a meta input gives a meta result
    dev = input.device
    rows = _C.tensor(rows.astype(np.int64), device=dev)
    cols = _C.tensor(cols.astype(np.int64), device=dev)
    if p == math.inf:
        # torch's pdist propagates NaN through the max norm (its cdist does not)
        return _vector_norm(input[rows] - input[cols], p, -1, False)
    d = _C.cdist(input, input, p, compute_mode="donot_use_mm_for_euclid_dist")
    return d[rows, cols]


# ---- encodings ----


def one_hot(tensor, num_classes=-1):
    """One-hot encoding of a LongTensor of class indices: int64, with a new last dim of size
    num_classes (-1: one more than the largest index).

    Example::

        >>> F.one_hot(ember.tensor([0, 2]))
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    return _nn.one_hot(tensor, num_classes)


# ---- linear ----


def linear(input, weight, bias=None):
    """Applies an affine map: ``input @ weight.T + bias``.

    ``weight`` has shape (out_features, in_features) (or (in_features,)); its transpose is a view
    read in place by the GEMM, and a 1-D bias is added inside it.

    Example::

        >>> F.linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
        ember.Size([2, 4])
    """
    return _C._linear(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """Applies a bilinear map: ``y[..., o] = input1 @ weight[o] @ input2 + bias[o]``.

    ``weight`` has shape (out_features, in1_features, in2_features).

    Example::

        >>> F.bilinear(ember.ones(2, 3), ember.ones(2, 5), ember.ones(4, 3, 5)).shape
        ember.Size([2, 4])
    """
    return _C._bilinear(input1, input2, weight, bias)


# ---- losses ----


def _reduction(size_average, reduce, reduction):
    """torch's legacy size_average/reduce arguments folded into `reduction`, then checked."""
    if size_average is not None or reduce is not None:
        import warnings

        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", UserWarning, stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _broadcast_pair(input, target, op):
    if tuple(target.shape) != tuple(input.shape):
        import warnings

        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)
    shape = _C.broadcast_shapes(input.shape, target.shape)
    return input.expand(shape), target.expand(shape)


def _pointwise_loss(errors, weight, reduction, input, mean_by_weight=True):
    if weight is None:
        return _reduce(errors, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "mean":
        return weighted.sum() / (weight.sum() if mean_by_weight else weighted.numel())
    return _reduce(weighted, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum) absolute difference |input - target|; with `weight`, a weighted mean.

    Example::

        >>> F.l1_loss(ember.tensor([1.0, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target, "l1_loss")
    return _pointwise_loss((x - t).abs(), weight, reduction, input)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum) squared difference (input - target)^2; with `weight`, a weighted mean.

    Example::

        >>> F.mse_loss(ember.tensor([1.0, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(5.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target, "mse_loss")
    d = x - t
    return _pointwise_loss(d * d, weight, reduction, input)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target).

    Example::

        >>> F.huber_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta.")
    x, t = _broadcast_pair(input, target, "huber_loss")
    z = (x - t).abs()
    errors = _C.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    return _pointwise_loss(errors, weight, reduction, input, mean_by_weight=False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (l1_loss when beta = 0).

    Example::

        >>> F.smooth_l1_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, t = _broadcast_pair(input, target, "smooth_l1_loss")
    z = (x - t).abs()
    if beta == 0:
        return _reduce(z, reduction)
    return _reduce(_C.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) with each log clamped at -100 (input probabilities in [0, 1]).

    Example::

        >>> F.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if input.numel() and input.device.type != "meta" and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * _C.clamp(_C.log(input), min=-100) + (1 - target) * _C.clamp(_C.log1p(-input), min=-100))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits; `pos_weight`
    weighs the positive term per class.

    Example::

        >>> F.binary_cross_entropy_with_logits(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    # -log(sigmoid(x)), without overflow (and with the gradient sigmoid(x) - 1 at x = 0 too)
    softplus_neg = -logsigmoid(input)
    if pos_weight is not None:
        loss = (1 - target) * input + ((pos_weight - 1) * target + 1) * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_targets(input, target, op):
    if not isinstance(target, _C.Tensor):
        raise TypeError(f"{op}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if input.dim() < 1:
        raise ValueError(f"{op}: Expected 1 or more dimensions (got {input.dim()})")
    if target.dtype not in (_C.int64, _C.uint8):
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte, but got {target.dtype._torch_name}")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(f"{op}: 0D target tensor expected for 1D input, got {target.dim()}D")
    else:
        if target.dim() != input.dim() - 1 or (target.dim() and target.shape[0] != input.shape[0]):
            if target.dim() == 0 or target.shape[0] != input.shape[0]:
                raise ValueError(f"{op}: Expected input batch_size ({input.shape[0]}) to match target batch_size "
                                 f"({target.shape[0] if target.dim() else 0}).")
            raise RuntimeError(f"{op}: expected target of shape {list(input.shape[:1] + input.shape[2:])}, got "
                               f"{list(target.shape)}")
        if tuple(target.shape[1:]) != tuple(input.shape[2:]):
            raise RuntimeError(f"{op}: expected target size {list(input.shape[:1] + input.shape[2:])}, got "
                               f"{list(target.shape)}")


def _class_picks(input, target, weight, ignore_index, op):
    """(-input at each target class, the weight of each target) with the class dim moved last;
    ignored targets weigh 0."""
    classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    x = input.unsqueeze(0) if input.dim() == 1 else input
    t = target.reshape(1) if target.dim() == 0 else target
    x = x.movedim(1, -1)  # (N, d1, ..., C)
    t = t.to(_C.int64)
    ignored = t == ignore_index
    safe = _C.where(ignored, _C.zeros((), dtype=_C.int64), t)
    if t.numel() and t.device.type != "meta" and bool(((safe < 0) | (safe >= classes)).any()):
        bad = int(_C.masked_select(t, (safe < 0) | (safe >= classes))[0])
        raise IndexError(f"Target {bad} is out of bounds.")
    picked = -_C.gather(x, -1, safe.unsqueeze(-1)).squeeze(-1)
    w = _C.ones((), dtype=x.dtype, device=x.device) if weight is None else weight.to(x.dtype)[safe]
    w = _C.where(ignored, _C.zeros((), dtype=x.dtype, device=x.device), w.expand(picked.shape))
    return picked, w


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """The negative log likelihood of class indices: -input[n, target[n]] (per spatial position
    for (N, C, d1, ...) inputs), weighted by `weight[target]`; `mean` divides by the total weight.

    Example::

        >>> F.nll_loss(ember.tensor([[-1.0, -2.0]]), ember.tensor([1]))
        tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_targets(input, target, "nll_loss")
    if weight is not None and weight.numel() != (input.shape[0] if input.dim() == 1 else input.shape[1]):
        raise RuntimeError(f"weight tensor should be defined either for all {input.shape[-1 if input.dim() == 1 else 1]}"
                           f" classes or no classes but got weight tensor of shape: {list(weight.shape)}")
    picked, w = _class_picks(input, target, weight, ignore_index, "nll_loss")
    losses = picked * w
    if reduction == "none":
        return losses.reshape(target.shape)
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / w.sum()


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """log_softmax over the class dim (dim 1, or 0 for unbatched input) then nll_loss for class
    indices, or -sum(target * log_softmax) for class probabilities (a float target of input's
    shape); `label_smoothing` mixes the target with the uniform distribution.

    Example::

        >>> F.cross_entropy(ember.tensor([[0.0, 0.0]]), ember.tensor([1]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if not isinstance(target, _C.Tensor):
        raise TypeError(f"cross_entropy(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if input.dim() < 1:
        raise ValueError(f"cross_entropy: Expected 1 or more dimensions (got {input.dim()})")
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    if weight is not None and (not isinstance(weight, _C.Tensor) or weight.numel() != classes):
        shape = list(weight.shape) if isinstance(weight, _C.Tensor) else type(weight).__name__
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {shape}")
    if target.is_floating_point():
        logp = log_softmax(input, class_dim)
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError("cross_entropy: 0D or 1D target tensor expected, multi-target not supported")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        terms = logp * target
        if weight is not None:
            shape = [1] * input.dim()
            shape[class_dim] = classes
            terms = terms * weight.reshape(shape)
        losses = -terms.sum(class_dim)
        if reduction == "mean":
            return losses.sum() / (losses.numel() if input.dim() > 1 else 1)
        return _reduce(losses, reduction)
    _check_class_targets(input, target, "cross_entropy")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    # one native op: log_softmax fused with the pick, one pass back
    return _C._nn.cross_entropy_loss(input, target.to(_C.int64), weight, _REDUCTION_CODES[reduction], ignore_index,
                                     label_smoothing)


_REDUCTION_CODES = {"none": 0, "mean": 1, "sum": 2}


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence of `target` from the log-probabilities `input`:
    target * (log target - input) (`target` given as log-probabilities with `log_target`);
    ``reduction='batchmean'`` divides the sum by the batch size.

    Example::

        >>> F.kl_div(ember.tensor([0.5, 0.5]).log(), ember.tensor([0.5, 0.5]), reduction="sum")
        tensor(0.)
    """
    if reduction == "batchmean":
        if size_average is not None or reduce is not None:
            reduction = _reduction(size_average, reduce, "mean")
    else:
        reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        import warnings

        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if log_target:
        loss = _C.exp(target) * (target - input)
    else:
        loss = _C.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return _reduce(loss, reduction)


def _check_long_target(target):
    if target.dtype != _C.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._torch_name}")


def _has_any(mask):
    """True where a bool tensor holding concrete values has a True element (meta tensors: False)."""
    return bool(mask.numel()) and mask.device.type != "meta" and bool(mask.any())


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where target is -1
    (cosines along the last dim of (N, D) or (D,) inputs; target (N,) or a scalar).

    Example::

        >>> F.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _cosine_embedding_loss(input1, input2, target, margin, reduction)


def _cosine_embedding_loss(input1, input2, target, margin, reduction):
    _check_tensors("cosine_embedding_loss", input1=input1, input2=input2, target=target)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = target.dim() + 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{target.dim()}D target tensor expects {want}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    dim = want - 1
    # squared magnitudes get a tiny epsilon, so zero vectors give cos = 0 rather than NaN
    prod = (input1 * input2).sum(dim)
    mag = ((input1 * input1).sum(dim) + 1e-12) * ((input2 * input2).sum(dim) + 1e-12)
    cos = prod / _C.sqrt(mag)
    loss = _C.where(target == 1, 1 - cos, 0.0) + _C.where(target == -1, _C.clamp(cos - margin, min=0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): target 1 ranks input1 above input2, -1 below.

    Example::

        >>> F.margin_ranking_loss(ember.tensor([1.0, 2.0]), ember.tensor([2.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _margin_ranking_loss(input1, input2, target, margin, reduction)


def _margin_ranking_loss(input1, input2, target, margin, reduction):
    _check_tensors("margin_ranking_loss", input1=input1, input2=input2, target=target)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(_C.clamp(-target * (input1 - input2) + margin, min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """`input` where target is 1, max(0, margin - input) where target is -1 (input: distances).

    Example::

        >>> F.hinge_embedding_loss(ember.tensor([0.5, 0.5]), ember.tensor([1.0, -1.0]))
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _hinge_embedding_loss(input, target, margin, reduction)


def _hinge_embedding_loss(input, target, margin, reduction):
    _check_tensors("hinge_embedding_loss", input=input, target=target)
    # as torch: a target that is neither 1 nor -1 adds both terms
    loss = _C.where(target != 1, _C.clamp(margin - input, min=0), 0.0) + _C.where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


def _triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def _check_margin(margin):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")


def _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction):
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = _C.minimum(d_neg, distance(positive, negative))
    return _reduce(_C.clamp(margin + d_pos - d_neg, min=0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d the pairwise p-norm distance (plus `eps`) over the
    last dim; `swap` uses min(d(a, n), d(p, n)) as the negative distance.

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> F.triplet_margin_loss(a, pos, neg, margin=5.0, eps=0.0)
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_margin(margin)
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


def _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction):
    _check_tensors("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    _triplet_dims(anchor, positive, negative)

    def distance(x1, x2):
        return pairwise_distance(x1, x2, p, eps)

    return _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """triplet_margin_loss with any `distance_function` (default: pairwise_distance) mapping two
    tensors to their (non-negative) distances.

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=lambda x, y: (x - y).abs().sum(-1))
        tensor(0.)
    """
    reduction = _reduction(None, None, reduction)
    _check_margin(margin)
    _triplet_dims(anchor, positive, negative)
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction)


def _check_margin_input(input):
    if input.dim() > 2 or (input.dim() == 1 and input.numel() == 0) or (input.dim() == 2 and input.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: sum over classes i != y of weight[y] * max(0, margin - x[y] + x[i])^p,
    divided by the number of classes (input (N, C) or (C,), target class indices (N,) or ()).

    Example::

        >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _check_tensors("multi_margin_loss", input=input, target=target)
    _check_margin_input(input)
    x = input.reshape(1, -1) if input.dim() < 2 else input
    batch, classes = x.shape
    if (input.dim() < 2 and (target.dim() > 1 or target.numel() != 1)) or (
            input.dim() == 2 and (target.dim() != 1 or target.shape[0] != batch)):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{batch}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    if weight is not None:
        if weight.numel() != classes:
            raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._torch_name} but found {weight.dtype._torch_name}")
    _check_long_target(target)
    t = target.reshape(batch, 1)
    if _has_any((t < 0) | (t >= classes)):
        raise RuntimeError("target out of range")
    z = _C.clamp(margin - _C.gather(x, 1, t) + x, min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[t]
    is_target = _C.arange(classes, device=x.device).reshape(1, classes) == t
    loss = _C.where(is_target, 0.0, z).sum(1) / classes
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss: for each target class j (the leading indices of a row of `target`,
    up to the first -1) and each non-target class i, max(0, 1 - (x[j] - x[i])), summed and divided
    by the number of classes.

    Example::

        >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensors("multilabel_margin_loss", input=input, target=target)
    _check_margin_input(input)
    _check_long_target(target)
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    t = target.reshape(x.shape)
    classes = x.shape[1]
    if _has_any((t < -1) | (t >= classes)):
        raise RuntimeError("argument #2 'target' is out of range")
    # the targets of a row are its entries before the first -1 (repeats count again, as in torch)
    listed = _C.cumprod((t != -1).to(_C.int64), 1) == 1
    safe = _C.where(listed, t, 0)
    labels = _C.arange(classes, device=x.device)
    is_target = ((safe.unsqueeze(2) == labels) & listed.unsqueeze(2)).any(1)  # (N, C)
    hinge = _C.clamp(1 - _C.gather(x, 1, safe).unsqueeze(2) + x.unsqueeze(1), min=0)  # (N, target j, class i)
    pairs = listed.unsqueeze(2) & ~is_target.unsqueeze(1)
    loss = _C.where(pairs, hinge, 0.0).sum((1, 2)) / classes
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Multi-label one-versus-all logistic loss: binary cross entropy of sigmoid(input) against
    0/1 targets, (optionally weighted and) averaged over the classes (the last dim).

    Example::

        >>> F.multilabel_soft_margin_loss(ember.tensor([[0.0, 0.0]]), ember.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss log(1 + exp(-target * input)) (targets 1 or -1), computed stably.

    Example::

        >>> F.soft_margin_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, -1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensors("soft_margin_loss", input=input, target=target)
    shape = _C.broadcast_shapes(input.shape, target.shape)
    if tuple(shape) != tuple(input.shape):
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)}")
    return _reduce(-logsigmoid(target * input), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log likelihood of `target` under Poisson(rate): exp(input) - target * input for
    log-rates (`log_input`), else input - target * log(input + eps); `full` adds Stirling's
    approximation of log(target!) where target > 1.

    Example::

        >>> F.poisson_nll_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _poisson_nll_loss(input, target, log_input, full, eps, reduction)


def _poisson_nll_loss(input, target, log_input, full, eps, reduction):
    _check_tensors("poisson_nll_loss", input=input, target=target)
    if log_input:
        loss = _C.exp(input) - target * input
    else:
        loss = input - target * _C.log(input + eps)
    if full:
        # log(t!) ~ t log t - t + log(2 pi t) / 2, for t > 1 only (the rest are masked before the log)
        big = target > 1
        t = _C.where(big, target, 2.0)
        loss = loss + _C.where(big, t * _C.log(t) - t + 0.5 * _C.log(2 * math.pi * t), 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log likelihood of `target` under Normal(input, var):
    (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2 (+ log(2 pi) / 2 with `full`).
    `var` has input's shape, or it with one dim of size 1, or input's shape without its last dim,
    or is a float; clamping to `eps` does not stop the gradient to `var`.

    Example::

        >>> F.gaussian_nll_loss(ember.tensor([0.0, 2.0]), ember.tensor([1.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
    _check_tensors("gaussian_nll_loss", input=input, target=target)
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _C.full_like(input, var)
    elif not isinstance(var, _C.Tensor):
        raise TypeError(f"gaussian_nll_loss(): argument 'var' must be Tensor or float, not {type(var).__name__}")
    with _no_grad():
        if _has_any(var < 0):
            raise ValueError("var has negative entry/entries")
    vs, xs = tuple(var.shape), tuple(input.shape)
    if vs != xs:
        if vs == xs[:-1]:  # one variance per row: broadcast over the last dim
            var = var.unsqueeze(-1)
        elif len(vs) != len(xs) or [v for v, x in zip(vs, xs) if v != x] != [1]:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    # max(var, eps) with the gradient of var itself (torch clamps a copy without recording it)
    var = _C.where(var < eps, eps + (var - var.detach()), var)
    loss = 0.5 * (_C.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


_CTC_CHECK = " (while checking arguments for ctc_loss_allocate_outputs)"


def _ctc_lengths(lengths, name, batch, device):
    if isinstance(lengths, _C.Tensor):
        if lengths.is_floating_point() or lengths.dtype == _C.bool:
            raise RuntimeError(f"{name} must be integral")
        lengths = lengths.to(_C.int64).reshape(-1)
    elif isinstance(lengths, (tuple, list)):
        lengths = _C.tensor([int(v) for v in lengths], dtype=_C.int64)
    else:
        raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not {type(lengths).__name__}")
    if lengths.numel() != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return lengths.to(device)


def _log_add(terms):
    """log(sum(exp(terms))) over dim 0, -inf where every term is -inf, without NaN gradients there."""
    m = terms.amax(0).detach()
    dead = _C.isneginf(m)
    m = _C.where(_C.isinf(m), 0.0, m)
    s = _C.exp(terms - m).sum(0)
    return _C.where(dead, -math.inf, _C.log(_C.where(dead, 1.0, s)) + m)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist Temporal Classification loss: -log of the total probability of all alignments
    of each target sequence to its input sequence, by the forward (alpha) recursion in log space.

    log_probs: (T, N, C) log-probabilities (e.g. log_softmax output), or (T, C) unbatched; targets:
    padded (N, S) or all sequences concatenated (sum(target_lengths),); input_lengths and
    target_lengths: tensors or tuples of N lengths. 'mean' divides each loss by its target length
    (at least 1) and averages; `zero_infinity` zeroes infinite losses (impossible alignments) and
    their gradients. As torch's, the gradient w.r.t. log_probs is that w.r.t. the logits of a
    log_softmax, so it includes exp(log_probs) for every step t < input_length.

    Example::

        >>> log_probs = ember.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
        >>> F.ctc_loss(log_probs, ember.tensor([[1]]), (2,), (1,), reduction="sum")
        tensor(0.2877)
    """
    reduction = _reduction(None, None, reduction)
    _check_tensors("ctc_loss", log_probs=log_probs, targets=targets)
    unbatched = log_probs.dim() == 2
    if log_probs.dim() != 3 and not unbatched:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for argument "
                           f"#1 'log_probs'" + _CTC_CHECK)
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    steps, batch, classes = lp.shape
    dev = lp.device
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    il = _ctc_lengths(input_lengths, "input_lengths", batch, dev)
    tl = _ctc_lengths(target_lengths, "target_lengths", batch, dev)
    for name, lengths in (("input_lengths", il), ("target_lengths", tl)):
        if _has_any(lengths < 0):
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value "
                               f"{int(_C.masked_select(lengths, lengths < 0)[0])}" + _CTC_CHECK)
    if _has_any(il > steps):
        raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value "
                           f"{int(_C.masked_select(il, il > steps)[0])}" + _CTC_CHECK)
    width = int(tl.max()) if batch and dev.type != "meta" else 0
    tg = targets.to(_C.int64)
    if tg.dim() == 1:  # concatenated: gather each sequence into a padded row
        total = int(tl.sum()) if dev.type != "meta" else tg.shape[0]
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'" + _CTC_CHECK)
        starts = _C.cumsum(tl, 0) - tl
        idx = starts.unsqueeze(1) + _C.arange(width, device=dev)
        tg = tg.to(dev)[_C.clamp(idx, max=max(total - 1, 0))] if total else _C.zeros((batch, width), dtype=_C.int64,
                                                                                       device=dev)
    else:
        if tg.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'" + _CTC_CHECK)
        if tg.shape[1] < width:
            raise RuntimeError(f"Expected tensor to have size at least {width} at dimension 1, but got size "
                               f"{tg.shape[1]} for argument #2 'targets'" + _CTC_CHECK)
        tg = tg[:, :width].to(dev)
    in_target = _C.arange(width, device=dev) < tl.unsqueeze(1)  # (N, L): the positions of each sequence
    tg = _C.where(in_target, tg, blank)
    if _has_any((tg < 0) | (tg >= classes)):
        raise RuntimeError(f"ctc_loss: target labels must lie in [0, {classes})")
    # the extended sequence blank, l1, blank, l2, ..., blank: 2L + 1 states per sample
    blanks = _C.full((batch, width), blank, dtype=_C.int64, device=dev)
    ext = _C.cat([_C.stack([blanks, tg], 2).reshape(batch, 2 * width),
                  _C.full((batch, 1), blank, dtype=_C.int64, device=dev)], 1)
    states = 2 * width + 1
    emit = _C.gather(lp, 2, ext.unsqueeze(0).expand(steps, batch, states))  # (T, N, 2L + 1)
    # a label state may skip the blank before it unless it repeats the label two states back
    prev2 = _C.cat([_C.full((batch, 2), -1, dtype=_C.int64, device=dev), ext[:, :-2]], 1)[:, :states]
    skip = (ext != blank) & (ext != prev2)
    pos = _C.arange(states, device=dev)
    neg1 = _C.full((batch, 1), -math.inf, dtype=lp.dtype, device=dev)
    neg2 = _C.full((batch, 2), -math.inf, dtype=lp.dtype, device=dev)
    if steps:
        alpha = _C.where(pos < 2, emit[0], -math.inf)
    else:
        alpha = _C.full((batch, states), -math.inf, dtype=lp.dtype, device=dev)
    for t in range(1, steps):
        from1 = _C.cat([neg1, alpha[:, :-1]], 1)
        from2 = _C.where(skip, _C.cat([neg2, alpha[:, :-2]], 1)[:, :states], -math.inf)
        stepped = _log_add(_C.stack([alpha, from1, from2])) + emit[t]
        alpha = _C.where((il > t).unsqueeze(1), stepped, alpha)  # a finished sequence keeps its last alpha
    last = (2 * tl).unsqueeze(1)
    end = _C.gather(alpha, 1, last).squeeze(1)
    before = _C.where(tl > 0, _C.gather(alpha, 1, _C.clamp(last - 1, min=0)).squeeze(1), -math.inf)
    log_lik = _log_add(_C.stack([end, before]))
    # no input steps: only the empty target is possible
    log_lik = _C.where(il == 0, _C.where(tl == 0, 0.0, -math.inf), log_lik)
    nll = -log_lik
    # torch's gradient convention: + exp(log_probs) at each step t < input_length (a zero-valued term)
    live = (_C.arange(steps, device=dev).unsqueeze(1) < il).unsqueeze(2)
    probs = _C.exp(lp)
    nll = nll + _C.where(live, probs - probs.detach(), 0.0).sum((0, 2))
    infinite = _C.isinf(nll)
    if zero_infinity:
        nll = _C.where(infinite, 0.0, nll)
    elif _has_any(infinite):
        # as torch, an impossible alignment has NaN gradients (at its steps t < input_length)
        spent = _C.where(live & infinite.reshape(1, batch, 1), lp, 0.0).sum((0, 2))
        nan_grad = 0.0 * _C.sqrt(spent - spent.detach())
        nll = _C.where(infinite, nll.detach() + nan_grad, nll)
    if reduction == "mean":
        return (nll / _C.clamp(tl, min=1).to(nll.dtype)).mean()
    if reduction == "sum":
        return nll.sum()
    return nll.reshape(()) if unbatched else nll


# torch's top-level loss functions (torch.cosine_embedding_loss, ...): the native schemas, with an
# integer `reduction` (0: none, 1: mean, 2: sum; as in torch, the default and any other value: none)


def _enum_reduction(op, reduction, position):
    if isinstance(reduction, bool) or not isinstance(reduction, int):
        raise TypeError(f"{op}(): argument 'reduction' (position {position}) must be int, not "
                        f"{type(reduction).__name__}")
    return {1: "mean", 2: "sum"}.get(reduction, "none")


def _cosine_embedding_loss_op(input1, input2, target, margin=0.0, reduction=0):
    """torch.cosine_embedding_loss: F.cosine_embedding_loss with an integer reduction.

    Example::

        >>> ember.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([1.0]))
        tensor([1.])
    """
    return _cosine_embedding_loss(input1, input2, target, margin,
                                  _enum_reduction("cosine_embedding_loss", reduction, 5))


def _margin_ranking_loss_op(input1, input2, target, margin=0.0, reduction=0):
    """torch.margin_ranking_loss: F.margin_ranking_loss with an integer reduction.

    Example::

        >>> ember.margin_ranking_loss(ember.tensor([1.0, 2.0]), ember.tensor([2.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor([1., 0.])
    """
    return _margin_ranking_loss(input1, input2, target, margin, _enum_reduction("margin_ranking_loss", reduction, 5))


def _hinge_embedding_loss_op(input, target, margin=1.0, reduction=0):
    """torch.hinge_embedding_loss: F.hinge_embedding_loss with an integer reduction.

    Example::

        >>> ember.hinge_embedding_loss(ember.tensor([0.5, 0.5]), ember.tensor([1.0, -1.0]), 1.0, 2)
        tensor(1.)
    """
    return _hinge_embedding_loss(input, target, margin, _enum_reduction("hinge_embedding_loss", reduction, 4))


def _triplet_margin_loss_op(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=0):
    """torch.triplet_margin_loss: F.triplet_margin_loss with an integer reduction (and no check
    of the margin's sign).

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> ember.triplet_margin_loss(a, pos, neg, 5.0, 2, 0.0)
        tensor([1.])
    """
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                _enum_reduction("triplet_margin_loss", reduction, 8))


def _poisson_nll_loss_op(input, target, log_input, full, eps, reduction):
    """torch.poisson_nll_loss: F.poisson_nll_loss with every argument given and an integer reduction.

    Example::

        >>> ember.poisson_nll_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]), True, False, 1e-8, 2)
        tensor(2.)
    """
    return _poisson_nll_loss(input, target, log_input, full, eps, _enum_reduction("poisson_nll_loss", reduction, 6))


def _ctc_loss_op(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """torch.ctc_loss: F.ctc_loss with an integer reduction.

    Example::

        >>> log_probs = ember.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
        >>> ember.ctc_loss(log_probs, ember.tensor([[1]]), (2,), (1,))
        tensor([0.2877])
    """
    return ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                    _enum_reduction("ctc_loss", reduction, 6), zero_infinity)


# ---- embeddings ----


class _ScaleByFrequency(_autograd.Function):
    """The rows' lookup whose backward divides each row's gradient by how often its index occurs
    in the batch (embedding's scale_grad_by_freq)."""

    @staticmethod
    def forward(ctx, weight, flat_indices, padding_idx):
        ctx.save_for_backward(flat_indices)
        ctx.rows, ctx.padding_idx = weight.shape[0], padding_idx
        return weight.index_select(0, flat_indices)

    @staticmethod
    def backward(ctx, grad):
        (idx,) = ctx.saved_tensors
        counts = _C.bincount(idx, minlength=ctx.rows).to(grad.dtype)
        grad = grad / counts[idx].unsqueeze(1)
        if ctx.padding_idx is not None:
            grad = _C.where((idx == ctx.padding_idx).unsqueeze(1), _C.zeros((), dtype=grad.dtype), grad)
        weight_grad = _C.zeros((ctx.rows, grad.shape[1]), dtype=grad.dtype, device=grad.device)
        return weight_grad.index_add(0, idx, grad), None, None


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """The rows of `weight` at the indices `input` (any shape; the result adds weight's row dim).
    The row `padding_idx` gets no gradient; with `max_norm`, the rows looked up are first scaled
    down in place to norm `max_norm`; `scale_grad_by_freq` divides each row's gradient by its
    index's count in the batch.

    Example::

        >>> F.embedding(ember.tensor([[1, 0]]), ember.tensor([[0.0, 1.0], [2.0, 3.0]]))
        tensor([[[2., 3.],
                 [0., 1.]]])
    """
    if input.dtype not in (_C.int64, _C.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.dtype} instead (while checking arguments for embedding)")
    if weight.dim() != 2:
        raise RuntimeError(f"'weight' must be 2-D, got a weight of shape {list(weight.shape)}")
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.shape[0] + padding_idx
    if sparse:
        raise NotImplementedError("embedding: sparse gradients (sparse=True) are not supported by ember")
    flat = input.reshape(-1).to(_C.int64)
    if max_norm is not None:
        _embedding_renorm_(weight, flat, max_norm, norm_type)
    if scale_grad_by_freq and _C.is_grad_enabled() and weight.requires_grad:
        rows = _ScaleByFrequency.apply(weight, flat, padding_idx)
    else:
        rows = weight.index_select(0, flat)
        if padding_idx is not None and weight.requires_grad and _C.is_grad_enabled():
            # the padding row's lookups keep their values and take no gradient
            rows = _C.where((flat == padding_idx).unsqueeze(1), rows.detach(), rows)
    return rows.reshape(tuple(input.shape) + (weight.shape[1],))


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    with _no_grad():
        rows = _C.unique(indices)
        norms = _C._linalg_vector_norm(weight[rows], norm_type, (1,), True)
        scale = _C.where(norms > max_norm, max_norm / (norms + 1e-7), _C.ones((), dtype=norms.dtype))
        weight[rows] = weight[rows] * scale


def _embedding_bag_check_dtypes(indices, offsets, weight, per_sample_weights):
    where = "(while checking arguments for embedding_bag)"
    for t in (indices, offsets):
        if t.dtype not in (_C.int64, _C.int32):
            raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                               f"Long, Int; but got {t.dtype} instead {where}")
    if not weight.is_floating_point():
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the following scalar types: "
                           f"Half, BFloat16, Float, Double; but got {weight.dtype} instead {where}")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {weight.dtype} does not equal "
                           f"{per_sample_weights.dtype} {where}")


def _embedding_bag_check_indices(idx, num_weights):
    if idx.numel():
        bad = (idx < 0) | (idx >= num_weights)
        if bad.any().item():
            raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be "
                               f"{idx[bad][0].item()}")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sums, means or maxima of bags of `weight`'s rows, without the intermediate embeddings.

    A 1-D `input` is cut into bags at `offsets` (bag ``b`` holds ``input[offsets[b]:offsets[b + 1]]``;
    with ``include_last_offset`` the last offset ends the last bag); a 2-D `input` holds one bag of
    fixed size per row. Empty bags give zeros. Entries equal to `padding_idx` are left out of their
    bag (and of the mean's count). In ``mode='sum'``, `per_sample_weights` (`input`'s shape) scales each
    row first. `max_norm` renorms the rows looked up in place, as :func:`embedding` does;
    `scale_grad_by_freq` divides each row's gradient by its index's count in the bags. ember has no
    sparse tensors: ``sparse=True`` raises NotImplementedError.

    Example::

        >>> w = ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> F.embedding_bag(ember.tensor([0, 1, 2]), w, ember.tensor([0, 2]), mode='sum')
        tensor([[4., 6.],
                [5., 6.]])
    """
    if weight.dtype == _C.int64 and input.is_floating_point():
        import warnings
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.")
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must "
                         f"have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        offsets = _C.arange(0, input.numel(), input.shape[1], dtype=input.dtype, device=input.device)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    _embedding_bag_check_dtypes(input, offsets, weight, per_sample_weights)
    num_weights, dim = weight.shape
    idx = input.to(_C.int64)
    off = offsets.to(_C.int64)
    n = idx.numel()
    if max_norm is not None:
        _embedding_bag_check_indices(idx, num_weights)
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    if include_last_offset and off.numel() < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    if off.numel():
        first, last = off[0].item(), off[-1].item()
        if first != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {first}")
        if last > n:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of {last}")
    if padding_idx is not None:
        if not -num_weights <= padding_idx < num_weights:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num_weights} through "
                               f"{num_weights - 1}, but got {padding_idx}")
        padding_idx = padding_idx % num_weights
    _embedding_bag_check_indices(idx, num_weights)
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients (sparse=True) are not supported by ember, "
                                  "which has no sparse tensors; use sparse=False")
    starts = off[:-1] if include_last_offset else off
    num_bags = starts.numel()
    # each entry's bag: the last bag starting at or before it (empty bags share their start with the next)
    pos = _C.arange(n, device=idx.device)
    bag = _C.bucketize(pos, starts, right=True) - 1
    keep = None
    if include_last_offset and last < n:
        keep = pos < last  # the last offset ends the last bag: the entries after it are in no bag
    if padding_idx is not None:
        keep = (idx != padding_idx) if keep is None else keep & (idx != padding_idx)
    if keep is not None:
        sel = keep.nonzero().reshape(-1)
        idx, bag = idx[sel], bag[sel]
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights[sel]
    if scale_grad_by_freq and weight.requires_grad and _C.is_grad_enabled():
        rows = _ScaleByFrequency.apply(weight, idx, None)
    else:
        rows = weight.index_select(0, idx)
    out = _C.zeros((num_bags, dim), dtype=weight.dtype, device=weight.device)
    if mode != "max" or idx.numel() == 0:
        if per_sample_weights is not None:
            rows = rows * per_sample_weights.unsqueeze(1)
        out = out.index_add(0, bag, rows)
        if mode == "mean":
            count = _C.bincount(bag, minlength=num_bags).clamp(min=1).to(weight.dtype)
            out = out / count.unsqueeze(1)
        return out
    # max: per bag and column, the first entry holding the maximum, gathered so that only it gets a gradient
    m = idx.numel()
    bag2 = bag.unsqueeze(1).expand(m, dim)
    with _no_grad():
        best = out.scatter_reduce(0, bag2, rows, "amax", include_self=False)
        pos2 = _C.arange(m, device=idx.device).unsqueeze(1).expand(m, dim)
        cand = _C.where(rows == best[bag], pos2, _C.full((), m, dtype=_C.int64))
        arg = _C.full((num_bags, dim), m, dtype=_C.int64, device=idx.device).scatter_reduce(0, bag2, cand, "amin")
        empty = arg == m
        arg = _C.where(empty, _C.zeros((), dtype=_C.int64), arg)
    return _C.where(empty, _C.zeros((), dtype=weight.dtype), rows.gather(0, arg))


# ---- rearrangements ----


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r block.

    Example::

        >>> F.pixel_shuffle(ember.arange(4.0).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if upscale_factor <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {upscale_factor}")
    r = upscale_factor
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(batch)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of :func:`pixel_shuffle`.

    Example::

        >>> F.pixel_unshuffle(ember.arange(4.0).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if downscale_factor <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {downscale_factor}")
    r = downscale_factor
    *batch, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but got "
                           f"input.size(-2)={h} and input.size(-1)={w} for downscale_factor={r}")
    n = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """(N, C, *) with its channels as `groups` groups interleaved: channel g * (C / groups) + i
    moves to i * groups + g.

    Example::

        >>> F.channel_shuffle(ember.arange(4.0).reshape(1, 4), 2)
        tensor([[0., 2., 1., 3.]])
    """
    if input.dim() < 2:
        raise RuntimeError(f"channel_shuffle expects input to have at least 2 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)

from ._sampling import (affine_grid, fold, grid_sample, interpolate, unfold, upsample,  # noqa: E402,F401
                        upsample_bilinear, upsample_nearest)
from ._conv import (conv1d, conv2d, conv3d, conv_tbc, conv_transpose1d, conv_transpose2d,  # noqa: E402,F401
                    conv_transpose3d)
from ._pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,  # noqa: E402,F401
                       adaptive_max_pool1d, adaptive_max_pool1d_with_indices, adaptive_max_pool2d,
                       adaptive_max_pool2d_with_indices, adaptive_max_pool3d, adaptive_max_pool3d_with_indices,
                       avg_pool1d, avg_pool2d, avg_pool3d, fractional_max_pool2d, fractional_max_pool2d_with_indices,
                       fractional_max_pool3d, fractional_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d,
                       max_pool1d, max_pool1d_with_indices, max_pool2d, max_pool2d_with_indices, max_pool3d,
                       max_pool3d_with_indices, max_unpool1d, max_unpool2d, max_unpool3d)
from ._normalization import (batch_norm, group_norm, instance_norm, layer_norm,  # noqa: E402,F401
                             local_response_norm, rms_norm)
