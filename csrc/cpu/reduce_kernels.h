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

}  // namespace ember::cpu
