"""Regression tests for what the op-table fuzzer (tests/python/fuzz.py, scripts/fuzz.py) found.

Each test pins torch's behaviour for one fixed finding; torch itself is not needed to run them.
"""

import math

import numpy as np
import pytest

import ember

# ---- elementwise, comparisons, bitwise (fuzz rows bitwise_*, __and__, pow, isposinf, relu...) ----


@pytest.mark.parametrize("op", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                                "bitwise_right_shift"])
def test_bitwise_float_raises_even_when_empty(op):
    # the dtype check came after the empty-tensor shortcut, so empty float inputs passed
    for shape in [(2, 3), (0, 3)]:
        with pytest.raises(NotImplementedError):
            getattr(ember, op)(ember.zeros(shape, dtype=ember.int64), ember.zeros(shape))
    with pytest.raises(NotImplementedError):
        ember.zeros(300, 0, dtype=ember.int64) & math.inf
    with pytest.raises(NotImplementedError):
        ember.zeros(0, 3, dtype=ember.bool) & ember.zeros(1, 3)


def test_kernel_dtype_checks_on_empty_inputs():
    e = ember.zeros(0, dtype=ember.bool)
    with pytest.raises(NotImplementedError):
        e ** e
    with pytest.raises(NotImplementedError):
        ember.remainder(e, e)
    with pytest.raises(NotImplementedError):
        ember.hypot(ember.zeros(0, dtype=ember.int64), ember.zeros(0, dtype=ember.int64))
    assert (e ** True).shape == (0,)  # bool ** number has its own path
    assert ember.bitwise_and(ember.zeros(0, dtype=ember.int32), 3).shape == (0,)


def test_shift_out_dtype_checked_before_kernel():
    x = ember.tensor([1, 2], dtype=ember.int32)
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.bitwise_left_shift(x, ember.tensor([1.0, 2.0]), out=x)


@pytest.mark.parametrize("op", ["isposinf", "isneginf", "signbit"])
def test_bool_only_out(op):
    x = ember.tensor([1.0, math.inf, -math.inf])
    for dt in [ember.float32, ember.int64]:
        with pytest.raises(RuntimeError, match="non-boolean outputs"):
            getattr(ember, op)(x, out=ember.empty(3, dtype=dt))
    with pytest.raises(RuntimeError, match="non-boolean outputs"):
        getattr(ember, op)(x, out=x)
    out = ember.empty(3, dtype=ember.bool)
    getattr(ember, op)(x, out=out)
    assert out.tolist() == getattr(ember, op)(x).tolist()


def test_relu_has_no_out():
    x = ember.tensor([-1.0, 2.0])
    with pytest.raises(TypeError):
        ember.relu(x, out=ember.empty(2))
    assert ember.relu(x).tolist() == [0.0, 2.0]


@pytest.mark.parametrize("op", ["pow", "remainder", "bitwise_and"])
def test_two_python_numbers_raise(op):
    with pytest.raises(TypeError):
        getattr(ember, op)(True, True)
    with pytest.raises(TypeError):
        getattr(ember, op)(3, 2)


def test_pow_number_base_still_works():
    assert ember.pow(2, ember.tensor([1.0, 3.0])).tolist() == [2.0, 8.0]


def test_lerp_checks_dtypes_before_kernel():
    x = ember.tensor([1, 2], dtype=ember.int16)
    with pytest.raises(RuntimeError, match="for `end`"):
        x.lerp_(ember.tensor([1.0, 2.0], dtype=ember.float64), 0.5)
    with pytest.raises(NotImplementedError):
        x.lerp_(x, 0.5)


def test_addcmul_value_must_fit():
    x = ember.tensor([1, 2], dtype=ember.int16)
    with pytest.raises(RuntimeError, match="without overflow"):
        x.addcmul_(x, x, value=9223372036854775807)
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.addcmul(ember.ones(2, dtype=ember.float16), x, x, value=1e39)
    assert ember.addcmul(x, x, x, value=-2).tolist() == [-1, -6]


# ---- bool parameters and reductions (amax, max/min, std, var_mean, logsumexp...) ----


@pytest.mark.parametrize("bad", [1.5, None, 1, 0, np.int64(1), "yes"])
def test_keepdim_must_be_bool(bad):
    x = ember.ones(2, 3)
    for f in [lambda: x.sum(0, keepdim=bad), lambda: ember.amin(x, 0, keepdim=bad),
              lambda: ember.logsumexp(x, 1, keepdim=bad), lambda: x.std(dim=0, keepdim=bad),
              lambda: ember.var_mean(x, dim=None, keepdim=bad), lambda: ember.nanmean(x, 1, keepdim=bad),
              lambda: x.max(0, bad)]:
        with pytest.raises(TypeError):
            f()
    assert x.sum(0, keepdim=True).shape == (1, 3)
    assert x.amin(1, False).shape == (2,)


