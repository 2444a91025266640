"""The op table: one ``OpInfo`` row per ember op.

A row says how to call the op (``op(lib, *args, **kwargs)`` with ``lib`` = ``ember`` or
``torch``, so
the torch reference is the same call with the module swapped), its NumPy reference, the dtypes it
supports (the full set torch supports: any other dtype must raise), the input domain, how to make
sample inputs, tolerances and whether it is differentiable. ``test_ops.py`` turns every row into
parity tests; ``test_autograd.py`` (later) will gradcheck the rows marked differentiable.

Sample inputs are described with NumPy: a tensor argument is a ``TArg`` (its values in a NumPy
"carrier" array plus the dtype name; bfloat16 values ride in float32), lists of ``TArg`` are tensor
lists, ``DT("float64")`` is a dtype argument, and anything else (dims, shapes, Python numbers) is
passed as is. The tests turn a sample into ember tensors, torch tensors and NumPy arrays, in several
memory layouts (contiguous, transposed, sliced with steps, negative strides).

Adding an op: add a row here. ``test_every_op_has_a_row`` fails until you do.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# ---- dtypes ----

FLOATS = ("float32", "float64", "float16", "bfloat16")
INTS = ("uint8", "int8", "int16", "int32", "int64")
ALL = FLOATS + INTS + ("bool",)
NUMERIC = FLOATS + INTS  # everything but bool
INTEGRAL = INTS + ("bool",)  # bitwise ops

# (rtol, atol) for comparing results of each dtype; integers and bools compare exactly.
TOLERANCES = {
    "float64": (1e-7, 1e-7),
    "float32": (1.3e-6, 1e-5),
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}
# Sums and products accumulate rounding: looser bounds (torch and ember sum in different orders).
REDUCTION_TOL = {"float32": (1e-5, 1e-4), "float16": (2e-3, 2e-3), "bfloat16": (2e-2, 2e-2)}

LAYOUTS = ("contiguous", "transposed", "strided", "negative")


def carrier_dtype(dtype: str) -> np.dtype:
    """The NumPy dtype holding values of `dtype` (NumPy has no bfloat16)."""
    return np.dtype(np.float32) if dtype == "bfloat16" else np.dtype(dtype)


def round_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Rounds float32 values to the nearest bfloat16 (ties to even), kept in float32."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = np.asarray(
        ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    )  # ufuncs turn 0-d into scalars
    return np.array(bits.astype(np.uint32).view(np.float32))


# ---- sample inputs ----


@dataclass
class TArg:
    """A tensor argument: its values (in the carrier dtype) and its dtype name."""

    value: np.ndarray
    dtype: str

    @property
    def shape(self):
        return self.value.shape

    @property
    def ndim(self):
        return self.value.ndim


@dataclass(frozen=True)
class DT:
    """A dtype argument (``dtype=DT("float64")``), mapped to ember/torch/NumPy dtypes."""

    name: str


@dataclass
class SampleInput:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""


@dataclass
class ErrorInput:
    """A call the op must reject, with the exception type torch raises for it."""

    sample: SampleInput
    error: type
    dtype: str = "float32"


@dataclass(frozen=True)
class Domain:
    """Where random inputs come from: [low, high] (integers: the ints inside), maybe no zeros."""

    low: float = -9.0
    high: float = 9.0
    nonzero: bool = False


REAL = Domain()
POSITIVE = Domain(0.1, 9.0)  # log, sqrt; integers 1..9
NONZERO = Domain(nonzero=True)  # divisors
SMALL = Domain(-3.0, 3.0)  # pow bases
EXPONENT = Domain(0.0, 3.0)  # pow exponents: integers to negative powers are an error
NONNEG = Domain(0.0, 9.0)

# Values where floating ops disagree most easily: NaN, infinities, signed zeros.
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 0.5]


class Maker:
    """Makes random tensor arguments for one op and dtype."""

    def __init__(self, dtype: str, rng: np.random.Generator, domains: tuple):
        self.dtype = dtype
        self.rng = rng
        self.domains = domains

    def domain(self, i: int) -> Domain:
        return self.domains[min(i, len(self.domains) - 1)]

    def __call__(
        self, shape, i: int = 0, dtype: str | None = None, domain: Domain | None = None
    ) -> TArg:
        dtype = dtype or self.dtype
        return TArg(random_values(self.rng, shape, dtype, domain or self.domain(i)), dtype)

    def special(self, permute: bool = False) -> TArg:
        v = np.array(SPECIAL, dtype=carrier_dtype(self.dtype))
        if permute:
            v = self.rng.permutation(v)
        return TArg(v, self.dtype)

    def mask(self, shape) -> TArg:
        return TArg(np.asarray(self.rng.random(shape) < 0.5), "bool")


def random_values(rng, shape, dtype: str, domain: Domain) -> np.ndarray:
    shape = tuple(shape)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype in INTS:
        lo, hi = math.ceil(domain.low), math.floor(domain.high)
        if lo > hi:  # no integer inside (logit's (0.05, 0.95)): the nearest ones outside
            lo, hi = math.floor(domain.low), math.ceil(domain.high)
        if dtype == "uint8":
            lo = max(lo, 0)
        v = np.asarray(rng.integers(lo, hi + 1, size=shape))
        if domain.nonzero:
            v[v == 0] = hi if hi != 0 else lo
        return v.astype(dtype)
    v = np.asarray(rng.uniform(domain.low, domain.high, size=shape))
    if dtype == "bfloat16":
        v = round_to_bfloat16(v.astype(np.float32))
    else:
        v = np.array(v.astype(dtype))
    if domain.nonzero:
        v[v == 0] = 1
    return np.asarray(v)


# ---- the row ----


def _default_samples(op, make):
    return ()


@dataclass
class OpInfo:
    name: str  # the function name in ember/torch (or a Tensor method / dunder for method-only rows)
    op: Callable  # op(lib, *args, **kwargs)
    ref: Callable | None  # NumPy reference: ref(*numpy_args, **kwargs); None where NumPy has none
    dtypes: tuple
    sample_inputs: Callable = _default_samples  # sample_inputs(op, make) -> iterable of SampleInput
    domains: tuple = (REAL,)  # per tensor input (the last one repeats)
    variant: str = ""  # tells rows of one function apart (div/trunc, max/dim)
    tol: dict = field(default_factory=dict)  # dtype -> (rtol, atol), over TOLERANCES
    differentiable: bool = False
    function: bool = True  # ember.<name> exists
    method: bool = True  # Tensor.<name> exists (self = first argument)
    inplace: bool = False  # Tensor.<name>_ exists
    aliases: tuple = ()  # other names of the same function (and method / in-place method)
    supports_out: bool = False
    special: bool = False  # also feed NaN/inf/-0.0 for floating dtypes
    scalars: tuple = ()  # Python numbers tried as the second operand
    promotes: bool | str = (
        False  # binary op: test promotion over all dtype pairs ("scalar": with numbers only)
    )
    dtypes_complete: bool = True  # False: `dtypes` is a chosen subset, other dtypes may work too
    # The result doesn't depend on the inputs' strides. For 16-bit floats the torch test then takes
    # its reference from contiguous inputs: torch's strided CPU loops round intermediates to 16 bits
    # (the quotient in div(rounding_mode=...)) where its contiguous loops and ember use float32.
    layout_free: bool = True
    # torch rounds an intermediate to 16 bits (see test_ops.torch_values_from_float32): for float16
    # and bfloat16 the torch values come from float32 inputs, rounded once: ember's is exact.
    torch_upcast16: bool = False
    layouts: tuple = LAYOUTS  # layouts to try in the torch test
    numpy_layouts: tuple = LAYOUTS  # layouts to try in the NumPy test
    error_inputs: Callable | None = None  # error_inputs(make) -> iterable of ErrorInput
    sample_kwargs: dict = field(default_factory=dict)  # knobs for shared sample generators
    gradgrad: bool = True  # False: no second derivative (as in torch); asking for one must raise

    @property
    def id(self) -> str:
        return f"{self.name}.{self.variant}" if self.variant else self.name

    def tolerance(self, dtype: str):
        return self.tol.get(dtype, TOLERANCES.get(dtype, (0.0, 0.0)))

    def samples(self, dtype: str, rng) -> list:
        make = Maker(dtype, rng, self.domains)
        out = list(self.sample_inputs(self, make))
        if self.special and dtype in FLOATS:
            n = sum(1 for a in out[0].args if isinstance(a, TArg)) if out else 1
            args = tuple(make.special(permute=i > 0) for i in range(n))
            out.append(SampleInput(args, dict(out[0].kwargs) if out else {}, "special values"))
        return out

    def errors(self, rng) -> list:
        if self.error_inputs is None:
            return []
        return list(self.error_inputs(Maker("float32", rng, self.domains)))


def fn(name: str) -> Callable:
    """The call `lib.<name>(*args, **kwargs)`."""

    def call(lib, *args, **kwargs):
        return getattr(lib, name)(*args, **kwargs)

    call.__name__ = name
    return call


def method(name: str) -> Callable:
    """The call `args[0].<name>(*args[1:], **kwargs)` (for method-only ops)."""

    def call(lib, self, *args, **kwargs):
        return getattr(self, name)(*args, **kwargs)

    call.__name__ = name
    return call


# ---- NumPy reference helpers ----


def floating(f):
    """Runs `f` on float64 copies of the array arguments (torch computes int inputs in float)."""

    def ref(*args, **kwargs):
        return f(
            *(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in args),
            **kwargs,
        )

    return ref


def _axis(x, dim):
    """torch's dim argument as NumPy's axis (torch reduces everything for dim=None or dim=[])."""
    if dim is None or x.ndim == 0 or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _np_dtype(dtype: DT | None):
    """A DT argument as the NumPy dtype a reference computes in (float64 for every float)."""
    if dtype is None:
        return None
    return np.float64 if dtype.name in FLOATS else np.dtype(dtype.name)


# ---- sample generators ----

UNARY_SHAPES = [(), (0,), (7,), (3, 4), (2, 0, 3), (2, 3, 4)]

# (shape of a, shape of b): same shapes, broadcasting both ways, 0-d with n-d, empty.
BINARY_SHAPES = [
    ((), ()),
    ((7,), (7,)),
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
    ((), (3, 4)),
    ((3, 4), ()),
    ((0, 3), (1, 3)),
    ((2, 3, 4), (2, 3, 4)),
]


# A few samples big enough (2+ chunks of ember's 32768-element grain) to run the multithreaded
# loops; only in these dtypes, to keep the suite fast.
LARGE_DTYPES = ("float32", "int64")
LARGE = (300, 250)


def sample_unary(op, make):
    for shape in UNARY_SHAPES:
        yield SampleInput((make(shape),), {}, str(shape))
    if make.dtype in LARGE_DTYPES:
        yield SampleInput((make(LARGE),), {}, f"large {LARGE}")


def sample_binary(op, make):
    variants = op.sample_kwargs.get("kwargs", [{}])
    for kwargs in variants:
        for sa, sb in BINARY_SHAPES:
            yield SampleInput((make(sa, 0), make(sb, 1)), dict(kwargs), f"{sa} with {sb}")
        for s in op.scalars:
            yield SampleInput((make((3, 4), 0), s), dict(kwargs), f"scalar {s!r}")
    if make.dtype in LARGE_DTYPES:
        args = (make(LARGE, 0), make(LARGE[-1:], 1))
        yield SampleInput(args, dict(variants[0]), f"large {LARGE} with {LARGE[-1:]}")


def sample_reflected(op, make):
    """`number OP tensor`: the row's op is called as op(lib, tensor, number)."""
    for shape in [(), (3, 4), (0, 2)]:
        for s in op.scalars:
            yield SampleInput((make(shape, 1), s), {}, f"{s!r} with {shape}")


