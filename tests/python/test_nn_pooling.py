"""Pooling against torch: ember.nn's MaxPool / AvgPool / AdaptiveAvgPool / AdaptiveMaxPool / MaxUnpool /
LPPool / FractionalMaxPool layers (1-d, 2-d, 3-d), their functional forms and torch's top-level schemas
(``ember.max_pool1d``, ...).

Outputs, indices and input gradients must equal torch's (float64 to 1e-10, float32 to ~1e-5) over
kernel / stride / padding / dilation / ceil_mode / count_include_pad / divisor_override, return_indices,
odd sizes, unbatched, non-contiguous and channels_last inputs, ties and NaNs; printed forms, errors and
gradcheck / gradgradcheck too.
"""

from __future__ import annotations

import ember
import numpy as np
import pytest
from ember import nn
from ember.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _e(t):
    """An ember copy of a torch tensor (detached)."""
    return ember.tensor(np.ascontiguousarray(t.detach().numpy()))


def _close(e, t, dtype=torch.float64, equal_nan=False):
    assert tuple(e.shape) == tuple(t.shape)
    a, b = e.detach().numpy(), t.detach().numpy()
    if b.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, equal_nan=equal_nan, **TOL[dtype])


def _layout(t, layout):
    """The torch input and its ember copy in `layout`: contiguous, a non-contiguous (transposed) view, or
    channels_last (4-d and 5-d inputs)."""
    e = _e(t)
    if layout == "noncontiguous":
        e = ember.tensor(np.ascontiguousarray(np.swapaxes(t.detach().numpy(), -1, -2))).transpose(-1, -2)
        assert not e.is_contiguous() or min(t.shape[-2:]) <= 1
    elif layout == "channels_last":
        fmt = ember.channels_last if t.dim() == 4 else ember.channels_last_3d
        e = e.contiguous(memory_format=fmt)
        t = t.contiguous(memory_format=torch.channels_last if t.dim() == 4 else torch.channels_last_3d)
    return t, e


def _run(t_fn, e_fn, shape, dtype=torch.float64, layout="contiguous", data=None, equal_nan=False,
         check_format=True):
    """Runs both on the same input; compares every output (values and indices) and the input gradient
    of a random cotangent of the first output."""
    x = torch.randn(shape, dtype=dtype) if data is None else data.to(dtype)
    tx, ex = _layout(x, layout)
    tx = tx.detach().requires_grad_(True)
    ex = ex.detach().requires_grad_(True)
    t_out, e_out = t_fn(tx), e_fn(ex)
    t_outs = t_out if isinstance(t_out, tuple) else (t_out,)
    e_outs = e_out if isinstance(e_out, tuple) else (e_out,)
    assert len(t_outs) == len(e_outs)
    for a, b in zip(e_outs, t_outs):
        _close(a, b, dtype, equal_nan)
    if layout == "channels_last" and check_format:
        fmt = ember.channels_last if x.dim() == 4 else ember.channels_last_3d
        assert e_outs[0].is_contiguous(memory_format=fmt)
    cot = torch.randn(t_outs[0].shape, dtype=dtype)
    t_outs[0].backward(cot)
    e_outs[0].backward(_e(cot))
    _close(ex.grad, tx.grad, dtype, equal_nan)
    return e_out


def _modules(src):
    return eval("nn." + src, {"nn": torch.nn}), eval("nn." + src, {"nn": nn})


# ---- layers vs torch ----

