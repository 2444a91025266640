// Kernels along one dim: softmax/log_softmax and the cumulative scans (cumsum, cumprod).
#pragma once
#include "core/tensor.h"

namespace ember::cpu {

// `in` and `out` are contiguous with the same shape and floating dtype; `dim` is wrapped
// (0 for a 0-d tensor). Computes softmax (or log_softmax) along `dim`.
void softmax_kernel(const Tensor& out, const Tensor& in, int64_t dim, bool log);

// `in` and `out` are contiguous with the same shape and dtype; cumulative sum (or product) along `dim`.
void scan_kernel(const Tensor& out, const Tensor& in, int64_t dim, bool is_prod);

// cummax/cummin along `dim`: running extremum and the index where it was taken (torch's rule:
// ties and NaNs move the index forward). All contiguous, same shape; indices int64.
void cum_extremum_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool is_max);

// log(cumsum(exp(x))) along `dim`, computed in double; contiguous floating tensors.
void logcumsumexp_kernel(const Tensor& out, const Tensor& in, int64_t dim);

}  // namespace ember::cpu
