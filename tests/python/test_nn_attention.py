"""Attention and transformer layers against torch: F.scaled_dot_product_attention over every kind of
mask, causal, scale, GQA and its errors (plus float64 gradcheck); MultiheadAttention and the
Transformer family with torch's state dict copied in, comparing outputs and every input and
parameter gradient (train mode with dropout 0 and eval mode), printed forms and state-dict keys.
"""

from __future__ import annotations

import math
import warnings

import ember
import ember.nn.functional as F
import numpy as np
import pytest
from ember import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-11

# warnings both libraries give on purpose (mismatched mask types; torch's nested-tensor prototype)
pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors"),
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")]


def _pair(a, requires_grad=False):
    e, t = ember.tensor(a), torch.tensor(a)
    if requires_grad:
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def _close(e, t, rtol=RTOL, atol=ATOL, msg=""):
    assert tuple(e.shape) == tuple(t.shape), msg
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=msg)


# ---- scaled_dot_product_attention ----

def _mask(kind, shape, rng):
    if kind is None:
        return None
    if kind == "bool":
        m = rng.random(shape) > 0.3
        m[..., 0] = True  # every row keeps a key
        return m
    if kind == "bool_empty_rows":
        m = rng.random(shape) > 0.3
        m[..., 0, :] = False  # a row with no key at all: zeros, as torch's _safe_softmax
        return m
    if kind == "float":
        return rng.standard_normal(shape)
    if kind == "float_inf":
        m = rng.standard_normal(shape)
        m[rng.random(shape) > 0.7] = -np.inf
        m[..., 0] = 0.0
        return m
    raise ValueError(kind)