REDUCE_CASES = [
    ((), [None, 0, -1]),
    ((0,), [None, 0]),
    ((5,), [None, 0, -1]),
    ((3, 4), [None, 0, 1, -1, (0, 1), []]),
    ((2, 3, 4), [None, 1, (0, 2), (-1, 0), (2, 1, 0)]),
    ((2, 0, 3), [None, 1, 2, (0, 2)]),
]


def _reduce_empty_ok(shape, dim) -> bool:
    """Whether reducing `dim` of `shape` reduces no 0-size dim (max/min have no identity)."""
    if 0 not in shape:
        return True
    if dim is None or dim == []:
        return False
    dims = dim if isinstance(dim, tuple) else (dim,)
    return all(shape[d] != 0 for d in dims)


def sample_reduction(op, make):
    """sum/mean/amax/amin: several dim and keepdim combinations."""
    need_nonempty = op.sample_kwargs.get("need_nonempty", False)
    for shape, dims in REDUCE_CASES:
        x = make(shape)
        if not need_nonempty or 0 not in shape:
            yield SampleInput((x,), {}, f"{shape} all")
        for dim in dims:
            if need_nonempty and not _reduce_empty_ok(shape, dim):
                continue
            if dim is None and need_nonempty and op.name in ("amax", "amin"):
                continue  # amax(x) without dim is the same as with every dim
            for keepdim in (False, True):
                yield SampleInput(
                    (x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}"
                )
    if make.dtype in LARGE_DTYPES:
        # one long reduction split across threads; many rows; columns (the kept dim innermost)
        yield SampleInput((make((70000,)),), {}, "large (70000,) all")
        yield SampleInput((make((2, 40000)),), {"dim": 1}, "large (2, 40000) dim=1")
        yield SampleInput((make((40000, 3)),), {"dim": 0}, "large (40000, 3) dim=0")
    for dt in op.sample_kwargs.get("dtype_kwarg", ()):
        yield SampleInput((make((3, 4)),), {"dtype": DT(dt)}, f"dtype={dt}")
        yield SampleInput(
            (make((3, 4)),), {"dim": 1, "keepdim": True, "dtype": DT(dt)}, f"dim=1 dtype={dt}"
        )


def sample_dim_reduction(op, make):
    """max/min along a dim and argmax/argmin: one dim (or none for argmax) with keepdim."""
    for shape, dims in REDUCE_CASES:
        x = make(shape)
        for dim in dims:
            if isinstance(dim, (tuple, list)):
                continue
            if dim is None and not op.sample_kwargs.get("dim_optional", False):
                continue
            if not _reduce_empty_ok(shape, dim):
                continue
            for keepdim in (False, True):
                yield SampleInput(
                    (x,), {"dim": dim, "keepdim": keepdim}, f"{shape} dim={dim} keepdim={keepdim}"
                )
    # ties: the index of the first extreme value wins
    ties = np.array([[1, 3, 3, 0], [2, 2, 1, 2], [0, 0, 0, 0]])
    ties = ties > 1 if make.dtype == "bool" else ties.astype(carrier_dtype(make.dtype))
    for dim in (None, 0, 1) if op.sample_kwargs.get("dim_optional") else (0, 1, -1):
        yield SampleInput(
            (TArg(ties, make.dtype),), {} if dim is None else {"dim": dim}, f"ties dim={dim}"
        )
    if make.dtype in FLOATS:
        yield SampleInput((make.special(permute=True),), {"dim": 0}, "special values")
    if make.dtype in LARGE_DTYPES:
        # every element ties: the threads' partial results must still pick index 0
        same = TArg(np.full((1, 70000), 3, dtype=carrier_dtype(make.dtype)), make.dtype)
        yield SampleInput((same,), {"dim": 1}, "large ties dim=1")
        yield SampleInput((make((1, 70000)),), {"dim": -1}, "large (1, 70000)")
        if op.sample_kwargs.get("dim_optional"):
            yield SampleInput((same,), {}, "large ties, no dim")


def sample_full_reduction(op, make):
    """max()/min() with no dim: every shape with elements."""
    for shape in [(), (1,), (5,), (3, 4), (2, 3, 4)]:
        yield SampleInput((make(shape),), {}, str(shape))
    if make.dtype in FLOATS:
        yield SampleInput((make.special(permute=True),), {}, "special values")


def sample_clamp(op, make):
    x_shapes = [(), (7,), (3, 4), (0, 3), (2, 3, 4)]
    for shape in x_shapes:
        x = make(shape)
        yield SampleInput((x,), {"min": -2, "max": 3}, f"{shape} int bounds")
        yield SampleInput((x,), {"min": -1.5}, f"{shape} min only")
        yield SampleInput((x,), {"max": 2.5}, f"{shape} max only")
        yield SampleInput((x,), {"min": 4, "max": 1}, f"{shape} min > max")
    # tensor bounds, broadcasting both ways
    for xs, ls, hs in [
        ((3, 4), (3, 4), (3, 4)),
        ((3, 4), (4,), (3, 1)),
        ((4,), (3, 4), ()),
        ((), (), ()),
    ]:
        lo, hi = make(ls, domain=Domain(-9, 0)), make(hs, domain=Domain(0, 9))
        yield SampleInput((make(xs), lo, hi), {}, f"tensor bounds {xs} {ls} {hs}")
        yield SampleInput((make(xs),), {"min": lo}, f"tensor min {xs} {ls}")
        yield SampleInput((make(xs),), {"max": hi}, f"tensor max {xs} {hs}")
    if make.dtype in FLOATS:
        yield SampleInput((make.special(),), {"min": -1.0, "max": 1.0}, "special values")
        yield SampleInput(
            (make((10,)), make.special(), make.special(permute=True)), {}, "special bounds"
        )


def sample_where(op, make):
    for cs, xs, ys in [
        ((), (), ()),
        ((3, 4), (3, 4), (3, 4)),
        ((3, 4), (4,), (3, 1)),
        ((4,), (3, 4), ()),
        ((0, 3), (0, 3), (3,)),
        ((2, 3, 4), (3, 1), (2, 1, 4)),
    ]:
        yield SampleInput((make.mask(cs), make(xs), make(ys)), {}, f"{cs} {xs} {ys}")
    for s in op.scalars:
        yield SampleInput((make.mask((3, 4)), make((3, 4)), s), {}, f"other {s!r}")
        yield SampleInput((make.mask((3, 4)), s, make((3, 4))), {}, f"input {s!r}")
    yield SampleInput((make.mask((3, 4)), 1, 2.5), {}, "two numbers")


def sample_matmul(op, make):
    for sa, sb in [
        ((4,), (4,)),  # dot
        ((3, 4), (4,)),  # matrix @ vector
        ((4,), (4, 5)),  # vector @ matrix
        ((3, 4), (4, 5)),
        ((2, 3, 4), (2, 4, 5)),  # batched
        ((2, 3, 4), (4, 5)),  # batch @ matrix
        ((3, 4), (2, 4, 5)),  # matrix @ batch
        ((2, 1, 3, 4), (5, 4, 2)),  # batch dims broadcast
        ((2, 3, 4), (4,)),
        ((4,), (2, 4, 5)),
        ((1, 1), (1, 1)),
        ((3, 0), (0, 5)),  # K = 0: zeros
        ((0, 4), (4, 5)),  # M = 0
        ((0, 3, 4), (4, 5)),  # empty batch
        ((0,), (0,)),
    ]:
        yield SampleInput((make(sa, 0), make(sb, 1)), {}, f"{sa} @ {sb}")


# ---- row builders for the elementwise families ----

SCALARS = (3, 2.5, True)


def unary(
    name, ref, dtypes, *, domain=REAL, differentiable=True, aliases=(), special=True, tol=None,
    supports_out=True, **kw
):
    return OpInfo(
        name=name,
        op=fn(name),
        ref=ref,
        dtypes=dtypes,
        sample_inputs=sample_unary,
        domains=(domain,),
        differentiable=differentiable,
        inplace=True,
        aliases=aliases,
        supports_out=supports_out,
        special=special,
        tol=tol or {},
        **kw,
    )


def binary(
    name,
    ref,
    dtypes,
    *,
    domains=(REAL, REAL),
    differentiable=True,
    aliases=(),
    scalars=SCALARS,
    inplace=True,
    special=True,
    kwargs=None,
    variant="",
    op=None,
    promotes=True,
    sample_inputs=sample_binary,
    supports_out=True,
    **kw,
):
    return OpInfo(
        name=name,
        op=op or fn(name),
        ref=ref,
        dtypes=dtypes,
        sample_inputs=sample_inputs,
        domains=domains,
        differentiable=differentiable,
        inplace=inplace,
        aliases=aliases,
        supports_out=supports_out,
        special=special,
        scalars=scalars,
        promotes=promotes,
        variant=variant,
        sample_kwargs={"kwargs": kwargs or [{}]},
        **kw,
    )


def _scaled(b, alpha):
    # a Python number stays a Python number (NumPy's weak scalar, like torch's wrapped number)
    return (
        b if alpha == 1 else (b * alpha if not isinstance(b, np.ndarray) else np.multiply(b, alpha))
    )


def _add_ref(a, b, alpha=1):
    return np.add(a, _scaled(b, alpha))


def _sub_ref(a, b, alpha=1):
    return np.subtract(a, _scaled(b, alpha))


def _div_trunc_ref(a, b, rounding_mode=None):
    return np.trunc(np.true_divide(a, b))


def _div_floor_ref(a, b, rounding_mode=None):
    return np.floor_divide(a, b)


