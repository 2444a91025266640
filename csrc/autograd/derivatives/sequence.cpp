// Derivatives of the sequence ops: fused attention and the recurrent layers' time loop. Each
// backward is one native kernel (attention recomputes its score tiles from the saved logsumexp;
// the recurrence walks the steps back from its per-step record), followed for the recurrence by
// the hidden weights' gradients as single products over all steps. Neither backward is
// differentiable again: its results raise if differentiated, as torch's fused attention does.
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "kernels/kernels.h"
#include "ops/linalg_ops.h"
#include "ops/nn.h"

namespace ember::autograd {

namespace {

struct AttentionBackward : Node {
  SavedTensor query, key, value, out, lse, mask;
  AttentionParams p;
  std::string name() const override { return "ScaledDotProductFlashAttentionForCpuBackward0"; }
  bool release_saved() override {
    bool any = false;
    for (SavedTensor* s : {&query, &key, &value, &out, &lse, &mask}) any = s->reset() || any;
    return any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor q = query.unpack(self), k = key.unpack(self), v = value.unpack(self), o = out.unpack(self);
    Tensor m = mask.unpack(self), l = lse.unpack(self);
    if (!grads[0].defined()) return {Tensor(), Tensor(), Tensor()};
    std::vector<Tensor> results(3);
    {
      GradModeGuard no_grad(false);
      const ScalarType dtype = compute_dtype(q);
      Tensor q4 = attention_operand(q, dtype), k4 = attention_operand(k, dtype), v4 = attention_operand(v, dtype);
      Tensor o4 = attention_operand(o, dtype), g4 = attention_operand(grads[0], dtype);
      Tensor gq = empty(q4.sizes(), dtype, q.device()), gk = empty(k4.sizes(), dtype, k.device());
      Tensor gv = empty(v4.sizes(), dtype, v.device());
      if (gq.numel() > 0 || gk.numel() > 0 || gv.numel() > 0) {
        kernels::attention_backward(gq, gk, gv, g4, q4, k4, v4, o4, l, m.defined() ? &m : nullptr, p);
      }
      const Tensor* inputs[] = {&q, &k, &v};
      Tensor* grads_4d[] = {&gq, &gk, &gv};
      for (int i = 0; i < 3; ++i) {
        if (next_edges[i].valid()) results[i] = in_dtype(reshape(*grads_4d[i], inputs[i]->sizes()), inputs[i]->dtype());
      }
    }
    mark_not_differentiable(results, {grads[0], q, k, v}, "ScaledDotProductFlashAttentionForCpuBackwardBackward0",
                            "scaled_dot_product_attention_backward");
    return results;
  }
};

const char* recurrence_name(RecurrenceMode mode) {
  switch (mode) {
    case RecurrenceMode::RnnTanh: return "RnnTanh";
    case RecurrenceMode::RnnRelu: return "RnnRelu";
    case RecurrenceMode::Lstm: return "Lstm";
    default: return "Gru";
  }
}

struct RecurrenceBackward : Node {
  SavedTensor out, h_prev, work, w_hh, w_hr;
  RecurrenceParams p;
  Shape h0_sizes;
  ScalarType dtypes[6] = {};  // of the inputs gates_x, h0, c0, w_hh, b_hh, w_hr
  std::string name() const override { return std::string(recurrence_name(p.mode)) + "Backward0"; }
  bool release_saved() override {
    bool any = false;
    for (SavedTensor* s : {&out, &h_prev, &work, &w_hh, &w_hr}) any = s->reset() || any;
    return any;
  }
  // inputs: gates_x, h0, c0, w_hh, b_hh, w_hr; outputs: out, h_n, c_n
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor y = out.unpack(self), hp = h_prev.unpack(self), wk = work.unpack(self);
    Tensor whh = w_hh.unpack(self), whr = w_hr.unpack(self);
    std::vector<Tensor> results(6);
    if (!grads[0].defined() && !grads[1].defined() && !(grads.size() > 2 && grads[2].defined())) return results;
    {
      GradModeGuard no_grad(false);
      const ScalarType dtype = hp.dtype();  // the compute dtype the forward ran in
      auto ready = [&](const Tensor& t) { return contiguous(in_dtype(t, dtype)); };
      const bool lstm = p.mode == RecurrenceMode::Lstm, gru = p.mode == RecurrenceMode::Gru, proj = whr.defined();
      const int64_t N = hp.size(0), P = hp.size(1), G = whh.size(0);
      Tensor yc = ready(y), whh_c = ready(whh), whr_c = proj ? ready(whr) : Tensor();
      Tensor g_out = grads[0].defined() ? ready(grads[0]) : Tensor();
      Tensor g_hn = grads[1].defined() ? ready(grads[1]) : Tensor();
      Tensor g_cn = lstm && grads.size() > 2 && grads[2].defined() ? ready(grads[2]) : Tensor();
      const int64_t batch = h0_sizes[0], hidden = lstm ? G / 4 : gru ? G / 3 : G;
      Tensor d_gates = empty(Shape{N, G}, dtype, hp.device());
      Tensor d_hidden = gru ? empty(Shape{N, G}, dtype, hp.device()) : Tensor();
      Tensor d_proj = proj ? empty(Shape{N, P}, dtype, hp.device()) : Tensor();
      Tensor d_h0 = empty(Shape{batch, P}, dtype, hp.device());
      Tensor d_c0 = lstm ? empty(Shape{batch, hidden}, dtype, hp.device()) : Tensor();
      kernels::recurrence_backward(d_gates, gru ? &d_hidden : nullptr, proj ? &d_proj : nullptr, d_h0,
                                   lstm ? &d_c0 : nullptr, g_out.defined() ? &g_out : nullptr,
                                   g_hn.defined() ? &g_hn : nullptr, g_cn.defined() ? &g_cn : nullptr, yc, hp, wk,
                                   whh_c, proj ? &whr_c : nullptr, p);
      const Tensor& d_hid = gru ? d_hidden : d_gates;  // the gradient of h_prev w_hh^T + b_hh
      if (next_edges[0].valid()) results[0] = in_dtype(d_gates, dtypes[0]);
      if (next_edges[1].valid()) results[1] = in_dtype(d_h0, dtypes[1]);
      if (next_edges[2].valid()) results[2] = in_dtype(d_c0, dtypes[2]);
      if (next_edges[3].valid()) results[3] = in_dtype(mm(transpose(d_hid, 0, 1), hp), dtypes[3]);
      if (next_edges[4].valid()) results[4] = in_dtype(sum(d_hid, {0}, false, std::nullopt), dtypes[4]);
      if (next_edges[5].valid()) {
        Tensor projected = narrow(wk, 1, 6 * hidden, hidden);  // o * tanh(c) of every step
        results[5] = in_dtype(mm(transpose(d_proj, 0, 1), projected), dtypes[5]);
      }
    }
    std::vector<Tensor> inputs{hp, wk};
    for (const Tensor& g : grads) {
      if (g.defined()) inputs.push_back(g);
    }
    mark_not_differentiable(results, inputs, std::string(recurrence_name(p.mode)) + "BackwardBackward0",
                            "rnn_backward");
    return results;
  }
};

}  // namespace