def test_max_min_overloads():
    x = ember.tensor([[1.0, 5.0], [3.0, 2.0]])
    y = ember.full((2, 2), 2.5)
    assert x.max().item() == 5.0
    assert x.max(y).tolist() == [[2.5, 5.0], [3.0, 2.5]]
    assert x.min(dim=0).values.tolist() == [1.0, 2.0]
    assert x.max(1, True).indices.shape == (2, 1)
    for f in [lambda: x.min(None), lambda: x.max(dim=None), lambda: x.max(y, 1), lambda: x.min(y, True),
              lambda: x.max(keepdim=True), lambda: ember.max(x, y, 0)]:
        with pytest.raises(TypeError):
            f()


def test_amax_dims():
    s = ember.tensor(2.0)
    assert ember.amax(s, 0).item() == 2.0
    for dims in [(0, 0), (0, -1)]:
        with pytest.raises(RuntimeError, match="multiple times"):
            ember.amax(s, dims)
        with pytest.raises(RuntimeError, match="multiple times"):
            s.sum(dims)
    # a zero-size dim is reported before the repeat, as torch does
    with pytest.raises(IndexError):
        ember.zeros(2, 2, 0, 3).amax((2, -2))


# ---- conversions and creation (tensor, ones, eye, to) ----


def test_tensor_from_text():
    for data in ["a", b"xy"]:
        with pytest.raises(TypeError):
            ember.tensor(data)
    with pytest.raises(ValueError):
        ember.tensor(["a"])


@pytest.mark.parametrize("op", ["ones", "zeros", "empty", "rand", "randn"])
def test_factories_need_a_size(op):
    with pytest.raises(TypeError):
        getattr(ember, op)()
    assert getattr(ember, op)(()).shape == ()


def test_eye_m():
    with pytest.raises(TypeError):
        ember.eye(2, None)
    with pytest.raises(TypeError):
        ember.eye(2, 3, 4)
    assert ember.eye(2).shape == (2, 2)
    assert ember.eye(2, 3).shape == (2, 3)
    assert ember.eye(2, m=3, dtype=ember.int64).dtype == ember.int64


def test_to_forms():
    x = ember.ones(2)
    for f in [lambda: x.to(ember.float32, 1), lambda: x.to(ember.float32, -1), lambda: x.to("cpu", "cpu"),
              lambda: x.to(ember.float64, True, True, True), lambda: x.to(copy=1), lambda: x.to(-0.5)]:
        with pytest.raises(TypeError):
            f()
    assert x.to(ember.float32, True) is x  # the first flag is non_blocking
    assert x.to(ember.float32, False, True) is not x  # the second is copy
    assert x.to("cpu", ember.float64).dtype == ember.float64
    assert x.to(float).dtype == ember.float64
    assert x.to(ember.ones(1, dtype=ember.int32)).dtype == ember.int32
    assert x.to(None) is x and x.to() is x


# ---- indexing, index/shape/linalg/sort ops (fuzz rows index, tensordot, gather, index_copy, ...) ----


def test_tensordot_zero_d_operand_raises_not_crashes():
    # a 0-d operand's dim 0 was wrapped as if 1-d, then read past its (empty) sizes: a segfault
    a, s = ember.ones(3, 4), ember.tensor(2.0)
    for x, y, dims in [(a, s, ([-1], [0])), (s, a, ([0], [0])), (s, s, ([0], [0]))]:
        with pytest.raises(IndexError):
            ember.tensordot(x, y, dims=dims)
    assert ember.tensordot(a, s, dims=0).shape == (3, 4)


def test_index_key_errors_in_torchs_order():
    x = ember.zeros(3, 4)
    # "too many indices" is checked on the raw key before any item is converted
    for key in [(0, 1, "a"), (2**64, 0, 0), (0, (0, "x"), 1), (b"xy", 0, 0)]:
        with pytest.raises(IndexError, match="too many indices"):
            x[key]
    with pytest.raises(IndexError, match="too many indices"):
        ember.zeros(())[(2**64,)]
    # then items are converted and applied left to right
    with pytest.raises(ValueError, match="step"):
        x[(slice(0, 0, 0), {"a": 1})]
    with pytest.raises(IndexError, match="valid indices"):
        x[({"a": 1}, slice(0, 0, 0))]
    with pytest.raises(TypeError, match="str"):
        x[((0, "x"),)]  # a sequence holding a string: torch's data conversion error
    with pytest.raises(IndexError, match="too many indices"):
        ember.zeros(4, 4)[..., ..., ember.tensor([True, False, False, True])]


