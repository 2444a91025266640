#include "cpu/cpu_kernels.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/avx512_kernels.h"
#include "cpu/vec_math.h"
#include "cpu/vec_reduce.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {

// The contiguous tensor as (outer, n, inner) around `dim`.
void split_dims(const Tensor& t, int64_t dim, int64_t& outer, int64_t& n, int64_t& inner) {
  outer = 1;
  inner = 1;
  n = t.dim() == 0 ? 1 : t.sizes()[dim];
  for (int64_t d = 0; d < dim; ++d) outer *= t.sizes()[d];
  for (int64_t d = dim + 1; d < t.dim(); ++d) inner *= t.sizes()[d];
}

// One row along the last dim (stride 1).
// float32 rows: vectorized max, shift, exp and sum (a NaN or an all -inf row gives NaN, as torch).
void softmax_row_f32(float* out, const float* in, int64_t n, bool log, std::vector<float>& buf) {
  const float m = extremum_f32<true>(in, n, -std::numeric_limits<float>::infinity());
  if (log) {
    buf.resize(n);
    subtract_f32(out, in, n, m);  // out keeps x - max
    for (int64_t i = 0; i < n; ++i) buf[i] = out[i];
    exp_inplace(buf.data(), n);
    const float ls = std::log(sum_f32(buf.data(), n));
    for (int64_t i = 0; i < n; ++i) out[i] -= ls;
    return;
  }
  subtract_f32(out, in, n, m);
  exp_inplace(out, n);
  const float inv = 1.0f / sum_f32(out, n);
  for (int64_t i = 0; i < n; ++i) out[i] *= inv;
}

template <typename T, typename A>
void softmax_row(T* out, const T* in, int64_t n, bool log, std::vector<A>& buf) {
  if constexpr (std::is_same_v<T, float>) {
    if (out != in) return softmax_row_f32(out, in, n, log, buf);
  }
  A m = -std::numeric_limits<A>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    A v = static_cast<A>(in[i]);
    m = (v > m || v != v) ? v : m;
  }
  A* b;
  if constexpr (std::is_same_v<T, A>) {
    b = out;
  } else {
    buf.resize(n);
    b = buf.data();
  }
  for (int64_t i = 0; i < n; ++i) b[i] = static_cast<A>(in[i]) - m;
  if (log) {
    // exp into a scratch copy: out keeps x - max
    buf.resize(n);
    A* e = buf.data();
    if (e != b) {
      for (int64_t i = 0; i < n; ++i) e[i] = b[i];
    }
    exp_inplace(e, n);
    A s = 0;
    for (int64_t i = 0; i < n; ++i) s += e[i];
    A ls = std::log(s);
    if constexpr (std::is_same_v<T, A>) {
      for (int64_t i = 0; i < n; ++i) out[i] = b[i] - ls;
    } else {
      // buf was reused for the exps: recompute x - max
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(static_cast<A>(in[i]) - m - ls);
    }
    return;
  }
  exp_inplace(b, n);
  A s = 0;
  for (int64_t i = 0; i < n; ++i) s += b[i];
  A inv = A(1) / s;
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(b[i] * inv);
}

// Rows of `inner` elements, `n` of them: softmax down the columns, vectorized along the rows.
template <typename T, typename A>
void softmax_columns(T* out, const T* in, int64_t n, int64_t inner, bool log) {
  std::vector<A> m(inner, -std::numeric_limits<A>::infinity()), s(inner, A(0)), e(inner);
  for (int64_t j = 0; j < n; ++j) {
    const T* r = in + j * inner;
    for (int64_t i = 0; i < inner; ++i) {
      A v = static_cast<A>(r[i]);
      m[i] = (v > m[i] || v != v) ? v : m[i];
    }
  }
  for (int64_t j = 0; j < n; ++j) {
    const T* r = in + j * inner;
    for (int64_t i = 0; i < inner; ++i) e[i] = static_cast<A>(r[i]) - m[i];
    exp_inplace(e.data(), inner);
    for (int64_t i = 0; i < inner; ++i) s[i] += e[i];
  }
  if (log) {
    // (x - max) - log(sum), not x - (max + log(sum)): near a large max the sum's rounding would
    // cost the result its low bits (log_softmax of (1000, 1000) must be -log 2 exactly)
    for (int64_t i = 0; i < inner; ++i) s[i] = std::log(s[i]);
    for (int64_t j = 0; j < n; ++j) {
      const T* r = in + j * inner;
      T* o = out + j * inner;
      for (int64_t i = 0; i < inner; ++i) o[i] = static_cast<T>((static_cast<A>(r[i]) - m[i]) - s[i]);
    }
    return;
  }
  for (int64_t i = 0; i < inner; ++i) s[i] = A(1) / s[i];
  for (int64_t j = 0; j < n; ++j) {
    const T* r = in + j * inner;
    T* o = out + j * inner;
    for (int64_t i = 0; i < inner; ++i) e[i] = static_cast<A>(r[i]) - m[i];
    exp_inplace(e.data(), inner);
    for (int64_t i = 0; i < inner; ++i) o[i] = static_cast<T>(e[i] * s[i]);
  }
}

}  // namespace

