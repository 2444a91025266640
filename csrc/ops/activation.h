// Activation functions: one native family. Each op has a forward kernel and its own fused
// backward kernel over (grad, x); torch's variants map onto the ops here with parameters
// (selu and celu are Elu, relu6 is Hardtanh).
#pragma once
#include "ops/ops.h"

namespace ember {

enum class ActivationOp {
  Softplus,     // a = beta, b = threshold
  Gelu,         // erf form
  GeluTanh,     // tanh approximation
  Silu,
  Mish,
  Elu,          // a = alpha, b = scale, c = input_scale
  LeakyRelu,    // a = negative_slope
  Hardtanh,     // a = min_val, b = max_val
  Hardsigmoid,
  Hardswish,
  LogSigmoid,
  Softsign,
  Tanhshrink,
  Threshold,    // a = threshold, b = value
  Hardshrink,   // a = lambd
  Softshrink,   // a = lambd
};

struct ActivationParams {
  double a = 0, b = 0, c = 0;
};

const char* activation_name(ActivationOp op);
Tensor activation(ActivationOp op, const Tensor& x, const ActivationParams& p = {});
Tensor& activation_(ActivationOp op, Tensor& x, const ActivationParams& p = {});
// The gradient of the input for output gradient `grad` (one fused kernel).
Tensor activation_backward(ActivationOp op, const Tensor& grad, const Tensor& x, const ActivationParams& p = {});

namespace cpu {
void activation_kernel(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p);
void activation_backward_kernel(ActivationOp op, const Tensor& out, const Tensor& grad, const Tensor& x,
                                const ActivationParams& p);
}  // namespace cpu

}  // namespace ember
