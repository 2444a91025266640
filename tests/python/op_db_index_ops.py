"""Op-table rows: index_add/copy/fill/reduce, index_put, scatter_reduce (and scatter's reduce=),
masked_scatter, take, take_along_dim, put, argwhere, nn.functional.one_hot.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
Rows without a NumPy reference (the reductions) are checked against torch.
"""

from __future__ import annotations

import numpy as np
from op_db import ALL, NUMERIC, Domain, ErrorInput, OpInfo, SampleInput, TArg, fn


def _idx(values) -> TArg:
    return TArg(np.asarray(values, dtype=np.int64), "int64")


# ---- NumPy references ----


def _along(x, dim):
    """x (at least 1-d) with `dim` moved first: a view to write into."""
    x1 = x.reshape(1) if x.ndim == 0 else x
    return np.moveaxis(x1, dim % x1.ndim, 0)


def _index_add_ref(x, dim, index, source, alpha=1):
    out = np.array(x, copy=True)
    o, s = _along(out, dim), _along(np.asarray(source), dim)
    for j, i in enumerate(np.asarray(index).reshape(-1)):
        if out.dtype == np.bool_:
            o[i] = o[i] | s[j]
        else:
            o[i] = o[i] + (s[j] * alpha).astype(out.dtype)
    return out


def _index_copy_ref(x, dim, index, source):
    out = np.array(x, copy=True)
    o, s = _along(out, dim), _along(np.asarray(source), dim)
    for j, i in enumerate(np.asarray(index).reshape(-1)):
        o[i] = s[j]
    return out


def _index_fill_ref(x, dim, index, value):
    out = np.array(x, copy=True)
    o = _along(out, dim)
    for i in np.asarray(index).reshape(-1):
        o[i] = np.asarray(value).astype(out.dtype)
    return out


def _take_ref(x, index):
    return np.asarray(x).reshape(-1)[np.asarray(index)]


def _put_ref(x, index, source, accumulate=False):
    out = np.array(x, copy=True)
    flat = out.reshape(-1)
    idx, src = np.asarray(index).reshape(-1), np.asarray(source).reshape(-1)
    if accumulate:
        for i, v in zip(idx, src):
            flat[i] = flat[i] | v if out.dtype == np.bool_ else flat[i] + v
    else:
        flat[idx] = src
    return flat.reshape(out.shape)


def _masked_scatter_ref(x, mask, source):
    b = np.broadcast_shapes(x.shape, mask.shape)
    out = np.array(np.broadcast_to(x, b), copy=True)
    m = np.broadcast_to(mask, b)
    out[m] = np.asarray(source).reshape(-1)[: int(m.sum())]
    return out


def _take_along_dim_ref(x, indices, dim=None):
    if dim is None:
        return np.take_along_axis(np.asarray(x).reshape(-1), np.asarray(indices).reshape(-1), 0)
    return np.take_along_axis(x, np.asarray(indices), dim)


def _one_hot_ref(x, num_classes=-1):
    n = int(x.max()) + 1 if num_classes == -1 else num_classes
    return (np.asarray(x)[..., None] == np.arange(n)).astype(np.int64)


def _index_put_ref(x, indices, values, accumulate=False):
    out = np.array(x, copy=True)
    idx = tuple(indices)
    if accumulate:
        if out.dtype == np.bool_:
            np.logical_or.at(out, idx, values)
        else:
            np.add.at(out, idx, values)
    else:
        out[idx] = values
    return out


# ---- samples ----


def _index_add_samples(op, make):
    alpha = {} if make.dtype == "bool" else {"alpha": 2}
    yield SampleInput((make((5, 4)), 0, _idx([4, 0, 0, 2]), make((4, 4))), {}, "rows, repeated")
    yield SampleInput(
        (make((3, 5)), -1, _idx([3, 1]), make((3, 2))), alpha, "cols, negative dim, alpha"
    )
    yield SampleInput((make((2, 3, 4)), 1, _idx(2), make((2, 1, 4))), {}, "0-d index")
    yield SampleInput(
        (make((5, 4)), 0, _idx(np.zeros(0, dtype=np.int64)), make((0, 4))), {}, "empty index"
    )
    yield SampleInput((make(()), 0, _idx([0]), make(())), {}, "0-d")
    yield SampleInput(
        (make((40, 3, 300)), 1, _idx([2, 0, 2, 1]), make((40, 4, 300))), {}, "large (threads)"
    )


