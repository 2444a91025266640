"""Op-table rows: binary/ternary math (atan2, fmod, hypot, logaddexp, xlogy, shifts, lerp, addcmul, addcdiv, nan_to_num, clamp_min/max) and activations.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
Activations living only in ember.nn.functional have rows named ``nn.functional.<name>``.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from op_db import (
    ALL,
    FLOATS,
    INTS,
    LARGE,
    LARGE_DTYPES,
    NUMERIC,
    POSITIVE,
    REAL,
    SPECIAL,
    UNARY_SHAPES,
    Domain,
    ErrorInput,
    OpInfo,
    SampleInput,
    TArg,
    _clamp_ref,
    _dunder,
    _in_place,
    _reflected,
    binary,
    carrier_dtype,
    floating,
    fn,
    int_zero_division_errors,
    sample_binary,
    shape_mismatch_error,
)

# ---- binary math ----


def _special_without(excluded_per_arg):
    """A sample of NaN/inf/signed zeros, leaving out values where torch's result is an artifact of
    its vectorized loops (NaN's sign in bfloat16 copysign, gelu(+inf) = NaN in torch's float loop)."""

    def samples(make):
        if make.dtype not in FLOATS:
            return
        args = []
        for i, excluded in enumerate(excluded_per_arg):
            v = [
                x
                for x in SPECIAL
                if not any(x == e or (math.isnan(x) and math.isnan(e)) for e in excluded)
            ]
            rng = np.random.default_rng(i)
            args.append(
                TArg(
                    np.array(rng.permutation(v) if i else v, dtype=carrier_dtype(make.dtype)),
                    make.dtype,
                )
            )
        n = min(len(a.value) for a in args)
        args = [TArg(a.value[:n], a.dtype) for a in args]
        yield SampleInput(tuple(args), {}, "special values")

    return samples


def _copysign_samples(op, make):
    yield from sample_binary(op, make)
    yield from _special_without(((), (math.nan,)))(make)


def _tensor_args_errors(make):
    """atan2, hypot, logaddexp take tensors only."""
    yield from shape_mismatch_error(make)
    yield ErrorInput(SampleInput((make((3,)), 2.0)), TypeError)
    yield ErrorInput(SampleInput((2.0, make((3,)))), TypeError)


def _other_number_errors(make):
    """fmod and copysign take a number as `other` only."""
    yield from shape_mismatch_error(make)
    yield ErrorInput(SampleInput((2.0, make((3,)))), TypeError)


def _fmod_errors(make):
    yield from int_zero_division_errors()(make)
    yield ErrorInput(SampleInput((2.0, make((3,)))), TypeError)


def _xlogy_ref(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        r = np.where(x == 0, 0.0, x * np.log(y))
    return np.where(np.isnan(y), np.nan, r)


def _logaddexp2_ref(a, b):
    return np.logaddexp2(a, b)


def _bits(dtype):
    return np.dtype(dtype).itemsize * 8


def _shift_ref(left):
    """torch's shifts: a count past the width (or negative) gives 0, or the sign fill for >>."""

    def ref(a, b):
        a_arr = np.asarray(a)
        b_arr = np.asarray(b)
        dt = np.result_type(a, b)
        a_arr, b_arr = a_arr.astype(dt), b_arr.astype(dt)
        bits = _bits(dt)
        out_of_range = (b_arr < 0) | (b_arr >= bits)
        safe = np.where(out_of_range, 0, b_arr).astype(dt)
        if left:
            unsigned = np.dtype(f"uint{bits}")
            r = np.left_shift(a_arr.astype(unsigned), safe.astype(unsigned)).astype(dt)
            return np.where(out_of_range, dt.type(0), r).astype(dt)
        r = np.right_shift(a_arr, safe)
        fill = np.right_shift(a_arr, bits - 1) if dt.kind == "i" else np.zeros_like(a_arr)
        return np.where(out_of_range, fill, r).astype(dt)

    return ref


