// Recording entry points of the sorting/selection ops, the norms and the new scans (sort.cpp).
#pragma once
#include <vector>

#include "core/tensor.h"

namespace ember::autograd {

// Ops whose values are x gathered at `indices` along `dim` (sort, topk, kthvalue, median/mode
// along a dim, cummax/cummin): the gradient is scattered back (added where indices repeat).
// `keepdim` false: values lost `dim` (one index per slice).
void record_index_values(const char* name, const Tensor& x, int64_t dim, bool keepdim, const Tensor& values,
                         const Tensor& indices);
// median()/nanmedian() of all elements: the gradient is shared by the elements equal to the result.
void record_evenly(const char* name, const Tensor& x, const Tensor& out);
// vector norm of order `ord` over the masked dims
void record_norm(const Tensor& x, const std::vector<bool>& mask, bool keepdim, double ord, const Tensor& out);
void record_nansum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, const Tensor& out);
void record_logcumsumexp(const Tensor& x, int64_t dim, const Tensor& out);
// Floating outputs of an op torch gives history but no derivative (unique, bincount with
// weights): backward raises NotImplementedError naming the op.
void record_not_differentiable(const char* name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outs);

}  // namespace ember::autograd
