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
            _check(lambda lib, x, y, beta=beta: lib.nn.functional.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
                   [X, Y])


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
        assert repr(eval("ember.nn." + name)) == repr(eval("torch.nn." + name))
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


def test_bce_with_logits_gradient_at_zero_logit():
    x0 = np.array([0.0, 0.0, 1.5, -2.0])
    t = np.array([1.0, 0.0, 1.0, 0.0])
    _check(lambda lib, x, t: lib.nn.functional.binary_cross_entropy_with_logits(x, t, reduction="sum"), [x0, t])
    _check(lambda lib, x, t, pw: lib.nn.functional.binary_cross_entropy_with_logits(
        x, t, pos_weight=pw, reduction="none"), [x0, t, np.full(4, 3.0)])


# ---- margin, embedding and probabilistic losses ----

REDUCTIONS = ["mean", "sum", "none"]
SIGNS = RNG.choice([-1.0, 1.0], size=4)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3, -0.2])
def test_cosine_embedding_loss(reduction, margin):
    def f(lib, a, b, y):
        return lib.nn.functional.cosine_embedding_loss(a, b, y, margin=margin, reduction=reduction)

    _check(f, [X, Y, SIGNS], grads=(0, 1))
    _check(f, [X, Y[:1], np.array([1.0, -1.0, 0.0, 2.0])], grads=(0, 1))  # broadcast x2; other labels add 0
    _check(f, [X[0], Y[0], np.array(-1.0)], grads=(0, 1))  # unbatched
    _check(f, [X, Y, SIGNS.astype(np.int64)], grads=(0, 1))
    _check(f, [np.zeros((2, 3)), RNG.standard_normal((2, 3)), np.array([1.0, -1.0])], grads=(1,))  # zero vector


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_loss(reduction, margin):
    def f(lib, a, b, y):
        return lib.nn.functional.margin_ranking_loss(a, b, y, margin=margin, reduction=reduction)

    _check(f, [X[:, 0], Y[:, 0], SIGNS], grads=(0, 1))
    _check(f, [X, Y, np.sign(RNG.standard_normal((4, 5)))], grads=(0, 1))
    _check(f, [X[0], Y[0, :1], np.ones(1)], grads=(0, 1))  # broadcast over equal dims
    _check(f, [np.array(0.3), np.array(-0.1), np.array(-1.0)], grads=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.4])
def test_hinge_embedding_loss(reduction, margin):
    def f(lib, x, y):
        return lib.nn.functional.hinge_embedding_loss(x, y, margin=margin, reduction=reduction)

    _check(f, [np.abs(X), np.sign(RNG.standard_normal((4, 5)))])
    _check(f, [X, np.array([1.0, -1.0, 0.0, -1.0, 1.0])])  # broadcast target; a 0 label adds both terms
    _check(f, [np.abs(X[0]), np.array([1, -1, -1, 1, 1])])


TRIPLETS = [(4, 5), (5,), (2, 3, 5), ()]


@pytest.mark.parametrize("shape", TRIPLETS, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", [(1.0, 2, 1e-6, False), (2.5, 1, 0.0, True), (0.5, 3, 1e-3, True),
                                  (1.0, 2, 1e-6, True)], ids=str)
