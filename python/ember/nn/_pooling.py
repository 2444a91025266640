"""Pooling functions of ember.nn.functional: max, average, adaptive, unpooling and power-average
(LP) pooling over 1, 2 or 3 spatial dims, plus torch's top-level pooling schemas
(``ember.max_pool1d``, ``ember.avg_pool1d``, ...).

Max, average, adaptive and unpooling are one native call each (``ember._C._nn``) after the
arguments are put in shape; forward and backward run natively and channels_last inputs give
channels_last outputs. LP pooling is composed: an average pool of ``x ** p`` scaled by the kernel's
size, then the ``1 / p``-th power.

Example::

    >>> import ember.nn.functional as F
    >>> F.max_pool1d(ember.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
    tensor([[[3., 5.]]])
"""

from .. import _C

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool2d_with_indices", "max_pool3d",
    "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
]

_max_pool = _C._nn.max_pool
_avg_pool = _C._nn.avg_pool
_adaptive_avg_pool = _C._nn.adaptive_avg_pool
_adaptive_max_pool = _C._nn.adaptive_max_pool
_max_unpool = _C._nn.max_unpool


def _ntuple(value, n):
    """torch's _single / _pair / _triple: a sequence as a tuple, anything else repeated n times."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


# ---- max pooling ----


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """1-D max pooling of (N, C, L) or (C, L); returns ``(values, indices)`` whatever `return_indices`.

    `indices` holds the position of each maximum within its input row (what :func:`max_unpool1d`
    takes). `stride` defaults to `kernel_size`; `padding` pads with -inf (at most half the kernel);
    `ceil_mode` rounds the output length up, as torch.

    Example::

        >>> F.max_pool1d_with_indices(ember.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
        (tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
    """
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """2-D max pooling of (N, C, H, W) or (C, H, W); returns ``(values, indices)``.

    Each index is the flat position ``h * W + w`` of the maximum within its input plane.

    Example::

        >>> v, i = F.max_pool2d_with_indices(ember.arange(16.0).reshape(1, 1, 4, 4), 2)
        >>> v, i
        (tensor([[[[ 5.,  7.],
                  [13., 15.]]]]), tensor([[[[ 5,  7],
                  [13, 15]]]]))
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); returns ``(values, indices)``.

    Example::

        >>> v, i = F.max_pool3d_with_indices(ember.arange(8.0).reshape(1, 2, 2, 2), 2)
        >>> v.flatten(), i.flatten()
        (tensor([7.]), tensor([7]))
    """
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling of (N, C, L) or (C, L); with `return_indices` also the argmax positions.

    `stride` defaults to `kernel_size`; `padding` (implicit -inf, at most half the kernel) and
    `dilation` (spacing between kernel taps) are as torch's; `ceil_mode` rounds the output length
    up (a window must still start inside the input or its left padding).

    Example::

        >>> F.max_pool1d(ember.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]]), 2, ceil_mode=True)
        tensor([[[3., 5., 4.]]])
    """
    out = _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling of (N, C, H, W) or (C, H, W); with `return_indices` also the flat argmax
    positions within each input plane.

    Each of `kernel_size`, `stride`, `padding` and `dilation` is an int or an (h, w) pair.

    Example::

        >>> F.max_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    out = _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); with `return_indices` also the flat argmax
    positions within each input volume.

    Example::

        >>> F.max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 2).flatten()
        tensor([7.])
    """
    out = _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


# ---- average pooling ----


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) or (C, L).

    `padding` adds implicit zeros (at most half the kernel); `count_include_pad` counts them in the
    divisor; `ceil_mode` rounds the output length up.

    Example::

        >>> F.avg_pool1d(ember.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
        tensor([[[2., 4.]]])
    """
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling of (N, C, H, W) or (C, H, W); `divisor_override` replaces the window size
    as the divisor.

    Example::

        >>> F.avg_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W); `divisor_override` replaces the window
    size as the divisor.

    Example::

        >>> F.avg_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 2, divisor_override=1).flatten()
        tensor([28.])
    """
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


# ---- adaptive pooling ----


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to length `output_size`: output cell i averages input
    cells ``[floor(i L / out), ceil((i + 1) L / out))``.

    Example::

        >>> F.adaptive_avg_pool1d(ember.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]]), 2)
        tensor([[2., 4.]])
    """
    return _adaptive_avg_pool(input, 1, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of (N, C, H, W) or (C, H, W) to `output_size` (an int or an (h, w) pair; a
    None entry keeps that input size).

    Example::

        >>> F.adaptive_avg_pool2d(ember.arange(16.0).reshape(1, 4, 4), (1, None))
        tensor([[[6., 7., 8., 9.]]])
    """
    return _adaptive_avg_pool(input, 2, output_size)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) to `output_size` (an int or a triple; None
    entries keep the input size).

    Example::

        >>> F.adaptive_avg_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 1).flatten()
        tensor([3.5000])
    """
    return _adaptive_avg_pool(input, 3, output_size)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """Adaptive 1-D max pooling; returns ``(values, indices)`` whatever `return_indices`.

    Example::

        >>> F.adaptive_max_pool1d_with_indices(ember.tensor([[1.0, 5.0, 3.0, 4.0]]), 2)
        (tensor([[5., 4.]]), tensor([[1, 3]]))
    """
    return _adaptive_max_pool(input, 1, output_size)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """Adaptive 2-D max pooling; returns ``(values, indices)`` whatever `return_indices`.

    Example::

        >>> v, i = F.adaptive_max_pool2d_with_indices(ember.arange(16.0).reshape(1, 4, 4), 1)
        >>> v.flatten(), i.flatten()
        (tensor([15.]), tensor([15]))
    """
    return _adaptive_max_pool(input, 2, output_size)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """Adaptive 3-D max pooling; returns ``(values, indices)`` whatever `return_indices`.

    Example::

        >>> v, i = F.adaptive_max_pool3d_with_indices(ember.arange(8.0).reshape(1, 2, 2, 2), 1)
        >>> v.flatten(), i.flatten()
        (tensor([7.]), tensor([7]))
    """
    return _adaptive_max_pool(input, 3, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to length `output_size` (the windows of
    :func:`adaptive_avg_pool1d`); with `return_indices` also the argmax positions.

    Example::

        >>> F.adaptive_max_pool1d(ember.tensor([[1.0, 5.0, 3.0, 4.0]]), 2)
        tensor([[5., 4.]])
    """
    out = _adaptive_max_pool(input, 1, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling of (N, C, H, W) or (C, H, W) to `output_size` (None entries keep the input size);
    with `return_indices` also the flat argmax positions within each plane.

    Example::

        >>> F.adaptive_max_pool2d(ember.arange(16.0).reshape(1, 4, 4), (2, 1))
        tensor([[[ 7.],
                 [15.]]])
    """
    out = _adaptive_max_pool(input, 2, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, D, H, W) or (C, D, H, W) to `output_size`; with `return_indices` also
    the flat argmax positions within each volume.

    Example::

        >>> F.adaptive_max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 1).flatten()
        tensor([7.])
    """
    out = _adaptive_max_pool(input, 3, output_size)
    return out if return_indices else out[0]


# ---- unpooling ----


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    """torch's output size of max_unpool: the size max pooling came from when `output_size` is None,
    else `output_size` (its spatial part), which must be within a stride of that default."""
    n = len(kernel_size)
    shape = input.shape
    default = [(shape[i - n] - 1) * stride[i] + kernel_size[i] - 2 * padding[i] for i in range(n)]
    if output_size is None:
        return default
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                         f"length of '{len(output_size)}'")
    for d in range(n):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    return list(output_size)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, n):
    kernel_size = _ntuple(kernel_size, n)
    stride = _ntuple(stride, n) if stride is not None else kernel_size
    padding = _ntuple(padding, n)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _C._nn.max_unpool(input, indices, n, size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of :func:`max_pool1d`: each value goes to the position its index names,
    every other output position is zero.

    The output length is ``(L - 1) * stride + kernel_size - 2 * padding`` unless `output_size`
    (within a stride of that) says otherwise.

    Example::

        >>> x = ember.tensor([[[1.0, 3.0, 2.0, 5.0]]])
        >>> v, i = F.max_pool1d(x, 2, return_indices=True)
        >>> F.max_unpool1d(v, i, 2)
        tensor([[[0., 3., 0., 5.]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of :func:`max_pool2d`: values scattered to their indices, zeros elsewhere.

    Example::

        >>> v, i = F.max_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(v, i, 2)[0, 0]
        tensor([[ 0.,  0.,  0.,  0.],
                [ 0.,  5.,  0.,  7.],
                [ 0.,  0.,  0.,  0.],
                [ 0., 13.,  0., 15.]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of :func:`max_pool3d`: values scattered to their indices, zeros elsewhere.

    Example::

        >>> v, i = F.max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(v, i, 2).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


# ---- power-average pooling ----


def _lp_finish(out, norm_type, count):
    # sign(out) * relu(|out|): negative sums (odd p) keep their sign; then the count and the root
    return (_C.sign(out) * _C.relu(_C.abs(out))).mul(count).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over (N, C, L) or (C, L): ``(sum over the window of x ** p) ** (1 / p)``.

    ``p = inf`` would be max pooling and ``p = 1`` sum pooling; no padding. Composed of an average
    pool of ``x ** p`` times the kernel size.

    Example::

        >>> F.lp_pool1d(ember.tensor([[[3.0, 4.0, 1.0, 1.0]]]), 2, 2)
        tensor([[[5.0000, 1.4142]]])
    """
    out = _avg_pool(input.pow(norm_type), 1, kernel_size, stride, 0, ceil_mode, True, None)
    return _lp_finish(out, norm_type, kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over (N, C, H, W) or (C, H, W):
    ``(sum over the window of x ** p) ** (1 / p)``.

    Example::

        >>> F.lp_pool2d(ember.ones(1, 1, 2, 4), 1, 2)
        tensor([[[[4., 4.]]]])
    """
    kh, kw = _ntuple(kernel_size, 2)
    out = _avg_pool(input.pow(norm_type), 2, kernel_size, stride, 0, ceil_mode, True, None)
    return _lp_finish(out, norm_type, kh * kw)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over (N, C, D, H, W) or (C, D, H, W):
    ``(sum over the window of x ** p) ** (1 / p)``.

    Example::

        >>> F.lp_pool3d(ember.ones(1, 2, 2, 2), 2, 2).flatten()
        tensor([2.8284])
    """
    kd, kh, kw = _ntuple(kernel_size, 3)
    out = _avg_pool(input.pow(norm_type), 3, kernel_size, stride, 0, ceil_mode, True, None)
    return _lp_finish(out, norm_type, kd * kh * kw)


# ---- fractional max pooling ----


def _fractional_starts(samples, in_size, out_size, k):
    """The window starts of one spatial dim (Graham's pseudo-random sequence), one row per plane:
    ``floor((i + u) alpha) - floor(u alpha)`` with ``alpha = (in - k) / (out - 1)`` in the input's
    dtype, the last window flush with the end. `samples` is (N, C, 1)."""
    if out_size > 1:
        alpha = (in_size - k) / (out_size - 1)
        i = _C.arange(out_size, dtype=samples.dtype, device=samples.device)
        starts = ((i + samples) * alpha).to(_C.int64) - (samples * alpha).to(_C.int64)
        starts[..., -1] = in_size - k
        return starts
    return _C.full((samples.shape[0], samples.shape[1], out_size), in_size - k, dtype=_C.int64,
                   device=samples.device)


def _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, random_samples, n):
    name = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    kernel = _ntuple(kernel_size, n)
    if len(kernel) != n:
        raise RuntimeError(f"{name}: kernel_size must either be a single Int or tuple of Ints")
    shape = input.shape
    if output_size is None:
        if len(output_ratio) > n:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = _ntuple(output_ratio, n)
        output_size = [int(shape[d - n] * ratio[d]) for d in range(n)]
    out = _ntuple(output_size, n)
    if len(out) != n:
        raise RuntimeError(f"{name}: output_size must either be a single Int or tuple of Ints")
    batched = input.dim() == n + 2
    if input.dim() != n + 1 and not batched:
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(shape)}")
    for d in range(1 if batched else 0, input.dim()):
        if shape[d] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but got"
                               f"{list(shape)} with dimension {d} being empty.")
    x = input if batched else input.unsqueeze(0)
    nb, c, spatial = x.shape[0], x.shape[1], tuple(x.shape[2:])
    if random_samples is None:
        random_samples = _C.rand((nb, c, n), dtype=input.dtype, device=input.device)
    if random_samples.dim() != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {random_samples.dim()}")
    if random_samples.shape[2] != n:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {n}; got {random_samples.shape[2]}.")
    if random_samples.shape[0] < nb:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if random_samples.shape[1] != c:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if random_samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    names = ("height", "width") if n == 2 else ("time", "height", "width")
    for d, name_d in enumerate(names):
        if out[d] + kernel[d] - 1 > spatial[d]:
            op = name if n == 2 else f"{name}_out"
            raise RuntimeError(f"{op}(): pool {name_d} {kernel[d]} too large relative to input {name_d} "
                               f"{spatial[d]}")
    # the flat index of every tap of every window: (N, C, *out, *kernel), then the max over the taps
    flat = None
    for d in range(n):
        # torch pairs the 2-D samples (w, h) and the 3-D ones (t, h, w)
        column = (n - 1 - d) if n == 2 else d
        starts = _fractional_starts(random_samples[:nb, :, column:column + 1], spatial[d], out[d], kernel[d])
        pos = starts.unsqueeze(-1) + _C.arange(kernel[d], device=input.device)
        view = [nb, c] + [1] * (2 * n)
        view[2 + d], view[2 + n + d] = out[d], kernel[d]
        pos = pos.reshape(view)
        flat = pos if flat is None else flat * spatial[d] + pos
    taps = 1
    for k in kernel:
        taps *= k
    flat = flat.expand(nb, c, *out, *kernel).reshape(nb, c, -1)
    values = x.reshape(nb, c, -1).gather(2, flat).reshape(nb, c, *out, taps)
    values, best = values.max(-1)
    indices = flat.reshape(nb, c, *out, taps).gather(-1, best.unsqueeze(-1)).squeeze(-1)
    if not batched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional 2-D max pooling returning ``(values, indices)``; see :func:`fractional_max_pool2d`.

    Example::

        >>> s = ember.tensor([[[0.5, 0.5]]])
        >>> v, i = F.fractional_max_pool2d_with_indices(ember.arange(16.0).reshape(1, 1, 4, 4), 2,
        ...                                             output_size=2, _random_samples=s)
        >>> i
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 2)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling (Graham, 2014) of (N, C, H, W) or (C, H, W): `kernel_size` windows at
    pseudo-random steps chosen so that the output has `output_size` (or ``output_ratio`` times the
    input size); ``_random_samples`` (N, C, 2) in [0, 1), drawn when not given, fix the steps.

    Composed of ``gather`` and ``max`` over the window taps (ember has no native kernel for it);
    with `return_indices` also the flat argmax positions within each plane.

    Example::

        >>> s = ember.tensor([[[0.5, 0.5]]])
        >>> F.fractional_max_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2, output_size=2, _random_samples=s)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional 3-D max pooling returning ``(values, indices)``; see :func:`fractional_max_pool3d`.

    Example::

        >>> s = ember.tensor([[[0.5, 0.5, 0.5]]])
        >>> v, i = F.fractional_max_pool3d_with_indices(ember.arange(8.0).reshape(1, 1, 2, 2, 2), 1,
        ...                                             output_size=1, _random_samples=s)
        >>> i.flatten()
        tensor([7])
    """
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 3)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of (N, C, D, H, W) or (C, D, H, W); ``_random_samples`` is (N, C, 3).
    See :func:`fractional_max_pool2d`.

    Example::

        >>> s = ember.tensor([[[0.5, 0.5, 0.5]]])
        >>> F.fractional_max_pool3d(ember.arange(8.0).reshape(1, 1, 2, 2, 2), 2, output_size=1,
        ...                         _random_samples=s).flatten()
        tensor([7.])
    """
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3)


