// Recording entry points of the activation family (activation.cpp) and of nan_to_num (binary.cpp).
#pragma once
#include "autograd/function.h"
#include "ops/activation.h"

namespace ember::autograd {

void record_activation(ActivationOp op, const Tensor& x, const ActivationParams& p, const Tensor& out);
void record_activation_backward(ActivationOp op, const Tensor& grad, const Tensor& x, const ActivationParams& p,
                                const Tensor& out);
void record_nan_to_num(const Tensor& x, const Tensor& out);

}  // namespace ember::autograd
