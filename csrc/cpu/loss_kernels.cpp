// Cross entropy and nll_loss over class indices on the CPU. Cross entropy is fused with its
// log_softmax: the forward pass reads each row of logits twice (max, then the exponentials) and
// keeps only the row's logsumexp; the backward pass recomputes softmax from it and writes the
// gradient in one sweep. Rows (n, l) run in parallel; the classes of a row are contiguous when
// L = 1, strided by L otherwise.
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/vec_math.h"
#include "cpu/vec_reduce.h"

namespace ember::cpu {

namespace {

struct Rows {
  int64_t n, c, l;
};

template <typename T>
struct RowView {
  const T* x;
  int64_t stride;  // between classes
  T at(int64_t k) const { return x[k * stride]; }
};

// logsumexp of one row; `buf` holds C elements of scratch.
template <typename T>
T row_logsumexp(const RowView<T>& row, int64_t C, std::vector<T>& buf) {
  T m;
  if constexpr (std::is_same_v<T, float>) {
    if (row.stride == 1) {
      m = extremum_f32<true>(row.x, C, -std::numeric_limits<float>::infinity());
    } else {
      m = -std::numeric_limits<T>::infinity();
      for (int64_t k = 0; k < C; ++k) m = std::max(m, row.at(k));
    }
  } else {
    m = -std::numeric_limits<T>::infinity();
    for (int64_t k = 0; k < C; ++k) {
      const T v = row.at(k);
      m = (v > m || v != v) ? v : m;
    }
  }
  if (std::isinf(m)) return m;  // all -inf: -inf; a +inf logit: +inf
  if (m != m) return m;
  for (int64_t k = 0; k < C; ++k) buf[k] = row.at(k) - m;
  exp_inplace(buf.data(), C);
  double s = 0;
  if constexpr (std::is_same_v<T, float>) {
    s = sum_f32(buf.data(), C);
  } else {
    for (int64_t k = 0; k < C; ++k) s += buf[k];
  }
  return m + static_cast<T>(std::log(s));
}

template <typename T>
int64_t checked_target(int64_t t, int64_t C, int64_t ignore_index) {
  if (t == ignore_index) return -1;
  EMBER_CHECK(t >= 0 && t < C, Index, "Target ", t, " is out of bounds.");
  return t;
}

template <typename T>
void cross_entropy_typed(const Tensor& nll, const Tensor& smooth, const Tensor& lse, const Tensor& logits,
                         const Tensor& target, const ClassLossParams& p) {
  const Rows r{logits.sizes()[0], logits.sizes()[1], logits.sizes()[2]};
  const T* x = logits.data<T>();
  const int64_t* tg = target.data<int64_t>();
  const T* w = p.weight ? p.weight->data<T>() : nullptr;
  T* nl = nll.data<T>();
  T* sm = smooth.numel() > 0 ? smooth.data<T>() : nullptr;
  T* ls = lse.data<T>();
  parallel_for(0, r.n * r.l, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, 2 * r.c)), [&](int64_t b, int64_t e) {
    std::vector<T> buf(r.c);
    for (int64_t i = b; i < e; ++i) {
      const int64_t n = i / r.l, l = i % r.l;
      const RowView<T> row{x + n * r.c * r.l + l, r.l};
      const T s = row_logsumexp(row, r.c, buf);
      ls[i] = s;
      const int64_t t = checked_target<T>(tg[i], r.c, p.ignore_index);
      if (t < 0) {
        nl[i] = 0;
        if (sm) sm[i] = 0;
        continue;
      }
      nl[i] = -(w ? w[t] : T(1)) * (row.at(t) - s);
      if (sm) {
        T acc = 0;
        for (int64_t k = 0; k < r.c; ++k) acc -= (w ? w[k] : T(1)) * (row.at(k) - s);
        sm[i] = acc;
      }
    }
  });
}

