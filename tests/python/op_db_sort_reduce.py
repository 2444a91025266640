"""Op-table rows: sorting and the remaining reductions (all/any, norm, median, mode, sort, topk, unique, bincount, histc, ...).

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.

Where torch leaves the index of tied elements unspecified (sort without stable=True, topk,
kthvalue, median, mode), a row returns (values, input gathered at the indices): the values must
match torch's and every index must point at an element equal to its value.
"""

from __future__ import annotations

import numpy as np
from op_db import (
    ALL,
    DT,
    FLOATS,
    INTS,
    NUMERIC,
    REDUCTION_TOL,
    Domain,
    ErrorInput,
    OpInfo,
    SampleInput,
    TArg,
    _axis,
    carrier_dtype,
    fn,
)

SHAPES = [(3, 4), (5,), (2, 3, 4), (), (0,), (2, 0, 3)]  # non-trivial first: test_unsupported_dtype uses 3
NO_BOOL = NUMERIC


def _dims(shape):
    return [0, -1] if len(shape) == 0 else list(range(len(shape))) + [-1]


def _nonempty_dim(shape, dim) -> bool:
    return len(shape) == 0 or shape[dim] != 0


def _ties(make, shape=(3, 6)) -> TArg:
    v = make.rng.integers(0, 3, size=shape)
    v = v > 0 if make.dtype == "bool" else v.astype(carrier_dtype(make.dtype))
    return TArg(np.asarray(v), make.dtype)


def _pointed(lib, x, values, indices, dim, keepdim):
    """x gathered at `indices` along dim, shaped like `values`."""
    if x.dim() == 0:
        return x.reshape(1).gather(0, indices.reshape(1)).reshape(())
    idx = indices if keepdim else indices.unsqueeze(dim)
    out = x.gather(dim, idx)
    return out if keepdim else out.squeeze(dim)


def _checked(name):
    """op(x, *args, dim=, keepdim=) -> (values, x at indices)."""

    def call(lib, x, *args, **kwargs):
        r = getattr(lib, name)(x, *args, **kwargs)
        dim, keepdim = kwargs.get("dim", -1), kwargs.get("keepdim", False)
        if x.dim() > 0:
            dim = dim % x.dim()
        return r[0], _pointed(lib, x, r[0], r[1], dim, keepdim)

    return call


# ---- sort / argsort / msort / topk ----


def sample_sort(op, make):
    for shape in SHAPES:
        x = make(shape)
        for dim in _dims(shape):
            for desc in (False, True):
                yield SampleInput((x,), {"dim": dim, "descending": desc}, f"{shape} dim={dim} desc={desc}")
    if make.dtype not in FLOATS or op.variant == "stable":
        for desc in (False, True):
            yield SampleInput((_ties(make),), {"dim": 1, "descending": desc}, f"ties desc={desc}")
            yield SampleInput((_ties(make, (300, 5)),), {"dim": 0, "descending": desc}, f"ties long dim 0 desc={desc}")
    if make.dtype in FLOATS:
        yield SampleInput((make.special(permute=True),), {"dim": 0}, "special values")
        yield SampleInput((make.special(permute=True),), {"dim": 0, "descending": True}, "special values desc")
    if make.dtype in ("float32", "int64", "float64"):
        yield SampleInput((make((2, 3000)),), {"dim": 1}, "large rows (radix)")
        yield SampleInput((make((64, 700)),), {"dim": 0, "descending": True}, "large columns")


def _sort_checked(lib, x, **kwargs):
    r = lib.sort(x, **kwargs)
    dim = kwargs.get("dim", -1) % max(x.dim(), 1)
    return r.values, _pointed(lib, x, r.values, r.indices, dim, True)


def _sort_stable(lib, x, **kwargs):
    return tuple(lib.sort(x, stable=True, **kwargs))


def _argsort_stable(lib, x, **kwargs):
    return lib.argsort(x, stable=True, **kwargs)


def _argsort_checked(lib, x, **kwargs):
    i = lib.argsort(x, **kwargs)
    dim = kwargs.get("dim", -1) % max(x.dim(), 1)
    return _pointed(lib, x, None, i, dim, True)