# (constructor over `nn`, input shape)
POOL_CASES = [
    # max pooling
    ("MaxPool1d(3)", (2, 3, 10)),
    ("MaxPool1d(3, stride=2, padding=1)", (2, 3, 9)),
    ("MaxPool1d(2, dilation=3, ceil_mode=True)", (2, 2, 11)),
    ("MaxPool1d((4,), stride=(3,), padding=(2,), ceil_mode=True)", (1, 2, 12)),
    ("MaxPool1d(3, return_indices=True)", (3, 11)),
    ("MaxPool1d(2, stride=2, padding=1, ceil_mode=True)", (2, 3, 5)),
    ("MaxPool2d(3)", (2, 3, 7, 9)),
    ("MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1))", (2, 3, 8, 9)),
    ("MaxPool2d(3, stride=2, padding=1, ceil_mode=True, return_indices=True)", (2, 2, 8, 10)),
    ("MaxPool2d(2, stride=1)", (3, 5, 6)),
    ("MaxPool2d(3, stride=3, dilation=2, ceil_mode=True, return_indices=True)", (1, 2, 11, 13)),
    ("MaxPool3d(2)", (2, 2, 5, 6, 7)),
    ("MaxPool3d((2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), dilation=(1, 1, 2), ceil_mode=True)",
     (2, 2, 6, 7, 8)),
    ("MaxPool3d(3, stride=2, padding=1, return_indices=True)", (2, 5, 6, 7)),
    # average pooling
    ("AvgPool1d(3)", (2, 3, 10)),
    ("AvgPool1d(3, stride=2, padding=1)", (2, 3, 9)),
    ("AvgPool1d(3, stride=2, padding=1, count_include_pad=False)", (2, 3, 9)),
    ("AvgPool1d(4, stride=3, padding=2, ceil_mode=True)", (3, 12)),
    ("AvgPool1d(4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)", (2, 2, 12)),
    ("AvgPool2d(3)", (2, 3, 7, 9)),
    ("AvgPool2d((2, 3), stride=(1, 2), padding=(1, 1))", (2, 3, 8, 9)),
    ("AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)", (2, 2, 8, 10)),
    ("AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)", (2, 2, 8, 10)),
    ("AvgPool2d(3, stride=2, padding=1, divisor_override=2)", (3, 7, 6)),
    ("AvgPool3d(2)", (2, 2, 5, 6, 7)),
    ("AvgPool3d((2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), ceil_mode=True, count_include_pad=False)",
     (2, 2, 6, 7, 8)),
    ("AvgPool3d(3, stride=2, padding=1, divisor_override=5)", (2, 5, 6, 7)),
    # adaptive pooling
    ("AdaptiveAvgPool1d(4)", (2, 3, 10)),
    ("AdaptiveAvgPool1d(7)", (2, 3, 5)),
    ("AdaptiveAvgPool1d(3)", (3, 11)),
    ("AdaptiveAvgPool2d((3, 4))", (2, 3, 7, 9)),
    ("AdaptiveAvgPool2d((None, 4))", (2, 3, 7, 9)),
    ("AdaptiveAvgPool2d(1)", (3, 5, 6)),
    ("AdaptiveAvgPool2d((8, 11))", (1, 2, 5, 7)),
    ("AdaptiveAvgPool3d((2, 3, 4))", (2, 2, 5, 6, 7)),
    ("AdaptiveAvgPool3d((None, 2, None))", (2, 5, 6, 7)),
    ("AdaptiveMaxPool1d(4)", (2, 3, 10)),
    ("AdaptiveMaxPool1d(7, return_indices=True)", (2, 3, 5)),
    ("AdaptiveMaxPool2d((3, 4), return_indices=True)", (2, 3, 7, 9)),
    ("AdaptiveMaxPool2d((None, 4))", (3, 7, 9)),
    ("AdaptiveMaxPool3d((2, 3, 4), return_indices=True)", (2, 2, 5, 6, 7)),
    ("AdaptiveMaxPool3d(1)", (2, 5, 6, 7)),
    # power-average pooling (positive inputs: see test_lp_pool_signs)
    ("LPPool1d(2, 3)", (2, 3, 10)),
    ("LPPool1d(1.5, 3, stride=2, ceil_mode=True)", (2, 3, 10)),
    ("LPPool2d(2, (2, 3))", (2, 3, 7, 9)),
    ("LPPool2d(3, 2, stride=1)", (3, 5, 6)),
    ("LPPool2d(1, 3, stride=2, ceil_mode=True)", (2, 2, 8, 9)),
    ("LPPool3d(2, 2)", (2, 2, 5, 6, 7)),
    ("LPPool3d(2.5, (2, 3, 2), stride=(1, 2, 2))", (2, 5, 6, 7)),
]


@pytest.mark.parametrize("src,shape", POOL_CASES, ids=[c[0] for c in POOL_CASES])
@pytest.mark.parametrize("layout", ["contiguous", "noncontiguous", "channels_last"])
def test_pool_layer_matches_torch(src, shape, layout):
    if layout == "channels_last" and (len(shape) < 4 or (len(shape) == 4 and "3d" in src)):
        pytest.skip("channels_last needs a batched 4-d or 5-d input")
    tm, em = _modules(src)
    assert repr(em) == repr(tm)
    data = torch.rand(shape) + 0.1 if "LPPool" in src else None
    # LP pooling is composed of elementwise ops, which give contiguous outputs in ember (see the report)
    _run(tm, em, shape, layout=layout, data=data, check_format="LPPool" not in src)


