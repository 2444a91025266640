"""Normalization against torch: ember.nn's BatchNorm / InstanceNorm (1-d, 2-d, 3-d, and their lazy forms),
LayerNorm, GroupNorm, RMSNorm and LocalResponseNorm, the functional forms and ``ember.instance_norm``.

With torch's weights and buffers copied in, outputs, the gradients of the input and of every parameter,
and the running statistics after several training steps must equal torch's (float64 to 1e-10, float32
to ~1e-5): train and eval, momentum=None, affine=False, bias=False, track_running_stats=False,
unbatched, non-contiguous and channels_last inputs. Printed forms, state-dict keys and old checkpoints,
warnings, errors and gradcheck / gradgradcheck too.
"""

from __future__ import annotations

import collections
import warnings

import ember
import numpy as np
import pytest
from ember import nn
from ember.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-5}}
EMBER_DTYPE = {torch.float64: ember.float64, torch.float32: ember.float32}


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _e(t):
    """An ember copy of a torch tensor (detached)."""
    return ember.tensor(np.ascontiguousarray(t.detach().numpy()))


def _close(e, t, dtype=torch.float64):
    if t is None:
        assert e is None
        return
    assert e is not None
    assert tuple(e.shape) == tuple(t.shape)
    a, b = e.detach().numpy(), t.detach().numpy()
    if b.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, **TOL[dtype])


def _layout(t, layout):
    e = _e(t)
    if layout == "noncontiguous":
        e = ember.tensor(np.ascontiguousarray(np.swapaxes(t.detach().numpy(), -1, -2))).transpose(-1, -2)
    elif layout == "channels_last":
        e = e.contiguous(memory_format=ember.channels_last if t.dim() == 4 else ember.channels_last_3d)
        t = t.contiguous(memory_format=torch.channels_last if t.dim() == 4 else torch.channels_last_3d)
    return t, e


def _pair(src, dtype=torch.float64):
    """The torch module built from `src` (over `nn`, randomized parameters and running stats) and an
    ember one with its state loaded."""
    tm = eval("nn." + src, {"nn": torch.nn}).to(dtype)
    em = eval("nn." + src, {"nn": nn}).to(EMBER_DTYPE[dtype])
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.randn_like(p))
        for name, b in tm.named_buffers():
            if b.is_floating_point():
                b.copy_(torch.rand_like(b) + 0.5 if "var" in name else torch.randn_like(b))
    em.load_state_dict({k: _e(v) for k, v in tm.state_dict().items()})
    return tm, em


