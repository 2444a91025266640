"""Tensor methods and functions torch has for every tensor that ember writes in Python: the
``new_*`` factories, unfold, sum_to_size, fill_diagonal_, the methods of the composed functions
(x.diff(), x.matrix_power(), ...), their in-place forms, and the real-dtype identities (conj, real,
adjoint, ...). Values are checked against NumPy or written out; torch's behaviour is the spec.
"""

from __future__ import annotations

import ember
import numpy as np
import pytest


def test_new_factories_take_dtype_and_device_from_self():
    x = ember.ones(2, dtype=ember.float64)
    for t in (x.new_zeros(2, 3), x.new_zeros((2, 3)), x.new_ones([2, 3]), x.new_empty(2, 3), x.new_full((2, 3), 7)):
        assert t.shape == (2, 3) and t.dtype == ember.float64 and not t.requires_grad
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0]
    assert x.new_zeros(3, dtype=ember.int8).dtype == ember.int8
    assert x.new_ones(2, requires_grad=True).requires_grad
    t = x.new_tensor([1, 2])
    assert t.dtype == ember.float64 and t.tolist() == [1.0, 2.0]
    src = ember.ones(2, requires_grad=True)
    copy = x.new_tensor(src)
    assert not copy.requires_grad and copy.data_ptr() != src.data_ptr()
    assert x.new_empty_strided((2, 3), (1, 2)).stride() == (1, 2)
    assert x.new_zeros(()).shape == ()
    with pytest.raises(TypeError):
        x.new_zeros(2, "a")


def test_unfold_is_a_sliding_window_view():
    x = ember.arange(7)
    u = x.unfold(0, 3, 2)
    assert u.tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert u.data_ptr() == x.data_ptr()
    m = ember.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(m.unfold(1, 2, 1).numpy(),
                                  np.lib.stride_tricks.sliding_window_view(m.numpy(), 2, axis=1))
    assert ember.tensor(5).unfold(0, 1, 1).tolist() == [5]
    with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 0 is 7 but size is 8"):
        x.unfold(0, 8, 1)
    with pytest.raises(RuntimeError, match="step is 0 but must be > 0"):
        x.unfold(0, 2, 0)
    g = ember.arange(5.0, requires_grad=True)
    g.unfold(0, 2, 1).sum().backward()
    assert g.grad.tolist() == [1.0, 2.0, 2.0, 2.0, 1.0]


def test_sum_to_size_reduces_broadcast_dims():
    x = ember.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(x.sum_to_size(3, 1).numpy(), x.numpy().sum(axis=(0, 2))[:, None])
    np.testing.assert_array_equal(x.sum_to_size((1, 3, 4)).numpy(), x.numpy().sum(0, keepdims=True))
    assert x.sum_to_size(2, 3, 4).shape == (2, 3, 4)
    with pytest.raises(RuntimeError, match="is not expandable to size"):
        x.sum_to_size(5)


def test_fill_diagonal():
    assert ember.zeros(2, 3).fill_diagonal_(5).tolist() == [[5, 0, 0], [0, 5, 0]]
    tall = ember.zeros(7, 3).fill_diagonal_(1, wrap=True)
    expected = np.zeros((7, 3))
    for r, c in [(0, 0), (1, 1), (2, 2), (4, 0), (5, 1), (6, 2)]:
        expected[r, c] = 1
    np.testing.assert_array_equal(tall.numpy(), expected)
    assert ember.zeros(7, 3).fill_diagonal_(1).sum().item() == 3
    cube = ember.zeros(2, 2, 2).fill_diagonal_(1)
    assert cube[0, 0, 0].item() == 1 and cube[1, 1, 1].item() == 1 and cube.sum().item() == 2
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        ember.zeros(2, 3, 3).fill_diagonal_(1)


def test_methods_of_composed_functions():
    x = ember.tensor([1.0, 4.0, 9.0, 16.0])
    assert x.diff().tolist() == [3.0, 5.0, 7.0]
    assert x.quantile(0.5).item() == 6.5
    assert x.positive() is x or x.positive().tolist() == x.tolist()
    assert x.float_power(2).dtype == ember.float64
    assert x.ldexp(ember.tensor([1.0])).tolist() == [2.0, 8.0, 18.0, 32.0]
    m = ember.tensor([[1.0, 1.0], [0.0, 1.0]])
    assert m.matrix_power(3).tolist() == [[1.0, 3.0], [0.0, 1.0]]
    assert m.matrix_exp().shape == (2, 2)
    assert ember.ones(2, 3).cov().shape == (2, 2)
    assert x.dist(ember.zeros(4)).item() == pytest.approx(float(np.linalg.norm(x.numpy())))
    assert ember.tensor([[2.0, 0.0], [0.0, 0.0]]).pinverse().tolist() == [[0.5, 0.0], [0.0, 0.0]]