def _pow_ref(a, b):
    if isinstance(b, np.ndarray) and b.dtype.kind in "iu" and np.asarray(a).dtype.kind in "iu":
        # NumPy refuses negative integer powers; torch gives 1/a**n truncated toward zero
        neg = b < 0
        safe = np.power(a, np.where(neg, 0, b))
        one = np.abs(a) == 1
        return np.where(neg, np.where(one, np.where(b % 2 == 0, 1, a), 0), safe)
    return np.power(a, b)


def _sigmoid_ref(x):
    return 1.0 / (1.0 + np.exp(-x))


def _relu_ref(x):
    return (
        np.where(np.isnan(x), x, np.maximum(x, 0))
        if x.dtype.kind == "f"
        else np.maximum(x, x.dtype.type(0))
    )


def _neg_ref(x):
    return np.negative(x)


def _abs_ref(x):
    return np.abs(x)


def _bitwise_not_ref(x):
    return np.invert(x)


# ---- error inputs shared by the binary ops ----


def shape_mismatch_error(make):
    yield ErrorInput(SampleInput((make((3, 4)), make((5,)))), RuntimeError)
    yield ErrorInput(SampleInput((make((2, 3)), make((3, 2)))), RuntimeError)


def int_zero_division_errors(**kwargs):
    """Integer division by zero raises (ZeroDivisionError's text in a RuntimeError, as torch)."""

    def errors(make):
        a = TArg(np.array([4, -7, 9], dtype=np.int64), "int64")
        zero = TArg(np.array([1, 0, 2], dtype=np.int64), "int64")
        yield ErrorInput(SampleInput((a, zero), dict(kwargs)), RuntimeError, "int64")
        yield ErrorInput(SampleInput((a, 0), dict(kwargs)), RuntimeError, "int64")
        yield from shape_mismatch_error(make)

    return errors


def tensor_only_errors(make):
    """maximum, minimum and the logical ops take no Python numbers."""
    yield from shape_mismatch_error(make)
    yield ErrorInput(SampleInput((make((3,)), 2)), TypeError)
    yield ErrorInput(SampleInput((2, make((3,)))), TypeError)


def number_first_errors(make):
    """Comparisons take a number as `other` only."""
    yield from shape_mismatch_error(make)
    yield ErrorInput(SampleInput((2, make((3,)))), TypeError)


def add_errors(make):
    yield from shape_mismatch_error(make)
    ints = TArg(np.array([1, 2], dtype=np.int32), "int32")
    yield ErrorInput(SampleInput((ints, ints), {"alpha": 0.5}), RuntimeError, "int32")


def sub_bool_errors(make):
    """Subtraction refuses any bool operand: two bool tensors, one with numbers, a Python bool."""
    yield from shape_mismatch_error(make)
    b = TArg(np.array([True, False]), "bool")
    yield ErrorInput(SampleInput((b, b)), RuntimeError, "bool")
    yield ErrorInput(SampleInput((b, make((2,)))), RuntimeError)
    yield ErrorInput(SampleInput((make((2,)), True)), RuntimeError)


def sub_errors(make):
    yield from add_errors(make)
    yield from sub_bool_errors(make)


def div_mode_errors(make):
    yield from shape_mismatch_error(make)
    yield ErrorInput(
        SampleInput((make((3,)), make((3,))), {"rounding_mode": "round"}), RuntimeError
    )


def pow_errors(make):
    yield from shape_mismatch_error(make)
    base = TArg(np.array([2, 3], dtype=np.int64), "int64")
    yield ErrorInput(SampleInput((base, -2)), RuntimeError, "int64")
    yield ErrorInput(
        SampleInput((make((2,), dtype="bool"), make((2,), dtype="bool"))), NotImplementedError
    )


def sample_pow(op, make):
    yield from sample_binary(op, make)
    if make.dtype != "uint8":
        # negative tensor exponents: integers give 1/x**n truncated (0 unless x is 1 or -1)
        base = np.array([2, -1, 1, 0, 3, -1, -2])
        exps = np.array([-1, -3, -2, -1, -2, -2, 2])
        dt = carrier_dtype(make.dtype)
        yield SampleInput(
            (TArg(base.astype(dt), make.dtype), TArg(exps.astype(dt), make.dtype)),
            {},
            "negative exponents",
        )


def bitwise_float_errors(make):
    yield from shape_mismatch_error(make)
    i = TArg(np.array([1, 2], dtype=np.int64), "int64")
    yield ErrorInput(SampleInput((i, 2.5)), NotImplementedError, "int64")
    yield ErrorInput(SampleInput((make((2,)), make((2,)))), NotImplementedError)


# ---- elementwise rows ----

ELEMENTWISE = [
    # unary
    unary(
        "neg",
        _neg_ref,
        NUMERIC,
        aliases=("negative",),
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,), dtype="bool"),)), RuntimeError)
        ],
    ),
    unary("abs", _abs_ref, NUMERIC, aliases=("absolute",)),
    unary("exp", floating(np.exp), ALL, domain=Domain(-9, 9)),
    unary("log", floating(np.log), ALL, domain=POSITIVE),
    unary("sqrt", floating(np.sqrt), ALL, domain=POSITIVE),
    unary("sin", floating(np.sin), ALL),
    unary("cos", floating(np.cos), ALL),
    unary("tanh", floating(np.tanh), ALL),
    unary("sigmoid", floating(_sigmoid_ref), ALL),
    unary("relu", _relu_ref, NUMERIC, supports_out=False),  # torch.relu has no out=
    unary("logical_not", np.logical_not, ALL, differentiable=False),
    unary("bitwise_not", _bitwise_not_ref, INTEGRAL, differentiable=False, special=False),
    # binary arithmetic
    binary("add", _add_ref, ALL, kwargs=[{}, {"alpha": 2}], error_inputs=add_errors),
    binary(
        "add",
        _add_ref,
        FLOATS,
        variant="float_alpha",
        kwargs=[{"alpha": 0.5}],
        special=False,
        scalars=(),
        dtypes_complete=False,
        promotes=False,
        torch_upcast16=True,
    ),
    binary(
        "sub",
        _sub_ref,
        NUMERIC,
        aliases=("subtract",),
        kwargs=[{}, {"alpha": 2}],
        error_inputs=sub_errors,
        scalars=(3, 2.5),
    ),
    binary(
        "sub",
        _sub_ref,
        FLOATS,
        variant="float_alpha",
        kwargs=[{"alpha": -1.5}],
        special=False,
        scalars=(),
        dtypes_complete=False,
        promotes=False,
        torch_upcast16=True,
    ),
    binary("mul", np.multiply, ALL, aliases=("multiply",), error_inputs=shape_mismatch_error),
    binary(
        "div",
        floating(np.true_divide),
        ALL,
        aliases=("divide",),
        domains=(REAL, NONZERO),
        error_inputs=div_mode_errors,
    ),
    binary(
        "div",
        floating(_div_trunc_ref),
        NUMERIC,
        variant="trunc",
        domains=(REAL, NONZERO),
        kwargs=[{"rounding_mode": "trunc"}],
        error_inputs=int_zero_division_errors(rounding_mode="trunc"),
        differentiable=False,
        torch_upcast16=True,
    ),
    binary(
        "div",
        _div_floor_ref,
        NUMERIC,
        variant="floor",
        domains=(REAL, NONZERO),
        kwargs=[{"rounding_mode": "floor"}],
        error_inputs=int_zero_division_errors(rounding_mode="floor"),
        differentiable=False,
        torch_upcast16=True,
    ),
    binary("true_divide", floating(np.true_divide), ALL, domains=(REAL, NONZERO)),
    binary(
        "floor_divide",
        np.floor_divide,
        NUMERIC,
        domains=(REAL, NONZERO),
        error_inputs=int_zero_division_errors(),
        differentiable=False,
        torch_upcast16=True,
    ),
    binary(
        "remainder",
        np.remainder,
        NUMERIC,
        domains=(REAL, NONZERO),
        error_inputs=int_zero_division_errors(),
    ),
    binary(
        "pow",
        _pow_ref,
        NUMERIC,
        domains=(SMALL, EXPONENT),
        scalars=(2, 0.5, True),
        error_inputs=pow_errors,
        sample_inputs=sample_pow,
    ),
    binary("maximum", np.maximum, ALL, inplace=False, scalars=(), error_inputs=tensor_only_errors),
    binary("minimum", np.minimum, ALL, inplace=False, scalars=(), error_inputs=tensor_only_errors),
    # comparisons: bool results; the in-place forms write 0/1 in the tensor's own dtype
    binary("eq", np.equal, ALL, differentiable=False, error_inputs=number_first_errors),
    binary("ne", np.not_equal, ALL, aliases=("not_equal",), differentiable=False),
    binary("lt", np.less, ALL, aliases=("less",), differentiable=False),
    binary("le", np.less_equal, ALL, aliases=("less_equal",), differentiable=False),
    binary("gt", np.greater, ALL, aliases=("greater",), differentiable=False),
    binary("ge", np.greater_equal, ALL, aliases=("greater_equal",), differentiable=False),
    # bitwise and logical
    binary(
        "bitwise_and",
        np.bitwise_and,
        INTEGRAL,
        differentiable=False,
        special=False,
        scalars=(3, True),
        error_inputs=bitwise_float_errors,
    ),
    binary(
        "bitwise_or",
        np.bitwise_or,
        INTEGRAL,
        differentiable=False,
        special=False,
        scalars=(3, True),
    ),
    binary(
        "bitwise_xor",
        np.bitwise_xor,
        INTEGRAL,
        differentiable=False,
        special=False,
        scalars=(3, True),
    ),
    binary(
        "logical_and",
        np.logical_and,
        ALL,
        differentiable=False,
        scalars=(),
        error_inputs=tensor_only_errors,
    ),
    binary(
        "logical_or",
        np.logical_or,
        ALL,
        differentiable=False,
        scalars=(),
        error_inputs=tensor_only_errors,
    ),
    binary(
        "logical_xor",
        np.logical_xor,
        ALL,
        differentiable=False,
        scalars=(),
        error_inputs=tensor_only_errors,
    ),
    # clamp / clip: number or tensor bounds, broadcasting; the result type promotes with the bounds
    OpInfo(
        name="clamp",
        op=fn("clamp"),
        ref=lambda x, min=None, max=None: _clamp_ref(x, min, max),
        dtypes=ALL,
        sample_inputs=lambda op, make: _clamp_samples_for(make),
        differentiable=True,
        inplace=True,
        supports_out=True,
        aliases=("clip",),
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)),)), RuntimeError),
            ErrorInput(SampleInput((make((3,)), make((4,)))), RuntimeError),
            ErrorInput(
                SampleInput(
                    (make((3,), dtype="bool"), make((3,), dtype="bool"), make((3,), dtype="bool"))
                ),
                NotImplementedError,
            ),
            ErrorInput(
                SampleInput((make((3,), dtype="bool"),), {"min": True}), NotImplementedError
            ),
            ErrorInput(SampleInput((make((3,), dtype="int8"),), {"min": -200}), RuntimeError),
            ErrorInput(SampleInput((make((3,), dtype="uint8"),), {"max": 300}), RuntimeError),
        ],
    ),
    OpInfo(
        name="where",
        op=fn("where"),
        ref=np.where,
        dtypes=ALL,
        sample_inputs=sample_where,
        differentiable=True,
        method=False,
        scalars=(3, 2.5, True),
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)), make((3,)), make((3,)))), RuntimeError),
            ErrorInput(SampleInput((make.mask((3,)), make((4,)), make((3,)))), RuntimeError),
        ],
    ),
    OpInfo(
        name="where",
        variant="method",
        op=lambda lib, x, c, y: x.where(c, y),
        ref=lambda x, c, y: np.where(c, x, y),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=lambda op, make: (
            SampleInput((make(xs), make.mask(cs), make(ys)), {}, f"{xs} {cs} {ys}")
            for xs, cs, ys in [((3, 4), (3, 4), (3, 4)), ((4,), (3, 4), ()), ((), (), ())]
        ),
    ),
    OpInfo(
        name="where",
        variant="condition_only",
        op=fn("where"),
        ref=np.nonzero,
        dtypes=ALL,
        method=False,
        sample_inputs=lambda op, make: (
            SampleInput((make(s, domain=Domain(-1, 1)),), {}, str(s))
            for s in [(7,), (3, 4), (2, 3, 4), (0, 3)]
        ),
    ),
]


