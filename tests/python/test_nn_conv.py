"""Convolutions against torch: ember.nn.Conv*/ConvTranspose* (and their lazy forms) and the functional
conv1d/2d/3d, conv_transpose1d/2d/3d, conv_tbc.

With torch's weights copied in, outputs and the gradients of input, weight and bias must equal torch's
(float64 to 1e-10, float32 to ~1e-4) over many configurations: 1-d/2-d/3-d, stride, padding (ints, tuples,
'same', 'valid'), dilation, groups (depthwise too), bias on/off, every padding_mode, output_padding and
output_size, odd sizes, unbatched, non-contiguous and channels_last inputs, empty batches. Printed forms,
default initialisation, errors, gradcheck/gradgradcheck, the meta device and the batch-norm fusion
utilities too.
"""

from __future__ import annotations

import copy
import math
import pickle
import subprocess
import sys
import warnings
import zlib

import ember
import numpy as np
import pytest
from ember import nn
from ember.nn import functional as F

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="compares with torch")

# torch and ember both warn (once) about the zero-padded copy that 'same' needs for even kernels
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning")


def _e(t):
    """An ember copy of a torch tensor (detached)."""
    return ember.tensor(t.detach().numpy())


def _close(actual, expected, rtol, atol):
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    a = actual.detach().numpy() if hasattr(actual, "detach") else np.asarray(actual)
    b = expected.detach().numpy()
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# (constructor source over `nn`, input shape, forward kwargs)
MODULE_CASES = [
    # 1-d
    ("Conv1d(4, 6, 3)", (2, 4, 9), {}),
    ("Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)", (3, 4, 11), {}),
    ("Conv1d(4, 4, 4, padding='same')", (2, 4, 7), {}),
    ("Conv1d(4, 4, 4, padding='same', dilation=3)", (2, 4, 13), {}),
    ("Conv1d(4, 5, 3, padding='valid', padding_mode='reflect')", (2, 4, 6), {}),
    ("Conv1d(3, 6, 3, padding=2, padding_mode='circular')", (2, 3, 7), {}),
    ("Conv1d(3, 6, 3, padding=1, padding_mode='replicate')", (3, 5), {}),
    ("Conv1d(3, 6, 2, padding=1, padding_mode='reflect', stride=3)", (2, 3, 8), {}),
    ("Conv1d(3, 2, 1)", (1, 3, 1), {}),
    # 2-d
    ("Conv2d(3, 8, 3, stride=2, padding=1, bias=False)", (2, 3, 9, 7), {}),
    ("Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)", (2, 4, 8, 9), {}),
    ("Conv2d(6, 6, 3, groups=6, padding=1)", (2, 6, 7, 5), {}),
    ("Conv2d(4, 12, 3, groups=4)", (3, 4, 6, 6), {}),
    ("Conv2d(3, 4, (2, 4), padding='same')", (2, 3, 7, 6), {}),
    ("Conv2d(3, 4, 4, padding='same', dilation=2)", (2, 3, 9, 8), {}),
    ("Conv2d(3, 4, (3, 2), padding='same', dilation=(1, 3), groups=1, bias=False)", (3, 9, 8), {}),
    ("Conv2d(3, 4, 3, padding='same', padding_mode='reflect')", (2, 3, 6, 5), {}),
    ("Conv2d(3, 4, (2, 3), padding='same', padding_mode='circular')", (2, 3, 6, 5), {}),
    ("Conv2d(3, 4, 3, padding=(1, 2), padding_mode='reflect')", (2, 3, 5, 6), {}),
    ("Conv2d(3, 4, 3, padding=1, padding_mode='replicate')", (3, 6, 6), {}),
    ("Conv2d(3, 4, 3, padding=(2, 1), padding_mode='circular', stride=2, groups=1)", (2, 3, 5, 7), {}),
    ("Conv2d(2, 4, 3, padding=1, padding_mode='zeros', stride=(1, 2), dilation=2, groups=2)", (1, 2, 9, 9), {}),
    ("Conv2d(3, 4, 1)", (2, 3, 4, 5), {}),
    ("Conv2d(3, 4, 5, stride=3)", (1, 3, 5, 5), {}),
    ("Conv2d(3, 4, 3, padding='valid')", (3, 6, 7), {}),
    # 3-d
    ("Conv3d(2, 4, 3)", (2, 2, 5, 6, 4), {}),
    ("Conv3d(2, 4, (1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 1), dilation=(2, 1, 1), groups=2, bias=False)",
     (2, 2, 5, 6, 7), {}),
    ("Conv3d(2, 4, 2, padding='same')", (2, 2, 4, 5, 3), {}),
    ("Conv3d(2, 2, 3, padding=1, padding_mode='circular')", (1, 2, 4, 4, 5), {}),
    ("Conv3d(2, 3, 3, padding=1, padding_mode='reflect')", (2, 4, 5, 4), {}),
    ("Conv3d(2, 3, (3, 1, 2), padding=(1, 0, 1), padding_mode='replicate', stride=2)", (2, 2, 5, 4, 5), {}),
    # transposed
    ("ConvTranspose1d(4, 6, 3)", (2, 4, 7), {}),
    ("ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2, bias=False)",
     (3, 4, 5), {}),
    ("ConvTranspose1d(3, 4, 3, stride=3)", (2, 3, 4), {"output_size": [2, 4, 13]}),
    ("ConvTranspose1d(3, 4, 2, stride=2)", (3, 5), {"output_size": [11]}),
    ("ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)", (2, 3, 5, 4), {}),
    (("ConvTranspose2d(4, 6, (2, 3), stride=(2, 3), padding=(0, 1), output_padding=(1, 2), groups=2, "
      "dilation=(2, 1))"), (2, 4, 4, 5), {}),
    ("ConvTranspose2d(4, 4, 3, groups=4)", (2, 4, 5, 5), {}),
    ("ConvTranspose2d(3, 4, 3, stride=2)", (3, 4, 5), {}),
    ("ConvTranspose2d(3, 4, 3, stride=2, padding=1)", (2, 3, 5, 5), {"output_size": (10, 9)}),
    ("ConvTranspose2d(3, 4, 3, stride=(3, 2), dilation=2, bias=False)", (3, 4, 3), {"output_size": (4, 15, 10)}),
    ("ConvTranspose2d(3, 4, 1)", (2, 3, 3, 4), {}),
    ("ConvTranspose3d(2, 4, 3, stride=2, padding=1, output_padding=1)", (2, 2, 3, 4, 3), {}),
    ("ConvTranspose3d(4, 2, (2, 1, 3), stride=(1, 2, 2), groups=2, dilation=(1, 1, 2), bias=False)",
     (2, 4, 3, 3, 4), {}),
    ("ConvTranspose3d(2, 2, 2, stride=2)", (2, 3, 3, 3), {"output_size": (2, 7, 6, 7)}),
]

