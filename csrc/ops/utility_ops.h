// Comparison and distance utilities: isclose/allclose/equal, searchsorted/bucketize, cdist.
#pragma once
#include <optional>

#include "ops/ops.h"

namespace ember {

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);
bool equal(const Tensor& a, const Tensor& b);  // same sizes and values (dtypes promote)
// Index of the first element of each row of `sorted` that is >= (right: >) each value; NaN sorts last.
Tensor searchsorted(const Tensor& sorted, const Tensor& values, bool out_int32, bool right,
                    const std::optional<Tensor>& sorter);
Tensor bucketize(const Tensor& values, const Tensor& boundaries, bool out_int32, bool right);
// compute_mode: 0 = use mm for p=2 when either side has more than 25 rows, 1 = always, 2 = never.
Tensor cdist(const Tensor& x1, const Tensor& x2, double p, int compute_mode);

namespace cpu {
// values (rows x nv) searched in sorted (rows x ns) (rows = 1: every value in one sequence);
// both contiguous of one dtype; sorter (int64, like sorted) optional; out int64 or int32.
void searchsorted_kernel(const Tensor& sorted, const Tensor& values, const Tensor* sorter, bool right, Tensor& out);
// Direct p-norm distances: x1 (B, r1, m), x2 (B, r2, m) contiguous, same floating dtype -> out (B, r1, r2).
void cdist_kernel(const Tensor& x1, const Tensor& x2, double p, Tensor& out);
// The matmul form of p=2: out = sqrt(max(|a_i|^2 + |b_j|^2 - 2 ab_ij, 1e-30)) (rounding can go
// below zero; the floor matches torch's), ab = a b^T (B, r1, r2).
void cdist_mm_finish(const Tensor& x1, const Tensor& x2, const Tensor& ab, Tensor& out);
// isclose over two contiguous tensors of one dtype into a bool tensor.
void isclose_kernel(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan, Tensor& out);
}  // namespace cpu

}  // namespace ember