def _clamp_ref(x, lo, hi):
    # a Python-number bound converts to x's integer dtype first: -2 clamps uint8 at 254, as in torch
    if x.dtype.kind in "iu":
        lo, hi = (np.array(b).astype(x.dtype) if isinstance(b, int) else b for b in (lo, hi))
    r = x
    if lo is not None:
        r = np.maximum(r, lo)
    if hi is not None:
        r = np.minimum(r, hi)
    return r


def _clamp_samples_for(make):
    # bool x only takes Python-number bounds (the result type is then int64 or float)
    if make.dtype == "bool":
        x = make((3, 4))
        yield SampleInput((x,), {"min": 0, "max": 1}, "int bounds")
        yield SampleInput((x,), {"min": 0.5}, "float min")
        yield SampleInput(
            (x,), {"min": make((4,))}, "one tensor bound"
        )  # torch's clamp_min takes bool
        yield SampleInput((x,), {"max": make((3, 1))}, "one tensor bound")
        return
    yield from sample_clamp(None, make)


# ---- operators: the dunders, reflected with a Python number, and in place ----


def _dunder(name, pyop, ref, dtypes, *, domains=(REAL, REAL), scalars=SCALARS, special=True, **kw):
    return OpInfo(
        name=name,
        op=lambda lib, a, b: pyop(a, b),
        ref=ref,
        dtypes=dtypes,
        sample_inputs=sample_binary,
        domains=domains,
        function=False,
        differentiable=kw.pop("differentiable", True),
        scalars=scalars,
        special=special,
        promotes=True,
        **kw,
    )


def _reflected(name, pyop, ref, dtypes, *, domain=REAL, scalars=SCALARS, **kw):
    # op(lib, tensor, number) computes `number OP tensor`, which Python sends to tensor.__rOP__.
    # Whether a dtype works depends on the number (2.5 // mask works, 3 // mask doesn't): the dtypes
    # listed are those that work with every number, test_promotion_torch_parity tries the rest.
    return OpInfo(
        dtypes_complete=False,
        name=name,
        op=lambda lib, t, s: pyop(s, t),
        ref=lambda t, s: ref(s, t),
        dtypes=dtypes,
        sample_inputs=sample_reflected,
        domains=(domain, domain),
        function=False,
        differentiable=kw.pop("differentiable", True),
        scalars=scalars,
        promotes="scalar",
        **kw,
    )


def _inplace_ref(ufunc):
    # NumPy's same_kind casting rejects what torch rejects: float into int, int into bool
    def ref(a, b):
        a = np.array(a, copy=True)
        ufunc(a, b, out=a, casting="same_kind")
        return a

    return ref


def _in_place(name, pyop, ufunc, dtypes, *, domains=(REAL, REAL), scalars=SCALARS, **kw):
    return OpInfo(
        name=name,
        op=lambda lib, a, b: pyop(a, b),
        ref=_inplace_ref(ufunc),
        dtypes=dtypes,
        sample_inputs=sample_binary,
        domains=domains,
        function=False,
        differentiable=False,
        scalars=scalars,
        promotes=True,
        **kw,
    )


OPERATORS = [
    _dunder("__add__", operator.add, np.add, ALL),
    _dunder(
        "__sub__",
        operator.sub,
        np.subtract,
        NUMERIC,
        scalars=(3, 2.5),
        error_inputs=sub_bool_errors,
    ),
    _dunder("__mul__", operator.mul, np.multiply, ALL),
    _dunder(
        "__truediv__", operator.truediv, floating(np.true_divide), ALL, domains=(REAL, NONZERO)
    ),
    _dunder(
        "__floordiv__",
        operator.floordiv,
        np.floor_divide,
        NUMERIC,
        domains=(REAL, NONZERO),
        differentiable=False,
        torch_upcast16=True,
    ),
    _dunder("__mod__", operator.mod, np.remainder, NUMERIC, domains=(REAL, NONZERO)),
    _dunder(
        "__pow__",
        operator.pow,
        np.power,
        NUMERIC,
        domains=(SMALL, EXPONENT),
        scalars=(2, 0.5, True),
    ),
    _dunder(
        "__and__",
        operator.and_,
        np.bitwise_and,
        INTEGRAL,
        scalars=(3, True),
        special=False,
        differentiable=False,
    ),
    _dunder(
        "__or__",
        operator.or_,
        np.bitwise_or,
        INTEGRAL,
        scalars=(3, True),
        special=False,
        differentiable=False,
    ),
    _dunder(
        "__xor__",
        operator.xor,
        np.bitwise_xor,
        INTEGRAL,
        scalars=(3, True),
        special=False,
        differentiable=False,
    ),
    _dunder("__eq__", operator.eq, np.equal, ALL, differentiable=False),
    _dunder("__ne__", operator.ne, np.not_equal, ALL, differentiable=False),
    _dunder("__lt__", operator.lt, np.less, ALL, differentiable=False),
    _dunder("__le__", operator.le, np.less_equal, ALL, differentiable=False),
    _dunder("__gt__", operator.gt, np.greater, ALL, differentiable=False),
    _dunder("__ge__", operator.ge, np.greater_equal, ALL, differentiable=False),
    _reflected("__radd__", operator.add, np.add, ALL),
    _reflected(
        "__rsub__",
        operator.sub,
        np.subtract,
        NUMERIC,
        scalars=(3, 2.5),
        error_inputs=lambda make: [ErrorInput(SampleInput((make((2,)), True)), RuntimeError)],
    ),
    _reflected("__rmul__", operator.mul, np.multiply, ALL),
    _reflected("__rtruediv__", operator.truediv, floating(np.true_divide), ALL, domain=NONZERO),
    _reflected(
        "__rfloordiv__",
        operator.floordiv,
        np.floor_divide,
        NUMERIC,
        domain=NONZERO,
        differentiable=False,
    ),
    _reflected("__rmod__", operator.mod, np.remainder, NUMERIC, domain=NONZERO),
    _reflected(
        "__rpow__", operator.pow, np.power, NUMERIC, domain=EXPONENT, scalars=(2, 0.5, True)
    ),
    _reflected(
        "__rand__", operator.and_, np.bitwise_and, INTEGRAL, scalars=(3, True), differentiable=False
    ),
    _reflected(
        "__ror__", operator.or_, np.bitwise_or, INTEGRAL, scalars=(3, True), differentiable=False
    ),
    _reflected(
        "__rxor__", operator.xor, np.bitwise_xor, INTEGRAL, scalars=(3, True), differentiable=False
    ),
    _in_place("__iadd__", operator.iadd, np.add, ALL),
    _in_place("__isub__", operator.isub, np.subtract, NUMERIC, scalars=(3, 2.5)),
    _in_place("__imul__", operator.imul, np.multiply, ALL),
    _in_place("__itruediv__", operator.itruediv, np.true_divide, ALL, domains=(REAL, NONZERO)),
    _in_place(
        "__ifloordiv__", operator.ifloordiv, np.floor_divide, NUMERIC, domains=(REAL, NONZERO)
    ),
    _in_place("__imod__", operator.imod, np.remainder, NUMERIC, domains=(REAL, NONZERO)),
    _in_place(
        "__ipow__",
        operator.ipow,
        np.power,
        NUMERIC,
        domains=(SMALL, EXPONENT),
        scalars=(2, 0.5, True),
    ),
    _in_place("__iand__", operator.iand, np.bitwise_and, INTEGRAL, scalars=(3, True)),
    _in_place("__ior__", operator.ior, np.bitwise_or, INTEGRAL, scalars=(3, True)),
    _in_place("__ixor__", operator.ixor, np.bitwise_xor, INTEGRAL, scalars=(3, True)),
    OpInfo(
        name="__neg__",
        op=lambda lib, x: -x,
        ref=np.negative,
        dtypes=NUMERIC,
        sample_inputs=sample_unary,
        function=False,
        differentiable=True,
        special=True,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,), dtype="bool"),)), RuntimeError)
        ],
    ),
    OpInfo(
        name="__pos__",
        op=lambda lib, x: +x,
        ref=np.positive,
        dtypes=NUMERIC,
        sample_inputs=sample_unary,
        function=False,
        differentiable=True,
    ),
    OpInfo(
        name="__abs__",
        op=lambda lib, x: abs(x),
        ref=np.abs,
        dtypes=NUMERIC,
        sample_inputs=sample_unary,
        function=False,
        differentiable=True,
        special=True,
    ),
    OpInfo(
        name="__invert__",
        op=lambda lib, x: ~x,
        ref=np.invert,
        dtypes=INTEGRAL,
        sample_inputs=sample_unary,
        function=False,
    ),
]


# ---- reductions ----


def _sum_ref(x, dim=None, keepdim=False, dtype=None):
    # torch converts the input to dtype= first (float -> int truncates), then sums
    if dtype is not None:
        x = _convert_ref(dtype.name)(x).astype(_np_dtype(dtype))
    return np.sum(x, axis=_axis(x, dim), keepdims=keepdim)


def _mean_ref(x, dim=None, keepdim=False, dtype=None):
    return np.mean(np.asarray(x, dtype=np.float64), axis=_axis(x, dim), keepdims=keepdim)


def _amax_ref(x, dim=None, keepdim=False):
    return np.amax(x, axis=_axis(x, dim), keepdims=keepdim)


