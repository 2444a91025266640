"""ember.nn.functional: stateless functions of torch.nn.functional, over ember's native ops.

Example::

    >>> import ember.nn.functional as F
    >>> F.relu(ember.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""

import math

from .. import _C

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
