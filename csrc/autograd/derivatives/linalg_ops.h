// Recording entry points of the matrix-product family (linalg_ops.cpp).
#pragma once
#include "autograd/function.h"
#include "ops/ops.h"

namespace ember::autograd {

// out = beta * input + alpha * (m1 @ m2), m1/m2 2-D (addmm) or 3-D (baddbmm); input may be undefined.
void record_addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, double beta, double alpha,
                  const Tensor& out);

}  // namespace ember::autograd
