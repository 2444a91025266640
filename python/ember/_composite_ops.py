"""torch functions that are compositions of ember's native ops, with torch's signatures.

Each is a few native calls (their kernels, meta shapes and derivatives come from those ops), so
gradients, the meta device and threading work without code of their own. A function moves to a
fused native kernel when a benchmark asks for one.

Example::

    >>> ember.diff(ember.tensor([1, 4, 9, 16]))
    tensor([3, 5, 7])
"""

import math

from . import _C
from . import return_types as _rt
from ._out import takes_out

__all__ = [
    "diff", "cov", "corrcoef", "quantile", "nanquantile", "tril_indices", "triu_indices", "cartesian_prod",
    "combinations", "block_diag", "trapezoid", "trapz", "cumulative_trapezoid", "histogram", "renorm", "logspace",
    "vander", "matrix_power", "matrix_exp", "float_power", "ldexp", "frexp", "positive", "rsub", "mvlgamma",
]


def _check_tensor(x, op, name="input"):
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")


# ---- differences and integrals ----


@takes_out("diff")
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along `dim` (``out[i] = input[i + 1] - input[i]``), after
    concatenating `prepend` and `append`; bool inputs give ``!=``.

    Example::

        >>> ember.diff(ember.tensor([1, 4, 9, 16]))
        tensor([3, 5, 7])
    """
    _check_tensor(input, "diff")
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = [t if t.dim() else t.expand(_with(input.shape, dim, 1)) for t in (prepend, append) if t is not None]
    if prepend is not None or append is not None:
        pre = [parts.pop(0)] if prepend is not None else []
        post = parts
        input = _C.cat(pre + [input] + post, dim)
    for _ in range(n):
        length = input.shape[dim]
        if length == 0:
            break
        hi, lo = input.narrow(dim, 1, length - 1), input.narrow(dim, 0, length - 1)
        input = _C.ne(hi, lo) if input.dtype == _C.bool else hi - lo
    return input


def _with(shape, dim, size):
    s = list(shape)
    s[dim] = size
    return tuple(s)


def _trapezoid_parts(y, x, dx, dim, op):
    _check_tensor(y, op, "y")
    if y.dim() == 0:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
    n = y.shape[dim]
    avg = (y.narrow(dim, 1, max(n - 1, 0)) + y.narrow(dim, 0, max(n - 1, 0))) / 2
    if x is None:
        return avg * (1.0 if dx is None else dx)
    if dx is not None:
        raise RuntimeError(f"{op}: received both x and dx")
    spacing = diff(x, dim=dim if x.dim() == y.dim() else -1)
    if x.dim() == 1:
        shape = [1] * y.dim()
        shape[dim] = spacing.shape[0]
        spacing = spacing.reshape(shape)
    return avg * spacing


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule along `dim`: sample points `x` (a tensor) or a constant spacing `dx`
    (default 1).

    Example::

        >>> ember.trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
    """
    if y.dim() and y.shape[dim] == 0:
        return _C.sum(y, dim) * 0  # no interval: 0 with the reduced shape, as torch
    return _C.sum(_trapezoid_parts(y, x, dx, dim, "trapezoid"), dim)


