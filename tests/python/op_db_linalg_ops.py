"""Op-table rows: mm/bmm/mv/dot family, addmm family, tensordot, einsum, kron, cross, trace and ember.linalg.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
The matrix-product rows are MATMUL_ROWS; ember.linalg rows are appended to LINALG_OPS below.
ember.linalg rows are named "linalg" with the function as variant (ember.linalg.cross calls the
kernel ember._C._linalg_cross until ember.linalg exposes it).
"""

from __future__ import annotations

import numpy as np

from op_db import ALL, FLOATS, NUMERIC, Domain, ErrorInput, OpInfo, SampleInput, fn

# GEMMs sum in a different order than torch's: looser float bounds, as for matmul
TOL = {"float32": (1e-5, 1e-4), "float16": (2e-3, 2e-3), "bfloat16": (2e-2, 5e-2)}


def _f(x):
    """A NumPy reference's operand: floats already come as float64, ints stay exact."""
    return np.asarray(x)


def _linalg(name):
    """ember.linalg.<name> once ember.linalg has it, else its kernel ember._C._linalg_<name>."""

    def call(lib, *args, **kwargs):
        mod = getattr(lib, "linalg", None)
        if mod is not None and hasattr(mod, name):
            return getattr(mod, name)(*args, **kwargs)
        return getattr(lib._C, f"_linalg_{name}")(*args, **kwargs)

    call.__name__ = name
    return call


