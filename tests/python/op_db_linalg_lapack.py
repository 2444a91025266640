"""Op-table rows of ember.linalg's LAPACK-backed ops (inv, det, solve, cholesky, qr, svd, eigh,
pinv, lstsq, norms, ...) and torch's top-level det / logdet / slogdet / inverse / cholesky.

ember.linalg functions have rows named "linalg" with the function as variant (ids "linalg.inv",
...). Inputs are well conditioned: diagonally dominant for inv/det/solve, symmetric positive
definite for cholesky/eigh. Ops reading one triangle of a symmetric input are called on
``(A + A.mT) / 2`` (the same values), so gradcheck's one-entry perturbations stay symmetric.
Eigenvectors, singular vectors and Q are defined up to sign: rows fix the sign of each vector
before comparing.
"""

from __future__ import annotations

import numpy as np

from op_db import ErrorInput, OpInfo, SampleInput, TArg

F = ("float32", "float64")
TOL = {"float32": (1e-4, 1e-4), "float64": (1e-7, 1e-7)}
SHAPES = [(3, 3), (2, 4, 4), (2, 1, 3, 3), (1, 1), (0, 0), (2, 0, 0)]


def _dominant(make, shape):
    """A random matrix (batch) plus n * 3 on the diagonal: far from singular."""
    a = make(shape)
    n = shape[-1]
    if a.dtype not in F:  # other dtypes only check that the op rejects them
        return a
    return TArg(np.asarray(a.value + 3.0 * n * np.eye(n, dtype=a.value.dtype)), a.dtype)


def _spd(make, shape):
    a = make(shape, domain=None)
    n = shape[-1]
    if a.dtype not in F:
        return a
    v = a.value / 9.0
    s = v @ np.swapaxes(v, -1, -2) + n * np.eye(n, dtype=v.dtype)
    return TArg(np.asarray(s.astype(v.dtype)), a.dtype)


def _sym(a):
    return (a + a.mT) * 0.5 if a.is_floating_point() else a  # other dtypes: the op must reject them


def _sgn(x):
    return x / x.abs()


def _square_samples(op, make):
    for s in SHAPES:
        yield SampleInput((_dominant(make, s),), {}, str(s))


def _spd_samples(op, make):
    for s in SHAPES:
        yield SampleInput((_spd(make, s),), dict(op.sample_kwargs.get("kwargs", {})), str(s))


def _square_errors(make):
    yield ErrorInput(SampleInput((make((2, 3)),)), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones((3, 3), dtype=np.int64), "int64"),)), RuntimeError)


def _singular_errors(make):
    yield from _square_errors(make)
    yield ErrorInput(SampleInput((TArg(np.zeros((3, 3), np.float32), "float32"),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.zeros((2, 3, 3), np.float32), "float32"),)), RuntimeError)


def _not_pd_errors(make):
    yield from _square_errors(make)
    yield ErrorInput(SampleInput((TArg(-np.eye(3, dtype=np.float32), "float32"),)), RuntimeError)


def _solve_samples(op, make):
    yield SampleInput((_dominant(make, (3, 3)), make((3, 2))), {}, "matrix B")
    yield SampleInput((_dominant(make, (3, 3)), make((3,))), {}, "vector B")
    yield SampleInput((_dominant(make, (2, 3, 3)), make((2, 3))), {}, "batch of vectors")
    yield SampleInput((_dominant(make, (2, 1, 3, 3)), make((4, 3, 2))), {}, "broadcast batch")
    yield SampleInput((_dominant(make, (3, 3)), make((2, 3, 1))), {}, "B batched only")
    yield SampleInput((_dominant(make, (3, 3)), make((2, 3))), {"left": False}, "left=False")
    yield SampleInput((_dominant(make, (0, 0)), make((0, 2))), {}, "empty")


