// The recurrent layers' time loop on the CPU: one layer and direction of an RNN, LSTM or GRU over a
// whole (packed) sequence in one call. The input's share of the gates (x w_ih^T + b_ih) comes in
// computed for all steps at once; each step adds the hidden product h w_hh^T + b_hh and applies
// the cell. The threads split the hidden units, so one step's product and cell run in one parallel
// region with no exchange between them; the step's states are saved for the backward, which walks
// the steps in the opposite order and leaves the weight gradients to one large product afterwards.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/small_gemm.h"
#include "cpu/vec_math.h"

namespace ember::cpu {

namespace {

// Multiply-adds per step below which a step runs on one thread.
constexpr int64_t kStepGrain = 65536;

template <typename T>
void tanh_inplace(T* p, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    if (avx512::available()) return avx512::map_f32(avx512::Fn::Tanh, p, p, n);
  }
  int64_t i = 0;
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<T, float>) {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, _ZGVdN8v_tanhf(_mm256_loadu_ps(p + i)));
  } else {
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(p + i, _ZGVdN4v_tanh(_mm256_loadu_pd(p + i)));
  }
#endif
  for (; i < n; ++i) p[i] = std::tanh(p[i]);
}

template <typename T>
void sigmoid_inplace(T* p, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    if (avx512::available()) return avx512::map_f32(avx512::Fn::Sigmoid, p, p, n);
  }
  for (int64_t i = 0; i < n; ++i) p[i] = -p[i];
  exp_inplace(p, n);
  for (int64_t i = 0; i < n; ++i) p[i] = T(1) / (T(1) + p[i]);
}

int64_t gate_count(RecurrenceMode mode) {
  return mode == RecurrenceMode::Lstm ? 4 : mode == RecurrenceMode::Gru ? 3 : 1;
}

// The steps in the order the forward runs them, with the first row of each step's block.
struct Steps {
  std::vector<int64_t> order, offset;
  explicit Steps(const RecurrenceParams& p) {
    const int64_t T = static_cast<int64_t>(p.batch_sizes.size());
    offset.resize(T);
    int64_t at = 0;
    for (int64_t t = 0; t < T; ++t) {
      offset[t] = at;
      at += p.batch_sizes[t];
    }
    for (int64_t t = 0; t < T; ++t) order.push_back(p.reverse ? T - 1 - t : t);
  }
};

// Runs f(u0, u1) over hidden units [0, units) split among the threads when the step is big enough.
template <typename F>
void over_units(int64_t units, int64_t step_work, const F& f) {
  const int64_t grain = step_work >= kStepGrain ? std::max<int64_t>(8, (units + 7) / 8) : units;
  parallel_for(0, units, grain, f);
}