def test_index_put_value_shape_checked_before_index_bounds():
    x = ember.zeros(1, 4)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[ember.tensor([1, 0]), 1:-5:3] = ember.zeros(4)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        ember.zeros(3)[[-1, -4]] = ember.zeros(0)
    with pytest.raises(IndexError):
        ember.zeros(3)[[-1, -4]] = ember.zeros(2)


def test_advanced_setitem_zero_d_value_converted_like_a_number():
    x = ember.zeros(3, dtype=ember.uint8)
    mask = ember.tensor([True, False, True])
    with pytest.raises(RuntimeError, match="overflow"):
        x[mask] = ember.tensor(-0.5)
    with pytest.raises(RuntimeError, match="overflow"):
        x[mask] = ember.tensor(300)
    x[mask] = ember.tensor(2.5)
    assert x.tolist() == [2, 0, 2]
    with pytest.raises(IndexError):  # the indices' broadcast is checked before the value
        ember.zeros(4, 1, dtype=ember.uint8)[ember.tensor([False, True, True, False]), [-2, -2, 1]] = ember.tensor(-3.4)
    # other advanced keys take only the destination's dtype, as torch
    y = ember.zeros(3)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        y[ember.tensor([0, 2])] = ember.tensor([1, 2], dtype=ember.int64)


def test_mT_of_zero_d_is_identity():
    s = ember.tensor(3.0)
    assert s.mT.shape == () and s.mT.item() == 3.0
    with pytest.raises(RuntimeError):
        _ = ember.ones(3).mT


def test_gather_scatter_empty_index_skips_checks():
    x = ember.zeros(3, 2, 4)
    assert ember.gather(x, 1, ember.zeros(3, 0, dtype=ember.int64)).shape == (3, 0)
    y = ember.ones(3)
    assert ember.scatter(y, -1, ember.zeros(3, 0, dtype=ember.int64), ember.zeros(3, 0)).tolist() == [1, 1, 1]
    assert ember.scatter_add(y, 0, ember.zeros(0, dtype=ember.uint8), ember.zeros(0)).tolist() == [1, 1, 1]
    with pytest.raises(RuntimeError):
        ember.gather(x, 1, ember.zeros(3, 1, dtype=ember.int64))  # rank still checked when not empty
    with pytest.raises(IndexError):
        ember.gather(x, 5, ember.zeros(0, dtype=ember.int64))  # and the dim


def test_index_op_error_classes():
    x = ember.zeros(3, 5)
    with pytest.raises(IndexError, match="dimensionality"):
        x.index_copy_(0, ember.tensor([0, 1]), ember.zeros(2))
    with pytest.raises(IndexError, match="Number of indices"):
        x.index_copy_(0, ember.tensor([0]), ember.zeros(0, 5))
    with pytest.raises(RuntimeError, match="Number of indices"):
        x.index_add_(0, ember.tensor([0]), ember.zeros(0, 5))
    with pytest.raises(RuntimeError, match="Index to scalar"):
        ember.index_select(ember.tensor(1.0), 0, ember.zeros(0, dtype=ember.int64))
    with pytest.raises(IndexError, match="non-zero size"):
        ember.kthvalue(ember.zeros(0, 0, 3), 2, 0)
    assert ember.kthvalue(ember.zeros(0, 0, 3), 2, 2)[0].shape == (0, 0)
    with pytest.raises(RuntimeError, match="identical"):
        ember.tensor(1.0).diagonal(0, -1, 0)
    with pytest.raises(IndexError):
        ember.tensor(1.0).diagonal()
    with pytest.raises(NotImplementedError):
        ember.trace(ember.zeros(3, dtype=ember.bool))
    with pytest.raises(NotImplementedError):
        ember.linalg.cross(ember.zeros(3, dtype=ember.bool), ember.zeros(3, dtype=ember.int8))
    with pytest.raises(TypeError):
        ember.hsplit(ember.zeros(3, 4), b"xy")


def test_svd_refuses_non_finite_input():
    # gesdd returned zeros for a matrix holding NaN/inf
    a = ember.tensor([[1.0, math.nan], [math.inf, 0.0]])
    for f in [ember.linalg.svdvals, ember.linalg.pinv, lambda t: ember.linalg.svd(t)]:
        with pytest.raises(RuntimeError, match="non-finite"):
            f(a)
    assert ember.linalg.svdvals(ember.eye(2)).tolist() == [1.0, 1.0]