def _solve_errors(make):
    a = make((3, 3))
    yield ErrorInput(SampleInput((TArg(np.zeros((3, 3), np.float32), "float32"), make((3,)))), RuntimeError)
    yield ErrorInput(SampleInput((a, make((4,)))), RuntimeError)
    yield ErrorInput(SampleInput((a, make((3, 1), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((make((2, 3)), make((2,)))), RuntimeError)


RECT = [(4, 3), (3, 4), (3, 3), (2, 5, 3), (2, 1, 3, 5), (0, 3), (3, 0)]


def _rect_samples(op, make):
    for s in RECT:
        for kw in op.sample_kwargs.get("kwargs", [{}]):
            yield SampleInput((make(s),), dict(kw), f"{s} {kw}")


def _qr(lib, a, mode="reduced"):
    q, r = lib.linalg.qr(a, mode=mode)
    if mode == "r" or min(r.shape[-2:]) == 0:
        return q, r
    k = min(r.shape[-2], r.shape[-1])
    d = (r[..., :k, :k] * lib.eye(k, dtype=r.dtype)).sum(-1)
    c = _sgn(d)  # R's diagonal made positive: Q and R then are unique
    if q.shape[-1] == k:
        q = q * c.unsqueeze(-2)
    else:  # complete with m > n: the extra columns are a basis of the complement
        q = lib.cat([q[..., :k] * c.unsqueeze(-2), q[..., k:]], -1)
    r = lib.cat([r[..., :k, :] * c.unsqueeze(-1), r[..., k:, :]], -2)
    return q, r


def _svd(lib, a, full_matrices=True):
    u, s, vh = lib.linalg.svd(a, full_matrices=full_matrices)
    if min(a.shape[-2:]) == 0:
        return u, s, vh
    return u * _sgn(u[..., :1, :]), s, vh * _sgn(vh[..., :, :1])


def _svd_full(lib, a):
    """Full U and Vh: the columns past min(m, n) are any basis of the complement, so those are
    checked through U^T U = I and Vh Vh^T = I."""
    u, s, vh = _svd(lib, a, full_matrices=True)
    k = s.shape[-1]
    return u[..., :k], s, vh[..., :k, :], u.mT @ u, vh @ vh.mT


def _eigh(lib, a, UPLO="L"):
    w, v = lib.linalg.eigh(_sym(a), UPLO=UPLO)
    if a.shape[-1] == 0:
        return w, v
    return w, v * _sgn(v[..., :1, :])


def _lstsq(lib, a, b, **kw):
    """solution, residuals, rank: singular_values is not differentiable (see lstsq_all)."""
    r = lib.linalg.lstsq(a, b, **kw)
    return r.solution, r.residuals, r.rank


def _lstsq_all(lib, a, b, **kw):
    return tuple(lib.linalg.lstsq(a, b, **kw))


def _lstsq_samples(op, make):
    for driver in (None, "gels", "gelsd", "gelss"):
        kw = {} if driver is None else {"driver": driver}
        yield SampleInput((make((5, 3)), make((5, 2))), kw, f"tall {driver}")
        yield SampleInput((make((2, 5, 3)), make((2, 5))), kw, f"batch of vectors {driver}")
        yield SampleInput((make((3, 5)), make((3, 2))), kw, f"wide {driver}")


def _pinv_samples(op, make):
    for s in [(4, 3), (3, 4), (2, 3, 3), (0, 3)]:
        yield SampleInput((make(s),), {}, str(s))
    yield SampleInput((_spd(make, (3, 3)),), {"hermitian": True}, "hermitian")


def _pinv_tol_samples(op, make):
    # tolerances that drop singular values: torch's pinv derivative differs from the derivative
    # of the truncated composition there, so these are forward-only
    yield SampleInput((make((3, 4)),), {"rtol": 0.3}, "rtol")
    yield SampleInput((make((3, 4)),), {"atol": 5.0}, "atol")
    yield SampleInput((make((2, 3, 4)),), {"atol": 1.0, "rtol": 0.2}, "atol and rtol")


def _rank_samples(op, make):
    yield SampleInput((make((4, 3)),), {}, "full rank")
    low = make((2, 4, 2)).value @ make((2, 2, 5)).value
    yield SampleInput((TArg(np.asarray(low), make.dtype),), {}, "rank 2")
    yield SampleInput((_spd(make, (3, 3)),), {"hermitian": True}, "hermitian")
    yield SampleInput((make((3, 4)),), {"atol": 3.0}, "atol")


def _norm_samples(op, make):
    yield SampleInput((make((3, 4)),), {}, "default")
    for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        yield SampleInput((make((2, 3, 4)),), {"ord": o}, f"ord={o}")
        yield SampleInput((make((3, 2, 4)),), {"ord": o, "dim": (0, 2), "keepdim": True}, f"ord={o} dims")


def _norm2_samples(op, make):
    yield SampleInput((make((3, 4)),), {}, "default")
    yield SampleInput((make((2, 3, 4)),), {"dim": 1}, "vector dim")
    yield SampleInput((make((5,)),), {"ord": 3.0}, "vector ord 3")
    for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        yield SampleInput((make((3, 4)),), {"ord": o}, f"ord={o}")
        yield SampleInput((make((3, 2, 4)),), {"ord": o, "dim": (0, 2), "keepdim": True}, f"ord={o} dims")


def _vnorm_samples(op, make):
    yield SampleInput((make((3, 4)),), {}, "all")
    yield SampleInput((make((3, 4)),), {"ord": 3.0, "dim": 1}, "ord 3")
    yield SampleInput((make((2, 3)),), {"ord": np.inf, "dim": (0, 1), "keepdim": True}, "inf")


def _tri_samples(op, make):
    for upper in (True, False):
        yield SampleInput((_dominant(make, (3, 3)), make((3, 2))), {"upper": upper}, f"upper={upper}")
        yield SampleInput((_dominant(make, (3, 3)), make((2, 3))), {"upper": upper, "left": False},
                          f"left=False upper={upper}")
    yield SampleInput((_dominant(make, (2, 1, 3, 3)), make((4, 3, 2))), {"upper": False}, "broadcast batch")
    yield SampleInput((_dominant(make, (3, 3)), make((3, 4))), {"upper": True, "unitriangular": True}, "unitriangular")
    yield SampleInput((_dominant(make, (2, 3, 3)), make((2, 2, 3))),
                      {"upper": False, "left": False, "unitriangular": True}, "left=False unitriangular")
    yield SampleInput((_dominant(make, (0, 0)), make((0, 2))), {"upper": True}, "empty")
    yield SampleInput((_dominant(make, (3, 3)), make((3, 0))), {"upper": True}, "no columns")


def _tri_errors(make):
    yield ErrorInput(SampleInput((make((3, 3)), make((3,))), {"upper": True}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), make((3, 2))), {"upper": True}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 3)), make((4, 2))), {"upper": True}), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 3)), make((3, 2))), {"upper": True, "left": False}), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones((3, 3), np.int64), "int64"), make((3, 2))), {"upper": True}),
                     NotImplementedError)


