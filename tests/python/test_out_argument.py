"""out= on every function torch gives it: the result lands in the out tensor (resized, with the
identity returned), out's dtype follows the op's rule (the result's own, or any it casts to), and
out= refuses autograd. One native mechanism serves all (write_out in csrc/python/out.cpp).

Each call is written once for a module `m` (ember or torch), so the dtype rules are compared with
torch's where torch is installed.
"""

from __future__ import annotations

import math
import warnings

import ember
import numpy as np
import pytest

try:
    import torch
except ImportError:  # the torch comparisons are skipped
    torch = None


def _inputs(m):
    rs = np.random.RandomState(0)
    x = m.tensor(rs.randn(4, 4).astype(np.float32))
    spd = x @ x.T + 4 * m.eye(4)
    return x, spd, m.tensor(rs.randn(4, 4) > 0)


def _nn(m):
    return ember.nn.functional if m is ember else torch.nn.functional


# (name, call, rule): rule "same" takes only the result's dtype, "cast" any it casts to
SINGLE = [
    ("all", lambda m, x, spd, b, out: m.all(b, 0, out=out), "same"),
    ("any", lambda m, x, spd, b, out: m.any(b, 0, out=out), "same"),
    ("amax", lambda m, x, spd, b, out: m.amax(x, 0, out=out), "same"),
    ("amin", lambda m, x, spd, b, out: m.amin(x, 0, out=out), "same"),
    ("cholesky", lambda m, x, spd, b, out: m.cholesky(spd, out=out), "cast"),
    ("cumprod", lambda m, x, spd, b, out: m.cumprod(x, 0, out=out), "dtype"),
    ("cumsum", lambda m, x, spd, b, out: m.cumsum(x, 0, out=out), "dtype"),
    ("diag", lambda m, x, spd, b, out: m.diag(x, out=out), "same"),
    ("gather", lambda m, x, spd, b, out: m.gather(x, 0, m.zeros(2, 4, dtype=m.int64), out=out), "same"),
    ("histc", lambda m, x, spd, b, out: m.histc(x, 4, out=out), "same"),
    ("index_select", lambda m, x, spd, b, out: m.index_select(x, 0, m.tensor([0, 2]), out=out), "same"),
    ("inverse", lambda m, x, spd, b, out: m.inverse(spd, out=out), "same"),
    ("logcumsumexp", lambda m, x, spd, b, out: m.logcumsumexp(x, 0, out=out), "same"),
    ("logsumexp", lambda m, x, spd, b, out: m.logsumexp(x, 0, out=out), "cast"),
    ("masked_select", lambda m, x, spd, b, out: m.masked_select(x, b, out=out), "same"),
    ("mean", lambda m, x, spd, b, out: m.mean(x, 0, out=out), "cast"),
    ("nanmean", lambda m, x, spd, b, out: m.nanmean(x, 0, out=out), "cast"),
    ("norm", lambda m, x, spd, b, out: m.norm(x, 2, 0, out=out), "same"),
    ("msort", lambda m, x, spd, b, out: m.msort(x, out=out), "same"),
    ("stack", lambda m, x, spd, b, out: m.stack([x, x], out=out), "cast"),
    ("cat", lambda m, x, spd, b, out: m.cat([x, x], out=out), "cast"),
    ("std", lambda m, x, spd, b, out: m.std(x, 0, out=out), "cast"),
    ("var", lambda m, x, spd, b, out: m.var(x, 0, out=out), "cast"),
    ("tril", lambda m, x, spd, b, out: m.tril(x, out=out), "same"),
    ("triu", lambda m, x, spd, b, out: m.triu(x, out=out), "same"),
    ("take_along_dim", lambda m, x, spd, b, out: m.take_along_dim(x, m.zeros(1, 4, dtype=m.int64), 0, out=out), "same"),
    ("where", lambda m, x, spd, b, out: m.where(b, x, m.zeros(4, 4), out=out), "same"),
    ("bucketize", lambda m, x, spd, b, out: m.bucketize(x, m.tensor([0.0, 1.0]), out=out), "same"),
    ("searchsorted", lambda m, x, spd, b, out: m.searchsorted(m.tensor([0.0, 1.0]), x, out=out), "same"),
    ("normalize", lambda m, x, spd, b, out: _nn(m).normalize(x, out=out), "cast"),
    ("sum", lambda m, x, spd, b, out: m.sum(x, 0, out=out), "dtype"),
    ("prod", lambda m, x, spd, b, out: m.prod(x, 0, out=out), "dtype"),
    ("nansum", lambda m, x, spd, b, out: m.nansum(x, 0, out=out), "dtype"),
    ("matmul", lambda m, x, spd, b, out: m.matmul(x, x, out=out), "same"),
    ("outer", lambda m, x, spd, b, out: m.outer(x[0], x[1], out=out), "cast"),
    ("kron", lambda m, x, spd, b, out: m.kron(x, x, out=out), "cast"),
    ("addr", lambda m, x, spd, b, out: m.addr(x, x[0], x[1], out=out), "cast"),
    ("mm", lambda m, x, spd, b, out: m.mm(x, x, out=out), "same"),
    ("linalg.cholesky", lambda m, x, spd, b, out: m.linalg.cholesky(spd, out=out), "same"),
    ("linalg.det", lambda m, x, spd, b, out: m.linalg.det(spd, out=out), "same"),
    ("linalg.inv", lambda m, x, spd, b, out: m.linalg.inv(spd, out=out), "same"),
    ("linalg.matrix_norm", lambda m, x, spd, b, out: m.linalg.matrix_norm(x, out=out), "same"),
    ("linalg.vector_norm", lambda m, x, spd, b, out: m.linalg.vector_norm(x, out=out), "same"),
    ("linalg.norm", lambda m, x, spd, b, out: m.linalg.norm(x, out=out), "same"),
    ("linalg.pinv", lambda m, x, spd, b, out: m.linalg.pinv(x, out=out), "cast"),
    ("linalg.solve", lambda m, x, spd, b, out: m.linalg.solve(spd, x, out=out), "same"),
    ("linalg.svdvals", lambda m, x, spd, b, out: m.linalg.svdvals(x, out=out), "same"),
    ("linalg.eigvalsh", lambda m, x, spd, b, out: m.linalg.eigvalsh(spd, out=out), "same"),
    ("linalg.matrix_rank", lambda m, x, spd, b, out: m.linalg.matrix_rank(x, out=out), "cast"),
    ("linalg.cross", lambda m, x, spd, b, out: m.linalg.cross(x[:, :3], x[:, 1:], out=out), "same"),
    ("linalg.vecdot", lambda m, x, spd, b, out: m.linalg.vecdot(x, x, out=out), "same"),
    ("linalg.multi_dot", lambda m, x, spd, b, out: m.linalg.multi_dot([x, x], out=out), "same"),
    ("linalg.matmul", lambda m, x, spd, b, out: m.linalg.matmul(x, x, out=out), "same"),
]

