// Kernels of the comparison utilities: binary search (searchsorted, bucketize), direct p-norm
// distances (cdist) and isclose. Each parallelizes over independent outputs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iter/parallel.h"
#include "cpu/cpu_kernels.h"

namespace ember::cpu {

namespace {

template <typename T>
inline bool is_nan_v(T v) {
  if constexpr (std::is_floating_point_v<acc_t<T>>) {
    return std::isnan(static_cast<acc_t<T>>(v));
  } else {
    return false;
  }
}

// a < b with NaN greater than everything (the order sort produces)
template <typename T>
inline bool less_nan_last(T a, T b) {
  using A = acc_t<T>;
  if (is_nan_v(a)) return false;
  if (is_nan_v(b)) return true;
  return static_cast<A>(a) < static_cast<A>(b);
}

}  // namespace

void searchsorted_kernel(const Tensor& sorted, const Tensor& values, const Tensor* sorter, bool right, Tensor& out) {
  const int64_t ns = sorted.sizes()[sorted.dim() - 1];
  const int64_t nv = values.dim() == 0 ? 1 : values.sizes()[values.dim() - 1];
  const int64_t total = values.numel();
  const bool batched = sorted.dim() > 1;
  const int64_t* srt = sorter ? sorter->data<int64_t>() : nullptr;
  for (int64_t i = 0; srt && i < sorter->numel(); ++i) {
    EMBER_CHECK(srt[i] >= 0 && srt[i] < ns, Runtime, "torch.searchsorted(): sorter index out of range");
  }
  const bool i32 = out.dtype() == ScalarType::Int32;
  dispatch_all(sorted.dtype(), "searchsorted", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* s = sorted.data<T>();
    const T* v = values.data<T>();
    parallel_for(0, total, 2048, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t row = batched ? i / nv : 0;
        const T* seq = s + row * ns;
        const int64_t* perm = srt ? srt + row * ns : nullptr;
        const T x = v[i];
        int64_t lo = 0, hi = ns;  // first position whose element is > x (right) or >= x (left)
        while (lo < hi) {
          const int64_t mid = lo + (hi - lo) / 2;
          const T el = perm ? seq[perm[mid]] : seq[mid];
          const bool go_right = right ? !less_nan_last(x, el) : less_nan_last(el, x);
          if (go_right) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        if (i32) {
          out.data<int32_t>()[i] = static_cast<int32_t>(lo);
        } else {
          out.data<int64_t>()[i] = lo;
        }
      }
    });
  });
}

void cdist_kernel(const Tensor& x1, const Tensor& x2, double p, Tensor& out) {
  const int64_t B = x1.sizes()[0], r1 = x1.sizes()[1], r2 = x2.sizes()[1], m = x1.sizes()[2];
  dispatch_floating(x1.dtype(), "cdist", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* a = x1.data<T>();
    const T* b = x2.data<T>();
    T* o = out.data<T>();
    const A pa = static_cast<A>(p);
    const int mode = p == 0.0 ? 0 : p == 1.0 ? 1 : p == 2.0 ? 2 : std::isinf(p) ? 3 : 4;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(m, 1));
    parallel_for(0, B * r1 * r2, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t idx = lo; idx < hi; ++idx) {
        const int64_t bb = idx / (r1 * r2), i = (idx / r2) % r1, j = idx % r2;
        const T* u = a + (bb * r1 + i) * m;
        const T* w = b + (bb * r2 + j) * m;
        A acc = 0;
        switch (mode) {
          case 0:
            // a NaN difference (NaN or inf - inf) makes the count NaN, as in torch
            for (int64_t k = 0; k < m; ++k) {
              const A d = static_cast<A>(u[k]) - static_cast<A>(w[k]);
              acc += d != d ? d : d != A(0) ? A(1) : A(0);
            }
            break;
          case 1:
            for (int64_t k = 0; k < m; ++k) acc += std::abs(static_cast<A>(u[k]) - static_cast<A>(w[k]));
            break;
          case 2:
            for (int64_t k = 0; k < m; ++k) {
              const A d = static_cast<A>(u[k]) - static_cast<A>(w[k]);
              acc += d * d;
            }
            acc = std::sqrt(acc);
            break;
          case 3:
            for (int64_t k = 0; k < m; ++k) acc = std::max(acc, std::abs(static_cast<A>(u[k]) - static_cast<A>(w[k])));
            break;
          default:
            for (int64_t k = 0; k < m; ++k) acc += std::pow(std::abs(static_cast<A>(u[k]) - static_cast<A>(w[k])), pa);
            acc = std::pow(acc, A(1) / pa);
        }
        o[idx] = static_cast<T>(acc);
      }
    });
  });
}