def _sort_ref(x, dim=-1, descending=False):
    if x.ndim == 0:
        return x.copy(), x.copy()
    s = np.sort(x, axis=dim, kind="stable")
    if descending:
        s = np.flip(s, axis=dim)
    return s, s


def sort_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)
    yield ErrorInput(SampleInput((make(()),), {"dim": 1}), IndexError)


def sample_topk(op, make):
    for shape in SHAPES:
        x = make(shape)
        for dim in _dims(shape):
            n = 1 if len(shape) == 0 else shape[dim]
            for k in sorted({0, 1, n // 2, n}):
                if k > n:
                    continue
                for largest in (True, False):
                    yield SampleInput((x, k), {"dim": dim, "largest": largest}, f"{shape} k={k} dim={dim} {largest}")
    yield SampleInput((make((3, 8)), 3), {"dim": 1, "sorted": False}, "unsorted")
    if make.dtype not in FLOATS:
        yield SampleInput((_ties(make), 4), {"dim": 1}, "ties")
    if make.dtype in FLOATS:
        # no -0.0 next to 0.0: which of the two torch picks is arbitrary
        sp = np.array([np.nan, np.inf, -np.inf, 0.0, 1.0, -1.0, 2.5, -2.5, 0.5])
        sp = TArg(make.rng.permutation(sp).astype(carrier_dtype(make.dtype)), make.dtype)
        yield SampleInput((sp, 4), {"dim": 0}, "special values")
        yield SampleInput((sp, 4), {"dim": 0, "largest": False}, "special values smallest")
    if make.dtype in ("float32", "int64", "float64"):
        yield SampleInput((make((2, 5000)), 7), {"dim": 1}, "large rows, small k (filter)")
        yield SampleInput((make((2, 5000)), 7), {"dim": 1, "largest": False}, "large rows, small k smallest")
        yield SampleInput((make((700, 4)), 300), {"dim": 0}, "large k")


def _topk_checked(lib, x, k, **kwargs):
    r = lib.topk(x, k, **kwargs)
    dim = kwargs.get("dim", -1) % max(x.dim(), 1)
    v, p = r.values, _pointed(lib, x, r.values, r.indices, dim, True)
    if not kwargs.get("sorted", True):  # the order is unspecified: compare sorted
        return v.sort(dim).values, p.sort(dim).values
    return v, p


def topk_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), 5), {"dim": 1}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), -1), {"dim": 1}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), 1), {"dim": 2}), IndexError)
    yield ErrorInput(SampleInput((make((3,), dtype="bool"), 1)), RuntimeError)


# ---- kthvalue / median / nanmedian / mode ----


def sample_select(op, make):
    """kthvalue/median/mode along one dim (nonempty), keepdim both ways."""
    for shape in SHAPES:
        x = make(shape)
        for dim in _dims(shape):
            if not _nonempty_dim(shape, dim):
                continue
            n = 1 if len(shape) == 0 else shape[dim]
            for keepdim in (False, True):
                args = (x, max(1, n // 2 + 1)) if op.name == "kthvalue" else (x,)
                yield SampleInput(args, {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")
    if make.dtype not in FLOATS:
        t = _ties(make, (4, 7))
        args = (t, 3) if op.name == "kthvalue" else (t,)
        yield SampleInput(args, {"dim": 1}, "ties dim=1")
        yield SampleInput(args, {"dim": 0, "keepdim": True}, "ties dim=0")
    if make.dtype in FLOATS and op.name != "mode":
        # (torch's index among several NaNs is arbitrary where the result is one of them)
        v = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan, 5.0, np.nan, np.nan], [4.0, 1.0, 0.5, -1.0]])
        t = TArg(v.astype(carrier_dtype(make.dtype)), make.dtype)
        args = (t, 1) if op.name == "kthvalue" else (t,)
        yield SampleInput(args, {"dim": 1}, "special NaN rows")
    if make.dtype in ("float32", "int64"):
        args = (make((3, 3001)), 1500) if op.name == "kthvalue" else (make((3, 3001)),)
        yield SampleInput(args, {"dim": 1}, "large rows")


def sample_median_all(op, make):
    for shape in [(5,), (3, 4), (4,), (), (1,), (2, 3, 4)]:
        yield SampleInput((make(shape),), {}, str(shape))
    if make.dtype in FLOATS:
        yield SampleInput((make((0,)),), {}, "empty")
        v = np.array([1.0, np.nan, 3.0, 2.0])
        yield SampleInput((TArg(v.astype(carrier_dtype(make.dtype)), make.dtype),), {}, "special NaN")
    else:
        yield SampleInput((_ties(make, (4, 5)),), {}, "ties")


def _median_ref(x):
    if x.size == 0 or np.any(np.isnan(x)):
        return np.array(np.nan)
    flat = np.sort(x.reshape(-1))
    return flat[(flat.size - 1) // 2]


def select_errors(make):
    yield ErrorInput(SampleInput((make((0, 3)),), {"dim": 0}), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)


def kthvalue_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), 5), {"dim": 1}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), 0), {"dim": 1}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), 1), {"dim": 2}), IndexError)


