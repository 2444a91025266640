// CPU kernels of gather / scatter along one dim. `index` has the iteration shape; `self_view` and
// `src_view` are restrided onto it by the op layer (self_view has stride 0 along `dim`).
#pragma once
#include "core/tensor.h"

namespace ember::cpu {

// out[i] = self_view[i + index[i] * dim_stride]; parallel (the writes are disjoint).
void gather_kernel(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim,
                   int64_t dim_size, int64_t dim_stride);

// How a scattered source element combines with its target.
enum class ScatterOp { Copy, Add, Mul, Max, Min };

// The scatter family along one dim, parallel over the other dims and deterministic: `self_rest`,
// `src_rest` and `index_rest` are views over the iteration shape with `dim` of size 1 (index int64;
// 0 strides broadcast, e.g. index_add's 1-d index or a scalar source). For each of those positions,
// j = 0..n-1 in order: self[p + index[p + j*index_dstride] * self_dstride] op= src[p + j*src_dstride]
// (strides in elements). Each target is written by one thread in a fixed order.
void scatter_reduce_kernel(const Tensor& self_rest, const Tensor& src_rest, const Tensor& index_rest, int64_t n,
                           int64_t self_dstride, int64_t src_dstride, int64_t index_dstride, int64_t dim,
                           int64_t dim_size, ScatterOp op, const char* name);

}  // namespace ember::cpu
