"""Valid calls where ember once answered differently from torch 2.13 (found by random calls
compared with torch): each now gives torch's answer or torch's error.

The expected values are torch's, written out so that the tests run without torch too.
"""

from __future__ import annotations

import math

import ember
import ember.nn.functional as F
import numpy as np
import pytest


def _values(t):
    return t.detach().float().numpy().tolist() if t.dim() else t.item()


# ---- oneDNN layouts: valid products that oneDNN refused, and the cache they poisoned ----


def test_tensordot_with_permuted_size_one_dims():
    r = ember.tensordot(ember.ones(1, 4, 4), ember.ones(4, 1, 4), dims=([1, 2, 0], [0, 2, 1]))
    assert r.item() == 16.0


def test_einsum_with_a_diagonal_operand():
    r = ember.einsum("dcb,cbb->b", ember.ones(2, 4, 6), ember.ones(4, 6, 6))
    assert _values(r) == [8.0] * 6


def test_matmul_of_layouts_onednn_cannot_take_then_of_plain_ones():
    # size-1 dims with odd strides, a zero-stride batch, permuted (interleaved) batch dims
    base = ember.arange(48.0).reshape(4, 3, 4)
    odd = ember.ones(1, 3, 1).expand(5, 3, 4)  # zero strides everywhere but one dim
    inter = base.permute(1, 0, 2)  # (3, 4, 4): batch stride 4 inside the row stride 12
    for a, b in [(odd, ember.ones(4, 2)), (inter, inter.transpose(1, 2)), (base[:, :1], base[:, :1].transpose(1, 2))]:
        expected = np.matmul(a.numpy(), b.numpy())
        np.testing.assert_allclose(ember.matmul(a, b).numpy(), expected, rtol=1e-6)
    # plain products of the same shapes still work afterwards (no failed primitive is cached)
    for shape in [(1, 1, 16), (6, 1, 4)]:
        a = ember.ones(*shape)
        assert ember.matmul(a, a.transpose(1, 2)).shape == (shape[0], shape[1], shape[1])


# ---- precision ----


def test_normalize_float16_accumulates_in_float32():
    x = ember.tensor(np.random.RandomState(0).normal(0, 16, 1407).astype(np.float32))
    r = F.normalize(x.half(), p=3.0, dim=0)
    expected = (x / ember.linalg.vector_norm(x, 3.0)).half()
    np.testing.assert_allclose(r.float().numpy(), expected.float().numpy(), rtol=2e-3, atol=1e-4)
    assert float(r.abs().max()) > 0.05


def test_pow_gradient_in_float64():
    s = ember.tensor(0.17958994790739746, dtype=ember.float64, requires_grad=True)
    (s ** ember.tensor([0.0, 2, 0, 2], dtype=ember.float64)).sum().backward()
    assert s.grad.item() == pytest.approx(4 * 0.17958994790739746, rel=1e-15)


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_bfloat16_division_keeps_the_scalar_in_float32(mode):
    # torch divides by the float32 value 0.001, not by bfloat16(0.001): trunc(425.78) = 424 in bfloat16
    r = ember.tensor([0.42578125], dtype=ember.bfloat16).div(0.001, rounding_mode=mode)
    assert _values(r) == [424.0]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_products_with_a_scalar_round_once(dtype):
    x = ember.tensor(np.random.RandomState(1).randn(500).astype(np.float32)).to(getattr(ember, dtype))
    xf = x.float().numpy()
    for got, exact in [
        (x * 0.0013, xf * np.float32(0.0013)),
        (0.0013 * x, xf * np.float32(0.0013)),
        (x / 0.0013, xf / np.float32(0.0013)),
        (x * 3333, xf * np.float32(3333)),
    ]:
        expected = ember.tensor(exact).to(getattr(ember, dtype)).float().numpy()
        np.testing.assert_array_equal(got.float().numpy(), expected)


# ---- gradients ----


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.std(),
        lambda x: ember.std_mean(x)[0],
        lambda x: x.reshape(3, 1).std(dim=1, correction=0).sum(),
    ],
    ids=["std", "std_mean", "std over a size-1 dim"],
)
def test_std_gradient_is_zero_where_std_is_zero(call):
    x = ember.ones(3, requires_grad=True)
    call(x).backward()
    assert _values(x.grad) == [0.0, 0.0, 0.0]


def test_std_gradient_is_unchanged_elsewhere():
    x = ember.tensor([1.0, 2.0, 4.0], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: t.std(), (x,))
    assert ember.autograd.gradgradcheck(lambda t: t.std(), (x,))


def test_empty_prod_and_cat_join_the_graph():
    x = ember.zeros(5, 0, 5, requires_grad=True)
    for r in (ember.prod(x), ember.prod(x, 1)):
        assert r.requires_grad
        r.sum().backward()
        assert x.grad.shape == x.shape
    assert ember.cat([ember.zeros(0, requires_grad=True)]).requires_grad