LU_SHAPES = [(3, 3), (2, 4, 4), (4, 3), (3, 5), (2, 1, 4, 2), (1, 1), (0, 0), (0, 3), (3, 0)]


def _lu_samples(op, make):
    for s in LU_SHAPES:
        yield SampleInput((make(s),), {}, str(s))


def _lu_errors(make):
    yield ErrorInput(SampleInput((make((3,)),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.ones((3, 3), np.int64), "int64"),)), NotImplementedError)
    yield ErrorInput(SampleInput((make((3, 3)),), {"pivot": False}), RuntimeError)


def _lu_factor_errors(make):
    yield from _lu_errors(make)
    yield ErrorInput(SampleInput((TArg(np.zeros((2, 3, 3), np.float32), "float32"),)), RuntimeError)


def _lu_solve_samples(op, make):
    yield SampleInput((_dominant(make, (3, 3)), make((3, 2))), {}, "matrix B")
    yield SampleInput((_dominant(make, (3, 3)), make((3, 2))), {"adjoint": True}, "adjoint")
    yield SampleInput((_dominant(make, (3, 3)), make((2, 3))), {"left": False}, "left=False")
    yield SampleInput((_dominant(make, (3, 3)), make((2, 3))), {"left": False, "adjoint": True}, "left=False adjoint")
    yield SampleInput((_dominant(make, (2, 3, 3)), make((4, 1, 3, 2))), {}, "broadcast batch")
    yield SampleInput((_dominant(make, (2, 3, 3)), make((2, 3, 1))), {}, "batch of columns")
    yield SampleInput((_dominant(make, (0, 0)), make((0, 2))), {}, "empty")