def test_einsum_needs_an_operand():
    with pytest.raises(ValueError):
        ember.einsum("ii->i")
    # operands must share a dtype (torch promotes only on some paths, raising on others)
    with pytest.raises(RuntimeError, match="same dtype"):
        ember.einsum("i,i", ember.tensor([1, 2], dtype=ember.int32), ember.tensor([0.5, 1.5]))


def test_matrix_rank_of_empty_matrix():
    assert ember.linalg.matrix_rank(ember.zeros(0, 4)).shape == ()
    assert ember.linalg.matrix_rank(ember.zeros(2, 0, 4)).tolist() == [0, 0]


def test_linalg_python_functions_type_and_dim_errors():
    with pytest.raises(TypeError):
        ember.linalg.pinv(True)
    with pytest.raises(TypeError):
        ember.linalg.matrix_rank(1.5)
    with pytest.raises(IndexError):
        ember.linalg.norm(ember.ones(2, 4), "nuc", (0, 2))
    with pytest.raises(RuntimeError, match="floating point"):
        ember.linalg.vecdot(ember.ones(3, dtype=ember.int32), ember.ones(3, dtype=ember.int32))
    F = ember.nn.functional
    with pytest.raises(TypeError):
        F.cosine_similarity(ember.ones(2, 4), -0.5)
    with pytest.raises(TypeError):
        F.pdist(True)
    with pytest.raises(TypeError):
        F.pairwise_distance(True, ember.ones(2))


def test_shape_op_argument_errors():
    x = ember.zeros(2, 3)
    for f in [lambda: x.view(), lambda: x.reshape(), lambda: x.permute(), lambda: x.flip(None),
              lambda: ember.movedim(ember.zeros(2, 3, 4), 0, [1, 2])]:
        with pytest.raises(TypeError):
            f()
    # cat-family out= must hold the promoted dtype; checked before the shapes
    with pytest.raises(TypeError, match="cast"):
        ember.cat([ember.ones(1), ember.ones(1)], out=ember.zeros(2, dtype=ember.int64))
    with pytest.raises(TypeError, match="cast"):
        ember.hstack([ember.ones(2, 1), ember.ones(0, 2, 1)], out=ember.zeros(2, dtype=ember.int16))
    out = ember.zeros(2, 1, dtype=ember.int8)
    ember.vstack([ember.ones(1, dtype=ember.int64), ember.ones(1, dtype=ember.int64)], out=out)
    assert out.tolist() == [[1], [1]]
    # torch 2.13: a one-element index gives the shape mismatch; more elements the IndexError
    with pytest.raises(RuntimeError, match="source tensor shape must match"):
        ember.zeros(5, 4).index_reduce_(0, ember.tensor([0]), ember.tensor(1.0), "prod")
    with pytest.raises(IndexError):
        ember.zeros(5, 4).index_reduce_(0, ember.tensor([0, 1]), ember.tensor(1.0), "prod")


