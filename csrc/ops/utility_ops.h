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

}  // namespace ember