def _index_copy_samples(op, make):
    # no repeated index: torch leaves which copy wins unspecified
    yield SampleInput((make((5, 4)), 0, _idx([4, 0, 2]), make((3, 4))), {}, "rows")
    yield SampleInput((make((3, 5)), -1, _idx([3, 1]), make((3, 2))), {}, "cols, negative dim")
    yield SampleInput((make((2, 3, 4)), 1, _idx(2), make((2, 1, 4))), {}, "0-d index")
    yield SampleInput(
        (make((5, 4)), 0, _idx(np.zeros(0, dtype=np.int64)), make((0, 4))), {}, "empty index"
    )
    yield SampleInput((make(()), 0, _idx([0]), make(())), {}, "0-d")


def _index_source_errors(op_name, int32_ok):
    def errors(make):
        x = make((3, 4))
        err = RuntimeError if op_name == "index_add" else IndexError
        yield ErrorInput(SampleInput((x, 0, _idx([3]), make((1, 4)))), err)
        yield ErrorInput(SampleInput((x, 0, _idx([-1]), make((1, 4)))), err)
        yield ErrorInput(
            SampleInput((x, 0, _idx([0]), make((1, 4), dtype="float64"))), RuntimeError
        )
        yield ErrorInput(
            SampleInput((x, 0, TArg(np.array([0.0]), "float32"), make((1, 4)))), RuntimeError
        )
        yield ErrorInput(SampleInput((x, 0, _idx([0]), make((1, 3)))), RuntimeError)
        if not int32_ok:
            yield ErrorInput(
                SampleInput((x, 0, TArg(np.array([0], dtype=np.int32), "int32"), make((1, 4)))),
                RuntimeError,
            )
        if op_name == "index_add":
            yield ErrorInput(SampleInput((x, 0, _idx([0, 1]), make((1, 4)))), RuntimeError)
            yield ErrorInput(SampleInput((x, 0, _idx([[0]]), make((1, 4)))), IndexError)

    return errors


def _index_fill_samples(op, make):
    v = True if make.dtype == "bool" else 3
    if op.variant == "tensor":
        v = make(())
    yield SampleInput((make((5, 4)), 0, _idx([4, 0, 0, -2]), v), {}, "rows, repeated, negative")
    yield SampleInput((make((3, 5)), -1, _idx([3, 1]), v), {}, "cols")
    yield SampleInput((make((2, 3, 4)), 1, _idx(2), v), {}, "0-d index")
    yield SampleInput((make((5, 4)), 0, _idx(np.zeros(0, dtype=np.int64)), v), {}, "empty index")
    yield SampleInput((make(()), 0, _idx([0]), v), {}, "0-d")


def _index_fill_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, 0, _idx([3]), 1.0)), IndexError)
    yield ErrorInput(SampleInput((x, 0, _idx([-4]), 1.0)), IndexError)
    yield ErrorInput(SampleInput((x, 0, _idx([0]), make((1,)))), RuntimeError)
    yield ErrorInput(
        SampleInput((x, 0, TArg(np.array([0], dtype=np.int32), "int32"), 1.0)), IndexError
    )
    yield ErrorInput(SampleInput((x, 0, _idx([[0]]), 1.0)), RuntimeError)