def _amin_ref(x, dim=None, keepdim=False):
    return np.amin(x, axis=_axis(x, dim), keepdims=keepdim)


def _extremum_dim_ref(fvalue, farg):
    def ref(x, dim, keepdim=False):
        if x.ndim == 0:
            return x, np.array(0)
        return fvalue(x, axis=dim, keepdims=keepdim), farg(x, axis=dim, keepdims=keepdim)

    return ref


def _arg_ref(farg):
    def ref(x, dim=None, keepdim=False):
        if x.ndim == 0:
            return np.array(0)
        if dim is None:
            return farg(x, keepdims=keepdim) if keepdim else farg(x)
        return farg(x, axis=dim, keepdims=keepdim)

    return ref


def reduction_errors(name, empty_error):
    def errors(make):
        # repeated dims
        yield ErrorInput(SampleInput((make((3, 4)),), {"dim": (0, 0)}), RuntimeError)
        yield ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)
        if empty_error:
            yield ErrorInput(SampleInput((make((0, 3)),), {"dim": 0}), IndexError)

    return errors


def full_reduction_errors(make):
    yield ErrorInput(SampleInput((make((0, 3)),), {}), RuntimeError)


def dim_reduction_errors(make):
    yield ErrorInput(SampleInput((make((0, 3)),), {"dim": 0}), IndexError)
    yield ErrorInput(SampleInput((make((3, 4)),), {"dim": 2}), IndexError)


def argmax_errors(make):
    yield from dim_reduction_errors(make)
    yield ErrorInput(SampleInput((make((0, 3)),), {}), IndexError)


REDUCTIONS = [
    OpInfo(
        name="sum",
        op=fn("sum"),
        ref=_sum_ref,
        dtypes=ALL,
        sample_inputs=sample_reduction,
        differentiable=True,
        special=True,
        tol=REDUCTION_TOL,
        sample_kwargs={"dtype_kwarg": ("float64", "int64")},
        error_inputs=reduction_errors("sum", False),
    ),
    OpInfo(
        name="mean",
        op=fn("mean"),
        ref=_mean_ref,
        dtypes=FLOATS,
        sample_inputs=sample_reduction,
        differentiable=True,
        special=True,
        tol=REDUCTION_TOL,
        sample_kwargs={"dtype_kwarg": ("float64",)},
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,), dtype="int64"),)), RuntimeError),
            ErrorInput(SampleInput((make((3,), dtype="int64"),), {"dim": 0}), RuntimeError),
            *reduction_errors("mean", False)(make),
        ],
    ),
    OpInfo(
        name="mean",
        variant="int_dtype",
        op=fn("mean"),
        ref=_mean_ref,
        dtypes=INTEGRAL,
        dtypes_complete=False,
        sample_inputs=lambda op, make: [
            SampleInput((make((3, 4)),), {"dtype": DT("float32")}),
            SampleInput((make((3, 4)),), {"dim": 0, "dtype": DT("float64")}),
        ],
    ),
    OpInfo(
        name="amax",
        op=fn("amax"),
        ref=_amax_ref,
        dtypes=ALL,
        sample_inputs=sample_reduction,
        differentiable=True,
        special=True,
        sample_kwargs={"need_nonempty": True},
        error_inputs=reduction_errors("amax", True),
    ),
    OpInfo(
        name="amin",
        op=fn("amin"),
        ref=_amin_ref,
        dtypes=ALL,
        sample_inputs=sample_reduction,
        differentiable=True,
        special=True,
        sample_kwargs={"need_nonempty": True},
        error_inputs=reduction_errors("amin", True),
    ),
    OpInfo(
        name="max",
        op=fn("max"),
        ref=np.max,
        dtypes=ALL,
        sample_inputs=sample_full_reduction,
        differentiable=True,
        error_inputs=full_reduction_errors,
    ),
    OpInfo(
        name="min",
        op=fn("min"),
        ref=np.min,
        dtypes=ALL,
        sample_inputs=sample_full_reduction,
        differentiable=True,
        error_inputs=full_reduction_errors,
    ),
    OpInfo(
        name="max",
        variant="dim",
        op=fn("max"),
        ref=_extremum_dim_ref(np.max, np.argmax),
        dtypes=ALL,
        sample_inputs=sample_dim_reduction,
        differentiable=True,
        error_inputs=dim_reduction_errors,
    ),
    OpInfo(
        name="min",
        variant="dim",
        op=fn("min"),
        ref=_extremum_dim_ref(np.min, np.argmin),
        dtypes=ALL,
        sample_inputs=sample_dim_reduction,
        differentiable=True,
        error_inputs=dim_reduction_errors,
    ),
    # max(a, b) / min(a, b) with a tensor are maximum / minimum
    # TODO: torch.max(a, b, out=t) works; ember's max/min bindings take no out= yet
    binary(
        "max",
        np.maximum,
        ALL,
        variant="binary",
        inplace=False,
        scalars=(),
        kwargs=[{}],
        error_inputs=shape_mismatch_error,
        supports_out=False,
    ),
    binary(
        "min",
        np.minimum,
        ALL,
        variant="binary",
        inplace=False,
        scalars=(),
        kwargs=[{}],
        supports_out=False,
    ),
    OpInfo(
        name="argmax",
        op=fn("argmax"),
        ref=_arg_ref(np.argmax),
        dtypes=NUMERIC,
        sample_inputs=sample_dim_reduction,
        sample_kwargs={"dim_optional": True},
        error_inputs=argmax_errors,
    ),
    OpInfo(
        name="argmin",
        op=fn("argmin"),
        ref=_arg_ref(np.argmin),
        dtypes=NUMERIC,
        sample_inputs=sample_dim_reduction,
        sample_kwargs={"dim_optional": True},
        error_inputs=argmax_errors,
    ),
]

# ---- views and shape ops ----

VIEW_LAYOUTS = (
    "contiguous",
    "transposed",
    "strided",
)  # ember can't view a negative-stride tensor either


def _samples(*items):
    """A fixed list of samples built from `make`: items are functions make -> SampleInput."""
    return lambda op, make: [item(make) for item in items]


def S(*args, desc="", **kwargs):
    """A sample whose tensor arguments are given as shapes wrapped in `T(shape)`."""

    def build(make):
        built = []
        for a in args:
            if isinstance(a, _Shape):
                built.append(
                    make(a.shape, domain=a.domain)
                    if a.dtype is None
                    else make(a.shape, dtype=a.dtype)
                )
            elif isinstance(a, list) and a and isinstance(a[0], _Shape):
                built.append([make(s.shape) for s in a])
            else:
                built.append(a)
        text = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
        return SampleInput(tuple(built), dict(kwargs), desc or text)

    return build


@dataclass(frozen=True)
class _Shape:
    shape: tuple
    dtype: str | None = None
    domain: Domain | None = None

    def __repr__(self):
        return f"T{self.shape}" + (f"[{self.dtype}]" if self.dtype else "")


def T(*shape, dtype=None):
    return _Shape(tuple(shape), dtype)


