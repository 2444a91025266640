// record_* functions of the index_ops family (declared here, not in derivatives.h).
#pragma once
#include <string>

#include "core/tensor.h"

namespace ember::autograd {

// scatter_reduce(self, dim, index, src, reduce, include_self) = out
void record_scatter_reduce(const Tensor& self_before, int64_t dim, const Tensor& index, const Tensor& src,
                           const std::string& reduce, bool include_self, const Tensor& out);

}  // namespace ember::autograd
