"""torch functions that are compositions of ember's native ops, with torch's signatures.

Each is a few native calls (their kernels, meta shapes and derivatives come from those ops), so
gradients, the meta device and threading work without code of their own. A function moves to a
fused native kernel when a benchmark asks for one.

Example::

    >>> ember.diff(ember.tensor([1, 4, 9, 16]))
    tensor([3, 5, 7])
"""

import functools
import inspect
import math
import numbers

from . import _C
from . import autograd as _autograd
from ._dtype_info import iinfo as _iinfo
from . import return_types as _rt
from ._out import takes_out

__all__ = [
    "diff", "cov", "corrcoef", "quantile", "nanquantile", "tril_indices", "triu_indices", "cartesian_prod",
    "combinations", "block_diag", "trapezoid", "trapz", "cumulative_trapezoid", "histogram", "renorm", "logspace",
    "vander", "matrix_power", "matrix_exp", "float_power", "ldexp", "frexp", "positive", "rsub", "mvlgamma",
    "lu", "lu_solve", "lu_unpack", "triangular_solve", "qr", "svd", "pinverse", "dist", "ravel", "narrow_copy",
    "adjoint", "is_nonzero", "is_same_size", "is_signed", "is_complex", "is_conj", "is_neg", "conj", "conj_physical",
    "resolve_conj", "resolve_neg", "real", "isreal",
]


# ---- torch's argument parsing for the functions written here ----

_INT64 = (-(2**63), 2**63 - 1)


def _kind_ok(value, kind):
    if kind.endswith("?") and value is None:
        return True
    kind = kind.rstrip("?")
    if kind == "int":
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, numbers.Number) and not isinstance(value, complex)
    if kind == "tensor":
        return isinstance(value, _C.Tensor)
    if kind == "tensor_or_number":
        return isinstance(value, (_C.Tensor, numbers.Number)) and not isinstance(value, complex)
    if kind == "str":
        return isinstance(value, str)
    raise AssertionError(kind)


_KIND_NAMES = {"int": "int", "bool": "bool", "number": "Number", "tensor": "Tensor",
               "tensor_or_number": "Tensor or Number", "str": "str"}


def _parsed(op, **kinds):
    """Checks the arguments named in `kinds` as torch's argument parser does (TypeError naming
    the function and the argument; ValueError for an int out of int64's range), and makes every
    error raised inside name the function: ``{op}: <the message of the native op that failed>``.

    Example::

        >>> @_parsed("twice", n="int")
        ... def twice(input, n=2):
        ...     return input * n
    """

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as e:
                raise TypeError(f"{op}(): {e}") from None
            for name, kind in kinds.items():
                if name not in bound.arguments:
                    continue
                value = bound.arguments[name]
                values = value if signature.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL else (value,)
                for v in values:
                    if not _kind_ok(v, kind):
                        raise TypeError(f"{op}(): argument '{name}' must be {_KIND_NAMES[kind.rstrip('?')]}, "
                                        f"not {type(v).__name__}")
                    if kind.rstrip("?") == "int" and v is not None and not _INT64[0] <= v <= _INT64[1]:
                        raise ValueError(f"{op}(): argument '{name}': Overflow when unpacking long long")
            try:
                return fn(*args, **kwargs)
            except (RuntimeError, ValueError, IndexError, TypeError, NotImplementedError) as e:
                message = str(e)
                if op.split(".")[-1] in message:
                    raise
                try:
                    named = type(e)(f"{op}: {message}")
                except Exception:  # noqa: BLE001 - an exception type that takes other arguments
                    raise e from None
                raise named.with_traceback(e.__traceback__) from None

        return checked

    return decorate


def _wrap_dim(dim, ndim, op):
    """dim as an index in [0, ndim) (0-d tensors take -1 and 0), or torch's IndexError."""
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not low <= dim <= high:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim % max(ndim, 1)


def _check_tensor(x, op, name="input"):
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")


# ---- differences and integrals ----


@takes_out("diff")
@_parsed("diff", input="tensor", n="int", dim="int", prepend="tensor?", append="tensor?")
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


def _check_not_bool(y, x, op):
    if y.dtype == _C.bool or (x is not None and x.dtype == _C.bool):
        names = "`y`" if x is None else "`x` or `y`"
        raise RuntimeError(f"{op}: received a bool input for {names}, but bool is not supported")


