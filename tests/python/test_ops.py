"""Parity tests generated from the op table (op_db.py).

For every row and every dtype it supports, each sample input is run in several memory layouts
(contiguous, transposed, sliced with steps, negative strides from NumPy) and compared with:

* NumPy (always): values and shapes; floating inputs are computed in float64 by the reference;
* torch (when installed): values, shapes and the exact result dtype, including type promotion with
  Python numbers and 0-d tensors; where torch raises, ember must raise the same kind of error.

Further tests check the variants of each row (Tensor method, aliases, in-place, out=), the error
inputs listed in the table, that dtypes outside a row's list are rejected as torch rejects them,
binary promotion over every pair of dtypes, and that every op ember exports has a row.

A test collects every mismatch of its row before failing, so one run shows them all.
"""

from __future__ import annotations

import itertools
import warnings
import zlib

import ember
import numpy as np
import pytest
from op_db import ALL, DT, FLOATS, INTS, OP_DB, OpInfo, SampleInput, TArg, carrier_dtype

# torch's deprecation notes (x.T on 1-D) and NumPy's 0/0 warnings are expected here
pytestmark = pytest.mark.filterwarnings("ignore")

MAX_REPORTED = 25  # mismatches listed in one failure message


# ---- making inputs ----


def rng_for(*key) -> np.random.Generator:
    """A generator seeded by the test's identity: every run draws the same inputs."""
    return np.random.default_rng(zlib.crc32("/".join(map(str, key)).encode()))


def make_tensor(lib, arg: TArg, layout: str):
    """`arg` as a `lib` tensor laid out as `layout` (the values are the same in every layout)."""
    v = arg.value
    bf16 = arg.dtype == "bfloat16"  # bfloat16 rides in float32 arrays; convert after wrapping

    def convert(t):
        return t.to(lib.bfloat16) if bf16 else t

    if layout == "transposed" and v.ndim >= 2:
        base = np.ascontiguousarray(np.swapaxes(v, -1, -2))
        return convert(lib.from_numpy(base)).transpose(-1, -2)
    if layout == "strided" and v.ndim >= 1:
        # every other element of a buffer twice as long in the last dim
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        if bf16:
            return convert(lib.from_numpy(base)).unflatten(-1, (v.shape[-1], 2)).select(-1, 0)
        return lib.from_numpy(base[..., ::2])
    if layout == "misaligned" and lib is ember and v.itemsize > 1:
        # data one byte past an aligned address: shared without a copy, as torch.from_numpy does
        buf = np.zeros(v.nbytes + 1, dtype=np.uint8)
        a = buf[1:].view(v.dtype).reshape(v.shape)
        a[...] = v
        return convert(lib.from_numpy(a))
    if layout == "negative" and v.ndim >= 1 and lib is ember:
        # NumPy views with negative strides wrap without a copy in ember (torch refuses them)
        return convert(lib.from_numpy(np.flip(np.ascontiguousarray(np.flip(v)))))
    return convert(lib.from_numpy(np.array(v, copy=True)))


def _map_args(sample: SampleInput, f):
    def conv(a):
        if isinstance(a, (TArg, DT)):
            return f(a)
        if isinstance(a, list) and a and all(isinstance(x, TArg) for x in a):
            return [f(x) for x in a]
        return a

    return tuple(conv(a) for a in sample.args), {k: conv(v) for k, v in sample.kwargs.items()}


def materialize(lib, sample: SampleInput, layout: str = "contiguous"):
    """The sample's arguments for `lib` (ember or torch)."""
    return _map_args(
        sample, lambda a: getattr(lib, a.name) if isinstance(a, DT) else make_tensor(lib, a, layout)
    )


def numpy_args(sample: SampleInput):
    """The sample's arguments for a NumPy reference: floats as float64 copies, DT markers as is."""

    def conv(a):
        if isinstance(a, DT):
            return a
        if a.dtype in FLOATS:
            return np.array(a.value, dtype=np.float64)
        return np.array(a.value, copy=True)

    return _map_args(sample, conv)


def tensor_args(sample: SampleInput):
    for a in list(sample.args) + list(sample.kwargs.values()):
        if isinstance(a, TArg):
            yield a
        elif isinstance(a, list):
            yield from (x for x in a if isinstance(x, TArg))


def layouts_for(sample: SampleInput, allowed) -> list:
    """The layouts that change something for this sample's tensors."""
    ndims = [a.ndim for a in tensor_args(sample)]
    out = []
    for layout in allowed:
        if (
            layout == "contiguous"
            or (layout == "transposed" and any(n >= 2 for n in ndims))
            or (layout in ("strided", "negative") and any(n >= 1 for n in ndims))
        ):
            out.append(layout)
    return out


# ---- comparing results ----

ERROR_KINDS = (IndexError, TypeError, ValueError, NotImplementedError, RuntimeError)