def _shift_float_errors(make):
    yield from shape_mismatch_error(make)
    yield ErrorInput(SampleInput((make((2,)), make((2,)))), NotImplementedError)
    i = TArg(np.array([1, 2], dtype=np.int64), "int64")
    yield ErrorInput(SampleInput((i, 2.5)), NotImplementedError, "int64")


SHIFT_COUNT = Domain(0.0, 7.0)  # NumPy's shifts past the width differ from torch's

BINARY_MATH = [
    binary(
        "atan2",
        floating(np.arctan2),
        ALL,
        aliases=("arctan2",),
        scalars=(),
        error_inputs=_tensor_args_errors,
    ),
    binary(
        "fmod",
        np.fmod,
        NUMERIC,
        domains=(REAL, Domain(nonzero=True)),
        error_inputs=_fmod_errors,
    ),
    binary("hypot", np.hypot, FLOATS, scalars=(), error_inputs=_tensor_args_errors),
    binary(
        "logaddexp",
        np.logaddexp,
        FLOATS,
        scalars=(),
        inplace=False,
        error_inputs=_tensor_args_errors,
    ),
    binary("logaddexp2", _logaddexp2_ref, FLOATS, scalars=(), inplace=False),
    binary("xlogy", _xlogy_ref, ALL, domains=(REAL, POSITIVE), scalars=(3, 2.5, True)),
    binary(
        "bitwise_left_shift",
        _shift_ref(True),
        INTS,
        special=False,
        differentiable=False,
        scalars=(3, True),
        error_inputs=_shift_float_errors,
    ),
    binary(
        "bitwise_right_shift",
        _shift_ref(False),
        INTS,
        special=False,
        differentiable=False,
        scalars=(3, True),
    ),
    binary(
        "copysign",
        floating(np.copysign),
        ALL,
        scalars=(3, -2.5, True),
        special=False,
        sample_inputs=_copysign_samples,
        error_inputs=_other_number_errors,
    ),
    # << and >>: integers only
    _dunder(
        "__lshift__",
        operator.lshift,
        _shift_ref(True),
        INTS,
        domains=(REAL, SHIFT_COUNT),
        scalars=(3, True),
        special=False,
        differentiable=False,
        error_inputs=_shift_float_errors,
    ),
    _dunder(
        "__rshift__",
        operator.rshift,
        _shift_ref(False),
        INTS,
        domains=(REAL, SHIFT_COUNT),
        scalars=(3, True),
        special=False,
        differentiable=False,
    ),
    _reflected(
        "__rlshift__",
        operator.lshift,
        _shift_ref(True),
        INTS,
        domain=SHIFT_COUNT,
        scalars=(3, True),
        differentiable=False,
    ),
    _reflected(
        "__rrshift__",
        operator.rshift,
        _shift_ref(False),
        INTS,
        domain=SHIFT_COUNT,
        scalars=(3, True),
        differentiable=False,
    ),
    _in_place(
        "__ilshift__",
        operator.ilshift,
        np.left_shift,
        INTS,
        domains=(Domain(0.0, 9.0), Domain(0.0, 3.0)),
        scalars=(3, True),
    ),
    _in_place(
        "__irshift__",
        operator.irshift,
        np.right_shift,
        INTS,
        domains=(REAL, SHIFT_COUNT),
        scalars=(3, True),
    ),
]

# ---- ternary and parameterized ----

TERNARY_SHAPES = [
    ((), (), ()),
    ((7,), (7,), (7,)),
    ((3, 4), (3, 4), (3, 4)),
    ((3, 4), (4,), (3, 1)),
    ((4,), (3, 4), ()),
    ((2, 1, 4), (3, 1), (2, 3, 4)),
    ((0, 3), (1, 3), (3,)),
]


def _lerp_samples(op, make):
    for ss, es, ws in TERNARY_SHAPES:
        yield SampleInput((make(ss, 0), make(es, 1), make(ws, 2)), {}, f"{ss} {es} weight {ws}")
    for w in (0.3, 0.7, -0.5, 1.5):
        yield SampleInput((make((3, 4), 0), make((4,), 1), w), {}, f"weight {w}")
    if make.dtype in LARGE_DTYPES:
        yield SampleInput((make(LARGE, 0), make(LARGE, 1), 0.25), {}, f"large {LARGE}")