trapz = trapezoid


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal rule along `dim`: one fewer element than `y` there.

    Example::

        >>> ember.cumulative_trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor([1.5000, 4.0000])
    """
    return _C.cumsum(_trapezoid_parts(y, x, dx, dim, "cumulative_trapezoid"), dim)


# ---- statistics ----


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows of `input` (variables) over its columns (observations),
    optionally weighted by integer frequencies `fweights` and observation weights `aweights`.

    Example::

        >>> ember.cov(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    _check_tensor(input, "cov")
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    if not x.is_floating_point():
        x = x.to(_C.get_default_dtype())
    n = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.is_floating_point():
            raise RuntimeError("cov(): expected fweights to have integral dtype")
        if fweights.dim() > 1 or fweights.numel() != n:
            raise RuntimeError(f"cov(): expected fweights to have one dimension and the same number of "
                               f"elements as the number of observations {n}")
        if bool(_C.any(fweights < 0)):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if not aweights.is_floating_point():
            raise RuntimeError("cov(): expected aweights to have floating point dtype")
        if aweights.dim() > 1 or aweights.numel() != n:
            raise RuntimeError(f"cov(): expected aweights to have one dimension and the same number of "
                               f"elements as the number of observations {n}")
        if bool(_C.any(aweights < 0)):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = n
        avg = x.mean(1, keepdim=True)
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / w_sum
    if w is None:
        norm = w_sum - correction
    elif correction == 0:
        norm = w_sum
    elif aweights is None:
        norm = w_sum - correction
    else:
        norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
    if not isinstance(norm, _C.Tensor) and norm <= 0:
        import warnings

        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "number of observations.", stacklevel=2)
    if isinstance(norm, _C.Tensor):
        norm = _C.clamp(norm, min=0)
    else:
        norm = max(norm, 0)
    xm = x - avg
    xw = xm if w is None else xm * w
    c = _C.matmul(xw, xm.mT) / norm
    return c.squeeze() if input.dim() < 2 else c


def corrcoef(input):
    """The Pearson correlation coefficients of the rows of `input` (clamped to [-1, 1]).

    Example::

        >>> ember.corrcoef(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    _check_tensor(input, "corrcoef")
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = _C.diagonal(c, 0, 0, 1)
    stddev = _C.sqrt(d)
    c = c / stddev.reshape(-1, 1)
    c = c / stddev.reshape(1, -1)
    return _C.clamp(c, -1, 1)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, op):
    _check_tensor(input, op)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                           f"Got {interpolation}")
    if input.dtype not in (_C.float32, _C.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, _C.Tensor)
    qt = _C.tensor(q, dtype=input.dtype, device=input.device) if scalar_q else q
    if not scalar_q:
        if qt.dim() > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
        if qt.dtype != input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if qt.device.type != "meta" and qt.numel() and not bool(_C.all((qt >= 0) & (qt <= 1))):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if dim is None:
        x = input.reshape(-1)
        d = 0
    else:
        d = dim % max(input.dim(), 1)
        x = input if input.dim() else input.reshape(1)
    if x.shape[d] == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    x = x.movedim(d, -1)
    sorted_x = _C.sort(x, -1).values  # NaN sorts last
    n = x.shape[-1]
    qv = qt.reshape(-1)
    if ignore_nan:
        valid = (~_C.isnan(x)).sum(-1, keepdim=True)  # per row count of numbers
        last = (valid - 1).to(x.dtype)
    else:
        last = _C.full(x.shape[:-1] + (1,), n - 1, dtype=x.dtype, device=x.device)
    rank = qv * last  # (..., nq): the fractional position of each quantile
    if interpolation == "lower":
        rank = _C.floor(rank)
    elif interpolation == "higher":
        rank = _C.ceil(rank)
    elif interpolation == "nearest":
        rank = _C.round(rank)
    lo_i = _C.clamp(_C.floor(rank), min=0).to(_C.int64)
    hi_i = _C.clamp(_C.ceil(rank), min=0).to(_C.int64)
    lo_i, hi_i = _C.clamp(lo_i, max=n - 1), _C.clamp(hi_i, max=n - 1)
    lo = _C.gather(sorted_x, -1, lo_i)
    hi = _C.gather(sorted_x, -1, hi_i)
    if interpolation == "midpoint":
        r = lo + (hi - lo) * 0.5
    elif interpolation == "linear":
        frac = rank - _C.floor(rank)
        r = _C.lerp(lo, hi, frac)
    else:
        r = lo
    if ignore_nan:
        r = _C.where(valid == 0, _C.full((), math.nan, dtype=r.dtype), r)
    else:
        has_nan = _C.isnan(sorted_x[..., -1:])
        r = _C.where(has_nan, _C.full((), math.nan, dtype=r.dtype), r)
    r = r.movedim(-1, 0)  # (nq, ...)
    if keepdim:
        if dim is None:
            r = r.reshape((r.shape[0],) + (1,) * input.dim())
        elif input.dim():
            r = r.unsqueeze(d + 1)
    return r[0] if scalar_q or qt.dim() == 0 else r


