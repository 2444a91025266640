// Reductions over any set of dims, for sum/mean/amax/amin/argmax/argmin and max/min with indices.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace ember::cpu {

enum class ReduceOp { Sum, Max, Min, ArgMax, ArgMin };

// `values` (and `indices` for arg ops and max/min along a dim; may be undefined otherwise) have
// the input's shape with every reduced dim set to 1. `reduced[d]` marks the dims to reduce.
void reduce_kernel(ReduceOp op, const Tensor& values, const Tensor& indices, const Tensor& in,
                   const std::vector<bool>& reduced);

// The vector norm of order `ord` (any float; inf/-inf: largest/smallest |x|) over the reduced
// dims, into `values` of in's floating dtype.
void norm_kernel(const Tensor& values, const Tensor& in, const std::vector<bool>& reduced, double ord);

}  // namespace ember::cpu