@pytest.mark.parametrize(
    "call",
    [
        lambda x: ember.sum(x, dtype=ember.int64),
        lambda x: ember.sum(x, 0, dtype=ember.int32),
        lambda x: ember.cumsum(x, 0, dtype=ember.int8),
        lambda x: ember.cumprod(x, 0, dtype=ember.int64),
        lambda x: ember.prod(x, 0, dtype=ember.int64),
        lambda x: ember.nansum(x, dtype=ember.int64),
    ],
)
def test_integer_results_of_inputs_requiring_grad_raise(call):
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Autograd not support dtype"):
        call(x)
    with ember.no_grad():
        assert not call(x).dtype.is_floating_point


# ---- creation and search ----


@pytest.mark.parametrize(
    "args, dtype, expected",
    [
        ((-8.25, 7.25), "int64", list(range(-8, 7))),
        ((-8.25, 7.25), "int32", list(range(-8, 8))),
        ((-2.5, 3.0, 1.5), "int64", [-2, -1, 0, 1, 2]),
        ((-2.5, 3.0, 1.5), "int32", [-2, -1, 0, 1]),
        ((0.5, 0.9), "int64", []),
        ((0.5, 0.9), "int32", [0]),
        ((0.9, -5.5, -2), "int64", [0, -2, -4]),
        ((0, 5, 0.5), "int32", [0] * 10),
    ],
)
def test_arange_with_float_bounds_and_an_integer_dtype(args, dtype, expected):
    assert ember.arange(*args, dtype=getattr(ember, dtype)).tolist() == expected