# ---- cummax / cummin / logcumsumexp ----


def sample_cum(op, make):
    for shape in SHAPES:
        x = make(shape)
        for dim in _dims(shape):
            yield SampleInput((x, dim), {}, f"{shape} dim={dim}")
    if make.dtype not in FLOATS and op.name != "logcumsumexp":
        yield SampleInput((_ties(make, (4, 9)), 1), {}, "ties dim=1")
        yield SampleInput((_ties(make, (9, 4)), 0), {}, "ties dim=0")
    if make.dtype in FLOATS:
        yield SampleInput((make.special(permute=True), 0), {}, "special values")
    if make.dtype in ("float32", "int64", "float64"):
        yield SampleInput((make((40, 1000)), 1), {}, "large dim=1")
        yield SampleInput((make((1000, 40)), 0), {}, "large dim=0")


def _logcumsumexp_ref(x, dim):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return x.copy()
    return np.logaddexp.accumulate(x, axis=dim)


def cum_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), 2)), IndexError)


# ---- unique / unique_consecutive / bincount / histc ----


def _runs(make, shape=(12,)):
    v = np.repeat(make.rng.integers(0, 3, size=shape[0] // 2 + 1), 2)[: shape[0]]
    v = v > 0 if make.dtype == "bool" else v.astype(carrier_dtype(make.dtype))
    return TArg(np.asarray(v), make.dtype)


def sample_unique(op, make):
    flags = [{}, {"return_inverse": True}, {"return_counts": True}, {"return_inverse": True, "return_counts": True}]
    for shape in [(), (0,), (7,), (3, 4), (2, 3, 4)]:
        x = make(shape)
        for f in flags:
            yield SampleInput((x,), dict(f), f"{shape} {f}")
    t = _ties(make, (4, 6))
    r = _runs(make)
    for f in flags:
        yield SampleInput((t,), dict(f), f"ties {f}")
        yield SampleInput((r,), dict(f), f"runs {f}")
    rows = TArg(np.asarray(t.value[[0, 1, 0, 2, 2, 3]]), make.dtype)
    for d in (0, 1, -1):
        yield SampleInput((rows,), {"dim": d, "return_inverse": True, "return_counts": True}, f"dim={d}")
    yield SampleInput((make((0, 3)),), {"dim": 0, "return_inverse": True}, "empty dim")
    if op.name == "unique":
        yield SampleInput((t,), {"sorted": False}, "sorted=False")


def unique_errors(make):
    yield ErrorInput(SampleInput((make((2, 0)),), {"dim": 0}), RuntimeError)
    yield ErrorInput(SampleInput((make(()),), {"dim": 0}), IndexError)
    yield ErrorInput(SampleInput((make((2, 3)),), {"dim": 2}), IndexError)


def sample_bincount(op, make):
    dom = Domain(0.0, 9.0)
    yield SampleInput((make((12,), domain=dom),), {}, "counts")
    yield SampleInput((make((12,), domain=dom),), {"minlength": 15}, "minlength")
    yield SampleInput((make((0,), domain=dom),), {"minlength": 3}, "empty")
    yield SampleInput((make((0,), domain=dom),), {}, "empty no minlength")
    for wdt in ("float32", "float64", "int64"):
        yield SampleInput((make((12,), domain=dom), make((12,), dtype=wdt)), {}, f"weights {wdt}")
    yield SampleInput((make((12,), domain=dom),), {"weights": make((12,), dtype="float16")}, "weights float16")


def bincount_errors(make):
    yield ErrorInput(SampleInput((TArg(np.array([-1, 2]), "int64"),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones((2, 2), dtype=np.int64), "int64"),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones(2, dtype=np.int64), "int64"),), {"minlength": -1}), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones(2, dtype=np.int64), "int64"), make((3,)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)),)), NotImplementedError)


