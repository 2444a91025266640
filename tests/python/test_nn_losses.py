"""The losses of ember.nn (functional and modules) against torch's: values and input gradients
over reductions, weights, ignore_index, label smoothing, spatial dims and probability targets,
and torch's errors."""

from __future__ import annotations

import warnings

import ember
import numpy as np
import pytest

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(a, grad=True):
    e, t = ember.tensor(a), torch.tensor(a)
    if grad and a.dtype.kind == "f":
        e.requires_grad_(), t.requires_grad_()
    return e, t


def _check(call, arrays, grads=(0,), rtol=1e-10):
    pairs = [_pair(a, i in grads) for i, a in enumerate(arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        er = call(ember, *[p[0] for p in pairs])
        tr = call(torch, *[p[1] for p in pairs])
    np.testing.assert_allclose(er.detach().numpy(), tr.detach().numpy(), rtol=rtol, atol=1e-12)
    g = RNG.standard_normal(tuple(tr.shape))
    er.backward(ember.tensor(g))
    tr.backward(torch.tensor(g))
    for i in grads:
        np.testing.assert_allclose(pairs[i][0].grad.numpy(), pairs[i][1].grad.numpy(), rtol=rtol, atol=1e-12)


X = RNG.standard_normal((4, 5))
Y = RNG.standard_normal((4, 5))
W = RNG.uniform(0.5, 2.0, (4, 5))
P = RNG.uniform(0.05, 0.95, (4, 5))
T01 = RNG.uniform(0, 1, (4, 5))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss"])
def test_pointwise_losses(name, reduction):
    _check(lambda lib, x, y: getattr(lib.nn.functional, name)(x, y, reduction=reduction), [X, Y], grads=(0, 1))
    if name in ("l1_loss", "mse_loss", "huber_loss"):
        _check(lambda lib, x, y, w: getattr(lib.nn.functional, name)(x, y, reduction=reduction, weight=w),
               [X, Y, W], grads=(0, 1))
    if name == "huber_loss":
        _check(lambda lib, x, y: lib.nn.functional.huber_loss(x, y, reduction=reduction, delta=0.3), [X, Y])
    if name == "smooth_l1_loss":
        for beta in (0.0, 0.4):
            _check(lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, reduction=reduction, beta=beta), [X, Y])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    _check(lambda lib, p, t: lib.nn.functional.binary_cross_entropy(p, t, reduction=reduction), [P, T01])
    _check(lambda lib, p, t, w: lib.nn.functional.binary_cross_entropy(p, t, weight=w, reduction=reduction),
           [P, T01, W])
    _check(lambda lib, x, t: lib.nn.functional.binary_cross_entropy_with_logits(x, t, reduction=reduction),
           [X * 30, T01], grads=(0, 1))
    pw = RNG.uniform(0.5, 3, (5,))
    _check(lambda lib, x, t, w, pw: lib.nn.functional.binary_cross_entropy_with_logits(
        x, t, weight=w, pos_weight=pw, reduction=reduction), [X, T01, W, pw], grads=(0, 1))


INDEX_CASES = [
    ((4, 5), (4,)),  # batch of class scores
    ((5,), ()),  # one unbatched sample
    ((3, 5, 2, 3), (3, 2, 3)),  # spatial dims
]


@pytest.mark.parametrize("shapes", INDEX_CASES, ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_and_nll_with_indices(shapes, reduction, weighted, smoothing):
    xs, ts = shapes
    x = RNG.standard_normal(xs)
    t = RNG.integers(0, 5, ts)
    if t.ndim:
        t.flat[0] = -100 if t.size > 1 else t.flat[0]  # one ignored target
    w = RNG.uniform(0.5, 2.0, (5,)) if weighted else None
    args = [x, t] + ([w] if weighted else [])

    def ce(lib, x, t, w=None):
        return lib.nn.functional.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=smoothing)

    def nll(lib, x, t, w=None):
        return lib.nn.functional.nll_loss(lib.log_softmax(x, 0 if x.dim() == 1 else 1), t, weight=w,
                                          reduction=reduction)

    _check(ce, args)
    _check(nll, args)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_with_probabilities(reduction, smoothing):
    probs = RNG.dirichlet(np.ones(5), size=4)
    _check(lambda lib, x, p: lib.nn.functional.cross_entropy(x, p, reduction=reduction, label_smoothing=smoothing),
           [X, probs], grads=(0, 1))
    w = RNG.uniform(0.5, 2, (5,))
    _check(lambda lib, x, p, w: lib.nn.functional.cross_entropy(x, p, weight=w, reduction=reduction),
           [RNG.standard_normal((2, 5, 3)), RNG.dirichlet(np.ones(5), size=(2, 3)).transpose(0, 2, 1).copy(), w])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    logq = np.log(RNG.dirichlet(np.ones(5), size=4))
    p = RNG.dirichlet(np.ones(5), size=4)
    target = np.log(p) if log_target else p
    _check(lambda lib, i, t: lib.nn.functional.kl_div(i, t, reduction=reduction, log_target=log_target),
           [logq, target], grads=(0, 1))


def test_loss_modules_match_functional_and_print_as_torch():
    x, t = ember.randn(3, 4), ember.tensor([0, 3, 1])
    w = ember.rand(4)
    m = ember.nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1, reduction="sum")
    assert float(m(x, t)) == pytest.approx(float(ember.nn.functional.cross_entropy(
        x, t, weight=w, ignore_index=1, label_smoothing=0.1, reduction="sum")))
    assert "weight" in dict(m.named_buffers())
    for name in ["L1Loss()", "MSELoss(reduction='sum')", "HuberLoss(delta=2.0)", "SmoothL1Loss(beta=0.5)",
                 "BCELoss()", "BCEWithLogitsLoss()", "NLLLoss(ignore_index=3)", "KLDivLoss(log_target=True)"]:
        assert repr(eval("ember.nn." + name)) == repr(eval("torch.nn." + name))  # noqa: S307
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert ember.nn.MSELoss(size_average=False).reduction == "sum"


def test_loss_errors_as_torch():
    F = ember.nn.functional
    x = ember.randn(3, 4)
    with pytest.raises(IndexError, match="Target 5 is out of bounds"):
        F.cross_entropy(x, ember.tensor([0, 1, 5]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.nll_loss(x, ember.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Int"):
        F.nll_loss(x, ember.tensor([0, 1, 2], dtype=ember.int32))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.l1_loss(x, x, reduction="foo")
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(ember.tensor([1.5]), ember.tensor([1.0]))
    with pytest.raises(ValueError, match="is deprecated. Please ensure they have the same size"):
        F.binary_cross_entropy(ember.rand(3), ember.rand(3, 1))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, ember.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        F.mse_loss(x, x, weight=ember.ones(1))
    assert bool(ember.isnan(F.nll_loss(x, ember.tensor([-100, -100, -100]))))
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(x, ember.ones(4))
