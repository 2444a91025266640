// Normalization ops. Batch norm runs over (N, C, L) views with per-channel kernels (statistics,
// then one affine pass); layer norm, RMS norm and group norm run over rows (M, N) with one fused
// kernel per pass. 16-bit floats compute in float32.
#include <cmath>
#include <limits>
#include <string>

#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"
#include "ops/shape_ops.h"

namespace ember {

using autograd::formulas::add;
using autograd::formulas::div;
using autograd::formulas::mul;
using autograd::formulas::neg;
using autograd::formulas::num;
using autograd::formulas::sub;

namespace {

void check_vector(const std::optional<Tensor>& t, int64_t n, const char* what) {
  if (!t) return;
  EMBER_CHECK(t->numel() == n, Runtime, what, " should contain ", n, " elements not ", t->numel());
}

// torch.finfo(dtype).eps: RMS norm's default eps.
double finfo_eps(ScalarType t) {
  switch (t) {
    case ScalarType::Float16: return 0.0009765625;
    case ScalarType::BFloat16: return 0.0078125;
    case ScalarType::Float64: return 2.220446049250313e-16;
    default: return 1.1920928955078125e-07;
  }
}

}  // namespace

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps) {
  EMBER_CHECK(input.dim() >= 2, Value, "batch_norm: expected 2D or more input (got ", input.dim(), "D input ",
              input.shape_str(), ")");
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, "batch_norm: not implemented for dtype ",
              dtype_name(input.dtype()));
  const int64_t C = input.size(1);
  check_vector(weight, C, "weight");
  check_vector(bias, C, "bias");
  check_vector(running_mean, C, "running_mean");
  check_vector(running_var, C, "running_var");
  const int64_t count = C > 0 ? input.numel() / C : 0;
  // without running statistics evaluation mode normalizes with the batch's too (as torch); the
  // "more than 1 value per channel" check is ember.nn.functional.batch_norm's, as in torch
  training = training || !running_mean || !running_var;
  const ScalarType dtype = compute_dtype(input);
  Tensor out, mean, invstd;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor x = view(contiguous(in_dtype(input, dtype)), Shape{input.size(0), C, count / std::max<int64_t>(input.size(0), 1)});
    if (training && x.numel() == 0) {
      // an empty batch: nothing to normalize, running statistics left alone (as torch)
      mean = zeros(Shape{C}, dtype, input.device());
      invstd = ones(Shape{C}, dtype, input.device());
    } else if (training) {
      mean = empty(Shape{C}, dtype, input.device());
      Tensor var = empty(Shape{C}, dtype, input.device());
      if (x.numel() > 0) kernels::channel_moments(mean, var, x);
      if (running_mean) {
        Tensor rm = *running_mean;
        copy_(rm, add(mul(rm, num(1.0 - momentum)), mul(mean, num(momentum))));
      }
      if (running_var) {
        Tensor rv = *running_var;
        const double unbiased = count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1)
                                          : std::numeric_limits<double>::infinity();
        copy_(rv, add(mul(rv, num(1.0 - momentum)), mul(var, num(momentum * unbiased))));
      }
      invstd = unary(UnaryOp::Rsqrt, add(var, num(eps)));
    } else {
      mean = in_dtype(contiguous(*running_mean), dtype);
      invstd = unary(UnaryOp::Rsqrt, add(in_dtype(*running_var, dtype), num(eps)));
    }
    Tensor scale = weight ? mul(in_dtype(*weight, dtype), invstd) : invstd;
    Tensor shift = sub(bias ? in_dtype(*bias, dtype) : zeros(Shape{C}, dtype, input.device()), mul(mean, scale));
    Tensor y = empty(x.sizes(), dtype, input.device());
    if (y.numel() > 0) kernels::channel_affine(y, x, contiguous(scale), contiguous(shift));
    out = plain_result(view(y, input.sizes()));
    if (out.dtype() != input.dtype()) out = to_dtype(out, input.dtype());
  }
  const Tensor* w = weight ? &*weight : nullptr;
  const Tensor* b = bias ? &*bias : nullptr;
  if (autograd::should_record({&input, w, b})) {
    autograd::record_batch_norm(input, w, b, mean, invstd, out, training, eps);
  }
  return out;
}

std::tuple<Tensor, Tensor, Tensor> row_norm(const Tensor& rows, const std::optional<Tensor>& weight,
                                            const std::optional<Tensor>& bias, double eps, bool rms) {
  const ScalarType dtype = compute_dtype(rows);
  Tensor out, mean, rstd;
  const int64_t M = rows.size(0);
  {
    autograd::GradModeGuard no_grad(false);
    Tensor x = contiguous(in_dtype(rows, dtype));
    Tensor w = weight ? contiguous(in_dtype(*weight, dtype)) : Tensor();
    Tensor b = bias ? contiguous(in_dtype(*bias, dtype)) : Tensor();
    Tensor y = empty(x.sizes(), dtype, rows.device());
    mean = empty(Shape{rms ? 0 : M}, dtype, rows.device());
    rstd = empty(Shape{M}, dtype, rows.device());
    if (x.numel() > 0) {
      kernels::row_norm(y, mean, rstd, x, weight ? &w : nullptr, bias ? &b : nullptr, eps, rms);
    } else if (M > 0) {
      // rows of no elements: their statistics are NaN, as torch's
      fill_(rstd, Scalar(std::nan("")));
      if (!rms) fill_(mean, Scalar(std::nan("")));
    }
    out = y.dtype() == rows.dtype() ? y : to_dtype(y, rows.dtype());
  }
  const Tensor* wp = weight ? &*weight : nullptr;
  const Tensor* bp = bias ? &*bias : nullptr;
  if (autograd::should_record({&rows, wp, bp})) autograd::record_row_norm(rows, wp, bp, mean, rstd, out, eps, rms);
  return {out, mean, rstd};
}

