// Backward formulas of copies and conversions, and the mechanics of in-place ops.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

namespace {

// to(dtype)/clone/contiguous: the gradient passes through (the engine converts its dtype back).
struct ToCopyBackward : Node {
  bool same_dtype;
  std::string name() const override { return same_dtype ? "CloneBackward0" : "ToCopyBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {grads[0]}; }
};

}  // namespace

void record_to_copy(const Tensor& x, const Tensor& out) {
  if (!is_floating(out.dtype())) return;  // a cast to integers ends the graph, as in torch
  auto node = make_node<ToCopyBackward>({&x});
  node->same_dtype = x.dtype() == out.dtype();
  set_history(out, node);
}

void check_inplace_allowed(const Tensor& self, const char* op) {
  check_inplace(self, op);
  EMBER_CHECK(!self.impl()->is_view, NotImplemented, op,
              ": in-place modification of a view while autograd records is not supported yet; apply the op out of "
              "place or to a clone()");
}

Tensor inplace_input(const Tensor& self, const char* op) {
  check_inplace_allowed(self, op);
  Tensor prev;
  {
    GradModeGuard no_grad(false);
    prev = clone(self);
  }
  if (requires_grad(self)) {
    AutogradMeta& m = meta(prev);
    m.requires_grad = true;
    m.grad_fn = grad_fn(self);
    m.output_nr = self.impl()->autograd->output_nr;
  }
  return prev;
}

void commit_inplace(const Tensor& self, const Tensor& result) {
  {
    GradModeGuard no_grad(false);
    Tensor target = self;
    copy_(target, result);
  }
  if (requires_grad(result)) {
    AutogradMeta& m = meta(self);
    m.requires_grad = true;
    m.grad_fn = grad_fn(result);
    m.output_nr = result.impl()->autograd->output_nr;
    if (m.grad_fn && m.grad_fn->outputs.size() > m.output_nr) {
      m.grad_fn->outputs[m.output_nr] = OutputMeta{self.sizes(), self.dtype()};
    }
  }
}

}  // namespace ember::autograd