def _flatten_ref(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(
        x.shape[:s]
        + (-1 if 0 not in x.shape else math.prod(x.shape[s : e + 1]),)
        + x.shape[e + 1 :]
    )


def _unflatten_ref(x, dim, sizes):
    d = dim % x.ndim
    sizes = list(sizes)
    if -1 in sizes:
        known = math.prod(s for s in sizes if s != -1)
        sizes[sizes.index(-1)] = x.shape[d] // known
    return x.reshape(x.shape[:d] + tuple(sizes) + x.shape[d + 1 :])


def _squeeze_ref(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    if x.ndim == 0:
        return x
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return np.squeeze(x, axis=tuple(d % x.ndim for d in dims if x.shape[d] == 1))


def _narrow_ref(x, dim, start, length):
    d = dim % x.ndim
    start = start % x.shape[d] if start < 0 else start
    return np.take(x, range(start, start + length), axis=d)


def _split_ref(x, split_size_or_sections, dim=0):
    d = dim % x.ndim
    n = x.shape[d]
    if isinstance(split_size_or_sections, int):
        if n == 0:
            return (x,)
        bounds = list(range(split_size_or_sections, n, split_size_or_sections))
    else:
        bounds = list(np.cumsum(split_size_or_sections)[:-1])
    return tuple(np.split(x, bounds, axis=d))


def _chunk_ref(x, chunks, dim=0):
    n = x.shape[dim % x.ndim]
    size = -(-n // chunks)
    if n == 0:
        return _split_ref(x, [0] * chunks, dim)
    return _split_ref(x, size, dim)


def _expand_ref(x, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return np.broadcast_to(x, target)


def _as_strided_ref(x, size, stride, storage_offset=0):
    flat = np.ascontiguousarray(x).reshape(-1)
    base = flat[storage_offset:]
    return np.lib.stride_tricks.as_strided(
        base, shape=size, strides=[s * flat.itemsize for s in stride]
    )


def _cat_ref(tensors, dim=0):
    parts = [t for t in tensors if not (t.ndim == 1 and t.size == 0)]  # torch's legacy rule
    if not parts:
        return np.concatenate(tensors)
    dtype = np.result_type(*tensors)
    return np.concatenate([p.astype(dtype) for p in parts], axis=dim)


def _shape_errors(*cases):
    """Error inputs from (builder, error type) pairs."""

    def errors(make):
        for build, err in cases:
            yield ErrorInput(build(make), err)

    return errors


SHAPE_OPS = [
    OpInfo(
        name="view",
        layout_free=False,
        op=lambda lib, x, shape: x.view(shape),
        ref=lambda x, shape: x.reshape(shape),
        dtypes=ALL,
        function=False,
        differentiable=True,
        layouts=VIEW_LAYOUTS,
        numpy_layouts=("contiguous",),
        sample_inputs=_samples(
            S(T(3, 4), (12,)),
            S(T(3, 4), (2, -1)),
            S(T(3, 4), (4, 1, 3)),
            S(T(), ()),
            S(T(), (1, 1)),
            S(T(0, 3), (3, 0)),
            S(T(0, 3), (-1,)),
            S(T(2, 3, 4), (6, 4)),
            S(T(2, 3, 4), (2, 12)),
            S(T(5), (5, 1)),
        ),
        error_inputs=_shape_errors(
            (S(T(3, 4), (5,)), RuntimeError), (S(T(3, 4), (-1, -1)), RuntimeError)
        ),
    ),
    OpInfo(
        name="view",
        layout_free=False,
        variant="varargs",
        op=lambda lib, x, *shape: x.view(*shape),
        ref=lambda x, *shape: x.reshape(shape),
        dtypes=("float32", "int64"),
        function=False,
        dtypes_complete=False,
        layouts=VIEW_LAYOUTS,
        numpy_layouts=("contiguous",),
        sample_inputs=_samples(S(T(3, 4), 4, 3), S(T(3, 4), -1), S(T(2, 6), 3, 2, 2)),
    ),
    OpInfo(
        name="view_as",
        layout_free=False,
        op=lambda lib, x, y: x.view_as(y),
        ref=lambda x, y: x.reshape(y.shape),
        dtypes=ALL,
        function=False,
        differentiable=True,
        layouts=VIEW_LAYOUTS,
        numpy_layouts=("contiguous",),
        sample_inputs=_samples(S(T(3, 4), T(12)), S(T(3, 4), T(2, 6)), S(T(), T(1))),
    ),
    OpInfo(
        name="reshape",
        op=fn("reshape"),
        ref=lambda x, shape: x.reshape(shape),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4), (12,)),
            S(T(3, 4), (2, -1)),
            S(T(3, 4), (4, 1, 3)),
            S(T(), ()),
            S(T(), (1,)),
            S(T(0, 3), (3, 0, 1)),
            S(T(2, 3, 4), (-1,)),
            S(T(2, 3, 4), (4, 3, 2)),
            S(T(2, 3, 4), (6, 4)),
        ),
        error_inputs=_shape_errors(
            (S(T(3, 4), (5,)), RuntimeError), (S(T(3, 4), (-1, -1)), RuntimeError)
        ),
    ),
    OpInfo(
        name="reshape_as",
        op=lambda lib, x, y: x.reshape_as(y),
        ref=lambda x, y: x.reshape(y.shape),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4), T(12)), S(T(2, 3, 4), T(4, 6)), S(T(), T(1, 1))),
    ),
    OpInfo(
        name="permute",
        variant="varargs",
        op=lambda lib, x, *dims: x.permute(*dims),
        ref=lambda x, *dims: np.transpose(x, dims),
        dtypes=("float32", "int64"),
        function=False,
        dtypes_complete=False,
        sample_inputs=_samples(S(T(2, 3, 4), 2, 0, 1), S(T(3, 4), 1, 0)),
    ),
    OpInfo(
        name="reshape",
        variant="varargs",
        op=lambda lib, x, *shape: x.reshape(*shape),
        ref=lambda x, *shape: x.reshape(shape),
        dtypes=("float32", "int64"),
        function=False,
        dtypes_complete=False,
        sample_inputs=_samples(S(T(3, 4), 2, 6), S(T(3, 4), -1), S(T(2, 3, 4), 4, -1)),
    ),
    OpInfo(
        name="permute",
        op=fn("permute"),
        ref=lambda x, dims: np.transpose(x, dims),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4), (1, 0)),
            S(T(2, 3, 4), (2, 0, 1)),
            S(T(2, 3, 4), (-1, 0, -2)),
            S(T(), ()),
            S(T(0, 3), (1, 0)),
            S(T(5), (0,)),
        ),
        error_inputs=_shape_errors(
            (S(T(3, 4), (0,)), RuntimeError),
            (S(T(3, 4), (0, 0)), RuntimeError),
            (S(T(3, 4), (0, 2)), IndexError),
        ),
    ),
    OpInfo(
        name="transpose",
        op=fn("transpose"),
        ref=lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x,
        dtypes=ALL,
        differentiable=True,
        aliases=("swapdims", "swapaxes"),
        sample_inputs=_samples(
            S(T(3, 4), 0, 1),
            S(T(2, 3, 4), 0, 2),
            S(T(2, 3, 4), -1, 1),
            S(T(5), 0, -1),
            S(T(), 0, -1),
            S(T(0, 3), 1, 0),
            S(T(2, 3), 1, 1),
        ),
        error_inputs=_shape_errors((S(T(3, 4), 0, 2), IndexError)),
    ),
    OpInfo(
        name="t",
        op=fn("t"),
        ref=lambda x: x.T,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T()), S(T(5)), S(T(3, 4)), S(T(0, 2))),
        error_inputs=_shape_errors((S(T(2, 3, 4)), RuntimeError)),
    ),
    OpInfo(
        name="T",
        op=lambda lib, x: x.T,
        ref=lambda x: x.T,
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4)), S(T(5)), S(T()), S(T(2, 3, 4))),
    ),
    OpInfo(
        name="mT",
        op=lambda lib, x: x.mT,
        ref=lambda x: np.swapaxes(x, -1, -2),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 4)), S(T(2, 3, 4)), S(T(0, 2, 3))),
        error_inputs=_shape_errors((S(T(3)), RuntimeError)),
    ),
    OpInfo(
        name="expand",
        op=lambda lib, x, *sizes: x.expand(*sizes),
        ref=_expand_ref,
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 1), 3, 4),
            S(T(3, 1), -1, 5),
            S(T(), 2, 3),
            S(T(4), 2, 3, 4),
            S(T(1, 4), (0, 4)),
            S(T(2, 1, 4), 2, 3, -1),
            S(T(3, 1), (3, 4)),
        ),
        error_inputs=_shape_errors((S(T(3, 2), 3, 4), RuntimeError), (S(T(2, 3), 3), RuntimeError)),
    ),
    OpInfo(
        name="expand_as",
        op=lambda lib, x, y: x.expand_as(y),
        ref=lambda x, y: np.broadcast_to(x, y.shape),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_samples(S(T(3, 1), T(3, 4)), S(T(), T(2, 3)), S(T(4), T(2, 3, 4))),
    ),
    OpInfo(
        name="broadcast_to",
        op=fn("broadcast_to"),
        ref=lambda x, size: _expand_ref(x, size),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 1), (3, 4)), S(T(), (2, 3)), S(T(4), (2, 3, 4)), S(T(3, 1), (-1, 2))
        ),
        error_inputs=_shape_errors((S(T(3, 2), (3, 4)), RuntimeError)),
    ),
    OpInfo(
        name="broadcast_tensors",
        op=fn("broadcast_tensors"),
        ref=lambda *xs: np.broadcast_arrays(*xs),
        dtypes=ALL,
        method=False,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 1), T(1, 4)), S(T(), T(2, 3), T(3)), S(T(2, 3, 4), T(4)), S(T(5))
        ),
        error_inputs=_shape_errors((S(T(3), T(4)), RuntimeError)),
    ),
    OpInfo(
        name="squeeze",
        op=fn("squeeze"),
        ref=_squeeze_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 1, 4, 1)),
            S(T(3, 1, 4, 1), 1),
            S(T(3, 1, 4, 1), -1),
            S(T(3, 1, 4), 0),
            S(T(3, 1, 4, 1), (1, 3)),
            S(T(1, 1)),
            S(T()),
            S(T(), 0),
            S(T(1, 0, 1)),
        ),
        error_inputs=_shape_errors((S(T(3, 1), 2), IndexError)),
    ),
    OpInfo(
        name="unsqueeze",
        op=fn("unsqueeze"),
        ref=lambda x, dim: np.expand_dims(x, dim),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4), 0),
            S(T(3, 4), 1),
            S(T(3, 4), 2),
            S(T(3, 4), -1),
            S(T(3, 4), -3),
            S(T(), 0),
            S(T(0, 2), 1),
        ),
        error_inputs=_shape_errors((S(T(3, 4), 3), IndexError)),
    ),
    OpInfo(
        name="flatten",
        op=fn("flatten"),
        ref=_flatten_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(2, 3, 4)),
            S(T(2, 3, 4), 1),
            S(T(2, 3, 4), 0, 1),
            S(T(2, 3, 4), -2, -1),
            S(T()),
            S(T(5)),
            S(T(2, 0, 3), 1),
            S(T(2, 3, 4), 1, 1),
        ),
        error_inputs=_shape_errors((S(T(2, 3, 4), 2, 1), RuntimeError)),
    ),
    OpInfo(
        name="unflatten",
        layout_free=False,
        op=fn("unflatten"),
        ref=_unflatten_ref,
        dtypes=ALL,
        differentiable=True,
        layouts=VIEW_LAYOUTS,
        numpy_layouts=("contiguous",),
        sample_inputs=_samples(
            S(T(6, 4), 0, (2, 3)),
            S(T(4, 6), -1, (3, -1)),
            S(T(2, 12), 1, (2, 2, 3)),
            S(T(5), 0, (5, 1)),
            S(T(0, 3), 0, (0, 5)),
        ),
        error_inputs=_shape_errors((S(T(6, 4), 0, (4, 2)), RuntimeError)),
    ),
    OpInfo(
        name="narrow",
        op=fn("narrow"),
        ref=_narrow_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(5, 4), 0, 1, 3),
            S(T(5, 4), 1, 0, 4),
            S(T(5, 4), -1, 2, 0),
            S(T(5, 4), 0, -2, 2),
            S(T(2, 3, 4), 2, 1, 2),
        ),
        error_inputs=_shape_errors(
            (S(T(5), 0, 6, 1), IndexError),
            (S(T(5), 0, 3, 4), RuntimeError),
            (S(T(), 0, 0, 1), RuntimeError),
        ),
    ),
    OpInfo(
        name="select",
        op=fn("select"),
        ref=lambda x, dim, index: np.take(x, index, axis=dim),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(5, 4), 0, 1),
            S(T(5, 4), 1, -1),
            S(T(5), 0, 4),
            S(T(2, 3, 4), -2, 0),
            S(T(2, 0), 0, 1),
        ),
        error_inputs=_shape_errors(
            (S(T(5, 4), 0, 5), IndexError),
            (S(T(5, 4), 2, 0), IndexError),
            (S(T(), 0, 0), IndexError),
        ),
    ),
    OpInfo(
        name="unbind",
        op=fn("unbind"),
        ref=lambda x, dim=0: tuple(np.moveaxis(x, dim, 0)),
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(3, 4)), S(T(3, 4), 1), S(T(2, 3, 4), -1), S(T(5)), S(T(0, 3)), S(T(3, 0), 0)
        ),
        error_inputs=_shape_errors((S(T()), IndexError)),
    ),
    OpInfo(
        name="split",
        op=fn("split"),
        ref=_split_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(7, 3), 2),
            S(T(7, 3), 3, 0),
            S(T(7, 3), 1, 1),
            S(T(3, 7), [2, 5], 1),
            S(T(3, 7), [0, 7], -1),
            S(T(6), 6),
            S(T(6), 10),
            S(T(0, 2), 2),
        ),
        error_inputs=_shape_errors((S(T(6), [2, 2]), RuntimeError), (S(T(), 1), RuntimeError)),
    ),
    OpInfo(
        name="split_with_sizes",
        op=fn("split_with_sizes"),
        ref=_split_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(S(T(7, 3), [2, 5]), S(T(3, 7), [1, 0, 6], 1), S(T(5), [5])),
        error_inputs=_shape_errors(
            (S(T(6), [2, 2]), RuntimeError), (S(T(6), [-1, 7]), RuntimeError)
        ),
    ),
    OpInfo(
        name="chunk",
        op=fn("chunk"),
        ref=_chunk_ref,
        dtypes=ALL,
        differentiable=True,
        sample_inputs=_samples(
            S(T(7, 3), 3),
            S(T(7, 3), 2, 1),
            S(T(6), 3),
            S(T(6), 4),
            S(T(2), 5),
            S(T(0, 3), 2),
            S(T(3, 4), 1, -1),
        ),
        error_inputs=_shape_errors((S(T(6), 0), RuntimeError), (S(T(), 2), RuntimeError)),
    ),
    OpInfo(
        name="cat",
        op=fn("cat"),
        ref=_cat_ref,
        dtypes=ALL,
        method=False,
        differentiable=True,
        aliases=("concat", "concatenate"),
        supports_out=True,
        sample_inputs=_samples(
            S([T(2, 3), T(4, 3)]),
            S([T(2, 3), T(2, 1), T(2, 0)], 1),
            S([T(2, 3), T(2, 5)], dim=-1),
            S([T(5)]),
            S([T(0, 3), T(2, 3)]),
            S([T(2, 3, 4), T(2, 1, 4), T(2, 2, 4)], 1),
            S([T(0), T(2, 3)]),
            S([T(3), T(0), T(4)]),
        ),
        error_inputs=_shape_errors(
            (S([T(2, 3), T(2, 4)]), RuntimeError),
            (S([T(), T()]), RuntimeError),
            (S([T(2, 3), T(3)]), RuntimeError),
            (S([]), ValueError),
            (S([T(2, 3), T(2, 3)], 2), IndexError),
        ),
    ),
    OpInfo(
        name="stack",
        op=fn("stack"),
        ref=lambda ts, dim=0: np.stack(ts, axis=dim),
        dtypes=ALL,
        method=False,
        differentiable=True,
        sample_inputs=_samples(
            S([T(2, 3), T(2, 3)]),
            S([T(2, 3), T(2, 3), T(2, 3)], 1),
            S([T(2, 3), T(2, 3)], -1),
            S([T(), T()]),
            S([T(0, 3)]),
            S([T(4)], dim=1),
        ),
        error_inputs=_shape_errors(
            (S([T(2, 3), T(3, 2)]), RuntimeError),
            (S([]), RuntimeError),
            (S([T(2), T(2)], 2), IndexError),
        ),
    ),
    OpInfo(
        name="as_strided",
        op=fn("as_strided"),
        ref=_as_strided_ref,
        dtypes=ALL,
        differentiable=True,
        layouts=("contiguous",),
        numpy_layouts=("contiguous",),
        sample_inputs=_samples(
            S(T(3, 4), (2, 2), (4, 1)),
            S(T(3, 4), (4, 3), (1, 4)),
            S(T(3, 4), (3,), (5,), 1),
            S(T(12), (3, 3), (1, 1)),
            S(T(3, 4), (0, 2), (1, 1)),
            S(T(6), (), (), 5),
            S(T(6), (2, 2), (0, 1)),
        ),
        error_inputs=_shape_errors((S(T(3, 4), (4, 4), (4, 1)), RuntimeError)),
    ),
]


