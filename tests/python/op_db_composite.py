"""Op-table rows of the functions composed in Python (ember/_composite_ops.py): diff, cov,
quantile, cartesian_prod, trapezoid, renorm, vander, matrix_power, float_power, ldexp, frexp, ...

Concatenated into op_db.OP_DB, so test_ops compares each with torch over its samples, dtypes and
layouts, test_autograd gradchecks the differentiable ones in float64, and test_meta runs them on
the meta device. torch is the reference (NumPy has few of these with torch's conventions). The
factories (logspace, tril_indices, triu_indices) take no tensor and are checked in
test_composite_ops.py.
"""

from __future__ import annotations

import numpy as np
from op_db import ALL, FLOATS, INTS, POSITIVE, Domain, OpInfo, SampleInput, TArg, fn

F = ("float32", "float64")
NUMERIC = FLOATS + INTS  # no bool
SMALL = Domain(-2.0, 2.0)


def _row(name, dtypes, samples, *, diff=True, method=True, variant="", **kw):
    return OpInfo(name=name, op=fn(name), ref=None, dtypes=dtypes, sample_inputs=samples, differentiable=diff,
                  method=method, variant=variant, **kw)


def _diff_samples(op, make):
    yield SampleInput((make((5, 6)),), {}, "default")
    yield SampleInput((make((5, 6)),), {"n": 2, "dim": 0}, "n=2 dim=0")
    yield SampleInput((make((4, 3)), 1, 1, make((4, 2)), make((4, 1))), {}, "prepend append")
    yield SampleInput((make((0, 3)),), {"dim": 0}, "empty")
    yield SampleInput((make((3,)),), {"n": 4}, "n past the length")


def _cov_samples(op, make):
    yield SampleInput((make((3, 5)),), {}, "default")
    yield SampleInput((make((5,)),), {"correction": 0}, "1-D correction=0")
    yield SampleInput((make((2, 4)),), {"fweights": TArg(np.array([1, 2, 3, 1]), "int64"),
                                        "aweights": TArg(np.array([0.5, 1.0, 2.0, 1.5]), "float64")},
                      "weights")


def _corrcoef_samples(op, make):
    yield SampleInput((make((3, 5)),), {}, "rows")
    yield SampleInput((make((6,)),), {}, "1-D")


def _quantile_samples(op, make):
    yield SampleInput((make((7,)), 0.3), {}, "all")
    yield SampleInput((make((4, 5)), 0.5), {"dim": 1, "keepdim": True}, "dim keepdim")
    yield SampleInput((make((4, 5)), 1.0), {"dim": 0}, "q=1")
    # a q tensor away from 0 and 1 (gradcheck perturbs it; only linear interpolation depends
    # smoothly on q, the other modes take q as a number)
    q = TArg(np.array([0.1, 0.25, 0.9], dtype=make.dtype if make.dtype in F else "float64"), make.dtype)
    yield SampleInput((make((3, 6)), q), {"dim": 0}, "q tensor")
    for interpolation in ("linear", "lower", "higher", "midpoint", "nearest"):
        yield SampleInput((make((3, 6)), 0.7), {"dim": 0, "interpolation": interpolation}, interpolation)


def _nanquantile_samples(op, make):
    yield from _quantile_samples(op, make)
    if make.dtype not in F:
        return
    v = make((3, 6)).value.copy()
    v[0, 1] = v[2, 3] = np.nan
    yield SampleInput((TArg(v, make.dtype), 0.4), {"dim": 1}, "with nan")


def _cartesian_samples(op, make):
    yield SampleInput((make((3,)), make((2,))), {}, "two")
    yield SampleInput((make((2,)), make((1,)), make((3,))), {}, "three")
    yield SampleInput((make((4,)),), {}, "one")


def _combinations_samples(op, make):
    yield SampleInput((make((4,)),), {}, "r=2")
    yield SampleInput((make((4,)),), {"r": 3}, "r=3")
    yield SampleInput((make((3,)),), {"r": 2, "with_replacement": True}, "with replacement")
    yield SampleInput((make((2,)),), {"r": 3}, "r past the length")


def _block_diag_samples(op, make):
    yield SampleInput((make((2, 3)), make((1, 1)), make((3,)), make(())), {}, "mixed ranks")
    yield SampleInput((make((0, 2)), make((2, 0))), {}, "empty blocks")


