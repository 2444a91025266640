// Helpers shared by the backward formulas of several families.
#include "autograd/derivatives/common.h"

namespace ember::autograd::formulas {

Tensor unsqueeze_reduced(const Tensor& g, const std::vector<bool>& mask, bool keepdim) {
  if (keepdim) return g;
  Tensor r = g;
  for (size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) r = unsqueeze(r, static_cast<int64_t>(d));
  }
  return r;
}

Tensor pad_zeros(Tensor t, const Shape& sizes) {
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.sizes()[d] < sizes[d]) {
      Shape zs = t.sizes();
      zs[d] = sizes[d] - t.sizes()[d];
      t = cat({t, zeros(zs, t.dtype(), t.device())}, d);
    }
  }
  return t;
}

}  // namespace ember::autograd::formulas

namespace ember::autograd {

namespace {

struct NotDifferentiable : Node {
  std::string node_name, backward_op;
  std::string name() const override { return node_name; }
  std::vector<Tensor> apply(std::vector<Tensor>&&) override {
    EMBER_FAIL(NotImplemented, "the derivative for '", backward_op, "' is not implemented.");
  }
};

}  // namespace

void mark_not_differentiable(std::vector<Tensor>& results, const std::vector<Tensor>& inputs,
                             const std::string& node_name, const std::string& backward_op) {
  if (!grad_enabled() || !should_record(inputs)) return;
  for (Tensor& r : results) {
    if (!r.defined()) continue;
    auto node = make_node_list<NotDifferentiable>(inputs);
    node->node_name = node_name;
    node->backward_op = backward_op;
    set_history(r, node);
  }
}

}  // namespace ember::autograd
