// The recurrent layers' time loop: one layer and direction of nn.RNN, nn.LSTM or nn.GRU over a
// whole (packed) sequence as one op. The layer's input projection (x w_ih^T + b_ih for all steps)
// is an ordinary linear op before it; this op runs the steps, and its node gives the gradients of
// that projection, the initial states and the hidden weights.
#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"

namespace ember {

namespace {

int64_t gates_per_unit(RecurrenceMode mode) {
  return mode == RecurrenceMode::Lstm ? 4 : mode == RecurrenceMode::Gru ? 3 : 1;
}

void check_operand(const Tensor& t, const Tensor& like, const char* name, const Shape& sizes) {
  const char* op = "rnn";
  EMBER_CHECK(t.device() == like.device(), Runtime, op, ": expected ", name, " on ", like.device().str(), ", got ",
              t.device().str());
  EMBER_CHECK(t.dtype() == like.dtype(), Runtime, op, ": expected ", name, " of dtype ",
              torch_dtype_name(like.dtype()), ", got ", torch_dtype_name(t.dtype()));
  EMBER_CHECK(t.sizes() == sizes, Runtime, op, ": expected ", name, " of shape ",
              list_str(std::vector<int64_t>(sizes.begin(), sizes.end())), ", got ", t.shape_str());
}

// Columns of the per-step record the kernel keeps for the backward (kernels.h has the layout).
int64_t work_width(RecurrenceMode mode, int64_t hidden, bool proj) {
  if (mode == RecurrenceMode::Lstm) return (proj ? 7 : 6) * hidden;
  return mode == RecurrenceMode::Gru ? 4 * hidden : 0;
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> recurrence(int64_t mode_index, const Tensor& gates_x,
                                              const std::vector<int64_t>& batch_sizes, const Tensor& h0,
                                              const std::optional<Tensor>& c0, const Tensor& w_hh,
                                              const std::optional<Tensor>& b_hh, const std::optional<Tensor>& w_hr,
                                              bool reverse) {
  const char* op = "rnn";
  EMBER_CHECK(mode_index >= 0 && mode_index <= 3, Runtime, op,
              ": expected mode 0 (RNN_TANH), 1 (RNN_RELU), 2 (LSTM) or 3 (GRU), got ", mode_index);
  RecurrenceParams p;
  p.mode = static_cast<RecurrenceMode>(mode_index);
  p.reverse = reverse;
  p.batch_sizes = batch_sizes;
  const bool lstm = p.mode == RecurrenceMode::Lstm;
  EMBER_CHECK(is_floating(gates_x.dtype()), NotImplemented, op, ": not implemented for dtype ",
              torch_dtype_name(gates_x.dtype()));
  EMBER_CHECK(gates_x.dim() == 2 && h0.dim() == 2 && w_hh.dim() == 2, Runtime, op,
              ": expected 2-D gates_x, h0 and w_hh, got ", gates_x.shape_str(), ", ", h0.shape_str(), " and ",
              w_hh.shape_str());
  const int64_t N = gates_x.size(0), G = gates_x.size(1), B = h0.size(0), P = h0.size(1);
  const int64_t H = G / gates_per_unit(p.mode);
  EMBER_CHECK(G % gates_per_unit(p.mode) == 0, Runtime, op, ": gates_x has ", G, " columns, not a multiple of ",
              gates_per_unit(p.mode));
  int64_t total = 0;
  for (size_t t = 0; t < batch_sizes.size(); ++t) {
    const int64_t bs = batch_sizes[t];
    EMBER_CHECK(bs >= 1 && bs <= B && (t == 0 || bs <= batch_sizes[t - 1]), Runtime, op,
                ": batch_sizes must be non-increasing and within [1, ", B, "], got ", list_str(batch_sizes));
    total += bs;
  }
  EMBER_CHECK(total == N, Runtime, op, ": batch_sizes sum to ", total, " but gates_x has ", N, " rows");
  check_operand(h0, gates_x, "h0", Shape{B, P});
  check_operand(w_hh, gates_x, "w_hh", Shape{G, P});
  if (b_hh) check_operand(*b_hh, gates_x, "b_hh", Shape{G});
  EMBER_CHECK(lstm == c0.has_value(), Runtime, op, lstm ? ": an LSTM needs c0" : ": only an LSTM takes c0");
  if (c0) check_operand(*c0, gates_x, "c0", Shape{B, H});
  EMBER_CHECK(!w_hr || lstm, Runtime, op, ": only an LSTM takes w_hr");
  if (w_hr) {
    check_operand(*w_hr, gates_x, "w_hr", Shape{P, H});
  } else {
    EMBER_CHECK(P == H, Runtime, op, ": h0 has ", P, " features but the cell has ", H, " units");
  }
  const ScalarType dtype = compute_dtype(gates_x);
  const Device device = gates_x.device();
  Tensor out, h_n, c_n, h_prev, work;
  {
    autograd::GradModeGuard no_grad(false);
    auto ready = [&](const Tensor& t) { return contiguous(in_dtype(t, dtype)); };
    Tensor gx = ready(gates_x), h = ready(h0), whh = ready(w_hh), c, bhh, whr;
    if (c0) c = ready(*c0);
    if (b_hh) bhh = ready(*b_hh);
    if (w_hr) whr = ready(*w_hr);
    out = empty(Shape{N, P}, dtype, device);
    h_n = empty(Shape{B, P}, dtype, device);
    if (lstm) c_n = empty(Shape{B, H}, dtype, device);
    h_prev = empty(Shape{N, P}, dtype, device);
    work = empty(Shape{N, work_width(p.mode, H, w_hr.has_value())}, dtype, device);
    kernels::recurrence(out, h_n, lstm ? &c_n : nullptr, h_prev, work, gx, h, c0 ? &c : nullptr, whh,
                        b_hh ? &bhh : nullptr, w_hr ? &whr : nullptr, p);
    out = in_dtype(out, gates_x.dtype());
    h_n = in_dtype(h_n, gates_x.dtype());
    if (lstm) c_n = in_dtype(c_n, gates_x.dtype());
  }
  Tensor none;
  const Tensor* c0p = c0 ? &*c0 : &none;
  const Tensor* bp = b_hh ? &*b_hh : &none;
  const Tensor* rp = w_hr ? &*w_hr : &none;
  if (autograd::should_record({&gates_x, &h0, c0p, &w_hh, bp, rp})) {
    autograd::record_recurrence(gates_x, h0, *c0p, w_hh, *bp, *rp, out, h_n, c_n, h_prev, work, p);
  }
  return {out, h_n, c_n};
}

}  // namespace ember
