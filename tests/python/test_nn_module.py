"""ember.nn.Module, Parameter, Buffer and the containers, checked against torch.nn.

* parity tests build the same model in torch and in ember (the same small Module subclasses,
  defined once per library, holding Parameters made from the same NumPy arrays) and require the
  same names, orders, values, reprs, hook calls and error messages (with "torch." read as
  "ember."); they are skipped when torch is not installed (CI requires it, see .ci);
* the other tests check fixed values, so the module system stays covered without torch.
"""

import copy
import functools
import pickle
from collections import OrderedDict

import ember
import numpy as np
import pytest


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(1234)
ARRAYS = {name: RNG.standard_normal(shape).astype(np.float32)
          for name, shape in [("w1", (3, 2)), ("b1", (3,)), ("w2", (2, 3)), ("b2", (2,)), ("w3", (4,)),
                              ("s", (2,)), ("rm", (3,))]}


@functools.lru_cache(maxsize=None)
def lib_nn(lib):
    """Small Module subclasses written against `lib` (ember or torch), made once per library."""
    nn = lib.nn

    def param(name):
        return nn.Parameter(lib.from_numpy(ARRAYS[name].copy()))

    class Affine(nn.Module):
        def __init__(self, w, b, extra=True):
            super().__init__()
            self.weight = param(w)
            self.bias = param(b) if b else None
            self.register_buffer("running_mean", lib.from_numpy(ARRAYS["rm"].copy())[: self.weight.shape[0]])
            self.register_buffer("steps", lib.zeros((), dtype=lib.int64))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.extra = extra

        def extra_repr(self):
            if not self.extra:
                return ""
            return f"in={self.weight.shape[1]}, out={self.weight.shape[0]}, bias={self.bias is not None}"

        def forward(self, x):
            y = (self.weight * x.unsqueeze(0)).sum(1)
            return y + self.bias if self.bias is not None else y

    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.s = param("s")

        def extra_repr(self):
            return "multi\nline"

        def forward(self, x):
            return x * self.s

    class Block(nn.Module):
        def __init__(self, shared):
            super().__init__()
            self.fc1 = Affine("w1", "b1")
            self.act = nn.Sequential()
            self.fc2 = Affine("w2", "b2", extra=False)
            self.shared = shared
            self.scale = Scale()
            self.again = shared  # the same module twice
            self.tied = shared.weight  # the same parameter under another name

        def forward(self, x):
            return self.scale(self.fc2(self.act(self.fc1(x))))

    class Plain(nn.Module):
        pass

    for cls in (Affine, Scale, Block, Plain):  # picklable: reachable as module globals
        cls.__qualname__ = lib.__name__.capitalize() + cls.__name__
        globals()[cls.__qualname__] = cls
    return nn, Affine, Scale, Block, Plain, param


def build(lib):
    nn, Affine, Scale, Block, Plain, param = lib_nn(lib)
    shared = Affine("w2", None)
    model = nn.Sequential(OrderedDict([
        ("block", Block(shared)),
        ("layers", nn.ModuleList([Scale(), Scale(), Affine("w1", "b1"), Scale()])),
        ("heads", nn.ModuleDict({"a": Scale(), "b": shared})),
        ("plist", nn.ParameterList([lib.from_numpy(ARRAYS["w3"].copy()), param("s")])),
        ("pdict", nn.ParameterDict(OrderedDict([("z", param("b2")), ("y", param("b1"))]))),
    ]))
    return model


def np_of(t):
    return t.detach().cpu().numpy()


def msg(e):
    return str(e).replace("torch.", "ember.").replace("torch Tensor", "ember Tensor")


def same_error(fn_ember, fn_torch):
    """Both calls raise the same exception type with the same message (torch. -> ember.)."""
    with pytest.raises(Exception) as ee:
        fn_ember()
    with pytest.raises(Exception) as et:
        fn_torch()
    assert type(ee.value).__name__ == type(et.value).__name__
    assert msg(ee.value) == msg(et.value)


# ------------------------------------------------------------------------------------- Parameter


def test_parameter_is_an_aliasing_leaf():
    t = ember.arange(4.0)
    p = ember.nn.Parameter(t)
    assert isinstance(p, ember.Tensor) and isinstance(p, ember.nn.Parameter)
    assert type(p) is ember.nn.Parameter
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert p.data_ptr() == t.data_ptr()
    t.add_(1)  # the Parameter sees writes through the tensor it wraps
    assert p.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert not t.requires_grad
    (p * p).sum().backward()
    (p * 3).sum().backward()
    assert p.grad.tolist() == [5.0, 7.0, 9.0, 11.0]
    assert type(p * 2) is ember.Tensor
    q = ember.nn.Parameter(ember.ones(2, dtype=ember.float64), requires_grad=False)
    assert q.dtype == ember.float64 and not q.requires_grad
    assert ember.get_default_dtype() == ember.float32
    assert repr(ember.nn.Parameter(ember.tensor([1.0, 2.0]))) == (
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)")
    assert ember.nn.Parameter().shape == (0,)