void softmax_kernel(const Tensor& out, const Tensor& in, int64_t dim, bool log) {
  if (in.numel() == 0) return;
  int64_t outer, n, inner;
  split_dims(in, dim, outer, n, inner);
  dispatch_floating(in.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* ip = in.data<T>();
    T* op = out.data<T>();
    const int64_t per = n * inner;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(per, 1));
    parallel_for(0, outer, grain, [&](int64_t b, int64_t e) {
      std::vector<A> buf;
      for (int64_t o = b; o < e; ++o) {
        if (inner == 1) {
          softmax_row<T, A>(op + o * per, ip + o * per, n, log, buf);
        } else {
          softmax_columns<T, A>(op + o * per, ip + o * per, n, inner, log);
        }
      }
    });
  });
}

void scan_kernel(const Tensor& out, const Tensor& in, int64_t dim, bool is_prod) {
  if (in.numel() == 0) return;
  int64_t outer, n, inner;
  split_dims(in, dim, outer, n, inner);
  dispatch_all(in.dtype(), is_prod ? "cumprod" : "cumsum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    // float32 runs accumulate in double (as torch's CPU scans do): long prefixes stay accurate
    using A = std::conditional_t<std::is_same_v<T, float>, double, acc_t<T>>;
    const T* ip = in.data<T>();
    T* op = out.data<T>();
    const int64_t per = n * inner;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(per, 1));
    parallel_for(0, outer, grain, [&](int64_t b, int64_t e) {
      std::vector<A> acc;
      for (int64_t o = b; o < e; ++o) {
        const T* x = ip + o * per;
        T* y = op + o * per;
        if (inner == 1) {
          A a = is_prod ? A(1) : A(0);
          for (int64_t j = 0; j < n; ++j) {
            if (is_prod) {
              a = static_cast<A>(a * static_cast<A>(x[j]));
            } else {
              a = static_cast<A>(a + static_cast<A>(x[j]));
            }
            y[j] = static_cast<T>(a);
          }
          continue;
        }
        acc.assign(inner, is_prod ? A(1) : A(0));
        for (int64_t j = 0; j < n; ++j) {
          const T* xr = x + j * inner;
          T* yr = y + j * inner;
          for (int64_t i = 0; i < inner; ++i) {
            if (is_prod) {
              acc[i] = static_cast<A>(acc[i] * static_cast<A>(xr[i]));
            } else {
              acc[i] = static_cast<A>(acc[i] + static_cast<A>(xr[i]));
            }
            yr[i] = static_cast<T>(acc[i]);
          }
        }
      }
    });
  });
}

void cum_extremum_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool is_max) {
  if (in.numel() == 0) return;
  int64_t outer, n, inner;
  split_dims(in, dim, outer, n, inner);
  dispatch_all(in.dtype(), is_max ? "cummax" : "cummin", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* ip = in.data<T>();
    T* vp = values.data<T>();
    int64_t* xp = indices.data<int64_t>();
    // torch's rule: a NaN, or a value at least as extreme (>= for max), takes over; once the
    // running value is NaN only another NaN moves the index.
    auto takes_over = [&](A v, A cur) {
      if constexpr (std::is_floating_point_v<A>) {
        if (v != v) return true;
        if (cur != cur) return false;
      }
      return is_max ? v >= cur : v <= cur;
    };
    const int64_t per = n * inner;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(per, 1));
    parallel_for(0, outer, grain, [&](int64_t b, int64_t e) {
      std::vector<A> cur(inner);
      std::vector<int64_t> at(inner);
      for (int64_t o = b; o < e; ++o) {
        const T* x = ip + o * per;
        T* y = vp + o * per;
        int64_t* yi = xp + o * per;
        for (int64_t j = 0; j < n; ++j) {
          for (int64_t i = 0; i < inner; ++i) {
            A v = static_cast<A>(x[j * inner + i]);
            if (j == 0 || takes_over(v, cur[i])) {
              cur[i] = v;
              at[i] = j;
            }
            y[j * inner + i] = static_cast<T>(cur[i]);
            yi[j * inner + i] = at[i];
          }
        }
      }
    });
  });
}

void logcumsumexp_kernel(const Tensor& out, const Tensor& in, int64_t dim) {
  if (in.numel() == 0) return;
  int64_t outer, n, inner;
  split_dims(in, dim, outer, n, inner);
  dispatch_floating(in.dtype(), "logcumsumexp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* ip = in.data<T>();
    T* op = out.data<T>();
    // log(exp(a) + exp(b)) in double, shifted by the larger; -inf + -inf stays -inf
    auto log_add = [](double a, double b) {
      if (a != a || b != b) return a + b;
      double m = std::max(a, b), lo = std::min(a, b);
      if (m == -std::numeric_limits<double>::infinity() || m == std::numeric_limits<double>::infinity()) return m;
      return m + std::log1p(std::exp(lo - m));
    };
    const int64_t per = n * inner;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(per, 1));
    parallel_for(0, outer, grain, [&](int64_t b, int64_t e) {
      std::vector<double> acc(inner);
      for (int64_t o = b; o < e; ++o) {
        const T* x = ip + o * per;
        T* y = op + o * per;
        for (int64_t j = 0; j < n; ++j) {
          for (int64_t i = 0; i < inner; ++i) {
            double v = static_cast<double>(static_cast<acc_t<T>>(x[j * inner + i]));
            acc[i] = j == 0 ? v : log_add(acc[i], v);
            y[j * inner + i] = static_cast<T>(static_cast<acc_t<T>>(acc[i]));
          }
        }
      }
    });
  });
}

}  // namespace ember::cpu
