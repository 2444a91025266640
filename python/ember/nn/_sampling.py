"""Sampling functions of ember.nn.functional: unfold / fold (im2col / col2im), interpolate and its
deprecated upsample wrappers, grid_sample and affine_grid.

Interpolation is separable: for each spatial dim the source indices and weights (the taps) are
computed once on the host with NumPy -- a few numbers per output row -- and the native
``resample`` op applies them in one pass, with a native backward that scatters through the same
taps; nearest modes are one ``index_select`` per dim. grid_sample and its backward (input and
grid) are one native op each. unfold / fold are strided views and ``index_add``.

Example::

    >>> import ember.nn.functional as F
    >>> F.interpolate(ember.tensor([[[1.0, 2.0]]]), scale_factor=2, mode="linear")
    tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
"""

import itertools
import math
import numbers
import warnings

import numpy as np

from .. import _C

__all__ = ["affine_grid", "fold", "grid_sample", "interpolate", "unfold", "upsample", "upsample_bilinear",
           "upsample_nearest"]

# ---- helpers ----


def _int_pair(value, name):
    """An int or a sequence of two ints as a 2-tuple (torch's message for a wrong length)."""
    if isinstance(value, numbers.Integral):
        return (int(value), int(value))
    value = tuple(value)
    if len(value) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
    for v in value:
        if not isinstance(v, numbers.Integral):
            raise TypeError(f"{name} must be tuple of ints, but found element of type {type(v).__name__}")
    return (int(value[0]), int(value[1]))