# (query shape, key shape, value shape, mask kind, mask shape, kwargs)
SDPA_CASES = [
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, None, {}),
    ((4, 8), (5, 8), (5, 3), None, None, {}),
    ((3, 4, 8), (3, 5, 8), (3, 5, 8), None, None, {}),
    ((2, 1, 3, 4, 8), (2, 1, 3, 5, 8), (2, 1, 3, 5, 6), None, None, {}),
    ((2, 3, 4, 8), (1, 3, 5, 8), (2, 1, 5, 6), None, None, {}),  # batch dims broadcast
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "bool", (4, 5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "bool", (2, 3, 4, 5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "bool", (2, 1, 1, 5), {}),
    ((3, 4, 8), (3, 5, 8), (3, 5, 6), "bool", (5,), {}),  # (torch's 4-D CPU flash path wants a 2-D mask)
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "bool_empty_rows", (3, 4, 5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "float", (4, 5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "float", (2, 3, 4, 5), {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "float_inf", (1, 3, 4, 5), {}),
    ((4, 8), (5, 8), (5, 3), "float", (4, 5), {"scale": 0.3}),
    ((2, 3, 5, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, None, {"is_causal": True}),
    ((2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 6), None, None, {"is_causal": True}),  # L < S: upper-left
    ((2, 3, 6, 8), (2, 3, 4, 8), (2, 3, 4, 6), None, None, {"is_causal": True}),  # L > S
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, None, {"scale": 2.0}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, None, {"scale": -0.5}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), "bool", (4, 5), {"scale": 0.0}),
    ((2, 6, 4, 8), (2, 2, 5, 8), (2, 2, 5, 6), None, None, {"enable_gqa": True}),
    ((2, 6, 4, 8), (2, 3, 5, 8), (2, 1, 5, 6), "float", (6, 4, 5), {"enable_gqa": True}),
    ((6, 4, 8), (3, 4, 8), (3, 4, 8), None, None, {"enable_gqa": True, "is_causal": True}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, None, {"dropout_p": 0.0}),
    ((2, 3, 4, 8), (2, 3, 0, 8), (2, 3, 0, 6), None, None, {}),  # no keys
]


@pytest.mark.parametrize("case", range(len(SDPA_CASES)))
def test_sdpa_matches_torch(case):
    qs, ks, vs, mask_kind, mask_shape, kwargs = SDPA_CASES[case]
    rng = np.random.default_rng(case)
    (eq, tq), (ek, tk), (ev, tv) = (_pair(rng.standard_normal(s), True) for s in (qs, ks, vs))
    m = _mask(mask_kind, mask_shape, rng)
    em = tm = None
    if m is not None:
        em, tm = _pair(m, requires_grad=m.dtype != np.bool_ and mask_kind != "float_inf")
    e_out = F.scaled_dot_product_attention(eq, ek, ev, em, **kwargs)
    t_out = TF.scaled_dot_product_attention(tq, tk, tv, tm, **kwargs)
    _close(e_out, t_out)
    assert not np.isnan(e_out.detach().numpy()).any()
    if e_out.numel() == 0 or ks[-2] == 0:
        return
    g = rng.standard_normal(tuple(t_out.shape))
    e_out.backward(ember.tensor(g))
    t_out.backward(torch.tensor(g))
    for name, e, t in [("query", eq, tq), ("key", ek, tk), ("value", ev, tv), ("mask", em, tm)]:
        if t is not None and t.requires_grad:
            _close(e.grad, t.grad, msg=name)


def test_sdpa_rows_without_keys_are_zero_with_zero_gradient():
    q = ember.randn(2, 4, 8, dtype=ember.float64, requires_grad=True)
    k = ember.randn(2, 5, 8, dtype=ember.float64, requires_grad=True)
    v = ember.randn(2, 5, 3, dtype=ember.float64)
    mask = ember.ones(4, 5, dtype=ember.bool)
    mask[1] = False
    out = F.scaled_dot_product_attention(q, k, v, mask)
    assert out[:, 1].abs().max().item() == 0.0
    out.sum().backward()
    assert not bool(q.grad.isnan().any()) and q.grad[:, 1].abs().max().item() == 0.0
    assert not bool(k.grad.isnan().any())
    neg_inf = ember.zeros(4, 5, dtype=ember.float64)
    neg_inf[2] = float("-inf")
    assert F.scaled_dot_product_attention(q, k, v, neg_inf)[:, 2].abs().max().item() == 0.0


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_sdpa_lower_precision_matches_torch(dtype):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(2, 2, 4, 8), (2, 2, 5, 8), (2, 2, 5, 8)]]
    mask = rng.standard_normal((4, 5)).astype(np.float32)  # a float32 mask goes with any query dtype
    e = [ember.tensor(a).to(getattr(ember, dtype)) for a in arrays]
    t = [torch.tensor(a).to(getattr(torch, dtype)) for a in arrays]
    e_out = F.scaled_dot_product_attention(*e, ember.tensor(mask))
    t_out = TF.scaled_dot_product_attention(*t, torch.tensor(mask))
    assert e_out.dtype == getattr(ember, dtype)
    tol = {"float32": 1e-5, "float16": 2e-3, "bfloat16": 2e-2}[dtype]
    np.testing.assert_allclose(e_out.float().numpy(), t_out.float().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("kwargs", [{}, {"mask": "bool"}, {"mask": "float"}, {"is_causal": True},
                                    {"enable_gqa": True, "scale": 0.7}])
def test_sdpa_gradcheck(kwargs):
    kwargs = dict(kwargs)
    rng = np.random.default_rng(3)
    hk = 1 if kwargs.get("enable_gqa") else 2
    q = ember.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    k = ember.tensor(rng.standard_normal((hk, 3, 4)), requires_grad=True)
    v = ember.tensor(rng.standard_normal((hk, 3, 2)), requires_grad=True)
    inputs = [q, k, v]
    kind = kwargs.pop("mask", None)
    if kind == "bool":
        m = ember.tensor(_mask("bool", (3, 3), rng))
        fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, m, **kwargs)  # noqa: E731
    elif kind == "float":
        inputs.append(ember.tensor(rng.standard_normal((3, 3)), requires_grad=True))
        fn = lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m, **kwargs)  # noqa: E731
    else:
        fn = lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kwargs)  # noqa: E731
    assert ember.autograd.gradcheck(fn, tuple(inputs))


def test_sdpa_dropout():
    ember.manual_seed(0)
    q = ember.randn(2, 3, 64, 8)
    v = ember.ones(2, 3, 64, 4)
    out = F.scaled_dot_product_attention(q, q, v, dropout_p=0.3)
    # each weight row sums to 1; dropout keeps that in expectation
    assert abs(out.mean().item() - 1.0) < 0.05
    assert not bool((out == F.scaled_dot_product_attention(q, q, v)).all())
    ember.manual_seed(5)
    a = F.scaled_dot_product_attention(q, q, v, dropout_p=0.5)
    ember.manual_seed(5)
    b = F.scaled_dot_product_attention(q, q, v, dropout_p=0.5)
    assert bool((a == b).all())
    assert F.scaled_dot_product_attention(q, q, v, dropout_p=1.0).abs().max().item() == 0.0