LAYOUTS = ["contiguous", "noncontiguous", "channels_last", "empty_batch"]


def _make_input(shape, layout, dtype_t, dtype_e):
    """(torch leaf, torch input, ember leaf, ember input) with the same values; the gradient goes to the leaf."""
    rng = np.random.default_rng(zlib.crc32(repr((shape, layout)).encode()))
    if layout == "empty_batch":
        shape = (0, *shape[1:])
    if layout == "noncontiguous":
        big = rng.standard_normal((*shape[:-1], 2 * shape[-1]))
        lt = torch.tensor(big, dtype=dtype_t, requires_grad=True)
        le = ember.tensor(big, dtype=dtype_e, requires_grad=True)
        return lt, lt[..., ::2], le, le[..., ::2]
    arr = rng.standard_normal(shape)
    if layout == "channels_last":
        fmt_t = torch.channels_last if len(shape) == 4 else torch.channels_last_3d
        fmt_e = ember.channels_last if len(shape) == 4 else ember.channels_last_3d
        lt = torch.tensor(arr, dtype=dtype_t).contiguous(memory_format=fmt_t).requires_grad_()
        le = ember.tensor(arr, dtype=dtype_e).contiguous(memory_format=fmt_e).requires_grad_()
        assert le.is_contiguous(memory_format=fmt_e) and not le.is_contiguous()
        return lt, lt, le, le
    lt = torch.tensor(arr, dtype=dtype_t, requires_grad=True)
    le = ember.tensor(arr, dtype=dtype_e, requires_grad=True)
    return lt, lt, le, le


def _layers(ctor, dtype_t, dtype_e):
    torch.manual_seed(0)
    mt = eval("tnn." + ctor, {"tnn": torch.nn}).to(dtype_t)
    me = eval("enn." + ctor, {"enn": nn})
    me.to(dtype_e)
    me.load_state_dict({k: _e(v).to(dtype_e) for k, v in mt.state_dict().items()})
    return mt, me


def _check_module(ctor, shape, kwargs, layout, dtype_t, dtype_e, rtol, atol):
    mt, me = _layers(ctor, dtype_t, dtype_e)
    lt, xt, le, xe = _make_input(shape, layout, dtype_t, dtype_e)
    yt = mt(xt, **kwargs)
    ye = me(xe, **kwargs)
    assert tuple(ye.shape) == tuple(yt.shape)
    assert ye.dtype == dtype_e
    _close(ye, yt, rtol, atol)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g, dtype=dtype_t))
    ye.backward(ember.tensor(g, dtype=dtype_e))
    _close(le.grad, lt.grad, rtol, atol)
    _close(me.weight.grad, mt.weight.grad, rtol, atol)
    _close(me.bias.grad if me.bias is not None else None, mt.bias.grad if mt.bias is not None else None, rtol, atol)


def _layout_cases():
    for ctor, shape, kwargs in MODULE_CASES:
        for layout in LAYOUTS:
            if layout == "channels_last" and len(shape) < 4:
                continue
            if layout == "channels_last" and len(shape) == 4 and "3d" in ctor:
                continue  # an unbatched 3-d input: 4-d, but not an image batch
            if layout == "empty_batch" and (len(shape) == int(ctor.split("d(")[0][-1]) + 1 or "output_size" in kwargs):
                continue  # unbatched inputs have no batch to empty (output_size names the batch too)
            yield pytest.param(ctor, shape, kwargs, layout, id=f"{ctor}-{layout}")


@needs_torch
@pytest.mark.parametrize("ctor,shape,kwargs,layout", list(_layout_cases()))
def test_module_matches_torch_float64(ctor, shape, kwargs, layout):
    _check_module(ctor, shape, kwargs, layout, torch.float64, ember.float64, 1e-10, 1e-12)


FLOAT32_CASES = [
    ("Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)", (3, 4, 11), {}),
    ("Conv2d(3, 8, 3, stride=2, padding=1, bias=False)", (2, 3, 9, 7), {}),
    ("Conv2d(6, 6, 3, groups=6, padding='same', padding_mode='reflect')", (2, 6, 7, 5), {}),
    ("Conv2d(16, 32, 3, padding=1)", (4, 16, 12, 12), {}),
    ("Conv3d(2, 4, (1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 1), dilation=(2, 1, 1), groups=2)", (2, 2, 5, 6, 7), {}),
    ("ConvTranspose2d(4, 6, (2, 3), stride=(2, 3), padding=(0, 1), output_padding=(1, 2), groups=2)", (2, 4, 4, 5), {}),
    ("ConvTranspose3d(2, 4, 3, stride=2, padding=1)", (2, 2, 3, 4, 3), {"output_size": (6, 8, 6)}),
]


@needs_torch
@pytest.mark.parametrize("layout", ["contiguous", "channels_last", "noncontiguous"])
@pytest.mark.parametrize("ctor,shape,kwargs", FLOAT32_CASES, ids=[c[0] for c in FLOAT32_CASES])
def test_module_matches_torch_float32(ctor, shape, kwargs, layout):
    if layout == "channels_last" and len(shape) < 4:
        pytest.skip("no channels_last for 3-d inputs")
    _check_module(ctor, shape, kwargs, layout, torch.float32, ember.float32, 1e-4, 1e-4)


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_computes_in_float32(dtype):
    mt, me = _layers("Conv2d(3, 4, 3, padding=1)", torch.float32, ember.float32)
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 5)).astype(np.float32)
    xe = ember.tensor(x).to(getattr(ember, dtype))
    me.to(getattr(ember, dtype))
    ye = me(xe)
    assert ye.dtype == getattr(ember, dtype)
    yt = mt.to(getattr(torch, dtype))(torch.tensor(x).to(getattr(torch, dtype)))
    np.testing.assert_allclose(ye.float().detach().numpy(), yt.float().detach().numpy(), rtol=2e-2, atol=2e-2)