def test_triplet_margin_loss(shape, reduction, opts):
    margin, norm, eps, swap = opts
    a, p, n = (RNG.standard_normal(shape) for _ in range(3))
    _check(lambda lib, a, p, n: lib.nn.functional.triplet_margin_loss(
        a, p, n, margin=margin, p=norm, eps=eps, swap=swap, reduction=reduction), [a, p, n], grads=(0, 1, 2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("margin", [1.0, 3.0])
def test_triplet_margin_with_distance_loss(reduction, swap, margin):
    a, p, n = (RNG.standard_normal((4, 5)) for _ in range(3))
    _check(lambda lib, a, p, n: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, margin=margin, swap=swap, reduction=reduction), [a, p, n], grads=(0, 1, 2))

    def cosine_distance(lib):
        return lambda x1, x2: 1.0 - lib.nn.functional.cosine_similarity(x1, x2, dim=-1)

    _check(lambda lib, a, p, n: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=cosine_distance(lib), swap=swap, reduction=reduction), [a, p, n], grads=(0, 1, 2))
    _check(lambda lib, a, p, n: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lib.nn.PairwiseDistance(p=1), margin=2.0, swap=swap, reduction=reduction)(a, p, n),
        [a[0], p[0], n[0]], grads=(0, 1, 2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_multi_margin_loss(reduction, p, weighted, margin):
    w = RNG.uniform(0.5, 2.0, (5,))

    def f(lib, x, t, *w):
        return lib.nn.functional.multi_margin_loss(x, t, p=p, margin=margin, weight=w[0] if w else None,
                                                   reduction=reduction)

    _check(f, [X, np.array([0, 4, 2, 2])] + ([w] if weighted else []))
    _check(f, [X[1], np.array(3)] + ([w] if weighted else []))  # unbatched
    _check(f, [X[:, :1], np.zeros(4, dtype=np.int64)] + ([w[:1]] if weighted else []))  # one class


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction):
    t = np.array([[3, 0, -1, 1, 2], [4, 4, 1, -1, -1], [0, 1, 2, 3, 4], [-1, 2, 2, 2, 2]])  # repeats count twice
    _check(lambda lib, x, t: lib.nn.functional.multilabel_margin_loss(x, t, reduction=reduction), [X, t])
    _check(lambda lib, x, t: lib.nn.functional.multilabel_margin_loss(x, t, reduction=reduction),
           [X[0], np.array([2, 1, -1, 0, 0])])
    _check(lambda lib, x, t: lib.nn.functional.multilabel_margin_loss(x * 5, t, reduction=reduction), [X, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss(reduction, weighted):
    def f(lib, x, t, *w):
        return lib.nn.functional.multilabel_soft_margin_loss(x, t, weight=w[0] if w else None, reduction=reduction)

    w = [RNG.uniform(0.5, 2, (5,))] if weighted else []
    _check(f, [X * 3, (T01 > 0.5).astype(np.float64)] + w, grads=(0, 1))
    _check(f, [X[0], T01[0]] + w, grads=(0, 1))  # unbatched
    _check(f, [RNG.standard_normal((2, 3, 5)), RNG.uniform(0, 1, (2, 3, 5))] + w, grads=(0, 1))
    _check(f, [X, T01[0]] + ([RNG.uniform(0.5, 2, (4, 1))] if weighted else []), grads=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction):
    def f(lib, x, y):
        return lib.nn.functional.soft_margin_loss(x, y, reduction=reduction)

    x = X * 4
    x[0, :2] = 0.0  # the gradient at 0 is -y/2
    _check(f, [x, np.sign(RNG.standard_normal((4, 5)))])
    _check(f, [x, np.array([1.0, -1.0, 1.0, 1.0, -1.0])])  # broadcast target
    _check(f, [X[0], np.ones(5)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("eps", [1e-8, 0.5])
def test_poisson_nll_loss(reduction, log_input, full, eps):
    counts = RNG.integers(0, 6, (4, 5)).astype(np.float64)
    counts[0, :3] = [0.0, 1.0, 2.0]
    x = X if log_input else np.abs(X) + 0.1
    _check(lambda lib, x, t: lib.nn.functional.poisson_nll_loss(
        x, t, log_input=log_input, full=full, eps=eps, reduction=reduction), [x, counts + 0.25], grads=(0, 1))
    _check(lambda lib, x, t: lib.nn.functional.poisson_nll_loss(
        x, t, log_input=log_input, full=full, eps=eps, reduction=reduction), [x, counts])
    _check(lambda lib, x, t: lib.nn.PoissonNLLLoss(log_input, full, reduction=reduction)(x, t), [x[0], counts[0]])


VAR_SHAPES = [(4, 5), (4, 1), (1, 5), (4,)]


@pytest.mark.parametrize("var_shape", VAR_SHAPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("eps", [1e-6, 0.1])
def test_gaussian_nll_loss(var_shape, reduction, full, eps):
    var = RNG.uniform(0.2, 2.0, var_shape)
    var.flat[0] = 1e-9  # below eps: clamped, its gradient still flows
    _check(lambda lib, x, t, v: lib.nn.functional.gaussian_nll_loss(x, t, v, full=full, eps=eps, reduction=reduction),
           [X, Y, var], grads=(0, 1, 2))
    _check(lambda lib, x, t, v: lib.nn.GaussianNLLLoss(full=full, reduction=reduction)(x, t, v),
           [X, Y[:1], var], grads=(0, 1, 2))  # target broadcast
    _check(lambda lib, x, t: lib.nn.functional.gaussian_nll_loss(x, t, 0.7, full=full, reduction=reduction),
           [X, Y], grads=(0, 1))
    _check(lambda lib, x, t, v: lib.nn.functional.gaussian_nll_loss(x, t, v, reduction=reduction),
           [X[0], Y[0], np.array(0.5)], grads=(0, 1, 2))  # unbatched, one variance


def _ctc_case(seed=0, steps=8, batch=4, classes=6, blank=0):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((steps, batch, classes))
    target_lengths = np.array([3, 1, 4, 0][:batch])
    input_lengths = np.array([8, 5, 7, 3][:batch])
    labels = [c for c in range(classes) if c != blank]
    padded = rng.choice(labels, size=(batch, 5))
    padded[0, 1] = padded[0, 0]  # a repeated label needs a blank between
    padded[2, :4] = [labels[1], labels[1], labels[1], labels[2]]
    concat = np.concatenate([padded[i, :n] for i, n in enumerate(target_lengths)])
    return logits, padded, concat, input_lengths, target_lengths


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("blank", [0, 5])
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
def test_ctc_loss(reduction, blank, layout):
    logits, padded, concat, il, tl = _ctc_case(blank=blank)
    targets = padded if layout == "padded" else concat

    def through_log_softmax(lib, x, t, i, n):
        return lib.nn.functional.ctc_loss(lib.log_softmax(x, 2), t, i, n, blank=blank, reduction=reduction)

    def on_log_probs(lib, lp, t, i, n):  # torch's gradient convention w.r.t. log_probs themselves
        return lib.nn.functional.ctc_loss(lp, t, i, n, blank=blank, reduction=reduction)

    _check(through_log_softmax, [logits, targets, il, tl])
    log_probs = logits - np.log(np.exp(logits).sum(2, keepdims=True))
    _check(on_log_probs, [log_probs, targets, il, tl])
    _check(on_log_probs, [log_probs, targets.astype(np.int32), il.astype(np.int32), tl.astype(np.int32)])
    _check(lambda lib, lp, t: lib.nn.functional.ctc_loss(lp, t, tuple(il), list(tl), blank=blank,
                                                         reduction=reduction), [log_probs, targets])
    _check(lambda lib, lp, t: lib.nn.CTCLoss(blank=blank, reduction=reduction)(lp, t, il.tolist(), tuple(tl)),
           [logits * 2, targets])  # unnormalized log_probs


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignments(reduction, zero_infinity):
    logits = RNG.standard_normal((4, 3, 5))
    targets = np.array([[1, 1, 1], [2, 3, 0], [4, 4, 0]])  # 1 1 1 needs 5 steps, 4 4 needs 3
    il, tl = np.array([4, 4, 2]), np.array([3, 2, 2])
    for lp in (logits, logits - np.log(np.exp(logits).sum(2, keepdims=True))):
        _check(lambda lib, x, t, i, n: lib.nn.functional.ctc_loss(
            x, t, i, n, reduction=reduction, zero_infinity=zero_infinity), [lp, targets, il, tl])
    loss = ember.nn.functional.ctc_loss(ember.tensor(logits).log_softmax(2), ember.tensor(targets), ember.tensor(il),
                                        ember.tensor(tl), reduction="none", zero_infinity=zero_infinity)
    assert loss.tolist()[0] == (0.0 if zero_infinity else float("inf"))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_unbatched_and_empty(reduction):
    logits, padded, *_ = _ctc_case(seed=3)
    _check(lambda lib, x, t, i, n: lib.nn.functional.ctc_loss(x.log_softmax(1), t, i, n, reduction=reduction),
           [logits[:, 0], padded[0, :3], np.array(8), np.array(3)])
    _check(lambda lib, x, t: lib.nn.functional.ctc_loss(x.log_softmax(1), t, (6,), (2,), reduction=reduction),
           [logits[:, 0], padded[:1, :4]])
    # no input steps: an empty target costs 0, any other is impossible
    _check(lambda lib, x, t: lib.nn.functional.ctc_loss(x.log_softmax(2), t, (0, 5, 0), (0, 2, 1), reduction="none",
                                                        zero_infinity=True), [logits[:, :3], padded[:3]])
    _check(lambda lib, x, t: lib.nn.functional.ctc_loss(x.log_softmax(2), t, (8, 2), (0, 0), reduction="mean"),
           [logits[:, :2], padded[:2]])


@pytest.mark.parametrize("r", [[], [0], [1], [2], [3]], ids=str)  # as torch: default and unknown: no reduction
def test_top_level_loss_functions_take_an_integer_reduction(r):
    a, p, n = (RNG.standard_normal((4, 5)) for _ in range(3))
    _check(lambda lib, a, b, y: lib.cosine_embedding_loss(a, b, y, 0.1, *r), [a, p, SIGNS], grads=(0, 1))
    _check(lambda lib, a, b, y: lib.margin_ranking_loss(a, b, y, 0.2, *r), [a[:, 0], p[:, 0], SIGNS], grads=(0, 1))
    _check(lambda lib, x, y: lib.hinge_embedding_loss(x, y, 0.5, *r), [a, np.sign(p)])
    _check(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2, 1e-6, True, *r), [a, p, n], grads=(0, 1, 2))
    _check(lambda lib, x, t: lib.poisson_nll_loss(x, t, True, True, 1e-8, *(r or [0])), [a, np.abs(p) * 3])
    logits, padded, _, il, tl = _ctc_case()
    _check(lambda lib, x, t, i, n: lib.ctc_loss(x.log_softmax(2), t, i, n), [logits, padded, il, tl])
    _check(lambda lib, x, t, i, n: lib.ctc_loss(x.log_softmax(2), t, i, n, 0, 1, True), [logits, padded, il, tl])
    for lib in (ember, torch):
        with pytest.raises(TypeError, match="argument 'reduction'"):
            lib.cosine_embedding_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2), 0.0, "mean")
    assert not any(hasattr(ember, n) != hasattr(torch, n) for n in (
        "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss", "triplet_margin_loss",
        "triplet_margin_with_distance_loss", "multi_margin_loss", "multilabel_margin_loss",
        "multilabel_soft_margin_loss", "soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss"))


NEW_MODULES = ["CosineEmbeddingLoss()", "CosineEmbeddingLoss(margin=0.5, reduction='sum')", "MarginRankingLoss()",
               "HingeEmbeddingLoss(margin=2.0)", "TripletMarginLoss(p=1.0, swap=True)",
               "TripletMarginWithDistanceLoss()", "TripletMarginWithDistanceLoss(distance_function=lambda a, b: a - b)",
               "MultiMarginLoss(p=2)", "MultiMarginLoss(weight=lib.ones(3))", "MultiLabelMarginLoss()",
               "MultiLabelSoftMarginLoss(weight=lib.ones(3))", "SoftMarginLoss()", "PoissonNLLLoss(log_input=False)",
               "GaussianNLLLoss(full=True)", "CTCLoss(blank=3, zero_infinity=True)"]


@pytest.mark.parametrize("expr", NEW_MODULES)
def test_new_loss_modules_print_as_torch(expr):
    e, t = (eval("lib.nn." + expr, {"lib": lib}) for lib in (ember, torch))
    assert repr(e) == repr(t)
    assert e.reduction == t.reduction
    assert sorted(dict(e.named_buffers())) == sorted(dict(t.named_buffers()))


def test_new_loss_modules_match_functional():
    F = ember.nn.functional
    x, y, w = ember.randn(4, 5), ember.randn(4, 5), ember.rand(5)
    s, c = ember.tensor([1.0, -1.0, -1.0, 1.0]), ember.tensor([0, 4, 2, 1])
    labels = ember.tensor([[0, 4, -1, 0, 0], [1, -1, 0, 0, 0], [2, 3, 4, 0, 1], [-1, 0, 0, 0, 0]])
    pairs = [
        (ember.nn.CosineEmbeddingLoss(0.2, reduction="sum")(x, y, s), F.cosine_embedding_loss(x, y, s, 0.2,
                                                                                             reduction="sum")),
        (ember.nn.MarginRankingLoss(0.3)(x[:, 0], y[:, 0], s), F.margin_ranking_loss(x[:, 0], y[:, 0], s, 0.3)),
        (ember.nn.HingeEmbeddingLoss(0.5)(x, s[:1]), F.hinge_embedding_loss(x, s[:1], 0.5)),
        (ember.nn.TripletMarginLoss(0.5, 1.0, 0.0, True)(x, y, x * 2), F.triplet_margin_loss(x, y, x * 2, 0.5, 1.0,
                                                                                              0.0, True)),
        (ember.nn.MultiMarginLoss(2, 0.5, w)(x, c), F.multi_margin_loss(x, c, 2, 0.5, w)),
        (ember.nn.MultiLabelMarginLoss(reduction="none")(x, labels),
         F.multilabel_margin_loss(x, labels, reduction="none")),
        (ember.nn.MultiLabelSoftMarginLoss(w, reduction="none")(x, y.sigmoid()),
         F.multilabel_soft_margin_loss(x, y.sigmoid(), w, reduction="none")),
        (ember.nn.SoftMarginLoss()(x, s.sign()[:1].expand(4, 5)), F.soft_margin_loss(x, s.sign()[:1].expand(4, 5))),
        (ember.nn.PoissonNLLLoss(False, True, eps=0.1)(x.abs(), y.abs() * 3),
         F.poisson_nll_loss(x.abs(), y.abs() * 3, False, True, eps=0.1)),
        (ember.nn.GaussianNLLLoss(full=True, eps=0.01)(x, y, w[None]), F.gaussian_nll_loss(x, y, w[None], True, 0.01)),
    ]
    for module_out, functional_out in pairs:
        np.testing.assert_allclose(module_out.numpy(), functional_out.numpy(), rtol=1e-6)
    assert "weight" in dict(ember.nn.MultiMarginLoss(weight=w).named_buffers())


def _raises_as_torch(call, exc, match):
    for lib in (ember, torch):
        with pytest.raises(exc, match=match):
            call(lib)


def test_new_loss_errors_as_torch():
    def F(lib):
        return lib.nn.functional

    L = np.array
    cases = [
        (lambda lib: F(lib).cosine_embedding_loss(lib.ones(3, 4), lib.ones(3, 4), lib.ones(3, 1)), RuntimeError,
         "0D or 1D target tensor expected, multi-target not supported"),
        (lambda lib: F(lib).cosine_embedding_loss(lib.ones(4), lib.ones(4), lib.ones(1)), RuntimeError,
         r"1D target tensor expects 2D input tensors, but found inputs with sizes \[4\] and \[4\]"),
        (lambda lib: F(lib).margin_ranking_loss(lib.ones(3), lib.ones(3, 1), lib.ones(3)), RuntimeError,
         "margin_ranking_loss : All input tensors should have same dimension"),
        (lambda lib: F(lib).triplet_margin_loss(lib.ones(3, 4), lib.ones(4), lib.ones(3, 4)), RuntimeError,
         "anchor 2D, positive 1D, and negative 2D inputs"),
        (lambda lib: F(lib).triplet_margin_loss(lib.ones(3, 4), lib.ones(3, 4), lib.ones(3, 4), margin=0), ValueError,
         "margin must be greater than 0, got 0"),
        (lambda lib: F(lib).triplet_margin_with_distance_loss(lib.ones(2), lib.ones(2), lib.ones(2), margin=-1.0),
         ValueError, "margin must be greater than 0"),
        (lambda lib: F(lib).triplet_margin_with_distance_loss(lib.ones(2), lib.ones(2), lib.ones(2), reduction="x"),
         ValueError, "x is not a valid value for reduction"),
        (lambda lib: lib.nn.TripletMarginLoss(margin=0.0), ValueError, "TripletMarginLoss: expected margin"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 3]), p=3), ValueError,
         "only p == 1 and p == 2 supported"),
        (lambda lib: lib.nn.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2 supported"),
        (lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)), ValueError,
         "MultiMarginLoss: expected weight to be None or 1D tensor, got 2D instead"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1])), RuntimeError,
         r"Expected target size \[3\], but got \[2\]"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 4])), RuntimeError,
         "target out of range"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 3]), weight=lib.ones(3)),
         RuntimeError, r"inconsistent weight size, expected 4 but got \[3\]"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 3], dtype=lib.int32)), RuntimeError,
         "expected scalar type Long but found Int"),
        (lambda lib: F(lib).multi_margin_loss(lib.ones(3, 4, 2), lib.tensor([0, 1, 3])), RuntimeError,
         "Expected non-empty vector or matrix with optional 0-dim batch size"),
        (lambda lib: F(lib).multilabel_margin_loss(lib.ones(3, 4), lib.tensor([0, 1, 2])), RuntimeError,
         r"inconsistent target size: \[3\] for input of size: \[3, 4\]"),
        (lambda lib: F(lib).multilabel_margin_loss(lib.ones(1, 4), lib.tensor([[0, -1, 7, 1]])), RuntimeError,
         "argument #2 'target' is out of range"),
        (lambda lib: F(lib).multilabel_soft_margin_loss(lib.ones(3, 4), lib.ones(3, 4), reduction="x"), ValueError,
         "x is not valid"),
        (lambda lib: F(lib).soft_margin_loss(lib.ones(3, 1), lib.ones(4)), RuntimeError,
         r"output with shape \[3, 1\] doesn't match the broadcast shape \[3, 4\]"),
        (lambda lib: F(lib).poisson_nll_loss(lib.ones(3), lib.ones(3), reduction="x"), ValueError,
         "x is not a valid value for reduction"),
        (lambda lib: F(lib).gaussian_nll_loss(lib.ones(3, 4), lib.ones(3, 4), lib.ones(4)), ValueError,
         "var is of incorrect size"),
        (lambda lib: F(lib).gaussian_nll_loss(lib.ones(3, 4), lib.ones(3, 4), lib.ones(2, 4)), ValueError,
         "var is of incorrect size"),
        (lambda lib: F(lib).gaussian_nll_loss(lib.ones(3, 4), lib.ones(3, 4), -lib.ones(2, 4)), ValueError,
         "var has negative entry/entries"),
        (lambda lib: F(lib).gaussian_nll_loss(lib.ones(3), lib.ones(3), -0.5), ValueError,
         "var has negative entry/entries"),
        (lambda lib: F(lib).gaussian_nll_loss(lib.ones(3), lib.ones(3), lib.ones(3), reduction="x"), ValueError,
         "x is not valid"),
    ]
    lp = np.log(np.full((5, 2, 4), 0.25))
    ctc = [
        ((L([[1, 2, 2], [3, 1, 0]]), L([6, 4]), L([3, 2])), {},
         "Expected input_lengths to have value at most 5, but got value 6"),
        ((L([[1, 2, 2], [3, 1, 0]]), L([5, 4, 3]), L([3, 2])), {}, "input_lengths must be of size batch_size"),
        ((L([[1, 2, 2], [3, 1, 0]]), L([5, 4]), L([4, 2])), {},
         "Expected tensor to have size at least 4 at dimension 1, but got size 3"),
        ((L([[1, 2, 2], [3, 1, 0]]), L([5, 4]), L([-1, 2])), {}, "Expected target_lengths to have value at least 0"),
        ((L([1, 2, 2, 3]), L([5, 4]), L([3, 2])), {}, "Expected tensor to have size 5 at dimension 0, but got size 4"),
        ((L([[1, 2, 2]]), L([5, 4]), L([3, 2])), {}, "Expected tensor to have size 2 at dimension 0"),
        ((L([[1, 2, 2], [3, 1, 0]]), L([5, 4]), L([3, 2])), {"blank": 4}, "blank must be in label range"),
        ((L([[1, 2, 2], [3, 1, 0]]), L([5.0, 4.0]), L([3, 2])), {}, "input_lengths must be integral"),
    ]
    for args, kwargs, match in ctc:
        cases.append((lambda lib, args=args, kwargs=kwargs: F(lib).ctc_loss(
            lib.tensor(lp), *[lib.tensor(a) for a in args], **kwargs), RuntimeError, match))
    cases.append((lambda lib: F(lib).ctc_loss(lib.tensor(lp), lib.ones(2, 1, dtype=lib.int64), (5, 5), (1, 1),
                                              reduction="x"), ValueError, "x is not a valid value for reduction"))
    cases.append((lambda lib: F(lib).ctc_loss(lib.zeros(5, 2, 4, 1), lib.ones(2, 1, dtype=lib.int64), (5, 5),
                                              (1, 1)), RuntimeError, "Expected 3-dimensional tensor"))
    for call, exc, match in cases:
        _raises_as_torch(call, exc, match)


def test_docstring_examples():
    import doctest

    import ember.nn._loss
    import ember.nn.modules.loss

    for mod in (ember.nn._loss, ember.nn.modules.loss):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": ember.nn.functional},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
