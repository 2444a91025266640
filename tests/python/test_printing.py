"""Tests for tensor printing (ember/_tensor_str.py).

Two kinds of tests:

* parity tests build the same data in torch and in ember and require
  ``repr(ember_tensor) == repr(torch_tensor).replace("torch.", "ember.")``; they are skipped
  when torch is not installed;
* literal tests compare against fixed strings, so printing stays covered without torch.

Most parity cases are written as a torch expression; the ember tensor is then built from the
torch tensor's exact values (``tolist()``) with the same dtype, so a mismatch points at the
printer rather than at differences in how the two libraries compute or round the data.
"""

import math

import numpy as np
import pytest

import ember
from ember._tensor_str import get_printoptions, printoptions, set_printoptions, tensor_repr

DEFAULT_OPTIONS = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _reset_print_options():
    """Every test starts and ends with default options, in ember and (if loaded) in torch."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    try:
        import torch as _torch
    except ImportError:
        return
    _torch.set_printoptions(profile="default")


def _ember_dtype(torch_dtype):
    return getattr(ember, str(torch_dtype).rsplit(".", 1)[-1])


def mirror(tt):
    """An ember tensor holding exactly the values, shape and dtype of torch tensor ``tt``."""
    dtype = _ember_dtype(tt.dtype)
    if tt.numel() == 0:
        return ember.zeros(tuple(tt.shape), dtype=dtype)
    # tolist() yields the exact stored values, so building from them cannot round differently.
    return ember.tensor(tt.tolist(), dtype=dtype)


def expected(tt):
    return repr(tt).replace("torch.", "ember.")


def randn(*shape, scale=1.0, seed=0):
    """Deterministic float32 normal samples as a NumPy array."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def mixed_magnitudes(n, seed=0):
    """float64 values whose magnitudes span 1e-8 .. 1e8, to exercise scientific notation."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) * 10.0 ** rng.integers(-8, 9, n)


nan, inf = math.nan, math.inf

# (id, function of the torch module returning a torch tensor)
PARITY_CASES = [
    # integers
    ("int-vector", lambda T: T.tensor([1, 2, 3])),
    ("int-negative-widths", lambda T: T.tensor([-1, 100, -10000, 7])),
    ("int-single", lambda T: T.tensor([0])),
    ("int-0d", lambda T: T.tensor(3)),
    ("int-0d-negative", lambda T: T.tensor(-42)),
    ("int64-extremes", lambda T: T.tensor([2**62, -(2**63), 0])),
    ("int-matrix", lambda T: T.tensor([[1, -2, 3], [40, 5, -600]])),
    # floats: fixed point, integer mode, precision
    ("float-int-mode", lambda T: T.tensor([1.0, 2.0, 3.0])),
    ("float-int-mode-negative", lambda T: T.tensor([-1.0, 20.0, -300.0])),
    ("float-fixed", lambda T: T.tensor([[1.0, 2.5]])),
    ("float-rounding", lambda T: T.tensor([0.1, 0.2, 0.3, 1 / 3])),
    ("float-negative-mixed", lambda T: T.tensor([-1.5, 2.25, -1000.125])),
    ("float-0d", lambda T: T.tensor(3.5)),
    ("float-0d-int-mode", lambda T: T.tensor(3.0)),
    ("float-0d-tiny", lambda T: T.tensor(1e-10)),
    ("float-0d-huge", lambda T: T.tensor(1e20)),
    ("float-ratio-1000", lambda T: T.tensor([1000.0, 1.0])),
    ("float-ratio-over-1000", lambda T: T.tensor([1001.0, 1.0])),
    ("float-ratio-fractional", lambda T: T.tensor([0.5, 600.25])),
    # floats: scientific notation
    ("sci-tiny-and-huge", lambda T: T.tensor([1e-5, 1e10])),
    ("sci-huge", lambda T: T.tensor([123456789.0, 1.0])),
    ("sci-at-1e8", lambda T: T.tensor([1e8, 2e8])),
    ("sci-below-1e-4", lambda T: T.tensor([0.9e-4, 1e-4])),
    ("sci-at-1e-4", lambda T: T.tensor([1e-4, 2e-4])),
    ("sci-int-mode", lambda T: T.tensor([1.0, 1e9, -3.0])),
    ("sci-extremes", lambda T: T.tensor([3e38, 1e-38, -1.0])),
    ("sci-denormal", lambda T: T.tensor([1e-45, 1.0])),
    ("sci-mixed-magnitudes", lambda T: T.tensor(mixed_magnitudes(12), dtype=T.float32)),
    ("sci-mixed-2d", lambda T: T.tensor(mixed_magnitudes(24, seed=1).reshape(4, 6))),
    # zeros, nan, inf
    ("zeros", lambda T: T.tensor([0.0, 0.0])),
    ("negative-zero", lambda T: T.tensor([-0.0])),
    ("negative-zero-and-one", lambda T: T.tensor([-0.0, 1.0])),
    ("negative-zero-fixed", lambda T: T.tensor([-0.0, 1.5])),
    ("negative-zero-sci", lambda T: T.tensor([-0.0, 1e-8, 1.0])),
    ("nan", lambda T: T.tensor([nan])),
    ("nan-and-one", lambda T: T.tensor([nan, 1.0])),
    ("inf", lambda T: T.tensor([inf, -inf, 1.5])),
    ("nonfinite-and-zero", lambda T: T.tensor([nan, inf, 0.0])),
    ("nonfinite-sci", lambda T: T.tensor([1.5, nan, -inf, 1e-6])),
    ("nonfinite-int-mode", lambda T: T.tensor([[nan, 2.0], [-inf, 100.0]])),
    ("0d-nan", lambda T: T.tensor(nan)),
    ("0d-neg-inf", lambda T: T.tensor(-inf)),
    ("0d-negative-zero", lambda T: T.tensor(-0.0)),
    # empty tensors
    ("empty-1d", lambda T: T.zeros(0)),
    ("empty-2d", lambda T: T.zeros(0, 3)),
    ("empty-3d", lambda T: T.zeros(2, 0, 4)),
    ("empty-int64", lambda T: T.zeros(0, dtype=T.int64)),
    ("empty-int32-2d", lambda T: T.zeros(3, 0, dtype=T.int32)),
    ("empty-bool", lambda T: T.zeros(0, dtype=T.bool)),
    ("empty-float64", lambda T: T.zeros(0, dtype=T.float64)),
    ("empty-float16-2d", lambda T: T.zeros(0, 2, dtype=T.float16)),
    # shapes
    ("matrix-randn", lambda T: T.from_numpy(randn(4, 5))),
    ("column", lambda T: T.from_numpy(randn(5, 1))),
    ("row", lambda T: T.from_numpy(randn(1, 5))),
    ("1x1x1", lambda T: T.tensor([[[7.0]]])),
    ("3d", lambda T: T.arange(24.0).reshape(2, 3, 4)),
    ("3d-randn", lambda T: T.from_numpy(randn(3, 2, 4, seed=3))),
    ("4d-int", lambda T: T.arange(24).reshape(2, 2, 2, 3)),
    ("5d", lambda T: T.arange(32.0).reshape(2, 2, 2, 2, 2) / 8),
    # summarization
    ("arange-10000-100x100", lambda T: T.arange(10000).reshape(100, 100)),
    ("randn-2000", lambda T: T.from_numpy(randn(2000, seed=7))),
    ("arange-1001", lambda T: T.arange(1001)),
    ("arange-1000-not-summarized", lambda T: T.arange(1000)),
    ("summarized-3d", lambda T: T.from_numpy(randn(10, 10, 20, seed=2))),
    ("summarized-tall", lambda T: T.from_numpy(randn(2000, 2, seed=4))),
    ("summarized-wide", lambda T: T.from_numpy(randn(2, 2000, seed=5))),
    ("summarized-deep", lambda T: T.arange(5000).reshape(1, 1, 5000)),
    ("summarized-4d", lambda T: T.arange(4096.0).reshape(8, 8, 8, 8)),
    ("summarized-sci", lambda T: T.tensor(mixed_magnitudes(3000, seed=6), dtype=T.float32)),
    # The hidden middle (1e9) must not switch the shown values to scientific notation.
    (
        "summarized-hidden-values-ignored",
        lambda T: T.cat([T.ones(5), T.full((2000,), 1e9), T.ones(5)]),
    ),
    ("summarized-bool", lambda T: T.from_numpy(randn(40, 40, seed=8) > 0)),
    # bool and small integer dtypes
    ("bool", lambda T: T.tensor([True, False])),
    ("bool-all-true", lambda T: T.tensor([True, True])),
    ("bool-matrix", lambda T: T.tensor([[True, False, True], [False, False, True]])),
    ("bool-0d", lambda T: T.tensor(False)),
    ("int8", lambda T: T.tensor([-128, 0, 127], dtype=T.int8)),
    ("int16", lambda T: T.tensor([[-32768, 5], [32767, -1]], dtype=T.int16)),
    ("int32", lambda T: T.tensor([1, 2], dtype=T.int32)),
    ("int32-0d", lambda T: T.tensor(-7, dtype=T.int32)),
    ("uint8", lambda T: T.tensor([0, 17, 255], dtype=T.uint8)),
    ("uint8-summarized", lambda T: T.arange(1500).remainder(256).to(T.uint8)),
    # reduced and double precision floats
    ("float16", lambda T: T.tensor([1.0, 2.5, 65504.0, 6e-5], dtype=T.float16)),
    ("float16-randn", lambda T: T.from_numpy(randn(3, 4, seed=9)).half()),
    ("float16-0d", lambda T: T.tensor(1.0, dtype=T.float16)),
    ("float16-nonfinite", lambda T: T.tensor([nan, inf, 0.1], dtype=T.float16)),
    ("bfloat16", lambda T: T.tensor([1.0, 2.5, 3e38, 0.1], dtype=T.bfloat16)),
    ("bfloat16-randn", lambda T: T.from_numpy(randn(3, 4, seed=10)).bfloat16()),
    ("bfloat16-summarized", lambda T: T.from_numpy(randn(1200, seed=11)).bfloat16()),
    ("bfloat16-0d", lambda T: T.tensor(-2.0, dtype=T.bfloat16)),
    ("float64", lambda T: T.tensor([1.0, 2.0], dtype=T.float64)),
    ("float64-fixed", lambda T: T.tensor([1.5, 2.25], dtype=T.float64)),
    ("float64-0d", lambda T: T.tensor(0.1, dtype=T.float64)),
    ("float64-randn-2d", lambda T: T.from_numpy(randn(3, 7, seed=12).astype(np.float64))),
    ("float64-sci", lambda T: T.tensor([1e-300, 1e300], dtype=T.float64)),
    ("float64-span-overflows-ratio", lambda T: T.tensor([1e308, 5e-324], dtype=T.float64)),
    # line wrapping (also of the dtype suffix)
    ("wrap-float-vector", lambda T: T.from_numpy(randn(30, seed=13))),
    ("wrap-int-vector", lambda T: T.arange(50)),
    ("wrap-int32-vector", lambda T: T.arange(40, dtype=T.int32)),
    ("wrap-wide-ints", lambda T: T.arange(25, dtype=T.int32) * 1000),
    ("wrap-sci-vector", lambda T: T.from_numpy(randn(20, scale=1e10, seed=14))),
    ("wrap-matrix", lambda T: T.from_numpy(randn(5, 20, seed=15).astype(np.float64))),
    ("wrap-3d", lambda T: T.from_numpy(randn(2, 2, 15, seed=16))),
    ("wrap-float64-long", lambda T: T.arange(1.0, 13.0, dtype=T.float64) * 1e5 + 0.5),
    ("wrap-float16-matrix", lambda T: T.from_numpy(randn(7, 9, seed=17)).half() + 1),
]


@pytest.mark.parametrize("build", [c[1] for c in PARITY_CASES], ids=[c[0] for c in PARITY_CASES])
def test_parity(torch, build):
    tt = build(torch)
    et = mirror(tt)
    assert repr(et) == expected(tt)


@pytest.mark.parametrize(
    "data",
    [
        [1, 2, 3],
        [1.0, 2.0],
        [1, 2.5],
        [True, False],
        [[1, 2], [3, 4]],
        [[0.5, -1.25], [3.0, 1e-7]],
        5,
        2.5,
        True,
    ],
    ids=repr,
)
def test_parity_inferred_dtype(torch, data):
    assert repr(ember.tensor(data)) == expected(torch.tensor(data))


@pytest.mark.parametrize(
    "array",
    [
        randn(2000, seed=20),
        randn(6, 7, seed=21),
        randn(6, 7, seed=22).astype(np.float64),
        randn(6, 7, seed=23).astype(np.float16),
        np.arange(-50, 50, dtype=np.int32),
        np.arange(250, dtype=np.uint8),
        np.array([[True, False], [False, True]]),
        np.zeros((0, 4), dtype=np.float32),
    ],
    ids=["f32-2000", "f32-6x7", "f64-6x7", "f16-6x7", "i32", "u8", "bool", "empty"],
)
def test_parity_from_numpy(torch, array):
    assert repr(ember.from_numpy(array)) == expected(torch.from_numpy(array))


def test_parity_arange(torch):
    assert repr(ember.arange(10)) == expected(torch.arange(10))
    assert repr(ember.arange(10000).reshape(100, 100)) == expected(
        torch.arange(10000).reshape(100, 100)
    )


def test_parity_views(torch):
    # Views are printed from their own shape/strides: slices, rows and transposes.
    array = np.arange(60, dtype=np.float32).reshape(3, 4, 5) / 7
    e, t = ember.from_numpy(array), torch.from_numpy(array)
    assert repr(e[1]) == expected(t[1])
    assert repr(e[:2]) == expected(t[:2])
    assert repr(e[-1:]) == expected(t[-1:])
    assert repr(e[2][3]) == expected(t[2][3])
    if hasattr(e, "transpose"):
        assert repr(e.transpose(0, 2)) == expected(t.transpose(0, 2))


# Print options: each entry is applied to torch and ember alike, then a set of tensors is compared.
OPTION_CASES = [
    {"precision": 0},
    {"precision": 2},
    {"precision": 8},
    {"threshold": 5},
    {"threshold": 0},
    {"threshold": 1},
    {"threshold": math.inf},
    {"edgeitems": 0},
    {"edgeitems": 1},
    {"edgeitems": 5},
    {"threshold": 10, "edgeitems": 0},
    {"threshold": 0, "edgeitems": 0},
    {"linewidth": 20},
    {"linewidth": 40},
    {"linewidth": 200},
    {"linewidth": 1},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": None},
    {"profile": "default"},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "precision": 6},
    {"profile": "short", "sci_mode": True, "linewidth": 50},
    {"precision": 2, "threshold": 8, "edgeitems": 2, "linewidth": 30, "sci_mode": False},
]

OPTION_TENSORS = [
    lambda T: T.tensor([1.123456789, -2.5, 1000.0]),
    lambda T: T.tensor([1.0, 2.0, 3.0]),
    lambda T: T.tensor([1e-5, 1e10, 0.0, nan]),
    lambda T: T.tensor(3.14159),
    lambda T: T.tensor(7),
    lambda T: T.arange(12),
    lambda T: T.arange(30.0).reshape(5, 6) / 3,
    lambda T: T.from_numpy(randn(2000, seed=30)),
    lambda T: T.from_numpy(randn(4, 5, 6, seed=31)),
    lambda T: T.arange(10000).reshape(100, 100),
    lambda T: T.tensor([[True, False], [True, True]]),
    lambda T: T.tensor([1.5, -0.25], dtype=T.float64),
    lambda T: T.tensor([0.0, 0.0]),
    lambda T: T.zeros(0, 2),
]


def _options_id(options):
    return ",".join(f"{k}={v}" for k, v in options.items())


@pytest.mark.parametrize("options", OPTION_CASES, ids=_options_id)
def test_parity_print_options(torch, options):
    tensors = [build(torch) for build in OPTION_TENSORS]
    mirrors = [mirror(tt) for tt in tensors]
    torch.set_printoptions(**options)
    set_printoptions(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    for tt, et in zip(tensors, mirrors):
        assert repr(et) == expected(tt)


def test_parity_printoptions_context_manager(torch):
    tt = torch.tensor([1.123456789, 2.0])
    et = mirror(tt)
    with torch._tensor_str.printoptions(precision=2, sci_mode=True):
        with printoptions(precision=2, sci_mode=True):
            assert repr(et) == expected(tt)
    assert repr(et) == expected(tt)
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_parity_default_dtype_float64(torch):
    if not hasattr(ember, "set_default_dtype"):
        pytest.skip("ember.set_default_dtype is not available")
    cases = [
        lambda T: T.tensor([1.0, 2.0], dtype=T.float64),
        lambda T: T.tensor([1.0, 2.0], dtype=T.float32),
        lambda T: T.zeros(0, dtype=T.float64),
        lambda T: T.zeros(0, dtype=T.float32),
        lambda T: T.tensor([1, 2]),
    ]
    tensors = [build(torch) for build in cases]
    mirrors = [mirror(tt) for tt in tensors]
    old_torch, old_ember = torch.get_default_dtype(), ember.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    try:
        for tt, et in zip(tensors, mirrors):
            assert repr(et) == expected(tt)
    finally:
        torch.set_default_dtype(old_torch)
        ember.set_default_dtype(old_ember)


# ---------------------------------------------------------------------------------------------
# Autograd suffixes. Ember tensors do not carry autograd state yet, so a thin wrapper supplies
# requires_grad / grad_fn and delegates everything else to a real ember tensor.


class _GradTensor:
    def __init__(self, tensor, requires_grad=False, grad_fn=None):
        self._tensor = tensor
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn

    def __getattr__(self, name):
        return getattr(self._tensor, name)

    def __getitem__(self, index):
        return self._tensor[index]


class AddBackward0:
    pass


class _NamedNode:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


def test_requires_grad_suffix():
    t = _GradTensor(ember.tensor([1.0, 2.0]), requires_grad=True)
    assert tensor_repr(t) == "tensor([1., 2.], requires_grad=True)"


def test_grad_fn_suffix_from_type_name():
    t = _GradTensor(ember.tensor([1.0, 2.0]), requires_grad=True, grad_fn=AddBackward0())
    # grad_fn implies requires_grad, so only grad_fn is shown.
    assert tensor_repr(t) == "tensor([1., 2.], grad_fn=<AddBackward0>)"


def test_grad_fn_suffix_from_name_method():
    t = _GradTensor(ember.tensor(3.0), grad_fn=_NamedNode("ember::MulBackward0"))
    assert tensor_repr(t) == "tensor(3., grad_fn=<MulBackward0>)"


def test_grad_suffix_comes_after_dtype():
    t = _GradTensor(ember.tensor([1, 2], dtype=ember.int32), requires_grad=True)
    assert tensor_repr(t) == "tensor([1, 2], dtype=ember.int32, requires_grad=True)"


@pytest.mark.parametrize(
    "build",
    [
        lambda T: T.randn(3, requires_grad=True),
        lambda T: T.randn(3, requires_grad=True) * 2,
        lambda T: (T.randn(3, requires_grad=True) * 2).sum(),
        lambda T: T.randn(3, 7, dtype=T.float64, requires_grad=True),
        lambda T: T.randn(70, dtype=T.float64, requires_grad=True) + 1,
        lambda T: T.zeros(0, 3, requires_grad=True),
        lambda T: T.randn(7, 9, requires_grad=True).half() + 1,
    ],
    ids=["leaf", "mul", "sum-0d", "leaf-f64-2d", "f64-wrap", "empty", "f16-wrap"],
)
def test_parity_autograd_suffixes(torch, build):
    tt = build(torch)
    grad_fn = None if tt.grad_fn is None else _NamedNode(tt.grad_fn.name())
    et = _GradTensor(mirror(tt.detach()), requires_grad=tt.requires_grad, grad_fn=grad_fn)
    assert tensor_repr(et) == expected(tt)


# ---------------------------------------------------------------------------------------------
# Literal expectations: these run without torch.

LITERAL_CASES = [
    (lambda: ember.tensor([1.0, 2.0, 3.0]), "tensor([1., 2., 3.])"),
    (lambda: ember.tensor([[1.0, 2.5]]), "tensor([[1.0000, 2.5000]])"),
    (lambda: ember.tensor(3), "tensor(3)"),
    (lambda: ember.tensor(2.5), "tensor(2.5000)"),
    (lambda: ember.zeros((0, 3)), "tensor([], size=(0, 3))"),
    (lambda: ember.zeros(0), "tensor([])"),
    (lambda: ember.zeros(0, dtype=ember.int64), "tensor([], dtype=ember.int64)"),
    (lambda: ember.tensor([1, 2], dtype=ember.int32), "tensor([1, 2], dtype=ember.int32)"),
    (lambda: ember.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: ember.tensor([True, False]), "tensor([ True, False])"),
    (lambda: ember.tensor([1e-5, 1e10]), "tensor([1.0000e-05, 1.0000e+10])"),
    (lambda: ember.tensor([nan, inf, -inf, 1.0]), "tensor([nan, inf, -inf, 1.])"),
    (lambda: ember.tensor([-0.0, 1.5]), "tensor([-0.0000, 1.5000])"),
    (
        lambda: ember.tensor([1.0, 2.0], dtype=ember.float64),
        "tensor([1., 2.], dtype=ember.float64)",
    ),
    (lambda: ember.tensor([0.5], dtype=ember.float16), "tensor([0.5000], dtype=ember.float16)"),
    (lambda: ember.tensor([0.5], dtype=ember.bfloat16), "tensor([0.5000], dtype=ember.bfloat16)"),
    (
        lambda: ember.tensor([[1, 2], [3, 4]], dtype=ember.uint8),
        "tensor([[1, 2],\n        [3, 4]], dtype=ember.uint8)",
    ),
    (
        lambda: ember.tensor([[[1.0, 2.0]], [[3.0, 4.0]]]),
        "tensor([[[1., 2.]],\n\n        [[3., 4.]]])",
    ),
    (
        lambda: ember.tensor(list(range(30))),
        "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
        "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])",
    ),
    (
        lambda: ember.tensor(list(range(2000))),
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
    ),
]


@pytest.mark.parametrize("build,text", LITERAL_CASES, ids=list(map(str, range(len(LITERAL_CASES)))))
def test_literal(build, text):
    assert repr(build()) == text


def test_repr_str_and_tensor_repr_agree():
    t = ember.tensor([[1.5, -2.0], [3.25, 4.0]])
    assert repr(t) == str(t) == tensor_repr(t)


def test_literal_print_options():
    t = ember.tensor([1.123456789, 2.0])
    set_printoptions(precision=2)
    assert repr(t) == "tensor([1.12, 2.00])"
    set_printoptions(sci_mode=True)  # precision is left at 2
    assert repr(t) == "tensor([1.12e+00, 2.00e+00])"
    set_printoptions(threshold=5)
    assert repr(ember.tensor(list(range(10)))) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(edgeitems=1)
    assert repr(ember.tensor(list(range(10)))) == "tensor([0,  ..., 9])"
    set_printoptions(edgeitems=0)
    assert repr(ember.tensor(list(range(10)))) == "tensor([...], size=(10,))"
    set_printoptions(profile="default")
    assert repr(t) == "tensor([1.1235, 2.0000])"


def test_set_printoptions_semantics():
    assert get_printoptions() == DEFAULT_OPTIONS
    set_printoptions(sci_mode=True)
    assert get_printoptions()["sci_mode"] is True
    # As in torch, sci_mode is reset by any call that does not pass it.
    set_printoptions(precision=3)
    assert get_printoptions() == dict(DEFAULT_OPTIONS, precision=3)
    set_printoptions(profile="short")
    assert get_printoptions() == dict(DEFAULT_OPTIONS, precision=2, edgeitems=2)
    set_printoptions(profile="full", linewidth=120)
    assert get_printoptions() == dict(DEFAULT_OPTIONS, threshold=math.inf, linewidth=120)
    set_printoptions(profile="no-such-profile")  # ignored, like torch
    assert get_printoptions() == dict(DEFAULT_OPTIONS, threshold=math.inf, linewidth=120)
    set_printoptions(profile="default")
    assert get_printoptions() == DEFAULT_OPTIONS


def test_get_printoptions_round_trip():
    set_printoptions(precision=6, threshold=50, edgeitems=4, linewidth=100, sci_mode=False)
    saved = get_printoptions()
    set_printoptions(profile="default")
    set_printoptions(**saved)
    assert get_printoptions() == saved


def test_printoptions_context_manager_restores():
    t = ember.tensor([1.123456789])
    with printoptions(precision=2, linewidth=30):
        assert repr(t) == "tensor([1.12])"
        assert get_printoptions()["linewidth"] == 30
    assert repr(t) == "tensor([1.1235])"
    assert get_printoptions() == DEFAULT_OPTIONS
    with pytest.raises(RuntimeError):
        with printoptions(precision=1):
            raise RuntimeError("boom")
    assert get_printoptions() == DEFAULT_OPTIONS


def test_full_profile_prints_everything():
    set_printoptions(profile="full")
    text = repr(ember.tensor(list(range(1500))))
    assert "..." not in text
    assert text.count(",") == 1499


def test_top_level_exports_are_this_module():
    # ember is expected to re-export the option functions like torch does.
    for name in ("set_printoptions", "get_printoptions", "printoptions"):
        if hasattr(ember, name):
            assert getattr(ember, name) is globals()[name]


class _CountingTensor:
    """Proxy that records how many elements each tolist() call converts."""

    def __init__(self, tensor, log):
        self._tensor = tensor
        self._log = log

    def __getattr__(self, name):
        return getattr(self._tensor, name)

    def __getitem__(self, index):
        return _CountingTensor(self._tensor[index], self._log)

    def tolist(self):
        self._log.append(self._tensor.numel())
        return self._tensor.tolist()

    def float(self):
        return _CountingTensor(self._tensor.float(), self._log)


@pytest.mark.parametrize("shape", [(1_000_000,), (1000, 1000), (100, 100, 100), (2, 500_000)])
def test_summarization_converts_only_shown_items(shape):
    array = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    log = []
    text = tensor_repr(_CountingTensor(ember.from_numpy(array), log))
    assert "..." in text
    # At most 2 * edgeitems items per dimension are ever converted.
    assert sum(log) <= 6 ** len(shape)
