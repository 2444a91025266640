// Backward formula of addmm / baddbmm (the other ops of the family are composites).
#include "autograd/derivatives/linalg_ops.h"

#include "autograd/derivatives/common.h"

namespace ember::autograd {

namespace {

using namespace formulas;

struct AddmmBackward : Node {
  SavedTensor m1, m2;
  double beta = 1.0, alpha = 1.0;
  bool batched = false;
  std::string name() const override { return batched ? "BaddbmmBackward0" : "AddmmBackward0"; }
  bool release_saved() override {
    bool any = m1.reset();
    return m2.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    auto scaled = [](const Tensor& t, double s) { return s == 1.0 ? t : mul(t, num(s)); };
    Tensor gi, g1, g2;
    if (next_edges[0].valid()) gi = scaled(g, beta);  // the engine sums it back to input's shape
    if (next_edges[1].valid()) g1 = scaled(matmul(g, matrix_transpose(m2.unpack(self))), alpha);
    if (next_edges[2].valid()) g2 = scaled(matmul(matrix_transpose(m1.unpack(self)), g), alpha);
    return {gi, g1, g2};
  }
};

}  // namespace

void record_addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, double beta, double alpha,
                  const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<AddmmBackward>({&input, &m1, &m2});
  node->beta = beta;
  node->alpha = alpha;
  node->batched = m1.dim() == 3;
  if (node->next_edges[2].valid()) node->m1 = SavedTensor(m1, false);
  if (node->next_edges[1].valid()) node->m2 = SavedTensor(m2, false);
  set_history(out, node);
}

}  // namespace ember::autograd
