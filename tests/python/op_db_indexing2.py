"""Op table rows of the gather/scatter family (index_select, gather, scatter, scatter_add).

Kept in their own file so the rows stay next to each other; `op_db.OP_DB` concatenates them."""

from __future__ import annotations

import numpy as np

from op_db import ALL, ErrorInput, OpInfo, SampleInput, TArg, fn


def _idx(values) -> TArg:
    return TArg(np.asarray(values, dtype=np.int64), "int64")


def _index_select_ref(x, dim, index):
    if x.ndim == 0:
        return x.copy()
    return np.take(x, np.asarray(index).reshape(-1), axis=dim)


def _gather_ref(x, dim, index):
    x1 = x.reshape(1) if x.ndim == 0 else x
    idx = np.asarray(index)
    i1 = idx.reshape(1) if idx.ndim == 0 else idx
    d = dim % x1.ndim
    out = np.empty(i1.shape, dtype=x.dtype)
    for pos in np.ndindex(*i1.shape):
        src = list(pos)
        src[d] = i1[pos]
        out[pos] = x1[tuple(src)]
    return out.reshape(idx.shape)


def _scatter_into(x, dim, index, src, accumulate):
    out = np.array(x, copy=True)
    o1 = out.reshape(1) if out.ndim == 0 else out
    idx = np.asarray(index)
    i1 = idx.reshape(1) if idx.ndim == 0 else idx
    d = dim % o1.ndim
    s = np.asarray(src)
    for pos in np.ndindex(*i1.shape):
        dst = list(pos)
        dst[d] = i1[pos]
        v = s if s.ndim == 0 else (s.reshape(1) if s.ndim == 0 else s)[pos]
        if accumulate:
            o1[tuple(dst)] = o1[tuple(dst)] + v
        else:
            o1[tuple(dst)] = v
    return out


def _scatter_ref(x, dim, index, src=None, value=None):
    return _scatter_into(x, dim, index, src if src is not None else value, False)


def _scatter_add_ref(x, dim, index, src):
    return _scatter_into(x, dim, index, src, True)


def _index_select_samples(op, make):
    yield SampleInput((make((5, 4)), 0, _idx([4, 0, 0, 2])), {}, "rows, repeated")
    yield SampleInput((make((5, 4)), -1, _idx([3, 1])), {}, "cols, negative dim")
    yield SampleInput((make((2, 3, 4)), 1, _idx(2)), {}, "0-d index")
    yield SampleInput((make((5, 4)), 0, _idx(np.zeros(0, dtype=np.int64))), {}, "empty index")
    yield SampleInput((make(()), 0, _idx([0])), {}, "0-d input")


def _gather_samples(op, make):
    yield SampleInput((make((3, 4)), 1, _idx([[3, 0], [1, 1], [2, 2]])), {}, "dim 1, repeated")
    yield SampleInput((make((3, 4)), 0, _idx([[2, 0, 1, 1], [0, 0, 0, 2]])), {}, "dim 0")
    yield SampleInput((make((2, 3, 4)), -1, _idx(np.ones((1, 2, 5), dtype=np.int64))), {}, "smaller index")
    yield SampleInput((make((3, 4)), 1, _idx(np.zeros((3, 0), dtype=np.int64))), {}, "empty index")
    yield SampleInput((make(()), 0, _idx(0)), {}, "0-d")
    # along the last dim: rows of a 3-d index (the kernel's row walk), int32 indices
    rng = np.random.default_rng(0)
    yield SampleInput((make((2, 4, 6)), 2, _idx(rng.integers(0, 6, (2, 3, 9)))), {}, "3-d, last dim")
    yield SampleInput(
        (make((3, 6)), 1, TArg(rng.integers(0, 6, (3, 7)).astype(np.int32), "int32")), {}, "int32 index"
    )


def _gather_errors(make):
    x = make((3, 4))
    # out of bounds inside a group of four indices, and in the tail after the groups
    yield ErrorInput(SampleInput((x, 1, _idx([[0, 1, 2, 9, 0]]))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([[0, 1, 2, 3, 0, -1]]))), RuntimeError)
    yield ErrorInput(
        SampleInput((x, 1, TArg(np.array([[0, 1, 2, 3, 4]], dtype=np.int32), "int32"))), RuntimeError
    )
    yield ErrorInput(SampleInput((x, 1, _idx([[4]]))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([[-1]]))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([0]))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([[0]] * 4))), RuntimeError)
    yield ErrorInput(SampleInput((x, 2, _idx([[0]]))), IndexError)


def _index_select_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, 0, _idx([3]))), IndexError)
    yield ErrorInput(SampleInput((x, 0, _idx([-1]))), IndexError)
    yield ErrorInput(SampleInput((x, 0, _idx([[0]]))), IndexError)
    yield ErrorInput(SampleInput((x, 0, TArg(np.array([0.0]), "float32"))), RuntimeError)


