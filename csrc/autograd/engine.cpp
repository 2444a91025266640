#include "autograd/engine.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/function.h"
#include "ops/ops.h"

namespace ember::autograd {

namespace {

struct NodeState {
  int dependencies = 0;
  std::vector<Tensor> buffer;  // gradient per forward output of the node
  bool reachable = true;       // leads to a requested input (always true without inputs=)
};

void add_into(std::vector<Tensor>& buffer, uint32_t slot, const Tensor& g) {
  if (buffer.size() <= slot) buffer.resize(slot + 1);
  if (!buffer[slot].defined()) {
    buffer[slot] = g;
  } else {
    buffer[slot] = binary(BinaryOp::Add, buffer[slot], g);
  }
}

// Conforms a gradient to the tensor it is for: same dtype, and summed over broadcast dims.
Tensor conform(const Tensor& g, const OutputMeta& m, const Node& producer, size_t index) {
  Tensor r = g;
  if (r.sizes() != m.sizes) {
    Shape b = broadcast_shapes(r.sizes(), m.sizes, producer.name().c_str());
    EMBER_CHECK(b == r.sizes(), Runtime, "Function ", producer.name(), " returned an invalid gradient at index ",
                index, " - got ", r.shape_str(), " but expected shape compatible with ", shape_to_string(m.sizes));
    r = sum_to(r, m.sizes);
  }
  if (r.dtype() != m.dtype) r = to_dtype(r, m.dtype);
  return r;
}

// Runs a gradient hook; a returned tensor replaces the gradient and must keep its shape.
void run_hook(const GradHook& hook, Tensor& g) {
  Tensor r = hook(g);
  if (!r.defined()) return;
  EMBER_CHECK(r.sizes() == g.sizes(), Runtime, "hook has changed the size of value: expected ", g.shape_str(),
              ", got ", r.shape_str());
  g = r;
}

bool has_nan(const Tensor& t) {
  if (!is_floating(t.dtype()) || t.numel() == 0) return false;
  Tensor nan_mask = to_dtype(binary(BinaryOp::Ne, t, t), ScalarType::UInt8);
  return amax(nan_mask, {}, false).data<uint8_t>()[0] != 0;
}

std::atomic<InterruptCheck> g_interrupt_check{nullptr};

// Calls the interrupt check once kInterruptPollMs have passed since the last call. The clock is
// read before every node (tens of ns, next to a node's microseconds at least), so one slow node
// among many fast ones cannot stretch the wait.
class InterruptPoller {
 public:
  void poll() {
    InterruptCheck check = g_interrupt_check.load(std::memory_order_relaxed);
    if (!check) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(kInterruptPollMs)) return;
    last_ = now;
    check();
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

void set_interrupt_check(InterruptCheck check) { g_interrupt_check.store(check); }

std::vector<Tensor> run_backward(const BackwardArgs& args) {
  EMBER_CHECK(args.roots.size() == args.root_grads.size(), Runtime, "backward: got ", args.roots.size(),
              " tensors and ", args.root_grads.size(), " gradients");
  GradModeGuard grad_mode(args.create_graph);
  std::unordered_map<Node*, NodeState> state;
  std::vector<std::pair<Edge, Tensor>> seeds;
  for (size_t i = 0; i < args.roots.size(); ++i) {
    const Tensor& root = args.roots[i];
    EMBER_CHECK(requires_grad(root), Runtime, "element ", i,
                " of tensors does not require grad and does not have a grad_fn");
    Tensor g = args.root_grads[i];
    if (!g.defined()) {
      EMBER_CHECK(root.numel() == 1, Runtime, "grad can be implicitly created only for scalar outputs");
      g = ones(root.sizes(), root.dtype(), root.device());
    }
    EMBER_CHECK(g.sizes() == root.sizes(), Runtime, "Mismatch in shape: grad_output[", i, "] has a shape of ",
                g.shape_str(), " and output[", i, "] has a shape of ", root.shape_str(), ".");
    seeds.emplace_back(gradient_edge(root), g);
  }

  // Requested inputs: which (node, slot) pairs to capture, and the edges they are reached by.
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>> targets;
  std::vector<Tensor> captured(args.inputs.size());
  std::vector<std::shared_ptr<Node>> keep_alive;  // accumulators made here must live through the walk
  for (size_t i = 0; i < args.inputs.size(); ++i) {
    EMBER_CHECK(requires_grad(args.inputs[i]), Runtime, "One of the differentiated Tensors does not require grad");
    Edge e = gradient_edge(args.inputs[i]);
    keep_alive.push_back(e.fn);
    targets[e.fn.get()].emplace_back(e.input_nr, i);
  }
  const bool restricted = !args.inputs.empty();

  // Discover the graph once (iteratively), then mark what leads to a requested input.
  std::vector<Node*> order;  // discovery order
  {
    std::vector<Node*> stack;
    for (auto& s : seeds) {
      if (state.emplace(s.first.fn.get(), NodeState{}).second) stack.push_back(s.first.fn.get());
    }
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      order.push_back(n);
      for (const Edge& e : n->next_edges) {
        if (e.fn && state.emplace(e.fn.get(), NodeState{}).second) stack.push_back(e.fn.get());
      }
    }
  }
  if (restricted) {
    // a node is reachable when it is a target or has an edge to a reachable node; iterate to a fixpoint
    // in reverse topological order: sort by sequence number (children are always older)
    std::vector<Node*> by_seq = order;
    std::sort(by_seq.begin(), by_seq.end(), [](Node* a, Node* b) { return a->sequence_nr < b->sequence_nr; });
    for (Node* n : by_seq) {
      bool r = targets.count(n) > 0;
      for (const Edge& e : n->next_edges) r = r || (e.fn && state[e.fn.get()].reachable);
      state[n].reachable = r;
    }
  }
  for (Node* n : order) {
    if (!state[n].reachable) continue;
    for (const Edge& e : n->next_edges) {
      if (e.fn && state[e.fn.get()].reachable) state[e.fn.get()].dependencies++;
    }
  }