def _trapezoid_parts(y, x, dx, dim, op):
    """(left + right) * spacing along dim, in torch's order of operations (so integers wrap as
    torch's do): the sum of the trapezoids' doubled areas; with a constant spacing, None."""
    _check_tensor(y, op, "y")
    _check_not_bool(y, x, op)
    if y.dim() == 0:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
    n = y.shape[dim]
    pairs = y.narrow(dim, min(n, 1), max(n - 1, 0)) + y.narrow(dim, 0, max(n - 1, 0))
    if x is None:
        return pairs * ((1.0 if dx is None else dx) / 2)
    if dx is not None:
        raise RuntimeError(f"{op}: received both x and dx")
    if x.dim() == 1 and x.shape[0] != n:
        raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
    spacing = diff(x, dim=-1 if x.dim() == 1 else dim)
    if x.dim() == 1:
        shape = [1] * y.dim()
        shape[dim] = spacing.shape[0]
        spacing = spacing.reshape(shape)
    return pairs * spacing


@_parsed("trapezoid", y="tensor", x="tensor?", dx="number?", dim="int")
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule along `dim`: sample points `x` (a tensor) or a constant spacing `dx`
    (default 1).

    Example::

        >>> ember.trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
    """
    _check_tensor(y, "trapezoid", "y")
    if y.dim() and y.shape[dim] == 0:
        # no interval: zeros of y's dtype with the reduced shape and no graph, as torch
        shape = list(y.shape)
        del shape[dim]
        return _C.zeros(shape, dtype=y.dtype, device=y.device)
    if x is None:
        _trapezoid_parts(y, None, dx, dim, "trapezoid")  # the checks
        # a constant spacing: dx * (sum(y) - (y_first + y_last) / 2), as torch computes it
        ends = y.select(dim, 0) + y.select(dim, -1)
        return (_C.sum(y, dim) - ends * 0.5) * (1.0 if dx is None else dx)
    return _C.sum(_trapezoid_parts(y, x, dx, dim, "trapezoid"), dim) / 2


@_parsed("trapz", y="tensor", x="tensor?", dim="int")
def trapz(y, x=None, *, dx=None, dim=-1):
    """torch's older name of :func:`trapezoid` (same arguments).

    Example::

        >>> ember.trapz(ember.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


@_parsed("cumulative_trapezoid", y="tensor", x="tensor?", dx="number?", dim="int")
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal rule along `dim`: one fewer element than `y` there.

    Example::

        >>> ember.cumulative_trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor([1.5000, 4.0000])
    """
    parts = _trapezoid_parts(y, x, dx, dim, "cumulative_trapezoid")
    return _C.cumsum(parts, dim) if x is None else _C.cumsum(parts, dim) / 2


# ---- statistics ----


@_parsed("cov", input="tensor", correction="int", fweights="tensor?", aweights="tensor?")
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows of `input` (variables) over its columns (observations),
    optionally weighted by integer frequencies `fweights` and observation weights `aweights`.

    Example::

        >>> ember.cov(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    _check_tensor(input, "cov")
    if input.dtype == _C.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    # the result takes the float dtype of input and aweights together, as torch
    dtype = x.dtype if aweights is None else _C.result_type(x, aweights)
    if not dtype.is_floating_point:
        dtype = _C.get_default_dtype()
    x = x.to(dtype)
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
    return c.reshape(()) if x.shape[0] == 1 else c  # one variable: its variance, 0-d (as torch)


@_parsed("corrcoef", input="tensor")
def corrcoef(input):
    """The Pearson correlation coefficients of the rows of `input` (clamped to [-1, 1]).

    Example::

        >>> ember.corrcoef(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    _check_tensor(input, "corrcoef")
    if input.dtype == _C.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
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
    if input.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if qt.device.type != "meta" and qt.numel() and not bool(_C.all((qt >= 0) & (qt <= 1))):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if dim is None:
        x = input.reshape(-1)
        d = 0
    else:
        d = _wrap_dim(dim, input.dim(), op)
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
@_parsed("quantile", input="tensor", q="tensor_or_number", dim="int?", keepdim="bool", interpolation="str")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of `input` (flattened, or along `dim`), interpolating between the sorted
    values as `interpolation` says; a NaN in a slice makes its quantiles NaN.

    Example::

        >>> ember.quantile(ember.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
        tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


@takes_out("nanquantile")
@_parsed("nanquantile", input="tensor", q="tensor_or_number", dim="int?", keepdim="bool", interpolation="str")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile, ignoring NaNs (a slice of only NaNs gives NaN).

    Example::

        >>> ember.nanquantile(ember.tensor([1.0, float('nan'), 3.0]), 0.5)
        tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


@takes_out("histogram", outputs=2)
@_parsed("histogram", input="tensor", weight="tensor?", density="bool")
def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002 - torch's name
    """A histogram of `input`: `bins` equal-width bins over `range` (default: the data's min and
    max), or the bin edges given as a 1-D tensor. Returns (hist, bin_edges).

    Example::

        >>> ember.histogram(ember.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0)).hist
        tensor([0., 2., 1., 0.])
    """
    _check_tensor(input, "histogram")
    if not input.is_floating_point():
        if isinstance(bins, _C.Tensor):
            raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same dtype, but "
                               f"got input {input.dtype} and bins {bins.dtype}")
        if range is not None and input.dtype != _C.bool:
            info = _iinfo(input.dtype)
            for v in range:
                if not info.min <= v <= info.max:
                    raise RuntimeError(f"histogram: value cannot be converted to type {input.dtype} without overflow")
        kernel = "histogramdd" if range is None else "histogram_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype._torch_name}'")
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
    inputs = [t for t in (input, weight, bins) if isinstance(t, _C.Tensor)]
    if _C.is_grad_enabled() and any(t.requires_grad for t in inputs):
        # torch's outputs join the graph and have no derivative: backward raises
        hist, edges = _NoDerivative.apply("histogram", hist.detach(), edges.detach(), *inputs)
    return _rt.histogram(hist, edges)


class _NoDerivative(_autograd.Function):
    """Outputs that join the graph of `inputs` and raise in backward (torch has no derivative)."""

    @staticmethod
    def forward(ctx, op, hist, edges, *inputs):
        ctx.op = op
        return hist.clone(), edges.clone()

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{ctx.op}' is not implemented.")


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


@_parsed("tril_indices", row="int", col="int", offset="int")
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the lower triangle of a row x col matrix, a 2 x N tensor in
    row-major order; `offset` moves the diagonal up (> 0) or down.

    Example::

        >>> ember.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype or _C.int64, device, True, "tril_indices")