# ---- printed form, parameters and initialisation ----

REPRS = [
    "Conv1d(4, 6, 3)",
    "Conv1d(4, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode='circular')",
    "Conv2d(3, 8, 3, stride=2, padding=1, bias=False)",
    "Conv2d(3, 8, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))",
    "Conv2d(4, 4, 3, padding='same', padding_mode='reflect', dilation=(1, 2))",
    "Conv2d(4, 4, 3, padding='valid')",
    "Conv2d(4, 4, [3, 2], padding=[1, 0])",
    "Conv2d(4, 4, 3, padding=(0, 0), dilation=(1, 1), groups=1, padding_mode='replicate')",
    "Conv3d(4, 8, 3, groups=4, bias=False)",
    "ConvTranspose1d(4, 6, 3, stride=2, output_padding=1)",
    "ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, dilation=2, groups=2, bias=False)",
    "ConvTranspose3d(4, 4, 3, stride=2, padding=1, output_padding=1, dilation=2, groups=2, bias=False)",
    "LazyConv2d(4, 3)",
    "LazyConv1d(4, 3, stride=2, padding=1, bias=False)",
    "LazyConvTranspose2d(4, 3, groups=2)",
    "LazyConvTranspose3d(4, 3, output_padding=0, dilation=2)",
]


@needs_torch
@pytest.mark.parametrize("ctor", REPRS)
def test_repr_matches_torch(ctor):
    mt = eval("tnn." + ctor, {"tnn": torch.nn})
    me = eval("enn." + ctor, {"enn": nn})
    assert repr(me) == repr(mt)
    if not ctor.startswith("Lazy"):
        assert {k: tuple(v.shape) for k, v in me.named_parameters()} == {
            k: tuple(v.shape) for k, v in mt.named_parameters()}
        for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "transposed",
                     "output_padding", "groups", "padding_mode", "_reversed_padding_repeated_twice"):
            assert getattr(me, attr) == getattr(mt, attr), attr


def test_repr_example():
    assert repr(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)) == (
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)")


@pytest.mark.parametrize("ctor,fan_in", [
    ("Conv2d(64, 32, 3)", 64 * 9),
    ("Conv1d(40, 30, 5, groups=2)", 20 * 5),
    ("Conv3d(8, 16, (2, 3, 4))", 8 * 24),
    ("ConvTranspose2d(32, 64, 3, groups=2)", 32 * 9),
    ("ConvTranspose1d(30, 40, 3)", 40 * 3),
])
def test_default_initialisation_follows_torch(ctor, fan_in):
    ember.manual_seed(0)
    m = eval("nn." + ctor, {"nn": nn})
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)): gain sqrt(1/3) * sqrt(3 / fan_in)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    b = m.bias.detach().numpy()
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.3 * bound
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert m.weight.dtype == ember.float32
    m64 = eval("nn." + ctor[:-1] + ", dtype=ember.float64, bias=False)", {"nn": nn, "ember": ember})
    assert m64.weight.dtype == ember.float64 and m64.bias is None


def test_reset_parameters_and_zero_fan_in():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):  # as torch's
        m = nn.Conv2d(0, 4, 3)  # in_channels 0: fan_in 0, the bias stays as allocated (no error)
    assert tuple(m.weight.shape) == (4, 0, 3, 3)
    m = nn.Conv2d(2, 2, 1)
    with ember.no_grad():
        m.weight.fill_(10.0)
    m.reset_parameters()
    assert float(m.weight.abs().max()) <= 1 / math.sqrt(2)


def test_meta_device():
    m = nn.Conv2d(3, 4, 3, device="meta")
    assert m.weight.device.type == "meta" and m.bias.device.type == "meta"
    assert m(ember.empty(2, 3, 8, 8, device="meta")).shape == ember.Size([2, 4, 6, 6])
    t = nn.ConvTranspose2d(3, 4, 3, stride=2, device="meta")
    assert t(ember.empty(2, 3, 8, 8, device="meta")).shape == ember.Size([2, 4, 17, 17])
    assert t(ember.empty(2, 3, 8, 8, device="meta"), output_size=(18, 18)).shape == ember.Size([2, 4, 18, 18])
    assert nn.Conv1d(3, 4, 4, padding="same", device="meta")(ember.empty(3, 7, device="meta")).shape == (4, 7)


def test_state_dict_pickle_and_setstate():
    m = nn.Conv2d(3, 4, 3, padding_mode="reflect", padding=1)
    assert list(m.state_dict()) == ["weight", "bias"]
    m2 = copy.deepcopy(m)
    assert repr(m2) == repr(m) and m2.padding_mode == "reflect"
    m3 = pickle.loads(pickle.dumps(m))
    x = ember.randn(1, 3, 5, 5)
    assert ember.equal(m3(x), m(x))
    state = m.__dict__.copy()
    del state["padding_mode"]  # a checkpoint from before padding_mode existed
    m4 = nn.Conv2d.__new__(nn.Conv2d)
    m4.__setstate__(state)
    assert m4.padding_mode == "zeros"


def test_modules_exported():
    from ember.nn import modules

    for name in ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
                 "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
                 "LazyConvTranspose3d"):
        assert getattr(nn, name) is getattr(modules, name) and name in modules.__all__
    for name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "conv_tbc"):
        assert getattr(ember, name) is getattr(F, name)
    for name in ("fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"):
        assert name in nn.utils.__all__ and callable(getattr(nn.utils, name))


# ---- module errors ----


