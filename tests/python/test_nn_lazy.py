"""Lazy modules: UninitializedParameter / UninitializedBuffer, LazyModuleMixin and LazyLinear, checked
against torch where torch is installed."""

import copy
import math
import pickle
import re

import ember
import numpy as np
import pytest
from ember import nn
from ember.nn.modules.lazy import LazyModuleMixin
from ember.nn.parameter import UninitializedTensorMixin, is_lazy

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def E(t):
    return ember.tensor(t.detach().numpy())


def em_msg(msg):
    return re.sub(r"(?<![/\w])torch\.", "ember.", msg)


def same_error(fe, ft, compare_message=True):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as ee:
        fe()
    assert type(ee.value) is type(et.value)
    if compare_message:
        assert str(ee.value) == em_msg(str(et.value))


# ------------------------------------------------------------------------------------- UninitializedParameter

def test_uninitialized_parameter_basics():
    p = nn.UninitializedParameter()
    assert repr(p) == str(p) == "<UninitializedParameter>"
    assert isinstance(p, nn.Parameter) and isinstance(p, ember.Tensor) and is_lazy(p)
    assert isinstance(p, UninitializedTensorMixin)
    assert p.requires_grad and p.is_leaf and p.grad is None
    assert p.dtype == ember.float32 and p.device.type == "cpu"
    q = nn.UninitializedParameter(requires_grad=False, dtype=ember.float64)
    assert not q.requires_grad and q.dtype == ember.float64
    assert not is_lazy(ember.ones(1)) and not is_lazy(nn.Parameter(ember.ones(1)))


def test_materialize_parameter():
    p = nn.UninitializedParameter()
    p.materialize((2, 3))
    assert type(p) is nn.Parameter and not is_lazy(p)
    assert p.shape == (2, 3) and p.dtype == ember.float32 and p.requires_grad
    q = nn.UninitializedParameter(requires_grad=False, dtype=ember.float64)
    q.materialize(4, dtype=ember.float32)
    assert type(q) is nn.Parameter and q.shape == (4,) and q.dtype == ember.float32 and not q.requires_grad
    (p * 2).sum().backward()  # a regular leaf now
    assert p.grad.shape == (2, 3)


def test_uninitialized_buffer():
    b = nn.UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>"
    assert not b.requires_grad and b.persistent and is_lazy(b)
    assert isinstance(b, nn.Buffer)
    assert not nn.UninitializedBuffer(persistent=False).persistent
    m = nn.Module()
    m.running = nn.UninitializedBuffer(dtype=ember.float64)
    assert "running" in m._buffers
    m.running.materialize((3,))
    assert type(m.running) is ember.Tensor and m.running.shape == (3,) and m.running.dtype == ember.float64
    assert list(m.state_dict()) == ["running"]
    m.hidden = nn.UninitializedBuffer(persistent=False)
    assert "hidden" in m._non_persistent_buffers_set


@needs_torch
def test_uninitialized_use_raises_like_torch():
    pe, pt = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    for f in (lambda p: p + 1, lambda p: p.sum(), lambda p: p.numel(), lambda p: len(p), lambda p: p.clone(),
              lambda p: p.detach(), lambda p: p == 1, lambda p: p[0], lambda p: p.fill_(1),
              lambda p: p.requires_grad_(False), lambda p: p.tolist(), lambda p: p @ p):
        same_error(lambda f=f: f(pe), lambda f=f: f(pt), compare_message=False)
    with pytest.raises(ValueError, match=r"Attempted to use an uninitialized parameter in <method 'sum'"):
        pe.sum()
    with pytest.raises(ValueError, match="UninitializedBuffer"):
        nn.UninitializedBuffer().sum()
    # shape: torch's RuntimeError and message
    same_error(lambda: pe.shape, lambda: pt.shape)
    # what still works
    assert pe.size() == (0,) and pt.size() == (0,)
    assert pe.is_floating_point() and not pe.is_complex()
    assert pe.get_device() == -1
    assert pe.to(ember.float64).dtype == ember.float64
    assert pe.ndim == pt.ndim == 1
    assert hash(pe) == hash(pe)
    assert pe.data.numel() == 0