@pytest.mark.parametrize("src,shape", POOL_CASES[::3], ids=[c[0] for c in POOL_CASES[::3]])
def test_pool_layer_float32(src, shape):
    tm, em = _modules(src)
    data = torch.rand(shape) + 0.1 if "LPPool" in src else None
    _run(tm, em, shape, dtype=torch.float32, data=data)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_pool_ties_and_nan(dims):
    shape = (2, 3) + (6,) * dims
    pool = ["MaxPool1d", "MaxPool2d", "MaxPool3d"][dims - 1]
    tm, em = _modules(f"{pool}(3, stride=2, padding=1, return_indices=True)")
    # ties: small integers; the first maximum in scan order wins (and takes the gradient)
    _run(tm, em, shape, data=torch.randint(0, 3, shape).double())
    # a NaN wins over every number
    x = torch.randn(shape, dtype=torch.float64)
    x[(...,) + (2,) * dims] = float("nan")
    _run(tm, em, shape, data=x, equal_nan=True)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_adaptive_max_pool_ties_and_nan(dims):
    shape = (2, 3) + (7,) * dims
    pool = ["AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"][dims - 1]
    tm, em = _modules(f"{pool}(3, return_indices=True)")
    _run(tm, em, shape, data=torch.randint(0, 3, shape).double())
    x = torch.randn(shape, dtype=torch.float64)
    x[(...,) + (3,) * dims] = float("nan")
    _run(tm, em, shape, data=x, equal_nan=True)


@pytest.mark.parametrize("fn", ["max_pool2d", "adaptive_max_pool2d"])
def test_max_pool_several_nans_index(fn):
    x = torch.tensor([[[[float("nan"), 1.0], [float("nan"), 2.0]]]], dtype=torch.float64)
    arg = 2 if fn == "max_pool2d" else 1
    _close(getattr(F, fn)(_e(x), arg, return_indices=True)[1], getattr(TF, fn)(x, arg, return_indices=True)[1])


def test_empty_batch():
    for src, shape in [("MaxPool2d(2)", (0, 3, 4, 4)), ("AvgPool1d(2)", (0, 2, 6)),
                       ("AdaptiveAvgPool2d(2)", (0, 3, 5, 5)), ("AdaptiveMaxPool3d(2)", (0, 1, 4, 4, 4))]:
        tm, em = _modules(src)
        _close(em(ember.zeros(shape, dtype=ember.float64)), tm(torch.zeros(shape, dtype=torch.float64)))


# ---- functional forms ----

MAX_F = [
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)),
    (1, (3, 9), dict(kernel_size=2, stride=None, padding=1, dilation=2, ceil_mode=False)),
    (2, (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 3), ceil_mode=True)),
    (2, (3, 7, 7), dict(kernel_size=[2, 2], stride=[], padding=0, dilation=1, ceil_mode=False)),
    (3, (1, 2, 6, 7, 5), dict(kernel_size=(2, 3, 2), stride=2, padding=1, dilation=(2, 1, 1), ceil_mode=True)),
]


@pytest.mark.parametrize("dims,shape,kw", MAX_F)
def test_functional_max_pool(dims, shape, kw):
    tf, ef = getattr(TF, f"max_pool{dims}d"), getattr(F, f"max_pool{dims}d")
    kw_t = dict(kw, stride=kw["stride"] or None)
    _run(lambda x: tf(x, **kw_t), lambda x: ef(x, **kw), shape)
    _run(lambda x: tf(x, **kw_t, return_indices=True), lambda x: ef(x, **kw, return_indices=True), shape)
    tw, ew = getattr(TF, f"max_pool{dims}d_with_indices"), getattr(F, f"max_pool{dims}d_with_indices")
    _run(lambda x: tw(x, **kw_t), lambda x: ew(x, **kw), shape)
    # positional arguments in torch's order
    args = [kw_t[k] for k in ("kernel_size", "stride", "padding", "dilation", "ceil_mode")]
    _run(lambda x: tf(x, *args, False), lambda x: ef(x, *args, False), shape)


AVG_F = [
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (1, (3, 9), dict(kernel_size=(2,), stride=None, padding=1, ceil_mode=False, count_include_pad=True)),
    (2, (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True,
                           count_include_pad=False, divisor_override=None)),
    (2, (3, 7, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True,
                        divisor_override=4)),
    (3, (1, 2, 6, 7, 5), dict(kernel_size=(2, 3, 2), stride=2, padding=1, ceil_mode=True, count_include_pad=False,
                              divisor_override=None)),
    (3, (2, 5, 6, 7), dict(kernel_size=3, stride=(1, 2, 3), padding=(1, 0, 1), ceil_mode=False,
                           count_include_pad=True, divisor_override=3)),
]


@pytest.mark.parametrize("dims,shape,kw", AVG_F)
def test_functional_avg_pool(dims, shape, kw):
    tf, ef = getattr(TF, f"avg_pool{dims}d"), getattr(F, f"avg_pool{dims}d")
    _run(lambda x: tf(x, **kw), lambda x: ef(x, **kw), shape)
    args = list(kw.values())
    _run(lambda x: tf(x, *args), lambda x: ef(x, *args), shape)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("out", [1, 3, 5, 8])
