"""Op-table rows for softmax/log_softmax, logsumexp, var/std (+ _mean) and cumsum/cumprod.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
"""

from __future__ import annotations

import numpy as np
from op_db import (
    ALL,
    DT,
    Domain,
    FLOATS,
    INTEGRAL,
    REDUCE_CASES,
    REAL,
    REDUCTION_TOL,
    SMALL,
    ErrorInput,
    OpInfo,
    SampleInput,
    TArg,
    _axis,
    _np_dtype,
    carrier_dtype,
    fn,
)

# ---- sample generators ----

DIM_SHAPES = [(3, 4), (5,), (2, 3, 4), (), (0,), (2, 0, 3)]  # torch checks dtypes only on non-empty inputs


def _dims_of(shape):
    return [0, -1] if len(shape) == 0 else list(range(len(shape))) + [-1]


def sample_softmax(op, make):
    """softmax-like ops along one dim: every dim of a few shapes, dtype=, a large case."""
    for shape in DIM_SHAPES:
        x = make(shape)
        for dim in _dims_of(shape):
            yield SampleInput((x, dim), {}, f"{shape} dim={dim}")
    if make.dtype in FLOATS:
        yield SampleInput((make((3, 4)), 1), {"dtype": DT("float64")}, "dtype=float64")
        # large magnitudes: the max shift keeps exp finite
        big = TArg(np.array([[1000.0, 999.0, -1000.0], [-5.0, -6.0, 80.0]]).astype(
            carrier_dtype(make.dtype)), make.dtype)
        if make.dtype in ("float32", "float64"):
            yield SampleInput((big, 1), {}, "large values dim=1")
            yield SampleInput((big, 0), {}, "large values dim=0")
    if make.dtype == "float32":
        yield SampleInput((make((64, 700)), -1), {}, "large (64, 700) dim=-1")
        yield SampleInput((make((64, 700)), 0), {}, "large (64, 700) dim=0")


def sample_scan(op, make):
    for shape in DIM_SHAPES:
        x = make(shape)
        for dim in _dims_of(shape):
            yield SampleInput((x, dim), {}, f"{shape} dim={dim}")
    yield SampleInput((make((3, 4)), 1), {"dtype": DT("float64")}, "dtype=float64")
    if make.dtype in FLOATS:
        z = np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 0.5], [2.0, -0.5, 1.0, 0.0]])
        yield SampleInput((TArg(z.astype(carrier_dtype(make.dtype)), make.dtype), 1), {}, "zeros dim=1")
        yield SampleInput((TArg(z.astype(carrier_dtype(make.dtype)), make.dtype), 0), {}, "zeros dim=0")
    if make.dtype in ("float32", "int64"):
        # cumprod: factors in [-1, 1] keep long products finite (and integers from overflowing)
        dom = None
        if op.name == "cumprod":
            dom = Domain(-1.0, 1.0) if make.dtype == "int64" else Domain(0.9, 1.1)
        yield SampleInput((make((40, 1000), domain=dom), 1), {}, "large (40, 1000) dim=1")
        yield SampleInput((make((1000, 40), domain=dom), 0), {}, "large (1000, 40) dim=0")


def sample_logsumexp(op, make):
    for shape, dims in REDUCE_CASES:
        x = make(shape)
        for dim in dims:
            if dim is None or dim == []:
                continue  # required in torch (and dim=[] is broken there)
            for keepdim in (False, True):
                yield SampleInput((x, dim), {"keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")
    if make.dtype in ("float32", "float64"):
        big = TArg(np.array([[1000.0, 999.0], [-1000.0, -999.0]]).astype(carrier_dtype(make.dtype)),
                   make.dtype)
        yield SampleInput((big, 1), {}, "large values")


def _dof(shape, dim, correction):
    if dim is None or dim == [] or len(shape) == 0:
        n = int(np.prod(shape)) if shape else 1
    else:
        dims = dim if isinstance(dim, tuple) else (dim,)
        n = int(np.prod([shape[d] for d in dims]))
    return n - correction


def sample_var(op, make):
    """var/std(_mean): dims and keepdim, correction= and unbiased=. Samples whose degrees of
    freedom are <= 0 (NaN/inf results) are named 'special' so gradcheck skips them."""
    for shape, dims in REDUCE_CASES:
        x = make(shape)
        tag = " special" if _dof(shape, None, 1) <= 0 else ""
        yield SampleInput((x,), {}, f"{shape} all{tag}")
        for dim in dims:
            if dim == []:
                continue  # torch's var backward treats dim=[] as no reduction
            for keepdim in (False, True):
                tag = " special" if _dof(shape, dim, 1) <= 0 else ""
                yield SampleInput(
                    (x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}{tag}"
                )
    x = make((3, 4))
    yield SampleInput((x,), {"dim": 1, "correction": 0}, "correction=0")
    yield SampleInput((x,), {"dim": 0, "correction": 2}, "correction=2")
    yield SampleInput((x, 1, False), {}, "dim, unbiased=False positional")
    yield SampleInput((x, 1, True, True), {}, "dim, unbiased, keepdim positional")
    yield SampleInput((x, False), {}, "unbiased=False only")
    yield SampleInput((x,), {"unbiased": False}, "unbiased=False keyword")
    if make.dtype == "float32":
        yield SampleInput((make((70000,)),), {}, "large (70000,) all")
        yield SampleInput((make((40000, 3)),), {"dim": 0}, "large (40000, 3) dim=0")
        # rows longer than the kernel's 2048-element float blocks: blocks merged per row
        yield SampleInput((make((4, 5000)),), {"dim": 1}, "large (4, 5000) dim=1")


# ---- NumPy references ----


def _softmax_ref(x, dim, dtype=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return np.ones_like(x)
    m = np.max(x, axis=dim, keepdims=True) if x.size else 0
    e = np.exp(x - m)
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax_ref(x, dim, dtype=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return np.zeros_like(x)
    m = np.max(x, axis=dim, keepdims=True) if x.size else 0
    return x - m - np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True))


def _logsumexp_ref(x, dim, keepdim=False):
    x = np.asarray(x, dtype=np.float64)
    axis = _axis(x, dim)
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdim))
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdim:
        s = np.squeeze(s, axis=axis) if axis is not None else s.reshape(())
    return s