def _sdpa_args(lib, qs=(2, 3, 4, 8), ks=(2, 3, 5, 8), vs=(2, 3, 5, 6), dtypes=("float32",) * 3):
    return [lib.randn(*s).to(getattr(lib, d)) for s, d in zip((qs, ks, vs), dtypes)]


# (description, args builder (lib -> args, kwargs), error type, message (regex) or None for type only)
SDPA_ERRORS = [
    ("dtype", lambda lib: (_sdpa_args(lib, dtypes=("float64", "float32", "float32")), {}), RuntimeError,
     r"Expected query, key, and value to have the same dtype, but got query.dtype: double key.dtype: float and "
     r"value.dtype: float instead."),
    ("dims", lambda lib: (_sdpa_args(lib, qs=(8,)), {}), RuntimeError,
     r"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: 1 key.dim: 4 and "
     r"value.dim: 4 instead."),
    ("mask dtype", lambda lib: (_sdpa_args(lib), {"attn_mask": lib.ones(4, 5, dtype=lib.int64)}), RuntimeError,
     r"Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: long int and"
     r"  query.dtype: float instead."),
    ("mask f64", lambda lib: (_sdpa_args(lib), {"attn_mask": lib.ones(4, 5, dtype=lib.float64)}), RuntimeError,
     r"but got attn_mask.dtype: double and  query.dtype: float"),
    ("causal and mask", lambda lib: (_sdpa_args(lib), {"attn_mask": lib.ones(4, 5, dtype=lib.bool),
                                                       "is_causal": True}), RuntimeError,
     r"_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"),
    ("mask size", lambda lib: (_sdpa_args(lib), {"attn_mask": lib.ones(3, 5, dtype=lib.bool)}), RuntimeError,
     r"The size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 2"),
    ("mask bigger", lambda lib: (_sdpa_args(lib), {"attn_mask": lib.ones(7, 2, 3, 4, 5)}), RuntimeError,
     r"output with shape \[2, 3, 4, 5\] doesn't match the broadcast shape \[7, 2, 3, 4, 5\]"),
    ("heads", lambda lib: (_sdpa_args(lib, ks=(2, 2, 5, 8), vs=(2, 2, 5, 6)), {}), RuntimeError,
     r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 1"),
    ("gqa heads", lambda lib: (_sdpa_args(lib, qs=(2, 4, 4, 8)), {"enable_gqa": True}), RuntimeError,
     r"Number of heads in key and value must divide the number of heads in"),
    ("gqa 2d", lambda lib: (_sdpa_args(lib, qs=(4, 8), ks=(5, 8), vs=(5, 6)), {"enable_gqa": True}), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got -3\)"),
    ("dropout", lambda lib: (_sdpa_args(lib), {"dropout_p": 2.0}), RuntimeError,
     r"dropout probability has to be between 0 and 1, but got 2"),
    ("embedding", lambda lib: (_sdpa_args(lib, ks=(2, 3, 5, 7)), {}), RuntimeError, None),
    ("key/value length", lambda lib: (_sdpa_args(lib, vs=(2, 3, 4, 6)), {}), RuntimeError, None),
]


@pytest.mark.parametrize("name,build,exc,msg", SDPA_ERRORS, ids=[e[0] for e in SDPA_ERRORS])
def test_sdpa_errors_match_torch(name, build, exc, msg):
    for lib, fn in [(torch, TF.scaled_dot_product_attention), (ember, F.scaled_dot_product_attention)]:
        args, kwargs = build(lib)
        with pytest.raises(exc, match=msg):
            fn(*args, **kwargs)


def test_sdpa_scale_is_keyword_only():
    q = ember.randn(2, 3, 4)
    with pytest.raises(TypeError):
        F.scaled_dot_product_attention(q, q, q, None, 0.0, False, 0.5)
    assert F.scaled_dot_product_attention(query=q, key=q, value=q, scale=0.5).shape == (2, 3, 4)


# ---- modules ----

def _copy_state(tm, em):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _build(source, lib):
    ns = {"nn": lib.nn, "F": lib.nn.functional, "lib": lib}
    return eval(source, ns)  # noqa: S307 - the table's own constructor calls


def _compare_modules(em, tm, e_in, t_in, e_kw, t_kw, outputs):
    e_out, t_out = em(*e_in, **e_kw), tm(*t_in, **t_kw)
    e_outs = e_out if isinstance(e_out, tuple) else (e_out,)
    t_outs = t_out if isinstance(t_out, tuple) else (t_out,)
    assert len(e_outs) == len(t_outs)
    for i, (e, t) in enumerate(zip(e_outs, t_outs)):
        if t is None:
            assert e is None
        else:
            _close(e, t, msg=f"output {i}")
    if not outputs.get("backward", True) or not ember.is_grad_enabled():
        return
    rng = np.random.default_rng(7)
    e_loss, t_loss = 0, 0
    for e, t in zip(e_outs, t_outs):
        if t is not None:
            g = rng.standard_normal(tuple(t.shape))
            e_loss = e_loss + (e * ember.tensor(g)).sum()
            t_loss = t_loss + (t * torch.tensor(g)).sum()
    e_loss.backward()
    t_loss.backward()
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            _close(e.grad, t.grad, msg=f"input {i}")
    e_params, t_params = dict(em.named_parameters()), dict(tm.named_parameters())
    assert list(e_params) == list(t_params)
    for name, tp in t_params.items():
        if tp.grad is None:
            assert e_params[name].grad is None or not e_params[name].grad.abs().max().item(), name
        else:
            _close(e_params[name].grad, tp.grad, msg=name)


def _mha_inputs(rng, L, S, N, E, kdim, vdim, batch_first, self_attn, unbatched):
    def shape(length, feat):
        if unbatched:
            return (length, feat)
        return (N, length, feat) if batch_first else (length, N, feat)

    q = _pair(rng.standard_normal(shape(L, E)), True)
    if self_attn:
        return q, q, q
    k = _pair(rng.standard_normal(shape(S, kdim)), True)
    v = _pair(rng.standard_normal(shape(S, vdim)), True)
    return q, k, v


def _attn_mask(rng, kind, N, H, L, S, unbatched):
    if kind is None:
        return None, None
    shape = (L, S) if kind.endswith("2d") else ((H, L, S) if unbatched else (N * H, L, S))
    if kind.startswith("bool"):
        m = rng.random(shape) > 0.7
        m[..., 0] = False  # True = not attended: each row keeps key 0
    else:
        m = rng.standard_normal(shape)
    return _pair(m)


def _kpm(rng, kind, N, S, unbatched):
    if kind is None:
        return None, None
    shape = (S,) if unbatched else (N, S)
    m = rng.random(shape) > 0.6
    m[..., 0] = False
    if kind == "float":
        m = np.where(m, -np.inf, 0.0)
    return _pair(m)


# (constructor kwargs, forward options)
MHA_CASES = [
    ({}, {}),
    ({}, {"self_attn": True}),
    ({"batch_first": True}, {"self_attn": True}),
    ({"batch_first": True}, {}),
    ({}, {"kpm": "bool"}),
    ({}, {"kpm": "float", "attn_mask": "float2d"}),
    ({}, {"attn_mask": "bool2d"}),
    ({}, {"attn_mask": "bool3d", "kpm": "bool"}),
    ({}, {"attn_mask": "float3d"}),
    ({}, {"need_weights": False}),
    ({}, {"need_weights": False, "attn_mask": "bool2d", "kpm": "bool"}),
    ({}, {"need_weights": False, "attn_mask": "float3d"}),
    ({}, {"average_attn_weights": False, "attn_mask": "bool2d"}),
    ({"kdim": 3, "vdim": 5}, {}),
    ({"kdim": 3, "vdim": 5, "batch_first": True}, {"need_weights": False, "kpm": "bool"}),
    ({"add_bias_kv": True}, {"attn_mask": "bool2d", "kpm": "bool"}),
    ({"add_zero_attn": True}, {"attn_mask": "float3d", "kpm": "bool"}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"need_weights": False, "kpm": "bool"}),
    ({"bias": False}, {}),
    ({}, {"unbatched": True}),
    ({}, {"unbatched": True, "attn_mask": "bool3d", "kpm": "bool", "average_attn_weights": False}),
    ({"batch_first": True}, {"unbatched": True, "need_weights": False, "kpm": "float", "attn_mask": "float2d"}),
    ({}, {"self_attn": True, "attn_mask": "causal", "is_causal": True, "need_weights": False}),
    ({}, {"self_attn": True, "attn_mask": "causal", "is_causal": True}),
    ({"num_heads": 1}, {}),
]