def _lerp_ref(start, end, weight):
    return start + weight * (end - start)


def _lerp_errors(make):
    a = make((3,))
    yield ErrorInput(SampleInput((a, make((3,), dtype="float64"), 0.5)), RuntimeError)
    yield ErrorInput(SampleInput((a, make((3,)), make((3,), dtype="float64"))), RuntimeError)
    yield ErrorInput(SampleInput((a, make((4,)), 0.5)), RuntimeError)


def _addc_samples(op, make):
    values = [{}, {"value": 2}] + ([{"value": -0.5}] if make.dtype in FLOATS else [])
    for kw in values:
        for ss, s1, s2 in TERNARY_SHAPES:
            yield SampleInput(
                (make(ss, 0), make(s1, 1), make(s2, 2)), dict(kw), f"{ss} {s1} {s2} {kw}"
            )
    if make.dtype in LARGE_DTYPES:
        yield SampleInput((make(LARGE, 0), make(LARGE, 1), make(LARGE, 2)), {}, f"large {LARGE}")


def _addcmul_ref(x, t1, t2, value=1):
    if x.dtype.kind in "iu":
        return (x + x.dtype.type(int(value)) * t1 * t2).astype(x.dtype)
    return x + value * t1 * t2


def _addcdiv_ref(x, t1, t2, value=1):
    return x + value * (t1 / t2)


def _addc_errors(make):
    yield ErrorInput(SampleInput((make((3,)), make((4,)), make((3,)))), RuntimeError)
    b = make((3,), dtype="bool")
    yield ErrorInput(SampleInput((b, b, b)), NotImplementedError, "bool")


def _addcdiv_errors(make):
    yield ErrorInput(SampleInput((make((3,)), make((4,)), make((3,)))), RuntimeError)
    i = TArg(np.array([1, 2, 3], dtype=np.int64), "int64")
    yield ErrorInput(SampleInput((make((3,)), i, i)), RuntimeError)


def _nan_to_num_samples(op, make):
    for shape in UNARY_SHAPES:
        yield SampleInput((make(shape),), {}, str(shape))
    sp = {"nan": 1.5, "posinf": 100.0, "neginf": -100.0}
    if make.dtype in FLOATS:
        yield SampleInput((make.special(),), dict(sp), "special with values")
        yield SampleInput((make.special(),), {"posinf": 7.0, "neginf": -7.0}, "special infinities")
    yield SampleInput((make((3, 4)),), dict(sp), "with values")


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _clamp_one_samples(op, make):
    key = op.sample_kwargs["bound"]
    for shape in [(), (7,), (3, 4), (0, 3), (2, 3, 4)]:
        if make.dtype != "bool":
            yield SampleInput((make(shape), -2), {}, f"{shape} {key} -2")
            yield SampleInput((make(shape), 1.5), {}, f"{shape} {key} 1.5")
        else:
            yield SampleInput((make(shape), 0), {}, f"{shape} {key} 0")
    for xs, bs in [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 1)), ((), ())]:
        yield SampleInput((make(xs), make(bs)), {}, f"tensor {key} {xs} {bs}")
    if make.dtype in FLOATS:
        yield SampleInput((make.special(), make.special(permute=True)), {}, "special values")


def _clamp_min_ref(x, b):
    return _clamp_ref(x, b, None)


def _clamp_max_ref(x, b):
    return _clamp_ref(x, None, b)


def _clamp_one_row(name, ref, key):
    return OpInfo(
        name=name,
        op=fn(name),
        ref=ref,
        dtypes=ALL,
        sample_inputs=_clamp_one_samples,
        differentiable=True,
        inplace=True,
        supports_out=True,
        sample_kwargs={"bound": key},
        error_inputs=lambda make: [ErrorInput(SampleInput((make((3,)), make((4,)))), RuntimeError)],
    )