def test_matrix_power_zero_keeps_the_graph_without_nan():
    A = ember.tensor([[float("inf"), 1.0], [0.0, 1.0]], requires_grad=True)
    r = A.matrix_power(0)
    assert r.tolist() == [[1.0, 0.0], [0.0, 1.0]] and r.requires_grad
    r.sum().backward()
    assert A.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_in_place_forms():
    x = ember.tensor([1.0, 2.0, 3.0])
    assert x.cumsum_(0) is x and x.tolist() == [1.0, 3.0, 6.0]
    assert x.cumprod_(0).tolist() == [1.0, 3.0, 18.0]
    d = ember.tensor([2.0], dtype=ember.float64)
    assert d.float_power_(2).tolist() == [4.0]
    with pytest.raises(RuntimeError, match="the base given to float_power_ has dtype Float but the operation's "
                                           "result requires dtype Double"):
        ember.tensor([2.0]).float_power_(2)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        ember.tensor([2]).ldexp_(ember.tensor([1]))
    r = ember.tensor([[3.0, 4.0], [0.3, 0.4]])
    assert r.renorm_(2, 0, 1.0) is r and r[0].tolist() == pytest.approx([0.6, 0.8], rel=1e-5)


def test_real_dtype_identities():
    x = ember.tensor([[1.0, -2.0], [3.0, 4.0]])
    for f in (ember.conj, ember.conj_physical, ember.resolve_conj, ember.resolve_neg, ember.real):
        assert f(x) is x
    assert x.real is x and x.conj() is x
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
        x.imag
    assert not x.is_complex() and not x.is_conj() and not x.is_neg() and x.is_signed()
    assert not ember.ones(1, dtype=ember.uint8).is_signed()
    assert ember.isreal(x).all().item() and x.isreal().dtype == ember.bool
    assert x.adjoint().tolist() == [[1.0, 3.0], [-2.0, 4.0]] and x.mH.tolist() == x.H.tolist() == x.adjoint().tolist()
    with pytest.raises(RuntimeError, match="tensor.H is only supported on matrices"):
        ember.ones(2, 2, 2).H
    assert x.ravel().tolist() == [1.0, -2.0, 3.0, 4.0]
    n = x.t().narrow_copy(0, 0, 1)
    assert n.is_contiguous() and n.tolist() == [[1.0, 3.0]]
    assert x.get_device() == -1
    assert ember.tensor([0.5]).is_nonzero() and not ember.is_nonzero(ember.tensor([0]))
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        x.is_nonzero()
    assert x.is_same_size(ember.zeros(2, 2)) and not x.is_same_size(ember.zeros(4))


def test_cumulative_in_place_rules():
    b = ember.tensor([True, False, True])
    assert b.cumsum_(0).tolist() == [True, True, True]
    i = ember.tensor([100, 100, 100], dtype=ember.int8)
    assert i.cumsum_(0).tolist() == [100, -56, 44]  # accumulated in int8, as torch
    with pytest.raises(RuntimeError, match="Bad in-place call"):
        ember.ones(3).cumsum_(0, dtype=ember.float64)
    with pytest.raises(RuntimeError, match="cumprod_"):
        ember.ones(1).expand(3).cumprod_(0)


def test_finfo_and_iinfo():
    f32 = ember.finfo(ember.float32)
    assert f32.eps == float(np.finfo(np.float32).eps) and f32.max == float(np.finfo(np.float32).max)
    assert f32.tiny == f32.smallest_normal == float(np.finfo(np.float32).tiny) and f32.bits == 32
    assert ember.finfo().dtype == "float32" and ember.finfo(ember.float16).max == 65504.0
    assert ember.finfo(ember.bfloat16).eps == 2.0**-7 and ember.finfo(ember.float64).resolution == 1e-15
    assert repr(ember.finfo(ember.float32)) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, "
                                                "eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, "
                                                "dtype=float32)")
    i8 = ember.iinfo(ember.int8)
    assert (i8.min, i8.max, i8.bits) == (-128, 127, 8) and repr(ember.iinfo(ember.uint8)) == "iinfo(min=0, max=255, dtype=uint8)"
    assert ember.iinfo(ember.int64).max == 2**63 - 1
    with pytest.raises(TypeError, match="requires an integer input type"):
        ember.iinfo(ember.float32)
    with pytest.raises(TypeError, match="requires a floating point input type"):
        ember.finfo(ember.int32)
    with pytest.raises(TypeError, match="not supported by torch.iinfo"):
        ember.iinfo(ember.bool)