def _index_reduce_samples(op, make):
    for reduce in ("prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            kw = {"include_self": include_self}
            yield SampleInput(
                (make((5, 4)), 0, _idx([4, 0, 0, 2]), make((4, 4)), reduce), kw, f"{reduce} rows"
            )
            yield SampleInput(
                (make((3, 5)), -1, _idx([3, 1, 3]), make((3, 3)), reduce), kw, f"{reduce} cols"
            )
    yield SampleInput((make((2, 3, 4)), 1, _idx(2), make((2, 1, 4)), "amax"), {}, "0-d index")
    yield SampleInput(
        (make((5, 4)), 0, _idx(np.zeros(0, dtype=np.int64)), make((0, 4)), "prod"),
        {},
        "empty index",
    )
    yield SampleInput((make(()), 0, _idx([0]), make(()), "mean"), {}, "0-d")
    if make.dtype in ("float32", "float64"):
        x = TArg(np.array([[1.0, 2.0], [3.0, 3.0]], dtype=make.dtype), make.dtype)
        s = TArg(np.array([[3.0, 2.0], [1.0, 3.0]], dtype=make.dtype), make.dtype)
        yield SampleInput((x, 0, _idx([1, 0]), s, "amax"), {}, "ties")


def _index_reduce_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, 0, _idx([0]), make((1, 4)), "sum")), RuntimeError)
    yield ErrorInput(SampleInput((x, 0, _idx([3]), make((1, 4)), "prod")), IndexError)
    yield ErrorInput(
        SampleInput((x, 0, _idx([0]), make((1, 4), dtype="float64"), "prod")), RuntimeError
    )
    yield ErrorInput(
        SampleInput((make((3,), dtype="bool"), 0, _idx([0]), make((1,), dtype="bool"), "amax")),
        NotImplementedError,
    )


def _scatter_reduce_samples(op, make):
    reduces = (
        ("sum", "prod", "mean", "amax", "amin")
        if make.dtype != "bool"
        else ("sum", "prod", "amax", "amin")
    )
    for reduce in reduces:
        for include_self in (True, False):
            kw = {"include_self": include_self}
            yield SampleInput(
                (make((3, 4)), 1, _idx([[3, 3, 0], [1, 1, 1]]), make((2, 3)), reduce),
                kw,
                f"{reduce} repeated targets",
            )
            yield SampleInput(
                (make((3, 4)), 0, _idx([[2, 0, 2, 2], [2, 2, 0, 1]]), make((2, 5)), reduce),
                kw,
                f"{reduce} dim 0, larger src",
            )
    yield SampleInput(
        (make((3, 4)), -1, _idx(np.zeros((3, 0), dtype=np.int64)), make((3, 0)), "sum"), {}, "empty"
    )
    yield SampleInput((make(()), 0, _idx(0), make(()), "amin"), {"include_self": False}, "0-d")
    idx = np.random.default_rng(0).integers(0, 50, size=(64, 200))
    yield SampleInput(
        (make((64, 50)), 1, _idx(idx), make((64, 200)), "amax"), {}, "large (threads)"
    )
    if make.dtype in ("float32", "float64"):
        x = TArg(np.array([[1.0, 2.0], [3.0, 3.0]], dtype=make.dtype), make.dtype)
        s = TArg(np.array([[3.0, 2.0], [1.0, 3.0]], dtype=make.dtype), make.dtype)
        for r in ("amax", "amin"):
            for inc in (True, False):
                yield SampleInput(
                    (x, 0, _idx([[1, 0], [0, 1]]), s, r), {"include_self": inc}, f"{r} ties {inc}"
                )
        z = TArg(np.array([[0.0, 2.0], [3.0, 0.0]], dtype=make.dtype), make.dtype)
        yield SampleInput((z, 0, _idx([[0, 0], [1, 1]]), s, "prod"), {}, "prod with zeros")
        z2 = TArg(np.array([[0.0, 2.0], [0.0, 4.0]], dtype=make.dtype), make.dtype)
        yield SampleInput((z, 0, _idx([[0, 1], [0, 1]]), z2, "prod"), {}, "prod with two zeros")


