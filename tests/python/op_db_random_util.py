"""Op-table rows: comparison and distance utilities (isclose, allclose, equal, searchsorted,
bucketize, cdist, nn.functional cosine_similarity / pairwise_distance / normalize / pdist).

The random sampling ops (bernoulli, multinomial, poisson, dropout, ...) cannot be compared with
torch value for value: they are in test_ops.NOT_OPS and tests/python/test_random.py checks their
distributions, reproducibility, errors and gradients.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
"""

from __future__ import annotations

import numpy as np

from op_db import ALL, NUMERIC, ErrorInput, OpInfo, SampleInput, TArg, fn

FLOAT_PAIR = ("float32", "float64")
F_FLOATS = ("float32", "float64", "float16", "bfloat16")


def _F(name):
    def call(lib, *args, **kwargs):
        return getattr(lib.nn.functional, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _bool_result(name, as_method=False):
    """allclose / equal return a Python bool: wrapped in a 0-d tensor for the comparison."""

    def call(lib, a, *args, **kwargs):
        r = getattr(a, name)(*args, **kwargs) if as_method else getattr(lib, name)(a, *args, **kwargs)
        assert isinstance(r, bool)
        return lib.tensor(r)

    call.__name__ = name
    return call


# ---- isclose / allclose / equal ----


def _near(make, shape):
    """Two tensors with some equal, some close and some far elements."""
    a = make(shape)
    b = a.value.copy()
    flat = b.reshape(-1)
    if flat.size and make.dtype not in ("bool",):
        flat[::3] = flat[::3] + (1 if make.dtype in ("uint8", "int8", "int16", "int32", "int64") else 1e-6)
        flat[1::4] = flat[1::4] * 2 + 1 if make.dtype != "uint8" else flat[1::4]
    return a, TArg(b.astype(a.value.dtype), make.dtype)


def _isclose_samples(op, make):
    a, b = _near(make, (4, 5))
    yield SampleInput((a, b), {}, "defaults")
    yield SampleInput((a, b), {"rtol": 0.1, "atol": 0.5}, "loose")
    yield SampleInput((a, make((5,))), {}, "broadcast")
    yield SampleInput((make(()), make(())), {}, "0-d")
    yield SampleInput((make((0, 3)), make((0, 3))), {}, "empty")
    if make.dtype in F_FLOATS:
        nan = np.array([np.nan, np.inf, -np.inf, 1.0, np.nan], dtype=a.value.dtype)
        other = np.array([np.nan, np.inf, np.inf, np.nan, 2.0], dtype=a.value.dtype)
        yield SampleInput((TArg(nan, make.dtype), TArg(other, make.dtype)), {"equal_nan": True}, "nan/inf")
        yield SampleInput((TArg(nan, make.dtype), TArg(other, make.dtype)), {}, "nan/inf, equal_nan=False")


def _isclose_ref(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    if a.dtype == np.bool_:
        a, b = a.astype(np.float32), b.astype(np.float32)
    if a.dtype.kind in "iu":
        a, b = a.astype(np.float32), b.astype(np.float32)
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _isclose_errors(make):
    yield ErrorInput(SampleInput((make((3,)), make((3,), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), make((3,))), {"rtol": -1.0}), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), make((3,))), {"atol": -1.0}), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), make((2,)))), RuntimeError)


def _allclose_samples(op, make):
    a, b = _near(make, (4, 5))
    yield SampleInput((a, a), {}, "same")
    yield SampleInput((a, b), {}, "different")
    yield SampleInput((a, b), {"rtol": 1.0, "atol": 100.0}, "loose")
    yield SampleInput((make((2, 5)), make((5,))), {}, "broadcast")
    yield SampleInput((make((0,)), make((0,))), {}, "empty")