def _tdiv(a, b):
    """C-style integer division (truncates toward zero), as torch's shape arithmetic does."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _sliding_params(kernel_size, dilation, padding, stride):
    (kh, kw), (dh, dw) = _int_pair(kernel_size, "kernel_size"), _int_pair(dilation, "dilation")
    (ph, pw), (sh, sw) = _int_pair(padding, "padding"), _int_pair(stride, "stride")
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {sh} stride_width: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dh} "
                           f"dilation_width: {dw}")
    if ph < 0 or pw < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {ph} pad_width: {pw}")
    return (kh, kw), (dh, dw), (ph, pw), (sh, sw)


def _blocks(size, k, d, p, s):
    """Number of sliding blocks along one dim (C integer arithmetic, as torch's checks)."""
    return _tdiv(size + 2 * p - (d * (k - 1) + 1), s) + 1


def _host_tensor(array, like, dtype=None):
    """A NumPy array as an ember tensor on `like`'s device (int64 indices, or `dtype`)."""
    return _C.tensor(np.ascontiguousarray(array), dtype=dtype, device=like.device)


# ---- unfold / fold ----


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts sliding local blocks from a batched input (im2col).

    (N, C, H, W) -> (N, C * kh * kw, L), where L is the number of blocks; an unbatched (C, H, W)
    input gives (C * kh * kw, L). Each column holds one block, channel-major then kernel row, then
    kernel column. Built from strided views of the zero-padded input, so it is differentiable.

    Example::

        >>> F.unfold(ember.arange(9.0).reshape(1, 1, 3, 3), kernel_size=2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _sliding_params(kernel_size, dilation, padding, stride)
    shape = list(input.shape)
    if input.dim() not in (3, 4) or any(v == 0 for v in shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {shape}")
    h, w = shape[-2:]
    oh, ow = _blocks(h, kh, dh, ph, sh), _blocks(w, kw, dw, pw, sw)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size=({kh}, {kw}), dilation=({dh}, "
                           f"{dw}), padding=({ph}, {pw}), calculated shape of the array of sliding blocks as ({oh}, "
                           f"{ow}), but its components must be at least one.")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    if ph or pw:
        x = _C._pad(x, (pw, pw, ph, ph), "constant", None)
    n, c = x.shape[0], x.shape[1]
    # (N, C, oh, ow, eff_kh, eff_kw) windows, then every dilation-th element of each window
    patches = x.unfold(2, dh * (kh - 1) + 1, sh).unfold(3, dw * (kw - 1) + 1, sw)
    if dh > 1 or dw > 1:
        patches = patches[..., ::dh, ::dw]
    out = patches.permute(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combines an array of sliding local blocks into a tensor, summing overlaps (col2im).

    (N, C * kh * kw, L) -> (N, C, H, W) for ``output_size=(H, W)``; an unbatched (C * kh * kw, L)
    input gives (C, H, W). The inverse arrangement of :func:`unfold`: each value is added into the
    pixel it was taken from, via a single ``index_add`` over a flat index computed once.

    Example::

        >>> F.fold(ember.ones(1, 4, 4), output_size=3, kernel_size=2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    (h, w) = _int_pair(output_size, "output_size")
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _sliding_params(kernel_size, dilation, padding, stride)
    shape = list(input.shape)
    if input.dim() not in (2, 3) or any(v == 0 for v in shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {shape}")
    ckk, length = shape[-2:]
    if ckk % (kh * kw):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={ckk} and kernel_size=({kh}, {kw}).")
    oh, ow = _blocks(h, kh, dh, ph, sh), _blocks(w, kw, dw, pw, sw)
    given = (f"Given output_size=({h}, {w}), kernel_size=({kh}, {kw}), dilation=({dh}, {dw}), padding=({ph}, {pw}), "
             f"stride=({sh}, {sw}), ")
    if oh * ow != length:
        raise RuntimeError(given + f"expected size of input's dimension 2 to match the calculated number of sliding "
                           f"blocks {oh} * {ow} = {oh * ow}, but got input.size(2)={length}.")
    if oh < 1 or ow < 1:
        raise RuntimeError(given + f"calculated shape of the array of sliding blocks as ({oh}, {ow}), which is too "
                           "small (non-positive).")
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    n, c = x.shape[0], ckk // (kh * kw)
    hp, wp = h + 2 * ph, w + 2 * pw
    rows = np.arange(kh)[:, None] * dh + np.arange(oh)[None, :] * sh          # (kh, oh)
    cols = np.arange(kw)[:, None] * dw + np.arange(ow)[None, :] * sw          # (kw, ow)
    flat = rows[:, None, :, None] * wp + cols[None, :, None, :]               # (kh, kw, oh, ow)
    index = _host_tensor(flat.reshape(-1).astype(np.int64), x)
    out = _C.zeros((n, c, hp * wp), dtype=x.dtype, device=x.device)
    out = out.index_add(2, index, x.reshape(n, c, kh * kw * length)).reshape(n, c, hp, wp)
    if ph or pw:
        out = out[:, :, ph:ph + h, pw:pw + w].contiguous()
    return out if batched else out.squeeze(0)


# ---- interpolate ----

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_INTERP_DIMS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4, "lanczos": 4}


def _source_scale(in_size, out_size, align_corners, scale):
    """torch's area_pixel_compute_scale: step in input coordinates per output pixel."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size


def _source_coords(in_size, out_size, align_corners, scale, cubic):
    ratio = _source_scale(in_size, out_size, align_corners, scale)
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        return ratio * dst
    src = ratio * (dst + 0.5) - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _taps_nearest(in_size, out_size, scale, exact, shortcut):
    # torch computes these in single precision: reproduce its rounding exactly. Its 2-D 'nearest'
    # kernel special-cases equal and doubled sizes (whatever the scale_factor); the 1-D / 3-D ones don't.
    if shortcut and out_size in (in_size, 2 * in_size):
        return (np.arange(out_size, dtype=np.int64) * in_size // out_size)[:, None], None
    if scale is not None and scale > 0:
        ratio = np.float32(1.0 / scale)
    else:
        ratio = np.float32(in_size) / np.float32(out_size)
    if exact:
        src = ((np.arange(out_size, dtype=np.float64) + 0.5) * np.float64(ratio)).astype(np.float32)
    else:
        src = np.arange(out_size).astype(np.float32) * ratio
    idx = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    return idx[:, None], None


def _taps_linear(in_size, out_size, align_corners, scale):
    if in_size == out_size:
        return None
    src = _source_coords(in_size, out_size, align_corners, scale, cubic=False)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam = np.clip(src - i0, 0.0, 1.0)
    i1 = i0 + (i0 < in_size - 1)
    return np.stack([i0, i1], 1), np.stack([1.0 - lam, lam], 1)


def _cubic_weights(t, a=-0.75):
    """The four cubic-convolution coefficients for fractional offset(s) `t` (Keys' kernel with `a`)."""
    def near(x):   # |x| <= 1
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0

    def far(x):    # 1 < |x| < 2
        return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a

    return [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]


def _taps_cubic(in_size, out_size, align_corners, scale):
    src = _source_coords(in_size, out_size, align_corners, scale, cubic=True)
    base = np.floor(src)
    t = src - base
    idx = np.clip(base.astype(np.int64)[:, None] + np.arange(-1, 3)[None, :], 0, in_size - 1)
    return idx, np.stack(_cubic_weights(t), 1)


def _taps_area(in_size, out_size):
    i = np.arange(out_size, dtype=np.int64)
    start = (i * in_size) // out_size
    end = -((-(i + 1) * in_size) // out_size)            # ceil((i + 1) * in / out)
    count = end - start
    k = int(count.max()) if out_size else 1
    offs = np.arange(k)[None, :]
    idx = np.minimum(start[:, None] + offs, in_size - 1)
    w = np.where(offs < count[:, None], 1.0 / count[:, None], 0.0)
    return idx, w


def _aa_filter(mode):
    if mode == "bilinear":
        return 1.0, lambda x: np.maximum(0.0, 1.0 - np.abs(x))
    if mode == "bicubic":      # antialiased bicubic uses a = -0.5, as PIL
        def cubic(x, a=-0.5):
            x = np.abs(x)
            near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
            far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
            return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
        return 2.0, cubic

    def lanczos(x):            # Lanczos-3: sinc(x) sinc(x / 3) on |x| < 3
        return np.where(np.abs(x) < 3.0, np.sinc(x) * np.sinc(x / 3.0), 0.0)
    return 3.0, lanczos


def _taps_antialias(in_size, out_size, align_corners, scale, mode):
    """Resampling with a filter stretched by the downscaling factor (torch's ``*_aa`` kernels, after PIL)."""
    if in_size == out_size:
        return None
    half, filt = _aa_filter(mode)
    ratio = _source_scale(in_size, out_size, align_corners, scale)
    support = half * ratio if ratio >= 1.0 else half
    invscale = 1.0 / ratio if ratio >= 1.0 else 1.0
    center = ratio * (np.arange(out_size, dtype=np.float64) + 0.5)
    lo = np.maximum(np.trunc(center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum(np.trunc(center + support + 0.5).astype(np.int64), in_size)
    size = np.maximum(hi - lo, 0)
    k = max(int(size.max()), 1)
    offs = np.arange(k)[None, :]
    valid = offs < size[:, None]
    w = np.where(valid, filt((offs + lo[:, None] - center[:, None] + 0.5) * invscale), 0.0)
    total = w.sum(1, keepdims=True)
    w = np.where(total != 0.0, w / np.where(total != 0.0, total, 1.0), w)
    idx = np.minimum(lo[:, None] + offs, in_size - 1)
    return idx, w


def _resample_dim(x, dim, taps):
    """One separable pass along `dim`: output row o sums the input rows idx[o, k] weighted by
    w[o, k] (one native op, whose backward scatters with the same taps); nearest modes gather."""
    idx, w = taps
    if w is None:
        return x.index_select(dim, _host_tensor(idx.reshape(-1), x))
    return _C._nn.resample(x, dim, _host_tensor(idx, x), _host_tensor(w, x, dtype=_C.float64))


def _int_size(rounding, value):
    """An output size from a scaled input size; NaN and infinities are torch's overflow error."""
    if not math.isfinite(value):
        raise RuntimeError("interpolate: value cannot be converted to type int64_t without overflow")
    return rounding(value)


def _check_sizes(in_sizes, out_sizes):
    if all(i > 0 for i in in_sizes) and all(o > 0 for o in out_sizes):
        return
    names = "DHW"[3 - len(in_sizes):]
    inp = ", ".join(f"{nm}: {v}" for nm, v in zip(names, in_sizes))
    outp = ", ".join(f"{nm}: {v}" for nm, v in zip(names, out_sizes))
    joiner = " and output" if len(in_sizes) == 1 else " output"
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({inp}){joiner} ({outp})")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Down/up samples `input` to the given `size` or by the given `scale_factor`.

    Inputs are (N, C, *spatial) with 1-3 spatial dims. Modes: ``'nearest'``, ``'nearest-exact'``,
    ``'linear'`` (3-D), ``'bilinear'`` (4-D), ``'bicubic'`` (4-D, a = -0.75, border clamped),
    ``'trilinear'`` (5-D), ``'lanczos'`` (4-D, needs ``antialias=True``) and ``'area'`` (adaptive
    average pooling). `align_corners` (interpolating modes only) aligns the centres of the corner
    pixels instead of their outer corners. With a `scale_factor` and `recompute_scale_factor` not
    True, 1 / scale_factor is the step in source coordinates; otherwise input size / output size.
    `antialias` (bilinear, bicubic, lanczos on 4-D) widens the filter when downsampling.

    Example::

        >>> F.interpolate(ember.tensor([[[1.0, 2.0]]]), size=4, mode="nearest")
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(ember.tensor([[[1.0, 2.0]]]), size=3, mode="linear", align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False

    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 "(o1, o2, ...,oK) format.")
            output_size = list(size)
        else:
            output_size = [size] * dim
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        output_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")

    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [_int_size(math.floor, float(input.shape[i + 2]) * scales[i]) for i in range(dim)]
        scales = None

    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")

    nd = input.dim()
    needed = _INTERP_DIMS.get(mode) if isinstance(mode, str) else None
    if nd not in (3, 4, 5) or (mode not in ("nearest", "nearest-exact", "area") and needed is None):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the "
                                  f"modes: {_MODES} (got {mode})")
    if needed is not None and nd != needed:
        if mode in ("bicubic", "lanczos"):
            raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the "
                                      f"modes: {_MODES} (got {mode})")
        raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {needed}D input")
    if mode == "lanczos":
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")

    if output_size is None:
        output_size = [_int_size(int, input.shape[i + 2] * scales[i]) for i in range(dim)]
    for v in output_size:
        if not isinstance(v, numbers.Integral):
            raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                            f"Tuple[int, int, int], but got size with types {[type(s) for s in output_size]}")
    output_size = [int(v) for v in output_size]
    in_sizes = [int(s) for s in input.shape[2:]]
    shape = list(input.shape)

    if mode == "area":
        if any(v < 0 for v in output_size):
            raise RuntimeError(f"adaptive_avg_pool{dim}d: elements of output_size must be greater than or equal to 0 "
                               f"but received {{{', '.join(str(v) for v in output_size)}}}")
        if any(v == 0 for v in shape[1:]):
            empty = next(i for i in range(1, nd) if shape[i] == 0)
            raise RuntimeError(f"adaptive_avg_pool{dim}d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape} with dimension {empty} being empty")
    else:
        _check_sizes(in_sizes, output_size)
        if shape[1] == 0:
            raise RuntimeError(f"Non-empty {nd}D data tensor expected but got a tensor with sizes {shape}")
    if mode not in ("nearest", "nearest-exact") and not input.is_floating_point():
        kernel = f"adaptive_avg_pool{dim}d" if mode == "area" else f"upsample_{mode}{dim}d"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._torch_name}\'')

    passes = {}
    for i in range(dim):
        n_in, n_out = in_sizes[i], output_size[i]
        sc = scales[i] if scales is not None else None
        if mode in ("nearest", "nearest-exact"):
            taps = _taps_nearest(n_in, n_out, sc, mode == "nearest-exact", mode == "nearest" and nd == 4)
        elif mode == "area":
            taps = _taps_area(n_in, n_out)
        elif antialias:
            taps = _taps_antialias(n_in, n_out, align_corners, sc, mode)
        elif mode == "bicubic":
            taps = _taps_cubic(n_in, n_out, align_corners, sc)
        else:
            taps = _taps_linear(n_in, n_out, align_corners, sc)
        if taps is None or (taps[1] is None and n_in == n_out and (taps[0][:, 0] == np.arange(n_in)).all()):
            continue
        passes[i + 2] = taps
    # 16-bit inputs resample in float32 and round once, as torch's kernels
    half = input.dtype in (_C.float16, _C.bfloat16) and any(w is not None for _, w in passes.values())
    out = input.float() if half else input
    for d in _pass_order(shape, passes):
        out = _resample_dim(out, d, passes[d])
    if half:
        out = out.to(input.dtype)
    return out.clone() if out is input else out


def _pass_order(shape, passes):
    """The order of the separable passes that moves the least data: each pass costs its output's
    size times its taps, twice for the last dim (a gather per element rather than whole rows)."""
    def cost(order):
        sizes, total = list(shape), 0
        for d in order:
            idx = passes[d][0]
            sizes[d] = idx.shape[0]
            total += math.prod(sizes) * idx.shape[1] * (2 if d == len(shape) - 1 else 1)
        return total
    return min(itertools.permutations(sorted(passes)), key=cost)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate` (warns).

    Example::

        >>> F.interpolate(ember.ones(1, 1, 2), scale_factor=2).shape   # F.upsample(...) warns, same result
        ember.Size([1, 1, 4])
    """
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')`` (warns).

    Example::

        >>> F.interpolate(ember.ones(1, 1, 2, 2), scale_factor=2, mode="nearest").shape
        ember.Size([1, 1, 4, 4])
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)`` (warns).

    Example::

        >>> F.interpolate(ember.ones(1, 1, 2, 2), size=3, mode="bilinear", align_corners=True).shape
        ember.Size([1, 1, 3, 3])
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- grid_sample / affine_grid ----

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please "
                  "specify align_corners=True if the old behavior is desired. See the documentation of grid_sample "
                  "for details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples `input` at the normalized locations of `grid`.

    4-D: input (N, C, H, W), grid (N, Ho, Wo, 2) of (x, y) in [-1, 1] -> (N, C, Ho, Wo); 5-D:
    input (N, C, D, H, W), grid (N, Do, Ho, Wo, 3) of (x, y, z). `mode` is ``'bilinear'``
    (trilinear on 5-D), ``'nearest'`` or ``'bicubic'`` (4-D only); `padding_mode` decides what
    locations outside the input read: ``'zeros'``, ``'border'`` (the nearest edge value) or
    ``'reflection'``. Differentiable in both `input` and `grid`.

    Example::

        >>> img = ember.arange(4.0).reshape(1, 1, 2, 2)
        >>> F.grid_sample(img, ember.zeros(1, 1, 1, 2), align_corners=True)
        tensor([[[[1.5000]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    # one native op (shapes, devices and dtypes checked there with torch's messages)
    return _C.grid_sampler(input, grid, _GRID_MODES[mode], _GRID_PADDINGS[padding_mode], align_corners)


_GRID_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_GRID_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}


def _base_coords(steps, align_corners, like):
    """torch's normalized coordinates of `steps` pixel centres along one dim."""
    if steps <= 1:
        return _C.zeros((steps,), dtype=like.dtype, device=like.device)
    r = _C.linspace(-1.0, 1.0, steps, dtype=like.dtype, device=like.device)
    return r if align_corners else r * ((steps - 1) / steps)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of a batch of affine transforms, for :func:`grid_sample`.

    `theta` (N, 2, 3) with ``size=(N, C, H, W)`` gives (N, H, W, 2); (N, 3, 4) with
    ``size=(N, C, D, H, W)`` gives (N, D, H, W, 3). Each output point is theta applied to the
    normalized (x, y[, z], 1) coordinates of that output pixel.

    Example::

        >>> theta = ember.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> F.affine_grid(theta, (1, 1, 1, 2), align_corners=False)
        tensor([[[[-0.5000,  0.0000],
                  [ 0.5000,  0.0000]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(size) if not isinstance(size, tuple) else size
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                             f"Got {theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. "
                             f"Got {theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    nd = len(spatial)
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {nd + 1}] "
                           f"but got: [{theta.shape[0]}, {nd + 1}].")
    # (*spatial, nd + 1) homogeneous coordinates: x varies along the last spatial dim
    axes = [_base_coords(s, align_corners, theta) for s in spatial]
    grids = _C.meshgrid(*axes, indexing="ij")
    base = _C.stack(list(reversed(grids)) + [_C.ones(tuple(spatial), dtype=theta.dtype, device=theta.device)], -1)
    points = 1
    for v in spatial:
        points *= v
    base = base.reshape(1, points, nd + 1).expand(size[0], points, nd + 1)
    out = _C.bmm(base, theta.transpose(1, 2))
    return out.reshape([size[0]] + list(spatial) + [nd])
