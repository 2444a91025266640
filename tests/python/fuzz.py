"""The op-table fuzzer: every row of op_db.OP_DB called with mutated arguments, valid and invalid.

A case starts from one of the row's own sample inputs (so most cases are near a valid call) and
applies zero to two mutations: another dtype, another shape, 0-d or empty tensors, NaN/inf values,
out-of-range or enormous integers, junk Python objects, a missing or an extra argument, an unknown
keyword, non-contiguous / negative-stride / overlapping (stride 0) views, inputs aliasing each other.
It is then called as a function, a Tensor method, an in-place method or with ``out=`` (aliasing an
input or not) where the row has those forms. ``index_cases`` fuzzes ``x[key]`` and
``x[key] = value`` with junk keys.

Every case is built from NumPy values, so the same call runs in ember and in torch. ``run_case``
classifies the outcome:

* ``crash`` can't be observed from inside: the process dies (scripts/fuzz.py runs chunks in
  subprocesses to name the case);
* ember raises something other than a builtin error class (an AttributeError, a SystemError...),
  or an error with an empty message: a ``bad-error``;
* with torch installed: ember must accept what torch accepts, with the same result dtype, shape and
  values, and refuse what torch refuses with the same error class (``error_kind``), apart from the
  documented cases in ``KNOWN_DIFFERENCES``.

Cases are numbered per row and drawn from a generator seeded by (seed, row id, case number), so a
case can be rerun alone: ``python scripts/fuzz.py --op add --case 17 -v``.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass, field

import ember
import numpy as np
from op_db import ALL, DT, FLOATS, INTS, OP_DB, SPECIAL, OpInfo, SampleInput, TArg, carrier_dtype

# torch's error classes (OverflowError: a Python int beyond int64 given as a number)
ERROR_KINDS = (IndexError, TypeError, ValueError, NotImplementedError, RuntimeError, OverflowError)

# Values of the "enormous / out of range" integer mutation. Medium sizes (2**31 elements) are left
# out on purpose: both libraries would really allocate them, which makes the fuzzer slow, not
# stronger (tests/python/test_large_tensors.py covers > 2**31 elements).
JUNK_INTS = [-1, -2, -7, 0, 1, 2, 3, 5, 64, 2**40, -(2**40), 2**62, 2**63 - 1, -(2**63), 2**64]


class _Opaque:
    """An object no op accepts."""

    def __repr__(self):
        return "<opaque>"


JUNK_OBJECTS = [None, "a", 1.5, -0.5, math.nan, math.inf, True, 1j, (), [], [1, 2], (0, "x"),
                _Opaque(), b"xy", {"a": 1}, slice(1, 2)]


def error_kind(exc: BaseException) -> type:
    """The builtin error class an exception counts as (torch's own errors subclass these)."""
    for kind in ERROR_KINDS:  # NotImplementedError before RuntimeError, its base
        if isinstance(exc, kind):
            return kind
    return type(exc)


# ---- building inputs ----


@dataclass
class TView:
    """A tensor argument with a layout: contiguous, transposed, strided, negative or expanded."""

    arg: TArg
    layout: str = "contiguous"
    expand_dim: int = -1  # for "expanded": the dim broadcast from size 1 (stride 0)


def _retype(arg: TArg, dtype: str) -> TArg:
    v = arg.value
    with np.errstate(all="ignore"):
        if dtype == "bool":
            nv = np.asarray(v != 0)
        elif dtype in INTS:
            f = np.nan_to_num(np.asarray(v, dtype=np.float64), nan=0.0, posinf=100, neginf=-100)
            nv = np.asarray(np.clip(np.trunc(f), -100, 100)).astype(carrier_dtype(dtype))
        else:
            nv = np.asarray(v).astype(carrier_dtype(dtype))
    return TArg(np.asarray(nv), dtype)


def _random_values(rng, shape, dtype) -> TArg:
    shape = tuple(shape)
    if dtype == "bool":
        return TArg(np.asarray(rng.random(shape) < 0.5), dtype)
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -9
        return TArg(np.asarray(rng.integers(lo, 10, size=shape)).astype(dtype), dtype)
    v = np.asarray(rng.uniform(-9, 9, size=shape)).astype(carrier_dtype(dtype))
    return TArg(np.asarray(v), dtype)


def _lib_dtype(lib, name):
    return getattr(lib, name)


def make_tensor(lib, view: TView):
    """The `lib` tensor for a TView (same values in every layout; bfloat16 rides in float32)."""
    arg = view.arg
    v = arg.value
    bf16 = arg.dtype == "bfloat16"

    def convert(t):
        return t.to(lib.bfloat16) if bf16 else t

    layout = view.layout
    if layout == "transposed" and v.ndim >= 2:
        base = np.ascontiguousarray(np.swapaxes(v, -1, -2))
        return convert(lib.from_numpy(base)).transpose(-1, -2)
    if layout == "strided" and v.ndim >= 1:
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        return convert(lib.from_numpy(base)).unflatten(-1, (v.shape[-1], 2)).select(-1, 0)
    if layout == "negative" and v.ndim >= 1:
        # a view with a negative stride in ember (from NumPy); torch has none: it gets a flip
        if lib is ember:
            return convert(lib.from_numpy(np.flip(np.array(np.flip(v), copy=True, order="C"))))
        flipped = np.array(np.flip(v), copy=True, order="C")
        return convert(lib.from_numpy(flipped)).flip(tuple(range(v.ndim)))
    if layout == "expanded" and 0 <= view.expand_dim < v.ndim:
        d = view.expand_dim
        one = np.ascontiguousarray(np.take(v, [0], axis=d))
        return convert(lib.from_numpy(one)).expand(*v.shape)
    return convert(lib.from_numpy(np.array(v, copy=True)))


def _expanded_values(arg: TArg, d: int) -> TArg:
    """The values an "expanded" view along d shows: slice 0 repeated."""
    v = arg.value
    return TArg(np.ascontiguousarray(np.repeat(np.take(v, [0], axis=d), v.shape[d], axis=d)),
                arg.dtype)


def _materialize(lib, value):
    if isinstance(value, TView):
        return make_tensor(lib, value)
    if isinstance(value, TArg):
        return make_tensor(lib, TView(value))
    if isinstance(value, DT):
        return getattr(lib, value.name)
    if isinstance(value, list) and value and any(isinstance(x, (TView, TArg)) for x in value):
        return [_materialize(lib, x) for x in value]
    if isinstance(value, tuple) and value and any(isinstance(x, (TView, TArg)) for x in value):
        return tuple(_materialize(lib, x) for x in value)
    return value


# ---- cases ----


@dataclass
class Case:
    op: OpInfo
    number: int
    args: tuple
    kwargs: dict
    form: str = "function"  # function | method | inplace | out | out-alias
    mutations: list = field(default_factory=list)
    alias: tuple = ()  # (i, j): positional args i and j are the same tensor object
    out: TView | None = None

    @property
    def desc(self) -> str:
        muts = ", ".join(self.mutations) or "valid"
        return f"{self.op.id} #{self.number} [{self.form}; {muts}]"


def _simple_name(op: OpInfo) -> bool:
    """Whether the row's call is plain `lib.<name>(...)` (so method / in-place forms exist)."""
    return op.function and getattr(op.op, "__qualname__", "").startswith("fn.")


def _tensor_slots(args, kwargs):
    """Where the tensor arguments are: ("a", i), ("a", i, j) for list elements, ("k", key)."""
    slots = []
    for i, a in enumerate(args):
        if isinstance(a, (TArg, TView)):
            slots.append(("a", i))
        elif isinstance(a, list):
            slots += [("a", i, j) for j, x in enumerate(a) if isinstance(x, (TArg, TView))]
    for k, v in kwargs.items():
        if isinstance(v, (TArg, TView)):
            slots.append(("k", k))
    return slots


def _int_slots(args, kwargs):
    """Where integer arguments are (dims, sizes, counts), also inside tuples/lists of ints."""
    slots = []

    def visit(v, path):
        if isinstance(v, bool):
            return
        if isinstance(v, int):
            slots.append(path)
        elif isinstance(v, (tuple, list)) and all(isinstance(x, int) for x in v):
            slots.extend(path + (j,) for j, x in enumerate(v) if not isinstance(x, bool))

    for i, a in enumerate(args):
        visit(a, ("a", i))
    for k, v in kwargs.items():
        visit(v, ("k", k))
    return slots


def _get(args, kwargs, slot):
    base = args[slot[1]] if slot[0] == "a" else kwargs[slot[1]]
    return base[slot[2]] if len(slot) > 2 else base


def _set(args, kwargs, slot, value):
    """A copy of (args, kwargs) with the slot replaced."""
    args, kwargs = list(args), dict(kwargs)
    if len(slot) > 2:
        seq = args[slot[1]] if slot[0] == "a" else kwargs[slot[1]]
        seq2 = list(seq)
        seq2[slot[2]] = value
        value = type(seq)(seq2) if isinstance(seq, tuple) else seq2
    if slot[0] == "a":
        args[slot[1]] = value
    else:
        kwargs[slot[1]] = value
    return tuple(args), kwargs


def _as_targ(v) -> TArg:
    return v.arg if isinstance(v, TView) else v


def _mutate(rng, op: OpInfo, args, kwargs, muts: list):
    """Applies one random mutation; returns the new (args, kwargs)."""
    tslots = _tensor_slots(args, kwargs)
    islots = _int_slots(args, kwargs)
    choices = ["dtype", "shape", "zero-d", "empty", "special", "junk", "drop", "extra", "kwarg"]
    if islots:
        choices += ["int", "int", "int"]
    if tslots:
        choices += ["dtype", "shape", "layout", "layout"]
    if len([s for s in tslots if s[0] == "a"]) >= 2:
        choices.append("alias")
    kind = choices[rng.integers(len(choices))]
    if kind in ("dtype", "shape", "zero-d", "empty", "special", "layout") and not tslots:
        kind = "junk"
    if kind == "dtype":
        slot = tslots[rng.integers(len(tslots))]
        dt = ALL[rng.integers(len(ALL))]
        muts.append(f"{_slot_name(slot)} as {dt}")
        return _set(args, kwargs, slot, _retype(_as_targ(_get(args, kwargs, slot)), dt))
    if kind in ("shape", "zero-d", "empty"):
        slot = tslots[rng.integers(len(tslots))]
        old = _as_targ(_get(args, kwargs, slot))
        shape = list(old.shape)
        if kind == "zero-d":
            shape = []
        elif kind == "empty":
            shape = [0] + shape[1:] if shape else [0]
        else:
            r = rng.integers(4)
            if r == 0 or not shape:
                shape.insert(int(rng.integers(len(shape) + 1)), int(rng.integers(1, 4)))
            elif r == 1:
                shape.pop(int(rng.integers(len(shape))))
            else:
                shape[int(rng.integers(len(shape)))] = int(rng.integers(0, 6))
        muts.append(f"{_slot_name(slot)} shape {tuple(shape)}")
        return _set(args, kwargs, slot, _random_values(rng, shape, old.dtype))
    if kind == "special":
        slot = tslots[rng.integers(len(tslots))]
        old = _as_targ(_get(args, kwargs, slot))
        if old.dtype not in FLOATS:
            old = _retype(old, "float32")
        vals = rng.choice(np.array(SPECIAL), size=old.shape).astype(carrier_dtype(old.dtype))
        muts.append(f"{_slot_name(slot)} NaN/inf")
        return _set(args, kwargs, slot, TArg(np.asarray(vals), old.dtype))
    if kind == "layout":
        slot = tslots[rng.integers(len(tslots))]
        old = _as_targ(_get(args, kwargs, slot))
        layouts = ["transposed", "strided", "negative", "expanded"]
        layout = layouts[rng.integers(len(layouts))]
        if layout == "expanded":
            if old.ndim == 0 or old.value.size == 0:
                layout = "contiguous"
            else:
                d = int(rng.integers(old.ndim))
                muts.append(f"{_slot_name(slot)} expanded along {d}")
                return _set(args, kwargs, slot, TView(_expanded_values(old, d), "expanded", d))
        muts.append(f"{_slot_name(slot)} {layout}")
        return _set(args, kwargs, slot, TView(old, layout))
    if kind == "int":
        slot = islots[rng.integers(len(islots))]
        v = JUNK_INTS[rng.integers(len(JUNK_INTS))]
        muts.append(f"{_slot_name(slot)}={v}")
        return _set(args, kwargs, slot, v)
    if kind == "junk":
        n = len(args) + len(kwargs)
        if n == 0:
            muts.append("no args")
            return args, kwargs
        j = int(rng.integers(n))
        slot = ("a", j) if j < len(args) else ("k", list(kwargs)[j - len(args)])
        junk = JUNK_OBJECTS[rng.integers(len(JUNK_OBJECTS))]
        muts.append(f"{_slot_name(slot)}={junk!r}")
        return _set(args, kwargs, slot, junk)
    if kind == "drop":
        if args:
            muts.append("last arg dropped")
            return args[:-1], kwargs
        muts.append("no args")
        return args, kwargs
    if kind == "extra":
        extra = [1, 0, -1, None, 2.5][rng.integers(5)]
        muts.append(f"extra arg {extra!r}")
        return args + (extra,), kwargs
    if kind == "kwarg":
        muts.append("unknown keyword")
        return args, dict(kwargs, bogus_keyword=1)
    if kind == "alias":
        pos = [s[1] for s in tslots if s[0] == "a" and len(s) == 2]
        if len(pos) >= 2:
            i, j = sorted(rng.choice(pos, size=2, replace=False).tolist())
            muts.append(f"arg{j} is arg{i}")
            return args, dict(kwargs, __alias__=(i, j))
    muts.append("valid")
    return args, kwargs


def _slot_name(slot) -> str:
    name = f"arg{slot[1]}" if slot[0] == "a" else str(slot[1])
    return f"{name}[{slot[2]}]" if len(slot) > 2 else name


def op_cases(op: OpInfo, count: int, seed: int = 0) -> list[Case]:
    """`count` fuzz cases of one row, the same for the same seed."""
    cases = []
    samples_by_dtype = {}
    for number in range(count):
        rng = np.random.default_rng(zlib.crc32(f"{seed}/{op.id}/{number}".encode()))
        dtype = op.dtypes[rng.integers(len(op.dtypes))]
        if dtype not in samples_by_dtype:
            srng = np.random.default_rng(zlib.crc32(f"{seed}/{op.id}/{dtype}".encode()))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                samples_by_dtype[dtype] = list(op.samples(dtype, srng))
        samples = samples_by_dtype[dtype]
        if not samples:
            continue
        sample: SampleInput = samples[rng.integers(len(samples))]
        args, kwargs = tuple(sample.args), dict(sample.kwargs)
        muts: list = []
        n_mut = [0, 1, 1, 1, 2][rng.integers(5)]  # a fifth of the cases stay valid
        alias = ()
        with np.errstate(all="ignore"):
            for _ in range(n_mut):
                args, kwargs = _mutate(rng, op, args, kwargs, muts)
                alias = kwargs.pop("__alias__", alias)
        forms = ["function"]
        first_tensor = bool(args) and isinstance(args[0], (TArg, TView))
        if _simple_name(op) and first_tensor:
            if op.method:
                forms.append("method")
            if op.inplace:
                forms += ["inplace", "inplace"]
        if op.supports_out and _simple_name(op):
            forms += ["out", "out-alias"]
        form = forms[rng.integers(len(forms))]
        case = Case(op, number, args, kwargs, form, muts, tuple(alias))
        if form == "out":
            case.out = _out_view(rng, op, args, kwargs)
        cases.append(case)
    return cases


def _out_view(rng, op, args, kwargs) -> TView:
    """An out= tensor: the result's shape and dtype when ember computes one, often another dtype,
    sometimes non-contiguous or another shape."""
    try:
        r = op.op(ember, *[_materialize(ember, a) for a in args],
                  **{k: _materialize(ember, v) for k, v in kwargs.items()})
        shape = tuple(r.shape) if isinstance(r, ember.Tensor) else (1,)
        dt = str(r.dtype).split(".")[-1] if isinstance(r, ember.Tensor) else "float32"
    except Exception:  # noqa: BLE001 - the out tensor then gets a guessed shape
        shape, dt = (2, 3), "float32"
    r = rng.integers(6)
    if r == 0:
        dt = ALL[rng.integers(len(ALL))]
    elif r == 1:
        shape = shape + (2,)
    arg = _random_values(rng, shape, dt)
    layout = "transposed" if r == 2 and len(shape) >= 2 else "contiguous"
    return TView(arg, layout)


# ---- running ----


@dataclass
class Outcome:
    case: Case
    ember_exc: BaseException | None
    torch_exc: BaseException | None
    problem: str | None  # None: acceptable


def _call(lib, case: Case):
    """Builds the case's inputs for `lib` and calls it: (result, exception, inputs)."""
    args = [_materialize(lib, a) for a in case.args]
    if case.alias and max(case.alias) < len(args):
        i, j = case.alias
        args[j] = args[i]
    kwargs = {k: _materialize(lib, v) for k, v in case.kwargs.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.form == "function":
                r = case.op.op(lib, *args, **kwargs)
            elif case.form == "method":
                r = getattr(args[0], case.op.name)(*args[1:], **kwargs)
            elif case.form == "inplace":
                r = getattr(args[0], case.op.name + "_")(*args[1:], **kwargs)
            elif case.form == "out":
                out = make_tensor(lib, case.out)
                r = case.op.op(lib, *args, out=out, **kwargs)
                r = (r, out)
            else:  # out-alias: the first argument is also the output (none left: out=None)
                out = args[0] if args else None
                r = case.op.op(lib, *args, out=out, **kwargs)
                r = (r, out)
        return r, None, args
    except Exception as exc:  # noqa: BLE001 - any error is compared with torch's
        return None, exc, args


def _to_numpy(t):
    if str(t.dtype).endswith("bfloat16"):
        t = t.float()
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t.numpy())


def _compare(op: OpInfo, a, t, where="result") -> str | None:
    """None when ember's `a` matches torch's `t` (type, dtype, shape, values)."""
    import torch

    if isinstance(t, torch.Tensor):
        if not isinstance(a, ember.Tensor):
            return f"{where}: ember gives {type(a).__name__}, torch a tensor"
        adt, tdt = str(a.dtype).split(".")[-1], str(t.dtype).split(".")[-1]
        if adt != tdt:
            return f"{where}: dtype {adt} != torch's {tdt}"
        if tuple(a.shape) != tuple(t.shape):
            return f"{where}: shape {tuple(a.shape)} != torch's {tuple(t.shape)}"
        if op.name in VALUES_UNDEFINED or math.prod(t.shape) > 10**7 or max(t.shape, default=0) > 10**9:
            return None  # huge results are views (expand): shape and dtype suffice
        av, tv = _to_numpy(a), _to_numpy(t)
        if av.size == 0:
            return None
        if av.dtype.kind == "f" or tv.dtype.kind == "f":
            rtol, atol = op.tolerance(adt)
            if adt in ("float16", "bfloat16"):
                rtol, atol = max(rtol, 2e-2), max(atol, 2e-2)
            ok = np.isclose(av.astype(np.float64), tv.astype(np.float64), rtol=rtol, atol=atol,
                            equal_nan=True)
        else:
            ok = av == tv
        if not np.all(ok):
            return f"{where}: {int(np.sum(~ok))} of {ok.size} values differ from torch's"
        return None
    if isinstance(t, (tuple, list)):
        if not isinstance(a, (tuple, list)) or len(a) != len(t):
            return f"{where}: ember gives {type(a).__name__}, torch {type(t).__name__} of {len(t)}"
        for i, (x, y) in enumerate(zip(a, t)):
            msg = _compare(op, x, y, f"{where}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(t, (bool, int, float)):
        if type(a) is not type(t):
            return f"{where}: ember gives {type(a).__name__}, torch {type(t).__name__}"
        if a != t and not (isinstance(t, float) and math.isnan(t) and math.isnan(a)):
            if not (isinstance(t, float) and math.isclose(a, t, rel_tol=1e-5, abs_tol=1e-6)):
                return f"{where}: {a!r} != torch's {t!r}"
        return None
    return None  # other results (torch.Size, dtypes...) aren't compared


# Rows whose values are uninitialized memory: only dtype and shape are compared.
VALUES_UNDEFINED = {"empty", "empty_like", "new_empty", "empty_strided"}


def _bad_error(case, exc: BaseException) -> str | None:
    """What is wrong with an error ember raised, whatever torch does."""
    if isinstance(exc, AttributeError) and case is not None and case.args and not isinstance(
        case.args[0], (TArg, TView)
    ):
        return None  # a method row called on a junk object: Python's own AttributeError
    if error_kind(exc) not in ERROR_KINDS:
        return f"ember raises {type(exc).__name__} ({exc}), not a builtin error class"
    if not str(exc).strip():
        return f"ember raises {type(exc).__name__} with an empty message"
    return None


def run_case(case: Case, torch=None) -> Outcome:
    """Runs one case in ember (and torch when given) and judges the outcome."""
    with np.errstate(all="ignore"):
        ares, aexc, aargs = _call(ember, case)
        bad = _bad_error(case, aexc) if aexc is not None else None
        if torch is None:
            return Outcome(case, aexc, None, bad)
        if _torch_would_list_everything(case):
            # torch.combinations lists the combinations of every index before it finds none: 8 TB
            # for r = 2**40, which AddressSanitizer's run reports as an error. Its answer is known.
            tres, texc = None, RuntimeError("std::bad_alloc (not run: torch would allocate terabytes)")
        else:
            tres, texc, targs = _call(torch, case)
    if bad and not (texc is not None and type(texc) is type(aexc)):
        return Outcome(case, aexc, texc, bad)
    known = known_difference(case, aexc, texc, tres)
    if known:
        return Outcome(case, aexc, texc, None)
    if values_are_undefined(case) and not _casts_to_int(case):
        return Outcome(case, aexc, texc, None)  # LAPACK on non-finite input: anything but a crash
    if texc is not None:
        if aexc is None:
            return Outcome(case, None, texc,
                           f"torch raises {type(texc).__name__} ({_short(texc)}), ember doesn't")
        if error_kind(aexc) is not error_kind(texc):
            return Outcome(case, aexc, texc,
                           f"ember raises {type(aexc).__name__} ({_short(aexc)}), torch "
                           f"{type(texc).__name__} ({_short(texc)})")
        return Outcome(case, aexc, texc, None)
    if aexc is not None:
        return Outcome(case, aexc, None,
                       f"ember raises {type(aexc).__name__} ({_short(aexc)}), torch doesn't")
    if values_are_undefined(case):
        return Outcome(case, None, None, None)
    if case.op.name in _TIE_ROWS and isinstance(tres, tuple) and isinstance(ares, tuple):
        ares, tres = ares[:1], tres[:1]  # which index wins a tie is unspecified: values only
    msg = _compare(case.op, ares, tres)
    if msg is None and case.form == "inplace":
        msg = _compare(case.op, aargs[0], targs[0], "self after the call")
    return Outcome(case, None, None, msg)


def raised_by_harness(exc: BaseException) -> bool:
    """Whether a TypeError came from the op table's own call wrapper (a lambda or nested helper
    given a dropped or extra argument), not from ember: such messages name the wrapper."""
    msg = str(exc)
    return isinstance(exc, TypeError) and (
        msg.startswith("<lambda>()") or ".<locals>." in msg or ".<lambda>()" in msg
    )


# Rows whose errors may name another op:
# - functions written in Python over other ops, whose errors come from the inner op ("sum:
#   Dimension out of range" from normalize, "cdist" from pdist, "hardtanh_" from relu6_,
#   "adaptive_avg_pool2d" and torch's upsample kernels' size messages from interpolate);
# - op-table rows whose call itself composes ops: the aliasing rows write `mul`'s result through
#   the view, the Hermitian rows (cholesky, eigh ...) symmetrize the input with `A + A.mT`, the
#   memory_format rows look the format up with getattr.
_COMPOSED_ROWS = {
    "linalg.cholesky", "linalg.cholesky_ex", "linalg.cholesky_upper", "cholesky", "linalg.eigh",
    "linalg.eigh_upper", "linalg.eigvalsh", "linalg.vecdot", "linalg.matrix_rank", "linalg.pinv",
    "linalg.pinv_tol", "linalg.matrix_norm", "nn.functional.cosine_similarity",
    "nn.functional.pairwise_distance", "nn.functional.normalize", "nn.functional.pdist",
    "interpolate",
    "nn.functional.relu6.inplace", "clone.memory_format", "clone.strides",
    "contiguous.memory_format",
    # rows that build their input (a triangular factor, an LU factorization) or normalize signs
    "cholesky_solve", "cholesky_inverse", "lu_unpack", "lu_unpack.all", "lu_solve", "linalg.lu_solve", "qr",
    "svd",
}


def message_excused(op: OpInfo, exc: BaseException) -> bool:
    """Errors that need not name the op: Python's own operator fallback (`x / {}`: "unsupported
    operand type(s) for /", as with torch) and the composed rows above."""
    msg = str(exc)
    python_operator = isinstance(exc, TypeError) and (
        msg.startswith(("unsupported operand type(s)", "bad operand type for unary"))
        or "not supported between instances" in msg
    )
    return python_operator or op.id in _COMPOSED_ROWS or op.id.endswith(".aliasing")


def message_names_op(op: OpInfo, exc: BaseException) -> bool:
    """Whether an error message names the op (its name, an alias or the operator's name)."""
    msg = str(exc)
    names = {op.name, *op.aliases}
    if op.name == "linalg":  # rows linalg.<variant>: the function is the variant ("qr_modes": qr)
        names |= {op.variant, op.variant.rsplit("_", 1)[0]}
    short = set()
    for n in names:
        n = n.split(".")[-1].strip("_")
        short |= {n, n.rstrip("_"), n[1:] if n[:1] in "ri" and n[1:] in _OPERATORS else n}
    short |= {_OPERATOR_FUNCTIONS.get(n, n) for n in short}
    # "log_sigmoid: ..." names F.logsigmoid (the binding under it has torch's internal name)
    squeezed = msg.replace("_", "")
    return (
        any(n and (n in msg or n.replace("_", "") in squeezed) for n in short)
        or "Tensor" in msg and "argument" in msg
    )


# x / y, x % y ... run torch's functions, whose names their messages carry (as torch's do)
_OPERATOR_FUNCTIONS = {"truediv": "div", "floordiv": "floor_divide", "mod": "remainder",
                       "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift",
                       "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor"}

_OPERATORS = {"add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor",
              "lshift", "rshift", "matmul"}


def _short(exc: BaseException, n: int = 160) -> str:
    s = " ".join(str(exc).split())
    return s if len(s) <= n else s[:n] + "..."


# ---- where ember differs from torch on purpose ----


# special functions torch implements for float32/float64 only; ember's rows compute 16-bit floats in
# float32 like every other row
HALF_KERNELS_TORCH_LACKS = {"special_ndtri", "special_log_ndtr", "special_erfcx", "special_zeta"}


_NN_ROWS = {"convolution", "batch_norm", "layer_norm", "group_norm", "rms_norm", "cross_entropy", "nll_loss",
            "interpolate", "grid_sampler",
            *(f"{kind}{d}d" for kind in ("max_pool", "avg_pool", "adaptive_avg_pool", "adaptive_max_pool")
              for d in (1, 2, 3))}
_BUILTIN_ERRORS = (RuntimeError, ValueError, TypeError, IndexError)


def _nn_difference(names, case, ember_exc, torch_exc) -> str | None:
    """The native layers' documented differences (docs/reliability.md, "Native layers")."""
    if isinstance(ember_exc, _BUILTIN_ERRORS) and isinstance(torch_exc, _BUILTIN_ERRORS) and any(
        "shape ()" in m for m in case.mutations
    ):
        return "a 0-d input is refused by the op's rank check; torch's error class comes from a dim wrap"
    if isinstance(ember_exc, NotImplementedError) and any(
        f"as {t}" in m for m in case.mutations for t in ("int", "uint", "bool")
    ):
        return "integer pooling and norms are not implemented (NotImplementedError names the op and dtype)"
    if ember_exc is None and isinstance(torch_exc, RuntimeError) and (
        "mixed dtype" in str(torch_exc) or "expected scalar type" in str(torch_exc)
    ):
        return "a norm's weight and bias are converted to the input's dtype (torch refuses other dtypes)"
    if ember_exc is None and isinstance(torch_exc, TypeError) and "cudnn" in str(torch_exc):
        return "the unused cudnn flag takes any truth value"
    if "grid_sampler" in names and isinstance(ember_exc, RuntimeError) and any(
        f"expected {what} mode" in str(ember_exc) for what in ("interpolation", "padding")
    ):
        return "grid_sampler refuses a mode code outside torch's enums (torch reads it as some mode)"
    if isinstance(ember_exc, ValueError) and isinstance(torch_exc, RuntimeError) and "should contain" in str(
        torch_exc
    ):
        return "a 0-d input fails the rank check before the weight's size check"
    return None


def known_difference(case: Case, ember_exc, torch_exc, torch_result=None) -> str | None:
    """Why this case's outcome may differ from torch's (None: it must match). Each rule is a
    documented place where ember does better or differently (docs/reliability.md)."""
    names = _row_names(case.op)
    if (
        names & HALF_KERNELS_TORCH_LACKS
        and ember_exc is None
        and isinstance(torch_exc, NotImplementedError)
        and ("Half" in str(torch_exc) or "BFloat16" in str(torch_exc))
    ):
        return "ember computes these special functions for 16-bit floats (in float32); torch has no kernel"
    if names & {"matrix_exp"} and ember_exc is None and torch_exc is None and any(
        "float16" in m or "bfloat16" in m for m in case.mutations
    ):
        return "torch's float16/bfloat16 matrix_exp gives inf and nan even for 0.1 * I; ember's stays finite"
    if names & {"combinations"} and ember_exc is None and isinstance(torch_exc, RuntimeError) and "bad_alloc" in str(
        torch_exc
    ):
        return "more elements picked than there are: torch runs out of memory, ember returns no combination"
    if names & {"polygamma"} and ember_exc is None and torch_exc is None:
        return "ember evaluates float32 polygamma in float64 and rounds once; torch's float32 kernel overflows to NaN at large orders"
    if ember_exc is not None and torch_exc is None and _all_empty(torch_result):
        return "ember checks arguments (indices, dtypes) even when the result has no elements"
    if case.form == "out-alias" and ember_exc is None:
        return "ember's out= computes from the original inputs, so out= may alias an input"
    if names & {"index_select", "take_along_dim"} and _is_bounds_error(ember_exc) and (
        torch_exc is None or isinstance(torch_exc, RuntimeError)
    ):
        return "out-of-range indices are always IndexError; torch wraps or raises RuntimeError"
    if names & {"median", "nanmedian"} and ember_exc is None and torch_exc is None and any(
        "expanded" in m for m in case.mutations
    ):
        return "torch's median along a stride-0 dim reads uninitialized memory"
    if _is_lapack(case.op):
        if isinstance(ember_exc, RuntimeError) and torch_exc is None and "singular" in str(ember_exc):
            return "ember reports singular input; torch returns unspecified values"
    if "einsum" in names and isinstance(ember_exc, RuntimeError) and "same dtype" in str(ember_exc):
        return "einsum needs operands of one dtype (torch promotes when nothing is contracted)"
    if "nn.functional.linear" in names and ember_exc is None and torch_exc is not None:
        return "a 1-D weight works for every input rank (torch: only some)"
    if (
        names & _RANK_ERROR_ROWS
        and isinstance(ember_exc, RuntimeError)
        and isinstance(torch_exc, IndexError)
        and "Dimension" in str(torch_exc)
    ):
        return "a wrong rank is ember's RuntimeError; torch's IndexError comes from an internal dim wrap"
    if "histc" in names and isinstance(ember_exc, NotImplementedError):
        return "histc of integer tensors is not implemented"
    if names & {"median", "nanmedian"} and isinstance(ember_exc, IndexError) and "empty" in str(ember_exc):
        return "the median of an empty integer tensor is an error (torch returns NaN cast to int)"
    if names & _POW_ROWS and ember_exc is None and torch_exc is None and _has_special(case):
        return "pow of -inf/-0.0 to +-0.5 follows IEEE pow; torch's float kernels special-case sqrt"
    if "nn.functional.gelu" in names and _has_special(case) and ember_exc is None and torch_exc is None:
        return "gelu(+inf) is +inf in every dtype; torch's float32/16 kernels give NaN"
    if "to" in names and isinstance(ember_exc, TypeError) and torch_exc is None and len(case.args) > 1 and (
        isinstance(case.args[1], (bool, float))
    ):
        return "x.to(0.5) / x.to(True) is a TypeError (torch converts the number to a dtype)"
    if names & _NN_ROWS:
        why = _nn_difference(names, case, ember_exc, torch_exc)
        if why:
            return why
    if isinstance(torch_exc, AttributeError) and isinstance(ember_exc, TypeError):
        return "a non-tensor input is a TypeError; torch's Python functional raises AttributeError"
    if _bool_as_int(case) and isinstance(torch_exc, TypeError) and "bool" in str(torch_exc):
        return "a bool where an int is expected counts as 0/1, as in Python (torch refuses it)"
    if case.form == "out" and isinstance(ember_exc, RuntimeError) and "Expected out tensor to have dtype" in str(
        ember_exc
    ):
        return "ember checks the out= dtype on every path (torch skips it on some shortcuts)"
    if names & {"bmm", "mm", "matmul", "dot", "mv"} and isinstance(ember_exc, RuntimeError) and (
        "dtype" in str(ember_exc) and torch_exc is None and _has_empty_input(case)
    ):
        return "ember checks dtypes even when a product has an empty inner dim"
    if case.alias and isinstance(torch_exc, RuntimeError) and _PARTIAL_OVERLAP in str(torch_exc) and ember_exc:
        return "inputs aliasing the written-to tensor: ember checks other arguments first"
    if case.form == "out-alias" and isinstance(ember_exc, TypeError) and case.args and isinstance(
        case.args[0], (int, float)
    ):
        return "out= must be a tensor (torch writes into a temporary made from the number)"
    if "dsplit" in names and case.form == "method" and isinstance(ember_exc, TypeError) and torch_exc is None:
        return "Tensor.dsplit(*indices) (indices as separate arguments) is not supported; pass a list"
    if isinstance(ember_exc, NotImplementedError) and _has_complex(case):
        return "ember has no complex dtypes: complex numbers raise NotImplementedError"
    if ember_exc is not None and isinstance(torch_exc, (TypeError, ValueError, OverflowError)) and (
        _has_huge_int(case)
    ):
        return "a Python int beyond int64: torch's error class depends on the argument's kind"
    if isinstance(ember_exc, RuntimeError) and torch_exc is None and _INTERNAL_OVERLAP in str(ember_exc):
        return "ember refuses every write to an expanded (stride-0) tensor; torch misses some"
    if (
        ember_exc is None
        and case.form == "out-alias"
        and isinstance(torch_exc, RuntimeError)
        and _PARTIAL_OVERLAP in str(torch_exc)
    ):
        return "ember's out= computes into a temporary first, so out= may alias an input"
    return None


_TIE_ROWS = {"topk", "kthvalue", "mode", "median", "nanmedian", "cummax", "cummin", "sort", "max",
             "min"}
_RANK_ERROR_ROWS = {"baddbmm", "addbmm", "nn.functional.bilinear", "linalg.pinv", "linalg.pinv_tol"}
_POW_ROWS = {"pow", "__pow__", "__ipow__", "__rpow__", "float_power"}


def _has_special(case: Case) -> bool:
    return any("NaN/inf" in m for m in case.mutations)


def _bool_as_int(case: Case) -> bool:
    return any(m.endswith("=True") or m.endswith("=False") for m in case.mutations)


def _has_empty_input(case: Case) -> bool:
    return any(_as_targ(v).value.size == 0 for v in case.args if isinstance(v, (TArg, TView)))


def _all_empty(result) -> bool:
    if result is None:
        return False
    if isinstance(result, (tuple, list)):
        return bool(result) and all(_all_empty(r) for r in result)
    shape = getattr(result, "shape", None)
    return shape is not None and math.prod(shape) == 0


def _is_bounds_error(exc) -> bool:
    return isinstance(exc, IndexError) or (
        isinstance(exc, RuntimeError) and ("out of bounds" in str(exc) or "out of range" in str(exc))
    )


_INTERNAL_OVERLAP = "more than one element of the written-to tensor refers to a single memory location"
_PARTIAL_OVERLAP = "some elements of the input tensor and the written-to tensor refer to a single"


def values_are_undefined(case: Case) -> bool:
    """Cases whose result values are undefined: float -> integer casts of non-finite values
    (undefined in C++, so torch and ember return different garbage), LAPACK routines on non-finite
    matrices (which promise nothing) and on expanded (rank-deficient) ones (non-unique vectors)."""
    if _is_lapack(case.op) and any("expanded" in m for m in case.mutations):
        return True  # repeated singular/eigen values: the vectors are not unique
    if not any("NaN/inf" in m for m in case.mutations):
        return False
    return _is_lapack(case.op) or _casts_to_int(case)


def _row_names(op: OpInfo) -> set:
    """A row's function name, its id and the id's first part (rows of one function differ by variant)."""
    return {op.name, op.id, op.id.split(".")[0] if not op.id.startswith("nn.") else op.id}


def _is_lapack(op: OpInfo) -> bool:
    return op.id.startswith("linalg") or bool(_row_names(op) & _LAPACK_ROWS)


_LAPACK_ROWS = {"det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_inverse", "pinverse",
                "matrix_rank", "lstsq", "svd", "qr", "eigh", "solve", "matrix_power", "lu", "lu_unpack",
                "lu_solve", "triangular_solve", "cholesky_solve"}


def _casts_to_int(case: Case) -> bool:
    name = case.op.name
    if name in ("int", "long", "short", "char", "byte", "type_as", "to", "type"):
        return True
    return case.form == "out" and case.out is not None and case.out.arg.dtype in INTS


def _torch_would_list_everything(case: Case) -> bool:
    def huge(v):
        return isinstance(v, int) and not isinstance(v, bool) and 2**20 <= abs(v) < 2**63

    return case.op.name == "combinations" and (
        any(huge(a) for a in case.args) or any(huge(v) for v in case.kwargs.values()))


def _has_huge_int(case: Case) -> bool:
    def visit(v):
        if isinstance(v, int) and not isinstance(v, bool):
            return not -(2**63) <= v < 2**63
        return isinstance(v, (list, tuple)) and any(visit(x) for x in v)

    return any(visit(a) for a in case.args) or any(visit(v) for v in case.kwargs.values())


def _has_complex(case: Case) -> bool:
    def visit(v):
        if isinstance(v, complex):
            return True
        return isinstance(v, (list, tuple)) and any(visit(x) for x in v)

    return any(visit(a) for a in case.args) or any(visit(v) for v in case.kwargs.values())


def _all_views(case: Case):
    for a in list(case.args) + list(case.kwargs.values()):
        if isinstance(a, TView):
            yield a
        elif isinstance(a, (list, tuple)):
            yield from (x for x in a if isinstance(x, TView))


# ---- indexing ----


def index_cases(count: int, seed: int = 0) -> list:
    """(shape, dtype, key, value or None) cases for x[key] and x[key] = value."""
    cases = []
    for number in range(count):
        rng = np.random.default_rng(zlib.crc32(f"{seed}/index/{number}".encode()))
        ndim = int(rng.integers(0, 4))
        shape = tuple(int(rng.integers(0, 5)) if rng.random() < 0.1 else int(rng.integers(1, 5))
                      for _ in range(ndim))
        dtype = ["float32", "int64", "bool", "float64", "uint8"][rng.integers(5)]
        n_items = int(rng.integers(0, 5)) if rng.random() < 0.8 else 1
        items = [_index_item(rng, shape, len(shape) and shape[min(i, len(shape) - 1)] or 3)
                 for i in range(n_items)]
        key = items[0] if n_items == 1 and rng.random() < 0.5 else tuple(items)
        value = None
        if rng.random() < 0.5:
            r = rng.integers(5)
            if r == 0:
                value = [1.5, 0, -2, True, math.nan][rng.integers(5)]
            elif r == 1:
                value = _random_values(rng, (), ALL[rng.integers(len(ALL))])
            elif r == 2:
                value = _random_values(rng, (int(rng.integers(0, 4)),), dtype)
            elif r == 3:
                value = JUNK_OBJECTS[rng.integers(len(JUNK_OBJECTS))]
            else:
                value = _random_values(rng, shape[-1:] if shape else (), dtype)
        cases.append((number, shape, dtype, key, value))
    return cases


def _index_item(rng, shape, size):
    r = rng.integers(12)
    if r == 0:
        return int(rng.integers(-size - 2, size + 2))
    if r == 1:
        return JUNK_INTS[rng.integers(len(JUNK_INTS))]
    if r == 2:
        start, stop = (int(x) for x in rng.integers(-size - 2, size + 3, size=2))
        step = [None, 1, 2, 3, -1, 0][rng.integers(6)]
        return slice(start, stop, step)
    if r == 3:
        return None
    if r == 4:
        return Ellipsis
    if r == 5:
        return [int(x) for x in rng.integers(-size - 1, size + 1, size=int(rng.integers(0, 4)))]
    if r == 6:
        return TArg(np.asarray(rng.integers(-size - 1, size + 1, size=(int(rng.integers(0, 4)),))),
                    "int64")
    if r == 7:
        n = size if rng.random() < 0.7 else size + 1
        return TArg(np.asarray(rng.random(n) < 0.5), "bool")
    if r == 8:
        return TArg(np.asarray(rng.random(shape) < 0.5), "bool")
    if r == 9:
        return [True, False][rng.integers(2)]
    if r == 10:
        return JUNK_OBJECTS[rng.integers(len(JUNK_OBJECTS))]
    return slice(None)


def _key_for(lib, key):
    if isinstance(key, tuple):
        return tuple(_key_for(lib, k) for k in key)
    if isinstance(key, TArg):
        return make_tensor(lib, TView(key))
    return key


def run_index_case(case, torch=None):
    """Runs x[key] (value None) or x[key] = value; returns (problem or None, ember_exc)."""
    number, shape, dtype, key, value = case
    x0 = _random_values(np.random.default_rng(number), shape, dtype)

    def run(lib):
        x = make_tensor(lib, TView(x0))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if value is None:
                    return x[_key_for(lib, key)], None
                v = make_tensor(lib, TView(value)) if isinstance(value, TArg) else value
                x[_key_for(lib, key)] = v
                return x, None
        except Exception as exc:  # noqa: BLE001
            return None, exc

    with np.errstate(all="ignore"):
        ares, aexc = run(ember)
        bad = _bad_error(None, aexc) if aexc is not None else None
        if bad:
            return bad, aexc
        if torch is None:
            return None, aexc
        tres, texc = run(torch)
    if isinstance(texc, RuntimeError) and "Index put requires the source and" in str(texc):
        return None, aexc  # ember converts the value, as basic indexing and NumPy do
    if isinstance(aexc, NotImplementedError) and isinstance(value, complex):
        return None, aexc  # no complex dtypes
    if aexc is not None and texc is None and _is_bounds_error(aexc) and _all_empty(tres):
        return None, aexc  # ember checks indices even when nothing is selected
    if texc is not None:
        if aexc is None:
            return f"torch raises {type(texc).__name__} ({_short(texc)}), ember doesn't", None
        if error_kind(aexc) is not error_kind(texc):
            return (f"ember raises {type(aexc).__name__} ({_short(aexc)}), torch "
                    f"{type(texc).__name__} ({_short(texc)})"), aexc
        return None, aexc
    if aexc is not None:
        return f"ember raises {type(aexc).__name__} ({_short(aexc)}), torch doesn't", aexc
    return _compare(_INDEX_ROW, ares, tres), None


_INDEX_ROW = OpInfo(name="__getitem__", op=None, ref=None, dtypes=ALL)


def describe_index(case) -> str:
    number, shape, dtype, key, value = case
    def show(k):
        if isinstance(k, TArg):
            return f"tensor({k.value.tolist()}, {k.dtype})"
        if isinstance(k, tuple):
            return "(" + ", ".join(show(x) for x in k) + ")"
        return repr(k)
    op = "get" if value is None else f"set {show(value)}"
    return f"index #{number} x{shape} {dtype} [{show(key)}] {op}"


def all_rows() -> list[OpInfo]:
    return list(OP_DB)
