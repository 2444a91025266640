// Recording entry points called by the op layer after it computed an op's result. Each records
// one node whose backward formula (written with ember ops, so it is differentiable itself)
// lives in this folder, one file per op family.
#pragma once
#include <optional>
#include <vector>

#include "autograd/function.h"
#include "ops/ops.h"

namespace ember::autograd {

// elementwise (unary.cpp, binary.cpp)
void record_unary(UnaryOp op, const Tensor& x, const Tensor& out);
void record_clamp(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi, const Tensor& out);
void record_binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha, const Tensor& out);
void record_where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);

// reductions (reduce.cpp); `mask` marks the reduced dims of x
void record_sum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, const Tensor& out);
void record_extremum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, bool is_max, const Tensor& out);
void record_extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max, const Tensor& values,
                         const Tensor& indices);

// views and shape (shape.cpp)
void record_reshape(const Tensor& x, const Tensor& out);  // view, reshape, squeeze, unsqueeze
void record_permute(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& out);
void record_expand(const Tensor& x, const Tensor& out);
void record_slice(const Tensor& x, int64_t dim, int64_t start, int64_t step, const Tensor& out);
void record_select(const Tensor& x, int64_t dim, int64_t index, const Tensor& out);
void record_cat(const std::vector<Tensor>& inputs, int64_t dim, const Tensor& out);
void record_as_strided(const Tensor& x, const Tensor& out);

// indexing (index.cpp)
void record_index(const Tensor& x, const std::vector<Tensor>& indices, const Tensor& out);
void record_index_put(const Tensor& self_before, const std::vector<Tensor>& indices, const Tensor& values,
                      bool accumulate, const Tensor& out);

// copies (copy.cpp) and matrix products (linalg.cpp)
void record_to_copy(const Tensor& x, const Tensor& out);
void record_bmm(const Tensor& a, const Tensor& b, const Tensor& out);

// softmax and scans (reduce_stats.cpp); `dim` is wrapped
void record_softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out);
// var_mean's two outputs (var and mean, keepdim applied)
void record_var_mean(const Tensor& x, const std::vector<bool>& mask, bool keepdim, double correction,
                     const Tensor& var, const Tensor& mean);
void record_std(const Tensor& var, const Tensor& out);  // std from var, with a zero gradient where it is 0
void record_scan(const Tensor& x, int64_t dim, bool is_prod, const Tensor& out);  // cumsum, cumprod

// The storage position of every element of a geometry (an int64 tensor of shape `sizes`).
Tensor storage_positions(const Shape& sizes, const Shape& strides, int64_t offset);

// In-place ops under autograd: `inplace_input(self)` is a copy of self's current value that
// carries self's history (the op is then recorded out of place on it), and `commit_inplace`
// writes the result into self and moves the result's history onto self.
Tensor inplace_input(const Tensor& self, const char* op);
void check_inplace_allowed(const Tensor& self, const char* op);  // leaf and view checks
void commit_inplace(const Tensor& self, const Tensor& result);

// gather / scatter along one dim (gather_scatter.cpp); src undefined: the value form
void record_gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out);
void record_scatter(const Tensor& self_before, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate,
                    const Tensor& out);

}  // namespace ember::autograd