def test_no_promotion_unary_out_dtype():
    # torch's unary ops without type promotion (abs, neg, floor, round...) take out= of the input's dtype only
    x = ember.tensor([1, -2], dtype=ember.int8)
    for op in ["abs", "neg", "sign", "floor", "ceil", "round", "trunc", "bitwise_not"]:
        with pytest.raises(RuntimeError, match="Found dtype"):
            getattr(ember, op)(x, out=ember.empty(2, dtype=ember.float16))
    out = ember.empty(2, dtype=ember.int8)
    ember.abs(x, out=out)
    assert out.tolist() == [1, 2]
    f = ember.tensor([1.25, -2.5])
    with pytest.raises(RuntimeError, match="Found dtype"):
        ember.round(f, decimals=1, out=ember.empty(2, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="should be same as input"):
        ember.nan_to_num(f, out=ember.empty(2, dtype=ember.float64))
    assert ember.exp(x, out=ember.empty(2, dtype=ember.float64)).dtype == ember.float64  # promoting ops may cast


def test_prod_median_overloads():
    x = ember.tensor([[3.0, 1.0], [2.0, 4.0]])
    assert x.prod().item() == 24.0
    assert x.prod(1).tolist() == [3.0, 8.0]
    assert ember.prod(x, 0, True, dtype=ember.float64).shape == (1, 2)
    assert x.median().item() == 2.0
    assert ember.nanmedian(x, 0).values.tolist() == [2.0, 1.0]
    for f in [lambda: x.prod(None), lambda: x.prod(keepdim=True), lambda: ember.median(x, None),
              lambda: x.nanmedian(keepdim=True)]:
        with pytest.raises(TypeError):
            f()


def test_clone_memory_format_is_keyword_only():
    x = ember.ones(2)
    with pytest.raises(TypeError):
        x.clone(None)
    assert x.clone(memory_format=None).tolist() == [1.0, 1.0]


def test_large_hardshrink_keeps_the_gil_balanced():
    # hardshrink released the GIL twice on large inputs (an abort in debug pybind11 builds)
    x = ember.linspace(-1, 1, 5000)
    assert (ember.nn.functional.hardshrink(x) == ember.where(x.abs() > 0.5, x, ember.zeros(()))).all()


def test_einsum_sublist_rejects_a_tensor():
    # a tensor as the sublist was iterated through dangling handles (a segfault)
    with pytest.raises(TypeError):
        ember.einsum(ember.ones(5000))


def test_as_strided_span_overflow_raises():
    # (size - 1) * stride wrapped around 2**64 and passed the bounds check: reading the view crashed
    x = ember.zeros(8, dtype=ember.uint8)
    for size, stride in [((5,), (2**62 + 1,)), ((4, 3), (1, -(2**63))), ((2, 2), (2**62, 2**62))]:
        with pytest.raises(RuntimeError):
            ember.as_strided(x, size, stride)
    assert ember.as_strided(x, (0, 3), (2**62, 1)).shape == (0, 3)  # an empty view reaches nothing
    assert ember.as_strided(x, (2, 3), (3, 1)).shape == (2, 3)


# ---- found by longer fuzz runs (scripts/fuzz.py --seed 1) ----


@pytest.mark.parametrize(
    "call",
    [
        lambda x: ember.tensor_split(x, 2**62),
        lambda x: ember.chunk(x, 2**40),
        lambda x: x.expand(2**40, 3).unbind(0),
        lambda x: x.expand(2**40, 3).split(1),
    ],
)
def test_results_of_too_many_views_raise_instead_of_exhausting_memory(call):
    with pytest.raises(RuntimeError, match="out of memory"):
        call(ember.ones(3))


def test_amax_of_an_empty_tensor_without_dims_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="reduction dim to be specified"):
        ember.zeros(0, 3).amax()
    with pytest.raises(IndexError):
        ember.zeros(0, 3).amax(0)


def test_index_put_with_a_single_mask_converts_the_values_like_masked_fill():
    x = ember.zeros(3)
    x.index_put_((ember.tensor([True, False, True]),), ember.tensor(5, dtype=ember.uint8))
    assert x.tolist() == [5.0, 0.0, 5.0]
    with pytest.raises(RuntimeError, match="dtypes match"):
        x.index_put_((ember.tensor([0]),), ember.tensor(5, dtype=ember.uint8))


# ---- seed-1 fuzz fixes: shape / index / linalg rows ----


def test_tril_triu_roll_with_enormous_offsets_do_not_overflow():
    x = ember.arange(12.0).reshape(3, 4)
    for k in (2**40, 2**63 - 1):
        assert ember.tril(x, k).tolist() == x.tolist()
        assert ember.triu(x, k).tolist() == [[0.0] * 4] * 3
        assert ember.tril(x, -k).tolist() == [[0.0] * 4] * 3
        assert ember.triu(x, -k).tolist() == x.tolist()
    v = ember.arange(5.0)
    # 2**63 - 1 = 2 (mod 5); with a second shift on the same dim the sum must not wrap either
    assert v.roll(2**63 - 1).tolist() == [3.0, 4.0, 0.0, 1.0, 2.0]
    assert v.roll((2**63 - 1, 2**63 - 1), (0, 0)).tolist() == v.roll(4).tolist()


@pytest.mark.parametrize("mode", ["replicate", "reflect", "circular", "constant"])
def test_pad_with_an_enormous_pad_is_a_runtime_error(mode):
    import ember.nn.functional as F
    x = ember.ones(1, 2, 3, 4, 5)
    with pytest.raises(RuntimeError):
        F.pad(x, (0, 0, 0, 0, 0, 2**62), mode=mode)
    with pytest.raises(RuntimeError):
        F.pad(x, (0, 0, 0, 0, 2**63 - 1, 2**63 - 1), mode=mode)


