// Helpers for writing backward formulas with ember ops.
#pragma once
#include "autograd/derivatives/derivatives.h"

namespace ember::autograd::formulas {

inline Tensor num(double v) { return wrapped_scalar(Scalar(v)); }
inline Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, a, b); }
inline Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, a, b); }
inline Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
inline Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
inline Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }
inline Tensor zeros_like(const Tensor& t) { return zeros(t.sizes(), t.dtype(), t.device()); }
// Restores the reduced dims (as size 1) of a gradient taken with keepdim=False.
Tensor unsqueeze_reduced(const Tensor& g, const std::vector<bool>& mask, bool keepdim);
// t padded with zeros at the end of each dim up to `sizes` (a scatter's src may be larger than its index).
Tensor pad_zeros(Tensor t, const Shape& sizes);
// where(mask, a, 0): keeps the gradient where the mask holds.
inline Tensor masked(const Tensor& mask, const Tensor& g) { return where(mask, g, num(0.0)); }

}  // namespace ember::autograd::formulas

namespace ember::autograd {

// For a backward with no derivative of its own (as torch's fused ones): under create_graph, gives
// each defined result a node named `node_name` that raises "the derivative for '<backward_op>' is
// not implemented." when differentiated, instead of silently giving zeros.
void mark_not_differentiable(std::vector<Tensor>& results, const std::vector<Tensor>& inputs,
                             const std::string& node_name, const std::string& backward_op);

}  // namespace ember::autograd