def _step(tm, em, shape, dtype=torch.float64, layout="contiguous", data=None):
    """One forward/backward of both; compares the output and the gradients of the input and every
    parameter (the gradients are reset afterwards)."""
    x = torch.randn(shape, dtype=dtype) * 2 + 0.5 if data is None else data.to(dtype)
    tx, ex = _layout(x, layout)
    tx = tx.detach().requires_grad_(True)
    ex = ex.detach().requires_grad_(True)
    t_out, e_out = tm(tx), em(ex)
    _close(e_out, t_out, dtype)
    cot = torch.randn(t_out.shape, dtype=dtype)
    t_out.backward(cot)
    e_out.backward(_e(cot))
    _close(ex.grad, tx.grad, dtype)
    for (name, tp), (ename, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert name == ename
        _close(ep.grad, tp.grad, dtype)
        tp.grad = None
        ep.grad = None
    return e_out


def _same_state(tm, em, dtype=torch.float64):
    t_state, e_state = tm.state_dict(), em.state_dict()
    assert list(e_state) == list(t_state)
    for k in t_state:
        _close(e_state[k], t_state[k], dtype)


# ---- batch norm ----

BN_CASES = [
    ("BatchNorm1d(3)", (4, 3)),
    ("BatchNorm1d(3)", (4, 3, 5)),
    ("BatchNorm1d(3, momentum=None)", (4, 3, 5)),
    ("BatchNorm1d(3, eps=1e-3, momentum=0.3, affine=False)", (5, 3)),
    ("BatchNorm1d(3, track_running_stats=False)", (4, 3, 2)),
    ("BatchNorm1d(3, bias=False)", (2, 3, 3)),
    ("BatchNorm2d(3)", (2, 3, 5, 4)),
    ("BatchNorm2d(3, momentum=None, affine=False)", (2, 3, 5, 4)),
    ("BatchNorm2d(4, track_running_stats=False, affine=False)", (3, 4, 3, 3)),
    ("BatchNorm2d(2, eps=0.1, momentum=0.9)", (1, 2, 7, 5)),
    ("BatchNorm3d(3)", (2, 3, 3, 4, 2)),
    ("BatchNorm3d(2, momentum=None, track_running_stats=True, bias=False)", (2, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("src,shape", BN_CASES, ids=[f"{c[0]}-{c[1]}" for c in BN_CASES])
@pytest.mark.parametrize("layout", ["contiguous", "noncontiguous", "channels_last"])
def test_batch_norm_layer_train_then_eval(src, shape, layout):
    if layout == "channels_last" and len(shape) < 4:
        pytest.skip("channels_last needs a 4-d or 5-d input")
    tm, em = _pair(src)
    assert repr(em) == repr(tm)
    for _ in range(3):
        _step(tm, em, shape, layout=layout)
        _same_state(tm, em)
    tm.eval(), em.eval()
    for _ in range(2):
        _step(tm, em, shape, layout=layout)
    _same_state(tm, em)


@pytest.mark.parametrize("src,shape", BN_CASES[::2], ids=[f"{c[0]}-{c[1]}" for c in BN_CASES[::2]])
def test_batch_norm_layer_float32(src, shape):
    tm, em = _pair(src, torch.float32)
    for _ in range(2):
        _step(tm, em, shape, dtype=torch.float32)
    _same_state(tm, em, torch.float32)
    tm.eval(), em.eval()
    _step(tm, em, shape, dtype=torch.float32)


def test_batch_norm_num_batches_tracked_and_cumulative_average():
    tm, em = _pair("BatchNorm1d(3, momentum=None)")
    tm.reset_running_stats(), em.reset_running_stats()
    for i in range(5):
        _step(tm, em, (6, 3))
        assert int(em.num_batches_tracked) == i + 1
    _same_state(tm, em)
    # eval does not count
    tm.eval(), em.eval()
    _step(tm, em, (6, 3))
    assert int(em.num_batches_tracked) == 5
    # without running stats in eval, the batch statistics are used
    tm.running_mean = tm.running_var = None
    em.running_mean = em.running_var = None
    _step(tm, em, (6, 3))


def test_batch_norm_reset():
    em = nn.BatchNorm2d(3)
    em(ember.randn(2, 3, 4, 4))
    with ember.no_grad():
        em.weight.fill_(3.0)
    em.reset_parameters()
    assert em.running_mean.tolist() == [0.0] * 3 and em.running_var.tolist() == [1.0] * 3
    assert em.weight.tolist() == [1.0] * 3 and em.bias.tolist() == [0.0] * 3
    assert int(em.num_batches_tracked) == 0


def test_batch_norm_state_dict_and_old_checkpoints():
    for src in ("BatchNorm2d(3)", "BatchNorm1d(3, affine=False)", "BatchNorm3d(3, track_running_stats=False)",
                "BatchNorm1d(2, bias=False)", "BatchNorm1d(2, affine=False, track_running_stats=False)"):
        tm, em = _pair(src)
        assert list(em.state_dict()) == list(tm.state_dict())
        assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
        assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    # a checkpoint without num_batches_tracked: version < 2 (or none) loads (the count is kept), version 2
    # misses it
    tm, em = _pair("BatchNorm1d(3)")
    sd_t = tm.state_dict()
    del sd_t["num_batches_tracked"]
    sd = collections.OrderedDict((k, _e(v)) for k, v in sd_t.items())
    sd._metadata = {"": {"version": 2}}
    assert sd_t._metadata[""]["version"] == 2
    em.num_batches_tracked.fill_(4)
    with pytest.raises(RuntimeError) as t_err:
        tm.load_state_dict(sd_t)
    with pytest.raises(RuntimeError) as e_err:
        em.load_state_dict(sd)
    assert str(e_err.value) == str(t_err.value)
    sd._metadata = {"": {"version": 1}}
    assert str(em.load_state_dict(sd)) == "<All keys matched successfully>"
    assert int(em.num_batches_tracked) == 4
    sd._metadata = {"": {}}
    em2 = nn.BatchNorm1d(3)
    em2.load_state_dict(sd)
    assert int(em2.num_batches_tracked) == 0
    # nested: the metadata is per module
    seq = nn.Sequential(nn.BatchNorm1d(3))
    sd = collections.OrderedDict((f"0.{k}", v) for k, v in sd.items())
    sd._metadata = {"0": {"version": 1}}
    seq.load_state_dict(sd)
    np.testing.assert_allclose(seq.state_dict()["0.running_mean"].numpy(), sd["0.running_mean"].numpy(), rtol=1e-6)
    assert int(seq.state_dict()["0.num_batches_tracked"]) == 0


def test_batch_norm_input_dim_errors():
    for src, shape in [("BatchNorm1d(3)", (2, 3, 4, 5)), ("BatchNorm1d(3)", (3,)), ("BatchNorm2d(3)", (2, 3, 4)),
                       ("BatchNorm3d(3)", (2, 3, 4, 5)), ("LazyBatchNorm2d()", (2, 3))]:
        tm, em = eval("nn." + src, {"nn": torch.nn}), eval("nn." + src, {"nn": nn})
        with pytest.raises(ValueError) as t_err:
            tm(torch.randn(shape))
        with pytest.raises(ValueError) as e_err:
            em(ember.randn(shape))
        assert str(e_err.value) == str(t_err.value)
    # one value per channel in training
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ember.randn(1, 3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm2d(3)(ember.randn(1, 3, 1, 1))
    nn.BatchNorm1d(3).eval()(ember.randn(1, 3))


# ---- functional batch norm ----


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3, 5), (2, 3, 4, 5)])
def test_functional_batch_norm(training, shape):
    x = torch.randn(shape, dtype=torch.float64)
    w, b = torch.randn(3, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    rm, rv = torch.randn(3, dtype=torch.float64), torch.rand(3, dtype=torch.float64) + 0.5
    erm, erv = _e(rm), _e(rv)
    tx, tw, tb = (t.clone().requires_grad_(True) for t in (x, w, b))
    ex, ew, eb = (_e(t).requires_grad_(True) for t in (x, w, b))
    t = TF.batch_norm(tx, rm, rv, tw, tb, training, 0.2, 1e-4)
    e = F.batch_norm(ex, erm, erv, ew, eb, training, 0.2, 1e-4)
    _close(e, t)
    _close(erm, rm), _close(erv, rv)
    cot = torch.randn(shape, dtype=torch.float64)
    t.backward(cot), e.backward(_e(cot))
    for ea, ta in ((ex, tx), (ew, tw), (eb, tb)):
        _close(ea.grad, ta.grad)
    # the positional order of torch's F.batch_norm and of ember.batch_norm (torch.batch_norm)
    _close(F.batch_norm(_e(x), None, None, None, None, True), TF.batch_norm(x, None, None, None, None, True))
    _close(ember.batch_norm(_e(x), _e(w), None, None, None, True, 0.1, 1e-5, False),
           torch.batch_norm(x, w, None, None, None, True, 0.1, 1e-5, False))


@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
def test_functional_norms_optional_affine(with_weight, with_bias):
    x = torch.randn(3, 4, 5, dtype=torch.float64)
    cases = [
        (lambda F_, x_, w, b: F_.batch_norm(x_, None, None, w, b, True), (4,)),
        (lambda F_, x_, w, b: F_.instance_norm(x_, None, None, w, b), (4,)),
        # (torch's group_norm backward fails for a bias without a weight: a weight of ones stands in there)
        (lambda F_, x_, w, b: F_.group_norm(x_, 2, torch.ones(4, dtype=torch.float64)
                                            if F_ is TF and w is None and b is not None else w, b), (4,)),
        (lambda F_, x_, w, b: F_.layer_norm(x_, (4, 5), w, b), (4, 5)),
        (lambda F_, x_, w, b: F_.rms_norm(x_, (5,), w if w is not None else b), (5,)),
    ]
    for fn, pshape in cases:
        tw = torch.randn(pshape, dtype=torch.float64, requires_grad=True) if with_weight else None
        tb = torch.randn(pshape, dtype=torch.float64, requires_grad=True) if with_bias else None
        ew = _e(tw).requires_grad_(True) if with_weight else None
        eb = _e(tb).requires_grad_(True) if with_bias else None
        tx, ex = x.clone().requires_grad_(True), _e(x).requires_grad_(True)
        t, e = fn(TF, tx, tw, tb), fn(F, ex, ew, eb)
        _close(e, t)
        cot = torch.randn(t.shape, dtype=torch.float64)
        t.backward(cot), e.backward(_e(cot))
        _close(ex.grad, tx.grad)
        for ea, ta in ((ew, tw), (eb, tb)):
            if ta is not None:
                _close(ea.grad, ta.grad)


@pytest.mark.parametrize("fn", ["batch_norm", "instance_norm"])
def test_norm_training_empty_batch(fn):
    x = torch.randn(0, 3, 4, dtype=torch.float64)
    rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    erm, erv = _e(rm), _e(rv)
    if fn == "batch_norm":
        t, e = TF.batch_norm(x, rm, rv, training=True), F.batch_norm(_e(x), erm, erv, training=True)
    else:
        t, e = TF.instance_norm(x, rm, rv), F.instance_norm(_e(x), erm, erv)
    _close(e, t), _close(erm, rm), _close(erv, rv)


def test_functional_batch_norm_errors():
    for shape in [(1, 3), (1, 3, 1), (1, 3, 1, 1)]:
        with pytest.raises(ValueError) as t_err:
            TF.batch_norm(torch.randn(shape), None, None, training=True)
        with pytest.raises(ValueError) as e_err:
            F.batch_norm(ember.randn(shape), None, None, training=True)
        assert str(e_err.value) == str(t_err.value).replace("torch.Size", "ember.Size")
    for call in (lambda F_, r: F_.batch_norm(r(2, 3), None, None),
                 lambda F_, r: F_.batch_norm(r(2, 3), r(4), r(3), training=True),
                 lambda F_, r: F_.batch_norm(r(2, 3), None, None, r(4), training=True)):
        with pytest.raises(RuntimeError):
            call(TF, torch.randn)
        with pytest.raises(RuntimeError):
            call(F, ember.randn)


# ---- instance norm ----

IN_CASES = [
    ("InstanceNorm1d(3)", (2, 3, 5)),
    ("InstanceNorm1d(3)", (3, 5)),
    ("InstanceNorm1d(3, affine=True)", (2, 3, 6)),
    ("InstanceNorm1d(3, affine=True, track_running_stats=True)", (2, 3, 6)),
    ("InstanceNorm1d(3, track_running_stats=True, momentum=0.4)", (3, 7)),
    ("InstanceNorm1d(3, affine=True, bias=False)", (2, 3, 4)),
    ("InstanceNorm2d(3)", (2, 3, 4, 5)),
    ("InstanceNorm2d(3, affine=True, track_running_stats=True)", (2, 3, 4, 5)),
    ("InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=None)", (2, 3, 4, 5)),
    ("InstanceNorm2d(2, eps=1e-2, affine=True)", (2, 3, 3)),
    ("InstanceNorm3d(2)", (2, 2, 3, 4, 2)),
    ("InstanceNorm3d(2, affine=True, track_running_stats=True)", (2, 3, 3, 4)),
]


@pytest.mark.parametrize("src,shape", IN_CASES, ids=[f"{c[0]}-{c[1]}" for c in IN_CASES])
@pytest.mark.parametrize("layout", ["contiguous", "noncontiguous", "channels_last"])
def test_instance_norm_layer(src, shape, layout):
    if layout == "channels_last" and (len(shape) < 4 or (len(shape) == 4 and "3d" in src)):
        pytest.skip("channels_last needs a batched 4-d or 5-d input")
    tm, em = _pair(src)
    assert repr(em) == repr(tm)
    for _ in range(3):
        _step(tm, em, shape, layout=layout)
        _same_state(tm, em)
    tm.eval(), em.eval()
    _step(tm, em, shape, layout=layout)
    _same_state(tm, em)


@pytest.mark.parametrize("src,shape", IN_CASES[::3], ids=[f"{c[0]}-{c[1]}" for c in IN_CASES[::3]])
def test_instance_norm_layer_float32(src, shape):
    tm, em = _pair(src, torch.float32)
    for _ in range(2):
        _step(tm, em, shape, dtype=torch.float32)
    _same_state(tm, em, torch.float32)


def test_instance_norm_num_features_mismatch():
    tm, em = torch.nn.InstanceNorm1d(4), nn.InstanceNorm1d(4)
    with warnings.catch_warnings(record=True) as t_w:
        warnings.simplefilter("always")
        t = tm(torch.randn(2, 3, 5))
    with warnings.catch_warnings(record=True) as e_w:
        warnings.simplefilter("always")
        e = em(ember.randn(2, 3, 5))
    assert [str(w.message) for w in e_w] == [str(w.message) for w in t_w] and len(e_w) == 1
    assert e_w[0].category is t_w[0].category
    assert tuple(e.shape) == tuple(t.shape)
    for cls, shape in (("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm2d", (3, 5, 5)),
                       ("InstanceNorm3d", (2, 3, 5, 5, 5))):
        with pytest.raises(ValueError) as t_err:
            getattr(torch.nn, cls)(4, affine=True)(torch.randn(shape))
        with pytest.raises(ValueError) as e_err:
            getattr(nn, cls)(4, affine=True)(ember.randn(shape))
        assert str(e_err.value) == str(t_err.value)
    for cls, shape in (("InstanceNorm1d", (2, 3, 5, 5)), ("InstanceNorm2d", (3, 5)), ("InstanceNorm3d", (2, 3, 5))):
        with pytest.raises(ValueError) as t_err:
            getattr(torch.nn, cls)(3)(torch.randn(shape))
        with pytest.raises(ValueError) as e_err:
            getattr(nn, cls)(3)(ember.randn(shape))
        assert str(e_err.value) == str(t_err.value)


def test_instance_norm_old_checkpoint_with_running_stats():
    tm, em = torch.nn.InstanceNorm1d(3), nn.InstanceNorm1d(3)
    sd_t = {"running_mean": torch.zeros(3), "running_var": torch.ones(3)}
    with pytest.raises(RuntimeError) as t_err:
        tm.load_state_dict(sd_t)
    with pytest.raises(RuntimeError) as e_err:
        em.load_state_dict({k: _e(v) for k, v in sd_t.items()})
    assert str(e_err.value) == str(t_err.value)
    # with version metadata (saved after 0.4.0) they are plain unexpected keys
    sd = collections.OrderedDict((k, _e(v)) for k, v in sd_t.items())
    sd._metadata = {"": {"version": 2}}
    result = em.load_state_dict(sd, strict=False)
    assert sorted(result.unexpected_keys) == ["running_mean", "running_var"]


def test_functional_instance_norm():
    x = torch.randn(3, 4, 5, 2, dtype=torch.float64)
    w, b = torch.randn(4, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    rm, rv = torch.randn(4, dtype=torch.float64), torch.rand(4, dtype=torch.float64) + 0.5
    erm, erv = _e(rm), _e(rv)
    tx, tw, tb = (t.clone().requires_grad_(True) for t in (x, w, b))
    ex, ew, eb = (_e(t).requires_grad_(True) for t in (x, w, b))
    t = TF.instance_norm(tx, rm, rv, tw, tb, True, 0.3, 1e-4)
    e = F.instance_norm(ex, erm, erv, ew, eb, True, 0.3, 1e-4)
    _close(e, t), _close(erm, rm), _close(erv, rv)
    cot = torch.randn(x.shape, dtype=torch.float64)
    t.backward(cot), e.backward(_e(cot))
    for ea, ta in ((ex, tx), (ew, tw), (eb, tb)):
        _close(ea.grad, ta.grad)
    # running statistics instead of the input's
    _close(F.instance_norm(_e(x), erm, erv, use_input_stats=False), TF.instance_norm(x, rm, rv, use_input_stats=False))
    # torch.instance_norm's schema
    _close(ember.instance_norm(_e(x), _e(w), None, None, None, True, 0.1, 1e-5, False),
           torch.instance_norm(x, w, None, None, None, True, 0.1, 1e-5, False))
    with pytest.raises(ValueError) as t_err:
        TF.instance_norm(torch.randn(2, 3, 1))
    with pytest.raises(ValueError) as e_err:
        F.instance_norm(ember.randn(2, 3, 1))
    assert str(e_err.value) == str(t_err.value).replace("torch.Size", "ember.Size")
    with pytest.raises(RuntimeError) as t_err:
        TF.instance_norm(torch.randn(2, 3, 4), use_input_stats=False)
    with pytest.raises(RuntimeError) as e_err:
        F.instance_norm(ember.randn(2, 3, 4), use_input_stats=False)
    assert str(e_err.value) == str(t_err.value)


# ---- lazy forms ----

LAZY = [
    ("LazyBatchNorm1d()", (4, 3), "BatchNorm1d"),
    ("LazyBatchNorm1d(affine=False, momentum=None)", (4, 3, 2), "BatchNorm1d"),
    ("LazyBatchNorm2d(bias=False)", (2, 3, 4, 4), "BatchNorm2d"),
    ("LazyBatchNorm3d(track_running_stats=False)", (2, 3, 2, 2, 2), "BatchNorm3d"),
    ("LazyInstanceNorm1d()", (2, 3, 5), "InstanceNorm1d"),
    ("LazyInstanceNorm2d(affine=False)", (2, 3, 4, 4), "InstanceNorm2d"),
    ("LazyInstanceNorm3d(eps=1e-3)", (2, 3, 2, 3, 2), "InstanceNorm3d"),
]


@pytest.mark.filterwarnings("ignore:input's size at dim")
@pytest.mark.parametrize("src,shape,becomes", LAZY)
def test_lazy_norms(src, shape, becomes):
    tm, em = eval("nn." + src, {"nn": torch.nn}), eval("nn." + src, {"nn": nn})
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert em.has_uninitialized_params() == tm.has_uninitialized_params()
    x = torch.randn(shape, dtype=torch.float32)
    t, e = tm(x), em(_e(x))
    _close(e, t, torch.float32)
    assert type(em).__name__ == becomes == type(tm).__name__
    assert repr(em) == repr(tm)
    _same_state(tm, em, torch.float32)
    # a lazy module loads a state dict into its placeholders (num_features stays 0 until its first call,
    # which an instance norm with affine=True then rejects, as torch's)
    tm2, em2 = eval("nn." + src, {"nn": torch.nn}), eval("nn." + src, {"nn": nn})
    tm2.load_state_dict(tm.state_dict())
    em2.load_state_dict({k: _e(v) for k, v in tm.state_dict().items()})
    assert repr(em2) == repr(tm2)
    try:
        t2 = tm2(x)
    except ValueError as t_err:
        with pytest.raises(ValueError) as e_err:
            em2(_e(x))
        assert str(e_err.value) == str(t_err)
    else:
        _close(em2(_e(x)), t2, torch.float32)
        assert repr(em2) == repr(tm2)


def test_lazy_instance_norm_unbatched_reads_dim_1_as_torch():
    with pytest.raises(ValueError) as t_err:
        torch.nn.LazyInstanceNorm1d()(torch.randn(3, 5))
    with pytest.raises(ValueError) as e_err:
        nn.LazyInstanceNorm1d()(ember.randn(3, 5))
    assert str(e_err.value) == str(t_err.value)


# ---- layer, group and RMS norm ----

FEATURE_CASES = [
    ("LayerNorm(5)", (3, 5)),
    ("LayerNorm((4, 5))", (2, 3, 4, 5)),
    ("LayerNorm([3, 4, 5], eps=1e-3)", (2, 3, 4, 5)),
    ("LayerNorm(5, elementwise_affine=False)", (2, 3, 5)),
    ("LayerNorm(5, bias=False)", (4, 5)),
    ("LayerNorm(6)", (6,)),
    ("GroupNorm(2, 4)", (3, 4, 5)),
    ("GroupNorm(1, 4)", (2, 4, 3, 3)),
    ("GroupNorm(4, 4, eps=1e-2)", (2, 4, 3, 2, 2)),
    ("GroupNorm(3, 6, affine=False)", (2, 6, 5)),
    ("GroupNorm(2, 6, bias=False)", (2, 6, 3, 3)),
    ("GroupNorm(3, 6)", (2, 6)),
    ("RMSNorm(5)", (3, 5)),
    ("RMSNorm([4, 5], eps=1e-4)", (2, 3, 4, 5)),
    ("RMSNorm(5, elementwise_affine=False)", (2, 3, 5)),
    ("RMSNorm((3, 5), eps=0.5)", (3, 5)),
    ("LocalResponseNorm(3)", (2, 5, 7)),
    ("LocalResponseNorm(2, alpha=0.5, beta=0.6, k=2.0)", (2, 6, 4, 3)),
    ("LocalResponseNorm(4, alpha=1e-2)", (2, 5, 3, 2, 2)),
    ("LocalResponseNorm(7, alpha=1.0)", (1, 3, 4)),
]


@pytest.mark.parametrize("src,shape", FEATURE_CASES, ids=[f"{c[0]}-{c[1]}" for c in FEATURE_CASES])
@pytest.mark.parametrize("layout", ["contiguous", "noncontiguous", "channels_last"])
def test_feature_norm_layer(src, shape, layout):
    if layout == "channels_last" and len(shape) not in (4, 5):
        pytest.skip("channels_last needs a 4-d or 5-d input")
    if layout == "noncontiguous" and len(shape) < 2:
        pytest.skip("no transposed view of a 1-d input")
    tm, em = _pair(src)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for _ in range(2):
        _step(tm, em, shape, layout=layout)


@pytest.mark.parametrize("src,shape", FEATURE_CASES[::2], ids=[f"{c[0]}-{c[1]}" for c in FEATURE_CASES[::2]])
def test_feature_norm_layer_float32(src, shape):
    tm, em = _pair(src, torch.float32)
    _step(tm, em, shape, dtype=torch.float32)


def test_rms_norm_default_eps_is_dtype_eps():
    # eps=None is finfo(dtype).eps: visible on rows of tiny values
    for dtype in (torch.float32, torch.float64):
        x = torch.full((2, 4), 1e-4, dtype=dtype)
        x[1] = 1e-9
        _close(F.rms_norm(_e(x), (4,)), TF.rms_norm(x, (4,)), dtype)
        _close(nn.RMSNorm(4).to(EMBER_DTYPE[dtype])(_e(x)), torch.nn.RMSNorm(4).to(dtype)(x), dtype)


def test_functional_feature_norms():
    x = torch.randn(2, 6, 3, 4, dtype=torch.float64)
    w, b = torch.randn(6, dtype=torch.float64), torch.randn(6, dtype=torch.float64)
    _close(F.group_norm(_e(x), 3, _e(w), _e(b), 1e-3), TF.group_norm(x, 3, w, b, 1e-3))
    _close(F.group_norm(_e(x), 2), TF.group_norm(x, 2))
    lw, lb = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
    _close(F.layer_norm(_e(x), (3, 4), _e(lw), _e(lb), 1e-3), TF.layer_norm(x, (3, 4), lw, lb, 1e-3))
    _close(F.layer_norm(_e(x), [4], None, _e(lb[0])), TF.layer_norm(x, [4], None, lb[0]))
    _close(F.rms_norm(_e(x), [3, 4], _e(lw), 1e-3), TF.rms_norm(x, [3, 4], lw, 1e-3))
    _close(F.local_response_norm(_e(x), 3, 1e-2, 0.5, 1.5), TF.local_response_norm(x, 3, 1e-2, 0.5, 1.5))
    assert F.local_response_norm(ember.zeros(0, 3, 4), 2).shape == (0, 3, 4)


def test_feature_norm_errors():
    with pytest.raises(ValueError) as t_err:
        torch.nn.GroupNorm(3, 4)
    with pytest.raises(ValueError) as e_err:
        nn.GroupNorm(3, 4)
    assert str(e_err.value) == str(t_err.value)
    cases = [
        (ValueError, lambda F_, r: F_.local_response_norm(r(2, 3), 2)),
        (ValueError, lambda F_, r: F_.group_norm(r(1, 2), 2)),
        (RuntimeError, lambda F_, r: F_.group_norm(r(2), 2)),
        (RuntimeError, lambda F_, r: F_.group_norm(r(2, 4, 3), 3)),
        (RuntimeError, lambda F_, r: F_.group_norm(r(2, 3, 4), 3, r(4))),
        (RuntimeError, lambda F_, r: F_.layer_norm(r(2, 3), (4,))),
        (RuntimeError, lambda F_, r: F_.layer_norm(r(2, 3), (3,), r(4))),
        (RuntimeError, lambda F_, r: F_.layer_norm(r(2, 3), ())),
        (RuntimeError, lambda F_, r: F_.rms_norm(r(2, 3), (4,))),
        (RuntimeError, lambda F_, r: F_.rms_norm(r(2, 3), (3,), r(4))),
    ]
    for kind, call in cases:
        with pytest.raises(kind) as t_err:
            call(TF, torch.randn)
        with pytest.raises(kind) as e_err:
            call(F, ember.randn)
        if kind is ValueError:
            assert str(e_err.value) == str(t_err.value)


REPRS = [
    "BatchNorm1d(3)", "BatchNorm2d(3, momentum=None, affine=False)", "BatchNorm3d(4, track_running_stats=False)",
    "BatchNorm1d(3, 1e-3, 0.5, bias=False)", "LazyBatchNorm1d()", "LazyBatchNorm3d(affine=False, bias=False)",
    "InstanceNorm1d(3)", "InstanceNorm2d(3, affine=True, track_running_stats=True)", "LazyInstanceNorm3d()",
    "InstanceNorm3d(2, 0.1, None, True, bias=False)", "LayerNorm(3)", "LayerNorm((3, 4), elementwise_affine=False)",
    "LayerNorm(3, bias=False)", "LayerNorm([2, 3], 1e-6)", "GroupNorm(2, 4)", "GroupNorm(2, 4, affine=False)",
    "GroupNorm(1, 3, 1e-3, bias=False)", "LocalResponseNorm(2)", "LocalResponseNorm(3, 0.1, 0.5, 2)", "RMSNorm(3)",
    "RMSNorm([2, 3], eps=1e-3, elementwise_affine=False)",
]


@pytest.mark.parametrize("src", REPRS)
def test_repr_and_state_keys(src):
    tm, em = eval("nn." + src, {"nn": torch.nn}), eval("nn." + src, {"nn": nn})
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [tuple(p.shape) for p in em.parameters() if not ember.nn.parameter.is_lazy(p)] == \
        [tuple(p.shape) for p in tm.parameters() if not isinstance(p, torch.nn.parameter.UninitializedParameter)]
    assert str(nn.Sequential(em)) == str(torch.nn.Sequential(tm))


def test_default_initialization():
    em = nn.LayerNorm((2, 3))
    assert em.weight.tolist() == [[1.0] * 3] * 2 and em.bias.tolist() == [[0.0] * 3] * 2
    em = nn.GroupNorm(2, 4, dtype=ember.float64)
    assert em.weight.dtype == ember.float64 and em.weight.tolist() == [1.0] * 4
    em = nn.BatchNorm1d(3, dtype=ember.float64)
    assert em.running_var.dtype == ember.float64 and em.num_batches_tracked.dtype == ember.int64
    assert nn.RMSNorm(4).weight.tolist() == [1.0] * 4


# ---- gradcheck / gradgradcheck ----


def _leaf(shape, seed, scale=1.0):
    g = np.random.default_rng(seed)
    return ember.tensor(g.standard_normal(shape) * scale).requires_grad_(True)


GRAD_CASES = [
    ("batch_norm train", lambda x, w, b: F.batch_norm(x, None, None, w, b, True, 0.1, 1e-3), (3, 2, 4), (2,)),
    ("batch_norm eval", lambda x, w, b: F.batch_norm(x, ember.tensor([0.1, -0.2], dtype=ember.float64),
                                                     ember.tensor([1.5, 0.7], dtype=ember.float64), w, b, False),
     (3, 2, 4), (2,)),
    ("instance_norm", lambda x, w, b: F.instance_norm(x, None, None, w, b, eps=1e-3), (2, 2, 5), (2,)),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b, 1e-3), (3, 2, 4), (4,)),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b, 1e-3), (2, 4, 3), (4,)),
    ("rms_norm", lambda x, w, b: F.rms_norm(x, (4,), w * b, 1e-3), (3, 2, 4), (4,)),
    ("local_response_norm", lambda x, w, b: F.local_response_norm(x * w[0] + b[0], 3, 0.5, 0.75, 1.0),
     (2, 4, 3), (1,)),
]


@pytest.mark.parametrize("name,fn,shape,pshape", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradcheck(name, fn, shape, pshape):
    x, w, b = _leaf(shape, 0), _leaf(pshape, 1), _leaf(pshape, 2)
    assert ember.autograd.gradcheck(fn, (x, w, b), eps=1e-6, atol=1e-5, rtol=1e-4)
    assert ember.autograd.gradgradcheck(fn, (x, w, b), eps=1e-6, atol=1e-5, rtol=1e-4)


def test_docstring_examples():
    import doctest

    import ember.nn._normalization
    import ember.nn.modules.batchnorm
    import ember.nn.modules.instancenorm
    import ember.nn.modules.normalization

    for mod in (ember.nn._normalization, ember.nn.modules.batchnorm, ember.nn.modules.instancenorm,
                ember.nn.modules.normalization):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