def _allclose_ref(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.asarray(bool(np.all(_isclose_ref(a, b, rtol, atol, equal_nan))))


def _equal_samples(op, make):
    a, b = _near(make, (3, 4))
    yield SampleInput((a, a), {}, "same")
    yield SampleInput((a, b), {}, "different")
    yield SampleInput((make((3, 4)), make((4,))), {}, "different shapes")
    yield SampleInput((make(()), make(())), {}, "0-d")
    yield SampleInput((make((0,)), make((0,))), {}, "empty")
    yield SampleInput((a, TArg(a.value.astype(np.float64), "float64")), {}, "other dtype")


def _equal_ref(a, b):
    return np.asarray(a.shape == b.shape and bool(np.all(a == b)))


# ---- searchsorted / bucketize ----


def _sorted(make, shape):
    v = make(shape).value
    return TArg(np.sort(v, axis=-1), make.dtype)


def _searchsorted_samples(op, make):
    s = _sorted(make, (7,))
    yield SampleInput((s, make((3, 4))), {}, "1-D sequence")
    yield SampleInput((s, make((3, 4))), {"right": True}, "right")
    yield SampleInput((s, make((5,))), {"side": "right"}, "side")
    yield SampleInput((s, make((5,))), {"out_int32": True}, "out_int32")
    yield SampleInput((s, TArg(s.value.copy(), make.dtype)), {}, "values equal to boundaries")
    yield SampleInput((s, TArg(s.value.copy(), make.dtype)), {"right": True}, "equal, right")
    yield SampleInput((_sorted(make, (2, 3, 6)), make((2, 3, 4))), {}, "batched")
    yield SampleInput((_sorted(make, (2, 6)), make((2, 4))), {"right": True}, "batched, right")
    yield SampleInput((s, make(())), {}, "0-d values")
    yield SampleInput((s, 3), {}, "scalar value")
    yield SampleInput((s, make((0,))), {}, "empty values")
    yield SampleInput((_sorted(make, (0,)), make((3,))), {}, "empty sequence")
    u = make((6,))
    order = np.argsort(u.value, kind="stable")
    yield SampleInput((u, make((4,))), {"sorter": TArg(order.astype(np.int64), "int64")}, "sorter")


def _searchsorted_ref(s, v, right=False, side=None, out_int32=False, sorter=None):
    if side is not None:
        right = side == "right"
    s = np.asarray(s)
    if sorter is not None:
        s = np.take_along_axis(s, np.asarray(sorter), -1)
    common = np.result_type(s.dtype, np.asarray(v).dtype)
    s, v = s.astype(common), np.asarray(v).astype(common)
    sd = "right" if right else "left"
    if s.ndim == 1:
        out = np.searchsorted(s, v, side=sd)
    else:
        out = np.empty(v.shape, dtype=np.int64)
        for idx in np.ndindex(*s.shape[:-1]):
            out[idx] = np.searchsorted(s[idx], v[idx], side=sd)
    return np.asarray(out).astype(np.int32 if out_int32 else np.int64)


def _searchsorted_errors(make):
    s = _sorted(make, (3,))
    yield ErrorInput(SampleInput((make(()), make((3,)))), RuntimeError)
    yield ErrorInput(SampleInput((_sorted(make, (2, 3)), make((3, 1)))), RuntimeError)
    yield ErrorInput(SampleInput((s, make((2,))), {"side": "mid"}), RuntimeError)
    yield ErrorInput(SampleInput((s, make((2,))), {"side": "left", "right": True}), RuntimeError)
    yield ErrorInput(SampleInput((s, make((2,))), {"sorter": TArg(np.array([0, 1], dtype=np.int64), "int64")}),
                     RuntimeError)
    yield ErrorInput(SampleInput((s, make((2,))), {"sorter": TArg(np.array([0, 1, 3], dtype=np.int64), "int64")}),
                     RuntimeError)
    yield ErrorInput(SampleInput((s, make((2,))), {"sorter": TArg(np.array([0.0, 1, 2], dtype=np.float32), "float32")}),
                     RuntimeError)


def _bucketize_samples(op, make):
    b = _sorted(make, (6,))
    yield SampleInput((make((3, 4)), b), {}, "2-D input")
    yield SampleInput((make((5,)), b), {"right": True}, "right")
    yield SampleInput((TArg(b.value.copy(), make.dtype), b), {"right": True, "out_int32": True}, "equal, int32")
    yield SampleInput((make(()), b), {}, "0-d")
    yield SampleInput((make((0, 2)), b), {}, "empty")


def _bucketize_ref(x, b, right=False, out_int32=False):
    return _searchsorted_ref(b, x, right=right, out_int32=out_int32)


# ---- distances ----


def _cdist_samples(op, make):
    yield SampleInput((make((4, 3)), make((5, 3))), {}, "p=2")
    for p in (0.0, 1.0, 0.5, 3.0, float("inf")):
        yield SampleInput((make((3, 2)), make((4, 2))), {"p": p}, f"p={p}")
    yield SampleInput((make((2, 3, 4)), make((5, 4))), {}, "batched x1")
    yield SampleInput((make((1, 2, 3, 2)), make((3, 1, 4, 2))), {"p": 1.0}, "broadcast batch")
    yield SampleInput((make((30, 3)), make((4, 3))), {}, "p=2 by matmul (more than 25 rows)")
    yield SampleInput((make((3, 3)), make((4, 3))), {"compute_mode": "use_mm_for_euclid_dist"}, "mm forced")
    yield SampleInput((make((30, 3)), make((4, 3))), {"compute_mode": "donot_use_mm_for_euclid_dist"}, "direct")
    yield SampleInput((make((0, 3)), make((4, 3))), {}, "empty rows")
    yield SampleInput((make((3, 0)), make((4, 0))), {}, "no columns")


def _cdist_ref(a, b, p=2.0, compute_mode=None):
    d = np.abs(a[..., :, None, :].astype(np.float64) - b[..., None, :, :].astype(np.float64))
    if p == 0:
        r = (d != 0).sum(-1).astype(np.float64)
    elif np.isinf(p):
        r = d.max(-1, initial=0.0)
    else:
        r = (d**p).sum(-1) ** (1.0 / p)
    return r.astype(a.dtype)


def _cdist_errors(make):
    yield ErrorInput(SampleInput((make((2,)), make((4, 2)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 2)), make((4, 3)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 2)), make((4, 2))), {"p": -1.0}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 2)), make((4, 2))), {"compute_mode": "foo"}), ValueError)
    yield ErrorInput(SampleInput((make((3, 2)), make((4, 2), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((make((5, 3, 2)), make((2, 4, 2)))), RuntimeError)


def _norm_np(x, p, axis, keepdims=False):
    a = np.abs(x.astype(np.float64))
    if p == 0:
        r = (a != 0).sum(axis, keepdims=keepdims).astype(np.float64)
    elif np.isinf(p):
        r = a.max(axis, keepdims=keepdims) if p > 0 else a.min(axis, keepdims=keepdims)
    else:
        r = (a**p).sum(axis, keepdims=keepdims) ** (1.0 / p)
    return r


def _cosine_samples(op, make):
    yield SampleInput((make((4, 5)), make((4, 5))), {}, "dim 1")
    yield SampleInput((make((4, 5)), make((4, 5))), {"dim": 0}, "dim 0")
    yield SampleInput((make((3, 4, 5)), make((4, 5))), {"dim": -1}, "broadcast")
    yield SampleInput((make((5,)), make((5,))), {"dim": 0}, "1-D")
    if make.dtype in FLOAT_PAIR:  # eps underflows to 0 in 16 bits (0/0 there, in torch too)
        yield SampleInput((make((2, 3)), TArg(np.zeros((2, 3), dtype=make((1,)).value.dtype), make.dtype)), {},
                          "special: zero vector (eps), a kink")


def _cosine_ref(a, b, dim=1, eps=1e-8):
    a, b = np.broadcast_arrays(a.astype(np.float64), b.astype(np.float64))
    na = np.maximum(_norm_np(a, 2, dim, True), eps)
    nb = np.maximum(_norm_np(b, 2, dim, True), eps)
    return ((a / na) * (b / nb)).sum(dim)


def _pairwise_samples(op, make):
    yield SampleInput((make((4, 5)), make((4, 5))), {}, "p=2")
    yield SampleInput((make((4, 5)), make((5,))), {"p": 1.0, "keepdim": True}, "broadcast, p=1, keepdim")
    yield SampleInput((make((4, 5)), make((4, 5))), {"p": 3.0, "eps": 0.0}, "p=3")
    yield SampleInput((make((2, 3, 5)), make((2, 3, 5))), {"p": float("inf")}, "p=inf")
    yield SampleInput((make((5,)), make((5,))), {}, "1-D")


def _pairwise_ref(a, b, p=2.0, eps=1e-6, keepdim=False):
    d = a.astype(np.float64) - b.astype(np.float64) + eps
    return _norm_np(d, p, -1, keepdim)


def _normalize_samples(op, make):
    yield SampleInput((make((4, 5)),), {}, "defaults")
    yield SampleInput((make((4, 5)),), {"p": 1.0, "dim": 0}, "p=1, dim 0")
    yield SampleInput((make((2, 3, 4)),), {"p": 3.0, "dim": -1}, "p=3")
    yield SampleInput((make((2, 3)),), {"p": float("inf")}, "p=inf")
    yield SampleInput((make((5,)),), {"dim": 0}, "1-D")
    yield SampleInput((make((0, 3)),), {}, "empty")


def _normalize_ref(x, p=2.0, dim=1, eps=1e-12):
    return x.astype(np.float64) / np.maximum(_norm_np(x, p, dim, True), eps)


def _pdist_samples(op, make):
    yield SampleInput((make((5, 3)),), {}, "p=2")
    yield SampleInput((make((4, 2)),), {"p": 1.0}, "p=1")
    yield SampleInput((make((4, 2)),), {"p": 3.0}, "p=3")
    yield SampleInput((make((1, 2)),), {}, "one row")


def _pdist_ref(x, p=2.0):
    d = _cdist_ref(x, x, p)
    i, j = np.triu_indices(x.shape[0], 1)
    return d[i, j]


DIST_TOL = {"float32": (1e-5, 1e-5), "float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)}


def _cast(ref):
    """A float64 reference returned in the input's dtype (torch keeps the floating dtype)."""

    def call(*args, **kwargs):
        first = next(a for a in args if isinstance(a, np.ndarray))
        return np.asarray(ref(*args, **kwargs)).astype(first.dtype)

    return call


RANDOM_UTIL = [
    OpInfo(name="isclose", op=fn("isclose"), ref=_isclose_ref, dtypes=ALL, sample_inputs=_isclose_samples,
           error_inputs=_isclose_errors),
    OpInfo(name="allclose", op=_bool_result("allclose"), ref=_allclose_ref, dtypes=ALL,
           sample_inputs=_allclose_samples, method=False),
    OpInfo(name="allclose", variant="method", op=_bool_result("allclose", True), ref=_allclose_ref, dtypes=ALL,
           sample_inputs=_allclose_samples, function=False),
    OpInfo(name="equal", op=_bool_result("equal"), ref=_equal_ref, dtypes=ALL, sample_inputs=_equal_samples,
           method=False),
    OpInfo(name="equal", variant="method", op=_bool_result("equal", True), ref=_equal_ref, dtypes=ALL,
           sample_inputs=_equal_samples, function=False),
    OpInfo(name="searchsorted", op=fn("searchsorted"), ref=_searchsorted_ref, dtypes=NUMERIC,
           sample_inputs=_searchsorted_samples, method=False, error_inputs=_searchsorted_errors),
    OpInfo(name="bucketize", op=fn("bucketize"), ref=_bucketize_ref, dtypes=NUMERIC,
           sample_inputs=_bucketize_samples, method=False,
           error_inputs=lambda make: [ErrorInput(SampleInput((make((3,)), make((2, 3)))), RuntimeError)]),
    OpInfo(name="cdist", op=fn("cdist"), ref=_cdist_ref, dtypes=FLOAT_PAIR, sample_inputs=_cdist_samples,
           method=False, differentiable=True, tol=DIST_TOL, error_inputs=_cdist_errors),
    OpInfo(name="nn.functional.cosine_similarity", op=_F("cosine_similarity"), ref=_cast(_cosine_ref),
           dtypes=F_FLOATS, sample_inputs=_cosine_samples, method=False, differentiable=True, tol=DIST_TOL,
           error_inputs=lambda make: [ErrorInput(SampleInput((make((3, 2)), make((2, 2)))), RuntimeError)]),
    OpInfo(name="nn.functional.pairwise_distance", op=_F("pairwise_distance"), ref=_cast(_pairwise_ref),
           dtypes=F_FLOATS, sample_inputs=_pairwise_samples, method=False, differentiable=True, tol=DIST_TOL,
           dtypes_complete=False),
    OpInfo(name="nn.functional.normalize", op=_F("normalize"), ref=_cast(_normalize_ref), dtypes=F_FLOATS,
           sample_inputs=_normalize_samples, method=False, differentiable=True, tol=DIST_TOL,
           error_inputs=lambda make: [ErrorInput(SampleInput((make((3,)),)), IndexError)]),
    OpInfo(name="nn.functional.pdist", op=_F("pdist"), ref=_cast(_pdist_ref), dtypes=FLOAT_PAIR,
           sample_inputs=_pdist_samples, method=False, differentiable=True, tol=DIST_TOL,
           error_inputs=lambda make: [
               ErrorInput(SampleInput((make((3, 2, 2)),)), RuntimeError),
               ErrorInput(SampleInput((make((3, 2)),), {"p": -1.0}), RuntimeError),
           ]),
]
