// What ops use to record autograd history: the checks, node creation and wiring.
#pragma once
#include <initializer_list>

#include "autograd/grad_mode.h"
#include "autograd/node.h"

namespace ember::autograd {

inline bool requires_grad(const Tensor& t) {
  return t.defined() && t.impl()->autograd && t.impl()->autograd->requires_grad;
}
// True when an op on these inputs must record a node (a null input: an optional one not given).
inline bool should_record(std::initializer_list<const Tensor*> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor* t : inputs) {
    if (t && requires_grad(*t)) return true;
  }
  return false;
}
bool should_record(const std::vector<Tensor>& inputs);

AutogradMeta& meta(const Tensor& t);  // creates it on first use
// Records that `out` (sharing `base`'s memory) is a view of it, for in-place ops on views.
void mark_view(const Tensor& base, const Tensor& out);
// The node of `view` as a view of `base`'s current history (an as_strided of the base).
std::shared_ptr<Node> make_view_node(const Tensor& base, const Tensor& view);
std::shared_ptr<Node> grad_fn(const Tensor& t);
bool is_leaf(const Tensor& t);

// The edge a gradient for `t` flows along: its grad_fn, or its leaf accumulator.
Edge gradient_edge(const Tensor& t);

// Deletes nodes iteratively, so dropping a graph of 100,000 ops cannot overflow the stack.
void delete_node(Node* n);

// Anomaly detection: where a node's forward op ran. The Python bindings register a provider
// that formats the Python stack; make_node asks it while anomaly detection is on.
void set_anomaly_trace_provider(std::function<std::string()> provider);
std::string capture_anomaly_trace();

// Makes a node with the given next edges (one per input, invalid for inputs without grad).
template <typename N, typename... Args>
std::shared_ptr<N> make_node(std::initializer_list<const Tensor*> inputs, Args&&... args) {
  std::shared_ptr<N> n(new N(std::forward<Args>(args)...), [](N* p) { delete_node(p); });
  for (const Tensor* t : inputs) n->next_edges.push_back(requires_grad(*t) ? gradient_edge(*t) : Edge{});
  if (anomaly_enabled()) n->anomaly_trace = capture_anomaly_trace();
  return n;
}
template <typename N, typename... Args>
std::shared_ptr<N> make_node_list(const std::vector<Tensor>& inputs, Args&&... args) {
  std::shared_ptr<N> n(new N(std::forward<Args>(args)...), [](N* p) { delete_node(p); });
  for (const Tensor& t : inputs) n->next_edges.push_back(requires_grad(t) ? gradient_edge(t) : Edge{});
  if (anomaly_enabled()) n->anomaly_trace = capture_anomaly_trace();
  return n;
}

// Makes `out` output `output_nr` of `node`.
void set_history(const Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr = 0);

// t.retain_grad(): a non-leaf keeps its gradient in .grad (a hook on its grad_fn, run last).
void retain_grad(const Tensor& t);
// After an in-place op gave `t` a new grad_fn, its retain_grad hook follows (from `old_fn`).
void move_retain_grad(const Tensor& t, const std::shared_ptr<Node>& old_fn);

// In-place ops: checks that `t` may be modified under autograd (not a leaf that requires grad).
void check_inplace(const Tensor& t, const char* op);

// The accumulator of a leaf: adds incoming gradients into .grad (after the leaf's hooks).
struct AccumulateGrad : Node {
  explicit AccumulateGrad(Tensor variable) : variable(std::move(variable)) {}
  std::string name() const override { return "AccumulateGrad"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  Tensor variable;
};

// A copy of gradient `g` laid out as torch lays out .grad of `variable` (its strides when dense).
Tensor clone_for_grad(const Tensor& g, const Tensor& variable);

// Gradient of a broadcast op reduced back to the input's shape.
Tensor sum_to(const Tensor& grad, const Shape& shape);

}  // namespace ember::autograd