def _lu_solve(lib, a, b, **k):
    LU, pivots = lib.linalg.lu_factor(a)
    return lib.linalg.lu_solve(LU, pivots, b, **k)


def _chol_factor(lib, a, upper=False):
    """A well-conditioned triangular factor made from a: its triangle plus a large diagonal (the
    factor's other triangle is never read, so both libraries' gradients see only the triangle)."""
    n = a.shape[-1]
    t = a.triu() if upper else a.tril()
    return t + lib.eye(n, dtype=a.dtype) * (3 * n)


def _chol_solve_samples(op, make):
    yield SampleInput((make((3, 2)), make((3, 3))), {}, "lower")
    yield SampleInput((make((3, 2)), make((3, 3))), {"upper": True}, "upper")
    yield SampleInput((make((2, 1, 3, 2)), make((4, 3, 3))), {}, "broadcast batch")
    yield SampleInput((make((0, 2)), make((0, 0))), {}, "empty")


def _chol_solve_errors(make):
    yield ErrorInput(SampleInput((make((3,)), make((3, 3)))), RuntimeError)
    yield ErrorInput(SampleInput((make((2, 2)), make((3, 3)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 2), dtype="float64"), make((3, 3)))), RuntimeError)


def _chol_inverse_samples(op, make):
    for s in [(3, 3), (2, 4, 4), (1, 1), (0, 0)]:
        for upper in (False, True):
            yield SampleInput((make(s),), {"upper": upper}, f"{s} upper={upper}")


def _row(variant, op, ref=None, samples=_square_samples, diff=True, errors=None, **kw):
    return OpInfo(
        name="linalg", variant=variant, op=op, ref=ref, dtypes=F, sample_inputs=samples,
        differentiable=diff, method=False, tol=dict(TOL), error_inputs=errors, layouts=("contiguous", "transposed", "strided"),
        numpy_layouts=("contiguous", "transposed", "strided", "negative"), **kw,
    )


def _np_slogdet(a):
    s, l = np.linalg.slogdet(a)
    return np.asarray(s), np.asarray(l)


def _np_chol(a):
    return np.linalg.cholesky(a) if a.size else a.copy()


def _np_inv(a):
    return np.linalg.inv(a) if a.size else a.copy()


def _np_det(a):
    return np.linalg.det(a) if a.size else np.ones(a.shape[:-2])