def test_uninitialized_copy_and_pickle():
    p = nn.UninitializedParameter(requires_grad=False, dtype=ember.float64)
    q = copy.deepcopy(p)
    assert type(q) is nn.UninitializedParameter and q is not p
    assert not q.requires_grad and q.dtype == ember.float64
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is nn.UninitializedParameter and not r.requires_grad
    b = copy.deepcopy(nn.UninitializedBuffer(persistent=False))
    assert type(b) is nn.UninitializedBuffer and not b.persistent
    b2 = pickle.loads(pickle.dumps(nn.UninitializedBuffer(persistent=False)))
    assert type(b2) is nn.UninitializedBuffer and not b2.persistent


# ----------------------------------------------------------------------------------------------- LazyLinear

@needs_torch
def test_lazy_linear_repr_and_state_dict_before_init():
    for bias in (True, False):
        em, tm = nn.LazyLinear(4, bias=bias), torch.nn.LazyLinear(4, bias=bias)
        assert repr(em) == repr(tm)
        assert list(em.state_dict()) == list(tm.state_dict())
        assert [repr(v) for v in em.state_dict().values()] == [repr(v) for v in tm.state_dict().values()]
        assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    em = nn.LazyLinear(4)
    assert em.in_features == 0 and em.out_features == 4
    assert is_lazy(em.weight) and is_lazy(em.bias) and em.has_uninitialized_params()
    assert isinstance(em, nn.Linear) and isinstance(em, LazyModuleMixin)


@needs_torch
def test_lazy_linear_first_call():
    em, tm = nn.LazyLinear(6), torch.nn.LazyLinear(6)
    xt = torch.randn(3, 5)
    ye = em(E(xt))
    yt = tm(xt)
    assert ye.shape == yt.shape == (3, 6)
    assert type(em) is nn.Linear and type(tm) is torch.nn.Linear  # cls_to_become
    assert repr(em) == repr(tm) == "Linear(in_features=5, out_features=6, bias=True)"
    assert em.in_features == 5 and em.weight.shape == (6, 5) and em.bias.shape == (6,)
    assert type(em.weight) is nn.Parameter and em.weight.requires_grad
    assert not hasattr(em, "_initialize_hook") and not hasattr(em, "_load_hook")
    assert len(em._forward_pre_hooks) == 0 and len(em._load_state_dict_pre_hooks) == 0
    # the output is the linear map of the new parameters
    np.testing.assert_allclose(ye.detach().numpy(), (E(xt) @ em.weight.T + em.bias).detach().numpy(), rtol=1e-6)
    # with torch's values copied in, the outputs agree
    with ember.no_grad():
        em.weight.copy_(E(tm.weight))
        em.bias.copy_(E(tm.bias))
    np.testing.assert_allclose(em(E(xt)).detach().numpy(), tm(xt).detach().numpy(), rtol=1e-6, atol=1e-6)
    # a second call with another width fails as Linear does
    with pytest.raises(RuntimeError):
        em(ember.ones(2, 7))


def test_lazy_linear_init_distribution():
    ember.manual_seed(0)
    in_features = 50
    m = nn.LazyLinear(400)
    m(ember.ones(2, in_features))
    bound = 1 / math.sqrt(in_features)
    w = m.weight.detach().numpy()
    b = m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-bound, bound): mean 0, std bound / sqrt(3)
    assert abs(w.mean()) < 0.02 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert np.abs(w).max() > 0.99 * bound


def test_lazy_linear_dtype_and_device():
    m = nn.LazyLinear(3, dtype=ember.float64)
    assert m.weight.dtype == ember.float64
    m(ember.ones(2, 4, dtype=ember.float64))
    assert m.weight.dtype == ember.float64 and m.bias.dtype == ember.float64
    # Module.to before initialization changes the placeholders' dtype
    m = nn.LazyLinear(3).double()
    assert is_lazy(m.weight) and m.weight.dtype == ember.float64
    m(ember.ones(1, 2, dtype=ember.float64))
    assert m.weight.dtype == ember.float64 and m.weight.shape == (3, 2)
    m = nn.LazyLinear(3, device="cpu")
    m(ember.ones(1, 2))
    assert m.weight.device.type == "cpu"


def test_lazy_linear_no_bias_and_batched_input():
    m = nn.LazyLinear(3, bias=False)
    assert m.bias is None
    y = m(ember.ones(2, 5, 4))
    assert y.shape == (2, 5, 3) and m.bias is None and m.weight.shape == (3, 4)
    assert repr(m) == "Linear(in_features=4, out_features=3, bias=False)"


