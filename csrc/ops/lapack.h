// ember.linalg's LAPACK-backed ops (lapack.cpp): inverse, determinants, solve, Cholesky, QR, SVD,
// symmetric eigendecomposition and least squares, float32 / float64, any leading batch dims.
#pragma once
#include <string>
#include <tuple>

#include "ops/ops.h"

namespace ember {

// (inverse, info int32 with the batch shape); check_errors raises on a singular matrix.
std::tuple<Tensor, Tensor> linalg_inv_ex(const Tensor& A, bool check_errors);
Tensor linalg_inv(const Tensor& A);
Tensor linalg_det(const Tensor& A);
std::tuple<Tensor, Tensor> linalg_slogdet(const Tensor& A);  // (sign, logabsdet)
Tensor logdet(const Tensor& A);
// AX = B (left) or XA = B; B a batch of matrices or vectors; batch dims broadcast.
Tensor linalg_solve(const Tensor& A, const Tensor& B, bool left);
std::tuple<Tensor, Tensor> linalg_cholesky_ex(const Tensor& A, bool upper, bool check_errors);
Tensor linalg_cholesky(const Tensor& A, bool upper);
std::tuple<Tensor, Tensor> linalg_qr(const Tensor& A, const std::string& mode);
// (U, S, Vh); without compute_uv, U and Vh are empty tensors.
std::tuple<Tensor, Tensor, Tensor> linalg_svd(const Tensor& A, bool full_matrices, bool compute_uv,
                                              const char* op = "linalg.svd");
// (eigenvalues, eigenvectors); without compute_v, eigenvectors is an empty tensor.
std::tuple<Tensor, Tensor> linalg_eigh(const Tensor& A, const std::string& uplo, bool compute_v,
                                       const char* op = "linalg.eigh");
// (solution, residuals, rank, singular_values), as torch.linalg.lstsq on CPU; not differentiable
// (ember.linalg.lstsq composes pinv under autograd). rcond < 0: machine eps * max(m, n).
std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_lstsq(const Tensor& A, const Tensor& B, double rcond,
                                                        const std::string& driver);

// ---- LU and triangular systems ----
// (LU, pivots int32, info int32) of A = P L U with partial pivoting; pivot=false raises (CPU);
// `op` names the caller in errors ("torch.linalg.lu_factor", "linalg.lu", ...).
std::tuple<Tensor, Tensor, Tensor> linalg_lu_factor_ex(const Tensor& A, bool pivot, bool check_errors,
                                                       const char* op = "torch.linalg.lu_factor_ex");
// (P, L, U) unpacked from lu_factor's result; without unpack_data L and U are empty, without
// unpack_pivots P is.
std::tuple<Tensor, Tensor, Tensor> lu_unpack(const Tensor& LU, const Tensor& pivots, bool unpack_data,
                                             bool unpack_pivots);
// (P, L, U) with A = P L U.
std::tuple<Tensor, Tensor, Tensor> linalg_lu(const Tensor& A, bool pivot);
// X with A X = B (left) or X A = B, A (or A^T when adjoint) given by lu_factor.
Tensor linalg_lu_solve(const Tensor& LU, const Tensor& pivots, const Tensor& B, bool left, bool adjoint);
// X with A X = B (left) or X A = B for triangular A: only A's `upper` or lower triangle is read,
// and its diagonal is taken as ones when unitriangular. The result has A's dtype.
Tensor linalg_solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left, bool unitriangular);
// The int64 (..., m) row permutation of lu_factor's pivots (..., k): A[perm] = L U; with
// `inverse`, its inverse permutation.
Tensor lu_pivots_permutation(const Tensor& pivots, int64_t m, bool inverse);
// The rows of M (..., m, c) taken in `order` (..., m, broadcast to M's batch):
// result[..., i, :] = M[..., order[i], :].
Tensor take_rows(const Tensor& M, const Tensor& order);
// X with A X = B for A = L L^T (or U^T U when upper) given its Cholesky factor.
Tensor cholesky_solve(const Tensor& B, const Tensor& factor, bool upper);
// A^{-1} for A = L L^T (or U^T U when upper) given its Cholesky factor.
Tensor cholesky_inverse(const Tensor& factor, bool upper);

}  // namespace ember