def test_functional_adaptive_pools(dims, out):
    shape = (2, 3) + (5, 7, 6)[:dims]
    size = out if dims == 1 else (out,) + (None,) * (dims - 2) + (3,)
    for name in ("avg", "max"):
        tf, ef = getattr(TF, f"adaptive_{name}_pool{dims}d"), getattr(F, f"adaptive_{name}_pool{dims}d")
        _run(lambda x: tf(x, size), lambda x: ef(x, size), shape)
        _run(lambda x: tf(x, size), lambda x: ef(x, size), shape[1:])
    tf, ef = getattr(TF, f"adaptive_max_pool{dims}d"), getattr(F, f"adaptive_max_pool{dims}d")
    _run(lambda x: tf(x, size, True), lambda x: ef(x, size, True), shape)
    tw, ew = (getattr(TF, f"adaptive_max_pool{dims}d_with_indices"),
              getattr(F, f"adaptive_max_pool{dims}d_with_indices"))
    _run(lambda x: tw(x, size), lambda x: ew(x, size), shape)


def test_functional_float32_and_channels_last_functional():
    for fn in ("max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"):
        arg = 3 if "adaptive" not in fn else (2, 3)
        tf, ef = getattr(TF, fn), getattr(F, fn)
        _run(lambda x: tf(x, arg), lambda x: ef(x, arg), (2, 3, 8, 9), dtype=torch.float32, layout="channels_last")
    for fn in ("max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d"):
        tf, ef = getattr(TF, fn), getattr(F, fn)
        _run(lambda x: tf(x, 2), lambda x: ef(x, 2), (2, 3, 5, 6, 4), dtype=torch.float32, layout="channels_last")


def test_pool_16bit_dtypes():
    x = torch.randn(2, 3, 8, 8)
    for tdt, edt in ((torch.float16, ember.float16), (torch.bfloat16, ember.bfloat16)):
        for tf, ef in ((lambda a: TF.max_pool2d(a, 2), lambda a: F.max_pool2d(a, 2)),
                       (lambda a: TF.avg_pool2d(a, 3, 2, 1), lambda a: F.avg_pool2d(a, 3, 2, 1)),
                       (lambda a: TF.adaptive_avg_pool2d(a, 3), lambda a: F.adaptive_avg_pool2d(a, 3))):
            t = tf(x.to(tdt))
            e = ef(_e(x).to(edt))
            assert e.dtype == edt
            np.testing.assert_allclose(e.float().numpy(), t.float().numpy(), rtol=1e-2, atol=1e-2)


# ---- unpooling ----

# windows that do not overlap (an index appears at most once; see test_max_unpool_duplicate_indices)
UNPOOL = [
    (1, (2, 3, 10), dict(kernel_size=2), {}),
    (1, (2, 3, 11), dict(kernel_size=3, stride=3, padding=1), dict(output_size=[11])),
    (1, (3, 11), dict(kernel_size=2, stride=3), dict(output_size=[11])),
    (2, (2, 3, 8, 8), dict(kernel_size=2), {}),
    (2, (2, 3, 8, 9), dict(kernel_size=2), dict(output_size=(8, 9))),
    (2, (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(3, 2), padding=(1, 0)), dict(output_size=(9, 8))),
    (2, (2, 3, 9, 9), dict(kernel_size=2, stride=3), dict(output_size=(2, 3, 9, 9))),
    (2, (3, 9, 10), dict(kernel_size=3, stride=3), dict(output_size=[9, 10])),
    (3, (2, 2, 6, 6, 4), dict(kernel_size=2), {}),
    (3, (2, 6, 7, 8), dict(kernel_size=(2, 3, 2), stride=(2, 3, 2), padding=(1, 1, 0)), dict(output_size=(6, 7, 8))),
]