def test_lazy_linear_backward():
    m = nn.LazyLinear(2)
    x = ember.ones(3, 4, requires_grad=True)
    m(x).sum().backward()
    assert m.weight.grad.shape == (2, 4) and x.grad.shape == (3, 4)
    np.testing.assert_allclose(m.bias.grad.numpy(), [3.0, 3.0])


@needs_torch
def test_load_state_dict_into_uninitialized():
    tm = torch.nn.Linear(4, 3)
    sd = {k: E(v) for k, v in tm.state_dict().items()}
    em, tl = nn.LazyLinear(3), torch.nn.LazyLinear(3)
    assert repr(em.load_state_dict(sd)) == repr(tl.load_state_dict(tm.state_dict()))
    assert not em.has_uninitialized_params()
    assert type(em.weight) is nn.Parameter and em.weight.requires_grad
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    np.testing.assert_array_equal(em.bias.detach().numpy(), tm.bias.detach().numpy())
    # still lazy until its first call, which reads in_features off the input
    assert type(em) is nn.LazyLinear and repr(em) == repr(tl)
    same_error(lambda: em(ember.ones(1, 5)), lambda: tl(torch.ones(1, 5)))
    xt = torch.randn(2, 4)
    np.testing.assert_allclose(em(E(xt)).detach().numpy(), tm(xt).detach().numpy(), rtol=1e-6, atol=1e-6)
    assert type(em) is nn.Linear and repr(em) == "Linear(in_features=4, out_features=3, bias=True)"


@needs_torch
def test_load_state_dict_lazy_cases():
    # uninitialized into uninitialized: stays lazy
    m = nn.LazyLinear(3)
    assert repr(m.load_state_dict(nn.LazyLinear(3).state_dict())) == "<All keys matched successfully>"
    assert is_lazy(m.weight)
    # uninitialized into initialized: torch's RuntimeError about the shape
    same_error(lambda: nn.Linear(2, 3).load_state_dict(nn.LazyLinear(3).state_dict()),
               lambda: torch.nn.Linear(2, 3).load_state_dict(torch.nn.LazyLinear(3).state_dict()))
    # partial, non-strict: only the given tensors materialize
    m = nn.LazyLinear(3)
    res = m.load_state_dict({"weight": ember.ones(3, 4)}, strict=False)
    assert res.missing_keys == ["bias"] and m.weight.shape == (3, 4) and is_lazy(m.bias)
    # strict: missing keys are reported as torch does
    same_error(lambda: nn.LazyLinear(3).load_state_dict({"weight": ember.ones(3, 4)}),
               lambda: torch.nn.LazyLinear(3).load_state_dict({"weight": torch.ones(3, 4)}))
    # state dict of an initialized lazy module: plain tensors
    m = nn.LazyLinear(3)
    m(ember.ones(1, 2))
    assert [type(v) for v in m.state_dict().values()] == [ember.Tensor, ember.Tensor]
    # keep_vars keeps the placeholders and parameters themselves
    m = nn.LazyLinear(3)
    assert m.state_dict(keep_vars=True)["weight"] is m.weight


def test_lazy_linear_deepcopy():
    m = nn.LazyLinear(3)
    m2 = copy.deepcopy(m)
    assert type(m2) is nn.LazyLinear and is_lazy(m2.weight) and m2.weight is not m.weight
    m2(ember.ones(1, 4))
    assert type(m2) is nn.Linear and m2.in_features == 4
    assert type(m) is nn.LazyLinear and m.has_uninitialized_params()  # the original is untouched
    m(ember.ones(1, 6))
    assert m.in_features == 6


def test_lazy_linear_in_sequential():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))
    y = net(ember.ones(5, 3))
    assert y.shape == (5, 2)
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]
    assert [p.shape for p in net.parameters()] == [(8, 3), (8,), (2, 8), (2,)]


# ------------------------------------------------------------------------------------------ LazyModuleMixin

class _Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(ember.ones(1))
        self.register_buffer("offset", ember.zeros(1))

    def forward(self, x, *, shift=0.0):
        return x * self.scale + self.offset + shift


