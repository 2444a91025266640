// Backward formulas of copies and conversions, and the mechanics of in-place ops.
#include <algorithm>
#include <cstdint>

#include "autograd/derivatives/common.h"

namespace ember::autograd {

namespace {

// to(dtype)/clone/contiguous: the gradient passes through (the engine converts its dtype back).
struct ToCopyBackward : Node {
  bool same_dtype;
  std::string name() const override { return same_dtype ? "CloneBackward0" : "ToCopyBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {grads[0]}; }
};

// copy_ from a tensor without history into one with history: the old value is overwritten,
// so its gradient is zero (torch's CopyBackwards).
struct CopyBackwards : Node {
  std::string name() const override { return "CopyBackwards"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {formulas::zeros_like(grads[0])}; }
};

// An in-place op on a view rewrote part of its base: the base's new value is its old value
// outside the view (`hit` false) and the op's result inside. lin[i] is the flat index into the
// base of the view's element i.
struct CopySlices : Node {
  Tensor hit, lin;
  std::string name() const override { return "CopySlices"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor g_base, g_result;
    if (next_edges[0].valid()) g_base = where(hit, formulas::num(0.0), g);
    if (next_edges[1].valid()) g_result = index(reshape(g, {-1}), {lin});
    return {g_base, g_result};
  }
};

}  // namespace

void record_to_copy(const Tensor& x, const Tensor& out) {
  if (!is_floating(out.dtype())) return;  // a cast to integers ends the graph, as in torch
  auto node = make_node<ToCopyBackward>({&x});
  node->same_dtype = x.dtype() == out.dtype();
  set_history(out, node);
}

namespace {
const Tensor* recorded_base(const Tensor& self) {
  const AutogradMeta* m = self.impl()->autograd.get();
  return m && m->view_base.defined() ? &m->view_base : nullptr;
}
}  // namespace

void check_inplace_allowed(const Tensor& self, const char* op) {
  check_inplace(self, op);
  if (!self.impl()->is_view) return;
  const Tensor* base = recorded_base(self);
  if (base) {
    EMBER_CHECK(!(requires_grad(*base) && is_leaf(*base)), Runtime, op,
                ": a view of a leaf Variable that requires grad is being used in an in-place operation.");
    return;
  }
  EMBER_CHECK(!requires_grad(self), NotImplemented, op,
              ": in-place modification of this view under autograd is not supported (it was made while its base "
              "did not require grad)");
  EMBER_FAIL(NotImplemented, op,
             ": in-place modification of a view of a tensor that does not require grad, with an operand that "
             "does, is not supported; write into the base with indexing (base[...] = value) or clone() the view");
}

Tensor inplace_input(const Tensor& self, const char* op) {
  check_inplace_allowed(self, op);
  Tensor prev;
  {
    GradModeGuard no_grad(false);
    prev = clone(self);
  }
  if (requires_grad(self)) {
    AutogradMeta& m = meta(prev);
    m.requires_grad = true;
    m.grad_fn = grad_fn(self);
    m.output_nr = self.impl()->autograd->output_nr;
  }
  return prev;
}

namespace {
// The in-place op on view `self` of `base` produced `result`: record the base's new value as
// CopySlices(old base, result), and make self a view of it again.
void commit_view_inplace(const Tensor& self, const Tensor& base, const Tensor& result) {
  auto node = make_node<CopySlices>({&base, &result});
  {
    GradModeGuard no_grad(false);
    // flat index into the base of each storage position the base covers, then of the view's
    Tensor base_pos = storage_positions(base.sizes(), base.strides(), base.storage_offset());
    Tensor view_pos = storage_positions(self.sizes(), self.strides(), self.storage_offset());
    const int64_t n = base.numel();
    auto span = [](const Tensor& t, int64_t& lo, int64_t& hi) {
      if (t.numel() == 0) return;
      int64_t a = t.storage_offset(), b = t.storage_offset();
      for (int64_t d = 0; d < t.dim(); ++d) {
        int64_t reach = (t.sizes()[d] - 1) * t.strides()[d];
        (reach < 0 ? a : b) += reach;
      }
      lo = std::min(lo, a);
      hi = std::max(hi, b);
    };
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    span(base, lo, hi);
    span(self, lo, hi);
    if (lo > hi) lo = hi = 0;
    Tensor inverse = full({std::max<int64_t>(hi - lo + 1, 0)}, Scalar(int64_t(-1)), ScalarType::Int64, Device{});
    Tensor flat = arange(Scalar(int64_t(0)), Scalar(n), Scalar(int64_t(1)), ScalarType::Int64, Device{});
    Tensor lo_t = wrapped_scalar(Scalar(lo));
    index_put_(inverse, {reshape(binary(BinaryOp::Sub, base_pos, lo_t), {-1})}, flat, false);
    node->lin = self.numel() ? index(inverse, {binary(BinaryOp::Sub, view_pos, lo_t)}) : zeros(self.sizes(), ScalarType::Int64, self.device());
    EMBER_CHECK(self.numel() == 0 || amin(node->lin, {}, false).data<int64_t>()[0] >= 0, NotImplemented,
                "in-place operation on a view that reaches memory outside its base is not supported under autograd");
    Tensor hit = zeros({n}, ScalarType::Bool, Device{});
    index_put_(hit, {reshape(node->lin, {-1})}, ones({self.numel()}, ScalarType::Bool, Device{}), false);
    node->hit = reshape(hit, base.sizes());
    Tensor target = self;
    copy_(target, result);
  }
  std::shared_ptr<Node> old_base_fn = grad_fn(base);
  set_history(base, node);
  move_retain_grad(base, old_base_fn);
  AutogradMeta& m = meta(self);
  std::shared_ptr<Node> old = m.grad_fn;
  m.grad_fn = make_view_node(base, self);
  m.output_nr = 0;
  m.requires_grad = true;
  m.view_version = self.version();
  move_retain_grad(self, old);
}
}  // namespace

void commit_inplace(const Tensor& self, const Tensor& result) {
  if (self.impl()->is_view) {
    if (const Tensor* base = recorded_base(self)) {
      Tensor b = *base;  // a copy: set_history may touch self's meta, which holds the base
      commit_view_inplace(self, b, result);
      return;
    }
  }
  {
    GradModeGuard no_grad(false);
    Tensor target = self;
    copy_(target, result);
  }
  if (!requires_grad(result) && requires_grad(self) && grad_enabled()) {
    // self keeps requiring grad (as in torch), through a node that gives its old value zero
    auto node = make_node<CopyBackwards>({&self});
    std::shared_ptr<Node> old = grad_fn(self);
    set_history(self, node);
    move_retain_grad(self, old);
    return;
  }
  if (requires_grad(result)) {
    // a leaf result (no node of its own) is given one, so self's history leads to it
    Tensor r = is_leaf(result) ? alias(result) : result;
    AutogradMeta& m = meta(self);
    std::shared_ptr<Node> old = m.grad_fn;
    m.requires_grad = true;
    m.grad_fn = grad_fn(r);
    m.output_nr = r.impl()->autograd->output_nr;
    if (m.grad_fn && m.grad_fn->outputs.size() > m.output_nr) {
      m.grad_fn->outputs[m.output_nr] = OutputMeta{self.sizes(), self.dtype()};
    }
    move_retain_grad(self, old);
  }
}

}  // namespace ember::autograd
