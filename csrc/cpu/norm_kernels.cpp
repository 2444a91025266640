// Normalization on the CPU. Channel statistics (batch norm and its relatives) run over
// (N, C, L) contiguous tensors, channels in parallel; row statistics (layer norm, RMS norm) run
// over (M, N) rows in parallel. Channel sums accumulate in double; row sums in 16 independent
// lanes of the data's type (vectorized), then added up.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/vec_reduce.h"

namespace ember::cpu {

namespace {

// Sums of f(i) over [0, n) in kLanes independent accumulators, so the compiler vectorizes the
// reduction (a single running sum is a dependency chain it may not reorder).
constexpr int kLanes = 16;
template <typename T, typename F>
T lane_sum(int64_t n, F&& f) {
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) acc[k] += f(i + k);
  }
  for (int k = 0; i < n; ++i, ++k) acc[k] += f(i);
  T total = 0;
  for (int k = 0; k < kLanes; ++k) total += acc[k];
  return total;
}

struct NCL {
  int64_t n, c, l;
};
NCL ncl_of(const Tensor& t) { return {t.sizes()[0], t.sizes()[1], t.sizes()[2]}; }

// Channels in parallel (each channel's rows: n * l elements).
template <typename F>
void for_channels(const NCL& s, F&& f) {
  parallel_for(0, s.c, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, s.n * s.l)), [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) f(c);
  });
}

template <typename T>
void channel_moments_typed(const Tensor& mean, const Tensor& var, const Tensor& in) {
  const NCL s = ncl_of(in);
  const T* x = in.data<T>();
  T* m = mean.data<T>();
  T* v = var.data<T>();
  for_channels(s, [&](int64_t c) {
    double sum = 0;
    for (int64_t n = 0; n < s.n; ++n) {
      const T* row = x + (n * s.c + c) * s.l;
      double part = 0;
      for (int64_t i = 0; i < s.l; ++i) part += row[i];
      sum += part;
    }
    const double count = static_cast<double>(s.n * s.l), mu = sum / count;
    double sq = 0;
    for (int64_t n = 0; n < s.n; ++n) {
      const T* row = x + (n * s.c + c) * s.l;
      double part = 0;
      for (int64_t i = 0; i < s.l; ++i) {
        const double d = row[i] - mu;
        part += d * d;
      }
      sq += part;
    }
    m[c] = static_cast<T>(mu);
    v[c] = static_cast<T>(sq / count);
  });
}

template <typename T>
void channel_affine_typed(const Tensor& out, const Tensor& in, const Tensor& scale, const Tensor& shift) {
  const NCL s = ncl_of(in);
  const T* x = in.data<T>();
  const T* a = scale.data<T>();
  const T* b = shift.data<T>();
  T* y = out.data<T>();
  parallel_for(0, s.n * s.c, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, s.l)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T av = a[r % s.c], bv = b[r % s.c];
      const T* xr = x + r * s.l;
      T* yr = y + r * s.l;
      for (int64_t i = 0; i < s.l; ++i) yr[i] = xr[i] * av + bv;
    }
  });
}

template <typename T>
void channel_grad_sums_typed(const Tensor& sum_g, const Tensor& sum_gx, const Tensor& grad_out, const Tensor& in,
                             const Tensor& mean) {
  const NCL s = ncl_of(in);
  const T* x = in.data<T>();
  const T* g = grad_out.data<T>();
  const T* m = mean.data<T>();
  T* sg = sum_g.data<T>();
  T* sgx = sum_gx.data<T>();
  for_channels(s, [&](int64_t c) {
    double a = 0, b = 0;
    const T mu = m[c];
    for (int64_t n = 0; n < s.n; ++n) {
      const T* xr = x + (n * s.c + c) * s.l;
      const T* gr = g + (n * s.c + c) * s.l;
      // lane sums of one row (vectorized), folded into double
      if constexpr (std::is_same_v<T, float>) {
        const GradSums r = grad_sums_f32(gr, nullptr, xr, s.l, mu);
        a += r.sum_g;
        b += r.sum_gx;
      } else {
        a += lane_sum<T>(s.l, [&](int64_t i) { return gr[i]; });
        b += lane_sum<T>(s.l, [&](int64_t i) { return gr[i] * (xr[i] - mu); });
      }
    }
    sg[c] = static_cast<T>(a);
    sgx[c] = static_cast<T>(b);
  });
}