# ---- matmul ----


def matmul_errors(make):
    yield ErrorInput(SampleInput((make((3, 4)), make((5, 6)))), RuntimeError)
    yield ErrorInput(SampleInput((make((4,)), make((5,)))), RuntimeError)
    yield ErrorInput(SampleInput((make(()), make((3,)))), RuntimeError)
    yield ErrorInput(SampleInput((make((2, 3, 4)), make((3, 4, 5)))), RuntimeError)
    yield ErrorInput(SampleInput((make((3, 4)), make((4, 5), dtype="float64"))), RuntimeError)


MATMUL_TOL = {"float32": (1e-5, 1e-4), "float16": (2e-3, 2e-3), "bfloat16": (2e-2, 5e-2)}


LINALG = [
    OpInfo(
        name="matmul",
        op=fn("matmul"),
        ref=np.matmul,
        dtypes=NUMERIC,
        sample_inputs=sample_matmul,
        differentiable=True,
        supports_out=True,
        tol=MATMUL_TOL,
        error_inputs=matmul_errors,
    ),
    OpInfo(
        name="__matmul__",
        op=lambda lib, a, b: a @ b,
        ref=np.matmul,
        dtypes=NUMERIC,
        sample_inputs=sample_matmul,
        function=False,
        differentiable=True,
        tol=MATMUL_TOL,
        error_inputs=matmul_errors,
    ),
    # called directly: Python only reaches it when the left operand is no tensor
    OpInfo(
        name="__rmatmul__",
        op=lambda lib, a, b: b.__rmatmul__(a),
        ref=np.matmul,
        dtypes=NUMERIC,
        sample_inputs=sample_matmul,
        function=False,
        differentiable=True,
        tol=MATMUL_TOL,
    ),
]


# ---- copies, conversions and fills (Tensor methods) ----

CONVERSIONS = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "bfloat16": "bfloat16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "char": "int8",
    "byte": "uint8",
    "bool": "bool",
}


def _convert_ref(target):
    def ref(x, *args, **kwargs):
        if target == "bool":
            return x != 0
        if target in INTS and x.dtype.kind == "f":
            x = np.trunc(x)  # float -> int truncates toward zero
        return x.astype(carrier_dtype(target))

    return ref


def _conversion_samples(op, make):
    for shape in [(), (0,), (7,), (3, 4), (2, 3, 4)]:
        yield SampleInput((make(shape),), {}, str(shape))


def _conversion(name, target):
    # float -> uint8 of a negative value is undefined in C++ (and differs in torch): stay >= 0
    domain = NONNEG if target == "uint8" else REAL
    return OpInfo(
        name=name,
        op=method(name),
        ref=_convert_ref(target),
        dtypes=ALL,
        function=False,
        differentiable=target in FLOATS,
        sample_inputs=_conversion_samples,
        domains=(domain,),
    )


def _to_samples(op, make):
    x = make((3, 4))
    for target in ALL:
        if target == "uint8" and make.dtype in FLOATS:
            continue  # see _conversion
        yield SampleInput((x, DT(target)), {}, f"to {target}")
    yield SampleInput((x,), {"dtype": DT("float64")}, "dtype= keyword")
    yield SampleInput((x, DT("int32")), {"copy": True}, "copy=True")


def _fill_samples(op, make):
    for shape in [(), (0,), (3, 4)]:
        for value in (2, -1.5, True):
            if make.dtype == "uint8" and value == -1.5:
                continue
            yield SampleInput((make(shape), value), {}, f"{shape} {value!r}")
    yield SampleInput(
        (make((3, 4)), TArg(np.array(3, dtype=np.int64), "int64")), {}, "0-d tensor value"
    )


def _copy_samples(op, make):
    for dst, src, src_dtype in [
        ((3, 4), (3, 4), None),
        ((3, 4), (4,), None),
        ((3, 4), (), None),
        ((3, 4), (3, 4), "float64"),
        ((3, 4), (3, 1), "int32"),
        ((0, 2), (2,), None),
    ]:
        yield SampleInput((make(dst), make(src, dtype=src_dtype)), {}, f"{src} into {dst}")


def _copy_ref(dst, src):
    out = np.array(dst, copy=True)
    if out.dtype == np.bool_:
        out[...] = src != 0
    elif out.dtype.kind in "iu" and np.asarray(src).dtype.kind == "f":
        out[...] = np.trunc(src)
    else:
        out[...] = src
    return out


def _fill_ref(x, value):
    if isinstance(value, np.ndarray):
        value = value.item()
    out = np.array(x, copy=True)
    out[...] = (
        value != 0
        if out.dtype == np.bool_
        else (math.trunc(value) if out.dtype.kind in "iu" else value)
    )
    return out


COPIES = [
    OpInfo(
        name="clone",
        op=method("clone"),
        ref=lambda x: np.array(x, copy=True),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=sample_unary,
    ),
    OpInfo(
        name="contiguous",
        op=method("contiguous"),
        ref=lambda x: x,
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=sample_unary,
    ),
    OpInfo(
        name="to",
        op=method("to"),
        ref=lambda x, dtype=None, copy=False: _convert_ref(dtype.name)(x),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_to_samples,
    ),
    OpInfo(
        name="type_as",
        op=method("type_as"),
        ref=lambda x, y: _convert_ref(_dtype_name(y))(x),
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=lambda op, make: [
            SampleInput((make((3, 4)), make((2,), dtype=t)), {}, f"as {t}")
            for t in ("float64", "int32", "bool", "float16")
        ],
    ),
    *[_conversion(name, target) for name, target in CONVERSIONS.items()],
    OpInfo(
        name="fill_",
        op=method("fill_"),
        ref=_fill_ref,
        dtypes=ALL,
        function=False,
        sample_inputs=_fill_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)), make((2,)))), RuntimeError),
            ErrorInput(SampleInput((make((3,), dtype="int8"), 200)), RuntimeError),
            ErrorInput(SampleInput((make((3,), dtype="float16"), 1e5)), RuntimeError),
        ],
    ),
    OpInfo(
        name="zero_",
        op=method("zero_"),
        ref=np.zeros_like,
        dtypes=ALL,
        function=False,
        sample_inputs=sample_unary,
    ),
    OpInfo(
        name="copy_",
        op=method("copy_"),
        ref=_copy_ref,
        dtypes=ALL,
        function=False,
        differentiable=True,
        sample_inputs=_copy_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3, 4)), make((2, 4)))), RuntimeError)
        ],
    ),
]


def _dtype_name(arr):
    """A NumPy reference argument's dtype as an ember dtype name (bfloat16 never reaches NumPy)."""
    return "bool" if arr.dtype == np.bool_ else arr.dtype.name


# ---- indexing ops exported by ember._C (the indexing engineer owns their bindings) ----


def _index_put_ref(x, indices, values, accumulate=False):
    out = np.array(x, copy=True)
    idx = tuple(indices)
    if accumulate:
        np.add.at(out, idx, values)
    else:
        out[idx] = values
    return out


def _index_put_samples(op, make):
    x = make((5, 4))
    yield SampleInput((x, [TArg(np.array([0, 2, 4]), "int64")], make((3, 4))), {}, "rows")
    yield SampleInput(
        (x, [TArg(np.array([0, 2]), "int64"), TArg(np.array([1, 3]), "int64")], make((2,))),
        {},
        "points",
    )
    yield SampleInput(
        (x, [TArg(np.array([1, 1, 3]), "int64")], make((4,))),
        {"accumulate": True},
        "accumulate repeated rows",
    )
    yield SampleInput(
        (x, [TArg(np.array([-1]), "int64")], make(())), {}, "negative index, 0-d value"
    )
    yield SampleInput((x, [make.mask((5, 4))], make(())), {}, "bool mask")