LAPACK_ROWS = [
    _row("inv", lambda lib, a: lib.linalg.inv(a), _np_inv, errors=_singular_errors),
    _row("inv_ex", lambda lib, a: tuple(lib.linalg.inv_ex(a)), diff=False),
    _row("det", lambda lib, a: lib.linalg.det(a), _np_det, errors=_square_errors),
    _row("slogdet", lambda lib, a: tuple(lib.linalg.slogdet(a)),
         lambda a: _np_slogdet(a) if a.size else (np.ones(a.shape[:-2]), np.zeros(a.shape[:-2]))),
    _row("solve", lambda lib, a, b, **k: lib.linalg.solve(a, b, **k), samples=_solve_samples, errors=_solve_errors),
    _row("cholesky", lambda lib, a, **k: lib.linalg.cholesky(_sym(a), **k), samples=_spd_samples,
         errors=_not_pd_errors),
    _row("cholesky_upper", lambda lib, a: lib.linalg.cholesky(_sym(a), upper=True), samples=_spd_samples),
    _row("cholesky_ex", lambda lib, a: tuple(lib.linalg.cholesky_ex(_sym(a))), samples=_spd_samples, diff=False),
    _row("qr", lambda lib, a: _qr(lib, a), samples=_rect_samples),
    _row("qr_modes", lambda lib, a, **k: _qr(lib, a, **k), samples=_rect_samples, diff=False,
         sample_kwargs={"kwargs": [{"mode": "complete"}, {"mode": "r"}]}),
    _row("svd", lambda lib, a: _svd(lib, a, full_matrices=False), samples=_rect_samples),
    _row("svd_full", lambda lib, a: _svd_full(lib, a), samples=_rect_samples, diff=False),
    _row("svdvals", lambda lib, a: lib.linalg.svdvals(a), lambda a: np.linalg.svd(a, compute_uv=False),
         samples=_rect_samples),
    _row("eigh", lambda lib, a, **k: _eigh(lib, a, **k), samples=_spd_samples),
    _row("eigh_upper", lambda lib, a: _eigh(lib, a, UPLO="U"), samples=_spd_samples),
    _row("eigvalsh", lambda lib, a: lib.linalg.eigvalsh(_sym(a)), lambda a: np.linalg.eigvalsh(a),
         samples=_spd_samples),
    _row("pinv", lambda lib, a, **k: lib.linalg.pinv(_sym(a) if k.get("hermitian") else a, **k),
         samples=_pinv_samples),
    _row("pinv_tol", lambda lib, a, **k: lib.linalg.pinv(a, **k), samples=_pinv_tol_samples, diff=False),
    _row("matrix_rank", lambda lib, a, **k: lib.linalg.matrix_rank(a, **k), samples=_rank_samples, diff=False),
    _row("lstsq", lambda lib, a, b, **k: _lstsq(lib, a, b, **k), samples=_lstsq_samples),
    _row("lstsq_all", lambda lib, a, b, **k: _lstsq_all(lib, a, b, **k), samples=_lstsq_samples, diff=False),
    _row("matrix_norm", lambda lib, a, **k: lib.linalg.matrix_norm(a, **k), samples=_norm_samples,
         dtypes_complete=False),
    _row("norm", lambda lib, a, **k: lib.linalg.norm(a, **k), samples=_norm2_samples, dtypes_complete=False),
    _row("vector_norm", lambda lib, a, **k: lib.linalg.vector_norm(a, **k), samples=_vnorm_samples,
         dtypes_complete=False),
    _row("vecdot", lambda lib, a, b: lib.linalg.vecdot(a, b),
         samples=lambda op, make: [SampleInput((make((3, 4)), make((4,))), {}, "broadcast")], dtypes_complete=False),
    _row("matmul", lambda lib, a, b: lib.linalg.matmul(a, b),
         samples=lambda op, make: [SampleInput((make((2, 3, 4)), make((4, 2))), {}, "batched"),
                                   SampleInput((make((2, 3)), make((3, 2))), {}, "small")],
         dtypes_complete=False),
    _row("solve_triangular", lambda lib, a, b, **k: lib.linalg.solve_triangular(a, b, **k), samples=_tri_samples,
         errors=_tri_errors),
    _row("lu_factor", lambda lib, a, **k: tuple(lib.linalg.lu_factor(a, **k)), samples=_lu_samples,
         errors=_lu_factor_errors),
    _row("lu_factor_ex", lambda lib, a: tuple(lib.linalg.lu_factor_ex(a)), samples=_lu_samples, diff=False),
    # P is not differentiable (a permutation): the gradient rows take L and U
    _row("lu", lambda lib, a, **k: tuple(lib.linalg.lu(a, **k))[1:], samples=_lu_samples, errors=_lu_errors),
    _row("lu_all", lambda lib, a: tuple(lib.linalg.lu(a)), samples=_lu_samples, diff=False),
    _row("lu_solve", _lu_solve, samples=_lu_solve_samples),
    # torch's top-level aliases (functions and Tensor methods)
    OpInfo(name="cholesky_solve", op=lambda lib, b, a, upper=False: lib.cholesky_solve(b, _chol_factor(lib, a, upper),
                                                                                      upper),
           ref=None, dtypes=F, sample_inputs=_chol_solve_samples, differentiable=True, tol=dict(TOL),
           error_inputs=_chol_solve_errors, method=False),
    OpInfo(name="cholesky_inverse", op=lambda lib, a, upper=False: lib.cholesky_inverse(_chol_factor(lib, a, upper),
                                                                                      upper),
           ref=None, dtypes=F, sample_inputs=_chol_inverse_samples, differentiable=True, tol=dict(TOL), method=False),
    OpInfo(name="lu_unpack", op=lambda lib, a: tuple(lib.lu_unpack(*lib.linalg.lu_factor(a)))[1:], ref=None,
           dtypes=F, sample_inputs=_lu_samples, differentiable=True, tol=dict(TOL), method=False),
    OpInfo(name="lu_unpack", variant="all", op=lambda lib, a: tuple(lib.lu_unpack(*lib.linalg.lu_factor(a))),
           ref=None, dtypes=F, sample_inputs=_lu_samples, tol=dict(TOL), method=False),
    OpInfo(name="lu", op=lambda lib, a: tuple(lib.lu(a)), ref=None, dtypes=F, sample_inputs=_lu_samples,
           differentiable=True, tol=dict(TOL)),
    OpInfo(name="lu_solve", op=lambda lib, a, b: lib.lu_solve(b, *lib.linalg.lu_factor(a)), ref=None, dtypes=F,
           sample_inputs=lambda op, make: [s for s in _lu_solve_samples(op, make) if not s.kwargs],
           differentiable=True, tol=dict(TOL), method=False),
    OpInfo(name="triangular_solve", op=lambda lib, b, a, **k: tuple(lib.triangular_solve(b, a, **k)), ref=None,
           dtypes=F, differentiable=True, tol=dict(TOL),
           sample_inputs=lambda op, make: [
               SampleInput((make((3, 2)), _dominant(make, (3, 3))), {}, "upper"),
               SampleInput((make((3, 2)), _dominant(make, (2, 3, 3))), {"upper": False, "transpose": True},
                           "lower transposed"),
               SampleInput((make((2, 3, 2)), _dominant(make, (3, 3))), {"unitriangular": True}, "unit broadcast")]),
    OpInfo(name="det", op=lambda lib, a: lib.det(a), ref=_np_det, dtypes=F, sample_inputs=_square_samples,
           differentiable=True, tol=dict(TOL), error_inputs=_square_errors),
    OpInfo(name="logdet", op=lambda lib, a: lib.logdet(a), ref=None, dtypes=F, sample_inputs=_spd_samples,
           differentiable=True, tol=dict(TOL), error_inputs=_square_errors),
    OpInfo(name="slogdet", op=lambda lib, a: tuple(lib.slogdet(a)), ref=None, dtypes=F,
           sample_inputs=_square_samples, differentiable=True, tol=dict(TOL)),
    OpInfo(name="inverse", op=lambda lib, a: lib.inverse(a), ref=_np_inv, dtypes=F, sample_inputs=_square_samples,
           differentiable=True, tol=dict(TOL), error_inputs=_singular_errors),
    OpInfo(name="cholesky", op=lambda lib, a, **k: lib.cholesky(_sym(a), **k), ref=None, dtypes=F,
           sample_inputs=_spd_samples, differentiable=True, tol=dict(TOL)),
]