# ops of two or three results: out= is a tuple; every part takes only its own dtype
TUPLE = [
    ("cummax", lambda m, x, spd, b, out: m.cummax(x, 0, out=out)),
    ("cummin", lambda m, x, spd, b, out: m.cummin(x, 0, out=out)),
    ("kthvalue", lambda m, x, spd, b, out: m.kthvalue(x, 2, 0, out=out)),
    ("max", lambda m, x, spd, b, out: m.max(x, 0, out=out)),
    ("min", lambda m, x, spd, b, out: m.min(x, 0, out=out)),
    ("median", lambda m, x, spd, b, out: m.median(x, 0, out=out)),
    ("nanmedian", lambda m, x, spd, b, out: m.nanmedian(x, 0, out=out)),
    ("mode", lambda m, x, spd, b, out: m.mode(x, 0, out=out)),
    ("sort", lambda m, x, spd, b, out: m.sort(x, 0, out=out)),
    ("topk", lambda m, x, spd, b, out: m.topk(x, 2, 0, out=out)),
    ("linalg.eigh", lambda m, x, spd, b, out: m.linalg.eigh(spd, out=out)),
    ("linalg.qr", lambda m, x, spd, b, out: m.linalg.qr(x, out=out)),
    ("linalg.svd", lambda m, x, spd, b, out: m.linalg.svd(x, out=out)),
    ("linalg.slogdet", lambda m, x, spd, b, out: m.linalg.slogdet(spd, out=out)),
    ("linalg.inv_ex", lambda m, x, spd, b, out: m.linalg.inv_ex(spd, out=out)),
    ("linalg.cholesky_ex", lambda m, x, spd, b, out: m.linalg.cholesky_ex(spd, out=out)),
]