def sample_histc(op, make):
    for shape in [(7,), (3, 4), (0,), (2, 3, 4), ()]:
        yield SampleInput((make(shape),), {}, f"{shape} data range")
        yield SampleInput((make(shape),), {"bins": 5, "min": 1, "max": 4}, f"{shape} bins=5 [1, 4]")
    yield SampleInput((make((50,)),), {"bins": 7, "min": -20, "max": 20}, "wide range")
    c = TArg(np.full((4,), 2.0).astype(carrier_dtype(make.dtype)), make.dtype)
    yield SampleInput((c,), {"bins": 4}, "constant data")


def histc_errors(make):
    yield ErrorInput(SampleInput((make((3,)),), {"bins": 0}), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)),), {"min": 3, "max": 1}), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.array([1.0, np.inf], dtype=np.float32), "float32"),)), RuntimeError)


# ---- all / any / count_nonzero / aminmax / norm / nansum / nanmean ----

REDUCE_DIMS = [
    ((), [None, 0, -1]),
    ((0,), [None, 0]),
    ((5,), [None, 0, -1]),
    ((3, 4), [None, 0, 1, (0, 1)]),
    ((2, 3, 4), [None, 1, (0, 2), (2, 1, 0)]),
    ((2, 0, 3), [None, 1, 2, (0, 2)]),
]