@pytest.mark.parametrize("case", range(len(MHA_CASES)))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_multihead_attention_matches_torch(case, mode):
    ctor, opts = MHA_CASES[case]
    ctor = {"embed_dim": 8, "num_heads": 2, **ctor}
    E, H = ctor["embed_dim"], ctor["num_heads"]
    kdim, vdim = ctor.get("kdim") or E, ctor.get("vdim") or E
    L, S, N = 4, 4 if opts.get("self_attn") else 5, 3
    rng = np.random.default_rng(case)
    tm = torch.nn.MultiheadAttention(**ctor, dtype=torch.float64)
    em = nn.MultiheadAttention(**ctor, dtype=ember.float64)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    _copy_state(tm, em)
    getattr(em, mode)(), getattr(tm, mode)()
    unbatched = opts.get("unbatched", False)
    (eq, tq), (ek, tk), (ev, tv) = _mha_inputs(rng, L, S, N, E, kdim, vdim, ctor.get("batch_first", False),
                                               opts.get("self_attn", False), unbatched)
    if opts.get("attn_mask") == "causal":
        ea, ta = nn.Transformer.generate_square_subsequent_mask(L, dtype=ember.float64), \
            torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64)
    else:
        ea, ta = _attn_mask(rng, opts.get("attn_mask"), N, H, L, S, unbatched)
    ek_m, tk_m = _kpm(rng, opts.get("kpm"), N, S, unbatched)
    kw = {k: opts[k] for k in ("need_weights", "average_attn_weights", "is_causal") if k in opts}
    _compare_modules(em, tm, [eq, ek, ev], [tq, tk, tv], {"key_padding_mask": ek_m, "attn_mask": ea, **kw},
                     {"key_padding_mask": tk_m, "attn_mask": ta, **kw}, {})