def test_lstsq_vector_rhs_must_match_exactly_and_dims_are_checked():
    A = ember.randn(2, 5, 3)
    assert ember.linalg.lstsq(A, ember.randn(2, 5)).solution.shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"size\(-2\)"):
        ember.linalg.lstsq(A, ember.randn(1, 5))  # not a batch of vectors: no broadcasting
    with pytest.raises(RuntimeError, match="input.dim"):
        ember.linalg.lstsq(A, ember.randn(5))


def test_scatter_into_self_refuses_a_src_or_index_sharing_its_memory():
    x = ember.ones(2, 3)
    i = ember.zeros(2, 3, dtype=ember.int64)
    for f in (lambda: x.scatter_add_(0, i, x), lambda: x.scatter_reduce_(0, i, x, "sum"),
              lambda: i.scatter_add_(0, i, ember.ones(2, 3, dtype=ember.int64))):
        with pytest.raises(RuntimeError, match="single memory location"):
            f()
    # the out-of-place form and disjoint views are fine
    assert x.scatter_add(0, i, x).tolist() == [[3.0] * 3, [1.0] * 3]
    y = ember.zeros(2, 3)
    y[0].scatter_add_(0, ember.tensor([0, 0]), y[1, :2] + 1)
    assert y[0].tolist() == [2.0, 0.0, 0.0]


def test_argument_checks_in_torch_order():
    x = ember.zeros(2, 3)
    for dims in (None, b"xy", "ab"):
        with pytest.raises(TypeError, match="dims"):
            x.permute(dims)
        with pytest.raises(TypeError, match="dims"):
            ember.permute(x, dims)
    with pytest.raises(ValueError):
        ember.tensordot(x, x.t(), dims=[])
    with pytest.raises(RuntimeError, match="zero-dimensional"):
        ember.cat([ember.ones(2), ember.tensor(1.0)], out=ember.zeros(3, dtype=ember.bool))
    with pytest.raises(IndexError, match="int64"):
        ember.zeros(5, 4).index_fill(0, ember.zeros(5, 4), 1.0)  # dtype before the rank
    with pytest.raises(IndexError, match="out of range"):
        ember.tensor([True, False]).kthvalue(1, 1)
    with pytest.raises(NotImplementedError):
        ember.tensor([True, False]).kthvalue(1, 0)
    b = ember.ones(2, 2, dtype=ember.bool)
    assert ember.chain_matmul(b).tolist() == b.tolist()  # one matrix: a copy, any dtype
    with pytest.raises(IndexError):
        ember.nn.functional.bilinear(ember.ones(3, 2), ember.ones(3, 2), ember.ones(2, 2, 2), ember.tensor(1.0))


def test_index_reduce_with_a_0d_source_follows_torch():
    for shape in ((0,), (3,), (3, 4)):
        with pytest.raises(RuntimeError, match="source tensor shape must match"):
            ember.zeros(*shape).index_reduce(0, ember.tensor([0]), ember.tensor(1.0), "prod")
        with pytest.raises(IndexError, match="no dimensions"):
            ember.zeros(*shape).index_reduce(0, ember.tensor([0, 1]), ember.tensor(1.0), "prod")


def test_linalg_shape_errors_come_before_dtype_errors():
    for f in (ember.linalg.eigvalsh, ember.linalg.det, ember.linalg.cholesky, ember.linalg.inv, ember.cholesky):
        for dt in (ember.int32, ember.float16):
            with pytest.raises(RuntimeError, match="square"):
                f(ember.ones(0, 3, dtype=dt))
    A = ember.eye(3, dtype=ember.float16)
    with pytest.raises(RuntimeError, match="same dtype"):
        ember.linalg.solve(A, ember.ones(3, 2, dtype=ember.float64))
    with pytest.raises(NotImplementedError):
        ember.linalg.solve(A, A)
    with pytest.raises(RuntimeError, match="floating"):
        ember.linalg.solve(ember.eye(3, dtype=ember.int32), ember.ones(3, 2, dtype=ember.float64))


def test_linalg_bool_flags_must_be_bools():
    A = ember.eye(3)
    for v in (1, 0, -0.5, "a", None):
        with pytest.raises(TypeError):
            ember.linalg.matrix_rank(A, hermitian=v)
        with pytest.raises(TypeError):
            ember.linalg.matrix_norm(A, keepdim=v)
    assert ember.linalg.matrix_rank(A, hermitian=True).item() == 3


def test_a_bare_slice_key_checks_its_step_first():
    for x in (ember.tensor(1.0), ember.zeros(3)):
        with pytest.raises(ValueError, match="step must be greater than zero"):
            x[::-1]
        with pytest.raises(ValueError, match="zero"):
            x[1:3:0]
        with pytest.raises(ValueError):
            x[::-1] = 1.0
    with pytest.raises(IndexError):
        ember.tensor(1.0)[1:2]