def test_parameter_repr_parity(torch):
    for data, rg in [([1.5, -2.0], True), ([[1.0, 2.0], [3.0, 4.0]], False), ([], True)]:
        e = ember.nn.Parameter(ember.tensor(data, dtype=ember.float32), requires_grad=rg)
        t = torch.nn.Parameter(torch.tensor(data, dtype=torch.float32), requires_grad=rg)
        assert repr(e) == msg(repr(t))


def test_parameter_deepcopy_and_pickle():
    p = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is ember.nn.Parameter and q.requires_grad
        assert q.tolist() == [1.0, 2.0] and q.data_ptr() != p.data_ptr()


def test_buffer_marker(torch):
    t = ember.ones(2)
    b = ember.nn.Buffer(t, persistent=False)
    assert isinstance(b, ember.nn.Buffer) and not isinstance(t, ember.nn.Buffer)
    assert b.data_ptr() == t.data_ptr() and b.persistent is False
    for lib in (ember, torch):
        m = lib.nn.Module()
        m.a = lib.nn.Buffer(lib.ones(2))
        m.b = lib.nn.Buffer(lib.ones(2), persistent=False)
        m.a = lib.zeros(2)  # a registered buffer name takes plain tensors
        m.register_buffer("c", lib.nn.Buffer(lib.ones(1), persistent=False))  # the argument decides
        assert [n for n, _ in m.named_buffers()] == ["a", "b", "c"]
        assert list(m.state_dict()) == ["a", "c"]
        assert m.a.tolist() == [0.0, 0.0]


# ----------------------------------------------------------------------------------- registration


def registration_cases(lib):
    nn = lib.nn
    P = nn.Parameter

    class Pre(nn.Module):
        def __init__(self):
            self.w = P(lib.ones(1))

    class PreMod(nn.Module):
        def __init__(self):
            self.m = nn.Module()

    class PreBuf(nn.Module):
        def __init__(self):
            self.register_buffer("b", lib.ones(1))

    def m_with():
        m = nn.Module()
        m.w = P(lib.ones(1))
        m.sub = nn.Module()
        m.register_buffer("buf", lib.ones(1))
        m.plain = 3
        return m

    return [
        lambda: m_with().register_parameter("a.b", P(lib.ones(1))),
        lambda: m_with().register_parameter("", P(lib.ones(1))),
        lambda: m_with().register_parameter("plain", P(lib.ones(1))),
        lambda: m_with().register_parameter("sub", None),
        lambda: m_with().register_parameter(3, None),
        lambda: m_with().register_parameter("x", lib.ones(1)),
        lambda: m_with().register_parameter("x", 5),
        lambda: m_with().register_parameter("x", P(lib.ones(1)) * 2),
        lambda: m_with().register_buffer("a.b", lib.ones(1)),
        lambda: m_with().register_buffer("", lib.ones(1)),
        lambda: m_with().register_buffer("w", lib.ones(1)),
        lambda: m_with().register_buffer("x", [1.0]),
        lambda: m_with().register_buffer(1.5, None),
        lambda: m_with().add_module("a.b", nn.Module()),
        lambda: m_with().add_module("", nn.Module()),
        lambda: m_with().add_module("w", nn.Module()),
        lambda: m_with().add_module("x", 3),
        lambda: m_with().add_module(7, nn.Module()),
        lambda: m_with().register_module("buf", nn.Module()),
        lambda: setattr(m_with(), "w", lib.ones(1)),
        lambda: setattr(m_with(), "w", 3),
        lambda: setattr(m_with(), "sub", lib.ones(1)),
        lambda: setattr(m_with(), "buf", "text"),
        lambda: setattr(m_with(), "plain", nn.Buffer(lib.ones(1))),
        lambda: m_with().missing,
        lambda: Pre(),
        lambda: PreMod(),
        lambda: PreBuf(),
        lambda: nn.Module()(lib.ones(1)),
        lambda: nn.Module(3),
        lambda: m_with().get_submodule("sub.nothing"),
        lambda: m_with().get_submodule("w"),
        lambda: m_with().get_parameter("buf"),
        lambda: m_with().get_parameter("sub.q"),
        lambda: m_with().get_buffer("w"),
        lambda: m_with().train("yes"),
        lambda: m_with().load_state_dict([1, 2]),
        lambda: m_with().to(lib.int64),
        lambda: nn.ModuleList().extend(3),
        lambda: nn.ModuleDict().update(3),
        lambda: nn.ModuleDict().update([("a", nn.Module(), 1)]),
        lambda: nn.ModuleList([nn.Module()])[3],
        lambda: nn.Sequential(nn.Module())[-2],
        lambda: nn.Sequential() + nn.ModuleList(),
        lambda: nn.ParameterDict()[3],
        lambda: nn.ParameterList([lib.ones(1)])(),
    ]


def test_registration_errors_match_torch(torch):
    cases_e, cases_t = registration_cases(ember), registration_cases(torch)
    for i, (fe, ft) in enumerate(zip(cases_e, cases_t)):
        try:
            same_error(fe, ft)
        except AssertionError as err:  # pragma: no cover - says which case failed
            raise AssertionError(f"case {i}: {err}") from None