def _scatter_reduce_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, 0, _idx([[0]]), make((1, 1)), "foo")), RuntimeError)
    yield ErrorInput(SampleInput((x, 0, _idx([[3]]), make((1, 1)), "sum")), RuntimeError)
    yield ErrorInput(SampleInput((x, 0, _idx([[-1]]), make((1, 1)), "sum")), RuntimeError)
    yield ErrorInput(
        SampleInput((x, 0, _idx([[0]]), make((1, 1), dtype="float64"), "sum")), RuntimeError
    )
    yield ErrorInput(SampleInput((x, 0, _idx([0]), make((1,)), "sum")), RuntimeError)
    yield ErrorInput(
        SampleInput((make((3,), dtype="bool"), 0, _idx([0]), make((1,), dtype="bool"), "mean")),
        NotImplementedError,
    )


def _scatter_reduce_arg_samples(op, make):
    v = True if make.dtype == "bool" else 2
    yield SampleInput(
        (make((3, 4)), 1, _idx([[3, 3, 0], [1, 1, 1]]), make((2, 3))), {"reduce": "add"}, "add"
    )
    yield SampleInput(
        (make((3, 4)), 0, _idx([[2, 0, 2, 2]]), make((2, 5))), {"reduce": "multiply"}, "multiply"
    )
    yield SampleInput(
        (make((3, 4)), 0, _idx([[2, 0, 2, 2]])), {"value": v, "reduce": "multiply"}, "value"
    )


def _masked_scatter_samples(op, make):
    yield SampleInput((make((3, 4)), make.mask((3, 4)), make((12,))), {}, "same shape")
    yield SampleInput(
        (make((3, 4)), make.mask((4,)), make((3, 5))), {}, "broadcast mask, larger source"
    )
    yield SampleInput((make(()), make.mask(()), make((2,))), {}, "0-d")
    yield SampleInput((make((0, 4)), make.mask((0, 4)), make((0,))), {}, "empty")


def _masked_scatter_errors(make):
    yield ErrorInput(
        SampleInput((make((3, 4)), TArg(np.ones((3, 4), bool), "bool"), make((5,)))), RuntimeError
    )
    yield ErrorInput(SampleInput((make((3,)), make((3,)), make((3,)))), RuntimeError)
    yield ErrorInput(
        SampleInput((make((3,)), TArg(np.ones(3, bool), "bool"), make((3,), dtype="float64"))),
        RuntimeError,
    )


def _take_samples(op, make):
    yield SampleInput(
        (make((3, 4)), _idx([[0, -1], [5, 3], [11, 11]])), {}, "2-d index, negative, repeated"
    )
    yield SampleInput((make((3, 4)), _idx(7)), {}, "0-d index")
    yield SampleInput((make(()), _idx([0, -1])), {}, "0-d input")
    yield SampleInput((make((0, 4)), _idx(np.zeros(0, dtype=np.int64))), {}, "empty")


def _take_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), _idx([12]))), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)), _idx([-13]))), IndexError)
    yield ErrorInput(
        SampleInput((make((3, 4)), TArg(np.array([0], dtype=np.int32), "int32"))), RuntimeError
    )


def _take_along_dim_samples(op, make):
    yield SampleInput((make((3, 4)), _idx([[0], [2], [3]]), 1), {}, "argmax-like")
    yield SampleInput((make((3, 4)), _idx([[0, 1, 2, 1]]), 0), {}, "broadcast index")
    yield SampleInput((make((3, 1)), _idx([[0, 0], [0, 0], [0, 0]]), 1), {}, "broadcast input")
    yield SampleInput((make((3, 4)), _idx([[-1], [-4], [0]]), -1), {}, "negative indices")
    yield SampleInput((make((12,)), _idx([11, 0, 5])), {}, "dim=None")
    yield SampleInput((make((2, 3)), _idx(np.zeros((2, 0), dtype=np.int64)), 1), {}, "empty")