@takes_out("quantile")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of `input` (flattened, or along `dim`), interpolating between the sorted
    values as `interpolation` says; a NaN in a slice makes its quantiles NaN.

    Example::

        >>> ember.quantile(ember.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
        tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


@takes_out("nanquantile")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile, ignoring NaNs (a slice of only NaNs gives NaN).

    Example::

        >>> ember.nanquantile(ember.tensor([1.0, float('nan'), 3.0]), 0.5)
        tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


@takes_out("histogram")
def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002 - torch's name
    """A histogram of `input`: `bins` equal-width bins over `range` (default: the data's min and
    max), or the bin edges given as a 1-D tensor. Returns (hist, bin_edges).

    Example::

        >>> ember.histogram(ember.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0)).hist
        tensor([0., 2., 1., 0.])
    """
    _check_tensor(input, "histogram")
    if not input.is_floating_point():
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same dtype, but got "
                           f"input {input.dtype} and bins {input.dtype}")
    if isinstance(bins, _C.Tensor):
        edges = bins
        if edges.dim() != 1 or edges.numel() < 2:
            raise RuntimeError("torch.histogram(): bins tensor should have one dimension and at least 2 elements")
        if edges.dtype != input.dtype:
            raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same dtype, but "
                               f"got input {input.dtype} and bins {edges.dtype}")
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif input.numel():
            lo, hi = float(input.min()), float(input.max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {lo} max {hi}")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogram(): range of [{lo}, {hi}] is not finite")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = _C.linspace(lo, hi, bins + 1, dtype=input.dtype, device=input.device)
    nb = edges.numel() - 1
    x = input.reshape(-1)
    w = None if weight is None else weight.reshape(-1).to(input.dtype)
    inside = (x >= edges[0]) & (x <= edges[-1])
    # the bin of each value: the last edge not above it; the top edge belongs to the last bin
    idx = _C.clamp(_C.searchsorted(edges, x, right=True) - 1, 0, nb - 1)
    contrib = inside.to(input.dtype) if w is None else _C.where(inside, w, _C.zeros((), dtype=input.dtype))
    hist = _C.zeros(nb, dtype=input.dtype, device=input.device).index_add(0, idx, contrib)
    if density:
        widths = edges[1:] - edges[:-1]
        hist = hist / (hist.sum() * widths)
    return _rt.histogram(hist, edges)


# ---- index and product constructions ----


def _tri_indices(row, col, offset, dtype, device, lower, op):
    for name, v in (("row", row), ("col", col), ("offset", offset)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{op}(): argument '{name}' must be int, not {type(v).__name__}")
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    r = _C.arange(row, dtype=_C.int64, device=device).reshape(-1, 1).expand(row, col)
    c = _C.arange(col, dtype=_C.int64, device=device).reshape(1, -1).expand(row, col)
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return _C.stack([r[keep], c[keep]]).to(dtype)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the lower triangle of a row x col matrix, a 2 x N tensor in
    row-major order; `offset` moves the diagonal up (> 0) or down.

    Example::

        >>> ember.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype or _C.int64, device, True, "tril_indices")


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the upper triangle of a row x col matrix (see tril_indices).

    Example::

        >>> ember.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    return _tri_indices(row, col, offset, dtype or _C.int64, device, False, "triu_indices")