def test_registration_and_reassignment():
    nn = ember.nn
    m = nn.Module()
    m.w = nn.Parameter(ember.ones(1))
    m.w = None  # assigning None to a parameter name keeps the (absent) slot
    assert "w" in m._parameters and m.w is None
    assert list(m.parameters()) == []
    m.w = nn.Parameter(ember.zeros(1))
    m.sub = nn.Module()
    m.sub = None
    assert m.sub is None and "sub" in m._modules
    m.x = 1
    m.x = nn.Module()  # a module replaces the plain attribute
    assert "x" in m._modules and "x" not in m.__dict__
    m.x = nn.Parameter(ember.ones(2))  # ...and a parameter replaces the module
    assert "x" in m._parameters and "x" not in m._modules
    del m.x
    assert not hasattr(m, "x")
    m.register_buffer("b", ember.ones(1), persistent=False)
    del m.b
    assert "b" not in m._non_persistent_buffers_set
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'b'"):
        m.b
    d = dir(m)
    assert "w" in d and "sub" in d and "forward" in d


def test_dir_matches_torch(torch):
    # the public names beyond the class's: parameters, buffers, submodules, attributes
    for sub in ["", "block", "block.fc1", "plist", "pdict"]:
        me, mt = build(ember).get_submodule(sub), build(torch).get_submodule(sub)
        class_e, class_t = set(dir(type(me))), set(dir(type(mt)))
        de = [k for k in dir(me) if k not in class_e and not k.startswith("_")]
        dt = [k for k in dir(mt) if k not in class_t and not k.startswith("_")]
        assert de == dt and de


# ------------------------------------------------------------------------------------- iteration


def names(it):
    return [n for n, _ in it]


def test_iteration_orders_match_torch(torch):
    e, t = build(ember), build(torch)
    for kw in [{}, {"prefix": "model"}, {"recurse": False}, {"remove_duplicate": False},
               {"prefix": "p", "remove_duplicate": False}]:
        assert names(e.named_parameters(**kw)) == names(t.named_parameters(**kw)), kw
        assert names(e.named_buffers(**kw)) == names(t.named_buffers(**kw)), kw
    for kw in [{}, {"prefix": "root"}, {"remove_duplicate": False}]:
        assert names(e.named_modules(**kw)) == names(t.named_modules(**kw)), kw
        assert ([type(m).__name__ for _, m in e.named_modules(**kw)]
                == [type(m).__name__ for _, m in t.named_modules(**kw)])
    for sub in ["", "block", "block.shared", "layers", "heads", "plist"]:
        se, st = e.get_submodule(sub), t.get_submodule(sub)
        assert names(se.named_children()) == names(st.named_children())
        assert len(list(se.children())) == len(list(st.children()))
        assert len(list(se.modules())) == len(list(st.modules()))
        assert [np_of(p).tolist() for p in se.parameters()] == [np_of(p).tolist() for p in st.parameters()]
        assert [np_of(b).tolist() for b in se.buffers()] == [np_of(b).tolist() for b in st.buffers()]
    # shared objects are the same objects
    assert e.block.shared is e.heads.b and e.block.tied is e.block.shared.weight
    assert e.get_parameter("block.fc1.weight") is e.block.fc1.weight
    assert e.get_buffer("block.fc1.steps") is e.block.fc1.steps
    assert e.get_parameter("plist.1") is e.plist[1]


def test_named_modules_memo():
    nn = ember.nn
    leaf = nn.Module()
    m = nn.Sequential(leaf, nn.Sequential(leaf))
    memo = {leaf}
    assert names(m.named_modules(memo=memo)) == ["", "1"]


# ------------------------------------------------------------------------------------ state dict


def assert_state_equal(sd_e, sd_t):
    assert list(sd_e) == list(sd_t)
    for k in sd_t:
        assert str(sd_e[k].dtype).split(".")[-1] == str(sd_t[k].dtype).split(".")[-1], k
        np.testing.assert_array_equal(np_of(sd_e[k]), np_of(sd_t[k]), err_msg=k)


def test_state_dict_matches_torch(torch):
    e, t = build(ember), build(torch)
    sd_e, sd_t = e.state_dict(), t.state_dict()
    assert isinstance(sd_e, OrderedDict)
    assert_state_equal(sd_e, sd_t)
    assert "block.fc1.scratch" not in sd_e  # non-persistent
    assert list(sd_e._metadata) == list(sd_t._metadata)
    assert all(not v.requires_grad for v in sd_e.values())
    assert sd_e["block.fc1.weight"].data_ptr() == e.block.fc1.weight.data_ptr()  # detached, not copied
    kv = e.state_dict(keep_vars=True)
    assert kv["block.fc1.weight"] is e.block.fc1.weight
    assert list(e.state_dict(prefix="x.")) == list(t.state_dict(prefix="x."))
    dest = {}
    assert e.state_dict(destination=dest) is dest and list(dest) == list(sd_t)


