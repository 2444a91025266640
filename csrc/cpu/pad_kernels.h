// CPU kernels of reflect / replicate / circular padding. Both tensors are contiguous and viewed
// as (B, D, H, W): the padded dims last, missing ones of size 1. maps[k][o] is the input index
// that output index o of dim k (D, H, W) reads.
#pragma once
#include <array>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace ember::cpu {

using PadMaps = std::array<std::vector<int64_t>, 3>;

// Constant padding: pads[k] = (left, right) of dim k (D, H, W), negative ones crop; `value` is
// one element of the tensors' dtype written everywhere outside the copy of `in`.
void constant_pad_kernel(const Tensor& out, const Tensor& in, const std::array<std::pair<int64_t, int64_t>, 3>& pads,
                         const Tensor& value);
// out[b, d, h, w] = in[b, maps[0][d], maps[1][h], maps[2][w]]; any dtype (copies bytes).
void pad_gather_kernel(const Tensor& out, const Tensor& in, const PadMaps& maps);
// grad_in[b, maps[0][d], maps[1][h], maps[2][w]] += grad_out[b, d, h, w]; floating dtypes.
// grad_in must be zeroed; batches run in parallel, each in a fixed order (deterministic).
void pad_scatter_add_kernel(const Tensor& grad_in, const Tensor& grad_out, const PadMaps& maps);

}  // namespace ember::cpu
