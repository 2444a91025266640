// Records the autograd nodes of the LAPACK-backed linalg ops (lapack.cpp next to this file).
#pragma once
#include "core/tensor.h"

namespace ember::autograd {

void record_linalg_inv(const Tensor& A, const Tensor& inv);
void record_linalg_det(const Tensor& A, const Tensor& det);
void record_linalg_slogdet(const Tensor& A, const Tensor& sign, const Tensor& logabs);
// X solves A X = B (A, B, X with the same batch dims; B and X matrices).
void record_linalg_solve(const Tensor& A, const Tensor& B, const Tensor& X);
void record_linalg_cholesky(const Tensor& A, const Tensor& factor, bool upper);
// has_q: false for mode='r' (Q is an empty tensor then; backward raises as torch).
void record_linalg_qr(const Tensor& A, const Tensor& Q, const Tensor& R, bool complete, bool has_q);
void record_linalg_svd(const Tensor& A, const Tensor& U, const Tensor& S, const Tensor& Vh);
void record_linalg_eigh(const Tensor& A, const Tensor& L, const Tensor& V);
// X solves A X = B for triangular A (A, B, X with the same batch dims).
void record_solve_triangular(const Tensor& A, const Tensor& B, const Tensor& X, bool upper, bool unitriangular);
// LU = packed L and U of A = P L U (square, wide or tall), pivots its int32 row swaps.
void record_lu_factor(const Tensor& A, const Tensor& LU, const Tensor& pivots);

}  // namespace ember::autograd
