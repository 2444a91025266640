"""The layers of ember.nn against torch.nn: with torch's weights copied in, outputs and the
gradients of inputs and parameters must equal torch's over several configurations (odd shapes,
non-contiguous inputs); printed forms must be torch's; default initialisation must follow torch's
distribution (same bounds and fans). Plus ember.nn.init against torch's formulas.
"""

from __future__ import annotations

import math

import ember
import numpy as np
import pytest
from ember import nn

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="compares with torch")

# (constructor call as source over `nn`, input shapes): evaluated with nn = ember.nn and torch.nn
LAYERS = [
    ("Linear(5, 3)", [(4, 5)]),
    ("Linear(5, 3, bias=False)", [(2, 6, 5)]),
    ("Linear(1, 1)", [(1,)]),
    ("Bilinear(3, 4, 2)", [(5, 3), (5, 4)]),
    ("Bilinear(3, 4, 2, bias=False)", [(3,), (4,)]),
    ("Identity(7, k=1)", [(3, 2)]),
    ("Flatten()", [(2, 3, 4)]),
    ("Flatten(0, -2)", [(2, 3, 4)]),
    ("Unflatten(1, (2, 3))", [(4, 6)]),
    ("ReLU()", [(3, 4)]),
    ("RReLU(0.1, 0.3)", [(3, 4)]),
    ("Hardtanh(-2.0, 0.5)", [(3, 4)]),
    ("ReLU6()", [(3, 4)]),
    ("Sigmoid()", [(3, 4)]),
    ("Tanh()", [(3, 4)]),
    ("Hardsigmoid()", [(3, 4)]),
    ("SiLU()", [(3, 4)]),
    ("Mish()", [(3, 4)]),
    ("Hardswish()", [(3, 4)]),
    ("ELU(0.7)", [(3, 4)]),
    ("CELU(1.5)", [(3, 4)]),
    ("SELU()", [(3, 4)]),
    ("GLU()", [(3, 4)]),
    ("GLU(0)", [(4, 3)]),
    ("GELU()", [(3, 4)]),
    ("GELU('tanh')", [(3, 4)]),
    ("Hardshrink(0.3)", [(3, 4)]),
    ("LeakyReLU(0.2)", [(3, 4)]),
    ("LogSigmoid()", [(3, 4)]),
    ("Softplus(2.0, 5.0)", [(3, 4)]),
    ("Softshrink(0.3)", [(3, 4)]),
    ("PReLU()", [(2, 3, 4)]),
    ("PReLU(3, init=0.1)", [(2, 3, 4)]),
    ("PReLU(4)", [(3, 4)]),
    ("PReLU()", [(5,)]),
    ("Softsign()", [(3, 4)]),
    ("Tanhshrink()", [(3, 4)]),
    ("Threshold(0.1, 20.0)", [(3, 4)]),
    ("Softmin(1)", [(3, 4)]),
    ("Softmax(0)", [(3, 4)]),
    ("Softmax2d()", [(2, 3, 4, 5)]),
    ("LogSoftmax(-1)", [(3, 4)]),
    ("CosineSimilarity()", [(3, 4), (3, 4)]),
    ("CosineSimilarity(0, eps=1e-3)", [(3, 4), (1, 4)]),
    ("PairwiseDistance()", [(3, 4), (3, 4)]),
    ("PairwiseDistance(p=1.0, keepdim=True)", [(3, 4), (4,)]),
    ("ZeroPad1d(2)", [(2, 3, 5)]),
    ("ZeroPad2d((1, 0, 2, 1))", [(2, 3, 4, 5)]),
    ("ZeroPad3d(1)", [(1, 2, 2, 3, 3)]),
    ("ConstantPad1d((0, 2), 1.5)", [(2, 5)]),
    ("ConstantPad2d(1, -2.0)", [(3, 4, 4)]),
    ("ConstantPad3d((1, 0, 0, 1, 1, 0), 0.5)", [(1, 2, 2, 3, 3)]),
    ("ReflectionPad1d((2, 1))", [(2, 3, 5)]),
    ("ReflectionPad2d(1)", [(2, 3, 4, 5)]),
    ("ReflectionPad3d(1)", [(1, 2, 3, 3, 3)]),
    ("ReplicationPad1d(3)", [(2, 3, 5)]),
    ("ReplicationPad2d((1, 2, 0, 1))", [(2, 3, 4, 5)]),
    ("ReplicationPad3d(1)", [(1, 2, 2, 3, 3)]),
    ("CircularPad1d(2)", [(2, 3, 5)]),
    ("CircularPad2d((1, 1, 2, 0))", [(2, 3, 4, 5)]),
    ("CircularPad3d(1)", [(1, 2, 2, 3, 3)]),
    ("PixelShuffle(2)", [(2, 8, 3, 5)]),
    ("PixelShuffle(3)", [(9, 2, 2)]),
    ("PixelUnshuffle(2)", [(2, 3, 4, 6)]),
    ("ChannelShuffle(3)", [(2, 6, 4, 3)]),
    ("Dropout(0.3)", [(3, 4)]),
    ("Dropout1d(0.3)", [(2, 3, 4)]),
    ("Dropout2d(0.3)", [(2, 3, 4, 4)]),
    ("Dropout3d(0.3)", [(2, 3, 2, 2, 2)]),
    ("AlphaDropout(0.3)", [(3, 4)]),
    ("FeatureAlphaDropout(0.3)", [(2, 3, 4)]),
]