def test_multihead_attention_initialisation_and_errors():
    ember.manual_seed(0)
    m = nn.MultiheadAttention(64, 4, add_bias_kv=True)
    w = m.in_proj_weight.detach().numpy()
    bound = math.sqrt(6 / (64 + 3 * 64))  # xavier_uniform_ over the packed (3E, E) weight
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert m.in_proj_bias.abs().max().item() == 0 and m.out_proj.bias.abs().max().item() == 0
    assert m.bias_k.shape == (1, 1, 64) and m.bias_k.abs().max().item() > 0
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear" and isinstance(m.out_proj, nn.Linear)
    sep = nn.MultiheadAttention(8, 2, kdim=3, vdim=5)
    assert sep.in_proj_weight is None and sep.k_proj_weight.shape == (8, 3) and sep.v_proj_weight.shape == (8, 5)
    assert nn.MultiheadAttention(8, 2, bias=False).out_proj.bias is None
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    x = ember.randn(4, 3, 8)
    mha = nn.MultiheadAttention(8, 2)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is .*, but should be \(4, 4\)."):
        mha(x, x, x, attn_mask=ember.zeros(4, 5))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask are supported"):
        mha(x, x, x, attn_mask=ember.zeros(4, 4, dtype=ember.int64))
    with pytest.raises(AssertionError, match="For batched \\(3-D\\) `query`, expected `key_padding_mask`"):
        mha(x, x, x, key_padding_mask=ember.zeros(4, dtype=ember.bool))
    with pytest.raises(AssertionError, match="Expected key_padded_mask.shape\\[0\\] to be 3, but got 2"):
        mha(x, x, x, key_padding_mask=ember.zeros(2, 4, dtype=ember.bool))
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        mha(x, x, x, key_padding_mask=ember.zeros(3, 4, dtype=ember.bool), attn_mask=ember.zeros(4, 4))