template <typename T>
void recurrence_forward(const Tensor& out, const Tensor& h_n, const Tensor* c_n, const Tensor& h_prev,
                        const Tensor& work, const Tensor& gates_x, const Tensor& h0, const Tensor* c0,
                        const Tensor& w_hh, const Tensor* b_hh, const Tensor* w_hr, const RecurrenceParams& p) {
  const RecurrenceMode mode = p.mode;
  const int64_t B = h0.sizes()[0], P = h0.sizes()[1], G = w_hh.sizes()[0];
  const int64_t H = G / gate_count(mode), W = work.sizes()[1];
  const bool proj = w_hr != nullptr;
  // w_hh^T (P, G) and w_hr^T (H, P), row-major: the right operands of the step's products
  std::vector<T> wt(P * G), wrt(proj ? H * P : 0);
  const T* whh = w_hh.data<T>();
  for (int64_t g = 0; g < G; ++g) {
    for (int64_t k = 0; k < P; ++k) wt[k * G + g] = whh[g * P + k];
  }
  if (proj) {
    const T* whr = w_hr->data<T>();
    for (int64_t o = 0; o < P; ++o) {
      for (int64_t k = 0; k < H; ++k) wrt[k * P + o] = whr[o * H + k];
    }
  }
  std::vector<T> h(h0.data<T>(), h0.data<T>() + B * P), c;
  if (c0) c.assign(c0->data<T>(), c0->data<T>() + B * H);
  std::vector<T> hidden(B * G);  // this step's h w_hh^T + b_hh
  const T* bias = b_hh ? b_hh->data<T>() : nullptr;
  const T* gx_all = gates_x.data<T>();
  T* out_all = out.data<T>();
  T* hp_all = h_prev.data<T>();
  T* work_all = work.data<T>();
  const Steps steps(p);
  for (int64_t t : steps.order) {
    const int64_t bs = p.batch_sizes[t], row0 = steps.offset[t];
    T* hp = hp_all + row0 * P;
    std::copy(h.begin(), h.begin() + bs * P, hp);
    T* o = out_all + row0 * P;
    over_units(H, bs * P * G, [&](int64_t u0, int64_t u1) {
      const int64_t n = u1 - u0;
      for (int64_t s = 0; s * H < G; ++s) {  // each gate's columns of these units
        const int64_t col = s * H + u0;
        for (int64_t b = 0; b < bs; ++b) {
          T* dst = hidden.data() + b * G + col;
          if (bias) {
            std::copy(bias + col, bias + col + n, dst);
          } else {
            std::fill(dst, dst + n, T(0));
          }
        }
        small_gemm<T>(bs, n, P, hp, P, 1, wt.data() + col, G, hidden.data() + col, G, true);
      }
      for (int64_t b = 0; b < bs; ++b) {
        const T* gx = gx_all + (row0 + b) * G;
        const T* hg = hidden.data() + b * G;
        T* wk = work_all + (row0 + b) * W;
        T* orow = o + b * P;
        if (mode == RecurrenceMode::Lstm) {
          for (int64_t s = 0; s < 4; ++s) {
            T* gate = wk + s * H + u0;
            for (int64_t j = 0; j < n; ++j) gate[j] = gx[s * H + u0 + j] + hg[s * H + u0 + j];
            if (s == 2) {
              tanh_inplace(gate, n);
            } else {
              sigmoid_inplace(gate, n);
            }
          }
          const T *ig = wk + u0, *fg = wk + H + u0, *gg = wk + 2 * H + u0, *og = wk + 3 * H + u0;
          T* cs = c.data() + b * H + u0;
          T* c_new = wk + 4 * H + u0;
          T* c_old = wk + 5 * H + u0;
          T* hr = proj ? wk + 6 * H + u0 : orow + u0;  // o * tanh(c): the state, or what w_hr projects
          for (int64_t j = 0; j < n; ++j) {
            c_old[j] = cs[j];
            c_new[j] = fg[j] * cs[j] + ig[j] * gg[j];
            cs[j] = c_new[j];
            hr[j] = c_new[j];
          }
          tanh_inplace(hr, n);
          for (int64_t j = 0; j < n; ++j) hr[j] *= og[j];
        } else if (mode == RecurrenceMode::Gru) {
          T *r = wk + u0, *z = wk + H + u0, *nn = wk + 2 * H + u0, *hn = wk + 3 * H + u0;
          for (int64_t j = 0; j < n; ++j) {
            r[j] = gx[u0 + j] + hg[u0 + j];
            z[j] = gx[H + u0 + j] + hg[H + u0 + j];
          }
          sigmoid_inplace(r, n);
          sigmoid_inplace(z, n);
          for (int64_t j = 0; j < n; ++j) {
            hn[j] = hg[2 * H + u0 + j];
            nn[j] = gx[2 * H + u0 + j] + r[j] * hn[j];
          }
          tanh_inplace(nn, n);
          const T* hprev = hp + b * P + u0;
          for (int64_t j = 0; j < n; ++j) orow[u0 + j] = (T(1) - z[j]) * nn[j] + z[j] * hprev[j];
        } else {
          T* y = orow + u0;
          for (int64_t j = 0; j < n; ++j) y[j] = gx[u0 + j] + hg[u0 + j];
          if (mode == RecurrenceMode::RnnTanh) {
            tanh_inplace(y, n);
          } else {
            for (int64_t j = 0; j < n; ++j) y[j] = y[j] > T(0) ? y[j] : T(0);
          }
        }
      }
    });
    if (proj) {  // h = (o * tanh(c)) w_hr^T
      over_units(P, bs * P * H, [&](int64_t o0, int64_t o1) {
        small_gemm<T>(bs, o1 - o0, H, work_all + row0 * W + 6 * H, W, 1, wrt.data() + o0, P, o + o0, P, false);
      });
    }
    std::copy(o, o + bs * P, h.begin());
  }
  std::copy(h.begin(), h.end(), h_n.data<T>());
  if (c_n) std::copy(c.begin(), c.end(), c_n->data<T>());
}