def _take_along_dim_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), _idx([0]), 1)), RuntimeError)
    yield ErrorInput(
        SampleInput((make((3, 4)), TArg(np.array([[0]], dtype=np.int32), "int32"), 1)), RuntimeError
    )
    yield ErrorInput(SampleInput((make((3, 4)), _idx([13]))), RuntimeError)
    yield ErrorInput(
        SampleInput((make((3, 4)), _idx(np.zeros((2, 1), dtype=np.int64)), 1)), RuntimeError
    )


def _put_samples(op, make):
    yield SampleInput((make((3, 4)), _idx([0, -1, 5]), make((3,))), {}, "negative")
    yield SampleInput(
        (make((3, 4)), _idx([[1, 1], [7, 1]]), make((2, 2))), {"accumulate": True}, "accumulate"
    )
    yield SampleInput((make(()), _idx([0]), make((1,))), {}, "0-d")
    yield SampleInput((make((3, 4)), _idx(np.zeros(0, dtype=np.int64)), make((0,))), {}, "empty")


def _put_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), _idx([12]), make((1,)))), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)), _idx([0, 1]), make((1,)))), IndexError)
    yield ErrorInput(
        SampleInput((make((3, 4)), _idx([0]), make((1,), dtype="float64"))), RuntimeError
    )
    yield ErrorInput(
        SampleInput((make((3, 4)), TArg(np.array([0], dtype=np.int32), "int32"), make((1,)))),
        RuntimeError,
    )


def _index_put_samples(op, make):
    x = make((5, 4))
    yield SampleInput((x, [_idx([0, 2, 4])], make((3, 4))), {}, "rows")
    yield SampleInput((x, [_idx([0, 2]), _idx([1, -3])], make((2,))), {}, "points, negative")
    yield SampleInput(
        (x, [_idx([1, 1, 3])], make((4,))), {"accumulate": True}, "accumulate repeated rows"
    )
    yield SampleInput(
        (x, [_idx([[1, 1], [3, 1]]), _idx([0, 0])], make(())),
        {"accumulate": True},
        "accumulate repeated points",
    )
    yield SampleInput((x, [make.mask((5, 4))], make(())), {}, "bool mask")
    yield SampleInput((make((3,)), [_idx(np.zeros(0, dtype=np.int64))], make((0,))), {}, "empty")