def test_arange_errors():
    with pytest.raises(ValueError, match="step must be nonzero"):
        ember.arange(0, 5, 0.5, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent"):
        ember.arange(-0.5, 0.7, -1, dtype=ember.int64)


def test_linspace_checks_the_end_only_when_used():
    assert ember.linspace(0, -2.5, 1, dtype=ember.uint8).tolist() == [0]
    assert ember.linspace(0, -3, 4, dtype=ember.uint8).tolist() == [0, 84, 168, 253]
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.linspace(0, -2.5, 3, dtype=ember.uint8)


def test_search_values_take_the_boundaries_dtype():
    assert ember.searchsorted(ember.tensor([2, 3, 9], dtype=ember.uint8), -2).item() == 3
    assert ember.bucketize(ember.tensor(-3), ember.tensor([2, 4, 4, 6, 7, 9, 9], dtype=ember.uint8)).item() == 7
    # a 1-d value tensor takes part in promotion
    assert ember.searchsorted(ember.tensor([2, 3, 9], dtype=ember.uint8), ember.tensor([-2])).tolist() == [0]


def test_distances_keep_nan():
    assert math.isnan(ember.cdist(ember.tensor([[math.nan, 1.0]]), ember.tensor([[0.0, 1.0]]), p=0.0).item())
    x = ember.tensor([[0.0, math.nan], [1.0, 2.0]])
    for p in (0, 1, 2, 3, math.inf):
        assert math.isnan(F.pdist(x, p=p).item())
    # torch's cdist max norm drops the NaN (max(0, nan) is 0 there)
    assert ember.cdist(ember.tensor([[math.nan, 1.0]]), ember.tensor([[0.0, 1.0]]), p=math.inf).item() == 0.0


# ---- values that do not fit, and dtypes that must match ----


@pytest.mark.parametrize(
    "call",
    [
        lambda: ember.tensor([1, 2, 3], dtype=ember.int8).masked_fill(ember.tensor([True, False, True]), 10000.0),
        lambda: ember.tensor([1, 2, 3]).masked_fill(ember.tensor([True, False, True]), math.nan),
        lambda: ember.tensor([1, 2, 3], dtype=ember.int32).masked_fill_(ember.tensor([True, False, True]), 2**40),
        lambda: ember.tensor([1.0, 2], dtype=ember.float16).masked_fill(ember.tensor([True, False]), 1e6),
        lambda: ember.tensor([1, 2], dtype=ember.int8).masked_fill(ember.tensor([True, False]), ember.tensor(1000)),
        lambda: ember.tensor([1, 2, 3], dtype=ember.int8).index_fill(0, ember.tensor([0]), 10000),
        lambda: ember.zeros(2, dtype=ember.float16).index_fill(0, ember.tensor([0]), 1e6),
    ],
)
def test_fill_values_out_of_range_raise(call):
    with pytest.raises(RuntimeError, match="cannot be converted to type .* without overflow"):
        call()


def test_fill_values_in_range_convert():
    x = ember.tensor([1, 2, 3], dtype=ember.int8)
    assert x.masked_fill(ember.tensor([True, False, True]), 2.7).tolist() == [2, 2, 2]
    assert ember.zeros(2, dtype=ember.uint8).masked_fill(ember.tensor([True, False]), -3).tolist() == [253, 0]
    # fill_ with a tensor converts as a cast, unchecked
    assert ember.zeros(3, dtype=ember.int8).fill_(ember.tensor(-15078, dtype=ember.int16)).tolist() == [26] * 3


def _put(key, value, x=None):
    x = ember.zeros(3) if x is None else x
    x[key] = value
    return x


@pytest.mark.parametrize(
    "key, value",
    [
        (ember.tensor([0, 2]), ember.tensor([5, 6])),
        (ember.tensor([0, 2]), ember.tensor(5)),
        (ember.tensor([0, 2]), ember.tensor([5.0, 6.0], dtype=ember.float64)),
        (ember.tensor([True, False, True]), ember.tensor([5, 6])),
        ([0, 2], ember.tensor([1, 2])),
    ],
)
def test_advanced_index_put_refuses_another_dtype(key, value):
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        _put(key, value)


def test_index_put_conversions_torch_allows():
    assert _put(ember.tensor([True, False, True]), ember.tensor(5, dtype=ember.float64)).tolist() == [5, 0, 5]
    assert _put(ember.tensor([True, False, True]), ember.tensor([5.0], dtype=ember.float64)).tolist() == [5, 0, 5]
    assert _put(ember.tensor([0, 2]), 5).tolist() == [5, 0, 5]
    assert _put(slice(1, None), ember.tensor([5, 6])).tolist() == [0, 5, 6]
    assert _put(ember.tensor(1), ember.tensor(2)).tolist() == [0, 2, 0]
    u = ember.zeros(3, dtype=ember.uint8)
    with pytest.raises(RuntimeError, match="Index put requires"):
        u.index_put_((ember.tensor([0, 2]),), ember.tensor([5, 6], dtype=ember.int8))


def test_nanmean_and_mean_refuse_an_integer_dtype():
    for f in (ember.nanmean, ember.mean):
        with pytest.raises(RuntimeError, match="Optional dtype must be either a floating point"):
            f(ember.tensor([1.0]), dtype=ember.int64)


def test_int_arguments_refuse_bools():
    x = ember.ones(3, 3)
    for call in (
        lambda: ember.kthvalue(x, 1, True),
        lambda: ember.topk(x, 1, True),
        lambda: x.select(True, 0),
        lambda: ember.cumsum(x, True),
        lambda: x.unsqueeze(True),
    ):
        with pytest.raises(TypeError):
            call()


# ---- error kinds ----


def test_matrix_norm_of_empty_matrices():
    assert ember.linalg.matrix_norm(ember.zeros(0, 5), ord=math.inf).item() == 0.0
    assert ember.linalg.matrix_norm(ember.zeros(5, 0), ord=1).item() == 0.0
    with pytest.raises(IndexError):
        ember.linalg.matrix_norm(ember.zeros(0, 5), ord=-math.inf)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ember.rand_like(ember.zeros(3, dtype=ember.int64)),
        lambda: ember.randn_like(ember.zeros(3), dtype=ember.bool),
        lambda: ember.empty(2, dtype=ember.int64).uniform_(),
        lambda: ember.empty(2, dtype=ember.int64).normal_(),
    ],
)
def test_random_floats_into_integers_are_not_implemented(call):
    with pytest.raises(NotImplementedError, match="not implemented for"):
        call()


def test_index_add_and_index_reduce_need_matching_ranks():
    for call in (
        lambda: ember.tensor(1.0).index_add(0, ember.tensor([0]), ember.tensor([2.0])),
        lambda: ember.tensor(1.0).index_reduce(0, ember.tensor([0]), ember.tensor([2.0]), "prod"),
        lambda: ember.tensor([1.0]).index_add(0, ember.tensor([0]), ember.tensor(2.0)),
    ):
        with pytest.raises(RuntimeError, match="source tensor shape must match self tensor shape"):
            call()
    assert ember.tensor(1.0).index_add(0, ember.tensor([0]), ember.tensor(2.0)).item() == 3.0
    assert ember.tensor(1.0).index_copy(0, ember.tensor([0]), ember.tensor([2.0])).item() == 2.0


def test_lerp_weights_torch_takes():
    assert ember.lerp(ember.ones(2), ember.zeros(2), True).tolist() == [0.0, 0.0]
    a = ember.tensor([1.0], requires_grad=True)
    ember.lerp(a, ember.tensor([2.0]), math.inf).sum().backward()
    assert a.grad.item() == -math.inf  # d/da of a + w (b - a) is 1 - w: no inf * 0 = NaN


