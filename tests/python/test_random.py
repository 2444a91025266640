"""Random sampling ops (bernoulli, multinomial, the in-place distributions, poisson, random_,
randint_like, dropout): their values cannot be compared with torch's, so these tests check the
distributions (moments within statistical bounds at a fixed seed), reproducibility (same seed or
generator -> same values, whatever the thread count), shapes and dtypes, errors (against torch)
and dropout's gradients."""

import math
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F

N = 200_000  # large enough for tight bounds, and above the parallel grain


def _np(t):
    return np.asarray(t.float().numpy() if t.dtype == ember.bfloat16 else t.numpy()).astype(np.float64)


def _mean_ok(samples, mean, var, k=6.0):
    """The sample mean is within k standard errors of `mean`."""
    n = samples.size
    assert abs(samples.mean() - mean) <= k * math.sqrt(var / n) + 1e-12, (samples.mean(), mean)


# ---- distributions ----


def test_bernoulli_tensor_and_p():
    ember.manual_seed(1)
    probs = ember.tensor([0.0, 0.2, 0.7, 1.0]).expand(N // 4, 4)
    s = _np(ember.bernoulli(probs))
    assert set(np.unique(s)) <= {0.0, 1.0}
    assert s[:, 0].sum() == 0 and s[:, 3].min() == 1
    for j, p in ((1, 0.2), (2, 0.7)):
        _mean_ok(s[:, j], p, p * (1 - p))
    x = ember.zeros(N, dtype=ember.int32)
    out = ember.bernoulli(x, 0.3)
    assert out.dtype == ember.int32 and out.shape == x.shape
    _mean_ok(_np(out), 0.3, 0.21)


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16, ember.bfloat16, ember.int64, ember.bool])
def test_bernoulli_inplace(dtype):
    ember.manual_seed(2)
    t = ember.zeros(N, dtype=dtype)
    assert t.bernoulli_(0.25) is t
    _mean_ok(_np(t), 0.25, 0.25 * 0.75)
    p = ember.tensor([0.1, 0.9])
    t2 = ember.zeros(N // 2, 2, dtype=dtype).bernoulli_(p)
    _mean_ok(_np(t2)[:, 0], 0.1, 0.09)
    _mean_ok(_np(t2)[:, 1], 0.9, 0.09)


def test_multinomial_with_replacement():
    ember.manual_seed(3)
    w = ember.tensor([[1.0, 2.0, 0.0, 7.0], [0.0, 0.0, 5.0, 0.0]])
    s = ember.multinomial(w, N, replacement=True)
    assert s.dtype == ember.int64 and s.shape == (2, N)
    counts = np.bincount(s[0].numpy(), minlength=4) / N
    for j, p in enumerate([0.1, 0.2, 0.0, 0.7]):
        _mean_ok(np.array([counts[j]]), p, p * (1 - p) / N)
    assert counts[2] == 0
    assert (s[1].numpy() == 2).all()
    one = ember.multinomial(ember.tensor([0.5, 0.5]), 3, True)
    assert one.shape == (3,)


def test_multinomial_without_replacement():
    ember.manual_seed(4)
    w = ember.tensor([1.0, 2.0, 3.0, 4.0])
    rows = ember.multinomial(w.expand(20_000, 4), 3)
    r = rows.numpy()
    assert all(len(set(row)) == 3 for row in r[:500])  # no repeats within a draw
    first = np.bincount(r[:, 0], minlength=4) / r.shape[0]
    for j in range(4):
        p = (j + 1) / 10
        _mean_ok(np.array([first[j]]), p, p * (1 - p) / r.shape[0])
    # a zero-probability category comes only after every positive one
    z = ember.multinomial(ember.tensor([0.0, 1.0, 0.0]), 2).tolist()
    assert z[0] == 1 and z[1] in (0, 2)
    full = ember.multinomial(ember.tensor([1.0, 1.0, 1.0]), 3).tolist()
    assert sorted(full) == [0, 1, 2]


def test_exponential_geometric_cauchy_lognormal():
    ember.manual_seed(5)
    e = _np(ember.empty(N, dtype=ember.float64).exponential_(2.0))
    assert e.min() >= 0
    _mean_ok(e, 0.5, 0.25)
    _mean_ok((e - 0.5) ** 2, 0.25, 2.0 * 0.25**2 * 4)  # variance 1/lambda^2 (4th moment bound)
    g = _np(ember.empty(N, dtype=ember.int64).geometric_(0.25))
    assert g.min() >= 1 and (g == np.round(g)).all()
    _mean_ok(g, 4.0, 0.75 / 0.0625)
    c = _np(ember.empty(N, dtype=ember.float64).cauchy_(3.0, 2.0))
    assert abs(np.median(c) - 3.0) < 0.05
    q1, q3 = np.percentile(c, [25, 75])
    assert abs((q3 - q1) - 4.0) < 0.1  # IQR of Cauchy(sigma) is 2 sigma
    ln = _np(ember.empty(N, dtype=ember.float32).log_normal_(1.0, 0.5))
    assert ln.min() > 0
    _mean_ok(np.log(ln), 1.0, 0.25)
    assert abs(np.log(ln).std() - 0.5) < 0.01


@pytest.mark.parametrize("rate", [0.0, 0.3, 4.0, 9.9, 10.0, 37.5, 1000.0])
def test_poisson(rate):
    ember.manual_seed(6)
    s = _np(ember.poisson(ember.full((N // 2,), rate, dtype=ember.float64)))
    assert (s == np.round(s)).all() and s.min() >= 0
    if rate == 0:
        assert s.max() == 0
        return
    _mean_ok(s, rate, rate)
    assert abs(s.var() / rate - 1) < 0.03


def test_poisson_dtypes_and_inf():
    out = ember.poisson(ember.tensor([1.0, 2.0], dtype=ember.float16))
    assert out.dtype == ember.float16 and out.shape == (2,)
    assert ember.poisson(ember.tensor([math.inf])).item() == math.inf


RANDOM_DEFAULT_MAX = {
    ember.float32: 2**24, ember.float64: 2**53, ember.float16: 2**11, ember.bfloat16: 2**8,
    ember.uint8: 255, ember.int8: 127, ember.int16: 32767, ember.int32: 2**31 - 1, ember.int64: 2**63 - 1,
    ember.bool: 1,
}


@pytest.mark.parametrize("dtype", list(RANDOM_DEFAULT_MAX))
def test_random_ranges(dtype):
    ember.manual_seed(7)
    hi = RANDOM_DEFAULT_MAX[dtype]
    t = ember.empty(N, dtype=dtype).random_()
    v = t.numpy().astype(np.float64) if dtype != ember.bfloat16 else _np(t)
    assert v.min() >= 0 and v.max() <= hi
    assert v.max() > hi * 0.99  # spread over the whole range
    lo_hi = (0, 2) if dtype == ember.bool else (-3, 4) if ember.empty(0, dtype=dtype).is_signed() else (3, 9)
    t = ember.empty(N, dtype=dtype).random_(*lo_hi)
    v = _np(t)
    assert set(np.unique(v)) == set(range(*lo_hi))
    _mean_ok(v, (lo_hi[0] + lo_hi[1] - 1) / 2, ((lo_hi[1] - lo_hi[0]) ** 2 - 1) / 12)
    t = ember.empty(1000, dtype=dtype).random_(2 if dtype != ember.bool else 1)
    assert set(np.unique(_np(t))) <= {0.0, 1.0}
    if dtype != ember.bool:
        t = ember.empty(1000, dtype=dtype).random_(1, None)
        assert _np(t).min() >= 1


def test_random_kwargs_and_int64_extremes():
    t = ember.empty(1000, dtype=ember.int64).random_(-(2**63), None)
    assert t.min().item() < 0 < t.max().item()
    t = ember.empty(100, dtype=ember.int64).random_(to=5)
    assert 0 <= t.min().item() and t.max().item() < 5


def test_randint_like():
    ember.manual_seed(8)
    x = ember.zeros(3, 4, dtype=ember.float64)
    r = ember.randint_like(x, 10)
    assert r.dtype == ember.float64 and r.shape == (3, 4) and 0 <= r.min().item() and r.max().item() < 10
    r = ember.randint_like(x, -2, 3, dtype=ember.int8)
    assert r.dtype == ember.int8 and -2 <= r.min().item() and r.max().item() < 3
    r = ember.randint_like(x, 5, requires_grad=True)
    assert r.requires_grad


# ---- reproducibility ----


def _draws(gen=None):
    kw = {} if gen is None else {"generator": gen}
    p = ember.full((N,), 0.4)
    return [
        ember.bernoulli(p, **kw),
        ember.bernoulli(p, 0.3, **kw),
        ember.empty(N).bernoulli_(0.5, **kw),
        ember.empty(N).bernoulli_(p, **kw),
        ember.multinomial(ember.ones(50, 1000), 7, **kw),
        ember.multinomial(ember.ones(1000), N, replacement=True, **kw),
        ember.empty(N).exponential_(**kw),
        ember.empty(N).geometric_(0.3, **kw),
        ember.empty(N).cauchy_(**kw),
        ember.empty(N).log_normal_(**kw),
        ember.empty(N, dtype=ember.int64).random_(**kw),
        ember.empty(N, dtype=ember.int32).random_(-5, 5, **kw),
        ember.poisson(ember.full((N,), 20.0), **kw),
        ember.randint_like(p, 100, **kw),
    ]


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert np.array_equal(x.numpy(), y.numpy(), equal_nan=True)


def test_same_seed_same_values():
    ember.manual_seed(123)
    a = _draws()
    ember.manual_seed(123)
    b = _draws()
    _same(a, b)
    ember.manual_seed(124)
    c = _draws()
    assert not np.array_equal(a[0].numpy(), c[0].numpy())


def test_generator_argument():
    g = ember.Generator().manual_seed(9)
    a = _draws(g)
    g2 = ember.Generator().manual_seed(9)
    ember.manual_seed(0)  # the default generator does not matter
    b = _draws(g2)
    _same(a, b)


def test_thread_count_does_not_change_values():
    threads = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        ember.manual_seed(10)
        a = _draws() + [F.dropout(ember.ones(N), 0.3)]
        ember.set_num_threads(max(4, threads))
        ember.manual_seed(10)
        b = _draws() + [F.dropout(ember.ones(N), 0.3)]
    finally:
        ember.set_num_threads(threads)
    _same(a, b)


# ---- shapes, dtypes, empty and 0-d ----


def test_shapes_dtypes_empty():
    assert ember.bernoulli(ember.full((2, 0), 0.5)).shape == (2, 0)
    assert ember.bernoulli(ember.tensor(1.0)).item() == 1.0
    assert ember.bernoulli(ember.tensor([0.5], dtype=ember.float16)).dtype == ember.float16
    assert ember.multinomial(ember.ones(0, 3), 2).shape == (0, 2)
    assert ember.empty(0).exponential_().shape == (0,)
    assert ember.empty(()).cauchy_().shape == ()
    x = ember.empty(4, 6).t()  # non-contiguous: written through a temporary
    x.random_(0, 3)
    assert set(np.unique(x.numpy())) <= {0.0, 1.0, 2.0}
    assert F.dropout(ember.empty(0, 3), 0.5).shape == (0, 3)


# ---- errors: same kind as torch ----

ERROR_CASES = [
    ("bernoulli int input", lambda L: L.bernoulli(L.tensor([1, 0]))),
    ("bernoulli p > 1 in tensor", lambda L: L.bernoulli(L.tensor([1.5]))),
    ("bernoulli nan prob", lambda L: L.bernoulli(L.tensor([math.nan]))),
    ("bernoulli p=1.3", lambda L: L.bernoulli(L.tensor([0.5]), p=1.3)),
    ("bernoulli_ tensor p > 1", lambda L: L.ones(2).bernoulli_(L.tensor([0.3, 1.2]))),
    ("bernoulli_ p bad shape", lambda L: L.ones(2).bernoulli_(L.tensor([0.3, 0.2, 0.1]))),
    ("multinomial k < n", lambda L: L.multinomial(L.tensor([0.4, 0.2]), 3)),
    ("multinomial negative", lambda L: L.multinomial(L.tensor([0.4, -0.2]), 1)),
    ("multinomial inf", lambda L: L.multinomial(L.tensor([0.4, math.inf]), 1)),
    ("multinomial nan", lambda L: L.multinomial(L.tensor([0.4, math.nan]), 1)),
    ("multinomial zero row", lambda L: L.multinomial(L.tensor([[0.0, 0.0], [1.0, 1.0]]), 1, True)),
    ("multinomial int", lambda L: L.multinomial(L.tensor([1, 2]), 1)),
    ("multinomial 0-d", lambda L: L.multinomial(L.tensor(1.0), 1)),
    ("multinomial 3-d", lambda L: L.multinomial(L.ones(2, 2, 2), 1)),
    ("multinomial n=0", lambda L: L.multinomial(L.ones(2), 0)),
    ("multinomial n<0", lambda L: L.multinomial(L.ones(2), -1)),
    ("exponential_ lambda<=0", lambda L: L.ones(3).exponential_(0)),
    ("exponential_ int", lambda L: L.ones(3, dtype=L.int32).exponential_()),
    ("geometric_ p=0", lambda L: L.ones(3).geometric_(0)),
    ("geometric_ p=1", lambda L: L.ones(3).geometric_(1)),
    ("geometric_ bool", lambda L: L.ones(3, dtype=L.bool).geometric_(0.5)),
    ("cauchy_ sigma=0", lambda L: L.ones(3).cauchy_(0, 0)),
    ("cauchy_ int", lambda L: L.ones(3, dtype=L.int64).cauchy_()),
    ("log_normal_ std<=0", lambda L: L.ones(3).log_normal_(1, -1)),
    ("log_normal_ int", lambda L: L.ones(3, dtype=L.int64).log_normal_()),
    ("poisson negative", lambda L: L.poisson(L.tensor([1.0, -1.0]))),
    ("poisson nan", lambda L: L.poisson(L.tensor([math.nan]))),
    ("poisson int", lambda L: L.poisson(L.tensor([1, 1]))),
    ("random_ from >= to", lambda L: L.ones(3).random_(3, 3)),
    ("random_(to<=0)", lambda L: L.ones(3).random_(-5)),
    ("random_ uint8 from<0", lambda L: L.ones(3, dtype=L.uint8).random_(-1, 3)),
    ("random_ uint8 to>256", lambda L: L.ones(3, dtype=L.uint8).random_(0, 300)),
    ("random_ int8 to>128", lambda L: L.ones(3, dtype=L.int8).random_(0, 129)),
    ("random_ bool to>2", lambda L: L.ones(3, dtype=L.bool).random_(0, 3)),
    ("randint_like low>=high", lambda L: L.randint_like(L.ones(3), 5, 2)),
    ("randint_like bool", lambda L: L.randint_like(L.ones(3, dtype=L.bool), 5)),
    ("dropout p>1", lambda L: L.dropout(L.ones(3), 1.5, True)),
    ("dropout int", lambda L: L.dropout(L.ones(3, dtype=L.int64), 0.5, True)),
    ("F.dropout p<0", lambda L: L.nn.functional.dropout(L.ones(3), p=-0.1)),
    ("F.alpha_dropout p>1", lambda L: L.nn.functional.alpha_dropout(L.ones(3), p=2.0)),
    ("F.dropout1d 1-D", lambda L: L.nn.functional.dropout1d(L.ones(3))),
    ("F.dropout2d 1-D", lambda L: L.nn.functional.dropout2d(L.ones(3))),
    ("feature_dropout 1-D", lambda L: L.feature_dropout(L.ones(3), 0.5, True)),
    ("dropout_ on leaf", lambda L: L.dropout_(L.ones(3, requires_grad=True), 0.5, True)),
    ("bernoulli_ on leaf", lambda L: L.ones(3, requires_grad=True).bernoulli_(0.5)),
]


@pytest.mark.parametrize("name,f", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_match_torch(name, f):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as texc:
            f(torch)
        with pytest.raises(Exception) as eexc:
            f(ember)
    assert type(eexc.value) is type(texc.value), (eexc.value, texc.value)


def test_torch_accepts_what_ember_accepts():
    """Calls near the error cases that both accept (shapes and dtypes agree)."""
    torch = pytest.importorskip("torch")
    cases = [
        lambda L: L.multinomial(L.tensor([1.0, 0.0, 0.0]), 2),
        lambda L: L.multinomial(L.ones(0, 3), 1),
        lambda L: L.ones(3, dtype=L.int8).random_(0, 128),
        lambda L: L.ones(3, dtype=L.bool).random_(0, 2),
        lambda L: L.ones(3, dtype=L.int64).geometric_(0.5),
        lambda L: L.bernoulli(L.tensor([1, 2]), 0.3),
        lambda L: L.ones(2, dtype=L.bool).bernoulli_(0.3),
        lambda L: L.ones(2).bernoulli_(L.tensor(0.3)),
        lambda L: L.dropout(L.ones(3, dtype=L.int64), 0.5, False),
        lambda L: L.randint_like(L.ones(3), 2, 5),
    ]
    for f in cases:
        e, t = f(ember), f(torch)
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]


# ---- dropout ----


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16, ember.bfloat16])
def test_dropout_values_and_grad(dtype):
    ember.manual_seed(11)
    x = ember.randn(N, dtype=dtype).requires_grad_()
    y = F.dropout(x, p=0.3)
    y.backward(ember.ones_like(y))
    kept = _np(y) != 0
    _mean_ok(kept.astype(np.float64), 0.7, 0.21)
    scale = 1 / 0.7
    tol = {"rtol": 1e-2, "atol": 1e-5} if dtype in (ember.float16, ember.bfloat16) else {"rtol": 1e-6}
    np.testing.assert_allclose(_np(y)[kept], _np(x.detach())[kept] * scale, **tol)
    # the gradient is the mask times the scale
    np.testing.assert_allclose(_np(x.grad), kept * scale, **tol)
    assert y.grad_fn.name() == "NativeDropoutBackward0"


def test_dropout_double_backward_and_edge_p():
    ember.manual_seed(12)
    x = ember.randn(100, dtype=ember.float64, requires_grad=True)
    y = F.dropout(x, 0.5)
    (g,) = ember.autograd.grad((y * y).sum(), x, create_graph=True)
    mask = (y != 0).double() * 2.0
    np.testing.assert_allclose(g.detach().numpy(), (2 * y * mask).detach().numpy())
    (gg,) = ember.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), (2 * mask * mask).numpy())
    # p = 1 drops everything with a zero (not NaN) gradient; p = 0 and eval mode pass through
    x.grad = None
    y = F.dropout(x, 1.0)
    y.sum().backward()
    assert (y == 0).all().item() and (x.grad == 0).all().item()
    assert ember.equal(F.dropout(x, 0.0), x) and ember.equal(F.dropout(x, 0.7, training=False), x)


def test_dropout_inplace():
    ember.manual_seed(13)
    x = ember.ones(1000)
    out = F.dropout(x, 0.5, inplace=True)
    assert out is x
    assert set(np.unique(x.numpy())) == {0.0, 2.0}
    # under autograd: recorded as a copy into a non-leaf
    a = ember.ones(1000, requires_grad=True)
    b = a * 1.0
    F.dropout(b, 0.5, inplace=True)
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.detach().numpy())


