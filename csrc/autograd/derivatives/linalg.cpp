// Backward formula of the batched matrix product (matmul composes it with views).
#include "autograd/derivatives/common.h"

namespace ember::autograd {

namespace {

// c = a @ b on (batch, m, k) x (batch, k, n); a batch of 1 broadcasts (the engine sums it back).
struct BmmBackward : Node {
  SavedTensor a, b;
  std::string name() const override { return "BmmBackward0"; }
  bool release_saved() override {
    bool any = a.reset();
    return b.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    Tensor ga, gb;
    if (next_edges[0].valid()) ga = matmul(g, transpose(b.unpack(self), 1, 2));
    if (next_edges[1].valid()) gb = matmul(transpose(a.unpack(self), 1, 2), g);
    return {ga, gb};
  }
};

}  // namespace

void record_bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<BmmBackward>({&a, &b});
  if (node->next_edges[1].valid()) node->a = SavedTensor(a, false);
  if (node->next_edges[0].valid()) node->b = SavedTensor(b, false);
  set_history(out, node);
}

}  // namespace ember::autograd