def _trapezoid_samples(op, make):
    yield SampleInput((make((5,)),), {}, "dx=1")
    yield SampleInput((make((3, 5)),), {"dx": 0.5, "dim": 0}, "dx dim")
    yield SampleInput((make((3, 5)), make((5,))), {}, "x")
    yield SampleInput((make((3, 4)), make((3, 4))), {"dim": 0}, "x of y's shape")
    if op.variant == "empty" or op.name == "cumulative_trapezoid":
        yield SampleInput((make((0,)),), {}, "empty")


def _renorm_samples(op, make):
    yield SampleInput((make((3, 4)), 2, 0, 1.0), {}, "p=2")
    yield SampleInput((make((2, 3, 4)), 1, 1, 0.5), {}, "p=1 dim=1")
    yield SampleInput((make((3, 4)), 3.5, 1, 100.0), {}, "within maxnorm")


def _vander_samples(op, make):
    yield SampleInput((make((4,)),), {}, "square")
    yield SampleInput((make((3,)),), {"N": 5, "increasing": True}, "N increasing")
    if op.variant == "empty":
        yield SampleInput((make((0,)),), {}, "empty")


def _matrix_power_samples(op, make):
    for n in (0, 1, 2, 5):
        yield SampleInput((make((3, 3)), n), {}, f"n={n}")
    yield SampleInput((make((2, 2, 2)), 3), {}, "batch")
    yield SampleInput((make((0, 0)), 2), {}, "empty")
    if make.dtype in F:  # inverses: a diagonally dominant matrix
        a = make((3, 3)).value + 6 * np.eye(3, dtype=make.dtype)
        yield SampleInput((TArg(np.asarray(a), make.dtype), -2), {}, "n=-2")


def _matrix_exp_samples(op, make):
    yield SampleInput((make((3, 3), domain=SMALL),), {}, "small")
    yield SampleInput((make((2, 4, 4), domain=Domain(-3.0, 3.0)),), {}, "batch, scaled")
    yield SampleInput((make((1, 1)),), {}, "1x1")


def _float_power_samples(op, make):
    yield SampleInput((make((3, 4), domain=POSITIVE), make((3, 4), domain=SMALL)), {}, "tensors")
    yield SampleInput((make((3, 4), domain=POSITIVE), 2.5), {}, "number exponent")
    yield SampleInput((make((2, 1), domain=POSITIVE), make((3,), domain=SMALL)), {}, "broadcast")


def _ldexp_samples(op, make):
    # torch's gradient for a negative integer exponent is 0 (it computes 2**e in integers; see
    # differential.KNOWN_DIFFERENCES): the table's integer exponents are non-negative
    e = TArg(np.array([[1], [0], [3]]), "int64")
    yield SampleInput((make((3, 4)), e), {}, "int exponents")
    yield SampleInput((make((4,)), make((4,), dtype="float64", domain=SMALL)), {}, "float exponents")


def _unary_samples(op, make):
    for shape in [(), (0,), (3, 4)]:
        yield SampleInput((make(shape),), {}, str(shape))


def _rsub_samples(op, make):
    yield SampleInput((make((3, 4)), make((3, 4))), {}, "tensors")
    yield SampleInput((make((3, 4)), make((4,))), {"alpha": 2}, "alpha broadcast")
    yield SampleInput((make((3,)), 2), {}, "number")


def _mvlgamma_samples(op, make):
    for p in (1, 3):
        yield SampleInput((make((3, 4), domain=Domain(1.5, 6.0)), p), {}, f"p={p}")


def _shapes_samples(*shapes):
    def samples(op, make):
        for shape in shapes:
            yield SampleInput((make(shape),), {}, str(shape))

    return samples


def _dist_samples(op, make):
    yield SampleInput((make((3, 4)), make((3, 4))), {}, "p=2")
    yield SampleInput((make((3, 4)), make((4,))), {"p": 1}, "broadcast p=1")
    yield SampleInput((make((2, 3)), make((2, 3))), {"p": np.inf}, "p=inf")
    yield SampleInput((make((5,)), make((5,))), {"p": 0}, "p=0")


def _narrow_copy_samples(op, make):
    yield SampleInput((make((4, 5)), 1, 1, 3), {}, "columns")
    yield SampleInput((make((4, 5)), 0, 2, 2), {}, "rows")
    yield SampleInput((make((3,)), 0, 3, 0), {}, "empty")