def test_load_state_dict_from_torch(torch):
    e, t = build(ember), build(torch)
    with torch.no_grad():
        for p in t.parameters():
            p.mul_(-3).add_(1)
        t.block.fc1.steps.fill_(7)
    sd = {k: ember.from_numpy(v.numpy().copy()) for k, v in t.state_dict().items()}
    before = {n: p for n, p in e.named_parameters()}
    result = e.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert_state_equal(e.state_dict(), t.state_dict())
    for n, p in e.named_parameters():
        assert p is before[n] and p.requires_grad  # loaded in place
    # the shared / tied parameter got the value once, consistently
    assert e.block.tied is e.heads.b.weight


def test_load_state_dict_errors_match_torch(torch):
    e, t = build(ember), build(torch)
    sd_t = t.state_dict()
    variants = []
    bad = OrderedDict(sd_t)
    del bad["block.fc1.bias"]
    del bad["plist.1"]
    bad["block.fc1.unknown"] = torch.ones(1)
    bad["nothere.w"] = torch.ones(1)
    bad["block.fc2.weight"] = torch.ones(5, 5)
    variants.append(bad)
    only_size = OrderedDict(sd_t)
    only_size["layers.2.weight"] = torch.ones(3)
    variants.append(only_size)
    for v in variants:
        ve = OrderedDict((k, ember.from_numpy(x.numpy().copy())) for k, x in v.items())
        same_error(lambda: e.load_state_dict(ve), lambda: t.load_state_dict(v))
        if "block.fc1.bias" in v:  # only the first variant has missing keys
            continue
        # strict=False: the missing and unexpected keys are reported (size errors still raise)
        v2 = OrderedDict((k, x) for k, x in v.items() if k != "block.fc2.weight")
        ve2 = OrderedDict((k, x) for k, x in ve.items() if k != "block.fc2.weight")
        re_, rt = e.load_state_dict(ve2, strict=False), t.load_state_dict(v2, strict=False)
        assert re_.missing_keys == rt.missing_keys == ["block.fc1.bias", "block.fc2.weight", "plist.1"]
        assert re_.unexpected_keys == rt.unexpected_keys
        assert sorted(re_.unexpected_keys) == ["block.fc1.unknown", "nothere.w"]
        same_error(lambda: e.load_state_dict(ve2), lambda: t.load_state_dict(v2))
    # the exact text for a size mismatch
    nn = ember.nn
    m = nn.Module()
    m.weight = nn.Parameter(ember.ones(2, 3))
    with pytest.raises(RuntimeError) as err:
        m.load_state_dict({"weight": ember.ones(3, 2)})
    assert str(err.value) == (
        "Error(s) in loading state_dict for Module:\n\tsize mismatch for weight: copying a param with "
        "shape ember.Size([3, 2]) from checkpoint, the shape in current model is ember.Size([2, 3]).")


def test_load_state_dict_strict_false_keys_match_torch(torch):
    e, t = build(ember), build(torch)
    v = OrderedDict(t.state_dict())
    del v["heads.a.s"]
    v["block.extra"] = torch.ones(1)
    ve = OrderedDict((k, ember.from_numpy(x.numpy().copy())) for k, x in v.items())
    re_, rt = e.load_state_dict(ve, strict=False), t.load_state_dict(v, strict=False)
    assert re_.missing_keys == rt.missing_keys == ["heads.a.s"]
    assert re_.unexpected_keys == rt.unexpected_keys == ["block.extra"]
    assert repr(re_) == repr(rt)


def test_load_state_dict_assign():
    nn = ember.nn
    m = nn.Module()
    m.w = nn.Parameter(ember.zeros(2), requires_grad=False)
    m.register_buffer("b", ember.zeros(2))
    old = m.w
    new_w, new_b = ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])
    m.load_state_dict({"w": new_w, "b": new_b}, assign=True)
    assert m.w is not old and isinstance(m.w, nn.Parameter) and not m.w.requires_grad
    assert m.w.data_ptr() == new_w.data_ptr() and m.b is new_b
    assert old.tolist() == [0.0, 0.0]


def test_extra_state_and_overridable_hooks():
    nn = ember.nn

    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.n = 0

        def get_extra_state(self):
            return {"n": self.n}

        def set_extra_state(self, state):
            self.n = state["n"]

    c = Counter()
    c.n = 5
    sd = c.state_dict()
    assert sd["_extra_state"] == {"n": 5}
    c2 = Counter()
    c2.load_state_dict(sd)
    assert c2.n == 5

    class Renamed(nn.Module):  # an old checkpoint called the parameter "old"
        def __init__(self):
            super().__init__()
            self.new = nn.Parameter(ember.zeros(1))

        def _load_from_state_dict(self, state_dict, prefix, *args):
            if prefix + "old" in state_dict:
                state_dict[prefix + "new"] = state_dict.pop(prefix + "old")
            super()._load_from_state_dict(state_dict, prefix, *args)

    r = nn.Sequential(Renamed())
    r.load_state_dict({"0.old": ember.ones(1)})
    assert r[0].new.tolist() == [1.0]