# torch's float64 hardsigmoid gradient uses 1/6 rounded to float32 (ember's is exact)
GRAD_RTOL = {"Hardsigmoid()": 1e-7}


def _build(source, lib):
    return eval("nn." + source, {"nn": lib.nn})  # noqa: S307 - the table's own constructor calls


def _copy_weights(tm, em):
    state = {k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()}
    em.load_state_dict(state)


def _inputs(shapes, rng, transposed):
    arrays = [rng.standard_normal(s) for s in shapes]
    e, t = [], []
    for a in arrays:
        if transposed and a.ndim >= 2:
            a = np.ascontiguousarray(np.swapaxes(a, -1, -2))
            e.append(ember.tensor(a).transpose(-1, -2).requires_grad_())
            t.append(torch.tensor(a).transpose(-1, -2).requires_grad_())
        else:
            e.append(ember.tensor(a).requires_grad_())
            t.append(torch.tensor(a).requires_grad_())
    return e, t


@needs_torch
@pytest.mark.parametrize("source,shapes", LAYERS, ids=[s for s, _ in LAYERS])
@pytest.mark.parametrize("transposed", [False, True])
def test_layer_matches_torch(source, shapes, transposed):
    em, tm = _build(source, ember), _build(source, torch)
    assert repr(em) == repr(tm)
    em.double(), tm.double()
    _copy_weights(tm, em)
    em.eval(), tm.eval()  # dropout and rrelu are deterministic in eval
    rng = np.random.default_rng(0)
    e_in, t_in = _inputs(shapes, rng, transposed)
    e_out, t_out = em(*e_in), tm(*t_in)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(tuple(t_out.shape))
    e_out.backward(ember.tensor(g))
    t_out.backward(torch.tensor(g))
    rtol = GRAD_RTOL.get(source, 1e-10)
    for e, t in zip(e_in, t_in):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=1e-12)
    for (name, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


@needs_torch
@pytest.mark.parametrize("source", ["Dropout(0.4)", "Dropout2d(0.4)", "RReLU()", "AlphaDropout(0.2)"])
def test_training_mode_is_random_and_eval_is_not(source):
    m = _build(source, ember)
    x = ember.randn(64, 8, 2, 2)
    m.train()
    a, b = m(x), m(x)
    assert not bool((a == b).all())
    m.eval()
    assert bool((m(x) == m(x)).all())


def test_dropout_keeps_the_expected_fraction():
    ember.manual_seed(0)
    y = nn.Dropout(0.3)(ember.ones(100_000))
    kept = float((y != 0).float().mean())
    assert abs(kept - 0.7) < 0.01 and float(y.max()) == pytest.approx(1 / 0.7)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


def test_default_initialisation_follows_torch():
    ember.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w = lin.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert np.abs(lin.bias.detach().numpy()).max() <= bound
    bil = nn.Bilinear(50, 7, 9)
    assert np.abs(bil.weight.detach().numpy()).max() <= 1 / math.sqrt(50)
    assert nn.PReLU(3).weight.tolist() == pytest.approx([0.25] * 3)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad
    assert nn.Linear(3, 2, bias=False).bias is None
    assert nn.Linear(3, 2, dtype=ember.float64).weight.dtype == ember.float64
    meta = nn.Linear(3, 2, device="meta")
    assert meta.weight.device.type == "meta"


def test_calculate_gain():
    from ember.nn import init

    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "x")