template <typename T>
void channel_norm_backward_typed(const Tensor& grad_in, const Tensor& grad_out, const Tensor& in, const Tensor& mean,
                                 const Tensor& a, const Tensor& b, const Tensor& k) {
  const NCL s = ncl_of(in);
  const T* x = in.data<T>();
  const T* g = grad_out.data<T>();
  const T *m = mean.data<T>(), *av = a.data<T>(), *bv = b.data<T>(), *kv = k.data<T>();
  T* gx = grad_in.data<T>();
  parallel_for(0, s.n * s.c, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, s.l)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t c = r % s.c;
      const T mu = m[c], ac = av[c], bc = bv[c], kc = kv[c];
      const T* xr = x + r * s.l;
      const T* gr = g + r * s.l;
      T* out = gx + r * s.l;
      for (int64_t i = 0; i < s.l; ++i) out[i] = (gr[i] - ac - (xr[i] - mu) * bc) * kc;
    }
  });
}

template <typename F>
void for_rows(int64_t rows, int64_t cols, F&& f) {
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, cols)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(r);
  });
}

// A row's mean (0 for rms) and 1 / sqrt(mean square deviation + eps): the deviations from the
// rounded mean, in a second pass (accurate for data with a large mean).
template <typename T>
std::pair<T, T> row_stats(const T* xr, int64_t N, double eps, bool rms) {
  if constexpr (std::is_same_v<T, float>) {  // the AVX2 folds (vec_reduce.h)
    const float mu = rms ? 0.f : static_cast<float>(static_cast<double>(sum_f32(xr, N)) / N);
    const float sq = deviation_sums_f32(xr, N, mu).sum_sq;
    return {mu, static_cast<float>(1.0 / std::sqrt(static_cast<double>(sq) / N + eps))};
  }
  const double mu = rms ? 0.0 : static_cast<double>(lane_sum<T>(N, [&](int64_t i) { return xr[i]; })) / N;
  const T mu_t = static_cast<T>(mu);
  const T sq = lane_sum<T>(N, [&](int64_t i) {
    const T d = xr[i] - mu_t;
    return d * d;
  });
  return {mu_t, static_cast<T>(1.0 / std::sqrt(static_cast<double>(sq) / N + eps))};
}

template <typename T>
void row_moments_typed(const Tensor& mean, const Tensor& rstd, const Tensor& in, double eps) {
  const int64_t M = in.sizes()[0], N = in.sizes()[1];
  const T* x = in.data<T>();
  T* mp = mean.data<T>();
  T* rp = rstd.data<T>();
  for_rows(M, N, [&](int64_t r) { std::tie(mp[r], rp[r]) = row_stats(x + r * N, N, eps, false); });
}

template <typename T>
void row_combine_typed(const Tensor& out, const Tensor& g, const Tensor& x, const Tensor& a, const Tensor& b,
                       const Tensor& c) {
  const int64_t R = out.sizes()[0], L = out.sizes()[1];
  const T *gp = g.data<T>(), *xp = x.data<T>(), *ap = a.data<T>(), *bp = b.data<T>(), *cp = c.data<T>();
  T* y = out.data<T>();
  for_rows(R, L, [&](int64_t r) {
    const T ar = ap[r], br = bp[r], cr = cp[r];
    const T* gr = gp + r * L;
    const T* xr = xp + r * L;
    T* yr = y + r * L;
    for (int64_t i = 0; i < L; ++i) yr[i] = ar * gr[i] + br * xr[i] + cr;
  });
}