# ---- seed-1 fuzz run: elementwise, reductions, creation, copies, scatter/addmm scalars ----


def test_all_any_with_empty_dim_list_reduce_nothing():
    x = ember.tensor([[0, 1], [2, 3]], dtype=ember.uint8)
    for f in (ember.all, ember.any):
        r = f(x, dim=())
        assert r.shape == (2, 2) and r.dtype == ember.uint8 and r.tolist() == [[0, 1], [1, 1]]
        r = f(x.float(), dim=[])
        assert r.dtype == ember.bool and r.tolist() == [[False, True], [True, True]]
    assert ember.all(x).shape == () and ember.all(x, dim=None).item() == 0


def test_tensor_from_numbers_refuses_what_the_int_dtype_cannot_hold():
    for data, dt in [([1, math.nan], ember.int64), ([math.inf], ember.int32), ([300], ember.uint8),
                     ([1, 2**63 - 1], ember.int8), ([-1.0], ember.uint8)]:
        for f in (ember.tensor, ember.as_tensor):
            with pytest.raises(RuntimeError, match="without overflow"):
                f(data, dtype=dt)
    assert ember.tensor([-1], dtype=ember.uint8).tolist() == [255]  # int negatives wrap, as torch
    assert ember.tensor([2.5, 1e6], dtype=ember.float16).tolist()[1] == math.inf


def test_tensor_of_none():
    for f in (ember.tensor, ember.as_tensor):
        with pytest.raises(RuntimeError, match="infer dtype"):
            f(None)
        with pytest.raises(RuntimeError, match="infer dtype"):
            f([1, None])
        with pytest.raises(TypeError, match="real number"):
            f([None], dtype=ember.float32)
        with pytest.raises(TypeError):
            f(None, dtype=ember.int64)


def test_bool_flags_of_copy_and_put_must_be_bools():
    x = ember.zeros(4)
    for v in (1, 0, -1, 2.5, None):
        with pytest.raises(TypeError):
            x.copy_(ember.ones(4), v)
        with pytest.raises(TypeError):
            x.put_(ember.tensor([0]), ember.ones(1), v)
        with pytest.raises(TypeError):
            ember.put(x, ember.tensor([0]), ember.ones(1), v)
    assert x.copy_(ember.ones(4), True).tolist() == [1.0] * 4
    assert x.put_(ember.tensor([0]), ember.ones(1), True).tolist() == [2.0, 1.0, 1.0, 1.0]


def test_celu_alpha_zero_raises():
    x = ember.ones(3)
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        ember.nn.functional.celu(x, 0)
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        ember.nn.functional.celu(ember.ones(0), 0.0, inplace=True)


def test_contiguous_memory_format_is_keyword_only():
    with pytest.raises(TypeError):
        ember.zeros(2, 3).contiguous(None)
    assert ember.zeros(2, 3).contiguous(memory_format=ember.contiguous_format).is_contiguous()


def test_empty_tensors_are_contiguous_and_keep_torch_strides():
    x = ember.zeros(0, 3, 4, 5).contiguous(memory_format=ember.channels_last)
    assert x.stride() == (60, 1, 15, 3) and x.is_contiguous()
    assert x.is_contiguous(memory_format=ember.channels_last)
    y = ember.zeros(2, 0, 3, 1).contiguous(memory_format=ember.channels_last)
    assert y.stride() == (0, 1, 0, 0)
    z = ember.zeros(1, 3, 4, 5).expand(0, 3, 4, 5)  # all-zero strides
    assert z.clone().stride() == z.stride()
    assert z.contiguous(memory_format=ember.preserve_format).shape == (0, 3, 4, 5)


def test_scatter_and_addmm_scalars_must_fit_the_dtype():
    x, i = ember.zeros(3, dtype=ember.uint8), ember.tensor([0])
    with pytest.raises(RuntimeError, match="without overflow"):
        x.scatter(0, i, 2**40)
    with pytest.raises(RuntimeError, match="without overflow"):
        x.scatter_(0, i, 300, reduce="add")
    assert x.scatter(0, i, 3).tolist() == [3, 0, 0]
    m = ember.ones(2, 2, dtype=ember.int16)
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.addmm(m, m, m, alpha=-2**63)
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.addbmm(m, m.unsqueeze(0), m.unsqueeze(0), beta=2**40)
    h = ember.ones(1, 2, 2, dtype=ember.float16)  # 16-bit floats take float32-range scalars
    assert ember.addbmm(h[0], h, h, beta=2**62).dtype == ember.float16


