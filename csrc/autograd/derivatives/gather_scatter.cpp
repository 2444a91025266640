// Backward formulas of gather, scatter (src / value) and scatter_add.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// gather(x, dim, index): x's gradient is g added back at the gathered positions.
struct GatherBackward : Node {
  Shape in_sizes;
  ScalarType in_dtype;
  int64_t dim = 0;
  Tensor index;
  std::string name() const override { return "GatherBackward0"; }
  bool release_saved() override {
    index = Tensor();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (!index.defined()) raise_freed_graph(name());
    return {scatter_add(zeros(in_sizes, grads[0].dtype(), grads[0].device()), dim, index, grads[0])};
  }
};

// scatter / scatter_add: self keeps g except at overwritten positions (scatter), src gets g there.
struct ScatterBackward : Node {
  int64_t dim = 0;
  Tensor index;
  bool accumulate = false;
  bool has_src = false;
  Shape src_sizes;
  std::string name() const override {
    return accumulate ? "ScatterAddBackward0" : (has_src ? "ScatterBackward0" : "ScatterBackward1");
  }
  bool release_saved() override {
    index = Tensor();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (!index.defined()) raise_freed_graph(name());
    const Tensor& g = grads[0];
    Tensor gx, gs;
    if (next_edges[0].valid()) gx = accumulate ? g : scatter_value(g, dim, index, Scalar(0.0));
    if (has_src && next_edges.size() > 1 && next_edges[1].valid()) gs = pad_zeros(gather(g, dim, index), src_sizes);
    if (has_src) return {gx, gs};
    return {gx};
  }
};

}  // namespace

void record_gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  auto node = make_node<GatherBackward>({&x});
  node->in_sizes = x.sizes();
  node->in_dtype = x.dtype();
  node->dim = dim;
  node->index = index;
  set_history(out, node);
}

void record_scatter(const Tensor& self_before, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate,
                    const Tensor& out) {
  std::shared_ptr<ScatterBackward> node =
      src.defined() ? make_node<ScatterBackward>({&self_before, &src}) : make_node<ScatterBackward>({&self_before});
  node->dim = dim;
  node->index = index;
  node->accumulate = accumulate;
  node->has_src = src.defined();
  if (src.defined()) node->src_sizes = src.sizes();
  set_history(out, node);
}

}  // namespace ember::autograd
