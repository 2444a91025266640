#include <cmath>
#include <sstream>
#include <string>

#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/sort.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/ops.h"
#include "ops/reduce_dims.h"
#include "ops/sort.h"

namespace ember {

namespace {

void check_nonempty_dim(const Tensor& x, int64_t d, const char* op) {
  EMBER_CHECK(x.sizes()[d] != 0, Index, op, ": Expected reduction dim ", d, " to have non-zero size (input shape ",
              x.shape_str(), ")");
}

void check_nonempty(const Tensor& x, const std::vector<bool>& mask, const char* op) {
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) check_nonempty_dim(x, d, op);
  }
}

std::tuple<Tensor, Tensor> extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  std::vector<bool> mask = reduce_mask(x, {dim}, op);
  check_nonempty(x, mask, op);
  Shape ks = kept_shape(x, mask);
  Tensor values = empty(ks, x.dtype(), x.device());
  Tensor indices = empty(ks, ScalarType::Int64, x.device());
  kernels::reduce(is_max ? ReduceOp::ArgMax : ReduceOp::ArgMin, values, indices, x, mask);
  return {drop_reduced(values, mask, keepdim), drop_reduced(indices, mask, keepdim)};
}

Tensor extremum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool is_max) {
  const char* op = is_max ? "amax" : "amin";
  // reducing everything (no dims) has no identity to return for an empty tensor
  EMBER_CHECK(!dims.empty() || x.numel() > 0, Runtime, op,
              "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
              "with the 'dim' argument.");
  for (int64_t d : dims) {  // torch checks each named dim's size before repeats
    if (x.dim() > 0) check_nonempty_dim(x, wrap_dim(d, x.dim()), op);
  }
  std::vector<bool> mask = reduce_mask(x, dims, op);
  check_nonempty(x, mask, op);
  Tensor values = empty(kept_shape(x, mask), x.dtype(), x.device());
  kernels::reduce(is_max ? ReduceOp::Max : ReduceOp::Min, values, Tensor(), x, mask);
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
  Tensor values = empty(ks, x.dtype(), x.device());
  Tensor indices = empty(ks, ScalarType::Int64, x.device());
  kernels::reduce(is_max ? ReduceOp::ArgMax : ReduceOp::ArgMin, values, indices, x, mask);
  // without dim the index is into the flattened tensor; keepdim keeps every dim as size 1
  return keepdim ? indices : reshape(indices, Shape{});
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  std::vector<bool> mask = reduce_mask(x, dims, "sum");
  ScalarType out_dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
  check_differentiable_result(x, out_dt, "sum");
  Tensor out = empty(kept_shape(x, mask), out_dt, x.device());
  // as in torch, dtype= converts the input first, so float64 sums of float32 data are exact
  // (and float data summed as int64 truncates each element, not the total)
  {
    autograd::GradModeGuard no_grad(false);  // the conversion is part of sum, not a node
    // integers (and bools) summed into int64 need no conversion: the kernel accumulates them in
    // int64 anyway, and a converted copy of a big uint8/bool tensor would be 8 times its size
    const bool widen_only = out_dt == ScalarType::Int64 && is_integral(x.dtype(), true);
    const Tensor& in = (dtype && out_dt != x.dtype() && !widen_only) ? to_dtype(x, out_dt) : x;
    kernels::reduce(ReduceOp::Sum, out, Tensor(), in, mask);
  }
  Tensor result = drop_reduced(out, mask, keepdim);
  if (autograd::should_record({&x})) autograd::record_sum(x, mask, keepdim, result);
  return result;
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType dt = dtype ? *dtype : x.dtype();
  EMBER_CHECK(is_floating(dt), Runtime, "mean(): could not infer output dtype. ", dtype ? "Optional" : "Input",
              " dtype must be either a floating point or complex dtype. Got: ", torch_dtype_name(dt));
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

// ---- all/any/count_nonzero, aminmax, vector norms, nansum/nanmean ----

namespace ember {

namespace {

// all/any: the extremum of x != 0 (bool); empty reductions give the identity (true / false).
Tensor bool_reduce(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool is_all) {
  const char* op = is_all ? "all" : "any";
  std::vector<bool> mask = reduce_mask(x, dims, op);
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor nz = x.dtype() == ScalarType::Bool ? x : binary(BinaryOp::Ne, x, wrapped_scalar(Scalar(int64_t(0))));
    if (reduced_count(x, mask) == 0) {
      out = full(kept_shape(x, mask), Scalar(is_all), ScalarType::Bool, x.device());
      out = drop_reduced(out, mask, keepdim);
    } else {
      Tensor v = empty(kept_shape(x, mask), ScalarType::Bool, x.device());
      kernels::reduce(is_all ? ReduceOp::Min : ReduceOp::Max, v, Tensor(), nz, mask);
      out = drop_reduced(v, mask, keepdim);
    }
  }
  // as torch: uint8 inputs give uint8 results
  return x.dtype() == ScalarType::UInt8 ? to_dtype(out, ScalarType::UInt8) : out;
}

const char* norm_ord_str(double ord, std::string& buf) {
  std::ostringstream s;
  s << ord;
  buf = s.str();
  return buf.c_str();
}

}  // namespace

Tensor all(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) { return bool_reduce(x, dims, keepdim, true); }
Tensor any(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) { return bool_reduce(x, dims, keepdim, false); }

Tensor count_nonzero(const Tensor& x, const std::vector<int64_t>& dims) {
  reduce_mask(x, dims, "count_nonzero");  // checks repeats
  autograd::GradModeGuard no_grad(false);
  Tensor nz = x.dtype() == ScalarType::Bool ? x : binary(BinaryOp::Ne, x, wrapped_scalar(Scalar(int64_t(0))));
  return sum(nz, dims, false, ScalarType::Int64);  // bools are summed into int64 without a copy
}

std::tuple<Tensor, Tensor> aminmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  std::vector<int64_t> dims;
  if (dim) {
    dims.push_back(*dim);
    std::vector<bool> mask = reduce_mask(x, dims, "aminmax");
    for (int64_t d = 0; d < x.dim(); ++d) {
      EMBER_CHECK(!(mask[d] && x.sizes()[d] == 0), Index, "aminmax: Expected reduction dim ", d,
                  " to have non-zero size.");
    }
  } else {
    EMBER_CHECK(x.numel() > 0, Runtime,
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  }
  return {amin(x, dims, keepdim), amax(x, dims, keepdim)};
}

Tensor vector_norm(const Tensor& x, double ord, const std::vector<int64_t>& dims, bool keepdim,
                   std::optional<ScalarType> dtype) {
  EMBER_CHECK(is_floating(x.dtype()), Runtime,
              "linalg.vector_norm: Expected a floating point or complex tensor as input. Got ", dtype_name(x.dtype()));
  if (dtype) {
    EMBER_CHECK(is_floating(*dtype), Runtime, "linalg.vector_norm: dtype should be floating point or complex, but got ",
                dtype_name(*dtype));
    EMBER_CHECK(promote_types(x.dtype(), *dtype) == *dtype, Runtime, "linalg.vector_norm: the dtype of the input (",
                dtype_name(x.dtype()), ") should be convertible without narrowing to the specified dtype (",
                dtype_name(*dtype), ")");
  }
  std::vector<bool> mask = reduce_mask(x, dims, "linalg.vector_norm");
  if (ord < 0 || std::isinf(ord)) {
    std::string buf;
    bool empty_reduce = x.numel() == 0 && (dims.empty() || reduced_count(x, mask) == 0);
    EMBER_CHECK(!empty_reduce, Runtime, "linalg.vector_norm cannot compute the ", norm_ord_str(ord, buf),
                " norm on an empty tensor because the operation does not have an identity");
  }
  // dtype= converts first; the conversion is recorded as its own node
  Tensor in = dtype && *dtype != x.dtype() ? to_dtype(x, *dtype) : x;
  Tensor values = empty(kept_shape(in, mask), in.dtype(), in.device());
  kernels::norm(values, in, mask, ord);
  Tensor out = drop_reduced(values, mask, keepdim);
  if (autograd::should_record({&in})) autograd::record_norm(in, mask, keepdim, ord, out);
  return out;
}

Tensor nansum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  if (!is_floating(x.dtype())) return sum(x, dims, keepdim, dtype);
  std::vector<bool> mask = reduce_mask(x, dims, "nansum");
  if (dtype) check_differentiable_result(x, *dtype, "nansum");
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    // NaNs contribute zero
    Tensor clean = where(binary(BinaryOp::Ne, x, x), wrapped_scalar(Scalar(0.0)), x);
    out = sum(clean, dims, keepdim, dtype);
  }
  if (autograd::should_record({&x})) autograd::record_nansum(x, mask, keepdim, out);
  return out;
}

Tensor nanmean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype) {
  EMBER_CHECK(is_floating(x.dtype()), Runtime,
              "nanmean(): expected input to have floating point or complex dtype but got ", dtype_name(x.dtype()));
  ScalarType dt = dtype ? *dtype : x.dtype();
  EMBER_CHECK(is_floating(dt), Runtime,
              "nanmean(): could not infer output dtype. Optional dtype must be either a floating point or complex "
              "dtype. Got: ",
              torch_dtype_name(dt));
  Tensor xf = to_dtype(x, dt);
  Tensor count;
  {
    autograd::GradModeGuard no_grad(false);
    count = sum(binary(BinaryOp::Eq, xf, xf), dims, keepdim, dt);
  }
  return binary(BinaryOp::Div, nansum(xf, dims, keepdim, std::nullopt), count);
}

}  // namespace ember