INDEXING = [
    OpInfo(
        name="nonzero",
        op=fn("nonzero"),
        ref=np.argwhere,
        dtypes=ALL,
        sample_inputs=lambda op, make: [
            SampleInput((make(s, domain=Domain(-1, 1)),), {}, str(s))
            for s in [(), (7,), (3, 4), (2, 3, 4), (0, 3)]
        ],
    ),
    OpInfo(
        name="index_put_",
        op=fn("index_put_"),
        ref=_index_put_ref,
        dtypes=ALL,
        sample_inputs=_index_put_samples,
        differentiable=False,
        error_inputs=lambda make: [
            ErrorInput(
                SampleInput((make((5, 4)), [TArg(np.array([7]), "int64")], make(()))), IndexError
            )
        ],
    ),
]


# ---- factories with deterministic values (the random ones and empty* have their own tests) ----


def _np_factory_dtype(dtype, default="float32"):
    return carrier_dtype(dtype.name if dtype is not None else default)


def _shape_of(args):
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)


def _sized_samples(op, make):
    dt = DT(make.dtype)
    for shape in [(), (0,), (3,), (2, 3)]:
        yield SampleInput((shape,), {"dtype": dt}, f"{shape}")
    yield SampleInput((2, 3), {"dtype": dt}, "sizes as varargs")
    if make.dtype == "float32":
        yield SampleInput(((2, 3),), {}, "default dtype")
        yield SampleInput((4,), {}, "one int")


def _full_samples(op, make):
    fills = (2, True) if make.dtype in INTS + ("bool",) else (2, -1.5, True)
    for fill in fills:
        yield SampleInput(((2, 3), fill), {"dtype": DT(make.dtype)}, f"fill {fill!r}")
    if make.dtype == "float32":
        for fill in (2, -1.5, True):  # the fill value decides the dtype: int64, float32, bool
            yield SampleInput(((2, 3), fill), {}, f"inferred from {fill!r}")
            yield SampleInput(((), fill), {}, f"0-d from {fill!r}")


def _like_samples(op, make):
    for shape in [(), (0, 2), (2, 3)]:
        extra = () if op.name != "full_like" else (2,)
        yield SampleInput((make(shape), *extra), {}, f"like {shape}")
        yield SampleInput(
            (make(shape), *extra), {"dtype": DT("float64")}, f"like {shape} as float64"
        )


def _arange_samples(op, make):
    dt = {"dtype": DT(make.dtype)}
    for args in [(5,), (1, 7), (1, 10, 3), (5, 0, -1), (0,)]:
        yield SampleInput(args, dt, f"arange{args}")
    if make.dtype in FLOATS:
        for args in [(0, 1, 0.25), (-1.5, 2.5), (2.5, -1, -0.5)]:
            yield SampleInput(args, dt, f"arange{args}")
    if make.dtype == "float32":
        for args in [(5,), (1, 7, 2), (0, 1, 0.25), (0.5, 4), (3, 1.5, -0.5)]:
            yield SampleInput(
                args, {}, f"arange{args} inferred"
            )  # ints give int64, any float the default


def _arange_ref(*args, dtype=None):
    default = "float32" if any(isinstance(a, float) for a in args) else "int64"
    return np.arange(*args, dtype=np.float64).astype(_np_factory_dtype(dtype, default))


def _linspace_samples(op, make):
    for args in [(0, 1, 5), (3, -3, 7), (0, 9, 4), (-2, 2, 1), (0, 10, 0), (0.5, 3.9, 3)]:
        yield SampleInput(args, {"dtype": DT(make.dtype)}, f"linspace{args}")
    if make.dtype == "float32":
        yield SampleInput((0, 1, 5), {}, "default dtype")


def _linspace_ref(start, end, steps, dtype=None):
    target = _np_factory_dtype(dtype)
    if target.kind in "iu":
        # torch converts the endpoints to the integer dtype first (uint8: -3 is 253)
        start, end = (float(np.array(math.trunc(x)).astype(target)) for x in (start, end))
        return np.trunc(np.linspace(start, end, steps, dtype=np.float64)).astype(target)
    return np.linspace(start, end, steps, dtype=np.float64).astype(target)


def _eye_samples(op, make):
    for args in [(3,), (2, 4), (4, 2), (0,), (3, 0)]:
        yield SampleInput(args, {"dtype": DT(make.dtype)}, f"eye{args}")
    if make.dtype == "float32":
        yield SampleInput((3,), {}, "default dtype")


# nested Python data: the element types decide the dtype (bool < int < float)
TENSOR_DATA = [
    3,
    2.5,
    True,
    [],
    [1, 2, 3],
    [1.5, 2],
    [True, False],
    [[1, 2], [3, 4]],
    [[1, 2.5], [3, 4]],
    [True, 2],
    [[True], [False]],
    [[[1], [2]], [[3], [4]]],
]


def _tensor_samples(op, make):
    for data in TENSOR_DATA:
        if make.dtype == "float32":
            yield SampleInput((data,), {}, f"{data!r} inferred")
        if make.dtype in INTS and any(isinstance(x, float) for x in np.ravel(data).tolist()):
            continue  # float data into an integer dtype truncates; covered by `to`
        yield SampleInput((data,), {"dtype": DT(make.dtype)}, f"{data!r} as {make.dtype}")


def _tensor_ref(data, dtype=None):
    arr = np.array(data)
    if dtype is None:
        kind = arr.dtype.kind if arr.size else "f"
        return arr.astype({"b": np.bool_, "i": np.int64, "f": np.float32}[kind])
    return arr.astype(carrier_dtype(dtype.name))


FACTORIES = [
    OpInfo(
        name="zeros",
        op=fn("zeros"),
        ref=lambda *a, dtype=None: np.zeros(_shape_of(a), _np_factory_dtype(dtype)),
        dtypes=ALL,
        method=False,
        sample_inputs=_sized_samples,
    ),
    OpInfo(
        name="ones",
        op=fn("ones"),
        ref=lambda *a, dtype=None: np.ones(_shape_of(a), _np_factory_dtype(dtype)),
        dtypes=ALL,
        method=False,
        sample_inputs=_sized_samples,
    ),
    OpInfo(
        name="full",
        op=fn("full"),
        ref=lambda size, fill, dtype=None: np.full(
            size,
            fill,
            _np_factory_dtype(
                dtype,
                "bool"
                if isinstance(fill, bool)
                else "int64"
                if isinstance(fill, int)
                else "float32",
            ),
        ),
        dtypes=ALL,
        method=False,
        sample_inputs=_full_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput(((2,), 300), {"dtype": DT("uint8")}), RuntimeError),
            ErrorInput(SampleInput(((2,), 1e6), {"dtype": DT("float16")}), RuntimeError),
        ],
    ),
    OpInfo(
        name="zeros_like",
        op=fn("zeros_like"),
        ref=lambda x, dtype=None: np.zeros(x.shape, _np_factory_dtype(dtype, "float64")),
        dtypes=ALL,
        method=False,
        sample_inputs=_like_samples,
    ),
    OpInfo(
        name="ones_like",
        op=fn("ones_like"),
        ref=lambda x, dtype=None: np.ones(x.shape, _np_factory_dtype(dtype, "float64")),
        dtypes=ALL,
        method=False,
        sample_inputs=_like_samples,
    ),
    OpInfo(
        name="full_like",
        op=fn("full_like"),
        ref=lambda x, fill, dtype=None: np.full(
            x.shape, fill, x.dtype if dtype is None else _np_factory_dtype(dtype)
        ),
        dtypes=ALL,
        method=False,
        sample_inputs=_like_samples,
    ),
    OpInfo(
        name="arange",
        op=fn("arange"),
        ref=_arange_ref,
        dtypes=NUMERIC,
        method=False,
        sample_inputs=_arange_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((0, 5, 0)), RuntimeError),
            ErrorInput(SampleInput((5, 0, 1)), RuntimeError),
        ],
    ),
    OpInfo(
        name="linspace",
        op=fn("linspace"),
        ref=_linspace_ref,
        dtypes=NUMERIC,
        method=False,
        sample_inputs=_linspace_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput((0, 1, -1)), RuntimeError),
            ErrorInput(SampleInput((0, 1, 5), {"dtype": DT("bool")}), NotImplementedError),
        ],
    ),
    OpInfo(
        name="eye",
        op=fn("eye"),
        ref=lambda n, m=None, dtype=None: np.eye(n, m, dtype=_np_factory_dtype(dtype)),
        dtypes=ALL,
        method=False,
        sample_inputs=_eye_samples,
        error_inputs=lambda make: [ErrorInput(SampleInput((-1,)), RuntimeError)],
    ),
    OpInfo(
        name="tensor",
        op=fn("tensor"),
        ref=_tensor_ref,
        dtypes=ALL,
        method=False,
        sample_inputs=_tensor_samples,
        error_inputs=lambda make: [
            ErrorInput(SampleInput(([[1, 2], [3]],)), ValueError),
            ErrorInput(SampleInput((["a"],)), ValueError),
        ],
    ),
    OpInfo(
        name="as_tensor",
        op=fn("as_tensor"),
        ref=_tensor_ref,
        dtypes=ALL,
        method=False,
        sample_inputs=_tensor_samples,
    ),
]


from op_db_reductions2 import REDUCTIONS2  # noqa: E402  (rows that import this module's helpers)

OP_DB: list[OpInfo] = (
    ELEMENTWISE + OPERATORS + REDUCTIONS + SHAPE_OPS + LINALG + COPIES + INDEXING + FACTORIES
    + REDUCTIONS2
)

from op_db_indexing2 import INDEXING2  # noqa: E402  (rows that import this module's helpers)

OP_DB = OP_DB + INDEXING2

# Family tables that import this module's helpers (one file per op family).
from op_db_unary_math import UNARY_MATH  # noqa: E402
from op_db_elementwise2 import ELEMENTWISE2  # noqa: E402
from op_db_sort_reduce import SORT_REDUCE  # noqa: E402
from op_db_index_ops import INDEX_OPS  # noqa: E402
from op_db_shape_ops import SHAPE_OPS2  # noqa: E402
from op_db_linalg_ops import LINALG_OPS  # noqa: E402
from op_db_random_util import RANDOM_UTIL  # noqa: E402
from op_db_special import SPECIAL_FUNCTIONS  # noqa: E402
from op_db_composite import COMPOSITE_ROWS  # noqa: E402
from op_db_nn import NN_ROWS  # noqa: E402

OP_DB = (
    OP_DB + UNARY_MATH + ELEMENTWISE2 + SORT_REDUCE + INDEX_OPS + SHAPE_OPS2 + LINALG_OPS + RANDOM_UTIL + SPECIAL_FUNCTIONS
    + COMPOSITE_ROWS + NN_ROWS
)