  auto newer_first = [](Node* a, Node* b) { return a->sequence_nr < b->sequence_nr; };
  std::priority_queue<Node*, std::vector<Node*>, decltype(newer_first)> ready(newer_first);
  for (auto& s : seeds) {
    NodeState& st = state[s.first.fn.get()];
    add_into(st.buffer, s.first.input_nr, s.second);
  }
  {
    std::unordered_set<Node*> pushed;
    for (auto& s : seeds) {
      Node* n = s.first.fn.get();
      if (state[n].reachable && state[n].dependencies == 0 && pushed.insert(n).second) ready.push(n);
    }
  }

  InterruptPoller interrupts;
  while (!ready.empty()) {
    interrupts.poll();
    Node* n = ready.top();
    ready.pop();
    NodeState& st = state[n];
    std::vector<Tensor> grads = std::move(st.buffer);
    grads.resize(std::max(grads.size(), n->outputs.size()));
    for (auto& [slot, hook] : n->pre_hooks) {
      if (slot < grads.size() && grads[slot].defined()) run_hook(hook, grads[slot]);
    }
    // a leaf's hooks run before its gradient is captured (grad()) or accumulated (backward())
    if (auto* acc = dynamic_cast<AccumulateGrad*>(n); acc && !grads.empty() && grads[0].defined()) {
      AutogradMeta& am = meta(acc->variable);
      for (const GradHook& hook : am.leaf_hooks) run_hook(hook, grads[0]);
    }
    for (auto& h : n->retain_hooks) {
      if (h.slot < grads.size() && grads[h.slot].defined()) run_hook(h.fn, grads[h.slot]);
    }
    for (auto& hook : n->node_pre_hooks) hook(grads);
    auto t = targets.find(n);
    if (t != targets.end()) {
      for (auto& [slot, idx] : t->second) {
        if (slot < grads.size() && grads[slot].defined()) captured[idx] = grads[slot];
      }
    }
    // Without inputs= every node runs; with it, a target runs only if it also leads further
    // (and accumulators run only for backward(inputs=...)).
    bool execute = true;
    if (restricted) {
      bool leads_on = false;
      for (const Edge& e : n->next_edges) leads_on = leads_on || (e.fn && state[e.fn.get()].reachable);
      bool is_acc = dynamic_cast<AccumulateGrad*>(n) != nullptr;
      execute = is_acc ? (args.accumulate && t != targets.end()) : leads_on;
    }
    if (!args.accumulate && dynamic_cast<AccumulateGrad*>(n)) execute = false;

    std::vector<Tensor> outs;
    bool any = false;
    for (const Tensor& g : grads) any = any || g.defined();
    if (execute && any) {
      if (n->saved_released) raise_freed_graph(n->name());
      for (size_t i = 0; n->materialize_grads && i < grads.size(); ++i) {
        if (!grads[i].defined() && i < n->outputs.size()) grads[i] = zeros(n->outputs[i].sizes, n->outputs[i].dtype, n->outputs[i].device);
      }
      std::vector<Tensor> grad_outputs;
      if (!n->post_hooks.empty()) grad_outputs = grads;
      outs = n->apply(std::move(grads));
      for (auto& hook : n->post_hooks) hook(outs, grad_outputs);
      if (!outs.empty()) {
        EMBER_CHECK(outs.size() == n->next_edges.size(), Runtime, "function ", n->name(), " returned ", outs.size(),
                    " gradients, expected ", n->next_edges.size());
      }
      if (anomaly_enabled() && anomaly_check_nan()) {
        for (size_t i = 0; i < outs.size(); ++i) {
          EMBER_CHECK(!(outs[i].defined() && has_nan(outs[i])), Runtime, "Function '", n->name(),
                      "' returned nan values in its ", i, "th output.", n->anomaly_trace.empty() ? "" : "\n",
                      n->anomaly_trace);
        }
      }
      if (!args.keep_graph && n->release_saved()) n->saved_released = true;
    }
    for (size_t i = 0; i < n->next_edges.size(); ++i) {
      const Edge& e = n->next_edges[i];
      if (!e.fn) continue;
      NodeState& cs = state[e.fn.get()];
      if (!cs.reachable) continue;
      if (i < outs.size() && outs[i].defined()) {
        const OutputMeta& m = e.input_nr < e.fn->outputs.size() ? e.fn->outputs[e.input_nr] : OutputMeta{outs[i].sizes(), outs[i].dtype(), outs[i].device()};
        add_into(cs.buffer, e.input_nr, conform(outs[i], m, *n, i));
      }
      if (--cs.dependencies == 0) ready.push(e.fn.get());
    }
  }
  if (args.accumulate && restricted) {
    // backward(inputs=[...]) fills .grad of non-leaf inputs too
    for (size_t i = 0; i < args.inputs.size(); ++i) {
      if (!is_leaf(args.inputs[i]) && captured[i].defined()) {
        AutogradMeta& m = meta(args.inputs[i]);
        std::lock_guard<std::mutex> lock(m.grad_mutex);
        m.grad = m.grad.defined() ? binary(BinaryOp::Add, m.grad, captured[i])
                                  : clone_for_grad(captured[i], args.inputs[i]);
      }
    }
  }
  if (!args.accumulate && !args.allow_unused) {
    for (const Tensor& c : captured) {
      EMBER_CHECK(c.defined(), Runtime,
                  "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True "
                  "if this is the desired behavior.");
    }
  }
  return captured;
}

}  // namespace ember::autograd