TERNARY = [
    OpInfo(
        name="lerp",
        op=fn("lerp"),
        ref=_lerp_ref,
        dtypes=FLOATS,
        sample_inputs=_lerp_samples,
        differentiable=True,
        inplace=True,
        supports_out=True,
        error_inputs=_lerp_errors,
    ),
    OpInfo(
        name="addcmul",
        op=fn("addcmul"),
        ref=_addcmul_ref,
        dtypes=NUMERIC,
        sample_inputs=_addc_samples,
        differentiable=True,
        inplace=True,
        supports_out=True,
        error_inputs=_addc_errors,
        tol={"float16": (2e-3, 2e-3), "bfloat16": (2e-2, 2e-2)},
    ),
    OpInfo(
        name="addcdiv",
        op=fn("addcdiv"),
        ref=_addcdiv_ref,
        dtypes=FLOATS,
        sample_inputs=_addc_samples,
        domains=(REAL, REAL, Domain(0.5, 4.0)),
        differentiable=True,
        inplace=True,
        supports_out=True,
        error_inputs=_addcdiv_errors,
        tol={"float16": (2e-3, 2e-3), "bfloat16": (2e-2, 2e-2)},
    ),
    OpInfo(
        name="nan_to_num",
        op=fn("nan_to_num"),
        ref=_nan_to_num_ref,
        dtypes=ALL,
        sample_inputs=_nan_to_num_samples,
        differentiable=True,
        inplace=True,
        supports_out=True,
    ),
    _clamp_one_row("clamp_min", _clamp_min_ref, "min"),
    _clamp_one_row("clamp_max", _clamp_max_ref, "max"),
]

# ---- activations ----


def _act_samples(op, make):
    variants = op.sample_kwargs.get("kwargs", [{}])
    extra = op.sample_kwargs.get("args", ())
    for shape in UNARY_SHAPES:
        yield SampleInput((make(shape), *extra), dict(variants[0]), str(shape))
    for kw in variants[1:]:
        yield SampleInput((make((3, 4)), *extra), dict(kw), f"(3, 4) {kw}")
    for args in op.sample_kwargs.get("more_args", ()):
        yield SampleInput((make((3, 4)), *args), {}, f"(3, 4) {args}")
    if make.dtype in LARGE_DTYPES:
        yield SampleInput((make(LARGE), *extra), dict(variants[0]), f"large {LARGE}")
    for excluded in op.sample_kwargs.get("special_without", ()):
        for s in _special_without((excluded,))(make):
            yield SampleInput(s.args + tuple(extra), dict(variants[0]), s.desc)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sig(x):
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _softplus_ref(x, beta=1.0, threshold=20.0):
    with np.errstate(all="ignore"):
        return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


def _gelu_ref(x, approximate="none"):
    with np.errstate(all="ignore"):
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            return 0.5 * x * (1 + np.tanh(k * (x + 0.044715 * x**3)))
        return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _silu_ref(x):
    with np.errstate(all="ignore"):
        return x / (1 + np.exp(-x))


def _mish_ref(x):
    with np.errstate(all="ignore"):
        return x * np.tanh(np.log1p(np.exp(x)))


def _elu_ref(x, alpha=1.0, scale=1.0, input_scale=1.0):
    with np.errstate(all="ignore"):
        return np.where(x > 0, x * scale, alpha * scale * np.expm1(x * input_scale))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _selu_ref(x):
    return _elu_ref(x, SELU_ALPHA, SELU_SCALE)


def _celu_ref(x, alpha=1.0):
    return _elu_ref(x, alpha, 1.0, 1.0 / alpha)


def _leaky_relu_ref(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope)


def _hardtanh_ref(x, min_val=-1.0, max_val=1.0):
    if x.dtype.kind in "iu":
        return np.clip(x, int(min_val), int(max_val)).astype(x.dtype)
    return np.where(x < min_val, min_val, np.where(x > max_val, max_val, x))


def _relu6_ref(x):
    return _hardtanh_ref(x, 0.0, 6.0)


def _hardsigmoid_ref(x):
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, x / 6 + 0.5))


def _hardswish_ref(x):
    with np.errstate(all="ignore"):
        return x * np.clip(x + 3, 0, 6) / 6  # torch's formula: -inf gives NaN


