"""ember.nn.utils.parametrize, ember.nn.utils.parametrizations and the legacy weight_norm /
spectral_norm hooks, checked against torch (outputs and gradients in float64, state dict keys,
printed forms, error types and messages)."""

import copy
import pickle
import re
import warnings

import ember
import ember.nn.utils.parametrize as P
import numpy as np
import pytest
from ember import nn
from ember.nn.utils import parametrizations as PZ

torch = pytest.importorskip("torch")
import torch.nn.utils.parametrize as TP
from torch.nn.utils import parametrizations as TPZ


def E(t):
    """torch tensor -> ember tensor (same values, via NumPy)."""
    return ember.tensor(t.detach().numpy())


def N(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach().numpy())


def close(a, b, atol=1e-10, rtol=1e-9):
    np.testing.assert_allclose(N(a), N(b), atol=atol, rtol=rtol)


def em_msg(msg):
    # torch.float32 -> ember.float32, torch.Size -> ember.Size (not in URLs such as pytorch.org)
    return re.sub(r"(?<![/\w])torch\.", "ember.", msg)


def same_error(fe, ft):
    """Both calls raise the same exception type with the same message (torch. -> ember.)."""
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as ee:
        fe()
    assert type(ee.value) is type(et.value)
    assert str(ee.value) == em_msg(str(et.value))


def linear_pair(in_f=3, out_f=4, bias=True, seed=0):
    torch.manual_seed(seed)
    tm = torch.nn.Linear(in_f, out_f, bias=bias).double()
    em = nn.Linear(in_f, out_f, bias=bias, dtype=ember.float64)
    with ember.no_grad():
        em.weight.copy_(E(tm.weight))
        if bias:
            em.bias.copy_(E(tm.bias))
    return em, tm


def make_symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    return Symmetric