template <typename T>
void recurrence_backward_impl(const Tensor& grad_gates, const Tensor* grad_hidden, const Tensor* grad_proj,
                              const Tensor& grad_h0, const Tensor* grad_c0, const Tensor* grad_out,
                              const Tensor* grad_h_n, const Tensor* grad_c_n, const Tensor& out, const Tensor& h_prev,
                              const Tensor& work, const Tensor& w_hh, const Tensor* w_hr, const RecurrenceParams& p) {
  const RecurrenceMode mode = p.mode;
  const int64_t B = grad_h0.sizes()[0], P = grad_h0.sizes()[1], G = w_hh.sizes()[0];
  const int64_t H = G / gate_count(mode), W = work.sizes()[1];
  const bool proj = w_hr != nullptr;
  std::vector<T> dh(B * P, T(0)), dc(mode == RecurrenceMode::Lstm ? B * H : 0, T(0));
  if (grad_h_n) std::copy(grad_h_n->data<T>(), grad_h_n->data<T>() + B * P, dh.begin());
  if (grad_c_n && !dc.empty()) std::copy(grad_c_n->data<T>(), grad_c_n->data<T>() + B * H, dc.begin());
  std::vector<T> dh_next(B * P), dhr(proj ? B * H : 0);
  const T* whh = w_hh.data<T>();
  const T* work_all = work.data<T>();
  const T* out_all = out.data<T>();
  const T* hp_all = h_prev.data<T>();
  const T* gout = grad_out ? grad_out->data<T>() : nullptr;
  T* dg_all = grad_gates.data<T>();
  T* dhid_all = grad_hidden ? grad_hidden->data<T>() : dg_all;  // what multiplies w_hh
  const Steps steps(p);
  for (auto it = steps.order.rbegin(); it != steps.order.rend(); ++it) {
    const int64_t t = *it, bs = p.batch_sizes[t], row0 = steps.offset[t];
    if (gout) {
      const T* g = gout + row0 * P;
      for (int64_t i = 0; i < bs * P; ++i) dh[i] += g[i];
    }
    const T* d_state = dh.data();  // the gradient of o * tanh(c) (LSTM) or of the state
    if (proj) {
      std::copy(dh.begin(), dh.begin() + bs * P, grad_proj->data<T>() + row0 * P);
      over_units(H, bs * P * H, [&](int64_t u0, int64_t u1) {
        small_gemm<T>(bs, u1 - u0, P, dh.data(), P, 1, w_hr->data<T>() + u0, H, dhr.data() + u0, H, false);
      });
      d_state = dhr.data();
    }
    const int64_t lds = proj ? H : P;
    T* dg_step = dg_all + row0 * G;
    T* dhid_step = dhid_all + row0 * G;
    over_units(H, bs * P * G, [&](int64_t u0, int64_t u1) {
      const int64_t n = u1 - u0;
      std::vector<T> tmp(n);
      for (int64_t b = 0; b < bs; ++b) {
        const T* wk = work_all + (row0 + b) * W;
        const T* ds = d_state + b * lds + u0;
        T* dg = dg_step + b * G;
        if (mode == RecurrenceMode::Lstm) {
          const T *ig = wk + u0, *fg = wk + H + u0, *gg = wk + 2 * H + u0, *og = wk + 3 * H + u0;
          const T *c_new = wk + 4 * H + u0, *c_old = wk + 5 * H + u0;
          std::copy(c_new, c_new + n, tmp.data());
          tanh_inplace(tmp.data(), n);
          T* dcs = dc.data() + b * H + u0;
          for (int64_t j = 0; j < n; ++j) {
            const T tc = tmp[j];
            const T dcell = dcs[j] + ds[j] * og[j] * (T(1) - tc * tc);
            dg[u0 + j] = dcell * gg[j] * ig[j] * (T(1) - ig[j]);
            dg[H + u0 + j] = dcell * c_old[j] * fg[j] * (T(1) - fg[j]);
            dg[2 * H + u0 + j] = dcell * ig[j] * (T(1) - gg[j] * gg[j]);
            dg[3 * H + u0 + j] = ds[j] * tc * og[j] * (T(1) - og[j]);
            dcs[j] = dcell * fg[j];
          }
        } else if (mode == RecurrenceMode::Gru) {
          const T *r = wk + u0, *z = wk + H + u0, *nn = wk + 2 * H + u0, *hn = wk + 3 * H + u0;
          const T* hprev = hp_all + (row0 + b) * P + u0;
          T* dhid = dhid_step + b * G;
          T* direct = dh_next.data() + b * P + u0;
          for (int64_t j = 0; j < n; ++j) {
            const T dn = ds[j] * (T(1) - z[j]) * (T(1) - nn[j] * nn[j]);
            const T dz = ds[j] * (hprev[j] - nn[j]) * z[j] * (T(1) - z[j]);
            const T dr = dn * hn[j] * r[j] * (T(1) - r[j]);
            dg[u0 + j] = dr;
            dg[H + u0 + j] = dz;
            dg[2 * H + u0 + j] = dn;
            dhid[u0 + j] = dr;
            dhid[H + u0 + j] = dz;
            dhid[2 * H + u0 + j] = dn * r[j];
            direct[j] = ds[j] * z[j];
          }
        } else {
          const T* y = out_all + (row0 + b) * P + u0;
          for (int64_t j = 0; j < n; ++j) {
            dg[u0 + j] = mode == RecurrenceMode::RnnTanh ? ds[j] * (T(1) - y[j] * y[j]) : (y[j] > T(0) ? ds[j] : T(0));
          }
        }
      }
    });
    // the state's gradient before this step: (the GRU's direct share) + d_hidden w_hh
    const bool gru = mode == RecurrenceMode::Gru;
    over_units(P, bs * P * G, [&](int64_t o0, int64_t o1) {
      small_gemm<T>(bs, o1 - o0, G, dhid_step, G, 1, whh + o0, P, dh_next.data() + o0, P, gru);
    });
    std::copy(dh_next.begin(), dh_next.begin() + bs * P, dh.begin());
  }
  std::copy(dh.begin(), dh.end(), grad_h0.data<T>());
  if (grad_c0) std::copy(dc.begin(), dc.end(), grad_c0->data<T>());
}

}  // namespace

