"""Op-table rows: tril/triu/diag family, flip/roll/rot90, repeat/tile, movedim, splits and stacks, pad.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
"""

from __future__ import annotations

import numpy as np

from op_db import (
    ALL,
    ErrorInput,
    OpInfo,
    SampleInput,
    T,
    TArg,
    _samples,
    carrier_dtype,
    _shape_errors,
    fn,
    S,
)

NUMERIC_NO_BOOL = tuple(d for d in ALL if d != "bool")


def _i64(values) -> TArg:
    return TArg(np.asarray(values, dtype=np.int64), "int64")


# ---- NumPy references ----


def _diagonal_ref(x, offset=0, dim1=0, dim2=1):
    return np.diagonal(x, offset, dim1, dim2).copy()


def _diag_embed_ref(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    nd = x.ndim + 1
    out = np.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
    i = np.arange(x.shape[-1])
    out[..., i + max(-offset, 0), i + max(offset, 0)] = x
    return np.moveaxis(out, (-2, -1), (dim1 % nd, dim2 % nd))


def _flip_ref(x, dims):
    return np.flip(x, tuple(dims)) if x.ndim else x.copy()


def _roll_ref(x, shifts, dims=None):
    return np.roll(x, shifts, dims)


def _repeat_interleave_ref(x, repeats=None, dim=None, output_size=None):
    if repeats is None:  # the one-tensor form
        return np.repeat(np.arange(len(x)), x).astype(x.dtype)
    return np.repeat(x, repeats, axis=dim)


def _meshgrid_ref(*ts, indexing="ij"):
    if len(ts) == 1 and isinstance(ts[0], list):
        ts = ts[0]
    return tuple(np.meshgrid(*ts, indexing=indexing))


def _tensor_split_ref(x, ios=None, dim=0, sections=None, indices=None):
    arg = ios if ios is not None else sections if sections is not None else list(indices)
    if isinstance(arg, np.ndarray) and arg.ndim == 0:
        arg = int(arg)
    return tuple(np.array_split(x, arg, axis=dim))


def _atleast_ref(f):
    def ref(*args):
        if len(args) == 1 and isinstance(args[0], list):
            return tuple(f(a) for a in args[0])
        out = [f(a) for a in args]
        return out[0] if len(out) == 1 else tuple(out)

    return ref


def _pad_ref(x, pad, mode="constant", value=None):
    """NumPy's np.pad, with negative pads as crops (constant and circular crop before padding)."""
    if not pad:
        return x.copy()
    np_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    widths = [(0, 0)] * x.ndim
    crops = [slice(None)] * x.ndim
    for i in range(len(pad) // 2):
        d = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crops[d] = slice(max(-lo, 0), x.shape[d] - max(-hi, 0))
        widths[d] = (max(lo, 0), max(hi, 0))
    if mode in ("constant", "circular"):
        y = x[tuple(crops)]
        kw = {"constant_values": value or 0} if mode == "constant" else {}
        out = np.pad(y, widths, mode=np_mode, **kw)
        return out.astype(x.dtype) if mode == "constant" else out
    out = np.pad(x, [(max(a, 0), max(b, 0)) for a, b in widths], mode=np_mode)
    full = [slice(None)] * x.ndim  # negative pads of reflect/replicate crop the padded result
    for i in range(len(pad) // 2):
        d = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        full[d] = slice(max(-lo, 0), out.shape[d] - max(-hi, 0))
    return out[tuple(full)]


# ---- memory formats: strides (and contiguity flags) as an int tensor, compared with torch ----


def _fmt(lib, name):
    return getattr(lib, name)


def _clone_strides(lib, x, fmt=None):
    y = x.clone() if fmt is None else lib.clone(x, memory_format=_fmt(lib, fmt))
    flags = [int(y.is_contiguous(memory_format=_fmt(lib, f))) for f in ("contiguous_format", "channels_last")]
    return lib.tensor(list(y.stride()) + flags, dtype=lib.int64)


def _contiguous_strides(lib, x, fmt):
    y = x.contiguous(memory_format=_fmt(lib, fmt))
    flags = [
        int(y.is_contiguous(memory_format=_fmt(lib, f)))
        for f in ("contiguous_format", "channels_last", "channels_last_3d")
    ]
    return lib.tensor(list(y.stride()) + flags, dtype=lib.int64)


# ---- views are views, copies are copies: write into the result, return the input ----


def _writes_through(call):
    def op(lib, x, *args, **kwargs):
        y = call(lib, x, *args, **kwargs)
        for t in y if isinstance(y, (tuple, list)) else (y,):
            t.mul_(2)
        return x

    return op


def _aliasing_row(name, call, *samples):
    return OpInfo(
        name=name,
        variant="aliasing",
        op=_writes_through(call),
        ref=None,
        dtypes=("float32",),
        dtypes_complete=False,
        method=name in ("repeat",),
        function=name not in ("repeat",),
        layouts=("contiguous", "transposed", "strided"),
        sample_inputs=_samples(*samples),
    )


ALIASING = [
    _aliasing_row("diagonal", fn("diagonal"), S(T(3, 4), 1), S(T(2, 3, 4), 0, 2, 1)),
    _aliasing_row("movedim", fn("movedim"), S(T(2, 3, 4), 0, -1)),
    _aliasing_row("tensor_split", fn("tensor_split"), S(T(3, 7), 3, 1), S(T(3, 7), [1, 4])),
    _aliasing_row("hsplit", fn("hsplit"), S(T(3, 4), 2)),
    _aliasing_row("vsplit", fn("vsplit"), S(T(4, 3), [1])),
    _aliasing_row("dsplit", fn("dsplit"), S(T(2, 3, 4), 2)),
    _aliasing_row("atleast_1d", fn("atleast_1d"), S(T()), S(T(3, 4))),
    _aliasing_row("atleast_2d", fn("atleast_2d"), S(T(3)), S(T(3, 4))),
    _aliasing_row("atleast_3d", fn("atleast_3d"), S(T(3)), S(T(3, 4)), S(T(2, 3, 4))),
    # copies: writing into the result leaves the input alone
    _aliasing_row("flip", fn("flip"), S(T(3, 4), ()), S(T(3, 4), (0,))),
    _aliasing_row("roll", fn("roll"), S(T(3, 4), 0), S(T(3, 4), 4, 1)),
    _aliasing_row("rot90", fn("rot90"), S(T(3, 4), 0), S(T(3, 4), 1)),
    _aliasing_row("repeat", lambda lib, x, *r: x.repeat(*r), S(T(3, 4), 1, 1)),
    _aliasing_row("tile", fn("tile"), S(T(3, 4), (1,))),
    _aliasing_row("repeat_interleave", fn("repeat_interleave"), S(T(3, 4), 1, 0)),
    _aliasing_row("diag", fn("diag"), S(T(3, 4))),
    _aliasing_row("tril", fn("tril"), S(T(3, 4), 5)),
    _aliasing_row("clone", fn("clone"), S(T(3, 4))),
]


# ---- samples and errors ----


def _tri_samples(op, make):
    yield SampleInput((make((3, 4)),), {}, "(3, 4)")
    yield SampleInput((make((3, 4)), 1), {}, "diagonal 1")
    yield SampleInput((make((4, 3)), -2), {}, "diagonal -2")
    yield SampleInput((make((2, 3, 4)),), {"diagonal": 5}, "batched, diagonal 5")
    yield SampleInput((make((2, 3, 4)),), {"diagonal": -5}, "batched, diagonal -5")
    yield SampleInput((make((0, 3)),), {}, "empty")
    yield SampleInput((make((2, 0, 3)), 1), {}, "empty batch")


def _repeat_interleave_samples(op, make):
    yield SampleInput((make((3, 4)), 2), {}, "int, flattened")
    yield SampleInput((make((3, 4)), 2), {"dim": 1}, "int, dim 1")
    yield SampleInput((make((3, 4)), _i64([1, 0, 2])), {"dim": 0}, "tensor repeats")
    yield SampleInput((make((3, 4)), _i64([2])), {"dim": 1}, "one repeat for all")
    yield SampleInput((make((3, 4)), 3), {"dim": -1, "output_size": 12}, "output_size")
    yield SampleInput((make(()), 3), {}, "0-d")
    yield SampleInput((make((0, 3)), 2), {"dim": 0}, "empty")
    yield SampleInput((make((3, 4)), 1), {"dim": 0}, "once")


def _repeat_interleave_errors(make):
    x = make((3, 4))
    yield ErrorInput(SampleInput((x, -1)), RuntimeError)
    yield ErrorInput(SampleInput((x, _i64([1, 2])), {"dim": 0}), RuntimeError)
    yield ErrorInput(SampleInput((x, _i64([1, -2, 1])), {"dim": 0}), RuntimeError)
    yield ErrorInput(SampleInput((x, 2), {"dim": 0, "output_size": 5}), RuntimeError)
    yield ErrorInput(SampleInput((make(()), 2), {"dim": 0}), IndexError)
    yield ErrorInput(SampleInput((x, TArg(np.array([1.0, 2.0, 1.0]), "float32")), {"dim": 0}), NotImplementedError)


def _repeat_indices_samples(op, make):
    def counts(values):
        return TArg(np.asarray(values).astype(carrier_dtype(make.dtype)), make.dtype)

    yield SampleInput((counts([1, 0, 3, 2]),), {}, "counts")
    yield SampleInput((counts(np.zeros(0)),), {}, "empty")
    yield SampleInput((counts([2, 1]),), {"output_size": 3}, "output_size")


def _repeat_indices_errors(make):
    yield ErrorInput(SampleInput((_i64([[1, 2]]),)), RuntimeError)
    yield ErrorInput(SampleInput((_i64([1, -2]),)), RuntimeError)
    yield ErrorInput(SampleInput((_i64([1, 2]),), {"output_size": 4}), RuntimeError)


def _pad_samples(op, make):
    mode = op.sample_kwargs["mode"]
    kw = {"mode": mode}
    if mode == "constant":
        v = True if make.dtype == "bool" else 3
        yield SampleInput((make((3, 4)), (1, 2)), {}, "last dim")
        yield SampleInput((make((3, 4)), (1, 2, 0, 1)), {"value": v}, "two dims, value")
        yield SampleInput((make((2, 3, 4)), (2, 0, 1, 1, 0, 2)), {}, "three dims")
        yield SampleInput((make((3, 4)), (-1, 2, 1, -2)), {}, "negative pads crop")
        yield SampleInput((make(()), ()), {}, "0-d, no pad")
        yield SampleInput((make((0, 3)), (1, 1, 2, 0)), {"value": v}, "empty")
        yield SampleInput((make((5,)), (0, 0)), {}, "zero pads")
        yield SampleInput((make((1, 2, 2, 2, 3)), (1, 1, 1, 1, 1, 1, 1, 1)), {}, "four dims")
        return
    yield SampleInput((make((3, 5)), (2, 1)), kw, "2-D, 1 dim")
    yield SampleInput((make((2, 3, 5)), (1, 3)), kw, "3-D, 1 dim")
    yield SampleInput((make((3, 4, 5)), (1, 2, 2, 1)), kw, "3-D, 2 dims")
    yield SampleInput((make((2, 2, 3, 4)), (1, 0, 2, 1)), kw, "4-D, 2 dims")
    yield SampleInput((make((2, 2, 3, 4)), (1, 1, 2, 1, 1, 0)), kw, "4-D, 3 dims")
    yield SampleInput((make((1, 2, 2, 3, 4)), (0, 1, 1, 2, 1, 1)), kw, "5-D, 3 dims")
    yield SampleInput((make((2, 3, 5)), (-1, 2)), kw, "negative pad")
    yield SampleInput((make((0, 3, 5)), (1, 1)), kw, "empty batch")


def _pad_errors(make):
    x = make((2, 3, 4))
    yield ErrorInput(SampleInput((x, (1, 2, 3))), RuntimeError)
    yield ErrorInput(SampleInput((x, (1,) * 8)), RuntimeError)
    yield ErrorInput(SampleInput((x, (-3, -2))), RuntimeError)
    yield ErrorInput(SampleInput((x, (4, 1)), {"mode": "reflect"}), RuntimeError)
    yield ErrorInput(SampleInput((x, (1,) * 6), {"mode": "reflect"}), NotImplementedError)
    yield ErrorInput(SampleInput((make((4,)), (1, 1)), {"mode": "replicate"}), NotImplementedError)
    yield ErrorInput(SampleInput((make((2, 0, 4)), (1, 1)), {"mode": "replicate"}), RuntimeError)
    yield ErrorInput(SampleInput((x, (5, 1)), {"mode": "circular"}), RuntimeError)
    yield ErrorInput(SampleInput((x, (1, 1)), {"mode": "reflect", "value": 1.0}), RuntimeError)
    yield ErrorInput(SampleInput((x, (1, 1)), {"mode": "foo"}), NotImplementedError)
    yield ErrorInput(SampleInput((make((2, 3, 4), dtype="bool"), (1, 1)), {"mode": "reflect"}), NotImplementedError)
    yield ErrorInput(SampleInput((x, [1, 1.5])), TypeError)


def _pad_row(mode, dtypes):
    return OpInfo(
        name="nn.functional.pad",
        variant=mode,
        op=lambda lib, *a, **k: lib.nn.functional.pad(*a, **k),
        ref=_pad_ref,
        dtypes=dtypes,
        function=True,
        method=False,
        differentiable=True,
        sample_kwargs={"mode": mode},
        sample_inputs=_pad_samples,
        error_inputs=_pad_errors if mode == "constant" else None,
    )


SHAPE_OPS2 = [
    # ---- triangles and diagonals ----
    OpInfo(
        name="tril",
        op=fn("tril"),
        ref=lambda x, diagonal=0: np.tril(x, diagonal),
        dtypes=ALL,
        differentiable=True,
        inplace=True,
        sample_inputs=_tri_samples,
        error_inputs=_shape_errors((S(T(3)), RuntimeError), (S(T()), RuntimeError)),
    ),
    OpInfo(
        name="triu",
        op=fn("triu"),
        ref=lambda x, diagonal=0: np.triu(x, diagonal),
        dtypes=ALL,
        differentiable=True,
        inplace=True,
        sample_inputs=_tri_samples,
        error_inputs=_shape_errors((S(T(3)), RuntimeError)),
    ),
    OpInfo(
        name="diagonal",
        op=fn("diagonal"),
        ref=_diagonal_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4)),
            S(T(3, 4), 1),
            S(T(3, 4), -2),
            S(T(3, 4), 5),
            S(T(2, 3, 4), 0, -1, 0),
            S(T(2, 3, 4), offset=1, dim1=2, dim2=1),
            S(T(0, 3)),
        ),
        error_inputs=_shape_errors((S(T(3, 4), 0, 0, 0), RuntimeError), (S(T(3)), IndexError)),
    ),
    OpInfo(
        name="diag_embed",
        op=fn("diag_embed"),
        ref=_diag_embed_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3)),
            S(T(2, 3)),
            S(T(2, 3), 1),
            S(T(2, 3), -2, 0, 2),
            S(T(2, 3), offset=1, dim1=2, dim2=0),
            S(T(0)),
        ),
        error_inputs=_shape_errors((S(T(3), 0, 0, 0), RuntimeError), (S(T()), IndexError)),
    ),
    OpInfo(
        name="diag",
        op=fn("diag"),
        ref=lambda x, diagonal=0: np.diag(x, diagonal),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3)), S(T(3), 1), S(T(3), -2), S(T(3, 4)), S(T(3, 4), 1), S(T(4, 3), diagonal=-1), S(T(0))
        ),
        error_inputs=_shape_errors((S(T(2, 3, 4)), RuntimeError), (S(T()), RuntimeError)),
    ),
    OpInfo(
        name="diagflat",
        op=fn("diagflat"),
        ref=lambda x, offset=0: np.diagflat(x, offset),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(3)), S(T(2, 2), -1), S(T()), S(T(0)), S(T(2, 3), offset=2)),
    ),
    # ---- flips, rolls, rotations ----
    OpInfo(
        name="flip",
        op=fn("flip"),
        ref=_flip_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4), (0,)),
            S(T(2, 3, 4), (0, 2)),
            S(T(2, 3, 4), [-1]),
            S(T(), ()),
            S(T(5), (0,)),
            S(T(0, 3), (0, 1)),
            S(T(3, 4), ()),
        ),
        error_inputs=_shape_errors(
            (S(T(3, 4), (0, 0)), RuntimeError), (S(T(3, 4), (2,)), IndexError), (S(T(3, 4), 0), TypeError)
        ),
    ),
    OpInfo(
        name="flip",
        variant="varargs",
        op=lambda lib, x, *dims: x.flip(*dims),
        ref=lambda x, *dims: np.flip(x, dims),
        dtypes=("float32", "int64"),
        dtypes_complete=False,
        function=False,
        sample_inputs=_samples(S(T(3, 4), 0, 1), S(T(3, 4), 1)),
    ),
    OpInfo(
        name="fliplr",
        op=fn("fliplr"),
        ref=np.fliplr,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4)), S(T(2, 3, 4)), S(T(0, 2))),
        error_inputs=_shape_errors((S(T(3)), RuntimeError)),
    ),
    OpInfo(
        name="flipud",
        op=fn("flipud"),
        ref=np.flipud,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4)), S(T(5)), S(T(0, 2))),
        error_inputs=_shape_errors((S(T()), RuntimeError)),
    ),
    OpInfo(
        name="roll",
        op=fn("roll"),
        ref=_roll_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4), 1),
            S(T(3, 4), (1, -2), (0, 1)),
            S(T(2, 3, 4), 5, 1),
            S(T(2, 3, 4), -1, -1),
            S(T(2, 3, 4), shifts=(2, 7), dims=(0, 2)),
            S(T(0, 3), 1, 0),
            S(T(), 2),
            S(T(5), (1, 2), (0, 0)),
        ),
        error_inputs=_shape_errors(
            (S(T(3, 4), (1, 2), (0,)), RuntimeError), (S(T(), 1, 0), IndexError), (S(T(3, 4), 1, 2), IndexError)
        ),
    ),
    OpInfo(
        name="rot90",
        op=fn("rot90"),
        ref=lambda x, k=1, dims=(0, 1): np.rot90(x, k, axes=tuple(dims)),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4)),
            S(T(3, 4), 2),
            S(T(3, 4), -1),
            S(T(2, 3, 4), 1, (0, 2)),
            S(T(2, 3, 4), 3, [2, 1]),
            S(T(3, 4), 0),
            S(T(3, 4), k=5, dims=(1, 0)),
        ),
        error_inputs=_shape_errors(
            (S(T(3)), RuntimeError), (S(T(3, 4), 1, (0, 0)), RuntimeError), (S(T(3, 4), 1, (0,)), RuntimeError)
        ),
    ),
    # ---- repeats ----
    OpInfo(
        name="repeat",
        op=lambda lib, x, *reps: x.repeat(*reps),
        ref=lambda x, *reps: np.tile(x, reps[0] if len(reps) == 1 and isinstance(reps[0], tuple) else reps),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3), 2),
            S(T(2, 3), 2, 1),
            S(T(2, 3), 1, 2, 3),
            S(T(), 2, 3),
            S(T(0, 3), 2, 2),
            S(T(2, 3), 1, 1),
            S(T(2, 3), (2, 2)),
            S(T(2, 3), 0, 1),
        ),
        error_inputs=_shape_errors((S(T(2, 3), 2), RuntimeError), (S(T(2, 3), -1, 1), RuntimeError)),
    ),
    OpInfo(
        name="tile",
        op=fn("tile"),
        ref=np.tile,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(2, 3), (2,)), S(T(2, 3), (2, 1, 2)), S(T(), (3,)), S(T(3), (1,)), S(T(0, 2), (2, 2))),
        error_inputs=_shape_errors((S(T(2, 3), (-1,)), RuntimeError), (S(T(2, 3), 2), TypeError)),
    ),
    OpInfo(
        name="tile",
        variant="varargs",
        op=lambda lib, x, *dims: x.tile(*dims),
        ref=lambda x, *dims: np.tile(x, dims),
        dtypes=("float32", "int64"),
        dtypes_complete=False,
        function=False,
        sample_inputs=_samples(S(T(2, 3), 2, 1), S(T(2, 3), 2)),
    ),
    OpInfo(
        name="repeat_interleave",
        op=fn("repeat_interleave"),
        ref=_repeat_interleave_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_repeat_interleave_samples,
        error_inputs=_repeat_interleave_errors,
    ),
    OpInfo(
        name="repeat_interleave",
        variant="indices",
        op=lambda lib, r, **kw: lib.repeat_interleave(r, **kw),
        ref=_repeat_interleave_ref,
        dtypes=("int32", "int64"),
        method=False,
        sample_inputs=_repeat_indices_samples,
        error_inputs=_repeat_indices_errors,
    ),
    # ---- moving dims ----
    OpInfo(
        name="movedim",
        op=fn("movedim"),
        ref=lambda x, s, d: np.moveaxis(x, s, d) if x.ndim else x.copy(),
        dtypes=ALL,
        differentiable=True,
        aliases=("moveaxis",),
        sample_inputs=_samples(
            S(T(2, 3, 4), 0, -1),
            S(T(2, 3, 4), (0, 1), (2, 0)),
            S(T(2, 3, 4), [2], [0]),
            S(T(2, 3, 4), (), ()),
            S(T(), 0, 0),
            S(T(3, 4), 1, 0),
        ),
        error_inputs=_shape_errors(
            (S(T(2, 3, 4), (0, 1), (1,)), RuntimeError),
            (S(T(2, 3, 4), (0, 0), (1, 2)), RuntimeError),
            (S(T(2, 3, 4), (0, 1), (2, 2)), RuntimeError),
            (S(T(2, 3, 4), 3, 0), IndexError),
        ),
    ),
    # ---- splits ----
    OpInfo(
        name="meshgrid",
        op=lambda lib, *ts, **kw: lib.meshgrid(*ts, **kw),
        ref=_meshgrid_ref,
        dtypes=ALL,
        method=False,
        differentiable=True,
        sample_inputs=_samples(
            S(T(2), T(3), indexing="ij"),
            S(T(2), T(3), indexing="xy"),
            S([T(2), T(3), T(4)], indexing="xy"),
            S(T(2), T(3), T(4), indexing="ij"),
            S(T(3)),
            S(T(2), T(), indexing="xy"),
            S(T(0), T(2), indexing="ij"),
        ),
        error_inputs=_shape_errors(
            (S(T(2, 2), T(3), indexing="ij"), RuntimeError),
            (S(T(2), T(3), indexing="foo"), RuntimeError),
            (S(T(2), T(3, dtype="float64"), indexing="ij"), RuntimeError),
        ),
    ),
    OpInfo(
        name="tensor_split",
        op=fn("tensor_split"),
        ref=_tensor_split_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(5), 2),
            S(T(3, 7), 3, 1),
            S(T(3, 7), [1, 5, -1], 1),
            S(T(3, 7), (2,)),
            S(T(3, 7), _i64([1, 4]), 1),
            S(T(3, 7), _i64(2), -1),
            S(T(0, 3), 2),
            S(T(3, 7), sections=4, dim=1),
            S(T(3, 7), indices=[2, 1], dim=1),
        ),
        error_inputs=_shape_errors(
            (S(T(), 2), RuntimeError),
            (S(T(3, 4), 0), RuntimeError),
            (S(T(3, 4), TArg(np.array([1.0]), "float32")), RuntimeError),
            (S(T(3, 4), _i64([[1]])), RuntimeError),
        ),
    ),
    OpInfo(
        name="hsplit",
        op=fn("hsplit"),
        ref=lambda x, s: tuple(np.hsplit(x, s)),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4), 2), S(T(4), 2), S(T(3, 4), [1, 3]), S(T(2, 6, 2), 3)),
        error_inputs=_shape_errors((S(T(), 2), RuntimeError), (S(T(3, 4), 3), RuntimeError)),
    ),
    OpInfo(
        name="vsplit",
        op=fn("vsplit"),
        ref=lambda x, s: tuple(np.vsplit(x, s)),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(4, 3), 2), S(T(4, 3), [1]), S(T(6, 2, 2), (2, 5))),
        error_inputs=_shape_errors((S(T(4), 2), RuntimeError), (S(T(3, 4), 2), RuntimeError)),
    ),
    OpInfo(
        name="dsplit",
        op=fn("dsplit"),
        ref=lambda x, s: tuple(np.dsplit(x, s)),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(2, 3, 4), 2), S(T(2, 3, 4), [1, 3])),
        error_inputs=_shape_errors((S(T(2, 3), 1), RuntimeError), (S(T(2, 3, 4), 0), RuntimeError)),
    ),
    # ---- stacks ----
    OpInfo(
        name="hstack",
        op=fn("hstack"),
        ref=np.hstack,
        dtypes=ALL,
        method=False,
        differentiable=True,
        supports_out=True,
        sample_inputs=_samples(S([T(3), T(2)]), S([T(2, 3), T(2, 1)]), S([T(), T(2)]), S([T(2, 3, 1), T(2, 2, 1)])),
        error_inputs=_shape_errors((S([]), RuntimeError), (S([T(2, 3), T(3, 3)]), RuntimeError)),
    ),
    *[
        OpInfo(
            name=name,
            op=fn(name),
            ref=np.vstack,
            dtypes=ALL,
            method=False,
            differentiable=True,
            supports_out=True,
            sample_inputs=_samples(S([T(3), T(2, 3)]), S([T(2, 3), T(1, 3)]), S([T(), T(1)]), S([T(2, 2, 2)])),
            error_inputs=_shape_errors((S([]), RuntimeError), (S([T(2), T(3)]), RuntimeError)),
        )
        for name in ("vstack", "row_stack")
    ],
    OpInfo(
        name="dstack",
        op=fn("dstack"),
        ref=np.dstack,
        dtypes=ALL,
        method=False,
        differentiable=True,
        supports_out=True,
        sample_inputs=_samples(S([T(3), T(1, 3)]), S([T(2, 3), T(2, 3, 2)]), S([T(), T()])),
        error_inputs=_shape_errors((S([]), RuntimeError), (S([T(2, 3), T(3, 3)]), RuntimeError)),
    ),
    OpInfo(
        name="column_stack",
        op=fn("column_stack"),
        ref=np.column_stack,
        dtypes=ALL,
        method=False,
        differentiable=True,
        supports_out=True,
        sample_inputs=_samples(S([T(3), T(3, 2), T(3)]), S([T(), T(1)]), S([T(2, 2, 2), T(2, 1, 2)])),
        error_inputs=_shape_errors((S([]), RuntimeError), (S([T(3), T(2)]), RuntimeError)),
    ),
    *[
        OpInfo(
            name=name,
            op=lambda lib, *a, _name=name: getattr(lib, _name)(*a),
            ref=_atleast_ref(f),
            dtypes=ALL,
            method=False,
            differentiable=True,
            sample_inputs=_samples(
                S(T()), S(T(3)), S(T(2, 3)), S(T(2, 3, 4)), S(T(), T(3)), S([T(2, 3), T()]), S([T(4)])
            ),
        )
        for name, f in (("atleast_1d", np.atleast_1d), ("atleast_2d", np.atleast_2d), ("atleast_3d", np.atleast_3d))
    ],
    # ---- memory formats ----
    OpInfo(
        name="clone",
        variant="memory_format",
        op=lambda lib, x, fmt=None: lib.clone(x) if fmt is None else lib.clone(x, memory_format=getattr(lib, fmt)),
        ref=lambda x, fmt=None: np.array(x, copy=True),
        dtypes=ALL,
        method=False,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4)),
            S(T(2, 3, 4, 5), "channels_last"),
            S(T(2, 3, 4, 5), "contiguous_format"),
            S(T(1, 2, 3, 2, 2), "channels_last_3d"),
            S(T(2, 3), "preserve_format"),
        ),
        error_inputs=_shape_errors((S(T(2, 3), "channels_last"), RuntimeError)),
    ),
    OpInfo(
        name="clone",
        variant="strides",
        op=_clone_strides,
        ref=None,
        dtypes=("float32",),
        dtypes_complete=False,
        method=False,
        layouts=("contiguous", "transposed"),
        sample_inputs=_samples(
            S(T(2, 3, 4, 5)),
            S(T(2, 3, 4, 5), "channels_last"),
            S(T(2, 3, 1, 5), "channels_last"),
            S(T(2, 3, 4, 5), "contiguous_format"),
            S(T(1, 2, 3, 2, 2), "channels_last_3d"),
        ),
    ),
    OpInfo(
        name="contiguous",
        variant="memory_format",
        op=_contiguous_strides,
        ref=None,
        dtypes=("float32",),
        dtypes_complete=False,
        function=False,
        layouts=("contiguous", "transposed"),
        sample_inputs=_samples(
            S(T(2, 3, 4, 5), "channels_last"),
            S(T(2, 3, 4, 5), "contiguous_format"),
            S(T(1, 2, 3, 2, 2), "channels_last_3d"),
            S(T(2, 1, 1, 1), "channels_last"),
            S(T(2, 3, 4, 5), "preserve_format"),
        ),
        error_inputs=_shape_errors(
            (S(T(2, 3, 4, 5), "channels_last_3d"), RuntimeError), (S(T(2, 3), "channels_last"), RuntimeError)
        ),
    ),
    # ---- padding ----
    _pad_row("constant", ALL),
    _pad_row("reflect", NUMERIC_NO_BOOL),
    _pad_row("replicate", NUMERIC_NO_BOOL),
    _pad_row("circular", ALL),
]

SHAPE_OPS2 += ALIASING