# ------------------------------------------------------------------------------ modes, conversion


def test_train_eval_requires_grad_zero_grad_apply(torch):
    for lib in (ember, torch):
        m = build(lib)
        assert all(x.training for x in m.modules())
        assert m.eval() is m and not any(x.training for x in m.modules())
        m.block.train()
        assert [n for n, x in m.named_modules() if x.training] == [
            "block", "block.fc1", "block.act", "block.fc2", "block.shared", "block.scale"]
        assert m.requires_grad_(False) is m and not any(p.requires_grad for p in m.parameters())
        m.requires_grad_()
        assert all(p.requires_grad for p in m.parameters())
    e, t = build(ember), build(torch)
    for m, lib in ((e, ember), (t, torch)):
        out = m.block(lib.ones(2) * 0.5)
        out.sum().backward()
    grads_e = {n: np_of(p.grad) for n, p in e.named_parameters() if p.grad is not None}
    grads_t = {n: np_of(p.grad) for n, p in t.named_parameters() if p.grad is not None}
    assert list(grads_e) == list(grads_t) and grads_e
    for n in grads_t:
        np.testing.assert_allclose(grads_e[n], grads_t[n], rtol=1e-6, atol=1e-6)
    e.zero_grad(set_to_none=False)
    t.zero_grad(set_to_none=False)
    assert [(n, np_of(p.grad).tolist()) for n, p in e.named_parameters() if p.grad is not None] == \
        [(n, np_of(p.grad).tolist()) for n, p in t.named_parameters() if p.grad is not None]
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())
    order_e, order_t = [], []
    assert e.apply(lambda m: order_e.append(type(m).__name__)) is e
    t.apply(lambda m: order_t.append(type(m).__name__))
    assert order_e == order_t


def test_to_dtype_and_device(torch):
    e, t = build(ember), build(torch)
    w = e.block.fc1.weight
    (w * 2).sum().backward()
    keep = {n: p for n, p in e.named_parameters()}
    assert e.to("cpu") is e and e.to(ember.float32) is e and e.float() is e and e.cpu() is e
    assert all(p is keep[n] for n, p in e.named_parameters())  # same dtype: same objects
    e.to(ember.float64)
    t.to(torch.float64)
    assert_state_equal(e.state_dict(), t.state_dict())  # int buffers keep their dtype
    assert e.block.fc1.steps.dtype == ember.int64
    assert e.block.fc1.weight.grad.dtype == ember.float64
    np.testing.assert_array_equal(np_of(e.block.fc1.weight.grad), np.full((3, 2), 2.0))
    assert all(isinstance(p, ember.nn.Parameter) and p.requires_grad for p in e.parameters())
    # shared parameters stay shared after the conversion
    assert e.block.tied is e.block.shared.weight and e.heads.b is e.block.shared
    for conv, dt in [("half", ember.float16), ("bfloat16", ember.bfloat16), ("double", ember.float64),
                     ("float", ember.float32)]:
        getattr(e, conv)()
        assert {p.dtype for p in e.parameters()} == {dt}
    e.type(ember.float64)
    assert e.block.fc1.steps.dtype == ember.float64  # type() casts every tensor, as torch
    e2 = build(ember)
    e2.to(device="cpu", dtype=ember.float64, non_blocking=False)
    e2.to(ember.zeros(1, dtype=ember.float32))
    assert {p.dtype for p in e2.parameters()} == {ember.float32}


def test_to_same_dtype_keeps_parameter_identity_and_memory():
    m = ember.nn.ParameterList([ember.ones(2)])
    p = m[0]
    m._apply(lambda t: t * 3)
    assert m[0] is p and p.tolist() == [3.0, 3.0] and p.requires_grad


def test_to_dtype_keeps_parameter_identity_and_converts_grads():
    # torch's default: a dtype change replaces each Parameter's .data, the objects stay
    m = ember.nn.Module()
    m.w = ember.nn.Parameter(ember.ones(2))
    m.sub = ember.nn.Module()
    m.sub.w = m.w  # shared
    (m.w * 2).sum().backward()
    w = m.w
    m.double()
    assert m.w is w and m.sub.w is w
    assert w.dtype == ember.float64 and w.grad.dtype == ember.float64
    assert w.grad.tolist() == [2.0, 2.0] and w.is_leaf and w.requires_grad
    (w * 3).sum().backward()  # the parameter still accumulates, now in float64
    assert w.grad.tolist() == [5.0, 5.0]


def test_data_setter_takes_another_dtype():
    t = ember.zeros(3)
    t.data = ember.arange(2, dtype=ember.int64)
    assert t.dtype == ember.int64 and t.tolist() == [0, 1]
    p = ember.nn.Parameter(ember.ones(2))
    with pytest.raises(RuntimeError, match="require"):
        p.data = ember.ones(2, dtype=ember.int64)


def test_cuda_raises_like_tensor_cuda():
    with pytest.raises(RuntimeError) as te:
        ember.ones(1).cuda()
    m = ember.nn.ParameterList([ember.ones(1)])
    with pytest.raises(RuntimeError) as me:
        m.cuda()
    assert str(me.value) == str(te.value)


