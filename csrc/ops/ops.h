// The C++ op API. One declaration per op, grouped by family; each family has its own .cpp.
#pragma once
#include <optional>
#include <tuple>
#include <vector>

#include "core/scalar.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "kernels/kernel_types.h"

namespace ember {

// ---- creation (creation.cpp) ----
Tensor full(const Shape& sizes, const Scalar& value, ScalarType dtype, Device device);
Tensor zeros(const Shape& sizes, ScalarType dtype, Device device);
Tensor ones(const Shape& sizes, ScalarType dtype, Device device);
// A 0-d CPU tensor; 0-d CPU tensors take part in ops on any device, as in torch.
Tensor scalar_tensor(const Scalar& value, ScalarType dtype);
Tensor wrapped_scalar(const Scalar& value);  // a Python number inside an op
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, std::optional<ScalarType> dtype,
              Device device);
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, std::optional<ScalarType> dtype,
                Device device);
Tensor eye(int64_t n, int64_t m, ScalarType dtype, Device device);

// ---- random (random.cpp) ----
class Generator;
Tensor rand(const Shape& sizes, ScalarType dtype, Generator* gen, Device device);
Tensor randn(const Shape& sizes, ScalarType dtype, Generator* gen, Device device);
Tensor randint(int64_t low, int64_t high, const Shape& sizes, ScalarType dtype, Generator* gen, Device device);
Tensor randperm(int64_t n, ScalarType dtype, Generator* gen, Device device);
Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen);
Tensor& uniform_(Tensor& self, double from, double to, Generator* gen);
Tensor& normal_(Tensor& self, double mean, double std, Generator* gen);

// ---- copy and conversion (copy.cpp) ----
Tensor& copy_(Tensor& dst, const Tensor& src);  // broadcasts src, converts dtype
Tensor to_dtype(const Tensor& t, ScalarType dtype, bool copy = false);
Tensor contiguous(const Tensor& t);
// A copy of t on `device` (meta: no data copied; from meta: refused, there is no data).
Tensor to_device(const Tensor& t, Device device);
Tensor clone(const Tensor& t);
Tensor& fill_(Tensor& t, const Scalar& value);
// The value of a one-element tensor, read on the host: the one way the op layer reads data (a size
// or a check that depends on values). A device without values (meta) raises NotImplementedError.
Scalar item(const Tensor& t);
// An int64 vector of host values, as a tensor on `device` (a kernel's host-side result).
Tensor int64_tensor(const std::vector<int64_t>& values, Device device);

// ---- type promotion (promotion.cpp) ----
ScalarType result_type(const std::vector<Tensor>& tensors);

// ---- unary elementwise (unary.cpp) ----
Tensor unary(UnaryOp op, const Tensor& x);
Tensor& unary_(UnaryOp op, Tensor& x);
Tensor clamp(const Tensor& x, const std::optional<Tensor>& min, const std::optional<Tensor>& max);
Tensor& clamp_(Tensor& x, const std::optional<Tensor>& min, const std::optional<Tensor>& max);

// ---- binary elementwise (binary.cpp) ----
// alpha scales b for Add and Sub (torch's add(a, b, alpha=)).
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha = Scalar(int64_t(1)));
Tensor& binary_(BinaryOp op, Tensor& a, const Tensor& b, const Scalar& alpha = Scalar(int64_t(1)));
Tensor& binary_out(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out,
                   const Scalar& alpha = Scalar(int64_t(1)));
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// ---- reductions (reduce.cpp) ----
// dims empty means all dims.
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype);
Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
Tensor amin(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
// max/min along one dim: (values, indices); argmax/argmin over one dim or, without dim, all.
std::tuple<Tensor, Tensor> max_dim(const Tensor& x, int64_t dim, bool keepdim);
std::tuple<Tensor, Tensor> min_dim(const Tensor& x, int64_t dim, bool keepdim);
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim);

// ---- views and shape (shape.cpp) ----
Tensor view(const Tensor& x, const Shape& sizes);
Tensor reshape(const Tensor& x, const Shape& sizes);
Tensor alias(const Tensor& x);  // a new view with the same geometry (x[...] returns one)
Tensor as_strided(const Tensor& x, const Shape& sizes, const Shape& strides, std::optional<int64_t> offset);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
Tensor matrix_transpose(const Tensor& x);  // .mT
Tensor numpy_T(const Tensor& x);           // .T
Tensor expand(const Tensor& x, const Shape& sizes);
Tensor squeeze(const Tensor& x, const std::vector<int64_t>& dims, bool all);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start, int64_t end);
Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step);
std::vector<Tensor> unbind(const Tensor& x, int64_t dim);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim);
std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim);
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);

// ---- indexing (index.cpp) ----
// Advanced indexing: `indices[i]` indexes dim i of x (undefined = the whole dim).
Tensor index(const Tensor& x, const std::vector<Tensor>& indices);
Tensor& index_put_(Tensor& x, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);
Tensor nonzero(const Tensor& x);  // (n, ndim) int64

// ---- linear algebra (linalg.cpp) ----
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- gather / scatter along one dim (gather_scatter.cpp) ----
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor& gather_out(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter_value(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor& scatter_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor& scatter_value_(Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor& scatter_add_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);  // value: 0-d
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor& masked_fill_(Tensor& x, const Tensor& mask, const Tensor& value);
Tensor& masked_fill_(Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_select(const Tensor& x, const Tensor& mask);  // 1-d, broadcasting x and mask

// ---- softmax, statistics and scans (reduce_stats.cpp, scan.cpp) ----
Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype);
Tensor logsumexp(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
// dims empty means all dims; the divisor is max(0, N - correction).
Tensor var(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim);
Tensor std_dev(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim);  // torch.std
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim);
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim);
Tensor cumsum(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype);
Tensor cumprod(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype);
Tensor prod(const Tensor& x, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype);

}  // namespace ember