def _stats(t):
    a = t.detach().numpy().ravel()
    return a.min(), a.max(), a.mean(), a.std()


def test_init_distributions():
    from ember.nn import init

    ember.manual_seed(1)
    w = ember.empty(200, 300)
    fan_in, fan_out = 300, 200
    lo, hi, mean, std = _stats(init.xavier_uniform_(w))
    a = math.sqrt(6 / (fan_in + fan_out))
    assert -a <= lo and hi <= a and abs(std - a / math.sqrt(3)) < 0.02 * a
    lo, hi, mean, std = _stats(init.xavier_normal_(w, gain=2.0))
    assert abs(std - 2 * math.sqrt(2 / (fan_in + fan_out))) < 0.02 * std
    lo, hi, mean, std = _stats(init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"))
    assert abs(std - math.sqrt(2 / fan_out)) < 0.02 * std
    bound = math.sqrt(3) * math.sqrt(2 / fan_in)
    lo, hi, _, _ = _stats(init.kaiming_uniform_(w, nonlinearity="relu"))
    assert -bound <= lo and hi <= bound and hi > 0.99 * bound
    lo, hi, mean, std = _stats(init.trunc_normal_(w, mean=1.0, std=2.0, a=0.0, b=3.0))
    assert lo >= 0.0 and hi <= 3.0
    conv = ember.empty(8, 4, 3, 3)
    assert init._calculate_fan_in_and_fan_out(conv) == (36, 72)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ember.empty(3))
    with pytest.raises(ValueError, match="Mode fan_up not supported"):
        init.kaiming_uniform_(w, mode="fan_up")


def test_init_structured():
    from ember.nn import init

    assert init.eye_(ember.empty(2, 3)).tolist() == [[1, 0, 0], [0, 1, 0]]
    d = init.dirac_(ember.empty(4, 2, 3), groups=2)
    assert d[:, :, 1].tolist() == [[1, 0], [0, 1], [1, 0], [0, 1]] and float(d.sum()) == 4
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ember.empty(3, 2, 3), groups=2)
    for shape in [(3, 5), (5, 3), (4, 2, 2)]:
        q = init.orthogonal_(ember.empty(*shape), gain=2.0).reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small.numpy(), 4 * np.eye(small.shape[0]), atol=1e-5)
    s = init.sparse_(ember.empty(10, 4), sparsity=0.25)
    assert ((s == 0).sum(0) >= 3).all()
    assert init.zeros_(ember.ones(2)).tolist() == [0, 0] and init.ones_(ember.zeros(2)).tolist() == [1, 1]
    assert init.constant_(ember.zeros(2), 3.0).tolist() == [3, 3]
    with pytest.warns(FutureWarning):
        init.uniform(ember.empty(2))


