// softmax/log_softmax (own kernel and backward), and composites of primitive ops: logsumexp,
// var/std (+ var_mean/std_mean).
#include <algorithm>
#include <cmath>

#include "autograd/derivatives/derivatives.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/ops.h"
#include "ops/reduce_dims.h"

namespace ember {

namespace {

Tensor softmax_impl(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  ScalarType dt = dtype ? *dtype : x.dtype();
  int64_t d = wrap_dim(dim, x.dim());
  EMBER_CHECK(is_floating(dt), NotImplemented, "\"", op, "_lastdim_kernel_impl\" not implemented for '",
              dtype_name(dt), "'");
  Tensor in;
  {
    autograd::GradModeGuard no_grad(false);  // dtype= converts first; the conversion is part of the op
    in = contiguous(to_dtype(x, dt));
  }
  Tensor out = empty(x.sizes(), dt, x.device());
  kernels::softmax(out, in, d, log);
  if (autograd::should_record({&x})) autograd::record_softmax(x, d, log, out);
  return out;
}

Tensor scalar_of(double v) { return wrapped_scalar(Scalar(v)); }

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_impl(x, dim, dtype, false);
}
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_impl(x, dim, dtype, true);
}

Tensor logsumexp(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  ScalarType dt = is_floating(x.dtype()) ? x.dtype() : ScalarType::Float32;
  std::vector<bool> mask = reduce_mask(x, dims, "logsumexp");
  Tensor xf = to_dtype(x, dt);
  Shape ks = x.sizes();
  bool empty_reduce = false;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) {
      empty_reduce = empty_reduce || ks[d] == 0;
      ks[d] = 1;
    }
  }
  Tensor m;
  {
    autograd::GradModeGuard no_grad(false);  // the shift is a constant for the gradient
    if (empty_reduce || x.numel() == 0) {
      m = zeros(ks, dt, x.device());
    } else {
      m = amax(xf, dims, true);
      // infinite maxima would give inf - inf: shift by 0 there
      Tensor finite = binary(BinaryOp::Eq, binary(BinaryOp::Sub, m, m), scalar_of(0.0));
      m = where(finite, m, scalar_of(0.0));
    }
  }
  Tensor s = sum(unary(UnaryOp::Exp, binary(BinaryOp::Sub, xf, m)), dims, keepdim, std::nullopt);
  Tensor shift = keepdim ? m : reshape(m, s.sizes());
  return binary(BinaryOp::Add, unary(UnaryOp::Log, s), shift);
}

std::tuple<Tensor, Tensor> var_mean(const Tensor& x, const std::vector<int64_t>& dims, double correction,
                                    bool keepdim) {
  EMBER_CHECK(is_floating(x.dtype()), Runtime, "std and var only support floating point and complex dtypes");
  std::vector<bool> mask = reduce_mask(x, dims, "var");
  int64_t count = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) count *= x.sizes()[d];
  }
  // 16-bit floats compute in float32 (as torch does) and round once at the end
  bool low = x.dtype() == ScalarType::Float16 || x.dtype() == ScalarType::BFloat16;
  Tensor xf = low ? to_dtype(x, ScalarType::Float32) : x;
  if (x.dim() == 0 || mask.back()) {
    // the innermost dim is reduced: one kernel folds each output's contiguous runs in two passes
    // (sum, then squared deviations). Column statistics (innermost dim kept) take the composite
    // below, whose passes vectorize across the kept dim.
    Tensor v = empty(kept_shape(xf, mask), xf.dtype(), xf.device());
    Tensor mo = empty(v.sizes(), xf.dtype(), xf.device());
    kernels::var_mean(v, mo, xf, mask, correction);
    v = drop_reduced(v, mask, keepdim);
    mo = drop_reduced(mo, mask, keepdim);
    if (autograd::should_record({&xf})) autograd::record_var_mean(xf, mask, keepdim, correction, v, mo);
    if (low) {
      v = to_dtype(v, x.dtype());
      mo = to_dtype(mo, x.dtype());
    }
    return {v, mo};
  }
  Tensor v, mo;
  {
    // composed without history, then the kernel path's node: one derivative for both layouts
    // (the composite's own graph would turn a zero divisor's infinities into inf - inf = nan)
    autograd::GradModeGuard no_grad(false);
    Tensor mu = mean(xf, dims, true, std::nullopt);
    Tensor dev = binary(BinaryOp::Sub, xf, mu);
    Tensor ss = sum(binary(BinaryOp::Mul, dev, dev), dims, keepdim, std::nullopt);
    double denom = std::max(0.0, static_cast<double>(count) - correction);
    v = binary(BinaryOp::Div, ss, scalar_of(denom));
    mo = keepdim ? mu : reshape(mu, v.sizes());
  }
  if (autograd::should_record({&xf})) autograd::record_var_mean(xf, mask, keepdim, correction, v, mo);
  if (low) {
    v = to_dtype(v, x.dtype());
    mo = to_dtype(mo, x.dtype());
  }
  return {v, mo};
}

std::tuple<Tensor, Tensor> std_mean(const Tensor& x, const std::vector<int64_t>& dims, double correction,
                                    bool keepdim) {
  auto [v, m] = var_mean(x, dims, correction, keepdim);
  Tensor sd;
  {
    autograd::GradModeGuard no_grad(false);
    sd = unary(UnaryOp::Sqrt, v);
  }
  if (autograd::should_record({&v})) autograd::record_std(v, sd);
  return {sd, m};
}

Tensor var(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim) {
  return std::get<0>(var_mean(x, dims, correction, keepdim));
}

Tensor std_dev(const Tensor& x, const std::vector<int64_t>& dims, double correction, bool keepdim) {
  return std::get<0>(std_mean(x, dims, correction, keepdim));
}

}  // namespace ember