def _unfold_samples(op, make):
    yield SampleInput((make((7,)), 0, 3, 2), {}, "1-D")
    yield SampleInput((make((3, 5)), 1, 2, 1), {}, "2-D")
    yield SampleInput((make((4, 3)), -2, 4, 3), {}, "whole dim")
    yield SampleInput((make(()), 0, 1, 1), {}, "0-d")


def _sum_to_size_samples(op, make):
    yield SampleInput((make((2, 3, 4)), 3, 1), {}, "drop and keep")
    yield SampleInput((make((2, 3)), (1, 3)), {}, "tuple")
    yield SampleInput((make((2, 3)), 2, 3), {}, "same")


def _fill_diagonal_samples(op, make):
    yield SampleInput((make((3, 4)), 1), {}, "wide")
    yield SampleInput((make((7, 3)), 0), {"wrap": True}, "tall wrap")
    yield SampleInput((make((7, 3)), 1), {}, "tall")
    yield SampleInput((make((2, 2, 2)), 0), {}, "cube")


def _histogram_samples(op, make):
    yield SampleInput((make((20,)), 5), {"range": (-9.0, 9.0)}, "bins range")
    yield SampleInput((make((4, 5)), 4), {"range": (-3.0, 3.0), "density": True}, "density")
    edges = TArg(np.array([-9.0, -1.0, 0.5, 9.0], dtype=make.dtype if make.dtype in F else "float64"), make.dtype)
    yield SampleInput((make((12,)), edges), {}, "edges")
    yield SampleInput((make((6,)), 3), {"range": (-9.0, 9.0), "weight": make((6,))}, "weights")


def _pinverse_samples(op, make):
    yield SampleInput((make((3, 4)),), {}, "wide")
    yield SampleInput((make((2, 4, 3)),), {}, "batch")
    if op.variant == "rcond":
        # a tolerance that drops singular values: torch's derivative is not that of the truncation
        yield SampleInput((make((3, 3)),), {"rcond": 0.3}, "rcond")


def _qr_row(lib, a, some=True):
    q, r = lib.qr(a, some=some)
    k = min(a.shape[-2:])
    if k == 0:
        return q, r
    d = (r[..., :k, :k] * lib.eye(k, dtype=r.dtype)).sum(-1)
    c = d / d.abs()
    q = lib.cat([q[..., :k] * c.unsqueeze(-2), q[..., k:]], -1)
    r = lib.cat([r[..., :k, :] * c.unsqueeze(-1), r[..., k:, :]], -2)
    return q, r


def _svd_row(lib, a, some=True):
    u, s, v = lib.svd(a, some=some)
    k = s.shape[-1]
    if k == 0:
        return s
    sign = u[..., :1, :k] / u[..., :1, :k].abs()
    # U diag(S) V^T rebuilt, and S: both free of the vectors' signs
    return s, (u[..., :k] * sign) @ (s.unsqueeze(-1) * (v[..., :k] * sign).mT)


def _factor_samples(op, make):
    n = 3
    for batch, upper in [((), False), ((), True), ((2,), False)]:
        v = make(batch + (n, n)).value
        t = np.triu(v) if upper else np.tril(v)
        factor = TArg(np.asarray(t + 3 * n * np.eye(n, dtype=v.dtype)), make.dtype)
        if op.name == "cholesky_solve":
            yield SampleInput((make(batch + (n, 2)), factor, upper), {}, f"{batch} upper={upper}")
        else:
            yield SampleInput((factor, upper), {}, f"{batch} upper={upper}")


def _lu_solve_method_samples(op, make):
    # a packed LU with identity pivots (1, 2, 3): L's strict lower and U's upper triangle
    v = make((3, 3)).value
    lu = TArg(np.asarray(v + 9 * np.eye(3, dtype=v.dtype)), make.dtype)
    pivots = TArg(np.array([1, 2, 3], dtype=np.int32), "int32")
    yield SampleInput((make((3, 2)), lu, pivots), {}, "identity pivots")


