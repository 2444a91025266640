// The autograd graph: a Node per recorded op, Edges to the nodes of its inputs, and the
// per-tensor AutogradMeta (requires_grad, .grad, grad_fn, hooks).
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ember::autograd {

struct Node;

// Where a gradient goes: input slot `input_nr` of node `fn`.
struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;
  bool valid() const { return fn != nullptr; }
};

// Shape and dtype of a forward output, so the engine can stand in zeros for a missing gradient.
struct OutputMeta {
  Shape sizes;
  ScalarType dtype;
  Device device;
};

// A hook on a gradient: returns a replacement, or an undefined tensor to keep the gradient.
using GradHook = std::function<Tensor(const Tensor&)>;
// Node hooks (grad_fn.register_prehook / register_hook): may replace gradients in place.
using NodePreHook = std::function<void(std::vector<Tensor>& grad_outputs)>;
using NodePostHook = std::function<void(std::vector<Tensor>& grad_inputs, const std::vector<Tensor>& grad_outputs)>;

struct Node : std::enable_shared_from_this<Node> {
  Node();
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // torch's class name, e.g. "MulBackward0".
  virtual std::string name() const = 0;
  // grads[i] is the gradient of forward output i (never undefined when called by the engine);
  // returns one gradient per next edge (undefined where an input gets none).
  virtual std::vector<Tensor> apply(std::vector<Tensor>&& grads) = 0;
  // Frees the tensors saved for backward (after a backward without retain_graph); returns
  // whether there were any. A node that saved nothing can run again, as in torch.
  virtual bool release_saved() { return false; }

  std::vector<Edge> next_edges;
  std::vector<OutputMeta> outputs;
  uint64_t sequence_nr;
  // hooks on the gradient of forward output `first` (register_hook on non-leaves), then the
  // retain_grad hooks, which run last so .grad sees what the other hooks made of the gradient
  std::vector<std::pair<uint32_t, GradHook>> pre_hooks;
  struct RetainHook {
    uint32_t slot;
    const void* owner;  // the TensorImpl whose .grad it fills (moved when its grad_fn changes)
    GradHook fn;
  };
  std::vector<RetainHook> retain_hooks;
  std::vector<NodePreHook> node_pre_hooks;  // see all of the node's incoming gradients
  std::vector<NodePostHook> post_hooks;     // see the gradients apply() returned
  std::string anomaly_trace;  // where the forward op ran, when anomaly detection is on
  bool saved_released = false;
  bool materialize_grads = true;  // stand in zeros for missing output gradients before apply()
};

struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  uint32_t output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;  // leaves: the AccumulateGrad node, while a graph uses it
  bool retains_grad = false;
  std::vector<GradHook> leaf_hooks;  // leaves: run before the gradient is accumulated
  // Views recorded under autograd: the tensor they view (the root of a chain of views) and the
  // memory's version when grad_fn was set. An in-place change of the memory since (through the
  // base or another view) makes grad_fn stale: it is then remade as a view of the base's
  // current history (see grad_fn() in function.cpp).
  Tensor view_base;
  uint32_t view_version = 0;
  // Serializes updates of .grad: backward calls in several threads may share a leaf (the
  // engine runs without the GIL).
  std::mutex grad_mutex;
};

// The error torch raises when a freed graph is walked again.
[[noreturn]] void raise_freed_graph(const std::string& node_name);

// A tensor saved for backward, with the version it had, so in-place changes are caught.
class SavedTensor {
 public:
  SavedTensor() = default;
  // `is_output`: the tensor is an output of the node that saves it; it is stored without its
  // history (no reference cycle) and re-attached to the node when unpacked.
  SavedTensor(const Tensor& t, bool is_output);
  Tensor unpack(const std::shared_ptr<Node>& owner) const;
  // Frees the tensor; returns whether one was saved.
  bool reset() {
    data_ = Tensor();
    released_ = true;
    return defined_;
  }
  bool defined() const { return defined_; }

 private:
  Tensor data_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  bool defined_ = false;
  bool released_ = false;
  bool requires_grad_ = false;
};

}  // namespace ember::autograd