@pytest.mark.parametrize("dims,shape,kw,extra", UNPOOL)
def test_max_unpool(dims, shape, kw, extra):
    x = torch.randn(shape, dtype=torch.float64)
    pool_kw = dict(kw)
    tv, ti = getattr(TF, f"max_pool{dims}d")(x, **pool_kw, return_indices=True)
    ev, ei = getattr(F, f"max_pool{dims}d")(_e(x), **pool_kw, return_indices=True)
    _close(ei, ti)
    tf, ef = getattr(TF, f"max_unpool{dims}d"), getattr(F, f"max_unpool{dims}d")
    _run(lambda v: tf(v, ti, **kw, **extra), lambda v: ef(v, ei, **kw, **extra), tv.shape, data=tv.detach())
    # the module, with output_size in forward
    cls = f"MaxUnpool{dims}d"
    args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
    tm, em = _modules(f"{cls}({args})")
    assert repr(em) == repr(tm)
    _close(em(ev, ei, **extra), tm(tv, ti, **extra))


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_unpool_duplicate_indices(dims):
    shape = (2, 3) + (7, 6, 5)[:dims]
    x = torch.randn(shape, dtype=torch.float64)
    tv, ti = getattr(TF, f"max_pool{dims}d")(x, 3, 1, return_indices=True)
    ev, ei = getattr(F, f"max_pool{dims}d")(_e(x), 3, 1, return_indices=True)
    t = getattr(TF, f"max_unpool{dims}d")(tv, ti, 3, 1)
    _close(getattr(F, f"max_unpool{dims}d")(ev, ei, 3, 1), t)


def test_max_unpool_invalid_index_error_type():
    v, i = ember.ones(1, 1, 2), ember.tensor([[[0, 9]]])
    with pytest.raises(RuntimeError):
        F.max_unpool1d(v, i, 2)


def test_max_pool_window_all_padding_backward():
    x = ember.randn(1, 2, dtype=ember.float64, requires_grad=True)
    v, _ = F.max_pool1d(x, 2, 2, 1, 3, False, return_indices=True)
    assert v.tolist() == [[float("-inf")]]
    v.backward(ember.ones_like(v))
    assert x.grad.tolist() == [[0.0, 0.0]]


def test_avg_pool3d_input_smaller_than_kernel():
    x = torch.randn(1, 9, 2, 8)
    with pytest.raises(RuntimeError):
        TF.avg_pool3d(x, (1, 4, 3), (2, 3, 4), (0, 2, 0))
    with pytest.raises(RuntimeError):
        F.avg_pool3d(_e(x), (1, 4, 3), (2, 3, 4), (0, 2, 0))


def test_max_unpool_bad_output_size():
    x = torch.randn(2, 3, 5, 5)
    tv, ti = TF.max_pool2d(x, 2, return_indices=True)
    ev, ei = F.max_pool2d(_e(x), 2, return_indices=True)
    for size in [(5,), (5, 5, 5), (2, 2), (6, 6), (1, 2, 3, 4, 5, 6, 7)]:
        with pytest.raises(ValueError) as t_err:
            TF.max_unpool2d(tv, ti, 2, output_size=size)
        with pytest.raises(ValueError) as e_err:
            F.max_unpool2d(ev, ei, 2, output_size=size)
        assert str(e_err.value) == str(t_err.value)
    # within a stride of the default: the size is taken, and an index outside it raises
    with pytest.raises(RuntimeError):
        TF.max_unpool2d(tv, ti, 2, output_size=(3, 3))
    with pytest.raises((RuntimeError, IndexError)):
        F.max_unpool2d(ev, ei, 2, output_size=(3, 3))
    _close(F.max_unpool2d(ev, ei, 2, output_size=(4, 5)), TF.max_unpool2d(tv, ti, 2, output_size=(4, 5)))


# ---- power-average pooling ----


@pytest.mark.parametrize("p", [1, 2, 3, 2.0])
def test_lp_pool_signs(p):
    # negative inputs with an integer p: odd powers keep their sign before the root (NaN for a negative
    # window sum), as torch
    for dims, fn in ((1, "lp_pool1d"), (2, "lp_pool2d"), (3, "lp_pool3d")):
        s = (2, 3) + (8, 9, 6)[:dims]
        x = torch.randn(s, dtype=torch.float64)
        tf, ef = getattr(TF, fn), getattr(F, fn)
        t = tf(x, p, 2)
        e = ef(_e(x), p, 2)
        _close(e, t, equal_nan=True)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_functional_lp_pool(dims):
    shape = (2, 3) + (8, 9, 6)[:dims]
    tf, ef = getattr(TF, f"lp_pool{dims}d"), getattr(F, f"lp_pool{dims}d")
    data = torch.rand(shape) + 0.1
    k = 3 if dims == 1 else (2, 3) + (2,) * (dims - 2)
    _run(lambda x: tf(x, 2.0, k), lambda x: ef(x, 2.0, k), shape, data=data)
    _run(lambda x: tf(x, 3, k, 2, True), lambda x: ef(x, 3, k, 2, True), shape, data=data)
    _run(lambda x: tf(x, 1.5, k, stride=1), lambda x: ef(x, 1.5, k, stride=1), shape, data=data)


# ---- fractional max pooling ----