def _scatter_samples(op, make):
    # no repeated target within a scatter: torch leaves which write wins unspecified
    x = make((3, 4))
    yield SampleInput((x, 1, _idx([[3, 0], [1, 2]]), make((2, 3))), {}, "src larger than index")
    yield SampleInput((x, 0, _idx([[2, 0, 1, 1]]), make((1, 4))), {}, "dim 0")
    yield SampleInput((x, -1, _idx(np.zeros((3, 0), dtype=np.int64)), make((3, 0))), {}, "empty index")
    yield SampleInput((make(()), 0, _idx(0), make(())), {}, "0-d")
    if not op.variant == "":
        return


def _scatter_value_samples(op, make):
    x = make((3, 4))
    v = 2 if make.dtype != "bool" else True
    yield SampleInput((x, 1, _idx([[3, 0], [1, 2]]), v), {}, "value positional")
    yield SampleInput((x, 0, _idx([[2, 0, 1, 1]])), {"value": v}, "value keyword")


def _scatter_add_samples(op, make):
    x = make((3, 4))
    yield SampleInput((x, 1, _idx([[3, 3, 0], [1, 1, 1]]), make((2, 3))), {}, "repeated targets")
    yield SampleInput((x, 0, _idx([[2, 0, 2, 2], [2, 2, 0, 1]]), make((2, 4))), {}, "dim 0")
    yield SampleInput((x, -1, _idx(np.zeros((3, 0), dtype=np.int64)), make((3, 0))), {}, "empty index")
    yield SampleInput((make(()), 0, _idx(0), make(())), {}, "0-d")


def _scatter_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, 1, _idx([[4]]), make((1, 1)))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([[0, 1, 2]]), make((1, 2)))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([[0]]), make((1, 1), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((x, 1, _idx([0]), make((1,)))), RuntimeError)


def _masked_fill_ref(x, mask, value):
    return np.where(mask, np.asarray(value).astype(x.dtype), x).astype(x.dtype)


def _masked_fill_samples(op, make):
    v = True if make.dtype == "bool" else 3
    yield SampleInput((make((3, 4)), make.mask((3, 4)), v), {}, "scalar value")
    yield SampleInput((make((3, 4)), make.mask((4,)), make(())), {}, "0-d tensor value, broadcast mask")
    yield SampleInput((make(()), make.mask(()), v), {}, "0-d")
    yield SampleInput((make((0, 4)), make.mask((0, 4)), v), {}, "empty")


def _masked_fill_errors(make):
    yield ErrorInput(SampleInput((make((3,)), make((3,)), 1.0)), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), make.mask((3,)), make((1,)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3,)), make.mask((2,)), 1.0)), RuntimeError)


def _masked_select_ref(x, mask):
    b = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, b)[np.broadcast_to(mask, b)]


def _masked_select_samples(op, make):
    yield SampleInput((make((3, 4)), make.mask((3, 4))), {}, "same shape")
    yield SampleInput((make((3, 4)), make.mask((4,))), {}, "broadcast mask")
    yield SampleInput((make((4,)), make.mask((2, 4))), {}, "broadcast input")
    yield SampleInput((make(()), make.mask(())), {}, "0-d")


INDEXING2 = [
    OpInfo(
        name="index_select",
        op=fn("index_select"),
        ref=_index_select_ref,
        dtypes=ALL,
        sample_inputs=_index_select_samples,
        differentiable=True,
        supports_out=True,
        error_inputs=_index_select_errors,
    ),
    OpInfo(
        name="gather",
        op=fn("gather"),
        ref=_gather_ref,
        dtypes=ALL,
        sample_inputs=_gather_samples,
        differentiable=True,
        supports_out=True,
        error_inputs=_gather_errors,
    ),
    OpInfo(
        name="scatter",
        op=fn("scatter"),
        ref=_scatter_ref,
        dtypes=ALL,
        sample_inputs=_scatter_samples,
        differentiable=True,
        inplace=True,
        error_inputs=_scatter_errors,
    ),
    OpInfo(
        name="scatter",
        variant="value",
        op=fn("scatter"),
        ref=_scatter_ref,
        dtypes=ALL,
        sample_inputs=_scatter_value_samples,
        differentiable=True,
        inplace=True,
    ),
    OpInfo(
        name="scatter_add",
        op=fn("scatter_add"),
        ref=_scatter_add_ref,
        dtypes=ALL,
        sample_inputs=_scatter_add_samples,
        tol={"float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2)},  # 16-bit sums round at each add
        differentiable=True,
        inplace=True,
        error_inputs=_scatter_errors,
    ),
    OpInfo(
        name="masked_fill",
        op=fn("masked_fill"),
        ref=_masked_fill_ref,
        dtypes=ALL,
        sample_inputs=_masked_fill_samples,
        differentiable=True,
        inplace=True,
        error_inputs=_masked_fill_errors,
    ),
    OpInfo(
        name="masked_select",
        op=fn("masked_select"),
        ref=_masked_select_ref,
        dtypes=ALL,
        sample_inputs=_masked_select_samples,
        differentiable=True,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)), make((3,)))), RuntimeError),
            ErrorInput(SampleInput((make((3,)), make.mask((2,)))), RuntimeError),
        ],
    ),
]