def _index_put_errors(make):
    x = make((5, 4))
    yield ErrorInput(SampleInput((x, [_idx([7])], make(()))), IndexError)
    yield ErrorInput(SampleInput((x, [_idx([0])], make((), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((x, [_idx([0, 1])], make((3, 4)))), RuntimeError)


def _argwhere_samples(op, make):
    for s in [(), (7,), (3, 4), (2, 3, 4), (0, 3)]:
        yield SampleInput((make(s, domain=Domain(-1, 1)),), {}, str(s))


def _one_hot_samples(op, make):
    yield SampleInput((_idx([[0, 3], [1, 1]]),), {}, "inferred classes")
    yield SampleInput((_idx([0, 2, 1]), 5), {}, "num_classes")
    yield SampleInput((_idx(2),), {}, "0-d")
    yield SampleInput((_idx(np.zeros((0, 2), dtype=np.int64)), 3), {}, "empty")


def _one_hot_errors(make):
    yield ErrorInput(SampleInput((_idx([1, 2]), 2)), RuntimeError)
    yield ErrorInput(SampleInput((_idx([-1, 2]),)), RuntimeError)
    yield ErrorInput(SampleInput((TArg(np.array([1, 2], dtype=np.int32), "int32"),)), RuntimeError)
    yield ErrorInput(SampleInput((_idx(np.zeros(0, dtype=np.int64)),)), RuntimeError)


TOL16 = {"float16": (1e-2, 2e-2), "bfloat16": (2e-2, 8e-2)}  # 16-bit sums round at each add

INDEX_OPS = [
    OpInfo(
        name="index_add",
        op=fn("index_add"),
        ref=_index_add_ref,
        dtypes=ALL,
        sample_inputs=_index_add_samples,
        tol=TOL16,
        differentiable=True,
        inplace=True,
        error_inputs=_index_source_errors("index_add", True),
    ),
    OpInfo(
        name="index_copy",
        op=fn("index_copy"),
        ref=_index_copy_ref,
        dtypes=ALL,
        sample_inputs=_index_copy_samples,
        differentiable=True,
        inplace=True,
        error_inputs=_index_source_errors("index_copy", False),
    ),
    OpInfo(
        name="index_fill",
        op=fn("index_fill"),
        ref=_index_fill_ref,
        dtypes=ALL,
        sample_inputs=_index_fill_samples,
        differentiable=True,
        inplace=True,
        error_inputs=_index_fill_errors,
    ),
    OpInfo(
        name="index_fill",
        variant="tensor",
        op=fn("index_fill"),
        ref=_index_fill_ref,
        dtypes=ALL,
        sample_inputs=_index_fill_samples,
        differentiable=True,
        inplace=True,
    ),
    # bool raises NotImplementedError (torch's index_reduce kernels skip it, though not on every path)
    OpInfo(
        name="index_reduce",
        op=fn("index_reduce"),
        ref=None,
        dtypes=NUMERIC,
        sample_inputs=_index_reduce_samples,
        tol=TOL16,
        dtypes_complete=False,
        differentiable=True,
        inplace=True,
        error_inputs=_index_reduce_errors,
    ),
    OpInfo(
        name="scatter_reduce",
        op=fn("scatter_reduce"),
        ref=None,
        dtypes=ALL,
        sample_inputs=_scatter_reduce_samples,
        tol=TOL16,
        differentiable=True,
        inplace=True,
        error_inputs=_scatter_reduce_errors,
    ),
    OpInfo(
        name="scatter",
        variant="reduce",
        op=fn("scatter"),
        ref=None,
        dtypes=ALL,
        sample_inputs=_scatter_reduce_arg_samples,
        tol=TOL16,
        inplace=True,
        error_inputs=lambda make: [
            ErrorInput(
                SampleInput((make((3, 4)), 0, _idx([[0]]), make((1, 1))), {"reduce": "mean"}),
                RuntimeError,
            )
        ],
    ),
    OpInfo(
        name="masked_scatter",
        op=fn("masked_scatter"),
        ref=_masked_scatter_ref,
        dtypes=ALL,
        sample_inputs=_masked_scatter_samples,
        differentiable=True,
        inplace=True,
        error_inputs=_masked_scatter_errors,
    ),
    OpInfo(
        name="take",
        op=fn("take"),
        ref=_take_ref,
        dtypes=ALL,
        sample_inputs=_take_samples,
        differentiable=True,
        error_inputs=_take_errors,
    ),
    OpInfo(
        name="take_along_dim",
        op=fn("take_along_dim"),
        ref=_take_along_dim_ref,
        dtypes=ALL,
        sample_inputs=_take_along_dim_samples,
        differentiable=True,
        error_inputs=_take_along_dim_errors,
    ),
    OpInfo(
        name="put",
        op=fn("put"),
        ref=_put_ref,
        dtypes=ALL,
        sample_inputs=_put_samples,
        tol=TOL16,
        differentiable=True,
        inplace=True,
        error_inputs=_put_errors,
    ),
    OpInfo(
        name="index_put",
        op=fn("index_put"),
        ref=_index_put_ref,
        dtypes=ALL,
        sample_inputs=_index_put_samples,
        tol=TOL16,
        differentiable=True,
        inplace=True,
        error_inputs=_index_put_errors,
    ),
    OpInfo(
        name="argwhere",
        op=fn("argwhere"),
        ref=np.argwhere,
        dtypes=ALL,
        sample_inputs=_argwhere_samples,
    ),
    OpInfo(
        name="nn.functional.one_hot",
        op=lambda lib, *a, **k: lib.nn.functional.one_hot(*a, **k),
        ref=_one_hot_ref,
        dtypes=("int64",),
        dtypes_complete=False,
        method=False,
        sample_inputs=_one_hot_samples,
        error_inputs=_one_hot_errors,
    ),
]