void recurrence_kernel(const Tensor& out, const Tensor& h_n, const Tensor* c_n, const Tensor& h_prev,
                       const Tensor& work, const Tensor& gates_x, const Tensor& h0, const Tensor* c0,
                       const Tensor& w_hh, const Tensor* b_hh, const Tensor* w_hr, const RecurrenceParams& p) {
  dispatch_float32_64(gates_x.dtype(), "rnn", [&](auto tag) {
    using T = decltype(tag);
    recurrence_forward<T>(out, h_n, c_n, h_prev, work, gates_x, h0, c0, w_hh, b_hh, w_hr, p);
  });
}

void recurrence_backward_kernel(const Tensor& grad_gates, const Tensor* grad_hidden, const Tensor* grad_proj,
                                const Tensor& grad_h0, const Tensor* grad_c0, const Tensor* grad_out,
                                const Tensor* grad_h_n, const Tensor* grad_c_n, const Tensor& out,
                                const Tensor& h_prev, const Tensor& work, const Tensor& w_hh, const Tensor* w_hr,
                                const RecurrenceParams& p) {
  dispatch_float32_64(grad_gates.dtype(), "rnn", [&](auto tag) {
    using T = decltype(tag);
    recurrence_backward_impl<T>(grad_gates, grad_hidden, grad_proj, grad_h0, grad_c0, grad_out, grad_h_n, grad_c_n,
                                out, h_prev, work, w_hh, w_hr, p);
  });
}

}  // namespace ember::cpu