template <typename T>
void row_norm_typed(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& in, const Tensor* weight,
                    const Tensor* bias, double eps, bool rms) {
  const int64_t M = in.sizes()[0], N = in.sizes()[1];
  const T* x = in.data<T>();
  T* y = out.data<T>();
  T* mp = rms ? nullptr : mean.data<T>();
  T* rp = rstd.data<T>();
  const T* w = weight ? weight->data<T>() : nullptr;
  const T* b = bias ? bias->data<T>() : nullptr;
  for_rows(M, N, [&](int64_t r) {
    const T* xr = x + r * N;
    const auto [mu_t, inv] = row_stats(xr, N, eps, rms);
    if (mp) mp[r] = mu_t;
    rp[r] = inv;
    T* yr = y + r * N;
    if (w && b) {
      for (int64_t i = 0; i < N; ++i) yr[i] = (xr[i] - mu_t) * inv * w[i] + b[i];
    } else if (w) {
      for (int64_t i = 0; i < N; ++i) yr[i] = (xr[i] - mu_t) * inv * w[i];
    } else if (b) {
      for (int64_t i = 0; i < N; ++i) yr[i] = (xr[i] - mu_t) * inv + b[i];
    } else {
      for (int64_t i = 0; i < N; ++i) yr[i] = (xr[i] - mu_t) * inv;
    }
  });
}

template <typename T>
void row_norm_backward_typed(const Tensor& grad_in, const Tensor* grad_weight, const Tensor* grad_bias,
                             const Tensor& grad_out, const Tensor& in, const Tensor& mean, const Tensor& rstd,
                             const Tensor* weight, bool rms) {
  const int64_t M = in.sizes()[0], N = in.sizes()[1];
  const T* x = in.data<T>();
  const T* g = grad_out.data<T>();
  const T* mp = rms ? nullptr : mean.data<T>();
  const T* rp = rstd.data<T>();
  const T* w = weight ? weight->data<T>() : nullptr;
  T* gx = grad_in.data<T>();
  // grad_in = rstd * (g w - mean(g w) - xhat * mean(g w xhat)); rms has no mean(g w) term
  for_rows(M, N, [&](int64_t r) {
    const T* xr = x + r * N;
    const T* gr = g + r * N;
    const T mu = mp ? mp[r] : T(0), inv = rp[r];
    T s_gw, s_gwx;
    if constexpr (std::is_same_v<T, float>) {
      const GradSums sums = grad_sums_f32(gr, w, xr, N, mu);
      s_gw = rms ? T(0) : sums.sum_g;
      s_gwx = sums.sum_gx * inv;
    } else {
      s_gw = rms ? T(0) : (w ? lane_sum<T>(N, [&](int64_t i) { return gr[i] * w[i]; })
                             : lane_sum<T>(N, [&](int64_t i) { return gr[i]; }));
      s_gwx = w ? lane_sum<T>(N, [&](int64_t i) { return gr[i] * w[i] * (xr[i] - mu); }) * inv
                : lane_sum<T>(N, [&](int64_t i) { return gr[i] * (xr[i] - mu); }) * inv;
    }
    const T a = rms ? T(0) : s_gw / N, b = s_gwx / N;
    T* out = gx + r * N;
    for (int64_t i = 0; i < N; ++i) {
      const T gw = w ? gr[i] * w[i] : gr[i];
      out[i] = inv * (gw - a - (xr[i] - mu) * inv * b);
    }
  });
  if (!grad_weight && !grad_bias) return;
  // column sums down the rows, columns in parallel (fixed order: the same for any thread count)
  T* gwp = grad_weight ? grad_weight->data<T>() : nullptr;
  T* gbp = grad_bias ? grad_bias->data<T>() : nullptr;
  constexpr int64_t kBlock = 64;
  parallel_for(0, (N + kBlock - 1) / kBlock, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, M * kBlock)),
               [&](int64_t b0, int64_t b1) {
                 for (int64_t blk = b0; blk < b1; ++blk) {
                   const int64_t j0 = blk * kBlock, j1 = std::min(N, j0 + kBlock);
                   double accw[kBlock] = {0}, accb[kBlock] = {0};
                   for (int64_t r = 0; r < M; ++r) {
                     const T* xr = x + r * N;
                     const T* gr = g + r * N;
                     const T mu = mp ? mp[r] : T(0), inv = rp[r];
                     for (int64_t j = j0; j < j1; ++j) {
                       accw[j - j0] += gr[j] * (xr[j] - mu) * inv;
                       accb[j - j0] += gr[j];
                     }
                   }
                   for (int64_t j = j0; j < j1; ++j) {
                     if (gwp) gwp[j] = static_cast<T>(accw[j - j0]);
                     if (gbp) gbp[j] = static_cast<T>(accb[j - j0]);
                   }
                 }
               });
}

}  // namespace