def test_multi_head_attention_forward_static_kv_matches_torch():
    rng = np.random.default_rng(11)
    E, H, L, S, N = 8, 2, 4, 6, 3
    arrays = {"q": (L, N, E), "k": (S, N, E), "w": (3 * E, E), "b": (3 * E,), "ow": (E, E), "ob": (E,),
              "sk": (N * H, S, E // H), "sv": (N * H, S, E // H)}
    pairs = {n: _pair(rng.standard_normal(s), True) for n, s in arrays.items()}
    outs = []
    for i, (lib_f, lib) in enumerate([(F, ember), (TF, torch)]):
        p = {n: v[i] for n, v in pairs.items()}
        outs.append(lib_f.multi_head_attention_forward(
            p["q"], p["k"], p["k"], E, H, p["w"], p["b"], None, None, False, 0.0, p["ow"], p["ob"],
            static_k=p["sk"], static_v=p["sv"], average_attn_weights=False))
    for e, t in zip(*outs):
        _close(e, t)


# encoder/decoder layers and stacks: (source over nn/F/lib, input kinds, forward options)
# inputs: "src" (S, N, E) / (N, S, E) by batch_first; "tgt" + "mem" for decoders
LAYER_CASES = [
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)", "enc", {}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)", "enc", {"kpm": True}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=True)", "enc", {"mask": "bool"}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation='gelu', norm_first=True)", "enc",
     {"mask": "float", "kpm": True}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU())", "enc", {}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=F.silu, bias=False)", "enc", {"kpm": True}),
    ("nn.TransformerEncoderLayer(8, 4, 16, dropout=0.0, layer_norm_eps=1e-3)", "enc", {"causal": True}),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)", "enc", {"unbatched": True, "kpm": True}),
    ("nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0)", "dec", {}),
    ("nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True)", "dec",
     {"causal": True, "kpm": True}),
    ("nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation='gelu', bias=False)", "dec",
     {"mask": "bool", "kpm": True}),
    ("nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation=lib.tanh)", "dec", {"unbatched": True}),
    ("nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2)", "enc", {"kpm": True}),
    ("nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2, "
     "norm=nn.LayerNorm(8))", "enc", {"kpm": True, "causal": True}),
    ("nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2, "
     "enable_nested_tensor=False)", "enc", {"mask": "float"}),
    ("nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), 2, norm=nn.LayerNorm(8))", "dec",
     {"causal": True, "kpm": True}),
    ("nn.Transformer(8, 2, 2, 1, 16, dropout=0.0)", "full", {}),
    ("nn.Transformer(8, 2, 1, 2, 16, dropout=0.0, batch_first=True, norm_first=True, activation='gelu')", "full",
     {"causal": True, "kpm": True}),
    ("nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, bias=False, layer_norm_eps=1e-4)", "full",
     {"mask": "bool", "unbatched": True}),
]


def _seq(rng, length, N, E, batch_first, unbatched):
    if unbatched:
        return _pair(rng.standard_normal((length, E)), True)
    shape = (N, length, E) if batch_first else (length, N, E)
    return _pair(rng.standard_normal(shape), True)


def _layer_inputs(kind, opts, batch_first, rng):
    E, N, S, T = 8, 3, 5, 4
    unbatched = opts.get("unbatched", False)
    e_in, t_in, e_kw, t_kw = [], [], {}, {}

    def add_kw(name, pair):
        e_kw[name], t_kw[name] = pair

    def kpm(length):
        m = rng.random((length,) if unbatched else (N, length)) > 0.6
        m[..., 0] = False
        return _pair(m)

    def mask(length, src_len):
        if opts.get("causal"):
            return (nn.Transformer.generate_square_subsequent_mask(length, dtype=ember.float64),
                    torch.nn.Transformer.generate_square_subsequent_mask(length, dtype=torch.float64))
        if opts.get("mask") == "bool":
            m = rng.random((length, src_len)) > 0.7
            m[:, 0] = False
            return _pair(m)
        return _pair(rng.standard_normal((length, src_len)))

    if kind == "enc":
        e, t = _seq(rng, S, N, E, batch_first, unbatched)
        e_in, t_in = [e], [t]
        if opts.get("causal") or opts.get("mask"):
            add_kw("mask", mask(S, S))  # renamed src_mask for the layer
        if opts.get("kpm"):
            add_kw("src_key_padding_mask", kpm(S))
    else:
        (es, ts), (et, tt) = _seq(rng, S, N, E, batch_first, unbatched), _seq(rng, T, N, E, batch_first, unbatched)
        if kind == "dec":
            e_in, t_in = [et, es], [tt, ts]
        else:
            e_in, t_in = [es, et], [ts, tt]
        if opts.get("causal") or opts.get("mask"):
            add_kw("tgt_mask", mask(T, T))
            if kind == "full" and opts.get("mask"):
                add_kw("src_mask", mask(S, S))
                add_kw("memory_mask", mask(T, S))
        if opts.get("kpm"):
            add_kw("tgt_key_padding_mask", kpm(T))
            add_kw("memory_key_padding_mask", kpm(S))
            if kind == "full":
                add_kw("src_key_padding_mask", kpm(S))
    return e_in, t_in, e_kw, t_kw


