// Cumulative scans along one dim: cumsum, cumprod, cummax/cummin (with indices), logcumsumexp.
#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/sort.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/ops.h"
#include "ops/sort.h"

namespace ember {

namespace {

Tensor scan(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype, bool is_prod) {
  int64_t d = wrap_dim(dim, x.dim());
  // integers and bool accumulate in int64 unless dtype= says otherwise
  ScalarType dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
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
Tensor prod(const Tensor& x, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType dt = dtype ? *dtype : (is_integral(x.dtype(), true) ? ScalarType::Int64 : x.dtype());
  if (!dim) {
    Tensor flat = reshape(x, Shape{x.numel()});
    Tensor r = x.numel() == 0 ? ones(Shape{}, dt, x.device()) : select(cumprod(flat, 0, dt), 0, x.numel() - 1);
    return r;
  }
  int64_t d = wrap_dim(*dim, x.dim());
  if (x.dim() == 0) return cumprod(x, 0, dt);
  Tensor r;
  if (x.sizes()[d] == 0) {
    Shape s = x.sizes();
    s.erase(static_cast<size_t>(d));
    r = ones(s, dt, x.device());
  } else {
    r = select(cumprod(x, d, dt), d, x.sizes()[d] - 1);
  }
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