def test_number_first_bitwise_ops_take_no_out():
    t, o = ember.ones(2, dtype=ember.int64), ember.zeros(2, dtype=ember.int64)
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
               "remainder"):
        with pytest.raises(TypeError):
            getattr(ember, op)(2, t, out=o)
        assert getattr(ember, op)(2, t).shape == (2,)
    assert ember.pow(2, t, out=o).tolist() == [2, 2]


def test_clamp_with_number_bounds_and_lerp_with_tensor_weight_need_the_exact_out_dtype():
    x, f = ember.ones(3, dtype=ember.int16), ember.ones(3)
    with pytest.raises(RuntimeError, match="Found dtype"):
        ember.clamp_max(x, 1.5, out=ember.zeros(3, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="Found dtype"):
        ember.clamp(x, 0, 1.5, out=ember.zeros(3, dtype=ember.int16))
    with pytest.raises(RuntimeError, match="Found dtype"):
        ember.lerp(f, f, f, out=ember.zeros(3, dtype=ember.float16))
    ember.clamp_max(x, 1.5, out=ember.zeros(3))
    ember.clamp(f, f, out=ember.zeros(3, dtype=ember.float64))  # tensor bounds cast, as torch
    ember.lerp(f, f, 0.5, out=ember.zeros(3, dtype=ember.float64))  # a number weight casts, as torch


def test_scatter_refuses_an_explicit_none_src_or_value():
    x, i = ember.zeros(3), ember.tensor([0])
    for call in (lambda: ember.scatter(x, 0, i, None), lambda: ember.scatter(x, 0, i, None, value=2.0),
                 lambda: x.scatter_(0, i, None, reduce="add"), lambda: x.scatter(0, i, value=None)):
        with pytest.raises(TypeError):
            call()
    assert ember.scatter(x, 0, i, value=2.0).tolist() == [2.0, 0.0, 0.0]
    assert x.scatter(0, i, ember.ones(1), reduce="add").tolist() == [1.0, 0.0, 0.0]


def test_text_after_the_first_element_is_a_bad_type():
    for data in [(0, "x"), [[0], ["x"]], [0, b"xy"], [[1, 2], "ab"]]:
        with pytest.raises(TypeError):
            ember.tensor(data)
    with pytest.raises(ValueError, match="too many dimensions"):
        ember.tensor(["a"])


def test_vecdot_operands_share_a_dtype():
    x = ember.ones(3)
    with pytest.raises(RuntimeError, match="same dtype"):
        ember.linalg.vecdot(x, ember.ones(3, dtype=ember.int32))
    assert float(ember.linalg.vecdot(x, x)) == 3.0


def test_copy_takes_a_python_number():
    x = ember.zeros(3)
    assert x.copy_(1.5) is x and x.tolist() == [1.5, 1.5, 1.5]
    assert ember.zeros(2, dtype=ember.int32).copy_(2.7).tolist() == [2, 2]  # cast, as torch
    with pytest.raises(TypeError, match="copy_"):
        x.copy_("a")
    with pytest.raises(TypeError, match="copy_"):
        x.copy_(None)
    with pytest.raises(NotImplementedError, match="complex"):
        x.copy_(1j)


def test_spectral_norm_of_an_empty_matrix_is_zero():
    assert ember.linalg.matrix_norm(ember.zeros(0, 3), ord=2).item() == 0.0
    assert ember.linalg.norm(ember.zeros(2, 0, 3), ord=2, dim=(1, 2), keepdim=True).shape == (2, 1, 1)
    with pytest.raises(IndexError, match="non-zero size"):  # the smallest singular value: none, as torch
        ember.linalg.matrix_norm(ember.zeros(0, 3), ord=-2)


def test_binding_errors_name_the_op():
    x = ember.ones(2, 3)
    with pytest.raises(IndexError, match=r"^sum: Dimension out of range"):
        x.sum(5)
    with pytest.raises(IndexError, match=r"^permute: Dimension out of range"):
        x.permute(0, 5)
    with pytest.raises(TypeError, match=r"^squeeze\(\): "):
        ember.squeeze(x, object())
    with pytest.raises(TypeError, match=r"^elu_\(\): "):
        ember.nn.functional.elu_([1.0])
    with pytest.raises(IndexError, match=r"^linalg.matrix_norm: Dimension out of range"):
        ember.linalg.matrix_norm(x, dim=(0, 2))
    with pytest.raises(RuntimeError, match=r"^add: the size"):  # x + y names the function it runs
        x + ember.ones(4)