def sample_bool_reduce(op, make):
    for shape, dims in REDUCE_DIMS:
        x = make(shape)
        yield SampleInput((x,), {}, f"{shape} all")
        for dim in dims:
            for keepdim in (False, True):
                yield SampleInput((x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")
    z = TArg(np.zeros((3, 4), dtype=carrier_dtype(make.dtype)), make.dtype)
    yield SampleInput((z,), {"dim": 1}, "zeros")
    if make.dtype in FLOATS:
        yield SampleInput((make.special(),), {}, "special values")


def _bool_ref(f):
    def ref(x, dim=None, keepdim=False):
        r = f(x != 0, axis=_axis(x, dim), keepdims=keepdim)
        return np.asarray(r).astype(np.uint8) if x.dtype == np.uint8 else r

    return ref


def sample_count_nonzero(op, make):
    for shape, dims in REDUCE_DIMS:
        x = make(shape)
        yield SampleInput((x,), {}, f"{shape} all")
        for dim in dims:
            if dim is not None:
                yield SampleInput((x,), {"dim": dim}, f"{shape} dim={dim}")


def sample_aminmax(op, make):
    for shape, dims in REDUCE_DIMS:
        if 0 in shape:
            continue
        x = make(shape)
        yield SampleInput((x,), {}, f"{shape} all")
        yield SampleInput((x,), {"keepdim": True}, f"{shape} all keepdim")
        for dim in dims:
            if isinstance(dim, int):
                for keepdim in (False, True):
                    yield SampleInput((x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")
    yield SampleInput((make((2, 0, 3)),), {"dim": 2}, "empty, nonempty dim")


def _aminmax_ref(x, dim=None, keepdim=False):
    ax = None if x.ndim == 0 else dim
    return np.amin(x, axis=ax, keepdims=keepdim), np.amax(x, axis=ax, keepdims=keepdim)


def aminmax_errors(make):
    yield ErrorInput(SampleInput((make((0, 3)),)), RuntimeError)
    yield ErrorInput(SampleInput((make((0, 3)),), {"dim": 0}), IndexError)


NORM_ORDS = [2, "fro", 1, float("inf"), float("-inf"), 0, 3, 0.5]


def sample_norm(op, make):
    vector = op.variant == "vector_norm"
    ords = [o for o in NORM_ORDS if not (vector and isinstance(o, str))]
    for shape, dims in REDUCE_DIMS:
        x = make(shape)
        for p in ords:
            empty_bad = 0 in shape and (isinstance(p, float) and (p < 0 or p == float("inf")))
            if not empty_bad:
                yield SampleInput((x, p), {}, f"{shape} p={p}")
            for dim in dims:
                if dim is None or (isinstance(p, str) and isinstance(dim, tuple) and len(dim) > 2):
                    continue
                if 0 in shape and empty_bad:
                    red = (dim,) if isinstance(dim, int) else dim
                    if any(shape[d] == 0 for d in red):
                        continue
                for keepdim in (False, True):
                    yield SampleInput((x, p, dim, keepdim), {}, f"{shape} p={p} dim={dim} keepdim={keepdim}")
    if make.dtype == "float32":
        yield SampleInput((make((3, 4)), 2), {"dtype": DT("float64")}, "dtype=float64")
        yield SampleInput((make((70000,)), 2), {}, "large")
        yield SampleInput((make((300, 250)), 1, 0), {}, "large columns")


def _norm_ref(x, p=2, dim=None, keepdim=False, dtype=None):
    x = np.abs(np.asarray(x, dtype=np.float64))
    ax = _axis(x, dim)
    if p == "fro":
        p = 2
    if p == float("inf"):
        return np.amax(x, axis=ax, keepdims=keepdim)
    if p == float("-inf"):
        return np.amin(x, axis=ax, keepdims=keepdim)
    if p == 0:
        return np.sum(x != 0, axis=ax, keepdims=keepdim).astype(np.float64)
    return np.sum(x**p, axis=ax, keepdims=keepdim) ** (1.0 / p)


def norm_errors(make):
    yield ErrorInput(SampleInput((make((3,), dtype="int64"),)), RuntimeError)
    yield ErrorInput(SampleInput((make((0, 3)), float("inf"))), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), 2, 2)), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)), 2, (0, 0))), RuntimeError)


def _vector_norm(lib, x, *args, **kwargs):
    import ember

    f = ember._C._linalg_vector_norm if lib is ember else lib.linalg.vector_norm
    return f(x, *args, **kwargs)


def vector_norm_errors(make):
    yield from norm_errors(make)
    yield ErrorInput(SampleInput((make((3,)), 2), {"dtype": DT("int64")}), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), 2), {"dtype": DT("float16")}), RuntimeError)


def sample_nan_reduce(op, make):
    for shape, dims in REDUCE_DIMS:
        x = make(shape)
        yield SampleInput((x,), {}, f"{shape} all")
        for dim in dims:
            for keepdim in (False, True):
                yield SampleInput((x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")
    if make.dtype in FLOATS:
        v = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan], [2.0, -1.0, np.nan]])
        t = TArg(v.astype(carrier_dtype(make.dtype)), make.dtype)
        yield SampleInput((t,), {"dim": 1}, "special NaN rows")
        yield SampleInput((t,), {"dim": 0, "keepdim": True}, "special NaN cols")
        yield SampleInput((t,), {}, "special NaN all")
    yield SampleInput((make((3, 4)),), {"dtype": DT("float64")}, "dtype=float64")


def _nansum_ref(x, dim=None, keepdim=False, dtype=None):
    if x.dtype.kind in "biu":
        x = x.astype(np.int64)
    if dtype is not None:
        x = x.astype(np.float64)
    return np.nansum(x, axis=_axis(x, dim), keepdims=keepdim)


