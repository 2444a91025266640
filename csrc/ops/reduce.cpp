#include "autograd/derivatives/derivatives.h"
#include "cpu/kernels.h"
#include "cpu/reduce_kernels.h"
#include "ops/ops.h"

namespace ember {

namespace {

// Marks the dims to reduce (all when `dims` is empty) and checks for repeats.
std::vector<bool> reduce_mask(const Tensor& x, const std::vector<int64_t>& dims, const char* op) {
  std::vector<bool> mask(x.dim(), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, x.dim());
    if (x.dim() == 0) continue;
    EMBER_CHECK(!mask[w], Runtime, op, ": dim ", w, " appears multiple times in the list of dims");
    mask[w] = true;
  }
  return mask;
}

Shape kept_shape(const Tensor& x, const std::vector<bool>& mask) {
  Shape s = x.sizes();
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) s[d] = 1;
  }
  return s;
}

Tensor drop_reduced(const Tensor& t, const std::vector<bool>& mask, bool keepdim) {
  if (keepdim) return t;
  Shape sizes, strides;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (!mask[d]) {
      sizes.push_back(t.sizes()[d]);
      strides.push_back(t.strides()[d]);
    }
  }
  return make_view(t, sizes, strides, t.storage_offset());
}

void check_nonempty(const Tensor& x, const std::vector<bool>& mask, const char* op) {
  for (int64_t d = 0; d < x.dim(); ++d) {
    EMBER_CHECK(!(mask[d] && x.sizes()[d] == 0), Index, op, ": Expected reduction dim ", d,
                " to have non-zero size (input shape ", x.shape_str(), ")");
  }
}

std::tuple<Tensor, Tensor> extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  std::vector<bool> mask = reduce_mask(x, {dim}, op);
  check_nonempty(x, mask, op);
  Shape ks = kept_shape(x, mask);
  Tensor values = empty(ks, x.dtype());
  Tensor indices = empty(ks, ScalarType::Int64);
  cpu::reduce_kernel(is_max ? cpu::ReduceOp::ArgMax : cpu::ReduceOp::ArgMin, values, indices, x, mask);
  return {drop_reduced(values, mask, keepdim), drop_reduced(indices, mask, keepdim)};
}

Tensor extremum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool is_max) {
  const char* op = is_max ? "amax" : "amin";
  std::vector<bool> mask = reduce_mask(x, dims, op);
  check_nonempty(x, mask, op);
  Tensor values = empty(kept_shape(x, mask), x.dtype());
  cpu::reduce_kernel(is_max ? cpu::ReduceOp::Max : cpu::ReduceOp::Min, values, Tensor(), x, mask);
  Tensor out = drop_reduced(values, mask, keepdim);
  if (autograd::should_record({&x})) autograd::record_extremum(x, mask, keepdim, is_max, out);
  return out;
}

Tensor arg_extremum(const Tensor& x, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  EMBER_CHECK(x.dtype() != ScalarType::Bool, Runtime, op, "(): does not support bool input");
  if (dim) return std::get<1>(extremum_dim(x, *dim, keepdim, is_max));
  EMBER_CHECK(x.numel() > 0, Index, op, "(): Expected reduction dim to be specified for input.numel() == 0.");
  std::vector<bool> mask(x.dim(), true);
  Shape ks = kept_shape(x, mask);
  Tensor values = empty(ks, x.dtype());
  Tensor indices = empty(ks, ScalarType::Int64);
  cpu::reduce_kernel(is_max ? cpu::ReduceOp::ArgMax : cpu::ReduceOp::ArgMin, values, indices, x, mask);
  // without dim the index is into the flattened tensor; keepdim keeps every dim as size 1
  return keepdim ? indices : reshape(indices, Shape{});
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  std::vector<bool> mask = reduce_mask(x, dims, "sum");
  ScalarType out_dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
  Tensor out = empty(kept_shape(x, mask), out_dt);
  // as in torch, dtype= converts the input first, so float64 sums of float32 data are exact
  // (and float data summed as int64 truncates each element, not the total)
  {
    autograd::GradModeGuard no_grad(false);  // the conversion is part of sum, not a node
    const Tensor& in = (dtype && out_dt != x.dtype()) ? to_dtype(x, out_dt) : x;
    cpu::reduce_kernel(cpu::ReduceOp::Sum, out, Tensor(), in, mask);
  }
  Tensor result = drop_reduced(out, mask, keepdim);
  if (autograd::should_record({&x})) autograd::record_sum(x, mask, keepdim, result);
  return result;
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType dt = dtype ? *dtype : x.dtype();
  EMBER_CHECK(is_floating(dt), Runtime,
              "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
              "Got: ",
              dtype_name(dt));
  std::vector<bool> mask = reduce_mask(x, dims, "mean");
  int64_t count = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) count *= x.sizes()[d];
  }
  // sum in the accumulate precision, then divide (0/0 gives NaN for empty reductions)
  ScalarType acc = dt == ScalarType::Float64 ? ScalarType::Float64 : ScalarType::Float32;
  Tensor s = sum(to_dtype(x, dt), dims, keepdim, acc);
  Tensor r = binary(BinaryOp::Div, s, wrapped_scalar(Scalar(static_cast<double>(count))));
  return to_dtype(r, dt);
}

Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) { return extremum(x, dims, keepdim, true); }
Tensor amin(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) { return extremum(x, dims, keepdim, false); }
std::tuple<Tensor, Tensor> max_dim(const Tensor& x, int64_t dim, bool keepdim) {
  auto r = extremum_dim(x, dim, keepdim, true);
  if (autograd::should_record({&x})) autograd::record_extremum_dim(x, dim, keepdim, true, std::get<0>(r), std::get<1>(r));
  return r;
}
std::tuple<Tensor, Tensor> min_dim(const Tensor& x, int64_t dim, bool keepdim) {
  auto r = extremum_dim(x, dim, keepdim, false);
  if (autograd::should_record({&x})) autograd::record_extremum_dim(x, dim, keepdim, false, std::get<0>(r), std::get<1>(r));
  return r;
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extremum(x, dim, keepdim, true); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extremum(x, dim, keepdim, false); }

}  // namespace ember