def make_skew(lib):
    class Skew(lib.nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.transpose(-1, -2)

    return Skew


def make_split(lib):
    # right_inverse returns two tensors: forward(a, b) = a + b
    class Split(lib.nn.Module):
        def forward(self, a, b):
            return a + 2 * b

        def right_inverse(self, X):
            return X * 0.5, X * 0.25

    return Split


# ------------------------------------------------------------------------------------ register_parametrization

def test_symmetric_forward_backward_repr_state_dict():
    em, tm = linear_pair(4, 4)
    TP.register_parametrization(tm, "weight", make_symmetric(torch)())
    P.register_parametrization(em, "weight", make_symmetric(ember)())
    assert type(em).__name__ == "ParametrizedLinear" == type(tm).__name__
    assert isinstance(em, nn.Linear)
    assert repr(em) == repr(tm)
    assert str(em) == str(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    close(em.weight, tm.weight)
    close(em.weight, em.weight.T)
    # original = right_inverse(weight) = weight.triu()
    close(em.parametrizations.weight.original, tm.parametrizations.weight.original)
    xt = torch.randn(5, 4, dtype=torch.float64)
    ye, yt = em(E(xt)), tm(xt)
    close(ye, yt)
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    close(em.parametrizations.weight.original.grad, tm.parametrizations.weight.original.grad)
    close(em.bias.grad, tm.bias.grad)


def test_original_keeps_identity_and_requires_grad():
    m = nn.Linear(3, 3)
    w = m.weight
    P.register_parametrization(m, "weight", make_symmetric(ember)())
    assert m.parametrizations.weight.original is w
    assert isinstance(w, nn.Parameter) and w.requires_grad
    assert "weight" not in m._parameters
    assert not isinstance(m.weight, nn.Parameter)
    assert m.weight.grad_fn is not None


def test_assignment_goes_through_right_inverse():
    em, tm = linear_pair(4, 4)
    TP.register_parametrization(tm, "weight", make_symmetric(torch)())
    P.register_parametrization(em, "weight", make_symmetric(ember)())
    at = torch.randn(4, 4, dtype=torch.float64)
    at = at + at.T
    tm.weight = at
    em.weight = E(at)
    close(em.weight, at)
    close(em.parametrizations.weight.original, tm.parametrizations.weight.original)
    assert isinstance(em.parametrizations.weight.original, nn.Parameter)


def test_no_right_inverse_assignment_raises():
    m = P.register_parametrization(nn.Linear(3, 3), "weight", make_skew(ember)())
    t = TP.register_parametrization(torch.nn.Linear(3, 3), "weight", make_skew(torch)())

    def ae():
        m.weight = ember.zeros(3, 3)

    def at():
        t.weight = torch.zeros(3, 3)

    same_error(ae, at)


def test_chained_parametrizations():
    em, tm = linear_pair(4, 4)
    for lib, mod in ((torch, tm), (ember, em)):
        P_ = TP if lib is torch else P
        P_.register_parametrization(mod, "weight", make_symmetric(lib)())
        P_.register_parametrization(mod, "weight", lib.nn.Tanh())
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    close(em.weight, tm.weight)
    assert len(em.parametrizations.weight) == 2


def test_parametrize_buffer():
    class WithBuf(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", ember.ones(3, 3))

    class TWithBuf(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", torch.ones(3, 3))

    em, tm = WithBuf(), TWithBuf()
    P.register_parametrization(em, "scale", make_symmetric(ember)())
    TP.register_parametrization(tm, "scale", make_symmetric(torch)())
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert list(em.parameters()) == []
    close(em.scale, tm.scale)
    P.remove_parametrizations(em, "scale")
    assert "scale" in em._buffers and type(em).__name__ == "WithBuf"


def test_right_inverse_returning_several_tensors():
    em, tm = linear_pair(3, 4)
    TP.register_parametrization(tm, "weight", make_split(torch)())
    P.register_parametrization(em, "weight", make_split(ember)())
    assert list(em.state_dict()) == list(tm.state_dict()) == [
        "bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert repr(em) == repr(tm)
    plist = em.parametrizations.weight
    assert not plist.is_tensor and plist.ntensors == 2
    assert isinstance(plist.original0, nn.Parameter) and isinstance(plist.original1, nn.Parameter)
    close(plist.original0, tm.parametrizations.weight.original0)
    close(plist.original1, tm.parametrizations.weight.original1)
    close(em.weight, tm.weight)
    xt = torch.randn(2, 3, dtype=torch.float64)
    em(E(xt)).sum().backward()
    tm(xt).sum().backward()
    close(plist.original1.grad, tm.parametrizations.weight.original1.grad)
    # assignment splits again
    at = torch.randn(4, 3, dtype=torch.float64)
    em.weight = E(at)
    tm.weight = at
    close(plist.original0, tm.parametrizations.weight.original0)
    close(em.weight, at)
    # leave_parametrized=False is impossible with several originals
    same_error(lambda: P.remove_parametrizations(em, "weight", leave_parametrized=False),
               lambda: TP.remove_parametrizations(tm, "weight", leave_parametrized=False))
    P.remove_parametrizations(em, "weight")
    TP.remove_parametrizations(tm, "weight")
    assert type(em) is nn.Linear
    assert isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight)
    assert list(em.state_dict()) == list(tm.state_dict())


def test_remove_parametrizations():
    em, tm = linear_pair(4, 4)
    TP.register_parametrization(tm, "weight", make_skew(torch)())
    P.register_parametrization(em, "weight", make_skew(ember)())
    original = em.parametrizations.weight.original
    P.remove_parametrizations(em, "weight", leave_parametrized=True)
    TP.remove_parametrizations(tm, "weight", leave_parametrized=True)
    assert type(em) is nn.Linear and not hasattr(em, "parametrizations")
    assert em.weight is original  # same Parameter object, parametrized value
    assert isinstance(em.weight, nn.Parameter) and em.weight.requires_grad
    close(em.weight, tm.weight)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert not hasattr(nn.Linear, "weight")

    em, tm = linear_pair(4, 4, seed=3)
    TP.register_parametrization(tm, "weight", make_skew(torch)())
    P.register_parametrization(em, "weight", make_skew(ember)())
    P.remove_parametrizations(em, "weight", leave_parametrized=False)
    TP.remove_parametrizations(tm, "weight", leave_parametrized=False)
    close(em.weight, tm.weight)  # the unparametrized original


def test_remove_one_of_two_keeps_class():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", make_skew(ember)())
    P.register_parametrization(m, "bias", nn.Tanh())
    P.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear"
    assert P.is_parametrized(m) and P.is_parametrized(m, "bias") and not P.is_parametrized(m, "weight")
    P.remove_parametrizations(m, "bias")
    assert type(m) is nn.Linear


def test_class_swap_is_per_instance():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    P.register_parametrization(a, "weight", nn.Tanh())
    assert type(b) is nn.Linear and isinstance(b.weight, nn.Parameter)
    assert P.type_before_parametrizations(a) is nn.Linear
    assert P.type_before_parametrizations(b) is nn.Linear


def test_cached():
    calls = []

    class Count(nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2

    m = P.register_parametrization(nn.Linear(2, 2), "weight", Count())
    calls.clear()
    with P.cached():
        w1 = m.weight
        w2 = m.weight
        with P.cached():  # nested: still the same cache
            w3 = m.weight
        assert w1 is w2 is w3
    assert len(calls) == 1
    assert m.weight is not m.weight  # cache dropped on exit
    assert len(calls) == 3


def test_is_parametrized():
    m = nn.Linear(2, 2)
    assert not P.is_parametrized(m) and not P.is_parametrized(m, "weight")
    P.register_parametrization(m, "weight", nn.Tanh())
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight") and not P.is_parametrized(m, "bias")


def test_training_mode_follows_module():
    m = nn.Linear(2, 2).eval()
    p = nn.Tanh()
    P.register_parametrization(m, "weight", p)
    assert p.training is False


def test_transfer_parametrizations_and_params():
    a = P.register_parametrization(nn.Linear(3, 3), "weight", make_symmetric(ember)())
    b = P.transfer_parametrizations_and_params(a, nn.Linear(3, 3))
    assert type(b).__name__ == "ParametrizedLinear"
    assert b.parametrizations.weight.original is a.parametrizations.weight.original
    close(b.weight, a.weight)
    # a parameter that the target lacks is created
    c = P.register_parametrization(nn.Linear(3, 3), "bias", nn.Tanh())
    d = P.transfer_parametrizations_and_params(c, nn.Module())
    close(d.bias, c.bias)
    # not parametrized: nothing happens
    e = nn.Linear(2, 2)
    assert P.transfer_parametrizations_and_params(nn.Linear(2, 2), e) is e and type(e) is nn.Linear
    # several originals
    f = P.register_parametrization(nn.Linear(3, 3), "weight", make_split(ember)())
    g = P.transfer_parametrizations_and_params(f, nn.Linear(3, 3))
    assert g.parametrizations.weight.original1 is f.parametrizations.weight.original1


def test_deepcopy_and_pickle():
    m = P.register_parametrization(nn.Linear(3, 3), "weight", make_skew(ember)())
    m2 = copy.deepcopy(m)
    assert type(m2).__name__ == "ParametrizedLinear"
    assert m2.parametrizations.weight.original is not m.parametrizations.weight.original
    close(m2.weight, m.weight)
    t = TP.register_parametrization(torch.nn.Linear(3, 3), "weight", make_skew(torch)())
    same_error(lambda: pickle.dumps(m), lambda: pickle.dumps(t))


def test_state_dict_round_trip_from_torch():
    em, tm = linear_pair(4, 4)
    TP.register_parametrization(tm, "weight", make_symmetric(torch)())
    P.register_parametrization(em, "weight", make_symmetric(ember)())
    with torch.no_grad():
        tm.parametrizations.weight.original.mul_(3)
    em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
    close(em.weight, tm.weight)


class _RetInt:
    @staticmethod
    def make(lib):
        class RetInt(lib.nn.Module):
            def forward(self, x):
                return 3

        return RetInt


def _bad_parametrizations(lib):
    class Dbl(lib.nn.Module):
        def forward(self, x):
            return x.double()

    class Row(lib.nn.Module):
        def forward(self, x):
            return x[0]

    class RIDbl(lib.nn.Module):
        def forward(self, x):
            return x

        def right_inverse(self, x):
            return x.double()

    class RIInt(lib.nn.Module):
        def forward(self, x):
            return x

        def right_inverse(self, x):
            return 3

    class RIList(lib.nn.Module):
        def forward(self, a, b):
            return a + b

        def right_inverse(self, x):
            return [x, 3]

    class RIRow(lib.nn.Module):
        def forward(self, x):
            return x

        def right_inverse(self, x):
            return x[0]

    return [_RetInt.make(lib), Dbl, Row, RIDbl, RIInt, RIList, RIRow]


@pytest.mark.parametrize("i", range(7))
def test_register_errors_match_torch(i):
    pe = _bad_parametrizations(ember)[i]
    pt = _bad_parametrizations(torch)[i]
    same_error(lambda: P.register_parametrization(nn.Linear(3, 4), "weight", pe()),
               lambda: TP.register_parametrization(torch.nn.Linear(3, 4), "weight", pt()))


@pytest.mark.parametrize("i", [0, 1, 2, 3, 4, 6])
def test_stacked_register_errors_match_torch(i):
    me = P.register_parametrization(nn.Linear(3, 4), "weight", nn.Identity())
    mt = TP.register_parametrization(torch.nn.Linear(3, 4), "weight", torch.nn.Identity())
    pe = _bad_parametrizations(ember)[i]
    pt = _bad_parametrizations(torch)[i]
    same_error(lambda: P.register_parametrization(me, "weight", pe()),
               lambda: TP.register_parametrization(mt, "weight", pt()))
    assert len(me.parametrizations.weight) == 1  # nothing was appended


def test_unsafe_allows_shape_and_dtype_change():
    Row = _bad_parametrizations(ember)[2]
    m = P.register_parametrization(nn.Linear(3, 4), "weight", Row(), unsafe=True)
    assert m.weight.shape == (3,)
    Dbl = _bad_parametrizations(ember)[1]
    P.register_parametrization(m, "weight", Dbl(), unsafe=True)
    assert m.weight.dtype == ember.float64 and m.parametrizations.weight.unsafe


def test_misc_errors_match_torch():
    same_error(lambda: P.register_parametrization(nn.Linear(3, 4), "foo", nn.Identity()),
               lambda: TP.register_parametrization(torch.nn.Linear(3, 4), "foo", torch.nn.Identity()))
    same_error(lambda: P.remove_parametrizations(nn.Linear(3, 4), "weight"),
               lambda: TP.remove_parametrizations(torch.nn.Linear(3, 4), "weight"))

    # assignment errors from ParametrizationList.right_inverse
    me = P.register_parametrization(nn.Linear(3, 4), "weight", nn.Identity())
    mt = TP.register_parametrization(torch.nn.Linear(3, 4), "weight", torch.nn.Identity())
    for bad in (lambda x: x.double(), lambda x: 3):
        me.parametrizations.weight[0].right_inverse = bad
        mt.parametrizations.weight[0].right_inverse = bad

        def ae():
            me.weight = ember.ones(4, 3)

        def at():
            mt.weight = torch.ones(4, 3)

        same_error(ae, at)

    me = P.register_parametrization(nn.Linear(3, 4), "weight", make_split(ember)())
    mt = TP.register_parametrization(torch.nn.Linear(3, 4), "weight", make_split(torch)())
    for bad in (lambda x: x, lambda x: (x,), lambda x: (x, 3), lambda x: (x, x.double())):
        me.parametrizations.weight[0].right_inverse = bad
        mt.parametrizations.weight[0].right_inverse = bad

        def ae():
            me.weight = ember.ones(4, 3)

        def at():
            mt.weight = torch.ones(4, 3)

        same_error(ae, at)

    # assigning a Parameter to a parametrized name: the attribute exists
    me = P.register_parametrization(nn.Linear(3, 4), "weight", nn.Identity())
    mt = TP.register_parametrization(torch.nn.Linear(3, 4), "weight", torch.nn.Identity())

    def pe():
        me.weight = nn.Parameter(ember.ones(4, 3))

    def pt():
        mt.weight = torch.nn.Parameter(torch.ones(4, 3))

    same_error(pe, pt)


def test_parametrization_list_needs_modules():
    with pytest.raises(ValueError):
        P.ParametrizationList([], ember.ones(2))


# ------------------------------------------------------------------------------- parametrizations.weight_norm

@pytest.mark.parametrize("dim", [0, 1, -1, None])
def test_weight_norm_parametrization_matches_torch(dim):
    em, tm = linear_pair(3, 4)
    TPZ.weight_norm(tm, dim=dim)
    PZ.weight_norm(em, dim=dim)
    assert repr(em) == repr(tm)
    sd_t = tm.state_dict()
    assert list(em.state_dict()) == list(sd_t)
    e_pl, t_pl = em.parametrizations.weight, tm.parametrizations.weight
    assert e_pl.original0.shape == t_pl.original0.shape
    close(e_pl.original0, t_pl.original0)
    close(e_pl.original1, t_pl.original1)
    close(em.weight, tm.weight)
    # copy torch's values in (perturbed g, to make the test meaningful), then compare output and grads
    with torch.no_grad():
        t_pl.original0.mul_(torch.linspace(0.5, 2.0, t_pl.original0.numel(), dtype=torch.float64)
                            .reshape(t_pl.original0.shape))
    em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
    xt = torch.randn(5, 3, dtype=torch.float64)
    ye, yt = em(E(xt)), tm(xt)
    close(ye, yt)
    (ye.sin()).sum().backward()
    (yt.sin()).sum().backward()
    close(e_pl.original0.grad, t_pl.original0.grad)
    close(e_pl.original1.grad, t_pl.original1.grad)
    close(em.bias.grad, tm.bias.grad)
    # removing leaves the normalized weight as a plain Parameter
    P.remove_parametrizations(em, "weight")
    TP.remove_parametrizations(tm, "weight")
    assert type(em) is nn.Linear and isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight)


def test_weight_norm_parametrization_loads_legacy_state_dict():
    em, tm = linear_pair(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(tm)
    legacy = {k: E(v) for k, v in tm.state_dict().items()}
    assert sorted(legacy) == ["bias", "weight_g", "weight_v"]
    PZ.weight_norm(em)
    em.load_state_dict(legacy)
    close(em.parametrizations.weight.original0, tm.weight_g)
    close(em.parametrizations.weight.original1, tm.weight_v)
    close(em.weight, tm.weight)


def test_weight_norm_parametrization_errors():
    same_error(lambda: PZ.weight_norm(nn.Linear(3, 4), name="foo"),
               lambda: TPZ.weight_norm(torch.nn.Linear(3, 4), name="foo"))


# ----------------------------------------------------------------------------- parametrizations.spectral_norm

def _sn_pair(seed=0, n_power_iterations=1):
    em, tm = linear_pair(5, 4, seed=seed)
    TPZ.spectral_norm(tm, n_power_iterations=n_power_iterations)
    PZ.spectral_norm(em, n_power_iterations=n_power_iterations)
    # start from torch's power iteration vectors (the random starts differ between libraries)
    em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
    return em, tm


@pytest.mark.parametrize("n_power_iterations", [1, 3])
def test_spectral_norm_parametrization_matches_torch(n_power_iterations):
    em, tm = _sn_pair(n_power_iterations=n_power_iterations)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict()) == [
        "bias", "parametrizations.weight.original", "parametrizations.weight.0._u",
        "parametrizations.weight.0._v"]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    e0, t0 = em.parametrizations.weight[0], tm.parametrizations.weight[0]
    for step in range(3):  # each training-mode access runs the power iteration
        xt = torch.randn(2, 5, dtype=torch.float64)
        ye, yt = em(E(xt)), tm(xt)
        close(ye, yt)
        close(e0._u, t0._u)
        close(e0._v, t0._v)
        ye.pow(2).sum().backward()
        yt.pow(2).sum().backward()
        close(em.parametrizations.weight.original.grad, tm.parametrizations.weight.original.grad)
    # sigma(W_sn) ~ 1
    assert abs(float(ember.linalg.matrix_norm(em.weight.detach(), 2)) - 1.0) < 1e-2


def test_spectral_norm_parametrization_eval_does_not_update():
    em, tm = _sn_pair(seed=1)
    em.eval()
    tm.eval()
    u0 = em.parametrizations.weight[0]._u.clone()
    w1 = em.weight
    w2 = em.weight
    close(w1, w2)
    close(em.parametrizations.weight[0]._u, u0)
    close(w1, tm.weight)


def test_spectral_norm_parametrization_registration_power_method():
    # the 15 registration iterations from torch's starting vectors give torch's vectors
    torch.manual_seed(0)
    w = torch.randn(4, 6, dtype=torch.float64)
    tm = torch.nn.Module()
    tm.weight = torch.nn.Parameter(w.clone())
    TPZ.spectral_norm(tm)
    sn = tm.parametrizations.weight[0]
    em = nn.Module()
    em.weight = nn.Parameter(E(w))
    PZ.spectral_norm(em)
    es = em.parametrizations.weight[0]
    # rerun ember's method from torch's vectors, compare one update with torch's
    with ember.no_grad():
        es._u.copy_(E(sn._u))
        es._v.copy_(E(sn._v))
    es._power_method(E(w), 15)
    with torch.no_grad():
        sn._power_method(w, 15)
    close(es._u, sn._u, atol=1e-8)
    close(es._v, sn._v, atol=1e-8)


def test_spectral_norm_parametrization_nd_weight_and_dim():
    torch.manual_seed(2)
    w = torch.randn(3, 4, 2, dtype=torch.float64)
    for dim in (0, 1, -1):
        tm = torch.nn.Module()
        tm.weight = torch.nn.Parameter(w.clone())
        em = nn.Module()
        em.weight = nn.Parameter(E(w))
        TPZ.spectral_norm(tm, dim=dim)
        PZ.spectral_norm(em, dim=dim)
        assert em.parametrizations.weight[0]._u.shape == tm.parametrizations.weight[0]._u.shape
        em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
        close(em.weight, tm.weight)


def test_spectral_norm_parametrization_vector():
    tm = torch.nn.Module()
    tm.weight = torch.nn.Parameter(torch.tensor([3.0, 4.0], dtype=torch.float64))
    em = nn.Module()
    em.weight = nn.Parameter(ember.tensor([3.0, 4.0], dtype=ember.float64))
    TPZ.spectral_norm(tm)
    PZ.spectral_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    close(em.weight, tm.weight)


def test_spectral_norm_parametrization_errors():
    same_error(lambda: PZ.spectral_norm(nn.Linear(3, 4), n_power_iterations=0),
               lambda: TPZ.spectral_norm(torch.nn.Linear(3, 4), n_power_iterations=0))
    same_error(lambda: PZ.spectral_norm(nn.Linear(3, 4), dim=3),
               lambda: TPZ.spectral_norm(torch.nn.Linear(3, 4), dim=3))
    same_error(lambda: PZ.spectral_norm(nn.Linear(3, 4), name="foo"),
               lambda: TPZ.spectral_norm(torch.nn.Linear(3, 4), name="foo"))


# --------------------------------------------------------------------------------- parametrizations.orthogonal

@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal(orthogonal_map, shape, use_trivialization):
    out_f, in_f = shape
    em = nn.Linear(in_f, out_f, dtype=ember.float64)
    tm = torch.nn.Linear(in_f, out_f).double()
    PZ.orthogonal(em, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    TPZ.orthogonal(tm, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    Q = em.weight
    k = min(shape)
    gram = Q @ Q.mT if out_f < in_f else Q.mT @ Q
    close(gram, ember.eye(k, dtype=ember.float64), atol=1e-12)
    # the forward map agrees with torch's on the same stored tensors
    em.load_state_dict({k_: E(v) for k_, v in tm.state_dict().items()})
    close(em.weight, tm.weight, atol=1e-12)
    # gradients too
    xt = torch.randn(2, in_f, dtype=torch.float64)
    em(E(xt)).pow(3).sum().backward()
    tm(xt).pow(3).sum().backward()
    close(em.parametrizations.weight.original.grad, tm.parametrizations.weight.original.grad, atol=1e-10)
    # assigning an orthogonal matrix
    A = torch.randn(max(shape), k, dtype=torch.float64)
    Qt = torch.linalg.qr(A)[0]
    Qt = Qt if out_f >= in_f else Qt.T
    if not use_trivialization and orthogonal_map != "householder":
        def ae():
            em.weight = E(Qt)

        def at():
            tm.weight = Qt

        same_error(ae, at)
    else:
        em.weight = E(Qt)
        close(em.weight, Qt, atol=1e-12)


def test_orthogonal_default_map_and_errors():
    m = PZ.orthogonal(nn.Linear(4, 4))
    assert m.parametrizations.weight[0].orthogonal_map.name == "matrix_exp"
    m = PZ.orthogonal(nn.Linear(3, 5))
    assert m.parametrizations.weight[0].orthogonal_map.name == "householder"
    same_error(lambda: PZ.orthogonal(nn.Linear(3, 3), orthogonal_map="foo"),
               lambda: TPZ.orthogonal(torch.nn.Linear(3, 3), orthogonal_map="foo"))
    same_error(lambda: PZ.orthogonal(nn.Linear(3, 3), name="bias"),
               lambda: TPZ.orthogonal(torch.nn.Linear(3, 3), name="bias"))
    same_error(lambda: PZ.orthogonal(nn.Linear(3, 3), name="foo"),
               lambda: TPZ.orthogonal(torch.nn.Linear(3, 3), name="foo"))
    m = PZ.orthogonal(nn.Linear(3, 3))
    t = TPZ.orthogonal(torch.nn.Linear(3, 3))

    def ae():
        m.weight = ember.eye(2)

    def at():
        t.weight = torch.eye(2)

    same_error(ae, at)


# ------------------------------------------------------------------------------------- legacy weight_norm

def test_norm_except_dim_and_weight_norm_function():
    vt = torch.randn(3, 4, 2, dtype=torch.float64, requires_grad=True)
    ve = E(vt).requires_grad_(True)
    for dim in (0, 1, 2, -1, -2, -3):
        close(ember.norm_except_dim(ve, 2, dim), torch.norm_except_dim(vt, 2, dim))
        assert ember.norm_except_dim(ve, 2, dim).shape == torch.norm_except_dim(vt, 2, dim).shape
    close(ember.norm_except_dim(ve, 3, 1), torch.norm_except_dim(vt, 3, 1))
    same_error(lambda: ember.norm_except_dim(ve, 2, 3), lambda: torch.norm_except_dim(vt, 2, 3))
    for dim in (0, 1, -1):
        gt = (torch.norm_except_dim(vt, 2, dim) * 1.5).detach().requires_grad_(True)
        ge = E(gt).requires_grad_(True)
        ye, yt = ember._weight_norm(ve, ge, dim), torch._weight_norm(vt, gt, dim)
        close(ye, yt)
        ye.sin().sum().backward()
        yt.sin().sum().backward()
        close(ve.grad, vt.grad)
        close(ge.grad, gt.grad)
        ve.grad = None
        vt.grad = None


@pytest.mark.parametrize("dim", [0, 1, None])
def test_legacy_weight_norm_matches_torch(dim):
    em, tm = linear_pair(3, 4)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(em, dim=dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.weight_norm(tm, dim=dim)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert em.weight_g.shape == tm.weight_g.shape
    close(em.weight_g, tm.weight_g)
    close(em.weight_v, tm.weight_v)
    with torch.no_grad():
        tm.weight_g.mul_(1.7)
    em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
    xt = torch.randn(5, 3, dtype=torch.float64)
    ye, yt = em(E(xt)), tm(xt)
    close(ye, yt)
    ye.tanh().sum().backward()
    yt.tanh().sum().backward()
    close(em.weight_g.grad, tm.weight_g.grad)
    close(em.weight_v.grad, tm.weight_v.grad)
    nn.utils.remove_weight_norm(em)
    torch.nn.utils.remove_weight_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict()) == ["bias", "weight"]
    assert isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight)
    assert len(em._forward_pre_hooks) == 0


def test_legacy_weight_norm_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        me = nn.utils.weight_norm(nn.Linear(3, 4))
        mt = torch.nn.utils.weight_norm(torch.nn.Linear(3, 4))
        same_error(lambda: nn.utils.weight_norm(me), lambda: torch.nn.utils.weight_norm(mt))
        same_error(lambda: nn.utils.weight_norm(nn.LazyLinear(3)),
                   lambda: torch.nn.utils.weight_norm(torch.nn.LazyLinear(3)))
    same_error(lambda: nn.utils.remove_weight_norm(nn.Linear(2, 2)),
               lambda: torch.nn.utils.remove_weight_norm(torch.nn.Linear(2, 2)))


# ----------------------------------------------------------------------------------- legacy spectral_norm

def test_legacy_spectral_norm_matches_torch():
    em, tm = linear_pair(5, 4)
    nn.utils.spectral_norm(em)
    torch.nn.utils.spectral_norm(tm)
    assert repr(em) == repr(tm)
    sd_e, sd_t = em.state_dict(), tm.state_dict()
    assert list(sd_e) == list(sd_t) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert sd_e._metadata[""] == sd_t._metadata[""]
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert "weight" in em.__dict__ and not isinstance(em.weight, nn.Parameter)
    em.load_state_dict({k: E(v) for k, v in sd_t.items()})
    for step in range(3):
        xt = torch.randn(2, 5, dtype=torch.float64)
        ye, yt = em(E(xt)), tm(xt)
        close(ye, yt)
        close(em.weight_u, tm.weight_u)
        close(em.weight_v, tm.weight_v)
        ye.pow(2).sum().backward()
        yt.pow(2).sum().backward()
        close(em.weight_orig.grad, tm.weight_orig.grad)
    # eval: no power iteration
    em.eval()
    tm.eval()
    u0 = em.weight_u.clone()
    xt = torch.randn(2, 5, dtype=torch.float64)
    close(em(E(xt)), tm(xt))
    close(em.weight_u, u0)
    nn.utils.remove_spectral_norm(em)
    torch.nn.utils.remove_spectral_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict()) == ["bias", "weight"]
    assert isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight)
    assert len(em._forward_pre_hooks) == 0 and len(em._state_dict_hooks) == 0


def test_legacy_spectral_norm_dim_and_nd():
    torch.manual_seed(4)
    w = torch.randn(3, 4, 2, dtype=torch.float64)
    tm = torch.nn.Module()
    tm.weight = torch.nn.Parameter(w.clone())
    em = nn.Module()
    em.weight = nn.Parameter(E(w))
    torch.nn.utils.spectral_norm(tm, dim=1, n_power_iterations=2)
    nn.utils.spectral_norm(em, dim=1, n_power_iterations=2)
    assert em.weight_u.shape == tm.weight_u.shape and em.weight_v.shape == tm.weight_v.shape
    em.load_state_dict({k: E(v) for k, v in tm.state_dict().items()})
    hook_e = next(iter(em._forward_pre_hooks.values()))
    hook_t = next(iter(tm._forward_pre_hooks.values()))
    hook_e(em, ())
    hook_t(tm, ())
    close(em.weight, tm.weight)
    close(em.weight_u, tm.weight_u)


def test_legacy_spectral_norm_loads_version0_state_dict():
    # an old (version 0) state dict has weight, weight_orig and weight_u; weight_v is solved for
    torch.manual_seed(5)
    src = torch.nn.utils.spectral_norm(torch.nn.Linear(5, 4).double())
    src(torch.randn(1, 5, dtype=torch.float64))
    old = {k: v for k, v in src.state_dict().items() if k != "weight_v"}
    old["weight"] = src.weight.detach().clone()
    tm = torch.nn.utils.spectral_norm(torch.nn.Linear(5, 4).double())
    em = nn.utils.spectral_norm(nn.Linear(5, 4, dtype=ember.float64))
    tm.load_state_dict(dict(old))
    em.load_state_dict({k: E(v) for k, v in old.items()})
    close(em.weight_v, tm.weight_v, atol=1e-8)
    close(em.weight_orig, tm.weight_orig)
    em.eval()
    tm.eval()
    xt = torch.randn(2, 5, dtype=torch.float64)
    close(em(E(xt)), tm(xt), atol=1e-8)


def test_legacy_spectral_norm_errors():
    me = nn.utils.spectral_norm(nn.Linear(3, 4))
    mt = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4))
    same_error(lambda: nn.utils.spectral_norm(me), lambda: torch.nn.utils.spectral_norm(mt))
    same_error(lambda: nn.utils.spectral_norm(nn.Linear(3, 4), n_power_iterations=0),
               lambda: torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4), n_power_iterations=0))
    same_error(lambda: nn.utils.spectral_norm(nn.Linear(3, 4, bias=False), name="bias"),
               lambda: torch.nn.utils.spectral_norm(torch.nn.Linear(3, 4, bias=False), name="bias"))
    same_error(lambda: nn.utils.spectral_norm(nn.LazyLinear(3)),
               lambda: torch.nn.utils.spectral_norm(torch.nn.LazyLinear(3)))
    same_error(lambda: nn.utils.remove_spectral_norm(nn.Linear(2, 2)),
               lambda: torch.nn.utils.remove_spectral_norm(torch.nn.Linear(2, 2)))


def test_exports():
    assert nn.utils.parametrize is P
    assert nn.utils.parametrizations is PZ
    assert callable(nn.utils.weight_norm) and callable(nn.utils.spectral_norm)
    for name in ("weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm",
                 "parametrize", "parametrizations"):
        assert name in nn.utils.__all__
    assert set(P.__all__) == {"cached", "ParametrizationList", "register_parametrization", "is_parametrized",
                              "remove_parametrizations", "type_before_parametrizations",
                              "transfer_parametrizations_and_params"}


def test_docstring_examples():
    import doctest
    import importlib

    for name in ("ember.nn.utils.parametrize", "ember.nn.utils.parametrizations", "ember.nn.utils.weight_norm",
                 "ember.nn.utils.spectral_norm", "ember.nn.utils"):
        mod = importlib.import_module(name)
        result = doctest.testmod(mod, extraglobs={"ember": ember}, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, name