def cartesian_prod(*tensors):
    """Every combination of one element of each 1-D tensor, as rows (one tensor: itself).

    Example::

        >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    for t in tensors:
        _check_tensor(t, "cartesian_prod", "tensors")
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = _C.meshgrid(*tensors, indexing="ij")
    return _C.stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The r-length combinations of the elements of a 1-D tensor, in order, as rows (Python's
    itertools.combinations, or combinations_with_replacement).

    Example::

        >>> ember.combinations(ember.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
    import itertools

    _check_tensor(input, "combinations")
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _C.empty(0, dtype=input.dtype, device=input.device)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(range(input.shape[0]), r))
    if not rows:
        return _C.empty(0, r, dtype=input.dtype, device=input.device)
    idx = _C.tensor(rows, dtype=_C.int64, device=input.device)
    return input[idx]


def block_diag(*tensors):
    """A block-diagonal matrix of the given tensors (0-d and 1-d ones count as 1 x n blocks).

    Example::

        >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor([[3], [4]]))
        tensor([[1, 2, 0],
                [0, 0, 3],
                [0, 0, 4]])
    """
    blocks = []
    for i, t in enumerate(tensors):
        _check_tensor(t, "block_diag", "tensors")
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
        blocks.append(t.reshape(1, -1) if t.dim() < 2 else t)
    if not blocks:
        return _C.empty(1, 0)
    dtype = blocks[0].dtype
    for b in blocks[1:]:
        dtype = _C.promote_types(dtype, b.dtype)
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = _C.zeros(rows, cols, dtype=dtype, device=blocks[0].device)
    r = c = 0
    pieces = []
    for b in blocks:
        pieces.append((r, c, b))
        r, c = r + b.shape[0], c + b.shape[1]
    # built with pads and cat, so that gradients flow to every block
    row_parts = [_C._pad(b.to(dtype), (c0, cols - c0 - b.shape[1]), "constant", 0) for _, c0, b in pieces]
    return _C.cat(row_parts, 0) if row_parts else out


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D tensor: columns x^(N-1), ..., x, 1 (reversed when
    `increasing`).

    Example::

        >>> ember.vander(ember.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    _check_tensor(x, "vander", "x")
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = _C.promote_types(x.dtype, _C.int64)
    if n == 0:
        return _C.empty(x.shape[0], 0, dtype=dtype, device=x.device)
    cols = [_C.ones_like(x, dtype=dtype)]
    if n > 1:
        xs = x.to(dtype).reshape(-1, 1).expand(x.shape[0], n - 1)
        cols.append(_C.cumprod(xs, 1))
    r = _C.cat([c.reshape(x.shape[0], -1) for c in cols], 1)
    return r if increasing else r.flip(1)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """`steps` values from base^start to base^end, evenly spaced in the exponent.

    Example::

        >>> ember.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    dt = dtype or _C.get_default_dtype()
    exps = _C.linspace(start, end, steps, dtype=_C.float64 if dt.is_floating_point else dt, device=device)
    r = _C.pow(base, exps.to(_C.float64)).to(dt) if dt.is_floating_point else _C.pow(base, exps).to(dt)
    if requires_grad:
        r.requires_grad_(True)
    return r if out is None else _C._write_out(out, r, "same", "logspace")


# ---- matrices ----


@takes_out("matrix_power")
def matrix_power(A, n):
    """A square matrix (or each of a batch) to the integer power n, by repeated squaring; n < 0
    inverts first, n = 0 gives the identity.

    Example::

        >>> ember.matrix_power(ember.tensor([[1, 1], [0, 1]]), 3)
        tensor([[1, 3],
                [0, 1]])
    """
    _check_tensor(A, "linalg.matrix_power", "A")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"linalg_matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.dim() > 1 else ''} by {A.shape[-1] if A.dim() else ''} matrices")
    if n == 0:
        eye = _C.eye(A.shape[-1], dtype=A.dtype, device=A.device)
        return eye.expand(A.shape).clone() + A * 0 if A.requires_grad else eye.expand(A.shape).clone()
    if n < 0:
        A = _C.inverse(A)
        n = -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else _C.matmul(result, base)
        n >>= 1
        if n:
            base = _C.matmul(base, base)
    return result if result is not A else A.clone()


