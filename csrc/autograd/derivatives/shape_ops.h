// Recording entry points of the second batch of shape ops (ops/shape_ops.cpp); the node classes
// and their formulas live in shape_ops.cpp of this folder.
#pragma once
#include <vector>

#include "autograd/function.h"
#include "ops/shape_ops.h"

namespace ember::autograd {

void record_triangle(const Tensor& x, int64_t diagonal, bool lower, const Tensor& out);  // tril, triu
void record_diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2, const Tensor& out);  // a view
// diag_embed and the backward of diagonal: `out` is zeros with `src` on its diagonal
void record_diagonal_scatter(const Tensor& src, int64_t offset, int64_t dim1, int64_t dim2, const Tensor& out);
void record_flip(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& out);
void record_roll(const Tensor& x, const std::vector<int64_t>& shifts, const std::vector<int64_t>& dims,
                 const Tensor& out);
void record_constant_pad(const Tensor& x, const std::vector<int64_t>& pad, const Tensor& out);
void record_index_pad(const Tensor& x, const std::vector<int64_t>& pad, PadMode mode, const Tensor& out);
void record_pad_backward(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& pad, PadMode mode,
                         const Tensor& out);

}  // namespace ember::autograd
