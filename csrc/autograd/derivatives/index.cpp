// Backward formulas of advanced indexing.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// zeros(in_sizes) with g accumulated at x[indices]; differentiable in g (backward: index again).
Tensor index_scatter_zeros(const Tensor& g, const Shape& in_sizes, const std::vector<Tensor>& indices);

struct IndexBackward : Node {
  Shape in_sizes;
  std::vector<Tensor> indices;  // integer/bool index tensors never require grad
  std::string name() const override { return "IndexBackward0"; }
  bool release_saved() override {
    indices.clear();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (indices.empty()) raise_freed_graph(name());
    return {index_scatter_zeros(grads[0], in_sizes, indices)};
  }
};

struct IndexScatterBackward : Node {
  std::vector<Tensor> indices;
  std::string name() const override { return "IndexBackwardBackward0"; }
  bool release_saved() override {
    indices.clear();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (indices.empty()) raise_freed_graph(name());
    return {index(grads[0], indices)};
  }
};

Tensor index_scatter_zeros(const Tensor& g, const Shape& in_sizes, const std::vector<Tensor>& indices) {
  Tensor out = zeros(in_sizes, g.dtype(), g.device());
  {
    GradModeGuard no_grad(false);
    index_put_(out, indices, g, true);
  }
  if (should_record({&g})) {
    auto node = make_node<IndexScatterBackward>({&g});
    node->indices = indices;
    set_history(out, node);
  }
  return out;
}

// x.index_put_(indices, values): x keeps its gradient except where it was overwritten (or all
// of it when accumulating); values get the gradient at the indexed positions.
struct IndexPutBackward : Node {
  std::vector<Tensor> indices;
  bool accumulate;
  std::string name() const override { return "IndexPutBackward0"; }
  bool release_saved() override {
    indices.clear();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (indices.empty()) raise_freed_graph(name());
    const Tensor& g = grads[0];
    Tensor gx, gv;
    if (next_edges[0].valid()) {
      if (accumulate) {
        gx = g;
      } else {
        // zero the overwritten positions: g * (1 - scatter(ones))
        Tensor hit = index_scatter_zeros(ones(index(g, indices).sizes(), g.dtype(), g.device()), g.sizes(), indices);
        gx = mul(g, binary(BinaryOp::Eq, hit, num(0.0)));
      }
    }
    if (next_edges[1].valid()) gv = index(g, indices);
    return {gx, gv};
  }
};

}  // namespace

void record_index(const Tensor& x, const std::vector<Tensor>& indices, const Tensor& out) {
  auto node = make_node<IndexBackward>({&x});
  node->in_sizes = x.sizes();
  node->indices = indices;
  set_history(out, node);
}

void record_index_put(const Tensor& self_before, const std::vector<Tensor>& indices, const Tensor& values,
                      bool accumulate, const Tensor& out) {
  auto node = make_node<IndexPutBackward>({&self_before, &values});
  node->indices = indices;
  node->accumulate = accumulate;
  set_history(out, node);
}

}  // namespace ember::autograd