COMPOSITE_ROWS = [
    _row("diff", ALL, _diff_samples),
    _row("cov", NUMERIC, _cov_samples, tol={"float32": (1e-5, 1e-5)}),
    _row("corrcoef", NUMERIC, _corrcoef_samples, tol={"float32": (1e-5, 1e-5)}),
    _row("quantile", F, _quantile_samples),
    _row("nanquantile", F, _nanquantile_samples),
    _row("cartesian_prod", ALL, _cartesian_samples, method=False),
    _row("combinations", ALL, _combinations_samples, method=False),
    _row("block_diag", ALL, _block_diag_samples, method=False),
    _row("trapezoid", NUMERIC, _trapezoid_samples, method=False),
    _row("trapz", NUMERIC, lambda op, make: [s for s in _trapezoid_samples(op, make) if "dx" not in s.kwargs],
         method=False),
    # torch's result for an empty input takes no part in autograd: those rows check values only
    _row("trapezoid", NUMERIC, _trapezoid_samples, method=False, variant="empty", diff=False),
    _row("vander", ALL, _vander_samples, method=False, variant="empty", diff=False),
    _row("cumulative_trapezoid", NUMERIC, _trapezoid_samples, method=False),
    _row("renorm", FLOATS, _renorm_samples, inplace=True),
    _row("vander", ALL, _vander_samples, method=False),
    _row("matrix_power", ALL, _matrix_power_samples, tol={"float32": (1e-5, 1e-5)}),
    # torch's float16/bfloat16 matrix_exp gives inf and nan even for 0.1 * I: 32/64-bit only here
    _row("matrix_exp", F, _matrix_exp_samples, tol={"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-10)},
         dtypes_complete=False),
    _row("float_power", ALL, _float_power_samples),
    _row("ldexp", ALL, _ldexp_samples, inplace=True),
    _row("frexp", FLOATS, _unary_samples, diff=False),
    _row("positive", NUMERIC, _unary_samples),
    _row("rsub", NUMERIC, _rsub_samples, method=False),
    _row("mvlgamma", NUMERIC, _mvlgamma_samples, inplace=True),
    # linear algebra under torch's older names
    OpInfo(name="qr", op=_qr_row, ref=None, dtypes=F, sample_inputs=_shapes_samples((4, 3), (3, 4), (2, 3, 3)),
           differentiable=True, method=False),
    OpInfo(name="svd", op=_svd_row, ref=None, dtypes=F, sample_inputs=_shapes_samples((4, 3), (3, 4), (2, 3, 3)),
           differentiable=True, method=False, tol={"float32": (1e-3, 1e-3)}),
    _row("pinverse", F, _pinverse_samples, tol={"float32": (1e-4, 1e-4)}),
    _row("pinverse", F, _pinverse_samples, tol={"float32": (1e-4, 1e-4)}, diff=False, variant="rcond"),
    _row("dist", FLOATS, _dist_samples),
    # the factor's unread triangle: gradients compared in op_db_linalg_lapack's rows
    _row("cholesky_solve", F, _factor_samples, diff=False, variant="direct"),
    _row("cholesky_inverse", F, _factor_samples, diff=False, variant="direct"),
    _row("lu_solve", F, _lu_solve_method_samples, diff=False, variant="method"),
    _row("histogram", FLOATS, _histogram_samples, diff=False),
    # views, copies and the real-dtype identities every tensor has
    _row("adjoint", ALL, _shapes_samples((3, 4), (2, 3, 4), ())),
    _row("conj", ALL, _shapes_samples((3, 4), ())),
    _row("conj_physical", ALL, _shapes_samples((3, 4), ())),
    _row("resolve_conj", ALL, _shapes_samples((3, 4), ())),
    _row("resolve_neg", ALL, _shapes_samples((3, 4), ())),
    _row("isreal", ALL, _shapes_samples((3, 4), (), (0,)), diff=False),
    _row("ravel", ALL, _shapes_samples((3, 4), (), (2, 0, 3))),
    _row("narrow_copy", ALL, _narrow_copy_samples),
    OpInfo(name="unfold", op=lambda lib, x, *a: x.unfold(*a), ref=None, dtypes=ALL, sample_inputs=_unfold_samples,
           differentiable=True, function=False),
    OpInfo(name="sum_to_size", op=lambda lib, x, *a: x.sum_to_size(*a), ref=None, dtypes=ALL,
           sample_inputs=_sum_to_size_samples, differentiable=True, function=False),
    OpInfo(name="fill_diagonal_", op=lambda lib, x, *a, **k: x.fill_diagonal_(*a, **k), ref=None, dtypes=ALL,
           sample_inputs=_fill_diagonal_samples, function=False),
]