def test_addr_with_beta_zero_keeps_input_in_the_graph():
    x = ember.full((2, 2), math.nan, requires_grad=True)
    r = ember.addr(x, ember.ones(2), ember.ones(2), beta=0)
    assert r.requires_grad and r.tolist() == [[1.0, 1.0], [1.0, 1.0]]  # NaN input ignored
    r.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


# ---- found by the differential fuzzer (tests/python/differential.py) ----


def test_lerp_with_a_0d_weight_casts_into_out():
    # a 0-d weight takes torch's Scalar overload, which casts; a weight with dims must match exactly
    out = ember.empty((), dtype=ember.float16)
    assert ember.lerp(ember.ones(()), ember.zeros(()), ember.tensor(0.5), out=out) is out and out.item() == 0.5
    out3 = ember.empty(3, dtype=ember.float64)
    ember.lerp(ember.ones(3), ember.zeros(3), ember.tensor(0.25), out=out3)
    assert out3.tolist() == [0.75] * 3
    with pytest.raises(RuntimeError, match="Found dtype Half but expected Float"):
        ember.lerp(ember.ones(3), ember.zeros(3), ember.full((3,), 0.5), out=ember.empty(3, dtype=ember.float16))


def test_comparison_in_place_joins_the_graph_with_a_zero_gradient():
    y = ember.ones(2, requires_grad=True)
    x = ember.zeros(2).lt_(y)
    assert x.requires_grad and x.tolist() == [1.0, 1.0] and x.grad_fn.name() == "LtBackward1"
    (x * 3).sum().backward()
    assert y.grad.tolist() == [0.0, 0.0]
    assert not ember.zeros(2, dtype=ember.int64).ge_(ember.ones(2)).requires_grad


def test_var_unbiased_overload_takes_no_keepdim():
    for f in (ember.var, ember.std, ember.var_mean, ember.std_mean):
        with pytest.raises(TypeError):
            f(ember.ones(3), False, keepdim=True)
        with pytest.raises(TypeError):
            f(ember.ones(3), True, True)
    assert ember.var(ember.ones(3), False).item() == 0.0
    assert ember.var(ember.arange(4.0), 0, False, True).shape == (1,)
    with pytest.raises(TypeError, match="keepdim"):
        ember.var(ember.ones(3), 0, keepdim=1)


def test_tensordot_broadcasts_a_size_one_contracted_dim():
    a = ember.arange(6.0).reshape(3, 1, 2)
    b = ember.ones(1, 1, 3)
    # a's last dim (2) against b's first (1): b is summed over it, as torch does
    r = ember.tensordot(a, b, dims=1)
    assert r.shape == (3, 1, 1, 3)
    np.testing.assert_allclose(r.numpy(), np.broadcast_to(a.numpy().sum(-1)[..., None, None], (3, 1, 1, 3)))
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        ember.tensordot(ember.ones(2, 3), ember.ones(2, 2), dims=1)


def test_logit_with_eps_passes_nan_to_the_gradient():
    x = ember.tensor([float("nan"), 0.0, 0.5], dtype=ember.float64, requires_grad=True)
    ember.logit(x, eps=1e-6).sum().backward()
    assert math.isnan(x.grad[0].item()) and x.grad[1].item() == 0.0 and x.grad[2].item() == 4.0


def test_var_with_a_zero_divisor_has_infinite_gradients_in_every_layout():
    x = ember.tensor([[8.0, 2.0], [-3.0, 5.0]])
    for t in (x, x.T.contiguous().T):  # the kernel path and the column composite
        t = t.detach().requires_grad_()
        v = ember.var(t, dim=0, correction=2)
        v.sum().backward()
        assert bool(ember.isinf(t.grad).all()), t.grad


def test_pow_gradient_of_a_16_bit_operand_uses_the_result_dtype():
    base = ember.tensor(0.35546875, dtype=ember.float16)
    e = ember.tensor([1.5, 2.0], dtype=ember.float64, requires_grad=True)
    (base**e).sum().backward()
    expected = [0.35546875**v * math.log(0.35546875) for v in (1.5, 2.0)]
    np.testing.assert_allclose(e.grad.numpy(), expected, rtol=1e-12)


def test_in_place_composites_keep_their_saved_inputs():
    x = ember.tensor([1.0, 2.0], dtype=ember.float64)
    y = ember.tensor([0.5, -1.0], dtype=ember.float64, requires_grad=True)
    x.ldexp_(y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [1.0 * 2**0.5 * math.log(2), 2.0 * 2**-1 * math.log(2)])


def test_log_softmax_down_columns_near_a_large_maximum():
    x = ember.tensor([[1000.0, 999.0, -1000.0]]).expand(2, 3)
    r = ember.log_softmax(x, 0)
    np.testing.assert_allclose(r.numpy(), np.full((2, 3), -math.log(2)), rtol=1e-7, atol=0)