FRACTIONAL = [
    (2, (2, 3, 10, 10), dict(kernel_size=2, output_size=(4, 6))),
    (2, (2, 3, 11, 9), dict(kernel_size=(3, 2), output_size=5)),
    (2, (2, 3, 11, 9), dict(kernel_size=2, output_ratio=(0.5, 0.7))),
    (2, (3, 9, 12), dict(kernel_size=3, output_size=(4, 1))),
    (2, (1, 2, 7, 7), dict(kernel_size=2, output_size=(6, 6))),
    (3, (2, 2, 8, 9, 10), dict(kernel_size=2, output_size=(4, 5, 6))),
    (3, (2, 7, 8, 9), dict(kernel_size=(2, 3, 2), output_ratio=(0.5, 0.5, 0.6))),
]


@pytest.mark.parametrize("dims,shape,kw", FRACTIONAL)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_fractional_max_pool(dims, shape, kw, dtype):
    batch = shape[0] if len(shape) == dims + 2 else 1
    channels = shape[-dims - 1]
    samples = torch.rand(batch, channels, dims, dtype=dtype)
    tf, ef = getattr(TF, f"fractional_max_pool{dims}d"), getattr(F, f"fractional_max_pool{dims}d")
    _run(lambda x: tf(x, **kw, return_indices=True, _random_samples=samples),
         lambda x: ef(x, **kw, return_indices=True, _random_samples=_e(samples)), shape, dtype=dtype)
    _run(lambda x: tf(x, **kw, _random_samples=samples), lambda x: ef(x, **kw, _random_samples=_e(samples)),
         shape, dtype=dtype, layout="noncontiguous")


def test_fractional_max_pool_module_and_random_samples():
    x = torch.randn(2, 3, 10, 10, dtype=torch.float64)
    samples = torch.rand(2, 3, 2, dtype=torch.float64)
    tm = torch.nn.FractionalMaxPool2d(3, output_size=4, return_indices=True, _random_samples=samples)
    em = nn.FractionalMaxPool2d(3, output_size=4, return_indices=True, _random_samples=_e(samples))
    assert repr(em) == repr(tm) and list(em.state_dict()) == list(tm.state_dict())
    for a, b in zip(em(_e(x)), tm(x)):
        _close(a, b)
    # drawn samples: the output still has the requested shape and holds window maxima
    em = nn.FractionalMaxPool3d(2, output_ratio=0.5)
    y = em(ember.randn(2, 3, 8, 8, 8))
    assert tuple(y.shape) == (2, 3, 4, 4, 4)
    v, i = F.fractional_max_pool2d(ember.randn(3, 9, 9), 2, output_size=4, return_indices=True)
    assert tuple(v.shape) == (3, 4, 4) and i.dtype == ember.int64


def test_fractional_max_pool_errors():
    x = torch.randn(2, 3, 10, 10)
    cases = [
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_ratio=(0.5, 0.7, 0.2)),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 4, output_size=8),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, (2, 4), output_size=8),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, (2, 2, 2), output_size=3),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_size=(3, 3, 3)),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_size=3, _random_samples=r(2, 3, 3)),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_size=3, _random_samples=r(1, 3, 2)),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_size=3, _random_samples=r(2, 4, 2)),
        lambda F_, x_, r: F_.fractional_max_pool2d(x_, 2, output_size=3, _random_samples=r(2, 3)),
        lambda F_, x_, r: F_.fractional_max_pool3d(x_.unsqueeze(2).expand(2, 3, 10, 10, 10), 2,
                                                   output_size=(10, 3, 3)),
        lambda F_, x_, r: F_.fractional_max_pool3d(x_.unsqueeze(2).expand(2, 3, 10, 10, 10), 2,
                                                   output_size=(3, 10, 3)),
    ]
    for case in cases:
        with pytest.raises(Exception) as t_err:
            case(TF, x, lambda *s: torch.rand(s))
        with pytest.raises(type(t_err.value)) as e_err:
            case(F, _e(x), lambda *s: ember.rand(s))
        assert str(e_err.value) == str(t_err.value)
    for args, kwargs in [((2,), {}), ((2,), dict(output_size=3, output_ratio=0.5)), ((2,), dict(output_ratio=1.5)),
                         ((2,), dict(output_ratio=(0.5, 0))), ((2,), dict(output_ratio=0))]:
        with pytest.raises(ValueError) as t_err:
            torch.nn.FractionalMaxPool2d(*args, **kwargs)
        with pytest.raises(ValueError) as e_err:
            nn.FractionalMaxPool2d(*args, **kwargs)
        assert str(e_err.value) == str(t_err.value)


# ---- printed forms and state ----

