// Backward formulas of the pooling ops. Each is linear in the output gradient, and each backward
// op records the adjoint of itself (a gather by the indices, or the forward pool), so double
// backward composes.
#include <string>

#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "ops/nn.h"

namespace ember::autograd {

namespace {

std::string pool_name(const char* kind, int dims, const char* suffix) {
  return std::string(kind) + std::to_string(dims) + "D" + suffix;
}

struct IndexPoolBackward : Node {
  SavedTensor indices;
  Shape input_sizes;
  int dims = 2;
  std::string node_name;
  std::string name() const override { return node_name; }
  bool release_saved() override { return indices.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {index_pool_backward(grads[0], indices.unpack(shared_from_this()), input_sizes, dims)};
  }
};

struct GatherPlanesBackward : Node {
  SavedTensor indices;
  std::string node_name;
  std::string name() const override { return node_name; }
  bool release_saved() override { return indices.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {gather_planes(grads[0], indices.unpack(shared_from_this()))};
  }
};

struct AvgPoolBackward : Node {
  Shape input_sizes;
  PoolParams p;
  int dims = 2;
  bool adaptive = false;
  std::string name() const override { return pool_name(adaptive ? "AdaptiveAvgPool" : "AvgPool", dims, "Backward0"); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {adaptive ? adaptive_avg_pool_backward(grads[0], input_sizes, dims)
                     : avg_pool_backward(grads[0], input_sizes, p, dims)};
  }
};

struct AvgPoolBackwardBackward : Node {
  Shape grad_out_sizes;
  PoolParams p;
  int dims = 2;
  bool adaptive = false;
  std::string name() const override {
    return pool_name(adaptive ? "AdaptiveAvgPool" : "AvgPool", dims, "BackwardBackward0");
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {adaptive ? adaptive_avg_pool_with(grads[0], grad_out_sizes, dims)
                     : avg_pool_with(grads[0], p, grad_out_sizes, dims)};
  }
};

}  // namespace

void record_index_pool(const Tensor& input, const Tensor& values, const Tensor& indices, int dims, bool adaptive) {
  auto node = make_node<IndexPoolBackward>({&input});
  node->indices = SavedTensor(indices, false);
  node->input_sizes = input.sizes();
  node->dims = dims;
  node->node_name = pool_name(adaptive ? "AdaptiveMaxPool" : "MaxPool", dims,
                              adaptive ? "Backward0" : "WithIndicesBackward0");
  set_history(values, node);
}

void record_gather_planes(const Tensor& from, const Tensor& indices, const Tensor& out, const char* name) {
  auto node = make_node<GatherPlanesBackward>({&from});
  node->indices = SavedTensor(indices, false);
  node->node_name = name;
  set_history(out, node);
}

void record_max_unpool(const Tensor& input, const Tensor& indices, const Tensor& out, int dims) {
  record_gather_planes(input, indices, out, pool_name("MaxUnpool", dims, "Backward0").c_str());
}

void record_avg_pool(const Tensor& input, const Tensor& out, const PoolParams& p, int dims) {
  auto node = make_node<AvgPoolBackward>({&input});
  node->input_sizes = input.sizes();
  node->p = p;
  node->dims = dims;
  set_history(out, node);
}

void record_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_in, const PoolParams& p, int dims) {
  auto node = make_node<AvgPoolBackwardBackward>({&grad_out});
  node->grad_out_sizes = grad_out.sizes();
  node->p = p;
  node->dims = dims;
  set_history(grad_in, node);
}

void record_adaptive_avg_pool(const Tensor& input, const Tensor& out, int dims) {
  auto node = make_node<AvgPoolBackward>({&input});
  node->input_sizes = input.sizes();
  node->dims = dims;
  node->adaptive = true;
  set_history(out, node);
}

void record_adaptive_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_in, int dims) {
  auto node = make_node<AvgPoolBackwardBackward>({&grad_out});
  node->grad_out_sizes = grad_out.sizes();
  node->dims = dims;
  node->adaptive = true;
  set_history(grad_in, node);
}

}  // namespace ember::autograd