def _nanmean_ref(x, dim=None, keepdim=False, dtype=None):
    return np.nanmean(np.asarray(x, dtype=np.float64), axis=_axis(x, dim), keepdims=keepdim)


# ---- the rows ----

SORT_REDUCE = [
    OpInfo(
        name="sort",
        op=lambda lib, x, **k: _sort_checked(lib, x, **k),
        method=False,
        ref=_sort_ref,
        dtypes=ALL,
        sample_inputs=sample_sort,
        differentiable=True,
        error_inputs=sort_errors,
    ),
    OpInfo(
        name="sort",
        variant="stable",
        op=_sort_stable,
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_sort,
        differentiable=True,
    ),
    OpInfo(
        name="argsort",
        op=lambda lib, x, **k: _argsort_checked(lib, x, **k),
        method=False,
        ref=lambda x, dim=-1, descending=False: _sort_ref(x, dim, descending)[0],
        dtypes=ALL,
        sample_inputs=sample_sort,
        error_inputs=sort_errors,
    ),
    OpInfo(
        name="argsort",
        variant="stable",
        op=_argsort_stable,
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_sort,
    ),
    OpInfo(
        name="msort",
        op=fn("msort"),
        ref=lambda x: x.copy() if x.ndim == 0 else np.sort(x, axis=0),
        dtypes=ALL,
        sample_inputs=lambda op, make: [SampleInput((make(s),), {}, str(s)) for s in SHAPES],
        differentiable=True,
    ),
    OpInfo(
        name="topk",
        op=_topk_checked,
        method=False,
        ref=None,
        dtypes=NO_BOOL,
        sample_inputs=sample_topk,
        differentiable=True,
        error_inputs=topk_errors,
    ),
    OpInfo(
        name="kthvalue",
        op=_checked("kthvalue"),
        method=False,
        ref=None,
        dtypes=NO_BOOL,
        sample_inputs=sample_select,
        differentiable=True,
        error_inputs=kthvalue_errors,
    ),
    OpInfo(
        name="median",
        op=fn("median"),
        ref=_median_ref,
        dtypes=NO_BOOL,
        sample_inputs=sample_median_all,
        differentiable=True,
    ),
    OpInfo(
        name="median",
        variant="dim",
        op=_checked("median"),
        method=False,
        ref=None,
        dtypes=NO_BOOL,
        sample_inputs=sample_select,
        differentiable=True,
        error_inputs=select_errors,
    ),
    OpInfo(
        name="nanmedian",
        op=fn("nanmedian"),
        ref=None,
        dtypes=NO_BOOL,
        sample_inputs=sample_median_all,
        differentiable=True,
    ),
    OpInfo(
        name="nanmedian",
        variant="dim",
        op=_checked("nanmedian"),
        method=False,
        ref=None,
        dtypes=NO_BOOL,
        sample_inputs=sample_select,
        differentiable=True,
        error_inputs=select_errors,
    ),
    OpInfo(
        name="mode",
        op=_checked("mode"),
        method=False,
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_select,
        differentiable=True,
        error_inputs=select_errors,
    ),
    OpInfo(
        name="cummax",
        op=lambda lib, x, dim: tuple(lib.cummax(x, dim)),
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_cum,
        differentiable=True,
        error_inputs=cum_errors,
    ),
    OpInfo(
        name="cummin",
        op=lambda lib, x, dim: tuple(lib.cummin(x, dim)),
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_cum,
        differentiable=True,
        error_inputs=cum_errors,
    ),
    OpInfo(
        name="logcumsumexp",
        op=fn("logcumsumexp"),
        ref=_logcumsumexp_ref,
        dtypes=FLOATS,
        sample_inputs=sample_cum,
        differentiable=True,
        tol=REDUCTION_TOL,
        error_inputs=cum_errors,
    ),
    OpInfo(
        name="unique",
        op=fn("unique"),
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_unique,
        error_inputs=unique_errors,
    ),
    OpInfo(
        name="unique_consecutive",
        op=fn("unique_consecutive"),
        ref=None,
        dtypes=ALL,
        sample_inputs=sample_unique,
        error_inputs=unique_errors,
    ),
    OpInfo(
        name="bincount",
        op=fn("bincount"),
        ref=None,
        dtypes=INTS,
        sample_inputs=sample_bincount,
        domains=(Domain(0.0, 9.0),),
        error_inputs=bincount_errors,
    ),
    OpInfo(
        name="histc",
        op=fn("histc"),
        ref=None,
        dtypes=FLOATS,
        sample_inputs=sample_histc,
        error_inputs=histc_errors,
    ),
    OpInfo(
        name="all",
        op=fn("all"),
        ref=_bool_ref(np.all),
        dtypes=ALL,
        sample_inputs=sample_bool_reduce,
        error_inputs=lambda make: [ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)],
    ),
    OpInfo(
        name="any",
        op=fn("any"),
        ref=_bool_ref(np.any),
        dtypes=ALL,
        sample_inputs=sample_bool_reduce,
        error_inputs=lambda make: [ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)],
    ),
    OpInfo(
        name="count_nonzero",
        op=fn("count_nonzero"),
        ref=lambda x, dim=None: np.count_nonzero(x, axis=_axis(x, dim)),
        dtypes=ALL,
        sample_inputs=sample_count_nonzero,
        error_inputs=lambda make: [ErrorInput(SampleInput((make((3, 4)),), {"dim": (0, 0)}), RuntimeError)],
    ),
    OpInfo(
        name="aminmax",
        op=lambda lib, x, **k: tuple(lib.aminmax(x, **k)),
        ref=_aminmax_ref,
        dtypes=ALL,
        sample_inputs=sample_aminmax,
        differentiable=True,
        error_inputs=aminmax_errors,
    ),
    OpInfo(
        name="norm",
        op=fn("norm"),
        ref=_norm_ref,
        dtypes=FLOATS,
        sample_inputs=sample_norm,
        differentiable=True,
        tol=REDUCTION_TOL,
        error_inputs=norm_errors,
    ),
    OpInfo(
        name="norm",
        variant="vector_norm",
        op=_vector_norm,
        method=False,
        ref=_norm_ref,
        dtypes=FLOATS,
        sample_inputs=sample_norm,
        differentiable=True,
        tol=REDUCTION_TOL,
        error_inputs=vector_norm_errors,
    ),
    OpInfo(
        name="nansum",
        op=fn("nansum"),
        ref=_nansum_ref,
        dtypes=ALL,
        sample_inputs=sample_nan_reduce,
        differentiable=True,
        tol=REDUCTION_TOL,
    ),
    OpInfo(
        name="nanmean",
        op=fn("nanmean"),
        ref=_nanmean_ref,
        dtypes=FLOATS,
        sample_inputs=sample_nan_reduce,
        differentiable=True,
        tol=REDUCTION_TOL,
        error_inputs=lambda make: [ErrorInput(SampleInput((make((3,), dtype="int64"),)), RuntimeError)],
    ),
]


def sample_raw(op, make):
    """Distinct random floats: the indices are unique, so they must equal torch's."""
    for shape in [(), (5,), (3, 4), (2, 3, 4)]:
        x = make(shape)
        for dim in _dims(shape):
            n = 1 if len(shape) == 0 else shape[dim]
            if op.name == "topk":
                yield SampleInput((x, max(1, n // 2)), {"dim": dim}, f"{shape} dim={dim}")
            elif op.name == "kthvalue":
                yield SampleInput((x, n), {"dim": dim, "keepdim": True}, f"{shape} dim={dim}")
            else:
                yield SampleInput((x,), {"dim": dim}, f"{shape} dim={dim}")


# The Tensor methods and the raw (values, indices) results, on inputs without ties.
SORT_REDUCE += [
    OpInfo(
        name=name,
        variant="raw",
        op=fn(name),
        ref=None,
        dtypes=("float32", "float64"),
        dtypes_complete=False,
        sample_inputs=sample_raw,
    )
    for name in ("topk", "kthvalue", "median", "nanmedian", "mode")
]