def _logsigmoid_ref(x):
    with np.errstate(all="ignore"):
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _softsign_ref(x):
    x = np.asarray(x, dtype=np.float64)
    return x / (1 + np.abs(x))


def _tanhshrink_ref(x):
    x = np.asarray(x, dtype=np.float64)
    return x - np.tanh(x)


def _threshold_ref(x, threshold, value):
    if x.dtype.kind in "iu":
        return np.where(x <= int(threshold), x.dtype.type(int(value)), x)
    return np.where(x <= threshold, value, x)


def _hardshrink_ref(x, lambd=0.5):
    return np.where((x >= -lambd) & (x <= lambd), 0.0, x)


def _softshrink_ref(x, lambd=0.5):
    return np.where(
        x > lambd, x - lambd, np.where(x < -lambd, x + lambd, np.where(np.isnan(x), x, 0.0))
    )


def _lambd_errors(make):
    yield ErrorInput(SampleInput((make((3,)),), {"lambd": -1.0}), RuntimeError)


def _F(name):
    def call(lib, *args, **kwargs):
        return getattr(lib.nn.functional, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _F_inplace(name):
    """F.<name>(x, ..., inplace=True): must return x, with the same values."""

    def call(lib, x, *args, **kwargs):
        return getattr(lib.nn.functional, name)(x, *args, inplace=True, **kwargs)

    call.__name__ = name
    return call


def act(
    name,
    ref,
    dtypes=FLOATS,
    *,
    kwargs=None,
    args=(),
    more_args=(),
    differentiable=True,
    top=False,
    method=False,
    op=None,
    variant="",
    special=True,
    special_without=None,
    **kw,
):
    """An activation row: ember.nn.functional.<name> (top=False) or ember.<name>."""
    return OpInfo(
        name=name if top else f"nn.functional.{name}",
        op=op or (fn(name) if top else _F(name)),
        ref=ref,
        dtypes=dtypes,
        sample_inputs=_act_samples,
        differentiable=differentiable,
        method=method,
        special=special and special_without is None,
        variant=variant,
        sample_kwargs={
            "kwargs": kwargs or [{}],
            "args": args,
            "more_args": more_args,
            "special_without": () if special_without is None else (special_without,),
        },
        **kw,
    )


ACT_TOL = {"float32": (1e-5, 1e-5)}

ACTIVATIONS = [
    act(
        "softplus",
        _softplus_ref,
        kwargs=[{}, {"beta": 2.0, "threshold": 5.0}, {"beta": 0.5}],
        tol=ACT_TOL,
    ),
    act(
        "gelu",
        _gelu_ref,
        kwargs=[{}, {"approximate": "tanh"}],
        tol=ACT_TOL,
        special_without=(math.inf,),
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)),), {"approximate": "x"}), RuntimeError)
        ],
    ),
    act("gelu", _gelu_ref, variant="tanh", kwargs=[{"approximate": "tanh"}], tol=ACT_TOL),
    act("silu", _silu_ref, tol=ACT_TOL),
    act("mish", _mish_ref, tol=ACT_TOL),
    act("elu", _elu_ref, kwargs=[{}, {"alpha": 0.5}], tol=ACT_TOL),
    act("selu", _selu_ref, tol=ACT_TOL),
    act("celu", _celu_ref, kwargs=[{}, {"alpha": 2.0}], tol=ACT_TOL),
    act("leaky_relu", _leaky_relu_ref, kwargs=[{}, {"negative_slope": 0.2}]),
    act(
        "hardtanh",
        _hardtanh_ref,
        FLOATS + ("int8", "int16", "int32", "int64"),
        kwargs=[{}, {"min_val": -2.0, "max_val": 3.0}],
        special_without=(math.nan,),
        error_inputs=lambda make: [
            ErrorInput(SampleInput((make((3,)),), {"min_val": 2.0, "max_val": 1.0}), ValueError)
        ],
    ),
    act("relu6", _relu6_ref, NUMERIC, special_without=(math.nan,)),
    act("hardsigmoid", _hardsigmoid_ref),
    act("hardswish", _hardswish_ref),
    act("logsigmoid", _logsigmoid_ref, tol=ACT_TOL),
    act("softsign", _softsign_ref, NUMERIC),
    act(
        "tanhshrink",
        _tanhshrink_ref,
        NUMERIC,
        tol={"float32": (1e-5, 1e-5), "float16": (1e-3, 2e-3)},
    ),
    act(
        "threshold",
        _threshold_ref,
        NUMERIC,
        kwargs=[{"threshold": 0.5, "value": 2.0}, {"threshold": -1.0, "value": -3.0}],
    ),
    act("hardshrink", _hardshrink_ref, kwargs=[{}, {"lambd": 1.5}], special_without=(math.nan,)),
    act(
        "softshrink",
        _softshrink_ref,
        kwargs=[{}, {"lambd": 1.5}],
        error_inputs=_lambd_errors,
        special_without=(math.nan,),
    ),
    # NaN inputs (forward only: torch's gradient at NaN differs between its float32 and float64 loops)
    act("hardshrink", _hardshrink_ref, variant="special", differentiable=False),
    act("softshrink", _softshrink_ref, variant="special", differentiable=False),
    # in-place forms of nn.functional (F.elu_, ...) and inplace=True
    act("elu_", _elu_ref, kwargs=[{}, {"alpha": 0.5}], tol=ACT_TOL),
    act("selu_", _selu_ref, tol=ACT_TOL),
    act("celu_", _celu_ref, kwargs=[{}, {"alpha": 2.0}], tol=ACT_TOL),
    act("leaky_relu_", _leaky_relu_ref, kwargs=[{}, {"negative_slope": 0.2}]),
    act(
        "hardtanh_",
        _hardtanh_ref,
        FLOATS + ("int8", "int16", "int32", "int64"),
        special_without=(math.nan,),
    ),
    act("threshold_", _threshold_ref, NUMERIC, kwargs=[{"threshold": 0.5, "value": 2.0}]),
    *[
        act(n, r, d, variant="inplace", op=_F_inplace(n), differentiable=False, tol=ACT_TOL, args=a)
        for n, r, d, a in [
            ("silu", _silu_ref, FLOATS, ()),
            ("mish", _mish_ref, FLOATS, ()),
            ("elu", _elu_ref, FLOATS, ()),
            ("selu", _selu_ref, FLOATS, ()),
            ("celu", _celu_ref, FLOATS, ()),
            ("leaky_relu", _leaky_relu_ref, FLOATS, ()),
            ("hardtanh", _hardtanh_ref, FLOATS + ("int8", "int16", "int32", "int64"), ()),
            ("relu6", _relu6_ref, NUMERIC, ()),
            ("hardsigmoid", _hardsigmoid_ref, FLOATS, ()),
            ("hardswish", _hardswish_ref, FLOATS, ()),
            (
                "threshold",
                _threshold_ref,
                NUMERIC,
                (0.5, 2.0),
            ),  # positional, as F.threshold(x, 0.5, 2.0)
        ]
    ],
    # torch's top-level activations (and Tensor.hardshrink)
    act("selu", _selu_ref, top=True, tol=ACT_TOL),
    act("selu_", _selu_ref, top=True, tol=ACT_TOL),
    act("celu", _celu_ref, top=True, kwargs=[{}, {"alpha": 2.0}], tol=ACT_TOL),
    act("celu_", _celu_ref, top=True, kwargs=[{}, {"alpha": 2.0}], tol=ACT_TOL),
    act(
        "threshold",
        _threshold_ref,
        NUMERIC,
        top=True,
        kwargs=[{"threshold": 0.5, "value": 2.0}, {"threshold": -1.0, "value": -3.0}],
    ),
    act("threshold_", _threshold_ref, NUMERIC, top=True, kwargs=[{"threshold": 0.5, "value": 2.0}]),
    act(
        "hardshrink",
        _hardshrink_ref,
        top=True,
        method=True,
        kwargs=[{}, {"lambd": 1.5}],
        special_without=(math.nan,),
    ),
]

ELEMENTWISE2 = BINARY_MATH + TERNARY + ACTIVATIONS