def error_kind(exc: BaseException) -> type:
    """The builtin error class an exception counts as (torch's own errors subclass these)."""
    for kind in ERROR_KINDS:  # NotImplementedError before RuntimeError, its base
        if isinstance(exc, kind):
            return kind
    return type(exc)


def dtype_name(dtype) -> str:
    return str(dtype).split(".")[-1]


def to_numpy(t) -> np.ndarray:
    """An ember or torch tensor's values as NumPy (bfloat16 widened to float32)."""
    if dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    return np.asarray(t.numpy())


def values_mismatch(actual: np.ndarray, expected, rtol: float, atol: float) -> str | None:
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        return f"shape {actual.shape} != expected {expected.shape}"
    if actual.size == 0:
        return None
    if actual.dtype.kind == "f" or expected.dtype.kind == "f":
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    else:
        a, e = actual.astype(np.int64), expected.astype(np.int64)
        if expected.dtype == np.bool_ or actual.dtype == np.bool_:
            a, e = a != 0, e != 0
        ok = a == e
    if np.all(ok):
        return None
    bad = np.argwhere(~np.asarray(ok))[:3]
    pairs = ", ".join(f"{tuple(i)}: {a[tuple(i)]!r} vs {e[tuple(i)]!r}" for i in bad)
    return f"{int(np.sum(~ok))} of {ok.size} values differ ({pairs})"