namespace {

// The (M, N) rows of a layer or RMS norm over the trailing `normalized_shape`, after torch's checks.
Tensor normalized_rows(const Tensor& input, const std::vector<int64_t>& normalized_shape,
                       const std::optional<Tensor>& weight, const std::optional<Tensor>& bias, const char* op) {
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  EMBER_CHECK(k >= 1, Runtime, "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
              "element, but got normalized_shape = ", list_str(normalized_shape));
  bool match = input.dim() >= k;
  for (int64_t i = 0; match && i < k; ++i) match = input.size(input.dim() - k + i) == normalized_shape[i];
  EMBER_CHECK(match, Runtime, "Given normalized_shape=", list_str(normalized_shape), ", expected input with shape [*, ",
              list_str(normalized_shape).substr(1), ", but got input of size", input.shape_str());
  for (const auto* t : {&weight, &bias}) {
    if (!*t) continue;
    const Shape& s = (*t)->sizes();
    EMBER_CHECK(std::vector<int64_t>(s.begin(), s.end()) == normalized_shape, Runtime, "Expected ",
                t == &weight ? "weight" : "bias", " to be of same shape as normalized_shape, but got ",
                t == &weight ? "weight" : "bias", " of shape ", (*t)->shape_str(), " and normalized_shape = ",
                list_str(normalized_shape));
  }
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, op, ": not implemented for dtype ", dtype_name(input.dtype()));
  int64_t n = 1;
  for (int64_t s : normalized_shape) n *= s;
  return reshape(input, Shape{n > 0 ? input.numel() / n : 0, n});
}

std::optional<Tensor> flat(const std::optional<Tensor>& t) {
  if (!t) return std::nullopt;
  return reshape(*t, Shape{t->numel()});
}

}  // namespace

Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps) {
  Tensor rows = normalized_rows(input, normalized_shape, weight, bias, "layer_norm");
  return reshape(std::get<0>(row_norm(rows, flat(weight), flat(bias), eps, false)), input.sizes());
}

Tensor rms_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const std::optional<Tensor>& weight,
                std::optional<double> eps) {
  Tensor rows = normalized_rows(input, normalized_shape, weight, std::nullopt, "rms_norm");
  const double e = eps ? *eps : finfo_eps(input.dtype());
  return reshape(std::get<0>(row_norm(rows, flat(weight), std::nullopt, e, true)), input.sizes());
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps) {
  EMBER_CHECK(input.dim() >= 2, Runtime, "Expected at least 2 dimensions for input tensor but received ", input.dim());
  const int64_t N = input.size(0), C = input.size(1);
  EMBER_CHECK(num_groups > 0 && C % num_groups == 0, Runtime,
              "Expected number of channels in input to be divisible by num_groups, but got input of shape ",
              input.shape_str(), " and num_groups=", num_groups);
  for (const auto* t : {&weight, &bias}) {
    EMBER_CHECK(!*t || ((*t)->dim() == 1 && (*t)->numel() == C), Runtime, "Expected ",
                t == &weight ? "weight" : "bias", " to be a vector of size equal to the number of channels in input, "
                "but got ", t == &weight ? "weight" : "bias", " of shape ", (*t)->shape_str(), " and input of shape ",
                input.shape_str());
  }
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, "group_norm: not implemented for dtype ",
              dtype_name(input.dtype()));
  const int64_t G = num_groups, L = N * C > 0 ? input.numel() / (N * C) : 0, D = C / G * L;
  const ScalarType dtype = compute_dtype(input);
  Tensor out, mean, rstd;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor x = contiguous(in_dtype(input, dtype));
    mean = zeros(Shape{N, G}, dtype, input.device());
    rstd = zeros(Shape{N, G}, dtype, input.device());
    if (N * G > 0 && D > 0) kernels::row_moments(mean, rstd, view(x, Shape{N * G, D}), eps);
    // one pass: out = x * scale[n, c] + shift[n, c], scale = rstd w[c], shift = b[c] - mean scale
    auto per_channel = [&](const Tensor& t) { return reshape(expand(view(t, Shape{N, G, 1}), Shape{N, G, C / G}), Shape{N, C}); };
    Tensor scale = per_channel(rstd);
    if (weight) scale = mul(scale, view(in_dtype(*weight, dtype), Shape{1, C}));
    Tensor shift = neg(mul(per_channel(mean), scale));
    if (bias) shift = add(shift, view(in_dtype(*bias, dtype), Shape{1, C}));
    Tensor y = empty(Shape{1, N * C, L}, dtype, input.device());
    if (y.numel() > 0) {
      kernels::channel_affine(y, view(x, Shape{1, N * C, L}), contiguous(reshape(scale, Shape{N * C})),
                              contiguous(reshape(shift, Shape{N * C})));
    }
    out = plain_result(in_dtype(view(y, input.sizes()), input.dtype()));
  }
  const Tensor* w = weight ? &*weight : nullptr;
  const Tensor* b = bias ? &*bias : nullptr;
  if (autograd::should_record({&input, w, b})) autograd::record_group_norm(input, w, b, mean, rstd, out, G, eps);
  return out;
}

}  // namespace ember