def meta_model(lib):
    nn = lib.nn
    m = nn.Sequential(nn.ParameterList([lib.ones(2, 3)]), nn.ModuleDict({"x": nn.Module()}))
    m[1].x.w = nn.Parameter(lib.empty(4))
    m[1].x.register_buffer("count", lib.zeros(2, dtype=lib.int64))
    m[1].x.tied = m[0][0]
    return m


def test_meta_then_to_empty():
    with ember.device("meta"):
        m = meta_model(ember)
    assert {p.device.type for p in m.parameters()} == {"meta"}
    keep = {n: p for n, p in m.named_parameters()}
    assert m.to_empty(device="cpu") is m
    assert {p.device.type for p in m.parameters()} == {"cpu"}
    assert {b.device.type for b in m.buffers()} == {"cpu"}
    assert all(p is keep[n] for n, p in m.named_parameters())
    assert m[1].x.tied is m[0][0] and m[1].x.count.dtype == ember.int64
    ref = meta_model(ember)
    with ember.no_grad():
        ref[1].x.w.copy_(ember.arange(4.0))
    m.load_state_dict(ref.state_dict())
    assert_state_equal(m.state_dict(), ref.state_dict())


# ---------------------------------------------------------------------------------------- hooks


def run_hooks(lib):
    nn, Affine, Scale, Block, Plain, param = lib_nn(lib)
    log = []
    m = Scale()

    def fmt(x):
        if isinstance(x, (tuple, list)):
            return "(" + ", ".join(fmt(v) for v in x) + ")"
        if isinstance(x, dict):
            return "{" + ", ".join(f"{k}: {fmt(v)}" for k, v in x.items()) + "}"
        if hasattr(x, "detach"):
            return str(np.round(np_of(x), 4).tolist())
        return repr(x)

    def pre1(mod, args):
        log.append(("pre1", type(mod).__name__, fmt(args)))
        return args[0] + 1  # a single value becomes the new args tuple

    def pre2(mod, args, kwargs):
        log.append(("pre2", fmt(args), fmt(kwargs)))
        return (args[0] * 2,), kwargs

    def pre0(mod, args):
        log.append(("pre0", fmt(args)))

    def fwd1(mod, args, out):
        log.append(("fwd1", fmt(args), fmt(out)))
        return out - 1

    def fwd2(mod, args, kwargs, out):
        log.append(("fwd2", fmt(args), fmt(kwargs), fmt(out)))

    def fwd0(mod, args, out):
        log.append(("fwd0", fmt(out)))

    def glob_pre(mod, args):
        log.append(("gpre", type(mod).__name__))

    def glob_fwd(mod, args, out):
        log.append(("gfwd", fmt(out)))
        return out * 10

    h1 = m.register_forward_pre_hook(pre1)
    m.register_forward_pre_hook(pre2, with_kwargs=True)
    h0 = m.register_forward_pre_hook(pre0, prepend=True)
    m.register_forward_hook(fwd1)
    m.register_forward_hook(fwd2, with_kwargs=True)
    m.register_forward_hook(fwd0, prepend=True)
    g1 = nn.modules.module.register_module_forward_pre_hook(glob_pre)
    g2 = nn.modules.module.register_module_forward_hook(glob_fwd)
    try:
        x = lib.from_numpy(np.array([1.0, -2.0], dtype=np.float32))
        outs = [fmt(m(x))]
        h1.remove()
        h0.remove()
        h0.remove()  # twice is fine
        outs.append(fmt(m(x)))
    finally:
        g1.remove()
        g2.remove()
    outs.append(fmt(m(x)))
    return log, outs


def test_forward_hooks_match_torch(torch):
    assert run_hooks(ember) == run_hooks(torch)


def test_forward_hook_always_call_and_kwargs(torch):
    def run(lib):
        log = []
        nn = lib.nn

        class Boom(nn.Module):
            def forward(self, x, scale=1.0):
                if scale < 0:
                    raise ValueError("negative")
                return x * scale

        m = Boom()
        m.register_forward_hook(lambda mod, a, out: log.append(("plain", out is None)))
        m.register_forward_hook(lambda mod, a, kw, out: log.append(("always", dict(kw), out is None)),
                                with_kwargs=True, always_call=True)
        with m.register_forward_pre_hook(lambda mod, a, kw: (a, {"scale": kw.get("scale", 1.0) * 3}),
                                         with_kwargs=True):
            r = m(lib.ones(1), scale=2.0).tolist()
        with pytest.raises(ValueError):
            m(lib.ones(1), scale=-1.0)
        return log, r

    assert run(ember) == run(torch)