class _LazyScale(LazyModuleMixin, _Scale):
    cls_to_become = _Scale

    def __init__(self):
        super().__init__()
        self.scale = nn.UninitializedParameter()
        self.offset = nn.UninitializedBuffer()

    def initialize_parameters(self, x, *, shift=0.0):
        if self.has_uninitialized_params():
            with ember.no_grad():
                self.scale.materialize(x.shape[-1:])
                self.offset.materialize(x.shape[-1:])
                self.scale.fill_(2.0)
                self.offset.fill_(shift)


def test_mixin_generic_parameter_and_buffer():
    m = _LazyScale()
    assert m.has_uninitialized_params()
    assert [repr(v) for v in m.state_dict().values()] == ["<UninitializedParameter>", "<UninitializedBuffer>"]
    y = m(ember.ones(2, 3), shift=1.0)  # keyword arguments reach initialize_parameters
    assert type(m) is _Scale
    assert m.scale.shape == (3,) and type(m.offset) is ember.Tensor and m.offset.shape == (3,)
    np.testing.assert_allclose(y.detach().numpy(), np.full((2, 3), 4.0))
    assert list(m.state_dict()) == ["scale", "offset"]


def test_mixin_load_materializes_buffers():
    m = _LazyScale()
    m.load_state_dict({"scale": ember.full((2,), 3.0), "offset": ember.ones(2)})
    assert not m.has_uninitialized_params()
    np.testing.assert_allclose(m(ember.ones(1, 2)).detach().numpy(), [[4.0, 4.0]])


def test_lazy_modules_pickle():
    m = pickle.loads(pickle.dumps(nn.LazyLinear(3)))
    assert type(m) is nn.LazyLinear and is_lazy(m.weight)
    m(ember.ones(1, 2))
    assert type(m) is nn.Linear and m.weight.shape == (3, 2)
    s = pickle.loads(pickle.dumps(_LazyScale()))
    assert type(s.offset) is nn.UninitializedBuffer
    s(ember.ones(1, 4))
    assert type(s) is _Scale and s.offset.shape == (4,)


def test_mixin_keeps_class_without_cls_to_become():
    class LazyBias(LazyModuleMixin, nn.Module):
        def __init__(self):
            super().__init__()
            self.b = nn.UninitializedParameter()

        def initialize_parameters(self, x):
            self.b.materialize(x.shape)
            with ember.no_grad():
                self.b.zero_()

        def forward(self, x):
            return x + self.b

    m = LazyBias()
    m(ember.ones(2))
    assert type(m) is LazyBias and not m.has_uninitialized_params()
    assert len(m._forward_pre_hooks) == 0


@needs_torch
def test_mixin_errors_match_torch():
    class L(LazyModuleMixin, nn.Module):
        pass

    class TL(torch.nn.modules.lazy.LazyModuleMixin, torch.nn.Module):
        pass

    L.__name__ = TL.__name__ = "L"
    same_error(lambda: L()(1), lambda: TL()(1))

    class L2(LazyModuleMixin, nn.Module):
        def __init__(self):
            super().__init__()
            self.p = nn.UninitializedParameter()

        def initialize_parameters(self, x):
            pass

    class TL2(torch.nn.modules.lazy.LazyModuleMixin, torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.p = torch.nn.UninitializedParameter()

        def initialize_parameters(self, x):
            pass

    L2.__name__ = TL2.__name__ = "L2"
    same_error(lambda: L2()(1), lambda: TL2()(1))
    same_error(lambda: nn.LazyLinear(3)._replicate_for_data_parallel(),
               lambda: torch.nn.LazyLinear(3)._replicate_for_data_parallel())


def test_exports():
    assert nn.UninitializedParameter is nn.parameter.UninitializedParameter
    assert nn.UninitializedBuffer is nn.parameter.UninitializedBuffer
    assert nn.LazyLinear is nn.modules.linear.LazyLinear is nn.modules.LazyLinear
    assert "LazyLinear" in nn.modules.__all__
    assert nn.modules.lazy.LazyModuleMixin is LazyModuleMixin
    assert nn.parameter.is_lazy is is_lazy


def test_docstring_examples():
    import doctest
    import importlib

    for name in ("ember.nn.modules.lazy", "ember.nn.parameter", "ember.nn.modules.linear"):
        mod = importlib.import_module(name)
        result = doctest.testmod(mod, extraglobs={"ember": ember}, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, name