void channel_moments_kernel(const Tensor& mean, const Tensor& var, const Tensor& in) {
  dispatch_float32_64(in.dtype(), "batch_norm", [&](auto tag) { channel_moments_typed<decltype(tag)>(mean, var, in); });
}

void channel_affine_kernel(const Tensor& out, const Tensor& in, const Tensor& scale, const Tensor& shift) {
  dispatch_float32_64(in.dtype(), "batch_norm",
                [&](auto tag) { channel_affine_typed<decltype(tag)>(out, in, scale, shift); });
}

void channel_grad_sums_kernel(const Tensor& sum_g, const Tensor& sum_gx, const Tensor& grad_out, const Tensor& in,
                              const Tensor& mean) {
  dispatch_float32_64(in.dtype(), "batch_norm_backward",
                [&](auto tag) { channel_grad_sums_typed<decltype(tag)>(sum_g, sum_gx, grad_out, in, mean); });
}

void channel_norm_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const Tensor& in, const Tensor& mean,
                                  const Tensor& a, const Tensor& b, const Tensor& k) {
  dispatch_float32_64(in.dtype(), "batch_norm_backward", [&](auto tag) {
    channel_norm_backward_typed<decltype(tag)>(grad_in, grad_out, in, mean, a, b, k);
  });
}

void row_norm_kernel(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& in, const Tensor* weight,
                     const Tensor* bias, double eps, bool rms) {
  dispatch_float32_64(in.dtype(), rms ? "rms_norm" : "layer_norm",
                [&](auto tag) { row_norm_typed<decltype(tag)>(out, mean, rstd, in, weight, bias, eps, rms); });
}

void row_norm_backward_kernel(const Tensor& grad_in, const Tensor* grad_weight, const Tensor* grad_bias,
                              const Tensor& grad_out, const Tensor& in, const Tensor& mean, const Tensor& rstd,
                              const Tensor* weight, bool rms) {
  dispatch_float32_64(in.dtype(), rms ? "rms_norm_backward" : "layer_norm_backward", [&](auto tag) {
    row_norm_backward_typed<decltype(tag)>(grad_in, grad_weight, grad_bias, grad_out, in, mean, rstd, weight, rms);
  });
}

void row_moments_kernel(const Tensor& mean, const Tensor& rstd, const Tensor& in, double eps) {
  dispatch_float32_64(in.dtype(), "group_norm", [&](auto tag) { row_moments_typed<decltype(tag)>(mean, rstd, in, eps); });
}

void row_combine_kernel(const Tensor& out, const Tensor& g, const Tensor& x, const Tensor& a, const Tensor& b,
                        const Tensor& c) {
  dispatch_float32_64(out.dtype(), "group_norm_backward",
                [&](auto tag) { row_combine_typed<decltype(tag)>(out, g, x, a, b, c); });
}

}  // namespace ember::cpu
