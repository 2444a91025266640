// Shape and stride arithmetic shared by ops and the iterator.
#pragma once
#include <string>
#include <vector>

#include "core/small_vector.h"

namespace ember {

using Shape = DimVector;

int64_t shape_numel(const Shape& sizes);
Shape contiguous_strides(const Shape& sizes);
bool is_contiguous_geometry(const Shape& sizes, const Shape& strides);
std::string shape_to_string(const Shape& sizes);  // "[2, 3]"
std::string shape_to_x_string(const Shape& sizes);  // "2x3"
// Wraps a possibly negative dim into [0, ndim); IndexError like torch's otherwise.
int64_t wrap_dim(int64_t dim, int64_t ndim, bool scalar_ok = true);
// torch's broadcasting; RuntimeError naming `op` and both shapes when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Fills one -1 in `sizes` so that the product is `numel`.
Shape infer_size(const Shape& sizes, int64_t numel, const char* op);
// Checks sizes are non-negative and their product does not overflow.
void check_sizes(const Shape& sizes, const char* op);

}  // namespace ember