def _same_values(a, b):
    np.testing.assert_allclose(np.asarray(a.tolist(), dtype=np.float64), np.asarray(b.tolist(), dtype=np.float64),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, call, rule", SINGLE, ids=[s[0] for s in SINGLE])
def test_out_receives_the_result(name, call, rule):
    x, spd, b = _inputs(ember)
    expected = call(ember, x, spd, b, None)
    out = ember.empty(0, dtype=expected.dtype)
    assert call(ember, x, spd, b, out) is out
    assert out.shape == expected.shape and out.dtype == expected.dtype
    _same_values(out, expected)
    # an out of another shape with elements is resized, with torch's warning
    full = ember.zeros(7, dtype=expected.dtype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(ember, x, spd, b, full)
    assert full.shape == expected.shape and any("resized" in str(w.message) for w in caught)


def _dtype_outcome(m, call, dtype):
    x, spd, b = _inputs(m)
    try:
        r = call(m, x, spd, b, m.empty(0, dtype=getattr(m, dtype)))
        return "ok", r.dtype
    except (RuntimeError, TypeError, NotImplementedError) as e:
        return type(e).__name__, None


@pytest.mark.parametrize("name, call, rule", SINGLE, ids=[s[0] for s in SINGLE])
@pytest.mark.parametrize("dtype", ["float64", "float16", "int64", "bool"])
def test_out_dtype_rule(name, call, rule, dtype):
    outcome, got = _dtype_outcome(ember, call, dtype)
    x, spd, b = _inputs(ember)
    result_dtype = call(ember, x, spd, b, None).dtype
    if rule == "same":
        assert (outcome == "ok") == (str(result_dtype) == f"ember.{dtype}"), outcome
    elif rule == "cast":
        assert (outcome == "ok") == ember.can_cast(result_dtype, getattr(ember, dtype)), outcome
    if outcome == "ok":
        assert str(got) == f"ember.{dtype}"
    if torch is not None:
        t_outcome, _ = _dtype_outcome(torch, call, dtype)
        assert (outcome == "ok") == (t_outcome == "ok"), (outcome, t_outcome)


@pytest.mark.parametrize("name, call", TUPLE, ids=[t[0] for t in TUPLE])
def test_tuple_out_receives_the_results(name, call):
    x, spd, b = _inputs(ember)
    expected = call(ember, x, spd, b, None)
    outs = tuple(ember.empty(0, dtype=e.dtype) for e in expected)
    r = call(ember, x, spd, b, outs)
    assert type(r) is type(expected)
    assert all(a is o for a, o in zip(r, outs))
    for o, e in zip(outs, expected):
        assert o.shape == e.shape
        _same_values(o, e)
    wrong = tuple(ember.empty(0, dtype=ember.float64 if e.dtype == ember.float32 else ember.float32) for e in expected)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        call(ember, x, spd, b, wrong)
    with pytest.raises(TypeError):
        call(ember, x, spd, b, outs[:-1])


@pytest.mark.parametrize("name, call, rule", SINGLE[:8], ids=[s[0] for s in SINGLE[:8]])
def test_out_refuses_autograd(name, call, rule):
    x, spd, b = _inputs(ember)
    expected = call(ember, x, spd, b, None)
    if not expected.dtype.is_floating_point:
        pytest.skip("no gradient through an integer result")
    x.requires_grad_(True)
    spd = spd.detach().requires_grad_(True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        call(ember, x, spd, b, ember.empty(0))
    with ember.no_grad():
        call(ember, x, spd, b, ember.empty(0))


def test_out_must_be_a_tensor():
    with pytest.raises(TypeError, match="out"):
        ember.amax(ember.ones(3), 0, out=[1.0])


def test_dtype_and_out_must_agree():
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        ember.sum(ember.ones(3), dtype=ember.float64, out=ember.empty(0))
    out = ember.empty(0, dtype=ember.int64)
    ember.cumsum(ember.tensor([1.7, 2.7]), 0, out=out)  # computes in out's dtype: each value truncates
    assert out.tolist() == [1, 3]
    assert math.isclose(ember.sum(ember.ones(3), out=ember.empty(0, dtype=ember.float64)).item(), 3.0)
