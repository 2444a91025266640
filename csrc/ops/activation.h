// Activation functions: one native family. Each op has a forward kernel and its own fused
// backward kernel over (grad, x); torch's variants map onto the ops here with parameters
// (selu and celu are Elu, relu6 is Hardtanh).
#pragma once
#include "ops/ops.h"

namespace ember {

Tensor activation(ActivationOp op, const Tensor& x, const ActivationParams& p = {});
Tensor& activation_(ActivationOp op, Tensor& x, const ActivationParams& p = {});
// The gradient of the input for output gradient `grad` (one fused kernel).
Tensor activation_backward(ActivationOp op, const Tensor& grad, const Tensor& x, const ActivationParams& p = {});

}  // namespace ember