@_parsed("triu_indices", row="int", col="int", offset="int")
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the upper triangle of a row x col matrix (see tril_indices).

    Example::

        >>> ember.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    return _tri_indices(row, col, offset, dtype or _C.int64, device, False, "triu_indices")


@_parsed("cartesian_prod", tensors="tensor")
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


@_parsed("combinations", input="tensor", r="int", with_replacement="bool")
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
    # the result indexes input (so it joins the graph even when empty, as torch's)
    if r == 0:
        return input[_C.empty(0, dtype=_C.int64, device=input.device)]
    n = input.shape[0]
    if r > n and not with_replacement or n == 0:
        return input[_C.empty((0, r), dtype=_C.int64, device=input.device)]
    # the number of rows, from log-gamma (math.comb of a huge r would not finish)
    top = n + r - 1 if with_replacement else n
    log_rows = math.lgamma(top + 1) - math.lgamma(r + 1) - math.lgamma(top - r + 1)
    if log_rows + math.log(r) > math.log(2**31):
        raise RuntimeError(f"combinations: the combinations of {r} of {n} elements are too many to list")
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(range(n), r))
    if not rows:
        return input[_C.empty((0, r), dtype=_C.int64, device=input.device)]
    idx = _C.tensor(rows, dtype=_C.int64, device=input.device)
    return input[idx]


@_parsed("block_diag", tensors="tensor")
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


@_parsed("vander", x="tensor", N="int?", increasing="bool")
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
        xs = x.to(dtype).reshape(x.shape[0], 1).expand(x.shape[0], n - 1)
        cols.append(_C.cumprod(xs, 1))
    r = _C.cat([cols[0].reshape(x.shape[0], 1)] + cols[1:], 1)
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
@_parsed("linalg.matrix_power", A="tensor", n="int")
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
        eye = _C.eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(A.shape)
        # where() keeps A in the graph with a zero gradient (A * 0 would turn an inf into nan)
        return _C.where(_C.ones((), dtype=_C.bool), eye, A) if A.requires_grad else eye.clone()
    if n < 0:
        A = _C.inverse(A)
        n = -n
    if n == 3:  # torch's order for a cube: (A @ A) @ A
        return _C.matmul(_C.matmul(A, A), A)
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
@_parsed("linalg.matrix_exp", A="tensor")
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
    # float32 (and 16-bit) matrices are exponentiated in float64 (float32): the squarings amplify
    # rounding errors, and torch's float32 result is that accurate
    wider = {_C.float32: _C.float64, _C.float16: _C.float32, _C.bfloat16: _C.float32}.get(A.dtype)
    if wider is not None:
        return matrix_exp(A.to(wider)).to(A.dtype)
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