REPRS = [
    "MaxPool1d(3)", "MaxPool2d((2, 3), 1, return_indices=True)", "MaxPool3d(2, ceil_mode=True)",
    "MaxPool2d(kernel_size=[2, 2], stride=[1, 2], padding=[0, 1], dilation=[1, 2])",
    "AvgPool1d(3)", "AvgPool1d((3,), 2, 1)", "AvgPool2d(3)",
    "AvgPool2d(3, divisor_override=2, count_include_pad=False)",
    "AvgPool3d((1, 2, 3), None, 1, True)", "AdaptiveAvgPool1d(3)", "AdaptiveAvgPool2d((None, 3))",
    "AdaptiveAvgPool3d(2)", "AdaptiveMaxPool1d(2, True)", "AdaptiveMaxPool2d(3, True)",
    "AdaptiveMaxPool3d((1, 2, 3))", "MaxUnpool1d(2)", "MaxUnpool2d(2, padding=1)", "MaxUnpool3d((1, 2, 3), 2)",
    "LPPool1d(2, 3)", "LPPool2d(1.5, (2, 3), 1, True)", "LPPool3d(2, 2)", "FractionalMaxPool2d(2, output_size=3)",
    "FractionalMaxPool3d(2, output_ratio=0.5)",
]


@pytest.mark.parametrize("src", REPRS)
def test_repr_and_state(src):
    tm, em = _modules(src)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert list(em.parameters()) == [] and str(nn.Sequential(em)) == str(torch.nn.Sequential(tm))


# ---- torch's top-level schemas ----


def test_top_level_functions():
    x = torch.randn(2, 3, 10, dtype=torch.float64)
    x4 = torch.randn(2, 3, 7, 8, dtype=torch.float64)
    x5 = torch.randn(2, 2, 4, 5, 6, dtype=torch.float64)
    _run(lambda a: torch.max_pool1d(a, 3, 2, 1, 1, True), lambda a: ember.max_pool1d(a, 3, 2, 1, 1, True), x.shape,
         data=x)
    _run(lambda a: torch.max_pool1d(a, 3), lambda a: ember.max_pool1d(a, 3), x.shape, data=x)
    _run(lambda a: torch.max_pool2d(a, 2, [], 1), lambda a: ember.max_pool2d(a, 2, [], 1), x4.shape, data=x4)
    _run(lambda a: torch.max_pool3d(a, 2, 1), lambda a: ember.max_pool3d(a, 2, 1), x5.shape, data=x5)
    _run(lambda a: torch.max_pool1d_with_indices(a, 3, 2), lambda a: ember.max_pool1d_with_indices(a, 3, 2),
         x.shape, data=x)
    _run(lambda a: torch.avg_pool1d(a, 3, 2, 1, True, False), lambda a: ember.avg_pool1d(a, 3, 2, 1, True, False),
         x.shape, data=x)
    _run(lambda a: torch.adaptive_avg_pool1d(a, 4), lambda a: ember.adaptive_avg_pool1d(a, 4), x.shape, data=x)
    _run(lambda a: torch.adaptive_max_pool1d(a, 4), lambda a: ember.adaptive_max_pool1d(a, 4), x.shape, data=x)
    assert isinstance(ember.adaptive_max_pool1d(_e(x), 4), tuple)
    with pytest.raises(TypeError):
        torch.max_pool1d(x, 2, return_indices=True)
    with pytest.raises(TypeError):
        ember.max_pool1d(_e(x), 2, return_indices=True)
    for name in ("max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
                 "adaptive_avg_pool1d", "adaptive_max_pool1d"):
        assert hasattr(torch, name) and hasattr(ember, name)
    for name in ("avg_pool2d", "max_unpool1d", "lp_pool1d", "adaptive_max_pool2d"):
        assert hasattr(torch, name) == hasattr(ember, name)


def test_functional_namespace():
    for name in ("max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
                 "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
                 "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
                 "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
                 "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d",
                 "lp_pool2d", "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
                 "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"):
        assert hasattr(TF, name) and callable(getattr(F, name)), name


# ---- errors ----