def _F(name):
    def call(lib, *args, **kwargs):
        return getattr(lib.nn.functional, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _pairs(make, shapes):
    for sa, sb in shapes:
        yield SampleInput((make(sa, 0), make(sb, 1)), {}, f"{sa} with {sb}")


# Large samples (several threads, oneDNN's blocked paths) draw from [-1, 1], so float32 rounding
# over long sums stays inside the tolerance.
UNIT = Domain(-1.0, 1.0)


def _large(make, sa, sb):
    if make.dtype in ("float32", "int64"):
        yield SampleInput((make(sa, domain=UNIT), make(sb, domain=UNIT)), {}, f"large {sa} with {sb}")


def _err(*args, kind=RuntimeError, **kwargs):
    return ErrorInput(SampleInput(tuple(args), kwargs), kind)


# ---- mm, bmm, mv, dot, vdot, inner, outer ----


def _mm_samples(op, make):
    yield from _pairs(make, [((3, 4), (4, 5)), ((1, 1), (1, 1)), ((2, 2), (2, 3)), ((3, 0), (0, 5)), ((0, 4), (4, 5)), ((5, 3), (3, 0))])
    yield from _large(make, (70, 300), (300, 60))
    if make.dtype == "float32":  # big enough for the dnnl_sgemm path (M*N*K >= 2**24)
        yield SampleInput((make((260, 256), domain=UNIT), make((256, 270), domain=UNIT)), {}, "sgemm size")


def _mm_errors(make):
    yield _err(make((2, 3)), make((4, 2)))
    yield _err(make((2, 3, 1)), make((1, 2)))
    yield _err(make((3,)), make((3, 2)))
    yield _err(make((2, 3)), make((3, 2), dtype="float64"))


def _bmm_samples(op, make):
    yield from _pairs(make, [((2, 3, 4), (2, 4, 5)), ((1, 2, 2), (1, 2, 3)), ((3, 1, 2), (3, 2, 1)), ((0, 3, 4), (0, 4, 5)), ((2, 3, 0), (2, 0, 5)), ((1, 1, 1), (1, 1, 1))])
    yield from _large(make, (3, 40, 200), (3, 200, 50))


def _bmm_errors(make):
    yield _err(make((2, 2, 3)), make((3, 3, 2)))
    yield _err(make((2, 2, 3)), make((2, 4, 2)))
    yield _err(make((2, 3)), make((2, 4, 2)))
    yield _err(make((2, 2, 3)), make((2, 3, 2), dtype="float64"))


def _mv_samples(op, make):
    yield from _pairs(make, [((3, 4), (4,)), ((2, 3), (3,)), ((1, 1), (1,)), ((0, 4), (4,)), ((3, 0), (0,))])
    yield from _large(make, (300, 200), (200,))


def _mv_errors(make):
    yield _err(make((2, 3)), make((4,)))
    yield _err(make((2, 3)), make((3, 1)))
    yield _err(make((2, 3)), make((3,), dtype="float64"))


def _dot_samples(op, make):
    yield from _pairs(make, [((5,), (5,)), ((3,), (3,)), ((1,), (1,)), ((0,), (0,))])
    yield from _large(make, (40000,), (40000,))


def _dot_errors(make):
    yield _err(make((3,)), make((4,)))
    yield _err(make((3, 1)), make((3,)))
    yield _err(make((3,)), make((3,), dtype="float64"))


def _inner_samples(op, make):
    yield from _pairs(make, [((2, 3), (4, 3)), ((3,), (3,)), ((2, 3, 4), (4,)), ((), (2, 3)), ((0, 3), (2, 3)), ((2, 0), (3, 0))])


def _inner_errors(make):
    yield _err(make((2, 3)), make((4,)))
    yield _err(make((2, 3)), make((3,), dtype="float64"))


def _outer_samples(op, make):
    yield from _pairs(make, [((3,), (4,)), ((0,), (2,)), ((1,), (1,))])


def _outer_errors(make):
    yield _err(make((2, 2)), make((3,)))
    yield _err(make((2,)), make(()))


# ---- addmm family ----


def _scales(make):
    """beta/alpha keyword sets: floats for float dtypes, ints otherwise."""
    if make.dtype in FLOATS:
        return [{}, {"beta": 0.5, "alpha": 2.0}, {"beta": 0, "alpha": -1.5}]
    if make.dtype == "bool":
        return [{}, {"beta": False}]
    return [{}, {"beta": 2, "alpha": 3}, {"beta": 0}]


def _addmm_samples(op, make):
    for kw in _scales(make):
        for si in [(3, 5), (5,), (), (1, 5), (3, 1)]:
            yield SampleInput((make(si, 0), make((3, 4), 1), make((4, 5), 1)), dict(kw), f"input {si} {kw}")
    yield SampleInput((make((3, 5)), make((3, 0)), make((0, 5))), {}, "K = 0")
    yield SampleInput((make((0, 5)), make((0, 4)), make((4, 5))), {}, "M = 0")
    if make.dtype == "float32":
        u = dict(domain=UNIT)
        yield SampleInput((make((60,), **u), make((70, 200), **u), make((200, 60), **u)), {}, "large row bias")
        yield SampleInput((make((70, 60), **u), make((70, 200), **u), make((200, 60), **u)),
                          {"beta": 0.5, "alpha": 2.0}, "large")
        yield SampleInput((make((260, 270), **u), make((260, 256), **u), make((256, 270), **u)),
                          {"beta": 0.5, "alpha": 2.0}, "sgemm size")


def _addmm_ref(input, m1, m2, beta=1, alpha=1):
    prod = _f(m1) @ _f(m2)
    if beta == 0:
        return np.broadcast_to(alpha * prod, prod.shape).astype(prod.dtype)
    return (beta * _f(input) + alpha * prod).astype(prod.dtype)


def _addmm_errors(make):
    yield _err(make((3, 3)), make((2, 3)), make((3, 2)))
    yield _err(make((2,)), make((2, 3)), make((4, 2)))
    yield _err(make((2, 2)), make((2, 3)), make((3, 2), dtype="float64"))
    yield _err(make((2, 2), dtype="float64"), make((2, 3)), make((3, 2)))
    yield _err(make((2, 2)), make((2, 3, 1)), make((3, 2)))


def _baddbmm_samples(op, make):
    for kw in _scales(make):
        for si in [(2, 3, 5), (3, 5), (), (2, 1, 5)]:
            yield SampleInput((make(si, 0), make((2, 3, 4), 1), make((2, 4, 5), 1)), dict(kw), f"input {si} {kw}")
    yield SampleInput((make((0, 3, 5)), make((0, 3, 4)), make((0, 4, 5))), {}, "empty batch")
    yield SampleInput((make((2, 3, 5)), make((2, 3, 0)), make((2, 0, 5))), {}, "K = 0")


def _baddbmm_ref(input, b1, b2, beta=1, alpha=1):
    return _addmm_ref(input, b1, b2, beta, alpha)


def _baddbmm_errors(make):
    yield _err(make((2, 2, 2)), make((2, 2, 3)), make((3, 3, 2)))
    yield _err(make((2, 2, 2)), make((2, 2, 3)), make((2, 3, 2), dtype="float64"))
    yield _err(make((3, 2, 2)), make((2, 2, 3)), make((2, 3, 2)))


def _addbmm_samples(op, make):
    # torch's bfloat16 addbmm_ resizes a broadcast self to the result (its other dtypes raise, as
    # ember does): bfloat16 samples keep self at the result's shape
    inputs = [(3, 5)] if make.dtype == "bfloat16" else [(3, 5), (5,), ()]
    for kw in _scales(make):
        for si in inputs:
            yield SampleInput((make(si, 0), make((2, 3, 4), 1), make((2, 4, 5), 1)), dict(kw), f"input {si} {kw}")
    yield SampleInput((make((3, 5)), make((0, 3, 4)), make((0, 4, 5))), {}, "empty batch")


def _addbmm_ref(input, b1, b2, beta=1, alpha=1):
    dtype = _f(b1).dtype  # np.sum widens small ints: wrap back as torch does
    prod = np.sum(_f(b1) @ _f(b2), axis=0)
    if beta == 0:
        return (alpha * prod).astype(dtype)
    return (beta * _f(input) + alpha * prod).astype(dtype)


def _addbmm_errors(make):
    yield _err(make((2, 2)), make((2, 2, 3)), make((3, 3, 2)))
    yield _err(make((3, 3)), make((2, 2, 3)), make((2, 3, 2)))


def _addmv_samples(op, make):
    for kw in _scales(make):
        for si in [(3,), (), (1,)]:
            yield SampleInput((make(si, 0), make((3, 4), 1), make((4,), 1)), dict(kw), f"input {si} {kw}")
    yield SampleInput((make((3,)), make((3, 0)), make((0,))), {}, "K = 0")


def _addmv_errors(make):
    yield _err(make((2,)), make((2, 3)), make((4,)))
    yield _err(make((2,)), make((2, 3)), make((3, 1)))
    yield _err(make((2,)), make((2, 3)), make((3,), dtype="float64"))


def _addr_samples(op, make):
    for kw in _scales(make):
        for si in [(3, 4), (4,), ()]:
            yield SampleInput((make(si, 0), make((3,), 1), make((4,), 1)), dict(kw), f"input {si} {kw}")
    yield SampleInput((make((0, 4)), make((0,)), make((4,))), {}, "empty")


def _addr_ref(input, v1, v2, beta=1, alpha=1):
    prod = np.outer(_f(v1), _f(v2))
    if prod.dtype == np.bool_:
        out = np.logical_and(bool(alpha), prod)
        return out if not beta else np.logical_or(np.broadcast_to(_f(input), out.shape), out)
    if beta == 0:
        return (alpha * prod).astype(prod.dtype)
    return (beta * _f(input) + alpha * prod).astype(prod.dtype)


def _addr_errors(make):
    yield _err(make((3, 3)), make((2,)), make((3,)))
    yield _err(make((2, 3)), make((2, 1)), make((3,)))
    yield _err(make((2, 3), dtype="int64"), make((2,), dtype="int64"), make((3,), dtype="int64"), beta=0.5)


# ---- tensordot, einsum, kron, cross, trace, chain products ----


def _tensordot_samples(op, make):
    yield SampleInput((make((2, 3, 4), 0), make((3, 4, 5), 1)), {}, "dims=2 default")
    yield SampleInput((make((2, 3), 0), make((3, 2), 1)), {"dims": 1}, "dims=1")
    yield SampleInput((make((2,), 0), make((3,), 1)), {"dims": 0}, "dims=0: outer")
    yield SampleInput((make((3, 4, 2), 0), make((4, 5, 3), 1)), {"dims": ([1, 0], [0, 2])}, "lists")
    yield SampleInput((make((3, 4), 0), make((4, 3), 1)), {"dims": [[-1], [0]]}, "negative dim")
    yield SampleInput((make((0, 4), 0), make((4, 3), 1)), {"dims": 1}, "empty")
    yield SampleInput((make((), 0), make((), 1)), {"dims": 0}, "0-d")


def _tensordot_ref(a, b, dims=2):
    return np.tensordot(_f(a), _f(b), axes=dims)


def _tensordot_errors(make):
    yield _err(make((2, 3)), make((4, 2)), dims=1)
    yield _err(make((2, 3)), make((3, 2)), dims=([1], [0, 1]))
    yield _err(make((2, 3)), make((3, 2), dtype="float64"), dims=1)
    yield _err(make((2, 3)), make((3, 2)), dims=-1)
    yield _err(make((2, 3)), make((3, 2)), dims=3)
    yield _err(make((2, 3)), make((3, 3)), dims=([1, 1], [0, 0]))


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("iji->j", [(3, 2, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...ij,...jk", [(2, 3, 4), (4, 2)]),
    ("i...->...", [(3, 2, 2)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,j", [(3,), (4,)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ij,ij,ij->i", [(3, 4), (3, 4), (3, 4)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
    ("ij, jk -> ik", [(2, 3), (3, 2)]),
    ("ij,kl->ijkl", [(2, 1), (1, 3)]),
    ("ij,jk->ik", [(0, 3), (3, 2)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
    ("i,i,i", [(4,), (4,), (4,)]),
    ("ijk,jl,lk->il", [(2, 3, 4), (3, 5), (5, 4)]),
    ("ij,j->i", [(3, 1), (4,)]),
    ("", [()]),
    (",->", [(), ()]),
    ("...,...->...", [(2, 3), (3,)]),
]


def _einsum_samples(op, make):
    for eq, shapes in EINSUM_CASES:
        yield SampleInput((eq, *(make(s, i) for i, s in enumerate(shapes))), {}, eq)
    yield SampleInput(("ij,jk->ik", [make((2, 3), 0), make((3, 4), 1)]), {}, "operands as a list")
    if make.dtype == "float32":
        yield SampleInput(("bhqd,bhkd->bhqk", make((2, 3, 40, 16), domain=UNIT), make((2, 3, 50, 16), domain=UNIT)),
                          {}, "attention scores")


def _einsum_ref(eq, *ops):
    if len(ops) == 1 and isinstance(ops[0], list):
        ops = ops[0]
    return np.einsum(eq, *(_f(o) for o in ops))


def _einsum_errors(make):
    yield _err("ij,jk", make((2, 3)), make((4, 2)))
    yield _err("ij,jk", make((2, 3)))
    yield _err("ij", make((2, 3)), make((2, 3)))
    yield _err("ij,jk->l", make((2, 3)), make((3, 2)))
    yield _err("ij,jk->ii", make((2, 3)), make((3, 2)))
    yield _err("ijk", make((2, 3)))
    yield _err("ii", make((2, 3)))
    yield _err("i1", make((2,)))
    yield _err("i.", make((2,)))
    yield _err("i,i", make((2,)), make((2,), dtype="float64"))
    yield _err("...i,...i", make((2, 3)), make((4, 3)))


def _einsum_sublist_samples(op, make):
    a, b = make((3, 4), 0), make((4, 5), 1)
    yield SampleInput((a, [0, 1], b, [1, 2], [0, 2]), {}, "matmul")
    yield SampleInput((a, [0, 1], b, [1, 2]), {}, "implicit output")
    yield SampleInput((make((2, 3, 4)), [Ellipsis, 0], make((4,)), [0], [Ellipsis]), {}, "ellipsis")
    yield SampleInput((make((4, 4)), [30, 30]), {}, "trace")


def _kron_samples(op, make):
    yield from _pairs(make, [((2, 3), (3, 2)), ((2,), (2, 3)), ((), (3,)), ((2, 0), (2, 2)), ((2, 1, 2), (3, 2)), ((), ())])


def _cross_samples(op, make):
    yield SampleInput((make((3,), 0), make((3,), 1)), {}, "vectors")
    yield SampleInput((make((4, 3), 0), make((1, 3), 1)), {"dim": 1}, "broadcast")
    yield SampleInput((make((3, 2), 0), make((3, 2), 1)), {"dim": 0}, "dim 0")
    yield SampleInput((make((2, 3, 3), 0), make((2, 3, 3), 1)), {"dim": -1}, "last of two size-3 dims")
    yield SampleInput((make((0, 3), 0), make((0, 3), 1)), {"dim": 1}, "empty")
    if op.name == "cross":
        yield SampleInput((make((2, 3, 3), 0), make((2, 3, 3), 1)), {}, "dim=None: the first size-3 dim")


def _cross_ref(a, b, dim=None):
    a, b = _f(a), _f(b)
    if dim is None:
        dim = next(i for i, s in enumerate(a.shape) if s == 3)
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = np.broadcast_to(a, shape), np.broadcast_to(b, shape)

    def part(x, i):
        return np.take(x, [i], axis=dim)

    return np.concatenate(
        [part(a, 1) * part(b, 2) - part(a, 2) * part(b, 1),
         part(a, 2) * part(b, 0) - part(a, 0) * part(b, 2),
         part(a, 0) * part(b, 1) - part(a, 1) * part(b, 0)], axis=dim)


def _linalg_cross_samples(op, make):
    yield SampleInput((make((3,), 0), make((3,), 1)), {}, "vectors")
    yield SampleInput((make((4, 3), 0), make((1, 3), 1)), {}, "broadcast")
    yield SampleInput((make((3, 2), 0), make((3, 2), 1)), {"dim": 0}, "dim 0")


def _linalg_cross_ref(a, b, dim=-1):
    return _cross_ref(a, b, dim)


def _cross_errors(make):
    yield _err(make((2, 3)), make((2, 3), dtype="float64"))
    yield _err(make((2, 4)), make((2, 4)))
    yield _err(make((3, 1)), make((1, 3)))
    yield _err(make((2, 3)), make((2, 3)), dim=0)


def _trace_samples(op, make):
    for s in [(3, 4), (4, 3), (3, 3), (0, 3), (1, 1)]:
        yield SampleInput((make(s),), {}, str(s))


def _trace_errors(make):
    yield _err(make((2, 3, 1)))
    yield _err(make((3,)))


def _chain_samples(op, make):
    yield SampleInput((make((2, 3)), make((3, 4)), make((4, 5))), {}, "three")
    yield SampleInput((make((6, 2)), make((2, 5)), make((5, 1)), make((1, 4))), {}, "four")
    yield SampleInput((make((2, 3)), make((3, 4))), {}, "two")
    yield SampleInput((make((2, 3)),), {}, "one")
    yield SampleInput((make((2, 0)), make((0, 4)), make((4, 5))), {}, "empty inner")


def _chain_ref(*ms):
    ms = [_f(m) for m in ms]
    return ms[0].copy() if len(ms) == 1 else np.linalg.multi_dot(ms)


def _chain_errors(make):
    yield _err()
    yield _err(make((2, 3)), make((2, 3)))
    yield _err(make((3,)), make((3, 2)))


def _multi_dot_samples(op, make):
    yield SampleInput(([make((2, 3)), make((3, 4)), make((4, 5))],), {}, "three")
    yield SampleInput(([make((3,)), make((3, 4)), make((4, 2)), make((2,))],), {}, "1-D ends")
    yield SampleInput(([make((3,)), make((3, 4))],), {}, "1-D first")
    yield SampleInput(([make((2, 3)), make((3,))],), {}, "1-D last")
    yield SampleInput(([make((3,)), make((3,))],), {}, "two vectors")
    yield SampleInput(([make((7, 2)), make((2, 6)), make((6, 1)), make((1, 5))],), {}, "reordered")


def _multi_dot_ref(ms):
    return np.linalg.multi_dot([_f(m) for m in ms])


def _multi_dot_errors(make):
    yield _err([make((3,))])
    yield _err([make((2, 3)), make((3, 2), dtype="float64")])
    yield _err([make((2, 3)), make((3, 2, 2))])
    yield _err([make((2, 3)), make((4, 2))])
    yield _err([make((2, 3)), make((3,)), make((3, 2))])


# ---- nn.functional.linear / bilinear ----


def _linear_samples(op, make):
    yield SampleInput((make((2, 3), 0), make((4, 3), 1), make((4,), 2)), {}, "2-D with bias")
    yield SampleInput((make((2, 3), 0), make((4, 3), 1)), {}, "no bias")
    yield SampleInput((make((5, 2, 3), 0), make((4, 3), 1), make((4,), 2)), {}, "3-D input")
    yield SampleInput((make((3,), 0), make((4, 3), 1), make((4,), 2)), {}, "1-D input")
    yield SampleInput((make((2, 3), 0), make((3,), 1)), {}, "1-D weight")
    yield SampleInput((make((2, 3), 0), make((4, 3), 1), make((2, 4), 2)), {}, "2-D bias")
    yield SampleInput((make((2, 2, 3), 0), make((4, 3), 1), make((2, 1, 4), 2)), {}, "bias broadcast")
    yield SampleInput((make((0, 3), 0), make((4, 3), 1), make((4,), 2)), {}, "empty batch")
    yield SampleInput((make((2, 3), 0), make((4, 3), 1), make((), 2)), {}, "0-d bias")
    if make.dtype == "float32":
        yield SampleInput((make((64, 300), domain=UNIT), make((200, 300), domain=UNIT), make((200,), domain=UNIT)),
                          {}, "large")


def _linear_ref(x, w, b=None):
    y = _f(x) @ _f(w).T
    return y if b is None else (y + _f(b)).astype(y.dtype)


def _linear_errors(make):
    yield _err(make((2, 3)), make((4, 4)))
    yield _err(make((2, 3)), make((4, 3)), make((3,)))
    yield _err(make((2, 3)), make((4, 3), dtype="float64"))
    yield _err(make(()), make((3,)))
    yield _err(make((2, 3)), make((2, 4, 3)))


def _bilinear_samples(op, make):
    yield SampleInput((make((1, 2), 0), make((1, 2), 1), make((2, 2, 2), 2), make((2,), 2)), {}, "small")
    yield SampleInput((make((2, 3), 0), make((2, 5), 1), make((4, 3, 5), 2), make((4,), 2)), {}, "2-D with bias")
    yield SampleInput((make((2, 3), 0), make((2, 5), 1), make((4, 3, 5), 2)), {}, "no bias")
    yield SampleInput((make((2, 2, 3), 0), make((2, 2, 5), 1), make((4, 3, 5), 2), make((4,), 2)), {}, "3-D input")
    yield SampleInput((make((0, 3), 0), make((0, 5), 1), make((4, 3, 5), 2)), {}, "empty batch")


def _bilinear_ref(x1, x2, w, b=None):
    y = np.einsum("...i,oij,...j->...o", _f(x1), _f(w), _f(x2))
    return y if b is None else (y + _f(b)).astype(y.dtype)


def _bilinear_errors(make):
    yield _err(make((2, 3)), make((2, 5)), make((4, 3, 6)))
    yield _err(make((2, 3)), make((3, 5)), make((4, 3, 5)))
    yield _err(make((2, 3)), make((2, 5)), make((4, 3, 5)), make((3,)))


# Ops whose 16-bit results round intermediate products (chains, cross's differences of
# products): inputs from [-2, 2] and looser 16-bit bounds against NumPy's float64.
SMALL2 = Domain(-2.0, 2.0)
CHAIN_TOL = {**TOL, "float16": (1e-2, 3e-2), "bfloat16": (6e-2, 2.5e-1)}


def _row(name, ref, samples, dtypes=NUMERIC, **kw):
    kw.setdefault("differentiable", True)
    kw.setdefault("tol", TOL)
    return OpInfo(name=name, op=kw.pop("op", fn(name)), ref=ref, dtypes=dtypes, sample_inputs=samples, **kw)


MATMUL_ROWS = [
    _row("mm", lambda a, b: _f(a) @ _f(b), _mm_samples, supports_out=True, error_inputs=_mm_errors),
    _row("bmm", lambda a, b: _f(a) @ _f(b), _bmm_samples, supports_out=True, error_inputs=_bmm_errors),
    _row("mv", lambda a, b: _f(a) @ _f(b), _mv_samples, supports_out=True, error_inputs=_mv_errors),
    _row("dot", lambda a, b: np.dot(_f(a), _f(b)), _dot_samples, supports_out=True, error_inputs=_dot_errors),
    _row("vdot", lambda a, b: np.vdot(_f(a), _f(b)), _dot_samples, supports_out=True, error_inputs=_dot_errors),
    _row("inner", lambda a, b: np.inner(_f(a), _f(b)), _inner_samples, supports_out=True, error_inputs=_inner_errors),
    _row("outer", lambda a, b: np.outer(_f(a), _f(b)), _outer_samples, dtypes=ALL, aliases=("ger",),
         supports_out=True, error_inputs=_outer_errors),
    _row("addmm", _addmm_ref, _addmm_samples, inplace=True, supports_out=True, error_inputs=_addmm_errors),
    _row("baddbmm", _baddbmm_ref, _baddbmm_samples, inplace=True, supports_out=True, error_inputs=_baddbmm_errors),
    # torch rounds each batch's product to 16 bits before summing; ember rounds once
    _row("addbmm", _addbmm_ref, _addbmm_samples, inplace=True, torch_upcast16=True, supports_out=True, error_inputs=_addbmm_errors),
    _row("addmv", _addmm_ref, _addmv_samples, inplace=True, supports_out=True, error_inputs=_addmv_errors),
    _row("addr", _addr_ref, _addr_samples, dtypes=ALL, inplace=True, supports_out=True, error_inputs=_addr_errors),
    _row("tensordot", _tensordot_ref, _tensordot_samples, method=False, supports_out=True,
         error_inputs=_tensordot_errors),
    _row("einsum", _einsum_ref, _einsum_samples, method=False, error_inputs=_einsum_errors),
    _row("einsum", lambda *a: np.einsum(*[(_f(x) if isinstance(x, np.ndarray) else x) for x in a]),
         _einsum_sublist_samples, method=False, variant="sublist"),
    _row("kron", lambda a, b: np.kron(_f(a), _f(b)), _kron_samples, dtypes=ALL, supports_out=True,
         layouts=("contiguous", "strided", "negative")),  # torch's kron fails on some transposed inputs
    _row("cross", _cross_ref, _cross_samples, domains=(SMALL2,), tol=CHAIN_TOL, supports_out=True, error_inputs=_cross_errors),
    _row("linalg", _linalg_cross_ref, _linalg_cross_samples, domains=(SMALL2,), tol=CHAIN_TOL, op=_linalg("cross"),
         variant="cross", method=False, error_inputs=_cross_errors),
    _row("trace", lambda x: np.trace(_f(x)), _trace_samples, error_inputs=_trace_errors),
    _row("chain_matmul", _chain_ref, _chain_samples, domains=(SMALL2,), tol=CHAIN_TOL, method=False, supports_out=True, error_inputs=_chain_errors),
    _row("linalg", _multi_dot_ref, _multi_dot_samples, domains=(SMALL2,), tol=CHAIN_TOL, op=_linalg("multi_dot"),
         variant="multi_dot", method=False, error_inputs=_multi_dot_errors),
    _row("nn.functional.linear", _linear_ref, _linear_samples, op=_F("linear"), method=False,
         error_inputs=_linear_errors),
    _row("nn.functional.bilinear", _bilinear_ref, _bilinear_samples, domains=(SMALL2,), tol=CHAIN_TOL, op=_F("bilinear"),
         method=False, error_inputs=_bilinear_errors),
]

LINALG_OPS = MATMUL_ROWS + []

from op_db_linalg_lapack import LAPACK_ROWS  # noqa: E402

LINALG_OPS = LINALG_OPS + LAPACK_ROWS