@takes_out("renorm")
@_parsed("renorm", input="tensor", p="number", dim="int", maxnorm="number")
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
    d = _wrap_dim(dim, input.dim(), "renorm")
    others = tuple(i for i in range(input.dim()) if i != d)
    norms = _C._linalg_vector_norm(input, p, others, True)
    factor = _C.where(norms > maxnorm, maxnorm / (norms + 1e-7), _C.ones((), dtype=input.dtype))
    return input * factor


def _no_grad():
    from .autograd.grad_mode import no_grad

    return no_grad()


# ---- elementwise compositions ----


@takes_out("mvlgamma", "cast")
@_parsed("mvlgamma", input="tensor", p="int")
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
    if input.dtype == _C.bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input if input.is_floating_point() else input.to(_C.get_default_dtype())
    offsets = _C.arange(p, dtype=x.dtype, device=x.device) * -0.5
    terms = _C.lgamma(x.unsqueeze(-1) + offsets)
    return terms.sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


@takes_out("float_power")  # torch requires an out= of the float64 result's dtype
@_parsed("float_power", input="tensor_or_number", exponent="tensor_or_number")
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
@_parsed("ldexp", input="tensor", other="tensor")
def ldexp(input, other):
    """input * 2 ** other (float result).

    Example::

        >>> ember.ldexp(ember.tensor([1.0]), ember.tensor([3]))
        tensor([8.])
    """
    _check_tensor(input, "ldexp")
    _check_tensor(other, "ldexp", "other")
    # the float dtype of input and other together (float16 with integer exponents stays float16)
    dtype = _C.result_type(input, other)
    if not dtype.is_floating_point:
        dtype = _C.get_default_dtype()
    return _C.mul(input.to(dtype), _C.pow(2.0, other.to(dtype)))


@_parsed("frexp", input="tensor")
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
    if input.requires_grad and _C.is_grad_enabled():
        # the mantissa is input * 2**-exponent: its gradient is grad * 2**-exponent, as torch's
        scale = _C.pow(2.0, -e).to(input.dtype)
        m = _C.where(finite, input * scale, input)
    r = _rt.frexp(m.to(input.dtype), e.to(_C.int32))
    return r if out is None else _C._write_out(out, r, "same", "frexp")


@_parsed("positive", input="tensor")
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


@_parsed("rsub", input="tensor", other="tensor_or_number", alpha="number")
def rsub(input, other, alpha=1):
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


# ---- torch's older linear-algebra names (torch.lu, torch.qr, ...) ----


@takes_out("lu_unpack")
@_parsed("lu_unpack", LU_data="tensor", LU_pivots="tensor", unpack_data="bool", unpack_pivots="bool")
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """``(P, L, U)`` with ``A = P @ L @ U`` from the packed LU factorization that
    :func:`ember.linalg.lu_factor` returns; without `unpack_data` L and U are empty, without
    `unpack_pivots` P is.

    Example::

        >>> P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]])))
        >>> P
        tensor([[0., 1.],
                [1., 0.]])
    """
    return _rt.lu_unpack(*_C._lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots))


@_parsed("lu", A="tensor", pivot="bool", get_infos="bool")
def lu(A, pivot=True, get_infos=False, out=None):
    """torch's older form of :func:`ember.linalg.lu_factor`: ``(LU, pivots)``, or
    ``(LU, pivots, infos)`` with `get_infos` (a singular matrix raises only without it).

    Example::

        >>> LU, pivots = ember.lu(ember.tensor([[1., 2.], [3., 4.]]))
        >>> pivots
        tensor([2, 2], dtype=ember.int32)
    """
    # torch.lu factors singular matrices too (only linalg.lu_factor raises for them)
    LU, pivots, info = _C._linalg_lu_factor_ex(A, pivot=pivot, check_errors=False, op="torch.lu")
    result = _rt._lu_with_info(LU, pivots, info) if get_infos else (LU, pivots)
    return result if out is None else _C._write_out(out, tuple(result), "same", "lu")