@pytest.mark.parametrize("case", range(len(LAYER_CASES)))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_transformer_modules_match_torch(case, mode):
    source, kind, opts = LAYER_CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = _build(source, torch)
        em = _build(source, ember)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    tm.double(), em.double()
    _copy_state(tm, em)
    getattr(em, mode)(), getattr(tm, mode)()
    batch_first = "batch_first=True" in source
    e_in, t_in, e_kw, t_kw = _layer_inputs(kind, opts, batch_first, np.random.default_rng(case))
    if source.startswith("nn.TransformerEncoderLayer") and "mask" in e_kw:
        e_kw["src_mask"], t_kw["src_mask"] = e_kw.pop("mask"), t_kw.pop("mask")
    _compare_modules(em, tm, e_in, t_in, e_kw, t_kw, {})


def test_encoder_nested_tensor_path_outputs_match_torch():
    # torch's eval-mode encoder without autograd runs on a nested tensor: padded outputs are zero
    source = "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2, norm=nn.LayerNorm(8))"
    tm, em = _build(source, torch), _build(source, ember)
    assert tm.use_nested_tensor and em.use_nested_tensor
    tm.double(), em.double()
    _copy_state(tm, em)
    tm.eval(), em.eval()
    x = np.random.default_rng(0).standard_normal((3, 5, 8))
    for kpm in ([[False] * 3 + [True] * 2, [False] * 5, [False] * 4 + [True]],  # left aligned: nested path
                [[False, True, False, False, False]] * 3):  # not left aligned: the layer path
        with torch.no_grad(), ember.no_grad():
            t_out = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm))
            e_out = em(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm))
        _close(e_out, t_out, rtol=1e-7, atol=1e-9)


def test_eval_without_autograd_matches_torch_fast_paths():
    # torch's _native_multi_head_attention and _transformer_encoder_layer_fwd: same values
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 5, 8))
    kpm = rng.random((3, 5)) > 0.6
    kpm[:, 0] = False
    for source, kwargs in [("nn.MultiheadAttention(8, 2, batch_first=True)", {"key_padding_mask": kpm}),
                           ("nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)", {"src_key_padding_mask": kpm}),
                           ("nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation='gelu')", {})]:
        tm, em = _build(source, torch), _build(source, ember)
        tm.double(), em.double()
        _copy_state(tm, em)
        tm.eval(), em.eval()
        with torch.no_grad(), ember.no_grad():
            tx, ex = torch.tensor(x), ember.tensor(x)
            args = (tx, tx, tx) if "Multihead" in source else (tx,)
            e_args = (ex, ex, ex) if "Multihead" in source else (ex,)
            t_out = tm(*args, **{k: torch.tensor(v) for k, v in kwargs.items()})
            e_out = em(*e_args, **{k: ember.tensor(v) for k, v in kwargs.items()})
        t_out = t_out if isinstance(t_out, tuple) else (t_out,)
        e_out = e_out if isinstance(e_out, tuple) else (e_out,)
        for e, t in zip(e_out, t_out):
            _close(e, t, rtol=1e-7, atol=1e-9, msg=source)


def test_encoder_nested_tensor_warning_matches_torch():
    for source in ["nn.TransformerEncoderLayer(8, 2, 16)", "nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, "
                   "norm_first=True)", "nn.TransformerEncoderLayer(9, 3, 15, batch_first=True)",
                   "nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation=F.silu)"]:
        messages = []
        for lib in (torch, ember):
            layer = _build(source, lib)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                enc = lib.nn.TransformerEncoder(layer, 1)
            messages.append(([str(x.message) for x in w], enc.use_nested_tensor, enc.enable_nested_tensor))
        assert messages[0] == messages[1], source