@needs_torch
@pytest.mark.parametrize("ctor,match", [
    ("Conv2d(3, 4, 3, groups=2)", "in_channels must be divisible by groups"),
    ("Conv2d(4, 3, 3, groups=2)", "out_channels must be divisible by groups"),
    ("Conv2d(4, 4, 3, groups=0)", "groups must be a positive integer"),
    ("Conv1d(4, 4, 3, groups=-1)", "groups must be a positive integer"),
    ("Conv2d(4, 4, 3, padding='foo')", r"Invalid padding string 'foo', should be one of"),
    ("Conv2d(4, 4, 3, padding='same', stride=2)", "padding='same' is not supported for strided convolutions"),
    ("Conv3d(4, 4, 3, padding='same', stride=(1, 1, 2))", "padding='same' is not supported for strided"),
    ("Conv2d(4, 4, 3, padding_mode='foo')", r"padding_mode must be one of .*, but got padding_mode='foo'"),
    ("ConvTranspose2d(4, 4, 3, padding_mode='reflect')", 'Only "zeros" padding mode is supported for ConvTranspose2d'),
    ("ConvTranspose1d(4, 4, 3, padding_mode='circular')", 'Only "zeros" padding mode is supported for ConvTranspose1d'),
])
def test_constructor_errors_match_torch(ctor, match):
    with pytest.raises(ValueError, match=match):
        eval("tnn." + ctor, {"tnn": torch.nn})
    with pytest.raises(ValueError, match=match):
        eval("enn." + ctor, {"enn": nn})


@needs_torch
@pytest.mark.parametrize("n", [1, 2, 3])
def test_transposed_padding_mode_changed_after_construction(n):
    for mod in (torch.nn, nn):
        m = getattr(mod, f"ConvTranspose{n}d")(2, 2, 3)
        m.padding_mode = "reflect"
        x = (torch if mod is torch.nn else ember).randn(1, 2, *([4] * n))
        with pytest.raises(ValueError, match=f"Only `zeros` padding mode is supported for ConvTranspose{n}d"):
            m(x)


@needs_torch
@pytest.mark.parametrize("shape,output_size,match", [
    ((1, 4, 5, 5), (13, 12), (r"requested an output size of \(13, 12\), but valid sizes range from \[11, 11\] to "
                              r"\[12, 12\] \(for an input of ")),
    ((1, 4, 5, 5), (10, 12), r"valid sizes range from \[11, 11\] to \[12, 12\]"),
    ((1, 4, 5, 5), (12,), r"ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements \(got 1\)"),
    ((4, 5, 5), (1, 4, 12, 11), r"ConvTranspose2D: for 3D input, output_size must have 2 or 3 elements \(got 4\)"),
    ((4, 5, 5), (20, 20), r"requested an output size of \(20, 20\)"),
])
def test_output_size_errors_match_torch(shape, output_size, match):
    for mod, lib in ((torch.nn, torch), (nn, ember)):
        m = mod.ConvTranspose2d(4, 4, 3, stride=2)
        with pytest.raises(ValueError, match=match):
            m(lib.randn(*shape), output_size=output_size)


@needs_torch
def test_output_size_error_message_equal_to_torch():
    msgs = []
    for mod, lib in ((torch.nn, torch), (nn, ember)):
        m = mod.ConvTranspose3d(2, 2, 3, stride=(2, 3, 1), padding=1, dilation=(1, 2, 1))
        with pytest.raises(ValueError) as info:
            m(lib.randn(1, 2, 3, 4, 5), output_size=[1, 2, 9, 9, 9])
        msgs.append(str(info.value).replace("torch.Size", "Size").replace("ember.Size", "Size"))
    assert msgs[0] == msgs[1]