def run_backward_hooks(lib):
    nn = lib.nn
    log = []

    def fmt(x):
        if isinstance(x, (tuple, list)):
            return "(" + ", ".join(fmt(v) for v in x) + ")"
        if x is None:
            return "None"
        return str(np.round(np_of(x), 4).tolist())

    class Mix(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(lib.from_numpy(ARRAYS["s"].copy()))

        def forward(self, x, k, y):
            return x * self.w * k + y * y, x.sum() * 2

    m = Mix()
    m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", fmt(go))))
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2, go[1]), prepend=True)
    m.register_full_backward_hook(lambda mod, gi, go: log.append(("hook1", fmt(gi), fmt(go))))
    m.register_full_backward_hook(lambda mod, gi, go: None if gi[0] is None else (gi[0] + 1, None, gi[2]))
    h = m.register_full_backward_hook(lambda mod, gi, go: log.append(("hook3", fmt(gi))))
    g = nn.modules.module.register_module_full_backward_hook(lambda mod, gi, go: log.append("global"))
    try:
        x = lib.from_numpy(np.array([1.0, -2.0], dtype=np.float32)).requires_grad_()
        y = lib.from_numpy(np.array([0.5, 3.0], dtype=np.float32)).requires_grad_()
        a, b = m(x, 3.0, y)
        log.append(("out", fmt(a), fmt(b)))
        (a.sum() + b * 5).backward()
        log.append(("grads", fmt(x.grad), fmt(y.grad), fmt(m.w.grad)))
        h.remove()
        # inputs without gradient: the hooks run with grad_input all None
        z = lib.ones(2)
        with pytest.warns(UserWarning, match="no inputs require gradients"):
            m(z, 1.0, z)[0].sum().backward()
        log.append(("w.grad", fmt(m.w.grad)))
    finally:
        g.remove()
    return log


def test_full_backward_hooks_match_torch(torch):
    assert run_backward_hooks(ember) == run_backward_hooks(torch)


def test_call_without_hooks_is_forward():
    class Id(ember.nn.Module):
        def forward(self, *args, **kwargs):
            return args, kwargs

    assert Id()(1, 2, k=3) == ((1, 2), {"k": 3})


# --------------------------------------------------------------------------------------- repr


def test_repr_matches_torch(torch):
    assert repr(build(ember)) == msg(repr(build(torch)))
    for make in [
        lambda lib: lib.nn.ModuleList(),
        lambda lib: lib.nn.Sequential(),
        lambda lib: lib.nn.ModuleList([lib_nn(lib)[2]() for _ in range(3)] + [lib.nn.Sequential()] * 2),
        lambda lib: lib.nn.ModuleList([lib.nn.ModuleList([lib.nn.Sequential()] * 2)] * 2),
        lambda lib: lib.nn.ModuleDict({"x": lib.nn.Sequential(lib_nn(lib)[4]())}),
        lambda lib: lib.nn.ParameterList([lib.ones(2, 3), lib.zeros((), dtype=lib.float64)]),
        lambda lib: lib.nn.ParameterDict({"b": lib.ones(4), "a": lib.ones(1, 2, dtype=lib.float64)}),
        lambda lib: lib.nn.ParameterDict(),
        lambda lib: lib_nn(lib)[4](),
    ]:
        assert repr(make(ember)) == msg(repr(make(torch)))


def test_repr_literal():
    nn = ember.nn

    class Tag(nn.Module):
        def extra_repr(self):
            return "k=1"

    m = nn.Sequential(Tag(), nn.ModuleList([Tag(), Tag(), nn.Sequential(Tag())]))
    assert repr(m) == (
        "Sequential(\n"
        "  (0): Tag(k=1)\n"
        "  (1): ModuleList(\n"
        "    (0-1): 2 x Tag(k=1)\n"
        "    (2): Sequential(\n"
        "      (0): Tag(k=1)\n"
        "    )\n"
        "  )\n"
        ")")


# ------------------------------------------------------------------------------------ pickling


def test_pickle_and_deepcopy_round_trip():
    m = build(ember)
    m.eval()
    m.block.fc1.steps.fill_(3)
    for m2 in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert repr(m2) == repr(m)
        assert names(m2.named_parameters()) == names(m.named_parameters())
        assert_state_equal(m2.state_dict(), m.state_dict())
        assert m2.block.fc1.scratch.tolist() == [1.0, 1.0]  # non-persistent buffers travel too
        assert not m2.training and not m2.block.training
        assert m2.block.shared is m2.heads.b and m2.block.tied is m2.block.shared.weight
        assert isinstance(m2.block.fc1.weight, ember.nn.Parameter)
        assert m2.block.fc1.weight.data_ptr() != m.block.fc1.weight.data_ptr()
        out = m2.block(ember.ones(2))
        np.testing.assert_array_equal(np_of(out), np_of(m.block(ember.ones(2))))


# ---------------------------------------------------------------------------------- containers


