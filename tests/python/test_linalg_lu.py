"""LU factorization, LU and triangular solves, and the Cholesky solves: values against NumPy
identities, torch's errors, gradients (gradcheck in float64), the meta device, and torch's older
forms (torch.lu, torch.lu_solve, torch.triangular_solve). The op table (op_db_linalg_lapack.py)
compares each with torch over its samples and layouts.
"""

from __future__ import annotations

import ember
import numpy as np
import pytest
from ember.autograd import gradcheck


def _rand(*shape, seed=0, dtype=ember.float64):
    return ember.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=dtype)


def _dominant(n, *batch, seed=0):
    return _rand(*batch, n, n, seed=seed) + 3.0 * n * ember.eye(n, dtype=ember.float64)


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (5, 3), (3, 5), (2, 1, 4, 2), (1, 1)])
def test_lu_reconstructs_the_matrix(shape):
    A = _rand(*shape)
    P, L, U = ember.linalg.lu(A)
    k = min(shape[-2:])
    assert tuple(L.shape) == shape[:-1] + (k,) and tuple(U.shape) == shape[:-2] + (k, shape[-1])
    np.testing.assert_allclose((P @ L @ U).numpy(), A.numpy(), atol=1e-12)
    np.testing.assert_array_equal(np.tril(L.numpy(), -1) + np.eye(*L.shape[-2:]), L.numpy())
    np.testing.assert_array_equal(np.triu(U.numpy()), U.numpy())
    # partial pivoting: every multiplier is at most 1 in magnitude
    assert float(L.abs().max()) <= 1.0 + 1e-12


def test_lu_factor_pivots_are_lapacks():
    LU, pivots = ember.linalg.lu_factor(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert pivots.dtype == ember.int32 and pivots.tolist() == [2, 2]
    np.testing.assert_allclose(LU.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]], rtol=1e-6)


def test_lu_factor_of_a_singular_matrix():
    with pytest.raises(RuntimeError, match=r"torch.linalg.lu_factor: \(Batch element 1\): U\[1,1\] is zero"):
        ember.linalg.lu_factor(ember.stack([ember.eye(3), ember.zeros(3, 3)]))
    LU, pivots, info = ember.linalg.lu_factor_ex(ember.zeros(2, 2))
    assert info.item() == 1 and info.dtype == ember.int32
    with pytest.raises(RuntimeError, match="lu_factor_ex: U"):
        ember.linalg.lu_factor_ex(ember.zeros(2, 2), check_errors=True)
    P, L, U = ember.linalg.lu(ember.zeros(2, 2))  # linalg.lu never raises for singular input
    assert U.abs().sum().item() == 0


def test_lu_errors_name_the_function():
    with pytest.raises(RuntimeError, match=r"torch.linalg.lu_factor: Expected tensor with 2 or more dimensions. "
                                           r"Got size: \[3\] instead"):
        ember.linalg.lu_factor(ember.ones(3))
    with pytest.raises(NotImplementedError, match="\"lu_cpu\" not implemented for 'Long'"):
        ember.linalg.lu(ember.ones(2, 2, dtype=ember.int64))
    with pytest.raises(NotImplementedError, match="'Half'"):
        ember.linalg.lu_factor(ember.ones(2, 2, dtype=ember.float16))
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        ember.linalg.lu(ember.ones(2, 2), pivot=False)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_solves_each_equation(left, adjoint):
    A, B = _dominant(4, 2), _rand(3, 2, 4, 4, seed=1)
    X = ember.linalg.lu_solve(*ember.linalg.lu_factor(A), B, left=left, adjoint=adjoint)
    op = A.mT if adjoint else A
    residual = op @ X - B if left else X @ op - B
    assert float(residual.abs().max()) < 1e-10


