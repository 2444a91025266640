// CPU kernels called by ops/. Each takes tensors whose dtypes and shapes the op already checked.
#pragma once
#include "core/scalar.h"
#include "iter/tensor_iterator.h"
#include "ops/ops.h"

namespace ember::cpu {

void copy_kernel(const Tensor& dst, const Tensor& src);  // broadcasting, converting
void fill_kernel(const Tensor& dst, const Scalar& value);
void unary_kernel(UnaryOp op, const Tensor& out, const Tensor& in);
// a and b already have the compute dtype; out has it too, or bool for comparisons.
void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
void clamp_kernel(const Tensor& out, const Tensor& x, const Tensor* lo, const Tensor* hi);
void where_kernel(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);
void arange_kernel(const Tensor& out, double start, double step);
void linspace_kernel(const Tensor& out, double start, double end);

}  // namespace ember::cpu
