#include "autograd/function.h"

#include <atomic>

#include "ops/ops.h"

namespace ember::autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
}

Node::Node() : sequence_nr(g_next_sequence_nr.fetch_add(1, std::memory_order_relaxed)) {}

void delete_node(Node* n) {
  thread_local std::vector<Node*> pending;
  thread_local bool draining = false;
  pending.push_back(n);
  if (draining) return;  // an outer call deletes it
  draining = true;
  while (!pending.empty()) {
    Node* x = pending.back();
    pending.pop_back();
    delete x;  // dropping its edges and saved tensors may queue more nodes
  }
  draining = false;
}

bool should_record(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (requires_grad(t)) return true;
  }
  return false;
}

AutogradMeta& meta(const Tensor& t) {
  auto& m = t.impl()->autograd;
  if (!m) m = std::make_unique<AutogradMeta>();
  return *m;
}

std::shared_ptr<Node> grad_fn(const Tensor& t) {
  return t.impl()->autograd ? t.impl()->autograd->grad_fn : nullptr;
}

bool is_leaf(const Tensor& t) { return grad_fn(t) == nullptr; }

Edge gradient_edge(const Tensor& t) {
  AutogradMeta& m = meta(t);
  if (m.grad_fn) return Edge{m.grad_fn, m.output_nr};
  std::shared_ptr<Node> acc = m.grad_accumulator.lock();
  if (!acc) {
    acc = std::shared_ptr<AccumulateGrad>(new AccumulateGrad(t), [](AccumulateGrad* p) { delete_node(p); });
    acc->outputs.push_back({t.sizes(), t.dtype()});
    m.grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

void set_history(const Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  AutogradMeta& m = meta(out);
  m.requires_grad = true;
  m.grad_fn = node;
  m.output_nr = output_nr;
  if (node->outputs.size() <= output_nr) node->outputs.resize(output_nr + 1, OutputMeta{Shape{}, out.dtype()});
  node->outputs[output_nr] = OutputMeta{out.sizes(), out.dtype()};
}

void check_inplace(const Tensor& t, const char* op) {
  if (!grad_enabled()) return;
  EMBER_CHECK(!(requires_grad(t) && is_leaf(t)), Runtime, op,
              ": a leaf Variable that requires grad is being used in an in-place operation.");
}

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>&& grads) {
  Tensor g = std::move(grads[0]);
  AutogradMeta& m = meta(variable);
  for (const GradHook& hook : m.leaf_hooks) {
    Tensor r = hook(g);
    if (r.defined()) g = r;
  }
  if (!m.grad.defined()) {
    // keep the incoming tensor only when nobody else can see it; otherwise copy
    bool exclusive = g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && !g.impl()->autograd;
    m.grad = exclusive ? g : (grad_enabled() ? g : clone(g));
    if (g.dtype() != variable.dtype()) m.grad = to_dtype(m.grad, variable.dtype());
  } else if (grad_enabled()) {
    m.grad = binary(BinaryOp::Add, m.grad, g);  // create_graph: keep the sum differentiable
  } else {
    binary_(BinaryOp::Add, m.grad, g);
  }
  return {};
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < grad.dim(); ++d) {
    if (d < lead || (shape[d - lead] == 1 && grad.sizes()[d] != 1)) dims.push_back(d);
  }
  Tensor r = dims.empty() ? grad : sum(grad, dims, true, std::nullopt);
  return reshape(r, shape);
}

}  // namespace ember::autograd