@takes_out("lu_solve")
@_parsed("lu_solve", b="tensor", LU_data="tensor", LU_pivots="tensor")
def lu_solve(b, LU_data, LU_pivots):
    """torch's older form of :func:`ember.linalg.lu_solve` (its arguments reversed): the solution
    of ``A X = b`` from A's LU factorization.

    Example::

        >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[2., 1.], [4., 3.]]))
        >>> ember.lu_solve(ember.tensor([[3.], [7.]]), LU, pivots)
        tensor([[1.0000],
                [1.0000]])
    """
    return _C._linalg_lu_solve(LU_data, LU_pivots, b)


@takes_out("triangular_solve")
@_parsed("triangular_solve", b="tensor", A="tensor", upper="bool", transpose="bool", unitriangular="bool")
def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """torch's older form of :func:`ember.linalg.solve_triangular`: ``(solution,
    cloned_coefficient)`` with ``op(A) X = b``, op(A) being ``A.mT`` when `transpose`, and
    `cloned_coefficient` a copy of A (broadcast to the batch).

    Example::

        >>> ember.triangular_solve(ember.tensor([[3.], [4.]]), ember.tensor([[2., 1.], [0., 4.]])).solution
        tensor([[1.],
                [1.]])
    """
    _check_tensor(b, "triangular_solve", "b")
    _check_tensor(A, "triangular_solve", "A")
    for t, name in ((b, "b"), (A, "A")):
        if t.dim() < 2:
            raise RuntimeError(f"torch.triangular_solve: The input tensor {name} must have at least 2 dimensions.")
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {b.dtype._torch_name} "
                           f"and A of type {A.dtype._torch_name} instead.")
    op_A = A.mT if transpose else A
    X = _C._linalg_solve_triangular(op_A, b, upper=upper != transpose, unitriangular=unitriangular)
    batch = X.shape[:-2]
    coefficient = A.expand(batch + A.shape[-2:]).clone()
    if b.requires_grad and not coefficient.requires_grad and _C.is_grad_enabled():
        # torch's one node makes both outputs require grad: an empty sum (exactly 0) joins b's graph
        coefficient = coefficient + b.reshape(-1)[:0].sum().to(coefficient.dtype)
    return _rt.triangular_solve(X, coefficient)


@_parsed("qr", input="tensor", some="bool")
def qr(input, some=True, *, out=None):
    """torch's older form of :func:`ember.linalg.qr`: the reduced QR factorization, or the
    complete one when ``some=False``.

    Example::

        >>> Q, R = ember.qr(ember.tensor([[3., 0.], [4., 5.]]))
        >>> R.abs()
        tensor([[5., 4.],
                [0., 3.]])
    """
    from . import linalg

    return linalg.qr(input, mode="reduced" if some else "complete", out=out)


@_parsed("svd", input="tensor", some="bool", compute_uv="bool")
def svd(input, some=True, compute_uv=True, *, out=None):
    """torch's older form of :func:`ember.linalg.svd`: ``(U, S, V)`` with ``input = U diag(S) V^T``
    (V, not Vh), reduced when `some`; without `compute_uv`, U and V are zero matrices.

    Example::

        >>> ember.svd(ember.tensor([[3., 0.], [0., 4.]])).S
        tensor([4., 3.])
    """
    from . import linalg

    _check_tensor(input, "svd")
    if compute_uv:
        U, S, Vh = linalg.svd(input, full_matrices=not some)
        result = _rt.svd(U, S, Vh.mT)
    else:
        S = linalg.svdvals(input)
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        U = _C.zeros(batch + (m, m if not some else min(m, n)), dtype=input.dtype, device=input.device)
        V = _C.zeros(batch + (n, n if not some else min(m, n)), dtype=input.dtype, device=input.device)
        result = _rt.svd(U, S, V)
    return result if out is None else _rt.svd(*_C._write_out(out, tuple(result), "same", "svd"))


@_parsed("pinverse", input="tensor", rcond="number")
def pinverse(input, rcond=1e-15):
    """The pseudo-inverse, with singular values below ``rcond`` times the largest taken as zero
    (:func:`ember.linalg.pinv` with ``rtol=rcond``).

    Example::

        >>> ember.pinverse(ember.tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    from . import linalg

    return linalg.pinv(input, rtol=rcond)


@_parsed("dist", input="tensor", other="tensor", p="number")
def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast), as a 0-d tensor.

    Example::

        >>> ember.dist(ember.tensor([1., 2.]), ember.tensor([4., 6.]))
        tensor(5.)
    """
    _check_tensor(input, "dist")
    _check_tensor(other, "dist", "other")
    return _C._linalg_vector_norm(input - other, p, None, False)


