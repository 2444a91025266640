"""The functions composed of native ops (ember/_composite_ops.py): values, dtypes and shapes
against torch over several shapes (0-d, empty, batched, non-contiguous) and dtypes, gradients by
gradcheck in float64, and the errors torch raises. Each call is written once for a module `m`.
"""

from __future__ import annotations

import math
import warnings

import ember
import numpy as np
import pytest

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="compares with torch")

RS = np.random.RandomState(7)
V = RS.randn(5, 6)
V3 = RS.randn(2, 3, 3)
SPD = V3 @ np.swapaxes(V3, 1, 2) / 3 + np.eye(3)
I = RS.randint(-4, 5, size=(4, 5))


# During gradcheck the float64 leaves T makes (grad=True) are recorded, then substituted
_MADE: list = []
_SUBSTITUTE = None


def T(m, a, dtype=None, grad=False):
    if grad and m is ember and _SUBSTITUTE is not None:
        return next(_SUBSTITUTE)
    t = m.tensor(np.ascontiguousarray(a))
    if dtype is not None:
        t = t.to(getattr(m, dtype))
    if grad and m is ember:
        t.requires_grad_(True)
        _MADE.append(t)
    return t


# name, call(m, grad) -> result; grad=True asks for float64 leaves that require grad
CASES = [
    ("diff", lambda m, g: m.diff(T(m, V, "float64", g))),
    ("diff n=2 dim=0", lambda m, g: m.diff(T(m, V, "float64", g), n=2, dim=0)),
    ("diff prepend/append", lambda m, g: m.diff(T(m, V, "float64", g), dim=1, prepend=T(m, V[:, :2], "float64"),
                                              append=T(m, V[:, :1], "float64"))),
    ("diff int", lambda m, g: m.diff(T(m, I))),
    ("diff bool", lambda m, g: m.diff(T(m, I > 0))),
    ("diff transposed", lambda m, g: m.diff(T(m, V, "float64", g).t(), dim=0)),
    ("diff empty", lambda m, g: m.diff(m.zeros(0, 3))),
    ("cov", lambda m, g: m.cov(T(m, V, "float64", g))),
    ("cov correction=0", lambda m, g: m.cov(T(m, V, "float64", g), correction=0)),
    ("cov 1-d", lambda m, g: m.cov(T(m, V[0], "float64", g))),
    ("cov weights", lambda m, g: m.cov(T(m, V, "float64", g), fweights=T(m, np.arange(1, 7)),
                                       aweights=T(m, np.linspace(0.5, 2, 6)))),
    ("cov int", lambda m, g: m.cov(T(m, I))),
    ("corrcoef", lambda m, g: m.corrcoef(T(m, V, "float64", g))),
    ("quantile", lambda m, g: m.quantile(T(m, V, "float64", g), 0.3)),
    ("quantile dim", lambda m, g: m.quantile(T(m, V, "float64", g), T(m, [0.0, 0.25, 1.0], "float64"), dim=1,
                                             keepdim=True)),
    ("quantile lower", lambda m, g: m.quantile(T(m, V, "float32"), 0.4, dim=0, interpolation="lower")),
    ("quantile higher", lambda m, g: m.quantile(T(m, V, "float32"), 0.4, dim=0, interpolation="higher")),
    ("quantile nearest", lambda m, g: m.quantile(T(m, V, "float32"), 0.5, dim=0, interpolation="nearest")),
    ("quantile midpoint", lambda m, g: m.quantile(T(m, V, "float32"), 0.4, dim=-1, interpolation="midpoint")),
    ("quantile nan", lambda m, g: m.quantile(T(m, [[1.0, math.nan, 3.0], [1.0, 2.0, 3.0]]), 0.5, dim=1)),
    ("nanquantile", lambda m, g: m.nanquantile(T(m, [[1.0, math.nan, 3.0], [math.nan, math.nan, 2.0]]), 0.5, dim=1)),
    ("quantile 0-d", lambda m, g: m.quantile(T(m, 3.0), 0.5)),
    ("tril_indices", lambda m, g: m.tril_indices(4, 3)),
    ("tril_indices offset", lambda m, g: m.tril_indices(3, 5, 1)),
    ("triu_indices", lambda m, g: m.triu_indices(4, 3, -1)),
    ("triu_indices empty", lambda m, g: m.triu_indices(0, 3)),
    ("cartesian_prod", lambda m, g: m.cartesian_prod(T(m, V[0, :3], "float64", g), T(m, V[1, :2], "float64"))),
    ("cartesian_prod one", lambda m, g: m.cartesian_prod(T(m, I[0]))),
    ("combinations", lambda m, g: m.combinations(T(m, V[0, :4], "float64", g))),
    ("combinations r=3 repl", lambda m, g: m.combinations(T(m, I[0, :3]), 3, with_replacement=True)),
    ("combinations r=0", lambda m, g: m.combinations(T(m, I[0]), 0)),
    ("combinations too many", lambda m, g: m.combinations(T(m, I[0, :2]), 3)),
    ("block_diag", lambda m, g: m.block_diag(T(m, V[:2, :3], "float64", g), T(m, V[0, :2], "float64"),
                                             T(m, 2.0, "float64"))),
    ("block_diag mixed", lambda m, g: m.block_diag(T(m, I[:2, :2]), T(m, V[:1, :1], "float32"))),
    ("trapezoid", lambda m, g: m.trapezoid(T(m, V, "float64", g))),
    ("trapezoid x", lambda m, g: m.trapezoid(T(m, V, "float64", g), T(m, np.cumsum(np.abs(V[0])), "float64"))),
    ("trapezoid dx dim", lambda m, g: m.trapezoid(T(m, V, "float64", g), dx=0.5, dim=0)),
    ("trapezoid empty", lambda m, g: m.trapezoid(m.zeros(3, 0))),
    ("cumulative_trapezoid", lambda m, g: m.cumulative_trapezoid(T(m, V, "float64", g), dim=0)),
    ("cumulative_trapezoid x", lambda m, g: m.cumulative_trapezoid(T(m, V, "float64", g),
                                                                   T(m, np.linspace(0, 1, 6), "float64"))),
    ("histogram", lambda m, g: tuple(m.histogram(T(m, V, "float32"), 5))),
    ("histogram range weight", lambda m, g: tuple(m.histogram(T(m, V, "float64"), 4, range=(-1.0, 1.0),
                                                              weight=T(m, np.abs(V), "float64")))),
    ("histogram edges density", lambda m, g: tuple(m.histogram(T(m, V, "float64"), T(m, [-2.0, 0.0, 0.5, 3.0]),
                                                               density=True))),
    ("renorm", lambda m, g: m.renorm(T(m, V, "float64", g), 2, 0, 1.5)),
    ("renorm p=1 dim=1", lambda m, g: m.renorm(T(m, V, "float32"), 1, 1, 1.0)),
    ("logspace", lambda m, g: m.logspace(-2, 3, 6)),
    ("logspace base", lambda m, g: m.logspace(0, 4, 5, base=2, dtype=m.float64)),
    ("logspace int", lambda m, g: m.logspace(0, 3, 4, dtype=m.int64)),
    ("vander", lambda m, g: m.vander(T(m, V[0, :4], "float64", g))),
    ("vander N increasing", lambda m, g: m.vander(T(m, I[0]), N=3, increasing=True)),
    ("matrix_power", lambda m, g: m.matrix_power(T(m, V3, "float64", g), 3)),
    ("matrix_power 0", lambda m, g: m.matrix_power(T(m, I[:3, :3]), 0)),
    ("matrix_power -2", lambda m, g: m.linalg.matrix_power(T(m, SPD, "float64", g), -2)),
    ("matrix_exp", lambda m, g: m.matrix_exp(T(m, V3, "float64", g))),
    ("matrix_exp large", lambda m, g: m.linalg.matrix_exp(T(m, SPD * 5, "float32"))),
    ("float_power", lambda m, g: m.float_power(T(m, np.abs(V) + 0.1, "float64", g), 1.7)),
    ("float_power int", lambda m, g: m.float_power(T(m, I), 2)),
    ("ldexp", lambda m, g: m.ldexp(T(m, V, "float64", g), T(m, I[0, :1]))),
    ("frexp", lambda m, g: tuple(m.frexp(T(m, [8.0, 0.75, -3.0, 0.0, 1e-40, math.inf, -5e30])))),
    ("frexp float64", lambda m, g: tuple(m.frexp(T(m, V * 1e5, "float64")))),
    ("positive", lambda m, g: m.positive(T(m, V, "float64", g))),
    ("rsub", lambda m, g: m.rsub(T(m, V, "float64", g), T(m, V[0], "float64"), alpha=2)),
    ("rsub number", lambda m, g: m.rsub(T(m, I), 5)),
    ("rsub number alpha", lambda m, g: m.rsub(T(m, V, "float64", g), 2.5, alpha=3)),
    ("mvlgamma", lambda m, g: m.mvlgamma(T(m, np.abs(V) + 2, "float64", g), 3)),
]