def test_init_is_reproducible_and_records_nothing():
    from ember.nn import init

    ember.manual_seed(5)
    a = init.kaiming_uniform_(ember.empty(3, 4))
    ember.manual_seed(5)
    b = init.kaiming_uniform_(ember.empty(3, 4))
    assert bool((a == b).all())
    p = nn.Parameter(ember.empty(3, 4))
    init.normal_(p)
    assert p.grad_fn is None and p.requires_grad
    g = ember.Generator()
    g.manual_seed(3)
    c = init.uniform_(ember.empty(4), generator=g)
    g.manual_seed(3)
    assert bool((c == init.uniform_(ember.empty(4), generator=g)).all())


def test_functional_glu_prelu_rrelu_errors():
    F = nn.functional
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(ember.ones(3))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel size"):
        F.prelu(ember.ones(2, 3), ember.ones(4))
    x = ember.tensor([-1.0, 2.0])
    assert F.rrelu(x, 0.2, 0.4).tolist() == pytest.approx([-0.3, 2.0])
    ember.manual_seed(0)
    y = F.rrelu(-ember.ones(1000), 0.2, 0.4, training=True)
    assert float(y.max()) <= -0.2 and float(y.min()) >= -0.4


@needs_torch
@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 2}, {"padding_idx": -1, "scale_grad_by_freq": True},
                                    {"scale_grad_by_freq": True}, {"max_norm": 1.0}, {"max_norm": 0.5, "norm_type": 1.0}])
def test_embedding_matches_torch(kwargs):
    em, tm = nn.Embedding(6, 3, **kwargs), torch.nn.Embedding(6, 3, **kwargs)
    assert repr(em) == repr(tm)
    if "padding_idx" in kwargs:
        assert float(em.weight[kwargs["padding_idx"]].abs().sum()) == 0.0
    em.double(), tm.double()
    _copy_weights(tm, em)
    idx = np.array([[0, 2, 2], [5, 1, 2]])
    e_out, t_out = em(ember.tensor(idx)), tm(torch.tensor(idx))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(t_out.shape))
    e_out.backward(ember.tensor(g)), t_out.backward(torch.tensor(g))
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-12)  # max_norm


def test_embedding_from_pretrained_and_errors():
    w = ember.arange(6.0).reshape(3, 2)
    frozen = nn.Embedding.from_pretrained(w)
    assert not frozen.weight.requires_grad and frozen(ember.tensor([2])).tolist() == [[4.0, 5.0]]
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(ember.ones(3))
    # the layer and F.embedding share one padding_idx check (torch's message) and count a negative one from the end
    for bad in (3, -4):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            nn.Embedding(3, 2, padding_idx=bad)
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            ember.nn.functional.embedding(ember.tensor([0]), w, padding_idx=bad)
    assert nn.Embedding(3, 2, padding_idx=-1).padding_idx == 2 and nn.Embedding(3, 2, padding_idx=0).padding_idx == 0
    with pytest.raises(RuntimeError, match="Long, Int"):
        nn.Embedding(3, 2)(ember.tensor([0.0]))
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(3, 2, sparse=True)(ember.tensor([0]))


def test_linear_reads_weights_however_they_are_held():
    """Linear.forward takes its parameters from _parameters directly, and anything else (a plain
    tensor attribute, a parametrization's property, no bias) through the attribute."""
    nn = ember.nn
    m = nn.Linear(3, 2)
    x = ember.ones(1, 3)
    del m.weight
    m.weight = ember.full((2, 3), 2.0)  # a plain tensor attribute
    np.testing.assert_allclose(m(x).detach().numpy(), (6.0 + m.bias.detach()).numpy()[None])
    m = nn.Linear(3, 2, bias=False)
    nn.utils.parametrize.register_parametrization(m, "weight", _Doubled())
    np.testing.assert_allclose(m(x).detach().numpy(), (2 * m.parametrizations.weight.original.detach()).sum(1)[None],
                               rtol=1e-6)


class _Doubled(ember.nn.Module):
    def forward(self, w):
        return w * 2