def test_sequential_ops_match_torch(torch):
    def run(lib):
        nn = lib.nn
        mods = [nn.Module() for _ in range(6)]
        for i, x in enumerate(mods):
            x.tag = i
        s = nn.Sequential(*mods[:4])
        r = []
        tags = lambda seq: [x.tag for x in seq]  # noqa: E731
        r.append(tags(s[1:3]))
        r.append(type(s[::2]).__name__)
        r.append(s[-1].tag)
        s[1] = mods[4]
        r.append(tags(s))
        del s[0]
        r.append((tags(s), list(s._modules)))
        del s[:1]
        r.append((tags(s), list(s._modules)))
        s.append(mods[0]).insert(1, mods[5]).insert(-1, mods[1])
        r.append((tags(s), list(s._modules)))
        s.extend([mods[2]])
        r.append(s.pop(0).tag)
        r.append((tags(s), list(s._modules), len(s)))
        t = s + nn.Sequential(mods[3])
        r.append((tags(t), list(t._modules)))
        s += nn.Sequential(mods[4])
        r.append((tags(s), list(s._modules)))
        od = nn.Sequential(OrderedDict([("first", mods[0]), ("second", mods[1])]))
        r.append((list(od._modules), od[-1].tag, tags(od[:1]), list(od[:1]._modules)))
        return r

    assert run(ember) == run(torch)


def test_sequential_forward():
    nn, Affine, Scale, Block, Plain, param = lib_nn(ember)
    s = nn.Sequential(Scale(), Scale())
    x = ember.ones(2)
    np.testing.assert_allclose(np_of(s(x)), ARRAYS["s"] ** 2, rtol=1e-6)


def test_module_list_and_dict_ops_match_torch(torch):
    def run(lib):
        nn = lib.nn
        mods = [nn.Module() for _ in range(5)]
        for i, x in enumerate(mods):
            x.tag = i
        tags = lambda seq: [x.tag for x in seq]  # noqa: E731
        r = []
        ml = nn.ModuleList(mods[:3])
        ml.append(mods[3])
        ml.insert(1, mods[4])
        r.append((tags(ml), list(ml._modules)))
        r.append((tags(ml[1:4]), type(ml[1:4]).__name__, ml[-1].tag))
        ml[-2] = mods[0]
        del ml[0]
        r.append((tags(ml), list(ml._modules)))
        ml += [mods[1]]
        ml.extend((mods[2],))
        r.append((tags(ml), ml.pop(1).tag, tags(ml), len(ml)))
        r.append(tags(ml + nn.ModuleList([mods[0]])))
        del ml[::2]
        r.append((tags(ml), list(ml._modules)))
        md = nn.ModuleDict({"b": mods[1], "a": mods[0]})
        md["c"] = mods[2]
        md.update([("d", mods[3])])
        md.update(nn.ModuleDict({"b": mods[4]}))
        r.append((list(md), list(md.keys()), tags(md.values()), [k for k, _ in md.items()],
                  "a" in md, len(md)))
        r.append((md.pop("a").tag, list(md)))
        del md["c"]
        r.append(list(md))
        md.clear()
        r.append(len(md))
        return r

    assert run(ember) == run(torch)


def test_parameter_containers_match_torch(torch):
    def run(lib):
        nn = lib.nn
        r = []
        pl = nn.ParameterList([lib.ones(1), nn.Parameter(lib.ones(2), requires_grad=False)])
        pl.append(lib.zeros(3))
        pl.extend([lib.ones(4)])
        pl += [lib.ones(5)]
        r.append([type(p).__name__ for p in pl])
        r.append([(n, tuple(p.shape), p.requires_grad) for n, p in pl.named_parameters()])
        r.append([tuple(p.shape) for p in pl[1:4]])
        pl[0] = lib.ones(6)
        r.append((tuple(pl[0].shape), tuple(pl[-1].shape), len(pl)))
        pd = nn.ParameterDict({"b": lib.ones(1), "a": lib.ones(2)})  # a plain dict: sorted keys
        pd["c"] = lib.ones(3)
        pd.update([("e", lib.ones(1)), ("d", lib.ones(2))])
        r.append((list(pd), list(pd.keys()), [k for k, _ in pd.items()], len(pd), "c" in pd))
        r.append([n for n, _ in pd.named_parameters()])
        r.append((pd.pop("a").shape[0], list(pd), pd.get("zz"), tuple(pd.get("b").shape)))
        r.append((pd.popitem()[0], list(pd), list(reversed(pd))))
        r.append(tuple(pd.setdefault("f", lib.ones(7)).shape))
        c = pd.copy()
        r.append((list(c), c["b"] is pd["b"]))
        r.append(list(pd | nn.ParameterDict({"z": lib.ones(1)})))
        del pd["b"]
        pd.clear()
        r.append(len(pd))
        r.append(list(nn.ParameterDict().fromkeys(["x", "y"], lib.ones(1))))
        return r

    assert run(ember) == run(torch)


def test_state_dict_through_containers_round_trip():
    a, b = build(ember), build(ember)
    with ember.no_grad():
        for p in a.parameters():
            p.add_(1)
    b.load_state_dict(a.state_dict())
    assert_state_equal(b.state_dict(), a.state_dict())


def test_docstring_examples():
    import doctest

    import ember.nn.modules.container
    import ember.nn.modules.module
    import ember.nn.parameter
    import ember.utils.hooks

    for mod in (ember.nn.modules.module, ember.nn.modules.container, ember.nn.parameter, ember.utils.hooks):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "OrderedDict": OrderedDict},
                                 optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