@needs_torch
@pytest.mark.parametrize("ctor,shape,match", [
    ("Conv2d(3, 4, 3)", (2, 5, 8, 8), "expected input.* to have 3 channels, but got 5 channels instead"),
    ("Conv2d(3, 4, 3)", (2, 3, 8), "to have 3 channels, but got 2 channels instead"),
    ("Conv2d(3, 4, 3)", (2, 3, 8, 8, 8), r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d"),
    ("Conv1d(3, 4, 3)", (3,), r"Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d"),
    ("Conv2d(4, 4, 3, groups=2)", (1, 2, 5, 5), "Given groups=2, weight of size .* to have 4 channels"),
    ("Conv2d(3, 4, 5)", (1, 3, 4, 4), "Kernel size can't be greater than actual input size"),
    ("ConvTranspose2d(3, 4, 3)", (1, 4, 5, 5), "Given transposed=1, weight of size .* to have 3 channels"),
    ("ConvTranspose2d(3, 4, 3)", (3, 5), r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv_transpose2d"),
    ("Conv2d(3, 4, 3, padding=2, padding_mode='reflect')", (1, 3, 2, 2), "Padding size should be less than"),
])
def test_forward_errors_match_torch(ctor, shape, match):
    for mod, lib in ((torch.nn, torch), (nn, ember)):
        m = eval("m." + ctor, {"m": mod})
        with pytest.raises(RuntimeError, match=match):
            m(lib.randn(*shape))


# ---- lazy modules ----


@needs_torch
@pytest.mark.parametrize("ctor,shape", [
    ("LazyConv1d(4, 3, stride=2)", (2, 5, 9)),
    ("LazyConv2d(4, 3, padding='same', bias=False)", (2, 6, 7, 7)),
    ("LazyConv2d(4, 3, groups=2)", (6, 7, 7)),
    ("LazyConv3d(4, 2, padding=1, padding_mode='circular')", (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d(4, 3, groups=2)", (2, 6, 5)),
    ("LazyConvTranspose2d(4, 3, stride=2, output_padding=1)", (2, 3, 5, 4)),
    ("LazyConvTranspose3d(4, 2, stride=2, bias=False)", (3, 2, 2, 2)),
])
def test_lazy_modules(ctor, shape):
    mt = eval("m." + ctor, {"m": torch.nn})
    me = eval("m." + ctor, {"m": nn})
    assert repr(me) == repr(mt)
    assert me.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    yt = mt(torch.tensor(x))
    ye = me(ember.tensor(x))
    assert tuple(ye.shape) == tuple(yt.shape)
    # the module became its eager class, as torch's
    assert type(me) is getattr(nn, ctor[4:ctor.index("(")])
    assert type(me).__name__ == type(mt).__name__
    assert not hasattr(me, "_initialize_hook")
    assert repr(me) == repr(mt)
    assert tuple(me.weight.shape) == tuple(mt.weight.shape)
    assert isinstance(me.weight, nn.Parameter) and not isinstance(me.weight, nn.UninitializedParameter)
    # initialised as the eager module would be
    fan_in = me.weight.shape[1] * math.prod(me.kernel_size)
    assert float(me.weight.abs().max()) <= 1 / math.sqrt(fan_in)
    # the module now behaves as its eager class
    me.load_state_dict({k: _e(v) for k, v in mt.state_dict().items()})
    _close(me(ember.tensor(x)), mt(torch.tensor(x)), 1e-4, 1e-5)


@needs_torch
def test_lazy_errors():
    for mod, lib in ((torch.nn, torch), (nn, ember)):
        with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
            mod.LazyConv2d(4, 3, groups=2)(lib.randn(1, 3, 5, 5))
        with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to LazyConv2d, but "
                                               r"got input of size: "):
            mod.LazyConv2d(4, 3)(lib.randn(1, 3, 5, 5, 5))
        with pytest.raises(RuntimeError, match=r"Expected 2D \(unbatched\) or 3D \(batched\) input to "
                                               r"LazyConvTranspose1d"):
            mod.LazyConvTranspose1d(4, 3)(lib.randn(5))


def test_lazy_load_state_dict_and_meta():
    m = nn.LazyConv2d(4, 3)
    src = nn.Conv2d(2, 4, 3)
    m.load_state_dict(src.state_dict())
    assert tuple(m.weight.shape) == (4, 2, 3, 3)
    x = ember.randn(1, 2, 5, 5)
    assert ember.equal(m(x), src(x))
    assert type(m) is nn.Conv2d
    meta = nn.LazyConvTranspose2d(4, 3, device="meta")
    assert meta(ember.empty(2, 3, 5, 5, device="meta")).shape == (2, 4, 7, 7)
    assert meta.weight.device.type == "meta"


# ---- functional ----


def _fn_case(name, x_shape, w_shape, bias, **kwargs):
    return pytest.param(name, x_shape, w_shape, bias, kwargs, id=f"{name}-{x_shape}-{w_shape}-{bias}-{kwargs}")


FUNCTIONAL_CASES = [
    _fn_case("conv1d", (2, 4, 9), (6, 2, 3), True, stride=2, padding=1, groups=2),
    _fn_case("conv1d", (4, 9), (6, 4, 3), False, padding="same", dilation=2),
    _fn_case("conv1d", (2, 4, 9), (6, 4, 4), True, padding="same"),
    _fn_case("conv1d", (2, 4, 9), (6, 4, 4), True, padding="valid", stride=(2,)),
    _fn_case("conv1d", (2, 4, 9), (6, 4, 4), True, padding=[2], dilation=[1]),
    _fn_case("conv2d", (2, 3, 7, 6), (4, 3, 3, 2), True, stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
    _fn_case("conv2d", (2, 3, 7, 6), (4, 3, 2, 2), False, padding="same"),
    _fn_case("conv2d", (2, 3, 7, 6), (4, 3, 2, 3), True, padding="same", stride=1, dilation=(1, 2)),
    _fn_case("conv2d", (3, 7, 6), (6, 1, 3, 3), True, padding=1, groups=3),
    _fn_case("conv2d", (2, 3, 7, 6), (4, 3, 3, 3), True, padding=[1], stride=[2]),
    _fn_case("conv2d", (2, 3, 7, 6), (4, 3, 3, 3), False, padding="valid"),
    _fn_case("conv3d", (2, 2, 4, 5, 4), (4, 1, 2, 3, 2), True, groups=2, stride=(1, 2, 1), padding=(1, 0, 1)),
    _fn_case("conv3d", (2, 4, 5, 4), (3, 2, 2, 3, 2), False, padding="same", dilation=(1, 1, 3)),
    _fn_case("conv_transpose1d", (2, 4, 5), (4, 3, 3), True, stride=2, padding=1, output_padding=1, groups=2),
    _fn_case("conv_transpose1d", (4, 5), (4, 3, 3), False, dilation=2),
    _fn_case("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 2), True, stride=(2, 3), padding=(1, 0),
             output_padding=(1, 2), dilation=(1, 2)),
    _fn_case("conv_transpose2d", (4, 5, 4), (4, 1, 3, 3), True, groups=4, stride=2),
    _fn_case("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 3), False, stride=[2], padding=[1], output_padding=[1]),
    _fn_case("conv_transpose3d", (2, 2, 3, 4, 3), (2, 2, 2, 3, 2), True, stride=2, output_padding=(1, 0, 1)),
    _fn_case("conv_transpose3d", (2, 3, 4, 3), (2, 2, 2, 3, 2), False, padding=(0, 1, 0)),
]


@needs_torch
@pytest.mark.parametrize("name,x_shape,w_shape,bias,kwargs", FUNCTIONAL_CASES)
def test_functional_matches_torch(name, x_shape, w_shape, bias, kwargs):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal(w_shape)
    out_channels = w_shape[1] * kwargs.get("groups", 1) if "transpose" in name else w_shape[0]
    b = rng.standard_normal(out_channels) if bias else None
    ts = [torch.tensor(a, requires_grad=True) if a is not None else None for a in (x, w, b)]
    es = [ember.tensor(a, requires_grad=True) if a is not None else None for a in (x, w, b)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = getattr(torch.nn.functional, name)(*ts, **kwargs)
        ye = getattr(F, name)(*es, **kwargs)
        ye2 = getattr(ember, name)(*es, **kwargs)  # torch.conv2d & co.
    assert tuple(ye.shape) == tuple(yt.shape)
    _close(ye, yt, 1e-10, 1e-12)
    _close(ye2, yt, 1e-10, 1e-12)
    g = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    for e, t in zip(es, ts):
        if t is not None:
            _close(e.grad, t.grad, 1e-10, 1e-12)


@needs_torch
@pytest.mark.parametrize("T,K,pad", [(5, 3, 1), (5, 3, 0), (7, 1, 2), (4, 5, 1), (3, 2, 4)])
def test_conv_tbc_matches_torch(T, K, pad):
    rng = np.random.default_rng(T * 10 + K)
    arrays = (rng.standard_normal((T, 2, 4)), rng.standard_normal((K, 4, 6)), rng.standard_normal(6))
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    es = [ember.tensor(a, requires_grad=True) for a in arrays]
    yt = torch.conv_tbc(*ts, pad)
    ye = F.conv_tbc(*es, pad)
    _close(ye, yt, 1e-10, 1e-12)
    g = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    for e, t in zip(es, ts):
        _close(e.grad, t.grad, 1e-10, 1e-12)


def test_same_padding_warns_once_for_even_kernels():
    import ember.nn._conv as conv_impl

    x = ember.randn(1, 2, 5, 5)
    conv_impl._same_copy_warned = False
    with pytest.warns(UserWarning, match="padding='same' with even kernel lengths and odd dilation"):
        F.conv2d(x, ember.randn(3, 2, 2, 2, requires_grad=True), padding="same")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.conv2d(x, ember.randn(3, 2, 2, 2, requires_grad=True), padding="same")  # once per process, as torch's
        conv_impl._same_copy_warned = False
        F.conv2d(x, ember.randn(3, 2, 3, 3, requires_grad=True), padding="same")  # odd kernel: no copy, no warning
        F.conv2d(x, ember.randn(3, 2, 2, 2, requires_grad=True), padding="same", dilation=2)  # even d * (k - 1)


def test_same_padding_pads_extra_element_on_the_right():
    # a kernel picking its first tap: with 'same' and k = 2 the output is the input itself (pad on the right)
    x = ember.arange(1.0, 6.0).reshape(1, 1, 5)
    w = ember.tensor([[[1.0, 0.0]]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert F.conv1d(x, w, padding="same").flatten().tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
        w2 = ember.tensor([[[0.0, 1.0]]], requires_grad=True)
        assert F.conv1d(x, w2, padding="same").flatten().tolist() == [2.0, 3.0, 4.0, 5.0, 0.0]


@needs_torch
@pytest.mark.parametrize("call", [
    "conv2d(x4, w4, padding='foo')",
    "conv2d(x4, w4, padding='same', stride=2)",
    "conv2d(x4, w4, padding='same', stride=(1, 2))",
    "conv2d(x4, w4, padding='same', stride=(1, 1, 1))",
    "conv2d(x4, w4, padding='same', dilation=(1, 1, 1))",
    "conv2d(x4, w3, padding='same')",
    "conv2d(x4, w3, padding='same', groups=0)",
    "conv2d(x4, w2, padding='same')",
    "conv2d(x5, w4, padding='foo')",
    "conv2d(x5, w4)",
    "conv2d(x2, w4)",
    "conv2d(x3, w3)",
    "conv2d(x4, w3)",
    "conv2d(x4, w3, padding='valid')",
    "conv2d(x4, w3, padding='valid', stride=(1,))",
    "conv2d(x4, w3, groups=0)",
    "conv2d(x4, w2)",
    "conv2d(x4, w6)",
    "conv1d(x3, w4)",
    "conv1d(x4, w4)",
    "conv1d(x3, w3, stride=(1, 1))",
    "conv3d(x4, w4)",
    "conv_transpose2d(x5, w4)",
    "conv_transpose2d(x2, w4)",
    "conv_transpose2d(x3, w3)",
    "conv_transpose2d(x3, w3, output_padding=(1, 1, 1))",
    "conv_transpose2d(x3, w2)",
    "conv_transpose2d(x4, w3, groups=0)",
    "conv_transpose1d(x4, w3)",
    "conv_tbc(x3, w3, b6)",
    "conv_tbc(x2, w3, b6)",
    "conv_tbc(t3, w2, b6)",
    "conv_tbc(t3, k3, b3)",
    "conv_tbc(t3, k3, b5)",
    "conv_tbc(t3, k3, b6, -3)",
])
def test_functional_errors_equal_torch(call):
    shapes = {"x2": (3, 8), "x3": (2, 3, 8), "x4": (2, 3, 8, 8), "x5": (2, 3, 8, 8, 8), "w2": (3, 4),
              "w3": (3, 3, 3), "w4": (3, 3, 3, 3), "w6": (3, 3, 3, 3, 3, 3), "b6": (6,), "b3": (3, 1), "b5": (5,),
              "t3": (5, 2, 3), "k3": (3, 3, 6)}
    errors = []
    for lib in (torch, ember):
        env = {k: lib.randn(*s, requires_grad=True) for k, s in shapes.items()}
        with pytest.raises(Exception) as info:
            eval("F." + call, {"F": lib.nn.functional, **env})
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0])
    assert str(errors[1]).replace("convolution: ", "") == str(errors[0])


@needs_torch
@pytest.mark.parametrize("call,match", [
    ("conv2d(x, w5)", "to have 5 channels, but got 3 channels instead"),
    ("conv2d(x, w, groups=3)", "expected weight to be divisible by 3 at dimension 0"),
    ("conv2d(x, w, bias=b)", "expected bias to be 1-dimensional with 4 elements, but got bias of size"),
    ("conv2d(x, w, stride=0)", "non-positive stride is not supported"),
    ("conv2d(x, w, padding=-1)", "negative padding is not supported"),
    ("conv2d(x, w, stride=(1, 1, 1))", "expected stride to be a single integer value or a list of 2 values"),
    ("conv_transpose2d(x, wt, output_padding=2)", "output padding must be smaller than either stride or dilation"),
    ("conv2d(x, w, stride=1.5)", None),
])
def test_native_errors(call, match):
    env = {"x": ember.randn(2, 3, 6, 6), "w": ember.randn(4, 3, 3, 3, requires_grad=True),
           "w5": ember.randn(4, 5, 3, 3, requires_grad=True), "b": ember.randn(3),
           "wt": ember.randn(3, 4, 3, 3, requires_grad=True)}
    tenv = {k: torch.tensor(v.detach().numpy()) for k, v in env.items()}
    with pytest.raises(Exception) as t_info:
        eval("F." + call, {"F": torch.nn.functional, **tenv})
    with pytest.raises(type(t_info.value), match=match):
        eval("F." + call, {"F": F, **env})


# ---- gradcheck ----


def test_gradcheck_conv2d():
    gen = ember.Generator().manual_seed(0) if hasattr(ember.Generator(), "manual_seed") else None
    kw = {"generator": gen} if gen is not None else {}
    x = ember.randn(2, 4, 5, 4, dtype=ember.float64, **kw).requires_grad_()
    w = ember.randn(6, 2, 3, 2, dtype=ember.float64, **kw).requires_grad_()
    b = ember.randn(6, dtype=ember.float64, **kw).requires_grad_()

    def fn(x, w, b):
        return F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)

    assert ember.autograd.gradcheck(fn, (x, w, b))
    assert ember.autograd.gradgradcheck(fn, (x, w, b))

    def same(x, w):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return F.conv2d(x, w, padding="same")

    assert ember.autograd.gradcheck(same, (x[:, :2], w[:, :, :2]))


def test_gradcheck_conv_transpose2d():
    x = ember.randn(2, 4, 3, 4, dtype=ember.float64).requires_grad_()
    w = ember.randn(4, 3, 3, 2, dtype=ember.float64).requires_grad_()
    b = ember.randn(6, dtype=ember.float64).requires_grad_()

    def fn(x, w, b):
        return F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2,
                                  dilation=(1, 2))

    assert ember.autograd.gradcheck(fn, (x, w, b))
    assert ember.autograd.gradgradcheck(fn, (x, w, b))


def test_gradcheck_modules_with_padding_modes():
    for mode in ("reflect", "replicate", "circular"):
        m = nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode, dtype=ember.float64)
        x = ember.randn(2, 2, 5, dtype=ember.float64, requires_grad=True)
        assert ember.autograd.gradcheck(m._conv_forward, (x, m.weight, m.bias))


# ---- native op regression (run in a subprocess: the bug was a crash) ----


def test_no_bias_without_grad_does_not_crash():
    # bias=None while grad mode is on and neither input nor weight requires grad
    code = ("import ember\n"
            "x = ember.ones(1, 1, 3, 3)\n"
            "y = ember.convolution(x, ember.ones(1, 1, 2, 2), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)\n"
            "assert y.flatten().tolist() == [4.0] * 4\n"
            "y = ember.nn.functional.conv_transpose1d(ember.ones(1, 1, 3), ember.ones(1, 1, 2))\n"
            "assert y.flatten().tolist() == [1.0, 2.0, 2.0, 1.0]\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, f"returncode {r.returncode}: {r.stderr[-2000:]}"


@needs_torch
@pytest.mark.parametrize("x_len", [1, 2])
def test_transposed_backward_with_output_padding_not_below_stride(x_len):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 1, x_len)), rng.standard_normal((1, 1, 3))
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    xe, we = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    # stride 1, dilation 2, output_padding 1
    torch.nn.functional.conv_transpose1d(xt, wt, None, 1, 0, 1, 1, 2).sum().backward()
    F.conv_transpose1d(xe, we, None, 1, 0, 1, 1, 2).sum().backward()
    _close(xe.grad, xt.grad, 1e-10, 1e-12)
    _close(we.grad, wt.grad, 1e-10, 1e-12)


# ---- docstrings ----


def test_docstring_examples():
    import doctest

    import ember.nn._conv
    import ember.nn.modules.conv
    import ember.nn.utils.fusion

    for mod in (ember.nn._conv, ember.nn.modules.conv, ember.nn.utils.fusion):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__


# ---- fusion ----


@needs_torch
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("with_bias,with_affine", [(True, True), (False, True), (True, False), (False, False)])
def test_fuse_conv_bn_weights_matches_torch(transpose, with_bias, with_affine):
    from torch.nn.utils import fusion as tfusion

    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 6, 3, 3) if transpose else (6, 4, 3, 3))
    arrays = [w, rng.standard_normal(6) if with_bias else None, rng.standard_normal(6), rng.random(6) + 0.5,
              rng.standard_normal(6) if with_affine else None, rng.standard_normal(6) if with_affine else None]
    tt = [torch.tensor(a) if a is not None else None for a in arrays]
    et = [ember.tensor(a) if a is not None else None for a in arrays]
    rt = tfusion.fuse_conv_bn_weights(tt[0], tt[1], tt[2], tt[3], 1e-5, tt[4], tt[5], transpose)
    re = nn.utils.fuse_conv_bn_weights(et[0], et[1], et[2], et[3], 1e-5, et[4], et[5], transpose)
    for e, t in zip(re, rt):
        assert isinstance(e, nn.Parameter) and e.requires_grad == t.requires_grad
        _close(e, t, 1e-12, 1e-12)