# ---- views, copies and predicates torch has for every tensor ----


@_parsed("ravel", input="tensor")
def ravel(input):
    """The elements as a 1-D tensor (a view when the layout allows, else a copy).

    Example::

        >>> ember.ravel(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    _check_tensor(input, "ravel")
    return input.reshape(-1)


@takes_out("narrow_copy")
@_parsed("narrow_copy", input="tensor", dim="int", start="int", length="int")
def narrow_copy(input, dim, start, length):
    """A contiguous copy of ``input.narrow(dim, start, length)``.

    Example::

        >>> ember.narrow_copy(ember.arange(5), 0, 1, 2)
        tensor([1, 2])
    """
    _check_tensor(input, "narrow_copy")
    if not -max(input.dim(), 1) <= dim < max(input.dim(), 1):
        raise RuntimeError(f"narrow_copy: Expected dim < {input.dim()} (the input's dimensions), but got {dim}")
    view = input.narrow(dim, start, length)
    return view.clone() if view.is_contiguous() else view.contiguous()


@_parsed("adjoint", input="tensor")
def adjoint(input):
    """The conjugate transpose of the last two dims (``mT`` for real tensors): a view.

    Example::

        >>> ember.adjoint(ember.tensor([[1, 2], [3, 4]]))
        tensor([[1, 3],
                [2, 4]])
    """
    _check_tensor(input, "adjoint")
    if input.dim() == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return input.mT if input.dim() else input


def is_nonzero(input):
    """Whether a single-element tensor is nonzero; more or fewer elements raise.

    Example::

        >>> ember.is_nonzero(ember.tensor([0.5]))
        True
    """
    _check_tensor(input, "is_nonzero")
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other):
    """Whether two tensors have the same shape.

    Example::

        >>> ember.is_same_size(ember.zeros(2, 3), ember.ones(2, 3))
        True
    """
    _check_tensor(input, "is_same_size")
    _check_tensor(other, "is_same_size", "other")
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    """Whether the tensor's dtype is signed (every dtype but uint8 and bool here).

    Example::

        >>> ember.is_signed(ember.tensor([1], dtype=ember.uint8))
        False
    """
    _check_tensor(input, "is_signed")
    return input.dtype.is_signed


def is_complex(input):
    """Whether the tensor's dtype is complex: ember has no complex dtypes, so always False.

    Example::

        >>> ember.is_complex(ember.zeros(2))
        False
    """
    _check_tensor(input, "is_complex")
    return False


def is_conj(input):
    """Whether the tensor is a lazily conjugated view: never, for real tensors.

    Example::

        >>> ember.is_conj(ember.zeros(2))
        False
    """
    _check_tensor(input, "is_conj")
    return False


def is_neg(input):
    """Whether the tensor is a lazily negated view: never in ember.

    Example::

        >>> ember.is_neg(ember.zeros(2))
        False
    """
    _check_tensor(input, "is_neg")
    return False


def conj(input):
    """The complex conjugate: the tensor itself for real dtypes.

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> ember.conj(x) is x
        True
    """
    _check_tensor(input, "conj")
    return input


@takes_out("conj_physical")
def conj_physical(input):
    """The complex conjugate, materialized: the tensor itself for real dtypes, as torch.

    Example::

        >>> ember.conj_physical(ember.tensor([1., -2.]))
        tensor([ 1., -2.])
    """
    _check_tensor(input, "conj_physical")
    return input


def resolve_conj(input):
    """The tensor with a lazy conjugation applied: the tensor itself in ember.

    Example::

        >>> ember.resolve_conj(ember.tensor([1.]))
        tensor([1.])
    """
    _check_tensor(input, "resolve_conj")
    return input


def resolve_neg(input):
    """The tensor with a lazy negation applied: the tensor itself in ember.

    Example::

        >>> ember.resolve_neg(ember.tensor([1.]))
        tensor([1.])
    """
    _check_tensor(input, "resolve_neg")
    return input


def real(input):
    """The real part: the tensor itself for real dtypes.

    Example::

        >>> ember.real(ember.tensor([1., 2.]))
        tensor([1., 2.])
    """
    _check_tensor(input, "real")
    return input


def isreal(input):
    """Where the tensor's elements are real: everywhere, for real dtypes.

    Example::

        >>> ember.isreal(ember.tensor([1., float('nan')]))
        tensor([True, True])
    """
    _check_tensor(input, "isreal")
    return _C.ones(input.shape, dtype=_C.bool, device=input.device)