def compare(op: OpInfo, actual, expected, *, torch_result: bool) -> str | None:
    """None when `actual` (ember) matches `expected` (torch or NumPy), else what differs."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return f"expected a sequence of {len(expected)} results, got {type(actual).__name__}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            msg = compare(op, a, e, torch_result=torch_result)
            if msg:
                return f"result {i}: {msg}"
        return None
    if not isinstance(actual, ember.Tensor):
        return f"expected an ember.Tensor, got {type(actual).__name__}"
    if torch_result:
        if dtype_name(actual.dtype) != dtype_name(expected.dtype):
            return f"dtype {dtype_name(actual.dtype)} != torch's {dtype_name(expected.dtype)}"
        if tuple(actual.shape) != tuple(expected.shape):
            return f"shape {tuple(actual.shape)} != torch's {tuple(expected.shape)}"
        expected = to_numpy(expected)
    rtol, atol = op.tolerance(dtype_name(actual.dtype))
    return values_mismatch(to_numpy(actual), expected, rtol, atol)


def call(f, *args, **kwargs):
    """(result, None) or (None, exception)."""
    try:
        return f(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - any error is compared with the reference's
        return None, exc


def check_against_torch(
    op, ember_out, ember_exc, torch_out, torch_exc, torch_values=None
) -> str | None:
    """Errors must be of the same kind; results must match torch's dtype, shape and values (the
    values of `torch_values` when given)."""
    if torch_exc is not None:
        if ember_exc is None:
            return (
                f"torch raises {type(torch_exc).__name__} ({torch_exc}) but ember returns a result"
            )
        if error_kind(ember_exc) is not error_kind(torch_exc):
            return (
                f"ember raises {type(ember_exc).__name__} ({ember_exc}), torch raises "
                f"{type(torch_exc).__name__} ({torch_exc})"
            )
        return None
    if ember_exc is not None:
        return f"ember raises {type(ember_exc).__name__}: {ember_exc}"
    # torch_values has torch_out's dtype and shape
    return compare(
        op, ember_out, torch_out if torch_values is None else torch_values, torch_result=True
    )


def torch_values_from_float32(op, dtype, torch, targs, tkwargs, torch_out, fn=None):
    """For rows with `torch_upcast16`: torch's result on float32 copies of the 16-bit inputs,
    rounded once to the result dtype. torch rounds intermediates (alpha * other, the quotient
    before trunc/floor) to 16 bits, ember keeps them in float32: the exact answer decides."""
    if not op.torch_upcast16 or dtype not in ("float16", "bfloat16") or torch_out is None:
        return None
    low = getattr(torch, dtype)

    def up(a):
        return a.float() if isinstance(a, torch.Tensor) and a.dtype == low else a

    out = (fn or op.op)(torch, *map(up, targs), **{k: up(v) for k, v in tkwargs.items()})
    return out.to(torch_out.dtype)


def report(failures: list[str]):
    if failures:
        more = (
            f"\n... and {len(failures) - MAX_REPORTED} more" if len(failures) > MAX_REPORTED else ""
        )
        pytest.fail(
            f"{len(failures)} mismatches:\n" + "\n".join(failures[:MAX_REPORTED]) + more,
            pytrace=False,
        )


def describe(sample: SampleInput, layout: str) -> str:
    return f"[{sample.desc or 'sample'} | {layout}]"


# ---- parametrization ----


def op_dtype_params(predicate=lambda op: True, dtypes=None):
    return [
        pytest.param(op, dt, id=f"{op.id}-{dt}")
        for op in OP_DB
        if predicate(op)
        for dt in op.dtypes
        if dtypes is None or dt in dtypes
    ]


def op_params(predicate=lambda op: True):
    return [pytest.param(op, id=op.id) for op in OP_DB if predicate(op)]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# ---- parity with NumPy ----


@pytest.mark.parametrize("op,dtype", op_dtype_params(lambda op: op.ref is not None))
def test_numpy_parity(op: OpInfo, dtype: str):
    check_numpy_parity(op, dtype, lambda sample: layouts_for(sample, op.numpy_layouts))


# Unaligned NumPy data (x86-64 and AArch64 load it at full speed): tested against NumPy in the
# dtypes whose kernels are vectorized. The sanitizer run leaves these out (docs/reliability.md,
# "Sanitizers": UBSan's alignment check flags every such load).
MISALIGNED_DTYPES = ("float32", "float64", "int32", "int64")


@pytest.mark.parametrize(
    "op,dtype", op_dtype_params(lambda op: op.ref is not None, MISALIGNED_DTYPES)
)
def test_numpy_parity_misaligned(op: OpInfo, dtype: str):
    check_numpy_parity(op, dtype, lambda sample: ["misaligned"])


def check_numpy_parity(op: OpInfo, dtype: str, layouts):
    failures = []
    for sample in op.samples(dtype, rng_for(op.id, dtype)):
        np_args, np_kwargs = numpy_args(sample)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected, ref_exc = call(op.ref, *np_args, **np_kwargs)
        for layout in layouts(sample):
            args, kwargs = materialize(ember, sample, layout)
            actual, exc = call(op.op, ember, *args, **kwargs)
            where = describe(sample, layout)
            if ref_exc is not None:
                # NumPy rejects it (e.g. int += float): ember must reject it too
                if exc is None:
                    failures.append(
                        f"{where} NumPy raises {type(ref_exc).__name__} ({ref_exc}), ember doesn't"
                    )
            elif exc is not None:
                failures.append(f"{where} ember raises {type(exc).__name__}: {exc}")
            else:
                msg = compare(op, actual, expected, torch_result=False)
                if msg:
                    failures.append(f"{where} {msg}")
    report(failures)


# ---- parity with torch ----


def torch_layout(op: OpInfo, dtype: str, layout: str) -> str:
    """The layout of torch's inputs: contiguous for 16-bit floats where strides can't matter (see
    OpInfo.layout_free: torch's strided loops round intermediates to 16 bits, contiguous ones
    don't)."""
    return "contiguous" if op.layout_free and dtype in ("float16", "bfloat16") else layout


@pytest.mark.parametrize("op,dtype", op_dtype_params())
def test_torch_parity(op: OpInfo, dtype: str, torch):
    failures = []
    for sample in op.samples(dtype, rng_for(op.id, dtype)):
        for layout in layouts_for(sample, op.layouts):
            args, kwargs = materialize(ember, sample, layout)
            targs, tkwargs = materialize(torch, sample, torch_layout(op, dtype, layout))
            actual, exc = call(op.op, ember, *args, **kwargs)
            expected, texc = call(op.op, torch, *targs, **tkwargs)
            values = torch_values_from_float32(op, dtype, torch, targs, tkwargs, expected)
            msg = check_against_torch(op, actual, exc, expected, texc, values)
            if msg:
                failures.append(f"{describe(sample, layout)} {msg}")
    report(failures)


def _inplace(name):
    """op(lib, self, *args): calls self.<name>(*args), e.g. the in-place `add_`."""

    def f(lib, self, *args, **kwargs):
        return getattr(self, name)(*args, **kwargs)

    return f


def _method(name):
    """f(self, *args): calls self.<name>(*args)."""
    return lambda self, *args, **kwargs: getattr(self, name)(*args, **kwargs)


def _first_is_tensor(sample: SampleInput) -> bool:
    return bool(sample.args) and isinstance(sample.args[0], TArg)


@pytest.mark.parametrize("op,dtype", op_dtype_params(lambda op: op.inplace))
def test_inplace_torch_parity(op: OpInfo, dtype: str, torch):
    """x.<op>_(...) against torch: same result in x, same errors (result type, broadcasting)."""
    failures = []
    names = [op.name + "_"] + [a + "_" for a in op.aliases]
    for sample in op.samples(dtype, rng_for(op.id, dtype, "inplace")):
        if not _first_is_tensor(sample):
            continue
        for layout in layouts_for(sample, op.layouts):
            for name in names:
                args, kwargs = materialize(ember, sample, layout)
                targs, tkwargs = materialize(torch, sample, torch_layout(op, dtype, layout))
                actual, exc = call(_inplace(name), ember, *args, **kwargs)
                expected, texc = call(_inplace(name), torch, *targs, **tkwargs)
                if texc is None and op.torch_upcast16:  # fresh inputs: the call wrote into these
                    targs, tkwargs = materialize(torch, sample, torch_layout(op, dtype, layout))
                values = torch_values_from_float32(
                    op, dtype, torch, targs, tkwargs, expected, _inplace(name)
                )
                msg = check_against_torch(op, actual, exc, expected, texc, values)
                if not msg and exc is None and actual is not args[0]:
                    msg = f"{name} must return self"
                if msg:
                    failures.append(f"{describe(sample, layout)} {name}: {msg}")
    report(failures)


# ---- variants: Tensor method, aliases, in-place, out= (ember only) ----


def _variant_dtypes(op):
    preferred = [d for d in ("float32", "int64", "bool") if d in op.dtypes]
    return preferred or list(op.dtypes[:1])


def _same(a, b, tol=(0.0, 0.0)) -> str | None:
    """None when ember results `a` and `b` have the same type, dtype, shape and values (to tol)."""
    if isinstance(a, (tuple, list)):
        if not isinstance(b, (tuple, list)) or len(a) != len(b):
            return "different number of results"
        return next((m for m in (_same(x, y, tol) for x, y in zip(a, b)) if m), None)
    if not isinstance(b, ember.Tensor):
        return f"got {type(b).__name__}"
    if a.dtype != b.dtype or tuple(a.shape) != tuple(b.shape):
        return f"{a.dtype}{tuple(a.shape)} != {b.dtype}{tuple(b.shape)}"
    return values_mismatch(to_numpy(b), to_numpy(a), *tol)


@pytest.mark.parametrize("op", op_params(lambda op: op.function and (op.method or op.aliases)))
def test_method_and_aliases(op: OpInfo):
    """ember.f(x, ...), x.f(...) and every alias give the same result or the same error."""
    failures = []
    for dtype in _variant_dtypes(op):
        for sample in op.samples(dtype, rng_for(op.id, dtype, "variants")):
            args, kwargs = materialize(ember, sample)
            base, base_exc = call(op.op, ember, *args, **kwargs)
            variants = {f"ember.{a}": getattr(ember, a) for a in op.aliases}
            if op.method and _first_is_tensor(sample):
                for name in (op.name, *op.aliases):
                    variants[f"Tensor.{name}"] = _method(name)
            for vname, f in variants.items():
                args, kwargs = materialize(ember, sample)  # fresh: in-place rows write their input
                out, exc = call(f, *args, **kwargs)
                if base_exc is not None or exc is not None:
                    if (
                        base_exc is None
                        or exc is None
                        or error_kind(base_exc) is not error_kind(exc)
                    ):
                        failures.append(
                            f"{describe(sample, dtype)} {vname}: errors differ "
                            f"({base_exc!r} / {exc!r})"
                        )
                    continue
                msg = _same(base, out)
                if msg:
                    failures.append(f"{describe(sample, dtype)} {vname}: {msg}")
    report(failures)


@pytest.mark.parametrize("op", op_params(lambda op: op.inplace))
def test_inplace_consistency(op: OpInfo):
    """x.f_(...) equals f(x, ...) written into x when that result fits x, else it raises."""
    failures = []
    for dtype in op.dtypes:
        for sample in op.samples(dtype, rng_for(op.id, dtype, "inplace-consistency")):
            if not _first_is_tensor(sample):
                continue
            args, kwargs = materialize(ember, sample)
            result, exc = call(op.op, ember, *args, **kwargs)
            if exc is not None or not isinstance(result, ember.Tensor):
                continue
            self_t = args[0]
            fits = tuple(result.shape) == tuple(self_t.shape) and ember.can_cast(
                result.dtype, self_t.dtype
            )
            out, iexc = call(_inplace(op.name + "_"), ember, *args, **kwargs)
            where = describe(sample, dtype)
            if not fits:
                if iexc is None:
                    failures.append(
                        f"{where} result {result.dtype}{tuple(result.shape)} doesn't fit self "
                        f"{self_t.dtype}{tuple(self_t.shape)}, but {op.name}_ doesn't raise"
                    )
                continue
            if iexc is not None:
                failures.append(f"{where} {op.name}_ raises {type(iexc).__name__}: {iexc}")
                continue
            if out is not self_t:
                failures.append(f"{where} {op.name}_ must return self")
            msg = _same(result.to(self_t.dtype), self_t)
            if msg:
                failures.append(f"{where} {op.name}_: {msg}")
    report(failures)


@pytest.mark.parametrize("op", op_params(lambda op: op.supports_out))
def test_out(op: OpInfo):
    """f(..., out=t) writes the result into t and returns t."""
    failures = []
    for dtype in _variant_dtypes(op):
        for sample in op.samples(dtype, rng_for(op.id, dtype, "out")):
            args, kwargs = materialize(ember, sample)
            result, exc = call(op.op, ember, *args, **kwargs)
            if exc is not None:
                continue
            for layout in ("contiguous", "transposed"):
                out = ember.zeros(tuple(result.shape), dtype=result.dtype)
                if layout == "transposed":
                    if result.dim() < 2:
                        continue
                    out = ember.zeros(tuple(result.shape)[::-1], dtype=result.dtype).permute(
                        *range(result.dim() - 1, -1, -1)
                    )
                r, oexc = call(op.op, ember, *args, out=out, **kwargs)
                where = describe(sample, f"{dtype}, out {layout}")
                if oexc is not None:
                    failures.append(f"{where} raises {type(oexc).__name__}: {oexc}")
                    continue
                if r is not out:
                    failures.append(f"{where} must return out")
                msg = _same(result, out, op.tolerance(dtype_name(result.dtype)))
                if msg:
                    failures.append(f"{where} {msg}")
    report(failures)


# ---- errors ----


@pytest.mark.parametrize("op", op_params(lambda op: op.error_inputs is not None))
def test_error_inputs(op: OpInfo):
    failures = []
    for err in op.errors(rng_for(op.id, "errors")):
        args, kwargs = materialize(ember, err.sample)
        _, exc = call(op.op, ember, *args, **kwargs)
        if exc is None or error_kind(exc) is not err.error:
            failures.append(f"[{err.sample.desc}] expected {err.error.__name__}, got {exc!r}")
    report(failures)


@pytest.mark.parametrize("op", op_params(lambda op: op.error_inputs is not None))
def test_error_inputs_match_torch(op: OpInfo, torch):
    """Keeps the table honest: torch raises the error the table lists."""
    failures = []
    for err in op.errors(rng_for(op.id, "errors")):
        args, kwargs = materialize(torch, err.sample)
        _, exc = call(op.op, torch, *args, **kwargs)
        if exc is None or error_kind(exc) is not err.error:
            failures.append(
                f"[{err.sample.desc}] table says {err.error.__name__}, torch gives {exc!r}"
            )
    report(failures)


def _unsupported_params():
    return [
        pytest.param(op, dt, id=f"{op.id}-{dt}")
        for op in OP_DB
        if op.dtypes_complete
        for dt in ALL
        if dt not in op.dtypes
    ]


@pytest.mark.parametrize("op,dtype", _unsupported_params())
def test_unsupported_dtype_raises(op: OpInfo, dtype: str):
    """A dtype outside the row's list must raise (the first samples are all-tensor calls)."""
    failures = []
    for sample in op.samples(dtype, rng_for(op.id, dtype))[:3]:
        args, kwargs = materialize(ember, sample)
        _, exc = call(op.op, ember, *args, **kwargs)
        if exc is None:
            failures.append(
                f"{describe(sample, dtype)} ember accepts {dtype}, the table says it's unsupported"
            )
    report(failures)


@pytest.mark.parametrize("op,dtype", _unsupported_params())
def test_unsupported_dtype_matches_torch(op: OpInfo, dtype: str, torch):
    failures = []
    for sample in op.samples(dtype, rng_for(op.id, dtype))[:3]:
        args, kwargs = materialize(ember, sample)
        targs, tkwargs = materialize(torch, sample)
        _, exc = call(op.op, ember, *args, **kwargs)
        _, texc = call(op.op, torch, *targs, **tkwargs)
        if texc is None:
            failures.append(
                f"{describe(sample, dtype)} torch supports {dtype}: add it to the row's dtypes"
            )
        elif exc is None or error_kind(exc) is not error_kind(texc):
            failures.append(f"{describe(sample, dtype)} ember gives {exc!r}, torch raises {texc!r}")
    report(failures)


# ---- type promotion ----

# Operands for the promotion tests: values 1..3 keep every op defined (no zero divisors, no
# negative powers) in every dtype.
PROMOTION_SCALARS = (2, 2.5, True, -2, 0.5)


def _promotion_arg(dtype: str, shape) -> TArg:
    values = np.resize(np.array([1, 3, 2]), shape)
    return TArg(
        np.asarray(values != 0 if dtype == "bool" else values.astype(carrier_dtype(dtype))), dtype
    )


@pytest.mark.parametrize("op", op_params(lambda op: op.promotes))
def test_promotion_torch_parity(op: OpInfo, torch):
    """Every dtype pair (n-d and 0-d tensors) and Python numbers: same dtype, values or error."""
    failures = []
    cases = []
    if op.promotes is True:
        for da, db in itertools.product(ALL, ALL):
            for sa, sb in (((3,), (3,)), ((3,), ()), ((), (3,)), ((), ())):
                cases.append(
                    SampleInput(
                        (_promotion_arg(da, sa), _promotion_arg(db, sb)), {}, f"{da}{sa} {db}{sb}"
                    )
                )
    for da in ALL:
        for s in PROMOTION_SCALARS:
            for shape in ((3,), ()):
                cases.append(
                    SampleInput((_promotion_arg(da, shape), s), {}, f"{da}{shape} with {s!r}")
                )
                if (
                    op.promotes is True
                ):  # the number first (torch.add(2, t); eq(2, t) is a TypeError)
                    cases.append(
                        SampleInput((s, _promotion_arg(da, shape)), {}, f"{s!r} with {da}{shape}")
                    )
    for kwargs in op.sample_kwargs.get("kwargs", [{}]):
        for sample in cases:
            sample = SampleInput(
                sample.args, dict(kwargs), sample.desc + (f" {kwargs}" if kwargs else "")
            )
            args, kw = materialize(ember, sample)
            targs, tkw = materialize(torch, sample)
            actual, exc = call(op.op, ember, *args, **kw)
            expected, texc = call(op.op, torch, *targs, **tkw)
            msg = check_against_torch(op, actual, exc, expected, texc)
            if msg:
                failures.append(f"[{sample.desc}] {msg}")
    report(failures)


@pytest.mark.parametrize(
    "op", op_params(lambda op: op.name in ("where", "clamp") and not op.variant)
)
def test_ternary_promotion_torch_parity(op: OpInfo, torch):
    """where(c, a, b) and clamp(x, lo, hi) promote their tensor operands like binary ops."""
    failures = []
    for da, db in itertools.product(ALL, ALL):
        for sa, sb in (((3,), (3,)), ((3,), ()), ((), (3,))):
            a, b = _promotion_arg(da, sa), _promotion_arg(db, sb)
            if op.name == "where":
                cond = TArg(np.array([True, False, True]), "bool")
                samples = [SampleInput((cond, a, b))]
            else:
                samples = [
                    SampleInput((a, b, b)),
                    SampleInput((a,), {"min": b}),
                    SampleInput((a,), {"max": b}),
                ]
            for sample in samples:
                sample.desc = f"{da}{sa} {db}{sb} {list(sample.kwargs)}"
                args, kw = materialize(ember, sample)
                targs, tkw = materialize(torch, sample)
                actual, exc = call(op.op, ember, *args, **kw)
                expected, texc = call(op.op, torch, *targs, **tkw)
                msg = check_against_torch(op, actual, exc, expected, texc)
                if msg:
                    failures.append(f"[{sample.desc}] {msg}")
    report(failures)


def test_promotion_functions_torch_parity(torch):
    """ember.result_type / promote_types / can_cast agree with torch for every dtype pair."""
    failures = []

    def operands(lib, d):  # an n-d and a 0-d tensor of dtype d
        return [lib.ones(2, dtype=getattr(lib, d)), lib.ones((), dtype=getattr(lib, d))]

    for da, db in itertools.product(ALL, ALL):
        e, t = getattr(ember, da), getattr(torch, da)
        e2, t2 = getattr(ember, db), getattr(torch, db)
        if dtype_name(ember.promote_types(e, e2)) != dtype_name(torch.promote_types(t, t2)):
            failures.append(f"promote_types({da}, {db})")
        if ember.can_cast(e, e2) != torch.can_cast(t, t2):
            failures.append(f"can_cast({da}, {db})")
        for ea, ta in zip(operands(ember, da), operands(torch, da)):
            for eb, tb in zip(operands(ember, db), operands(torch, db)):
                if dtype_name(ember.result_type(ea, eb)) != dtype_name(torch.result_type(ta, tb)):
                    failures.append(f"result_type({da}{tuple(ea.shape)}, {db}{tuple(eb.shape)})")
        for s in PROMOTION_SCALARS:
            ea, ta = operands(ember, da)[0], operands(torch, da)[0]
            if dtype_name(ember.result_type(ea, s)) != dtype_name(torch.result_type(ta, s)):
                failures.append(f"result_type({da}, {s!r})")
    report(failures)


# Without torch, these literal cases pin torch's promotion rules.
PROMOTION_LITERALS = [
    # (a dtype, a shape, b: dtype name with shape or a Python number, result dtype)
    ("int8", (3,), 2.5, "float32"),
    ("int8", (3,), 2, "int8"),
    ("uint8", (3,), -2, "uint8"),
    ("bool", (3,), True, "bool"),
    ("bool", (3,), 2, "int64"),
    ("float16", (3,), 2.5, "float16"),
    ("uint8", (3,), ("int8", (3,)), "int16"),
    ("float16", (3,), ("bfloat16", (3,)), "float32"),
    ("int32", (3,), ("int64", ()), "int32"),
    (
        "int32",
        (3,),
        ("float64", ()),
        "float64",
    ),  # a 0-d tensor of a higher category keeps its dtype
    ("float16", (3,), ("float64", ()), "float16"),
    ("int32", (), ("int64", ()), "int64"),
    ("bool", (3,), ("uint8", ()), "uint8"),
    ("int64", (3,), ("float16", (3,)), "float16"),
]


@pytest.mark.parametrize("da,sa,b,expected", PROMOTION_LITERALS)
def test_promotion_literals(da, sa, b, expected):
    a = ember.ones(sa, dtype=getattr(ember, da))
    other = ember.ones(b[1], dtype=getattr(ember, b[0])) if isinstance(b, tuple) else b
    assert dtype_name((a + other).dtype) == expected
    assert dtype_name(ember.result_type(a, other)) == expected


def test_reduction_dtypes():
    """Integer sums widen to int64; mean needs a floating input or dtype=."""
    for d in INTS + ("bool",):
        x = ember.ones(3, dtype=getattr(ember, d))
        assert x.sum().dtype == ember.int64
        assert x.sum(dtype=ember.float64).dtype == ember.float64
        with pytest.raises(RuntimeError):
            x.mean()
        assert x.mean(dtype=ember.float32).dtype == ember.float32
    for d in FLOATS:
        x = ember.ones(3, dtype=getattr(ember, d))
        assert x.sum().dtype == x.dtype and x.mean().dtype == x.dtype
    assert ember.ones(2, 3).argmax().dtype == ember.int64


# ---- the table covers everything ember exports ----

# Functions of ember._C that are not tensor ops, so they need no row.
NOT_OPS = {
    # out='s shared writer behind ember.linalg's out= (test_out_argument.py)
    "_write_out",
    # factories whose values are random or uninitialized (the deterministic ones have rows)
    "empty",
    "empty_like",
    "empty_strided",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "randint",
    "randperm",
    "normal",
    # random sampling (test_random.py checks distributions, reproducibility, errors, gradients)
    "bernoulli",
    "multinomial",
    "poisson",
    "randint_like",
    "dropout",
    "dropout_",
    "feature_dropout",
    "feature_dropout_",
    "alpha_dropout",
    "alpha_dropout_",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    # settings and state
    "get_default_dtype",
    "set_default_dtype",
    "get_num_threads",
    "set_num_threads",
    "default_generator",
    "_get_default_device",
    "_set_default_device",
    "_get_cpu_capability",
    "_set_cpu_capability",
    "_allocator_stats",
    "_reset_peak_allocator_stats",
    "_empty_cache",
    "_set_cache_limit",
    "_get_flush_denormal",
    "_set_flush_denormal",
    # interop
    "from_numpy",
    "from_dlpack",
    # type and shape utilities (checked against torch above / below)
    "result_type",
    "promote_types",
    "can_cast",
    "broadcast_shapes",
    # autograd machinery (test_autograd.py covers it)
    "Node",
    "RemovableHandle",
    "_function_record",
    "_run_backward",
    "_run_grad",
    "_saved_version",
    "_set_anomaly_enabled",
    "_set_grad_enabled",
    "_set_inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    # native halves of ember.linalg (rows "linalg.<fn>" in op_db_linalg_lapack.py call them)
    "_linalg_inv_ex",
    "_linalg_det",
    "_linalg_slogdet",
    "_linalg_solve",
    "_linalg_cholesky_ex",
    "_linalg_qr",
    "_linalg_svd",
    "_linalg_eigh",
    "_linalg_lstsq",
    "_linalg_lu",
    "_linalg_lu_factor_ex",
    "_linalg_lu_solve",
    "_linalg_solve_triangular",
    "_lu_unpack",
    # native kernel behind ember.linalg.vector_norm: its row is norm.vector_norm (op_db_sort_reduce)
    "_linalg_vector_norm",
    # native half of ember.nn.functional.pad (rows "nn.functional.pad" in op_db_shape_ops.py)
    "_pad",
    # kernels behind ember.linalg / ember.nn.functional (their rows call those: linalg.cross, ...)
    "_linalg_cross",
    "_linalg_multi_dot",
    "_linear",
    "_bilinear",
    # classes
    "Tensor",
    "Generator",
    "dtype",
    # native activations behind ember.nn.functional (rows "nn.functional.<name>" cover them)
    "_nn",
}

# Tensor attributes that are not ops: geometry, metadata, conversion to Python/NumPy, devices, RNG.
NOT_TENSOR_OPS = {
    # factories, predicates and real-dtype identities (test_tensor_conveniences.py)
    "new_empty",
    "new_empty_strided",
    "new_full",
    "new_ones",
    "new_tensor",
    "new_zeros",
    "get_device",
    "is_conj",
    "is_neg",
    "is_nonzero",
    "is_same_size",
    "real",
    "imag",
    "H",
    "mH",
    # torch's own in-place rules (float_power_'s base must be float64, cumsum_'s dtype= must be
    # self's): test_tensor_conveniences.py
    "float_power_",
    "cumsum_",
    "cumprod_",
    # defined up to signs: the rows of ember.qr / ember.svd normalize them (op_db_composite.py)
    "qr",
    "svd",
    "shape",
    "size",
    "stride",
    "dim",
    "ndimension",
    "ndim",
    "numel",
    "nelement",
    "dtype",
    "device",
    "is_cuda",
    "is_meta",
    "is_cpu",
    "_version",
    "storage_offset",
    "data_ptr",
    "element_size",
    "itemsize",
    "nbytes",
    "is_contiguous",
    "is_floating_point",
    "is_complex",
    "is_signed",
    "item",
    "tolist",
    "numpy",
    "cpu",
    "cuda",
    "uniform_",
    "normal_",
    # random sampling methods (test_random.py)
    "bernoulli",
    "bernoulli_",
    "multinomial",
    "exponential_",
    "geometric_",
    "cauchy_",
    "log_normal_",
    "random_",
    "_pybind11_conduit_v1_",
    "__array_priority__",
    "__array_wrap__",
    # Python protocol
    "__init__",
    "__new__",
    "__repr__",
    "__str__",
    "__format__",
    "__hash__",
    "__len__",
    "__iter__",
    "__bool__",
    "__float__",
    "__int__",
    "__index__",
    "__deepcopy__",
    "__reduce_ex__",
    "__dlpack__",
    "__dlpack_device__",
    "__array__",
    "__module__",
    "__doc__",
    "__dict__",
    "__weakref__",
    "__setstate__",
    "__getstate__",
    # indexing: its own tests (test_indexing.py) cover x[...] and x[...] = v
    "__getitem__",
    "__setitem__",
    # autograd state (test_autograd.py)
    "backward",
    "data",
    "detach",
    "detach_",
    "grad",
    "grad_fn",
    "is_leaf",
    "output_nr",
    "register_hook",
    "requires_grad",
    "requires_grad_",
    "retain_grad",
    "retains_grad",
}


def _covered():
    functions, methods = set(), set()
    for op in OP_DB:
        names = (op.name, *op.aliases)
        if getattr(op.op, "path", None):  # a row of ember.nn.functional.<name> (op_db_nn.py)
            functions.add(op.op.path)
            continue
        if op.function:
            functions.update(names)
        if op.method or not op.function:
            methods.update(names)
        if op.inplace:
            methods.update(n + "_" for n in names)
    return functions, methods


def _is_dtype(obj) -> bool:
    return isinstance(obj, ember.dtype)


def test_every_op_has_a_row():
    """A new function in ember._C fails here until it has a row in op_db.py (or NOT_OPS says
    why it needs none)."""
    functions, _ = _covered()
    exported = {
        n for n in dir(ember._C) if not n.startswith("__") and not _is_dtype(getattr(ember._C, n))
    }
    missing = sorted(exported - functions - NOT_OPS)
    assert not missing, f"ops without a row in op_db.py: {missing}"
    # dotted names (rows of ember.nn.functional.<name>) are looked up attribute by attribute
    stale = sorted(n for n in functions if not _has_path(ember, n))
    assert not stale, f"rows for functions ember doesn't have: {stale}"


def _has_path(obj, dotted: str) -> bool:
    for part in dotted.split("."):
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def test_every_tensor_method_has_a_row():
    _, methods = _covered()
    exported = {n for n in vars(ember.Tensor) if not (n.startswith("__") and n.endswith("__"))}
    exported |= {n for n in vars(ember.Tensor) if n.startswith("__") and n.endswith("__")} - {
        n for n in vars(object)
    }
    missing = sorted(exported - methods - NOT_TENSOR_OPS)
    assert not missing, f"Tensor methods without a row in op_db.py: {missing}"
    stale = sorted(n for n in methods if not hasattr(ember.Tensor, n))
    assert not stale, f"rows for Tensor methods ember doesn't have: {stale}"


def test_differentiable_rows_support_float64():
    """gradcheck runs in float64: a differentiable row must list it."""
    bad = [op.id for op in OP_DB if op.differentiable and "float64" not in op.dtypes]
    assert not bad


def test_broadcast_shapes():
    assert ember.broadcast_shapes((3, 1), (1, 4)) == (3, 4)
    assert ember.broadcast_shapes((), (2, 3), (3,)) == (2, 3)
    assert ember.broadcast_shapes((0, 1), (3,)) == (0, 3)
    with pytest.raises(RuntimeError):
        ember.broadcast_shapes((3,), (4,))


def test_imatmul_rebinds():
    """As in torch, `a @= b` is `a = a @ b`: a new tensor of any shape; other references keep the
    old one."""
    a = ember.ones(3, 4)
    alias = a
    a @= ember.ones(4, 5)
    assert tuple(a.shape) == (3, 5) and a is not alias
    assert tuple(alias.shape) == (3, 4) and alias.tolist() == [[1.0] * 4] * 3