void record_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& out,
                      const Tensor& lse, const Tensor& mask, const AttentionParams& p) {
  auto node = make_node<AttentionBackward>({&query, &key, &value});
  node->query = SavedTensor(query, false);
  node->key = SavedTensor(key, false);
  node->value = SavedTensor(value, false);
  node->lse = SavedTensor(lse, false);
  if (mask.defined()) node->mask = SavedTensor(mask, false);
  node->p = p;
  set_history(out, node);
  node->out = SavedTensor(out, true);
}

void record_recurrence(const Tensor& gates_x, const Tensor& h0, const Tensor& c0, const Tensor& w_hh,
                       const Tensor& b_hh, const Tensor& w_hr, const Tensor& out, const Tensor& h_n,
                       const Tensor& c_n, const Tensor& h_prev, const Tensor& work, const RecurrenceParams& p) {
  auto node = make_node<RecurrenceBackward>({&gates_x, &h0, &c0, &w_hh, &b_hh, &w_hr});
  node->h_prev = SavedTensor(h_prev, false);
  node->work = SavedTensor(work, false);
  node->w_hh = SavedTensor(w_hh, false);
  if (w_hr.defined()) node->w_hr = SavedTensor(w_hr, false);
  node->p = p;
  node->h0_sizes = h0.sizes();
  const Tensor* inputs[] = {&gates_x, &h0, &c0, &w_hh, &b_hh, &w_hr};
  for (int i = 0; i < 6; ++i) node->dtypes[i] = inputs[i]->defined() ? inputs[i]->dtype() : gates_x.dtype();
  set_history(out, node, 0);
  set_history(h_n, node, 1);
  if (c_n.defined()) set_history(c_n, node, 2);
  node->out = SavedTensor(out, true);
}

}  // namespace ember::autograd
