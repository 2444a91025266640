// Batched LAPACK kernels (float32 / float64). A matrix argument is a contiguous tensor of shape
// (batch, cols, rows): a batch of column-major rows x cols matrices, which is how LAPACK reads
// memory. `info` is a contiguous int32 (batch) tensor receiving LAPACK's info of each matrix.
// Batches run in parallel over matrices with ember's OpenMP threads; OpenBLAS itself is set to one
// thread (its spinning threads fought ours and slowed single large matrices down 20x).
#pragma once
#include <string>

#include "core/tensor.h"

namespace ember::cpu {

// a := a^{-1} (getrf + getri), in place.
void lapack_inverse(Tensor& a, Tensor& info);
// LU of a (getrf, in place) then per matrix det, sign and log|det| (each a contiguous (batch)).
void lapack_det(Tensor& a, Tensor& det, Tensor& sign, Tensor& logabs);
// Solves op(a) x = b (op = transpose when `trans`) in place of b (n x k), a factored in place.
void lapack_solve(Tensor& a, Tensor& b, bool trans, Tensor& info);
// Cholesky factor in the `upper` (or lower) triangle of a (potrf); the other triangle is zeroed.
void lapack_cholesky(Tensor& a, bool upper, Tensor& info);
// Householder QR (geqrf): R above the diagonal of a, reflectors below, tau (batch, min(m, n)).
void lapack_geqrf(Tensor& a, Tensor& tau);
// q (batch, qcols, m) holds k reflectors in its first k columns; forms Q's first qcols columns.
void lapack_orgqr(Tensor& q, const Tensor& tau, int64_t k);
// SVD (gesdd) of a (destroyed): s (batch, min(m, n)); u (batch, ucols, m), vt (batch, n, vrows)
// for jobz 'S' / 'A'; u and vt are ignored for jobz 'N'.
void lapack_svd(Tensor& a, Tensor& s, Tensor& u, Tensor& vt, char jobz, Tensor& info);
// Symmetric eigendecomposition (syevd) reading the `upper` (or lower) triangle: w (batch, n)
// ascending; with `vectors`, a is replaced by the eigenvectors (columns).
void lapack_eigh(Tensor& a, Tensor& w, bool vectors, bool upper, Tensor& info);
// Least squares (gels / gelsy / gelsd / gelss) of a (m x n, destroyed) and b (max(m, n) x k,
// solution in its first n rows); rank int64 (batch) and s (batch, min(m, n)) when the driver
// gives them.
void lapack_lstsq(Tensor& a, Tensor& b, Tensor& rank, Tensor& s, double rcond, const std::string& driver,
                  Tensor& info);

}  // namespace ember::cpu
