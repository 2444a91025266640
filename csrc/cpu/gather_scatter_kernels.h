// CPU kernels of gather / scatter along one dim. `index` has the iteration shape; `self_view` and
// `src_view` are restrided onto it by the op layer (self_view has stride 0 along `dim`).
#pragma once
#include "core/tensor.h"

namespace ember::cpu {

// out[i] = self_view[i + index[i] * dim_stride]; parallel (the writes are disjoint).
void gather_kernel(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim,
                   int64_t dim_size, int64_t dim_stride);
// self_view[i + index[i] * dim_stride] (=|+=) src_view[i]; serial, so the result is deterministic.
void scatter_kernel(const Tensor& self_view, const Tensor& src_view, const Tensor& index, int64_t dim,
                    int64_t dim_size, int64_t dim_stride, bool accumulate);

}  // namespace ember::cpu