def _as_list(r):
    return list(r) if isinstance(r, tuple) else [r]


@needs_torch
@pytest.mark.parametrize("name, call", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = _as_list(call(ember, False)), _as_list(call(torch, False))
    for e, t in zip(got, want):
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (e.dtype, t.dtype)
        assert tuple(e.shape) == tuple(t.shape)
        rtol = 1e-4 if e.dtype in (ember.float32,) else 1e-9
        np.testing.assert_allclose(e.detach().numpy().astype(np.float64), t.detach().numpy().astype(np.float64),
                                   rtol=rtol, atol=rtol)


DIFFERENTIABLE = [c for c in CASES if c[0] in {
    "diff", "diff n=2 dim=0", "diff prepend/append", "diff transposed", "cov", "cov correction=0", "cov 1-d",
    "cov weights", "corrcoef", "quantile", "quantile dim", "cartesian_prod", "combinations", "block_diag",
    "trapezoid", "trapezoid x", "trapezoid dx dim", "cumulative_trapezoid", "cumulative_trapezoid x", "renorm",
    "vander", "matrix_power", "matrix_power -2", "matrix_exp", "float_power", "ldexp", "positive", "rsub",
    "rsub number alpha", "mvlgamma"}]


@pytest.mark.parametrize("name, call", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_gradcheck(name, call):
    global _SUBSTITUTE
    _MADE.clear()
    call(ember, True)
    leaves = [t.detach().clone().requires_grad_(True) for t in _MADE]
    assert leaves, "no input requires grad"

    def f(*xs):
        global _SUBSTITUTE
        _SUBSTITUTE = iter(xs)
        try:
            out = call(ember, True)
        finally:
            _SUBSTITUTE = None
        return out[0] if isinstance(out, tuple) else out

    assert ember.autograd.gradcheck(f, tuple(leaves), atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize(
    "call, kind",
    [
        (lambda m: m.diff(m.tensor(1.0)), RuntimeError),
        (lambda m: m.diff(m.ones(3), n=-1), RuntimeError),
        (lambda m: m.cov(m.ones(2, 2, 2)), RuntimeError),
        (lambda m: m.quantile(m.ones(3), 1.5), RuntimeError),
        (lambda m: m.quantile(m.ones(3, dtype=m.int64), 0.5), RuntimeError),
        (lambda m: m.quantile(m.ones(3), 0.5, interpolation="bad"), RuntimeError),
        (lambda m: m.quantile(m.ones(0), 0.5), RuntimeError),
        (lambda m: m.tril_indices(-1, 3), RuntimeError),
        (lambda m: m.cartesian_prod(m.ones(2, 2)), RuntimeError),
        (lambda m: m.combinations(m.ones(2, 2)), RuntimeError),
        (lambda m: m.block_diag(m.ones(2, 2, 2)), RuntimeError),
        (lambda m: m.histogram(m.ones(3), 0), RuntimeError),
        (lambda m: m.renorm(m.ones(3), 2, 0, 1.0), RuntimeError),
        (lambda m: m.renorm(m.ones(3, 3), -1, 0, 1.0), RuntimeError),
        (lambda m: m.vander(m.ones(2, 2)), RuntimeError),
        (lambda m: m.matrix_power(m.ones(2, 3), 2), RuntimeError),
        (lambda m: m.matrix_exp(m.ones(2, 3)), RuntimeError),
        (lambda m: m.frexp(m.ones(2, dtype=m.int64)), RuntimeError),
        (lambda m: m.positive(m.ones(2, dtype=m.bool)), RuntimeError),
        (lambda m: m.mvlgamma(m.ones(2), 0), RuntimeError),
        (lambda m: m.rsub(m.ones(2, dtype=m.bool), 1), RuntimeError),
    ],
)
def test_errors(call, kind):
    with pytest.raises(kind):
        call(ember)
    if torch is not None:
        with pytest.raises(kind):
            call(torch)


def test_out_arguments():
    x = ember.tensor(V)
    out = ember.empty(0, dtype=ember.float64)
    assert ember.diff(x, out=out) is out and out.shape == (5, 5)
    q = ember.empty(0, dtype=ember.float64)
    assert ember.quantile(x, 0.5, out=q) is q
    h = (ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.float64))
    r = ember.histogram(x, 3, out=h)
    assert r.hist is h[0] and r.bin_edges is h[1]


def test_ldexp_gradient_with_negative_integer_exponents():
    # torch gives 0 here (it computes 2**e in integers for the gradient); the derivative is 2**e
    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    ember.ldexp(x, ember.tensor([-2, 0, 3])).sum().backward()
    assert x.grad.tolist() == [0.25, 1.0, 8.0]
    assert ember.ldexp(ember.ones(2, dtype=ember.float16), ember.tensor([1, 2])).dtype == ember.float16


def test_frexp_mantissa_is_differentiable():
    x = ember.tensor([8.0, 0.75, 0.0], dtype=ember.float64, requires_grad=True)
    m, e = ember.frexp(x)
    assert m.requires_grad and not e.requires_grad
    m.sum().backward()
    assert x.grad.tolist() == [2.0**-4, 1.0, 1.0]