template <typename T>
void cross_entropy_backward_typed(const Tensor& grad_logits, const Tensor& grad_nll, const Tensor* grad_smooth,
                                  const Tensor& logits, const Tensor& lse, const Tensor& target,
                                  const ClassLossParams& p) {
  const Rows r{logits.sizes()[0], logits.sizes()[1], logits.sizes()[2]};
  const T* x = logits.data<T>();
  const int64_t* tg = target.data<int64_t>();
  const T* w = p.weight ? p.weight->data<T>() : nullptr;
  const T* gn = grad_nll.data<T>();
  const T* gs = grad_smooth ? grad_smooth->data<T>() : nullptr;
  const T* ls = lse.data<T>();
  T* gx = grad_logits.data<T>();
  T weight_sum = 0;
  for (int64_t k = 0; k < r.c; ++k) weight_sum += w ? w[k] : T(1);
  parallel_for(0, r.n * r.l, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, 2 * r.c)), [&](int64_t b, int64_t e) {
    std::vector<T> buf(r.c);
    for (int64_t i = b; i < e; ++i) {
      const int64_t n = i / r.l, l = i % r.l;
      const RowView<T> row{x + n * r.c * r.l + l, r.l};
      T* out = gx + n * r.c * r.l + l;
      const int64_t t = tg[i] == p.ignore_index ? -1 : tg[i];
      if (t < 0) {
        for (int64_t k = 0; k < r.c; ++k) out[k * r.l] = 0;
        continue;
      }
      // d nll / dx_k = w_t (p_k - [k = t]); d smooth / dx_k = p_k sum(w) - w_k
      const T a = gn[i] * (w ? w[t] : T(1)), c = gs ? gs[i] : T(0);
      const T scale = a + c * weight_sum;
      for (int64_t k = 0; k < r.c; ++k) buf[k] = row.at(k) - ls[i];
      exp_inplace(buf.data(), r.c);
      if (r.l == 1 && !w && c == 0) {
        for (int64_t k = 0; k < r.c; ++k) out[k] = buf[k] * scale;
      } else {
        for (int64_t k = 0; k < r.c; ++k) out[k * r.l] = buf[k] * scale - c * (w ? w[k] : T(1));
      }
      out[t * r.l] -= a;
    }
  });
}

// nll_loss reads one element per row: it picks and scatters, with no softmax.
template <typename T>
void nll_loss_typed(const Tensor& nll, const Tensor& logp, const Tensor& target, const ClassLossParams& p) {
  const Rows r{logp.sizes()[0], logp.sizes()[1], logp.sizes()[2]};
  const T* x = logp.data<T>();
  const int64_t* tg = target.data<int64_t>();
  const T* w = p.weight ? p.weight->data<T>() : nullptr;
  T* nl = nll.data<T>();
  parallel_for(0, r.n * r.l, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const int64_t n = i / r.l, l = i % r.l;
      const int64_t t = checked_target<T>(tg[i], r.c, p.ignore_index);
      nl[i] = t < 0 ? T(0) : -(w ? w[t] : T(1)) * x[(n * r.c + t) * r.l + l];
    }
  });
}

template <typename T>
void nll_loss_backward_typed(const Tensor& grad_logp, const Tensor& grad_nll, const Tensor& target,
                             const ClassLossParams& p) {
  const Rows r{grad_logp.sizes()[0], grad_logp.sizes()[1], grad_logp.sizes()[2]};
  const int64_t* tg = target.data<int64_t>();
  const T* w = p.weight ? p.weight->data<T>() : nullptr;
  const T* g = grad_nll.data<T>();
  T* gx = grad_logp.data<T>();
  parallel_for(0, r.n, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, r.c * r.l)), [&](int64_t b, int64_t e) {
    std::fill(gx + b * r.c * r.l, gx + e * r.c * r.l, T(0));
    for (int64_t n = b; n < e; ++n) {
      for (int64_t l = 0; l < r.l; ++l) {
        const int64_t i = n * r.l + l, t = tg[i];
        if (t == p.ignore_index) continue;
        gx[(n * r.c + t) * r.l + l] = -(w ? w[t] : T(1)) * g[i];
      }
    }
  });
}

}  // namespace

void cross_entropy_kernel(const Tensor& nll, const Tensor& smooth, const Tensor& lse, const Tensor& logits,
                          const Tensor& target, const ClassLossParams& p) {
  dispatch_float32_64(logits.dtype(), "cross_entropy",
                [&](auto tag) { cross_entropy_typed<decltype(tag)>(nll, smooth, lse, logits, target, p); });
}

void cross_entropy_backward_kernel(const Tensor& grad_logits, const Tensor& grad_nll, const Tensor* grad_smooth,
                                   const Tensor& logits, const Tensor& lse, const Tensor& target,
                                   const ClassLossParams& p) {
  dispatch_float32_64(logits.dtype(), "cross_entropy", [&](auto tag) {
    cross_entropy_backward_typed<decltype(tag)>(grad_logits, grad_nll, grad_smooth, logits, lse, target, p);
  });
}

void nll_loss_kernel(const Tensor& nll, const Tensor& logp, const Tensor& target, const ClassLossParams& p) {
  dispatch_float32_64(logp.dtype(), "nll_loss", [&](auto tag) { nll_loss_typed<decltype(tag)>(nll, logp, target, p); });
}

void nll_loss_backward_kernel(const Tensor& grad_logp, const Tensor& grad_nll, const Tensor& target,
                              const ClassLossParams& p) {
  dispatch_float32_64(grad_logp.dtype(), "nll_loss",
                [&](auto tag) { nll_loss_backward_typed<decltype(tag)>(grad_logp, grad_nll, target, p); });
}

}  // namespace ember::cpu