@needs_torch
@pytest.mark.parametrize("with_bias", [True, False])
def test_fuse_linear_bn_weights_matches_torch(with_bias):
    from torch.nn.utils import fusion as tfusion

    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((5, 3)), rng.standard_normal(5) if with_bias else None, rng.standard_normal(5),
              rng.random(5) + 0.5, rng.standard_normal(5), rng.standard_normal(5)]
    tt = [torch.tensor(a) if a is not None else None for a in arrays]
    et = [ember.tensor(a) if a is not None else None for a in arrays]
    rt = tfusion.fuse_linear_bn_weights(tt[0], tt[1], tt[2], tt[3], 1e-3, tt[4], tt[5])
    re = nn.utils.fuse_linear_bn_weights(et[0], et[1], et[2], et[3], 1e-3, et[4], et[5])
    for e, t in zip(re, rt):
        assert isinstance(e, nn.Parameter)
        _close(e, t, 1e-12, 1e-12)


class _FakeBN(nn.Module):
    """The attributes fuse_*_bn_eval read from a batch norm (for when ember.nn.BatchNorm* is absent)."""

    def __init__(self, n, rng):
        super().__init__()
        self.num_features = n
        self.eps = 1e-5
        self.weight = nn.Parameter(ember.tensor(rng.standard_normal(n)))
        self.bias = nn.Parameter(ember.tensor(rng.standard_normal(n)))
        self.register_buffer("running_mean", ember.tensor(rng.standard_normal(n)))
        self.register_buffer("running_var", ember.tensor(rng.random(n) + 0.5))

    def forward(self, x):
        shape = [1, -1] + [1] * (x.dim() - 2)
        inv = (self.running_var + self.eps).rsqrt()
        return ((x - self.running_mean.reshape(shape)) * (inv * self.weight).reshape(shape)
                + self.bias.reshape(shape))