@pytest.mark.parametrize("fn,shape,batched", [
    (F.dropout1d, (40, 30, 50), True), (F.dropout1d, (30, 50), False),
    (F.dropout2d, (40, 30, 5, 10), True), (F.dropout3d, (40, 30, 2, 5, 5), True), (F.dropout3d, (30, 2, 5, 5), False),
])
def test_channel_dropout(fn, shape, batched):
    ember.manual_seed(14)
    x = ember.ones(*shape, requires_grad=True)
    y = fn(x, p=0.4)
    v = y.detach().numpy().reshape((shape[0] * shape[1], -1) if batched else (shape[0], -1))
    assert (v == v[:, :1]).all()  # one draw per channel
    assert np.isclose(v, 0.0).sum() + np.isclose(v, 1 / 0.6).sum() == v.size
    kept = (v[:, 0] != 0).astype(np.float64)
    _mean_ok(kept, 0.6, 0.24)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy(), rtol=1e-6)


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(15)
    x = ember.randn(N, dtype=ember.float64, requires_grad=True)
    y = F.alpha_dropout(x, 0.3, training=True)
    v = y.detach().numpy()
    assert abs(v.mean()) < 0.02 and abs(v.std() - 1) < 0.02
    # dropped elements share one value; kept ones are an affine map of x with slope a
    a = 1 / math.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7)
    y.sum().backward()
    g = x.grad.numpy()
    assert set(np.round(np.unique(g), 12)) <= {0.0, round(a, 12)}
    _mean_ok((g != 0).astype(np.float64), 0.7, 0.21)
    # feature alpha dropout: a dropped channel holds one value throughout
    fa = F.feature_alpha_dropout(ember.randn(200, 20, 50), 0.5, training=True).numpy().reshape(4000, 50)
    assert 0.45 < (fa == fa[:, :1]).all(axis=1).mean() < 0.55


def test_dropout_reproducible():
    ember.manual_seed(16)
    a = F.dropout(ember.ones(5000), 0.5)
    ember.manual_seed(16)
    b = F.dropout(ember.ones(5000), 0.5)
    assert ember.equal(a, b)


def test_bernoulli_and_poisson_have_zero_gradients():
    """As torch: the samples take part in autograd and the gradient to the parameters is 0."""
    p = ember.tensor([0.5, 0.2], requires_grad=True)
    y = ember.bernoulli(p)
    assert y.requires_grad and y.grad_fn.name() == "BernoulliBackward0"
    (y * 3).sum().backward()
    assert p.grad.tolist() == [0.0, 0.0]
    r = ember.tensor([2.0, 30.0], requires_grad=True)
    z = ember.poisson(r)
    assert z.grad_fn.name() == "PoissonBackward0"
    z.sum().backward()
    assert r.grad.tolist() == [0.0, 0.0]