void cdist_mm_finish_kernel(const Tensor& x1, const Tensor& x2, const Tensor& ab, Tensor& out) {
  const int64_t B = x1.sizes()[0], r1 = x1.sizes()[1], r2 = x2.sizes()[1], m = x1.sizes()[2];
  dispatch_floating(x1.dtype(), "cdist", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* a = x1.data<T>();
    const T* b = x2.data<T>();
    const T* p = ab.data<T>();
    T* o = out.data<T>();
    std::vector<A> na(static_cast<size_t>(B * r1)), nb(static_cast<size_t>(B * r2));
    auto norms = [m](const T* rows, int64_t count, A* dst) {
      for (int64_t r = 0; r < count; ++r) {
        A s = 0;
        for (int64_t k = 0; k < m; ++k) s += static_cast<A>(rows[r * m + k]) * static_cast<A>(rows[r * m + k]);
        dst[r] = s;
      }
    };
    norms(a, B * r1, na.data());
    norms(b, B * r2, nb.data());
    parallel_for(0, B * r1, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(r2, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t row = lo; row < hi; ++row) {
        const int64_t bb = row / r1;
        const A ni = na[row];
        const A* nj = nb.data() + bb * r2;
        const T* pr = p + row * r2;
        T* orow = o + row * r2;
        for (int64_t j = 0; j < r2; ++j) {
          const A d2 = ni + nj[j] - A(2) * static_cast<A>(pr[j]);
          orow[j] = static_cast<T>(std::sqrt(std::max(d2, A(1e-30))));
        }
      }
    });
  });
}

void isclose_kernel(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan, Tensor& out) {
  const int64_t n = a.numel();
  bool* o = out.data<bool>();
  dispatch_all(a.dtype(), "isclose", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = a.data<T>();
    const T* y = b.data<T>();
    parallel_for(0, n, kGrainSize, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        if constexpr (std::is_floating_point_v<acc_t<T>>) {
          using A = acc_t<T>;
          // each step rounds to T, as torch's chain of tensor ops does
          const A u = static_cast<A>(x[i]), v = static_cast<A>(y[i]);
          if (u == v) {
            o[i] = true;
          } else if (std::isnan(u) || std::isnan(v)) {
            o[i] = equal_nan && std::isnan(u) && std::isnan(v);
          } else {
            const A allowed = static_cast<A>(static_cast<T>(
                static_cast<A>(atol) + static_cast<A>(static_cast<T>(std::abs(static_cast<A>(static_cast<T>(static_cast<A>(rtol) * v))))))) ;
            const A actual = static_cast<A>(static_cast<T>(std::abs(static_cast<A>(static_cast<T>(u - v)))));
            o[i] = std::isfinite(actual) && actual <= allowed;
          }
        } else {
          // integers compare exactly, then within tolerance in float (torch casts them to the default dtype)
          const double u = static_cast<double>(x[i]), v = static_cast<double>(y[i]);
          if (x[i] == y[i]) {
            o[i] = true;
          } else {
            const float allowed = static_cast<float>(atol) + std::abs(static_cast<float>(rtol) * static_cast<float>(v));
            o[i] = std::abs(static_cast<float>(u) - static_cast<float>(v)) <= allowed;
          }
        }
      }
    });
  });
}

}  // namespace ember::cpu
