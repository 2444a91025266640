"""ember.special, the special-function rows beyond what the op table checks (derivatives torch has
only in one argument, error kinds, the namespace itself), torch's in-place functions
(ember.relu_, ...) and the nn.functional names that map onto them.
"""

from __future__ import annotations

import math

import ember
import ember.nn.functional as F
import numpy as np
import pytest

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="compares with torch")

# torch.special names the issue asks for, each called with one float argument
UNARY_SPECIAL = [
    "expit", "logit", "erf", "erfc", "erfcx", "erfinv", "gammaln", "digamma", "psi", "entr", "sinc", "round", "i0",
    "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "exp2", "expm1", "log1p",
]


@needs_torch
@pytest.mark.parametrize("name", UNARY_SPECIAL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_namespace_matches_torch(name, dtype):
    values = np.array([0.01, 0.3, 0.5, 0.9, 1.7, 4.0, 12.5], dtype=dtype)
    if name in ("logit", "ndtri", "erfinv"):
        values = values[values < 1]
    got = getattr(ember.special, name)(ember.tensor(values))
    want = getattr(torch.special, name)(torch.tensor(values))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5 if dtype == "float32" else 1e-12)
    assert str(got.dtype).split(".")[-1] == dtype


@needs_torch
def test_special_functions_of_two_arguments():
    x = np.array([1.5, 2.0, 3.5])
    q = np.array([0.5, 1.0, 7.0])
    for name in ("xlogy", "xlog1py", "zeta"):
        got = getattr(ember.special, name)(ember.tensor(x), ember.tensor(q))
        want = getattr(torch.special, name)(torch.tensor(x), torch.tensor(q))
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        ember.special.polygamma(2, ember.tensor(q)).numpy(), torch.special.polygamma(2, torch.tensor(q)).numpy(),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        ember.special.multigammaln(ember.tensor(x + 1), 2).numpy(),
        torch.special.multigammaln(torch.tensor(x + 1), 2).numpy(),
        rtol=1e-12,
    )
    sm = ember.special.softmax(ember.tensor(x), 0)
    np.testing.assert_allclose(sm.numpy(), torch.special.softmax(torch.tensor(x), 0).numpy(), rtol=1e-12)
    lsm = ember.special.log_softmax(ember.tensor(x), 0)
    np.testing.assert_allclose(lsm.numpy(), torch.special.log_softmax(torch.tensor(x), 0).numpy(), rtol=1e-12)


def test_zeta_derivative_in_q_and_none_in_x():
    q = ember.tensor([0.7, 1.5, 3.2], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.special.zeta(3.0, t), (q,))
    x = ember.tensor([2.5], dtype=ember.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="derivative for 'zeta'"):
        ember.special.zeta(x, 1.0).sum().backward()


def test_polygamma_derivatives_and_errors():
    x = ember.tensor([0.7, 1.5, 3.2], dtype=ember.float64, requires_grad=True)
    for n in (0, 1, 3):
        assert ember.autograd.gradcheck(lambda t, n=n: ember.polygamma(n, t), (x,))
    assert ember.autograd.gradgradcheck(lambda t: ember.digamma(t), (x,))
    assert ember.autograd.gradgradcheck(lambda t: ember.lgamma(t), (x,))
    with pytest.raises(RuntimeError, match="does not support negative n"):
        ember.polygamma(-1, x)
    assert ember.polygamma(1, ember.tensor([1, 2])).dtype == ember.float32
    y = x.detach().clone()
    assert y.polygamma_(0) is y and ember.allclose(y, ember.digamma(x.detach()))


def test_functions_torch_has_no_derivative_for_raise_in_backward():
    x = ember.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    for call in (lambda: ember.heaviside(x, x), lambda: ember.nextafter(x, x + 1)):
        y = call()
        assert y.requires_grad
        with pytest.raises(NotImplementedError, match="derivative for"):
            y.sum().backward()


def test_dtype_rules():
    with pytest.raises(RuntimeError, match="different dtypes"):
        ember.heaviside(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64))
    with pytest.raises(NotImplementedError, match="nextafter"):
        ember.nextafter(ember.tensor([1.0], dtype=ember.float16), ember.tensor([2.0], dtype=ember.float16))
    with pytest.raises(NotImplementedError):
        ember.gcd(ember.tensor([1.0]), ember.tensor([2.0]))
    # ember computes these in float32 for 16-bit floats, where torch has no kernel
    assert ember.special.ndtri(ember.tensor([0.5], dtype=ember.float16)).dtype == ember.float16


def test_nan_handling_of_fmax_fmin():
    a = ember.tensor([1.0, math.nan, math.nan, 3.0])
    b = ember.tensor([2.0, 0.0, math.nan, math.nan])
    assert ember.fmax(a, b).tolist()[:2] == [2.0, 0.0] and math.isnan(ember.fmax(a, b)[2])
    assert ember.fmin(a, b).tolist()[3] == 3.0
    a.requires_grad_(True)
    ember.fmax(a, b).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0, 1.0, 1.0]  # torch's rule: a wins ties and NaN b


@pytest.mark.parametrize("name", ["relu_", "sigmoid_", "exp_", "abs_", "clamp_", "fill_", "zero_", "sqrt_", "neg_"])
def test_in_place_functions(name):
    x = ember.tensor([0.25, 2.0])
    args = {"clamp_": (0.0, 1.0), "fill_": (3.0,)}.get(name, ())
    expected = getattr(x.clone(), name)(*args)
    r = getattr(ember, name)(x, *args)
    assert r is x and ember.equal(x, expected)


def test_functional_softmax_family():
    x = ember.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert ember.allclose(F.softmax(x, dim=1), ember.softmax(x, 1))
    assert ember.allclose(F.log_softmax(x, dim=0), ember.log_softmax(x, 0))
    assert ember.allclose(F.softmin(x, dim=1), ember.softmax(-x, 1))
    assert ember.equal(F.sigmoid(x), ember.sigmoid(x)) and ember.equal(F.tanh(x), ember.tanh(x))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        r = F.softmax(x)
    assert ember.allclose(r, ember.softmax(x, 1))  # torch's implicit dim for 2-d input
