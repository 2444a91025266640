// Cumulative scans along one dim: cumsum, cumprod, cummax/cummin (with indices), logcumsumexp.
#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/sort.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/ops.h"
#include "ops/reduce_dims.h"
#include "ops/sort.h"

namespace ember {

namespace {

Tensor scan(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype, bool is_prod) {
  int64_t d = wrap_dim(dim, x.dim());
  // integers and bool accumulate in int64 unless dtype= says otherwise
  ScalarType dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
  check_differentiable_result(x, dt, is_prod ? "cumprod" : "cumsum");
  EMBER_CHECK(dt != ScalarType::Bool, NotImplemented, is_prod ? "cumprod: \"cumprod_out_cpu\"" : "cumsum: \"cumsum_out_cpu\"",
              " not implemented for 'Bool'");
  Tensor in;
  {
    autograd::GradModeGuard no_grad(false);
    in = contiguous(to_dtype(x, dt));
  }
  Tensor out = empty(x.sizes(), dt, x.device());
  kernels::scan(out, in, d, is_prod);
  if (autograd::should_record({&x})) autograd::record_scan(x, d, is_prod, out);
  return out;
}

}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) { return scan(x, dim, dtype, false); }
Tensor cumprod(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) { return scan(x, dim, dtype, true); }

}  // namespace ember

namespace ember {

// prod: the last element of cumprod along the dim (cumprod's backward handles zeros exactly).
// An empty product is 1, computed as sum + 1 so that it joins the input's graph as torch's does
// (the gradient of an empty input is empty anyway).
Tensor prod(const Tensor& x, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
  check_differentiable_result(x, dt, "prod");
  if (dt == ScalarType::Bool) {
    // a bool product is whether every factor is nonzero (cumprod has no bool kernel)
    std::vector<int64_t> dims;
    if (dim) dims.push_back(*dim);
    return to_dtype(all(x, dims, dim ? keepdim : false), ScalarType::Bool);
  }
  auto empty_product = [&](const std::vector<int64_t>& dims, bool keep) {
    return binary(BinaryOp::Add, sum(x, dims, keep, dt), wrapped_scalar(Scalar(int64_t(1))));
  };
  if (!dim) {
    if (x.numel() == 0) return empty_product({}, false);
    return select(cumprod(reshape(x, Shape{x.numel()}), 0, dt), 0, x.numel() - 1);
  }
  int64_t d = wrap_dim(*dim, x.dim());
  if (x.dim() == 0) return cumprod(x, 0, dt);
  if (x.sizes()[d] == 0) return empty_product({d}, keepdim);
  Tensor r = select(cumprod(x, d, dt), d, x.sizes()[d] - 1);
  return keepdim ? unsqueeze(r, d) : r;
}

}  // namespace ember

namespace ember {

namespace {

std::tuple<Tensor, Tensor> cum_extremum(const Tensor& x, int64_t dim, bool is_max) {
  int64_t d = wrap_dim(dim, x.dim());
  Tensor in = contiguous(x);
  Tensor values = empty(x.sizes(), x.dtype(), x.device());
  Tensor indices = empty(x.sizes(), ScalarType::Int64, x.device());
  kernels::cum_extremum(values, indices, in, d, is_max);
  if (autograd::should_record({&x})) {
    autograd::record_index_values(is_max ? "CummaxBackward0" : "CumminBackward0", x, d, true, values, indices);
  }
  return {values, indices};
}

}  // namespace

std::tuple<Tensor, Tensor> cummax(const Tensor& x, int64_t dim) { return cum_extremum(x, dim, true); }
std::tuple<Tensor, Tensor> cummin(const Tensor& x, int64_t dim) { return cum_extremum(x, dim, false); }

Tensor logcumsumexp(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim());
  EMBER_CHECK(is_floating(x.dtype()), NotImplemented, "\"logcumsumexp_out_cpu\" not implemented for '",
              dtype_name(x.dtype()), "'");
  Tensor in = contiguous(x);
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  kernels::logcumsumexp(out, in, d);
  if (autograd::should_record({&x})) autograd::record_logcumsumexp(x, d, out);
  return out;
}

}  // namespace ember
