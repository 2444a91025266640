"""Op-table rows: the special functions (lgamma, digamma, polygamma, Bessel, normal distribution,
zeta, ...) and the NaN-ignoring / number-theory binaries (fmax, fmin, gcd, lcm, heaviside,
nextafter). torch is the reference where NumPy has no function.

Concatenated into op_db.OP_DB, so test_ops (parity), test_autograd (gradcheck) and test_meta
cover them. torch has no float16/bfloat16 kernel for ndtri, log_ndtr, erfcx and zeta (ember
computes them in float32), so those rows list the dtypes torch takes and say the list is partial.
"""

from __future__ import annotations

import numpy as np
from op_db import (
    ALL,
    INTS,
    POSITIVE,
    Domain,
    OpInfo,
    SampleInput,
    binary,
    floating,
    sample_binary,
    sample_unary,
    unary,
)

WIDE = ("float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")  # no 16-bit floats
PROBABILITY = Domain(0.02, 0.98)
BESSEL = Domain(-6.0, 6.0)


def _special(short: str):
    """The call `lib.special.<short>(...)` (torch.special / ember.special)."""

    def call(lib, *args, **kwargs):
        return getattr(lib.special, short)(*args, **kwargs)

    call.__name__ = "special_" + short
    return call


def special_unary(short, ref, dtypes, *, domain, complete=True, **kw):
    return OpInfo(
        name="special_" + short,
        op=_special(short),
        ref=ref,
        dtypes=dtypes,
        sample_inputs=sample_unary,
        domains=(domain,),
        differentiable=True,
        method=False,
        supports_out=True,
        special=True,
        dtypes_complete=complete,
        **kw,
    )


def _sample_polygamma(op, make):
    for n in (0, 1, 2, 3):
        for shape in [(), (0,), (3, 4)]:
            yield SampleInput((n, make(shape)), {}, f"n={n} {shape}")


def _sample_zeta(op, make):
    yield from sample_binary(op, make)
    yield SampleInput((2.5, make((3,), 1)), {}, "number x")


def _entr_ref(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf))
    return np.where(np.isnan(x), np.nan, r)


SPECIAL_FUNCTIONS = [
    unary("lgamma", None, ALL, domain=POSITIVE),
    unary("digamma", None, ALL, domain=POSITIVE),
    unary("i0", None, ALL, domain=BESSEL),
    unary("deg2rad", floating(np.deg2rad), ALL),
    unary("rad2deg", floating(np.rad2deg), ALL),
    special_unary("i0e", None, ALL, domain=BESSEL),
    special_unary("i1", None, ALL, domain=BESSEL),
    special_unary("i1e", None, ALL, domain=BESSEL),
    special_unary("ndtr", None, ALL, domain=Domain(-4.0, 4.0)),
    special_unary("ndtri", None, WIDE, domain=PROBABILITY, complete=False),
    special_unary("log_ndtr", None, WIDE, domain=Domain(-8.0, 4.0), complete=False),
    special_unary("erfcx", None, WIDE, domain=Domain(-3.0, 6.0), complete=False),
    special_unary("entr", floating(_entr_ref), ALL, domain=POSITIVE),
    OpInfo(
        name="polygamma",
        op=lambda lib, n, x, **kw: lib.polygamma(n, x, **kw),
        ref=None,
        dtypes=ALL,
        sample_inputs=_sample_polygamma,
        domains=(POSITIVE,),
        differentiable=True,
        method=False,
        supports_out=True,
    ),
    OpInfo(
        name="polygamma",
        variant="method",
        op=lambda lib, x, n: x.polygamma(n),
        ref=None,
        dtypes=ALL,
        sample_inputs=lambda op, make: (SampleInput((make((3, 4)), n), {}, f"n={n}") for n in (0, 1, 2)),
        domains=(POSITIVE,),
        differentiable=True,
        function=False,
        inplace=True,
    ),
    binary("fmax", np.fmax, ALL, scalars=(), inplace=False),
    binary("fmin", np.fmin, ALL, scalars=(), inplace=False),
    binary("gcd", None, INTS, scalars=(), differentiable=False, special=False),
    binary("lcm", None, INTS, scalars=(), differentiable=False, special=False),
    # the values' dtype must be the input's: no promotion; torch has no derivative
    # (NumPy's heaviside gives NaN at NaN, torch 0: torch is the reference)
    binary("heaviside", None, ALL, scalars=(), differentiable=False, promotes=False),
    binary("nextafter", None, ("float32", "float64"), scalars=(), differentiable=False, dtypes_complete=False,
           promotes=False),
    binary("special_xlog1py", None, ALL, op=_special("xlog1py"), domains=(Domain(-3.0, 3.0), Domain(-0.9, 9.0)),
           scalars=(3, 2.5), inplace=False, method=False),
    # zeta(x, q) for x > 1 and q > 0; torch has no derivative in x, so the table checks values only
    # (test_special_functions.py checks the derivative in q)
    binary("special_zeta", None, WIDE, op=_special("zeta"), domains=(Domain(1.5, 5.0), POSITIVE), scalars=(2.5,),
           inplace=False, method=False, differentiable=False, dtypes_complete=False, sample_inputs=_sample_zeta,
           promotes=False),
]