@takes_out("matrix_exp")
def matrix_exp(A):
    """The matrix exponential of a square matrix (or each of a batch): scaling and squaring of a
    degree-18 Taylor polynomial, in the matrix's own precision.

    Example::

        >>> ember.matrix_exp(ember.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    _check_tensor(A, "linalg.matrix_exp", "A")
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: A must be batches of square matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.matrix_exp: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype}")
    n = A.shape[-1]
    if A.numel() == 0:
        return A.clone()
    # scale so that the 1-norm of each matrix is at most 1/2, then square back
    norm = float(_C.amax(A.detach().abs().sum(-2))) if A.device.type != "meta" else 1.0
    s = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0.5 and math.isfinite(norm) else 0
    X = A / (2.0**s)
    eye = _C.eye(n, dtype=A.dtype, device=A.device).expand(A.shape)
    term = eye
    result = eye
    for k in range(1, 19):
        term = _C.matmul(term, X) / k
        result = result + term
    for _ in range(s):
        result = _C.matmul(result, result)
    return result


def renorm(input, p, dim, maxnorm):
    """Each slice along `dim` (a sub-tensor input.select(dim, i)) scaled down to p-norm at most
    `maxnorm`; slices already within it are unchanged.

    Example::

        >>> ember.renorm(ember.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    _check_tensor(input, "renorm")
    if not input.is_floating_point():
        raise RuntimeError(f"renorm: Expected a floating point or complex tensor as input. Got {input.dtype}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    d = dim % input.dim()
    others = tuple(i for i in range(input.dim()) if i != d)
    norms = _C._linalg_vector_norm(input, p, others, True)
    factor = _C.where(norms > maxnorm, maxnorm / (norms + 1e-7), _C.ones((), dtype=input.dtype))
    return input * factor


def _no_grad():
    from .autograd.grad_mode import no_grad

    return no_grad()


# ---- elementwise compositions ----


@takes_out("mvlgamma", "cast")
def mvlgamma(input, p):
    """The multivariate log-gamma function of dimension p: sum over i < p of lgamma(x - i / 2),
    plus p (p - 1) / 4 log(pi).

    Example::

        >>> ember.mvlgamma(ember.tensor([2.5, 3.0]), 3)
        tensor([1.8810, 2.6949])
    """
    _check_tensor(input, "mvlgamma")
    if isinstance(p, bool) or not isinstance(p, int):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input if input.is_floating_point() else input.to(_C.get_default_dtype())
    offsets = _C.arange(p, dtype=x.dtype, device=x.device) * -0.5
    terms = _C.lgamma(x.unsqueeze(-1) + offsets)
    return terms.sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


@takes_out("float_power", "cast")
def float_power(input, exponent):
    """input ** exponent computed in float64 (either may be a number).

    Example::

        >>> ember.float_power(ember.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=ember.float64)
    """
    if not isinstance(input, _C.Tensor) and not isinstance(exponent, _C.Tensor):
        raise TypeError("float_power(): expected a Tensor")
    base = input.to(_C.float64) if isinstance(input, _C.Tensor) else float(input)
    exp = exponent.to(_C.float64) if isinstance(exponent, _C.Tensor) else float(exponent)
    return _C.pow(base, exp)


@takes_out("ldexp", "cast")
def ldexp(input, other):
    """input * 2 ** other (float result).

    Example::

        >>> ember.ldexp(ember.tensor([1.0]), ember.tensor([3]))
        tensor([8.])
    """
    _check_tensor(input, "ldexp")
    _check_tensor(other, "ldexp", "other")
    return _C.mul(input, _C.pow(2.0, other))


def frexp(input, *, out=None):
    """The mantissa (in [0.5, 1) in magnitude) and exponent (int32) of each element: input =
    mantissa * 2 ** exponent; 0, inf and NaN give themselves and exponent 0.

    Example::

        >>> ember.frexp(ember.tensor([8.0, 0.75]))
        ember.return_types.frexp(mantissa=tensor([0.5000, 0.7500]), exponent=tensor([4, 0], dtype=ember.int32))
    """
    _check_tensor(input, "frexp")
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    with _no_grad():
        # in float64, where float32 and 16-bit subnormals are normal numbers
        x = input.to(_C.float64)
        finite = _C.isfinite(x) & (x != 0)
        a = _C.where(finite, x.abs(), _C.ones((), dtype=x.dtype))
        # log2 rounds near powers of two: correct the exponent by one where the mantissa misses [0.5, 1)
        e = _C.floor(_C.log2(a)) + 1
        m = a * _C.pow(2.0, -e)
        e = _C.where(m >= 1, e + 1, _C.where(m < 0.5, e - 1, e))
        m = _C.copysign(a * _C.pow(2.0, -e), x)
        m = _C.where(finite, m, x)
        e = _C.where(finite, e, _C.zeros((), dtype=x.dtype))
    r = _rt.frexp(m.to(input.dtype), e.to(_C.int32))
    return r if out is None else _C._write_out(out, r, "same", "frexp")


def positive(input):
    """Returns `input` itself (the unary plus); bool tensors raise, as in torch.

    Example::

        >>> x = ember.tensor([1, -2])
        >>> ember.positive(x) is x
        True
    """
    _check_tensor(input, "positive")
    if input.dtype == _C.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def rsub(input, other, *, alpha=1):
    """other - alpha * input (sub with the operands swapped; `other` may be a number).

    Example::

        >>> ember.rsub(ember.tensor([1.0, 2.0]), 5)
        tensor([4., 3.])
    """
    _check_tensor(input, "rsub")
    if isinstance(other, _C.Tensor):
        return _C.sub(other, input, alpha=alpha)
    if input.dtype == _C.bool or isinstance(other, bool):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha == 1:
        return input.__rsub__(other)
    if isinstance(alpha, float) and not input.is_floating_point() and not isinstance(other, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return _C.mul(input, alpha).__rsub__(other)