ERRORS = [
    lambda F_, x: F_.max_pool2d(x, 3, padding=2),
    lambda F_, x: F_.max_pool2d(x, (3, 3, 3)),
    lambda F_, x: F_.max_pool2d(x, 3, 0),
    lambda F_, x: F_.max_pool2d(x, 3, dilation=0),
    lambda F_, x: F_.max_pool2d(x, 30),
    lambda F_, x: F_.max_pool2d(x, 0),
    lambda F_, x: F_.max_pool2d(x[0, 0], 2),
    lambda F_, x: F_.max_pool1d(x, 2),
    lambda F_, x: F_.max_pool1d(x[0], 30),
    lambda F_, x: F_.max_pool3d(x[0], 2),
    lambda F_, x: F_.max_pool3d(x.unsqueeze(0), 2, padding=-1),
    lambda F_, x: F_.max_pool2d(x, 2.0),
    lambda F_, x: F_.avg_pool2d(x, 3, padding=2),
    lambda F_, x: F_.avg_pool2d(x, 30),
    lambda F_, x: F_.avg_pool2d(x, 3, divisor_override=0),
    lambda F_, x: F_.avg_pool2d(x, (2, 2, 2)),
    lambda F_, x: F_.avg_pool1d(x, 2),
    lambda F_, x: F_.avg_pool3d(x[0], 2),
    lambda F_, x: F_.avg_pool2d(x, 2.5),
    lambda F_, x: F_.adaptive_avg_pool2d(x, -1),
    lambda F_, x: F_.adaptive_avg_pool2d(x, (1, 2, 3)),
    lambda F_, x: F_.adaptive_avg_pool1d(x, 2),
    lambda F_, x: F_.adaptive_avg_pool2d(x[0, 0], 2),
    lambda F_, x: F_.adaptive_max_pool2d(x, (1, 2, 3)),
    lambda F_, x: F_.adaptive_max_pool3d(x[0], 2),
    lambda F_, x: F_.max_unpool2d(x, x, 2),
    lambda F_, x: F_.max_unpool2d(x, x[:, :, :, :3].long(), 2),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch_types(case):
    x = torch.randn(2, 3, 7, 9)
    with pytest.raises(Exception) as t_err:
        ERRORS[case](TF, x)
    with pytest.raises(type(t_err.value)):
        ERRORS[case](F, _e(x))


def test_layer_input_dim_errors():
    for src, shape in [("MaxPool2d(2)", (4, 4)), ("AvgPool3d(2)", (2, 4, 4)), ("AdaptiveAvgPool1d(2)", (1, 1, 2, 2)),
                       ("AdaptiveMaxPool2d(2)", (4,)), ("LPPool2d(2, 2)", (2, 4, 4, 4, 4))]:
        tm, em = _modules(src)
        with pytest.raises(RuntimeError):
            tm(torch.randn(shape))
        with pytest.raises(RuntimeError):
            em(ember.randn(shape))


# ---- gradcheck / gradgradcheck ----

GRAD_FNS = [
    lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True),
    lambda x: F.max_pool2d(x, (2, 3), 1, (1, 1), dilation=(1, 2)),
    lambda x: F.max_pool3d(x.reshape(1, 2, 3, 2, 3), 2, 1, ceil_mode=True),
    lambda x: F.avg_pool1d(x, 3, 2, 1, count_include_pad=False),
    lambda x: F.avg_pool2d(x, 2, 1, 1, ceil_mode=True, divisor_override=3),
    lambda x: F.avg_pool3d(x.reshape(1, 2, 3, 2, 3), 2, 1, 1, count_include_pad=False),
    lambda x: F.adaptive_avg_pool1d(x, 4),
    lambda x: F.adaptive_avg_pool2d(x, (2, 4)),
    lambda x: F.adaptive_avg_pool3d(x.reshape(1, 2, 3, 2, 3), (2, 1, 2)),
    lambda x: F.adaptive_max_pool1d(x, 4),
    lambda x: F.adaptive_max_pool2d(x, (2, 4)),
    lambda x: F.adaptive_max_pool3d(x.reshape(1, 2, 3, 2, 3), (2, 1, 2)),
    lambda x: F.lp_pool2d(x + 0.5, 2, 2, 1),
    lambda x: F.max_unpool1d(*F.max_pool1d(x, 2, return_indices=True), 2),
]


@pytest.mark.parametrize("case", range(len(GRAD_FNS)))
def test_gradcheck(case):
    # distinct values a few eps apart would make max pooling non-differentiable: use a permutation
    g = np.random.default_rng(case)
    data = g.permutation(36).reshape(1, 2, 3, 6).astype(np.float64) / 7.0
    x = ember.tensor(data if case not in (0, 3, 6, 9, 13) else data.reshape(2, 3, 6)).requires_grad_(True)
    fn = GRAD_FNS[case]
    assert ember.autograd.gradcheck(fn, (x,), eps=1e-6, atol=1e-5, rtol=1e-4)
    assert ember.autograd.gradgradcheck(fn, (x,), eps=1e-6, atol=1e-5, rtol=1e-4)


def test_docstring_examples():
    import doctest

    import ember.nn._pooling
    import ember.nn.modules.pooling

    for mod in (ember.nn._pooling, ember.nn.modules.pooling):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