# ---- torch's top-level schemas: ember.max_pool1d, ember.avg_pool1d, ... ----


def _max_pool1d_op(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """max_pool1d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False) -> Tensor

    ``torch.max_pool1d``: :func:`ember.nn.functional.max_pool1d` without `return_indices`.

    Example::

        >>> ember.max_pool1d(ember.tensor([[1.0, 3.0, 2.0, 5.0]]), 2)
        tensor([[3., 5.]])
    """
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _max_pool2d_op(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """max_pool2d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False) -> Tensor

    ``torch.max_pool2d``: :func:`ember.nn.functional.max_pool2d` without `return_indices`.

    Example::

        >>> ember.max_pool2d(ember.arange(4.0).reshape(1, 2, 2), 2)
        tensor([[[3.]]])
    """
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _max_pool3d_op(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """max_pool3d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False) -> Tensor

    ``torch.max_pool3d``: :func:`ember.nn.functional.max_pool3d` without `return_indices`.

    Example::

        >>> ember.max_pool3d(ember.arange(8.0).reshape(1, 2, 2, 2), 2).flatten()
        tensor([7.])
    """
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _max_pool1d_with_indices_op(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """max_pool1d_with_indices(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
    -> (Tensor, Tensor)

    ``torch.max_pool1d_with_indices``: 1-D max pooling returning ``(values, indices)``.

    Example::

        >>> ember.max_pool1d_with_indices(ember.tensor([[1.0, 3.0, 2.0, 5.0]]), 2)
        (tensor([[3., 5.]]), tensor([[1, 3]]))
    """
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode)


def _avg_pool1d_op(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True) -> Tensor

    ``torch.avg_pool1d``: 1-D average pooling, as :func:`ember.nn.functional.avg_pool1d`.

    Example::

        >>> ember.avg_pool1d(ember.tensor([[1.0, 3.0, 2.0, 6.0]]), 2)
        tensor([[2., 4.]])
    """
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def _adaptive_avg_pool1d_op(input, output_size):
    """adaptive_avg_pool1d(input, output_size) -> Tensor

    ``torch.adaptive_avg_pool1d``, as :func:`ember.nn.functional.adaptive_avg_pool1d`.

    Example::

        >>> ember.adaptive_avg_pool1d(ember.tensor([[1.0, 2.0, 3.0, 4.0]]), 1)
        tensor([[2.5000]])
    """
    return _adaptive_avg_pool(input, 1, output_size)


def _adaptive_max_pool1d_op(input, output_size):
    """adaptive_max_pool1d(input, output_size) -> (Tensor, Tensor)

    ``torch.adaptive_max_pool1d``: adaptive 1-D max pooling returning ``(values, indices)``.

    Example::

        >>> ember.adaptive_max_pool1d(ember.tensor([[1.0, 5.0, 3.0, 4.0]]), 2)
        (tensor([[5., 4.]]), tensor([[1, 3]]))
    """
    return _adaptive_max_pool(input, 1, output_size)