def test_lu_solve_checks():
    LU, pivots = ember.linalg.lu_factor(_dominant(3))
    with pytest.raises(RuntimeError, match="pivots should be a Tensor of scalar type torch.int32"):
        ember.linalg.lu_solve(LU, pivots.long(), _rand(3, 1))
    with pytest.raises(RuntimeError, match=r"Expected LU.shape\[:-1\] and pivots.shape to be the same"):
        ember.linalg.lu_solve(LU, pivots.expand(2, 3), _rand(3, 1))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)"):
        ember.linalg.lu_solve(LU, pivots, _rand(4, 2))
    with pytest.raises(RuntimeError, match="Expected LU and B to have the same dtype"):
        ember.linalg.lu_solve(LU, pivots, _rand(3, 2, dtype=ember.float32))
    with pytest.raises(RuntimeError, match="The input tensor B must have at least 2 dimensions"):
        ember.linalg.lu_solve(LU, pivots, _rand(3))


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit", [False, True])
def test_solve_triangular_reads_one_triangle(upper, left, unit):
    A = _dominant(4, 2, seed=3)  # both triangles hold values: only one may be read
    B = _rand(2, 4, 3, seed=4) if left else _rand(2, 3, 4, seed=4)
    X = ember.linalg.solve_triangular(A, B, upper=upper, left=left, unitriangular=unit)
    T = np.triu(A.numpy()) if upper else np.tril(A.numpy())
    if unit:
        T = T - np.eye(4) * np.diagonal(T, axis1=-2, axis2=-1)[..., None, :] + np.eye(4)
    expected = np.linalg.solve(T, B.numpy()) if left else np.swapaxes(
        np.linalg.solve(np.swapaxes(T, -1, -2), np.swapaxes(B.numpy(), -1, -2)), -1, -2)
    np.testing.assert_allclose(X.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_solve_triangular_computes_in_As_dtype_and_never_raises_for_zero_pivots():
    A = ember.tensor([[2.0, 1.0], [0.0, 4.0]])
    X = ember.linalg.solve_triangular(A, ember.tensor([[3.0], [4.0]], dtype=ember.float64), upper=True)
    assert X.dtype == ember.float32 and X.tolist() == [[1.0], [1.0]]
    Z = ember.linalg.solve_triangular(ember.zeros(2, 2), ember.ones(2, 1), upper=True)
    assert not bool(ember.isfinite(Z).any())
    with pytest.raises(NotImplementedError, match="\"triangular_solve_cpu\" not implemented for 'Long'"):
        ember.linalg.solve_triangular(A.long(), A.long(), upper=True)
    with pytest.raises(TypeError):
        ember.linalg.solve_triangular(A, A)  # upper is required, as torch


def test_cholesky_solve_and_inverse():
    M = _rand(2, 4, 4, seed=5)
    A = M @ M.mT + 4 * ember.eye(4, dtype=ember.float64)
    B = _rand(2, 4, 3, seed=6)
    for upper in (False, True):
        F = ember.linalg.cholesky(A, upper=upper)
        np.testing.assert_allclose(ember.cholesky_solve(B, F, upper).numpy(), np.linalg.solve(A.numpy(), B.numpy()),
                                   rtol=1e-10)
        np.testing.assert_allclose(F.cholesky_inverse(upper).numpy(), np.linalg.inv(A.numpy()), rtol=1e-10)
    with pytest.raises(RuntimeError, match="Incompatible matrix sizes for cholesky_solve: each A matrix is 4 by 4 "
                                           "but each b matrix is 3 by 3"):
        ember.cholesky_solve(_rand(3, 3), F)
    with pytest.raises(RuntimeError, match="b should have at least 2 dimensions, but has 1 dimensions instead"):
        ember.cholesky_solve(_rand(4), F)
    with pytest.raises(NotImplementedError, match="cholesky_inverse_out_cpu"):
        ember.cholesky_inverse(ember.ones(2, 2, dtype=ember.int32))


def test_gradients_in_float64():
    A, B = _dominant(3, seed=7).requires_grad_(), _rand(3, 2, seed=8).requires_grad_()
    for shape in [(3, 3), (4, 2), (2, 4)]:
        W = (_rand(*shape, seed=9) + ember.eye(*shape, dtype=ember.float64) * 3).requires_grad_()
        assert gradcheck(lambda w: ember.linalg.lu_factor(w).LU, (W,))
        assert gradcheck(lambda w: tuple(ember.linalg.lu(w))[1:], (W,))
    for upper in (True, False):
        assert gradcheck(lambda a, b: ember.linalg.solve_triangular(a, b, upper=upper, unitriangular=not upper),
                         (A, B))
        assert gradcheck(lambda a, b: ember.linalg.solve_triangular(a, b.mT, upper=upper, left=False), (A, B))
    for adjoint in (False, True):
        assert gradcheck(lambda a, b: ember.linalg.lu_solve(*ember.linalg.lu_factor(a), b, adjoint=adjoint), (A, B))
    L = (_rand(3, 3, seed=10).tril() + 3 * ember.eye(3, dtype=ember.float64)).requires_grad_()
    assert gradcheck(lambda l, b: ember.cholesky_solve(b, l), (L, B))
    assert gradcheck(lambda l: ember.cholesky_inverse(l), (L,))


def test_double_backward_of_solve_triangular():
    A, B = _dominant(3, seed=11).requires_grad_(), _rand(3, 2, seed=12).requires_grad_()
    assert ember.autograd.gradgradcheck(lambda a, b: ember.linalg.solve_triangular(a, b, upper=True), (A, B))


def test_gradient_of_the_factor_lands_on_its_triangle_only():
    L = (_rand(3, 3, seed=13) + 3 * ember.eye(3, dtype=ember.float64)).requires_grad_()
    ember.cholesky_solve(_rand(3, 2, seed=14), L).sum().backward()
    assert float(L.grad.triu(1).abs().max()) == 0.0 and float(L.grad.tril().abs().max()) > 0


def test_meta_shapes():
    A = ember.empty(2, 5, 3, device="meta")
    LU, pivots, info = ember.linalg.lu_factor_ex(A)
    assert LU.shape == (2, 5, 3) and pivots.shape == (2, 3) and info.shape == (2,) and LU.device.type == "meta"
    P, L, U = ember.linalg.lu(A)
    assert P.shape == (2, 5, 5) and L.shape == (2, 5, 3) and U.shape == (2, 3, 3)
    X = ember.linalg.solve_triangular(ember.empty(4, 1, 3, 3, device="meta"), ember.empty(2, 3, 2, device="meta"),
                                      upper=False)
    assert X.shape == (4, 2, 3, 2)
    S = ember.linalg.lu_solve(ember.empty(3, 3, device="meta"), ember.empty(3, dtype=ember.int32, device="meta"),
                              ember.empty(3, 2, device="meta"), left=True)
    assert S.shape == (3, 2) and S.device.type == "meta"
    assert ember.cholesky_inverse(ember.empty(2, 3, 3, device="meta")).shape == (2, 3, 3)


def test_lu_unpack():
    A = _rand(3, 4, 2, seed=15)
    P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(A))
    np.testing.assert_allclose((P @ L @ U).numpy(), A.numpy(), atol=1e-12)
    LU, pivots = ember.linalg.lu_factor(A[0])
    # pivots that broadcast over a batch of LU matrices (torch reads out of bounds there)
    P2, _, _ = ember.lu_unpack(ember.stack([LU, LU]), pivots)
    assert P2.shape == (2, 4, 4) and bool((P2[0] == P2[1]).all())
    P3, L3, U3 = ember.lu_unpack(LU, pivots, unpack_data=False)
    assert L3.shape == (0,) and U3.shape == (0,) and P3.shape == (4, 4)
    with pytest.raises(RuntimeError, match="LU_pivots is expected to be a contiguous tensor of torch.int32 dtype"):
        ember.lu_unpack(LU, pivots.long())
    with pytest.raises(RuntimeError, match="pivots passed to lu_unpack must be between 1 and LU.size"):
        ember.lu_unpack(LU, pivots + 9)


