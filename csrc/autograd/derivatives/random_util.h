// Recording entry points of the random and utility ops (dropout, cdist).
#pragma once
#include "autograd/function.h"
#include "ops/ops.h"

namespace ember::autograd {

// dropout: grad_input = grad * mask * scale (mask: bool, the kept elements)
void record_dropout(const Tensor& x, const Tensor& mask, double scale, const Tensor& out);
// bernoulli(probs), poisson(rates): samples whose gradient with respect to the parameters is zero
// (as in torch: the output takes part in autograd, the gradient flowing back is 0)
void record_zero_grad(const Tensor& x, const Tensor& out, const char* node_name);
// the same for several inputs (a comparison written in place into a float tensor: x.lt_(y))
void record_zero_grads(const std::vector<Tensor>& inputs, const Tensor& out, const std::string& node_name);
// cdist's direct kernel: out (batch..., r1, r2) of x1 (..., r1, m) and x2 (..., r2, m)
void record_cdist(const Tensor& x1, const Tensor& x2, double p, const Tensor& out);

}  // namespace ember::autograd
