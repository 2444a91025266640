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


def _embedding_padding_idx(padding_idx, num_embeddings, name="Padding_idx"):
    """`padding_idx` as a row index in [0, num_embeddings): a negative one counts from the end; one
    out of [-num_embeddings, num_embeddings) raises AssertionError, as torch's (`name` begins its
    message: EmbeddingBag's says "padding_idx"). None stays None. Shared by embedding and the
    Embedding and EmbeddingBag modules."""
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= num_embeddings:
                raise AssertionError(f"{name} must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -num_embeddings:
                raise AssertionError(f"{name} must be within num_embeddings")
            padding_idx = num_embeddings + padding_idx
    return padding_idx


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
    padding_idx = _embedding_padding_idx(padding_idx, weight.shape[0])
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
from ._loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss,  # noqa: E402,F401
                    cross_entropy, ctc_loss, gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div, l1_loss,
                    margin_ranking_loss, mse_loss, multi_margin_loss, multilabel_margin_loss,
                    multilabel_soft_margin_loss, nll_loss, poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
                    triplet_margin_loss, triplet_margin_with_distance_loss)
from ._attention import (_canonical_mask, _in_projection, _in_projection_packed, _mha_shape_check,  # noqa: E402,F401
                         _none_or_dtype, multi_head_attention_forward, scaled_dot_product_attention)
