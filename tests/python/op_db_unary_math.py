"""Op-table rows: unary math: sign, exp2 ... erfinv, rounding, isnan/isinf/isfinite.

Concatenated into op_db.OP_DB, so test_ops (parity) and test_autograd (gradcheck) cover them.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from op_db import (
    ALL,
    FLOATS,
    NUMERIC,
    POSITIVE,
    Domain,
    ErrorInput,
    OpInfo,
    SampleInput,
    TArg,
    floating,
    fn,
    sample_unary,
    unary,
)

UNIT = Domain(-0.9, 0.9)  # asin, acos, atanh, erfinv: inside (-1, 1), away from the poles
ABOVE_ONE = Domain(1.1, 9.0)  # acosh
ABOVE_MINUS_ONE = Domain(-0.9, 9.0)  # log1p
TAN = Domain(-1.4, 1.4)  # inside (-pi/2, pi/2)
NONZERO = Domain(nonzero=True)


def _sign_ref(x):
    if x.dtype == np.bool_:
        return x.copy()
    # torch: NaN gives 0 (NumPy gives NaN); 0 for -0.0 too
    return (
        np.where(np.isnan(x), 0, np.sign(x)).astype(x.dtype) if x.dtype.kind == "f" else np.sign(x)
    )


def _vectorized(f):
    """A float64 elementwise reference from a scalar `math` function."""
    vf = np.vectorize(f, otypes=[np.float64])
    return floating(lambda x: vf(x) if x.size else x.copy())


def _rsqrt_ref(x):
    return 1.0 / np.sqrt(x)


def _frac_ref(x):
    return x - np.trunc(x)


def _logit_ref(x, eps=None):
    if eps is not None:
        x = np.clip(x, eps, 1.0 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x / (1.0 - x))


def _sample_logit_eps(op, make):
    # eps clamps to [eps, 1 - eps]: inputs on both sides of the clamp
    # exact binary fractions, so 1 - eps rounds the same in every dtype
    for eps in (0.0625, 0.25):
        for shape in ((), (0,), (7,), (3, 4), (2, 3, 4)):
            yield SampleInput((make(shape),), {"eps": eps}, f"{shape} eps={eps}")


def _square_ref(x):
    return np.square(x.astype(np.int64) if x.dtype == np.bool_ else x)


def _round_decimals_ref(x, decimals=0):
    # torch scales by 10^|decimals| (dividing for negative decimals), rounds half to even, scales back
    x = np.asarray(x, dtype=np.float64)
    scale = np.power(10.0, abs(decimals))  # inf past 1e308, as in torch
    return np.rint(x * scale) / scale if decimals >= 0 else np.rint(x / scale) * scale


def _sample_round_decimals(op, make):
    for decimals in (1, 2, -1, 0):
        for shape in ((), (0,), (7,), (3, 4), (2, 3, 4)):
            yield SampleInput(
                (make(shape),), {"decimals": decimals}, f"{shape} decimals={decimals}"
            )
    yield SampleInput(
        (make((5,)),), {"decimals": 400}, "decimals=400, special: 10^400 overflows, NaN"
    )


def _out_dtype_errors(make):
    # a float result can't be written into an integer out=
    x = make((3,))
    return [
        ErrorInput(
            SampleInput(
                (x,), {"out": TArg(np.zeros(3, dtype=np.int64), "int64")}, "float into int out"
            ),
            RuntimeError,
        )
    ]


def _round_decimals_errors(make):
    ints = TArg(np.array([15, 25, -35], dtype=np.int64), "int64")
    return [
        ErrorInput(
            SampleInput((ints,), {"decimals": 1}, "int64 with decimals"), NotImplementedError
        ),
        ErrorInput(
            SampleInput((ints,), {"decimals": 0}, "int64 with decimals=0"), NotImplementedError
        ),
        ErrorInput(
            SampleInput(
                (make((3,)),), {"decimals": 1, "out": TArg(np.zeros(3, np.int64), "int64")}
            ),
            RuntimeError,
        ),
    ]


def _classifier(name, ref, *, supports_out, **kw):
    """isnan & co: a bool result for every dtype, no in-place form."""
    return dataclasses.replace(
        unary(name, ref, ALL, differentiable=False), inplace=False, supports_out=supports_out, **kw
    )


def _sample_signbit(op, make):
    yield from sample_unary(op, make)
    if make.dtype in FLOATS:
        # signed zeros and infinities; no NaN: its sign bit is the conversion's choice (torch's
        # float32 -> bfloat16 turns NaN into a negative NaN)
        v = np.array([math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5], dtype=np.float32)
        carrier = np.float32 if make.dtype == "bfloat16" else make.dtype
        yield SampleInput((TArg(v.astype(carrier), make.dtype),), {}, "signed zeros")


UNARY_MATH = [
    unary("sign", _sign_ref, ALL),
    # differentiable (zero gradient, as sign's row checks), but torch returns its gradient as a
    # ZeroTensor that test_autograd's comparison can't turn into NumPy
    unary("sgn", _sign_ref, ALL, differentiable=True),
    unary("exp2", floating(np.exp2), ALL, error_inputs=_out_dtype_errors),
    unary("expm1", floating(np.expm1), ALL),
    unary("log2", floating(np.log2), ALL, domain=POSITIVE),
    unary("log10", floating(np.log10), ALL, domain=POSITIVE),
    unary("log1p", floating(np.log1p), ALL, domain=ABOVE_MINUS_ONE),
    unary("rsqrt", floating(_rsqrt_ref), ALL, domain=POSITIVE),
    unary("tan", floating(np.tan), ALL, domain=TAN),
    unary("asin", floating(np.arcsin), ALL, domain=UNIT, aliases=("arcsin",)),
    unary("acos", floating(np.arccos), ALL, domain=UNIT, aliases=("arccos",)),
    unary("atan", floating(np.arctan), ALL, aliases=("arctan",)),
    unary("sinh", floating(np.sinh), ALL),
    unary("cosh", floating(np.cosh), ALL),
    unary("asinh", floating(np.arcsinh), ALL, aliases=("arcsinh",)),
    unary("acosh", floating(np.arccosh), ALL, domain=ABOVE_ONE, aliases=("arccosh",)),
    unary("atanh", floating(np.arctanh), ALL, domain=UNIT, aliases=("arctanh",)),
    unary("erf", _vectorized(math.erf), ALL),
    unary("erfc", _vectorized(math.erfc), ALL),
    # no NumPy erfinv: torch is the reference (test_unary_math.py checks float64 accuracy)
    unary("erfinv", None, ALL, domain=UNIT),
    unary("floor", np.floor, NUMERIC),
    unary("ceil", np.ceil, NUMERIC),
    unary("round", np.round, NUMERIC),
    OpInfo(
        name="round",
        variant="decimals",
        op=fn("round"),
        ref=_round_decimals_ref,
        dtypes=FLOATS,
        sample_inputs=_sample_round_decimals,
        differentiable=True,
        inplace=True,
        supports_out=True,
        special=True,
        error_inputs=_round_decimals_errors,
    ),
    unary("trunc", np.trunc, NUMERIC, aliases=("fix",)),
    unary("frac", _frac_ref, FLOATS),
    unary("reciprocal", floating(np.reciprocal), ALL, domain=NONZERO),
    unary("square", _square_ref, ALL),
    # float32 gradients near 0 cancel (pi x cos(pi x) - sin(pi x)): torch's and ours round apart
    unary("sinc", floating(np.sinc), ALL, tol={"float32": (1e-3, 1e-3)}),
    # inside (0, 1), away from the poles at 0 and 1 (the eps row below covers the clamp)
    unary("logit", floating(_logit_ref), ALL, domain=Domain(0.05, 0.95)),
    OpInfo(
        name="logit",
        variant="eps",
        op=fn("logit"),
        ref=floating(_logit_ref),
        dtypes=ALL,
        sample_inputs=_sample_logit_eps,
        domains=(Domain(-0.5, 1.5),),
        differentiable=True,
        inplace=True,
        supports_out=True,
    ),
    _classifier("isnan", floating(np.isnan), supports_out=False),
    _classifier("isinf", floating(np.isinf), supports_out=False),
    _classifier("isfinite", floating(np.isfinite), supports_out=False),
    _classifier("isposinf", floating(np.isposinf), supports_out=True),
    _classifier("isneginf", floating(np.isneginf), supports_out=True),
    _classifier(
        "signbit",
        floating(np.signbit),
        supports_out=True,
        special=False,
        sample_inputs=_sample_signbit,
    ),
]
