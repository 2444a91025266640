#include "autograd/function.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "ops/ops.h"

namespace ember::autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
// set once at import (the Python bindings), read while anomaly detection is on
std::function<std::string()>* g_trace_provider = nullptr;
}  // namespace

void set_anomaly_trace_provider(std::function<std::string()> provider) {
  // leaked on purpose: it may be called during interpreter shutdown
  g_trace_provider = new std::function<std::string()>(std::move(provider));
}

std::string capture_anomaly_trace() { return g_trace_provider ? (*g_trace_provider)() : std::string(); }

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

namespace {
// A view whose memory changed in place since its grad_fn was set gets a fresh one from its base.
void refresh_view(const Tensor& t, AutogradMeta& m) {
  if (!m.view_base.defined() || t.version() == m.view_version) return;
  m.view_version = t.version();
  if (!requires_grad(m.view_base)) return;
  std::shared_ptr<Node> old = m.grad_fn;
  m.grad_fn = make_view_node(m.view_base, t);
  m.output_nr = 0;
  m.requires_grad = true;
  move_retain_grad(t, old);
}
}  // namespace

void mark_view(const Tensor& base, const Tensor& out) {
  if (!out.same_storage(base)) return;  // reshape copied
  const AutogradMeta* bm = base.impl()->autograd.get();
  AutogradMeta& m = meta(out);
  m.view_base = bm && bm->view_base.defined() ? bm->view_base : base;
  m.view_version = out.version();
}

std::shared_ptr<Node> grad_fn(const Tensor& t) {
  AutogradMeta* m = t.impl()->autograd.get();
  if (!m) return nullptr;
  refresh_view(t, *m);
  return m->grad_fn;
}

bool is_leaf(const Tensor& t) { return grad_fn(t) == nullptr; }

Edge gradient_edge(const Tensor& t) {
  AutogradMeta& m = meta(t);
  refresh_view(t, m);
  if (m.grad_fn) return Edge{m.grad_fn, m.output_nr};
  // ops record without the GIL: two threads may reach a shared leaf at once
  static std::mutex accumulator_mutex;
  std::lock_guard<std::mutex> lock(accumulator_mutex);
  std::shared_ptr<Node> acc = m.grad_accumulator.lock();
  if (!acc) {
    acc = std::shared_ptr<AccumulateGrad>(new AccumulateGrad(t), [](AccumulateGrad* p) { delete_node(p); });
    acc->outputs.push_back({t.sizes(), t.dtype(), t.device()});
    m.grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

void set_history(const Tensor& out, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  AutogradMeta& m = meta(out);
  m.requires_grad = true;
  m.grad_fn = node;
  m.output_nr = output_nr;
  if (node->outputs.size() <= output_nr) node->outputs.resize(output_nr + 1, OutputMeta{Shape{}, out.dtype(), out.device()});
  node->outputs[output_nr] = OutputMeta{out.sizes(), out.dtype(), out.device()};
}

void retain_grad(const Tensor& t) {
  if (is_leaf(t)) return;  // leaves keep .grad anyway
  AutogradMeta& m = meta(t);
  if (m.retains_grad) return;
  m.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = t.impl_ptr();
  m.grad_fn->retain_hooks.push_back({m.output_nr, t.impl(), [weak](const Tensor& g) -> Tensor {
                                       if (auto impl = weak.lock()) {
                                         Tensor self(impl);
                                         AutogradMeta& mm = meta(self);
                                         std::lock_guard<std::mutex> lock(mm.grad_mutex);
                                         mm.grad = mm.grad.defined() ? binary(BinaryOp::Add, mm.grad, g)
                                                                     : clone_for_grad(g, self);
                                       }
                                       return Tensor();
                                     }});
}

void move_retain_grad(const Tensor& t, const std::shared_ptr<Node>& old_fn) {
  AutogradMeta* m = t.impl()->autograd.get();
  if (!m || !m->retains_grad || !old_fn || old_fn == m->grad_fn) return;
  auto& hooks = old_fn->retain_hooks;
  hooks.erase(std::remove_if(hooks.begin(), hooks.end(), [&](const Node::RetainHook& h) { return h.owner == t.impl(); }),
              hooks.end());
  m->retains_grad = false;
  retain_grad(t);
}

void check_inplace(const Tensor& t, const char* op) {
  if (!grad_enabled()) return;
  EMBER_CHECK(!(requires_grad(t) && is_leaf(t)), Runtime, op,
              ": a leaf Variable that requires grad is being used in an in-place operation.");
}

namespace {
// Strides of a dense, non-overlapping layout (a permutation of contiguous strides) or nothing.
bool dense_non_overlapping(const Tensor& t) {
  std::vector<std::pair<int64_t, int64_t>> dims;  // (stride, size) of dims with size > 1
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.sizes()[d] != 1) dims.emplace_back(t.strides()[d], t.sizes()[d]);
  }
  std::sort(dims.begin(), dims.end());
  int64_t expected = 1;
  for (auto& [stride, size] : dims) {
    if (stride != expected) return false;
    expected *= size;
  }
  return true;
}

bool same_layout(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (a.sizes()[d] != 1 && a.strides()[d] != b.strides()[d]) return false;
  }
  return true;
}
}  // namespace

// torch's layout contract for .grad: the strides of the variable when it is dense and
// non-overlapping (a transposed parameter gets a transposed gradient), else contiguous. Never
// a broadcast view (an expanded gradient would alias its elements and break in-place updates).
bool obeys_grad_layout(const Tensor& g, const Tensor& variable) {
  if (dense_non_overlapping(variable)) return same_layout(g, variable) && dense_non_overlapping(g);
  return g.is_contiguous();
}

Tensor clone_for_grad(const Tensor& g, const Tensor& variable) {
  if (!dense_non_overlapping(variable) || variable.numel() == 0) return contiguous(clone(g));
  if (!grad_enabled()) {
    Tensor out = empty_strided(variable.sizes(), variable.strides(), g.dtype(), g.device());
    copy_(out, g);
    return out;
  }
  // create_graph: a differentiable copy (clone keeps a dense permuted layout, else is contiguous)
  Tensor c = clone(g);
  return obeys_grad_layout(c, variable) ? c : contiguous(c);
}

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>&& grads) {
  Tensor g = std::move(grads[0]);  // the engine has run the leaf's hooks
  AutogradMeta& m = meta(variable);
  std::lock_guard<std::mutex> lock(m.grad_mutex);
  if (g.dtype() != variable.dtype()) g = to_dtype(g, variable.dtype());
  if (!m.grad.defined()) {
    // keep the incoming tensor only when nobody else can see it and it has the right layout
    bool exclusive = !grad_enabled() && g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 &&
                     !g.impl()->autograd && obeys_grad_layout(g, variable);
    m.grad = exclusive ? g : clone_for_grad(g, variable);
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
