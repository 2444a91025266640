"""Unary math checks the op table can't express: erfinv's float64 accuracy, the vectorized dense
paths against the scalar strided ones, and round(decimals=)'s overload rules."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import ember
import numpy as np
import pytest


def _erfinv_reference(x: float) -> float:
    """erfinv by bisection on erf (erfc in the tail), to the last bit of a double."""
    ax = abs(x)
    lo, hi = 0.0, 7.0
    for _ in range(3000):  # enough halvings to reach 1e-300
        mid = 0.5 * (lo + hi)
        below = math.erf(mid) < ax if ax <= 0.5 else math.erfc(mid) > 1.0 - ax
        lo, hi = (mid, hi) if below else (lo, mid)
        if hi - lo <= 1e-17 * max(hi, 1e-300):
            break
    return math.copysign(0.5 * (lo + hi), x)


def test_erfinv_float64_accuracy():
    rng = np.random.default_rng(0)
    xs = np.concatenate(
        [
            rng.uniform(-1, 1, 400),
            1 - np.logspace(-16, -1, 60),  # the tail near 1
            -(1 - np.logspace(-15, -2, 20)),
            np.logspace(-300, -2, 40),  # tiny arguments
        ]
    )
    got = ember.erfinv(ember.from_numpy(xs)).numpy()
    want = np.array([_erfinv_reference(float(x)) for x in xs])
    rel = np.abs(got - want) / np.maximum(np.abs(want), 1e-300)
    assert rel.max() < 1e-14, f"max relative error {rel.max():.3g} at x={xs[rel.argmax()]!r}"


def test_erfinv_edges():
    x = ember.tensor([1.0, -1.0, 1.5, -2.0, float("nan"), 0.0, -0.0], dtype=ember.float64)
    r = ember.erfinv(x).numpy()
    assert r[0] == math.inf and r[1] == -math.inf
    assert np.isnan(r[2:5]).all()
    assert r[5] == 0.0 and not math.copysign(1, r[5]) < 0
    assert r[6] == 0.0 and math.copysign(1, r[6]) < 0


VECTOR_OPS = [
    "exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "floor", "ceil", "round", "trunc", "frac",
    "reciprocal", "square",
]  # fmt: skip


# ops whose dense float32 loop has an AVX-512 version beside the AVX2/libmvec one
AVX512_OPS = [
    "exp", "log", "sin", "cos", "tanh", "sigmoid", "erf", "erfc", "expm1", "log1p", "log2",
    "log10", "exp2", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
]  # fmt: skip


def _capabilities():
    before = ember.backends.cpu.get_cpu_capability()
    caps = ["avx2"]
    try:
        ember._C._set_cpu_capability("avx512")
        caps.append("avx512")
    except RuntimeError:  # this CPU has no AVX-512: only the AVX2 paths exist here
        pass
    finally:
        ember._C._set_cpu_capability(before)
    return caps


_HARDWARE_CAPS = _capabilities()


@pytest.fixture(params=["avx2", "avx512"])
def capability(request):
    """Runs the test with the CPU loops forced to one instruction set, then restores it."""
    if request.param not in _HARDWARE_CAPS:
        pytest.skip(f"this CPU has no {request.param.upper()}")
    before = ember.backends.cpu.get_cpu_capability()
    ember._C._set_cpu_capability(request.param)
    yield request.param
    ember._C._set_cpu_capability(before)


def _dense_and_strided(f, dtype):
    rng = np.random.default_rng(1)
    v = rng.uniform(-3, 3, 1003).astype(dtype)
    v[:12] = [math.nan, math.inf, -math.inf, 0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0, -1.0]
    base = np.zeros(2 * v.size, dtype=dtype)
    base[::2] = v
    return v, f(ember.from_numpy(v)).numpy(), f(ember.from_numpy(base)[::2]).numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", VECTOR_OPS)
def test_dense_path_matches_strided(name, dtype, capability):
    """The dense vector loop and the scalar strided loop agree (NaN, inf, ties included)."""
    _, dense, strided = _dense_and_strided(getattr(ember, name), dtype)
    tol = 4e-7 if dtype == "float32" else 1e-15
    np.testing.assert_allclose(dense, strided, rtol=tol, atol=0, equal_nan=True)


@pytest.mark.parametrize(
    "name", AVX512_OPS + ["nn.functional.gelu", "nn.functional.silu", "gelu_tanh"]
)
def test_dense_float32_path_is_accurate(name, capability):
    """Each instruction set's dense float32 loop stays within a few ulps of float64 math (the
    AVX2 paths are tested here even on an AVX-512 machine)."""
    if name == "gelu_tanh":
        f = lambda t: ember.nn.functional.gelu(t, approximate="tanh")  # noqa: E731
    elif name.startswith("nn."):
        f = getattr(ember.nn.functional, name.rsplit(".", 1)[1])
    else:
        f = getattr(ember, name)
    v, dense, strided = _dense_and_strided(f, "float32")
    exact = f(ember.from_numpy(v.astype(np.float64))).numpy()
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(dense, exact, rtol=2e-6, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(strided, exact, rtol=2e-6, atol=1e-6, equal_nan=True)


def test_cpu_capability_setting():
    assert ember.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
    with pytest.raises(ValueError, match="avx2"):
        ember._C._set_cpu_capability("sse9")
    if "avx512" not in _HARDWARE_CAPS:
        with pytest.raises(RuntimeError, match="does not support AVX512"):
            ember._C._set_cpu_capability("avx512")
    # the environment variable lowers it from the start
    env = dict(os.environ, EMBER_CPU_CAPABILITY="avx2")
    code = "import ember; print(ember.backends.cpu.get_cpu_capability())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "AVX2"


def test_round_decimals_overload():
    ints = ember.tensor([15, 25])
    assert ember.round(ints).tolist() == [15, 25]  # no decimals: integers pass through
    with pytest.raises(NotImplementedError):
        ember.round(ints, decimals=0)  # torch's decimals overload has no integer kernel
    x = ember.tensor([1.25, 2.5, 125.0], dtype=ember.float64)
    assert ember.round(x, decimals=1).tolist() == [1.2, 2.5, 125.0]
    assert ember.round(x, decimals=-1).tolist() == [0.0, 0.0, 120.0]
    y = x.clone()
    assert y.round_(decimals=-2) is y and y.tolist() == [0.0, 0.0, 100.0]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_abs_of_negative_zero_is_positive(dtype):
    """abs(-0.0) is +0.0 as in torch (a select on x < 0 would keep the sign), dense and strided."""
    x = ember.full((70000,), -0.0, dtype=getattr(ember, dtype))
    for t in (x, x[::2]):
        r = ember.abs(t).to(ember.float64).numpy()
        assert not np.signbit(r).any()
