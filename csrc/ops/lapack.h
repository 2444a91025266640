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

}  // namespace ember