def _var_args(dim=None, unbiased=None, keepdim=False, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, keepdim, correction


def _var_mean_ref(x, *args, **kwargs):
    dim, keepdim, correction = _var_args(*args, **kwargs)
    x = np.asarray(x, dtype=np.float64)
    axis = _axis(x, dim)
    n = x.size if axis is None else int(np.prod([x.shape[a] for a in np.atleast_1d(axis)]))
    mu = np.mean(x, axis=axis, keepdims=True)
    ss = np.sum((x - mu) ** 2, axis=axis, keepdims=keepdim)
    v = ss / max(0.0, n - correction)
    if not keepdim:
        mu = mu.reshape(v.shape)
    return v, mu


def _var_ref(x, *a, **k):
    return _var_mean_ref(x, *a, **k)[0]


def _std_ref(x, *a, **k):
    return np.sqrt(_var_mean_ref(x, *a, **k)[0])


def _std_mean_ref(x, *a, **k):
    v, m = _var_mean_ref(x, *a, **k)
    return np.sqrt(v), m


def _scan_ref(f):
    def ref(x, dim, dtype=None):
        if dtype is not None:
            x = x.astype(_np_dtype(dtype))
        elif x.dtype.kind in "biu":
            x = x.astype(np.int64)
        if x.ndim == 0:
            return x.copy()
        return f(x, axis=dim)

    return ref


# ---- errors ----


def softmax_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), 2)), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)), -3)), IndexError)


def var_errors(make):
    yield ErrorInput(SampleInput((make((3, 4), dtype="int64"),)), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)),), {"dim": (0, 0)}), RuntimeError)


SOFTMAX_TOL = {
    "float32": (1e-5, 1e-6),
    "float16": (2e-3, 2e-3),
    "bfloat16": (2e-2, 2e-2),
}


def _softmax_row(name, ref):
    return [
        OpInfo(
            name=name,
            op=fn(name),
            ref=ref,
            dtypes=FLOATS,
            sample_inputs=sample_softmax,
            differentiable=True,
            tol=SOFTMAX_TOL,
            error_inputs=softmax_errors,
        ),
        OpInfo(
            name=name,
            variant="int_dtype",
            op=fn(name),
            ref=ref,
            dtypes=INTEGRAL,
            dtypes_complete=False,
            sample_inputs=lambda op, make: [
                SampleInput((make((3, 4)), 1), {"dtype": DT("float32")}),
                SampleInput((make((3, 4)), 0), {"dtype": DT("float64")}),
            ],
        ),
    ]


def _var_row(name, ref, method=True):
    return OpInfo(
        name=name,
        op=fn(name),
        ref=ref,
        dtypes=FLOATS,
        sample_inputs=sample_var,
        differentiable=True,
        method=method,
        tol=REDUCTION_TOL,
        error_inputs=var_errors,
    )


def _scan_row(name, f):
    return OpInfo(
        name=name,
        op=fn(name),
        ref=_scan_ref(f),
        dtypes=ALL,
        sample_inputs=sample_scan,
        differentiable=True,
        tol=REDUCTION_TOL,
        domains=(SMALL,) if name == "cumprod" else (REAL,),
        error_inputs=softmax_errors,
    )


REDUCTIONS2 = [
    *_softmax_row("softmax", _softmax_ref),
    *_softmax_row("log_softmax", _log_softmax_ref),
    OpInfo(
        name="logsumexp",
        op=fn("logsumexp"),
        ref=_logsumexp_ref,
        dtypes=ALL,
        sample_inputs=sample_logsumexp,
        differentiable=True,
        tol=REDUCTION_TOL,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3, 4)), (0, 0))), RuntimeError),
            ErrorInput(SampleInput((make((3, 4)), 2)), IndexError),
        ],
    ),
    _var_row("var", _var_ref),
    _var_row("std", _std_ref),
    _var_row("var_mean", _var_mean_ref, method=False),
    _var_row("std_mean", _std_mean_ref, method=False),
    _scan_row("cumsum", np.cumsum),
    _scan_row("cumprod", np.cumprod),
]


def _prod_ref(x, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        x = x.astype(_np_dtype(dtype))
    elif x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return np.prod(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim and x.ndim > 0)


def sample_prod(op, make):
    # TODO: empty reductions return ones without autograd history in ember; not sampled yet
    for shape in [(3, 4), (5,), ()]:
        x = make(shape)
        yield SampleInput((x,), {}, f"{shape} all")
        for dim in _dims_of(shape):
            for keepdim in (False, True):
                yield SampleInput((x, dim), {"keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}")


REDUCTIONS2.append(
    OpInfo(
        name="prod",
        op=fn("prod"),
        ref=_prod_ref,
        dtypes=ALL,
        sample_inputs=sample_prod,
        differentiable=True,
        tol=REDUCTION_TOL,
        domains=(SMALL,),
    )
)