def test_fuse_conv_bn_eval_and_linear_bn_eval():
    rng = np.random.default_rng(2)
    conv = nn.Conv2d(3, 4, 3, padding=1, dtype=ember.float64).eval()
    bn = _FakeBN(4, rng).eval()
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    assert fused is not conv and type(fused) is nn.Conv2d
    x = ember.randn(2, 3, 5, 5, dtype=ember.float64)
    _close(fused(x), bn(conv(x)), 1e-10, 1e-12)
    convt = nn.ConvTranspose2d(3, 4, 3, stride=2, bias=False, dtype=ember.float64).eval()
    fused_t = nn.utils.fuse_conv_bn_eval(convt, bn, transpose=True)
    assert fused_t.bias is not None
    _close(fused_t(x), bn(convt(x)), 1e-10, 1e-12)
    lin = nn.Linear(3, 4, dtype=ember.float64).eval()
    fused_l = nn.utils.fuse_linear_bn_eval(lin, bn)
    xl = ember.randn(5, 3, dtype=ember.float64)
    _close(fused_l(xl), bn(lin(xl)), 1e-10, 1e-12)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        nn.utils.fuse_conv_bn_eval(conv.train(), bn)
    with pytest.raises(AssertionError, match="To fuse, linear.out_features == bn.num_features"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(3, 5).eval(), bn)