def test_transformer_initialisation_masks_and_errors():
    ember.manual_seed(0)
    m = nn.Transformer(16, 2, 1, 1, 32)
    for name, p in m.named_parameters():
        if p.dim() > 1:
            fan_out, fan_in = p.shape
            assert np.abs(p.detach().numpy()).max() <= math.sqrt(6 / (fan_in + fan_out)), name
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    np.testing.assert_array_equal(mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64).dtype == ember.float64
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    assert nn.TransformerEncoderLayer(8, 2, activation="relu").activation is F.relu
    assert nn.TransformerDecoderLayer(8, 2, activation="gelu").activation is F.gelu
    assert nn.TransformerEncoderLayer(8, 2, activation=nn.ReLU()).activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(8, 2, activation="gelu").activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(8, 2, activation=F.silu).activation_relu_or_gelu == 0
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(ember.randn(5, 2, 16), ember.randn(4, 3, 16))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        m(ember.randn(5, 2, 16), ember.randn(4, 2, 8))
    enc, dec = nn.Module(), nn.Module()
    custom = nn.Transformer(8, 2, custom_encoder=enc, custom_decoder=dec)
    assert custom.encoder is enc and custom.decoder is dec and list(custom.parameters()) == []
    from ember.nn.modules.transformer import _detect_is_causal_mask

    assert _detect_is_causal_mask(mask) and not _detect_is_causal_mask(mask, False)
    assert not _detect_is_causal_mask(ember.zeros(4, 4)) and _detect_is_causal_mask(None, True)
    assert nn.TransformerEncoderLayer.__module__ == "ember.nn.modules.transformer"
    assert nn.MultiheadAttention.__module__ == "ember.nn.modules.attention"


def test_transformer_trains_with_dropout():
    ember.manual_seed(0)
    m = nn.Transformer(8, 2, 1, 1, 16, dropout=0.5, batch_first=True)
    src, tgt = ember.randn(2, 5, 8), ember.randn(2, 4, 8)
    a, b = m(src, tgt), m(src, tgt)
    assert not bool((a == b).all())
    a.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.eval()
    assert bool((m(src, tgt) == m(src, tgt)).all())


def test_docstring_examples():
    import doctest

    from ember.nn import _attention
    from ember.nn.modules import attention, transformer

    for mod in (_attention, attention, transformer):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__


# ---- the fused op itself: float64 gradients, meta shapes, and its backward refusing a derivative ----

_FUSED_CASES = [
    ((2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 6), {}),
    ((1, 1, 70, 2), (1, 1, 66, 2), (1, 1, 66, 1), {"is_causal": True}),  # two blocks, causal
    ((1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 2), {"enable_gqa": True}),
    ((2, 3, 2), (2, 4, 2), (2, 4, 3), {"scale": 0.3}),
]


@pytest.mark.parametrize("case", range(len(_FUSED_CASES)))
def test_fused_sdpa_gradcheck(case):
    qs, ks, vs, kwargs = _FUSED_CASES[case]
    gen = np.random.default_rng(case)
    q, k, v = (ember.tensor(gen.standard_normal(s), requires_grad=True) for s in (qs, ks, vs))
    out = F.scaled_dot_product_attention(q, k, v, **kwargs)
    assert "FlashAttention" in type(out.grad_fn).__name__ or "FlashAttention" in out.grad_fn.name()
    assert ember.autograd.gradcheck(lambda *a: F.scaled_dot_product_attention(*a, **kwargs), (q, k, v))
    with pytest.raises(NotImplementedError, match="derivative for .* is not implemented"):
        ember.autograd.gradgradcheck(lambda *a: F.scaled_dot_product_attention(*a, **kwargs), (q, k, v))


def test_fused_sdpa_masked_gradcheck_and_meta():
    gen = np.random.default_rng(7)
    q, k, v = (ember.tensor(gen.standard_normal(s), requires_grad=True) for s in ((2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 4)))
    mask = ember.tensor(gen.random((2, 1, 5, 7)) < 0.5)
    mask[0, 0, 2] = False  # a query with no key
    assert ember.autograd.gradcheck(lambda *a: F.scaled_dot_product_attention(*a, mask), (q, k, v))
    mq, mk, mv = (t.detach().to("meta") for t in (q, k, v))
    out = ember._C._nn.scaled_dot_product_attention(mq, mk, mv, None, True, None)[0]
    assert out.device.type == "meta" and tuple(out.shape) == (2, 3, 5, 4)