def test_torchs_older_forms():
    A = _dominant(3, seed=16)
    B = _rand(3, 2, seed=17)
    LU, pivots = ember.lu(A)
    LU2, pivots2, infos = ember.lu(A, get_infos=True)
    assert infos.tolist() == 0 and bool((LU == LU2).all())
    np.testing.assert_allclose(ember.lu_solve(B, LU, pivots).numpy(), np.linalg.solve(A.numpy(), B.numpy()))
    np.testing.assert_allclose(A.lu_solve(LU, pivots).shape, (3, 3))
    sol, coeff = ember.triangular_solve(B, A)
    np.testing.assert_allclose(sol.numpy(), np.linalg.solve(np.triu(A.numpy()), B.numpy()))
    assert bool((coeff == A).all()) and coeff.data_ptr() != A.data_ptr()
    sol_t = B.triangular_solve(A, upper=False, transpose=True).solution
    np.testing.assert_allclose(sol_t.numpy(), np.linalg.solve(np.tril(A.numpy()).T, B.numpy()))
    U, S, V = ember.svd(A)
    np.testing.assert_allclose((U @ ember.diag(S) @ V.mT).numpy(), A.numpy(), atol=1e-12)
    Q, R = A.qr()
    np.testing.assert_allclose((Q @ R).numpy(), A.numpy(), atol=1e-12)


def test_out_arguments():
    A, B = _dominant(3, seed=18), _rand(3, 2, seed=19)
    LU, pivots = ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.int32)
    r = ember.linalg.lu_factor(A, out=(LU, pivots))
    assert r.LU is LU and r.pivots is pivots and LU.shape == (3, 3)
    X = ember.empty(3, 2, dtype=ember.float64)
    assert ember.linalg.lu_solve(LU, pivots, B, out=X) is X
    assert ember.linalg.solve_triangular(A, B, upper=True, out=X) is X
    assert ember.cholesky_inverse(ember.eye(2, dtype=ember.float64), out=ember.empty(2, 2, dtype=ember.float64)).shape == (2, 2)
    with pytest.raises(RuntimeError):
        ember.cholesky_solve(B, A, out=ember.empty(3, 2))  # float32 out for a float64 result