@needs_torch
@pytest.mark.skipif(not hasattr(nn, "BatchNorm2d"), reason="ember.nn.BatchNorm2d not available yet")
def test_fuse_conv_bn_eval_with_batchnorm_matches_torch():
    from torch.nn.utils import fusion as tfusion

    conv_t, conv_e = _layers("Conv2d(3, 4, 3, padding=1)", torch.float64, ember.float64)
    bn_t = torch.nn.BatchNorm2d(4).double()
    with torch.no_grad():
        bn_t.running_mean.normal_()
        bn_t.running_var.uniform_(0.5, 2.0)
        bn_t.weight.normal_()
        bn_t.bias.normal_()
    bn_e = nn.BatchNorm2d(4, dtype=ember.float64)
    bn_e.load_state_dict({k: _e(v) for k, v in bn_t.state_dict().items()})
    ft = tfusion.fuse_conv_bn_eval(conv_t.eval(), bn_t.eval())
    fe = nn.utils.fuse_conv_bn_eval(conv_e.eval(), bn_e.eval())
    x = np.random.default_rng(3).standard_normal((2, 3, 6, 6))
    _close(fe(ember.tensor(x)), ft(torch.tensor(x)), 1e-10, 1e-12)
    _close(fe(ember.tensor(x)), bn_e(conv_e(ember.tensor(x))), 1e-10, 1e-12)
    _close(fe.weight, ft.weight, 1e-12, 1e-12)
    _close(fe.bias, ft.bias, 1e-12, 1e-12)
    # a transposed convolution: the batch-norm channels are the weight's dim 1
    convt_t, convt_e = _layers("ConvTranspose2d(3, 4, 3, stride=2, bias=False)", torch.float64, ember.float64)
    ftt = tfusion.fuse_conv_bn_eval(convt_t.eval(), bn_t, transpose=True)
    fte = nn.utils.fuse_conv_bn_eval(convt_e.eval(), bn_e, transpose=True)
    _close(fte(ember.tensor(x)), ftt(torch.tensor(x)), 1e-10, 1e-12)
    _close(fte(ember.tensor(x)), bn_e(convt_e(ember.tensor(x))), 1e-10, 1e-12)


@needs_torch
@pytest.mark.skipif(not hasattr(nn, "BatchNorm1d"), reason="ember.nn.BatchNorm1d not available yet")
def test_fuse_linear_bn_eval_with_batchnorm_matches_torch():
    from torch.nn.utils import fusion as tfusion

    lin_t = torch.nn.Linear(3, 4).double()
    lin_e = nn.Linear(3, 4, dtype=ember.float64)
    lin_e.load_state_dict({k: _e(v) for k, v in lin_t.state_dict().items()})
    bn_t = torch.nn.BatchNorm1d(4).double()
    with torch.no_grad():
        bn_t.running_mean.normal_()
        bn_t.running_var.uniform_(0.5, 2.0)
        bn_t.weight.normal_()
    bn_e = nn.BatchNorm1d(4, dtype=ember.float64)
    bn_e.load_state_dict({k: _e(v) for k, v in bn_t.state_dict().items()})
    ft = tfusion.fuse_linear_bn_eval(lin_t.eval(), bn_t.eval())
    fe = nn.utils.fuse_linear_bn_eval(lin_e.eval(), bn_e.eval())
    x = np.random.default_rng(4).standard_normal((5, 3))
    _close(fe(ember.tensor(x)), ft(torch.tensor(x)), 1e-10, 1e-12)
    _close(fe(ember.tensor(x)), bn_e(lin_e(ember.tensor(x))), 1e-10, 1e-12)


# ---- overhead ----


def test_functional_passes_arguments_through_unchanged(monkeypatch):
    # the common path is one native call with the arguments as given (no per-call normalisation)
    import ember.nn._conv as conv_impl

    calls = []
    monkeypatch.setattr(conv_impl, "_convolution", lambda *a: calls.append(a) or "out")
    x, w = ember.randn(1, 2, 5, 5), ember.randn(3, 2, 3, 3)
    assert F.conv2d(x, w, None, 2, (1, 0)) == "out"
    assert calls[-1][3:] == (2, (1, 0), 1, False, 0, 1)
    assert F.conv_transpose2d(x, ember.randn(2, 3, 3, 3), None, 2, 1, 1, 1, 2) == "out"
    assert calls[-1][3:] == (2, 1, 2, True, 1, 1)
