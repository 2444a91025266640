// CPU kernels of the random ops: the distribution fills, per-element Bernoulli and Poisson draws,
// randperm, the fused dropout mask-and-scale and multinomial sampling. Element i draws from Philox
// counter base + i, so the result does not depend on how the work is split across threads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "iter/parallel.h"
#include "cpu/cpu_kernels.h"
#include "iter/tensor_iterator.h"

namespace ember::cpu {

namespace {

// Fills `t` (contiguous) with f(i, words of counter base+i), in parallel.
template <typename F>
void fill_indexed(const Tensor& t, const PhiloxDraw& gen, const char* op, const F& f) {
  const int64_t n = t.numel();
  const uint64_t base = gen.base;
  dispatch_all(t.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    parallel_for(0, n, kGrainSize / 4, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(f(i, gen.philox(base + i))));
    });
  });
}

double normal_sample(const std::array<uint32_t, 4>& w) {
  double u1 = philox_unit(w[0], w[1]), u2 = philox_unit(w[2], w[3]);
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);  // 1-u1 is in (0, 1]
}

// 16-bit floats round values near `to` up to `to`: pull them to the largest value below it.
void clamp_below(const Tensor& t, double from, double to) {
  dispatch_floating(t.dtype(), "uniform_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (sizeof(T) == 2) {
      T below = T(static_cast<float>(to));
      while (static_cast<float>(below) >= to) {
        float f = static_cast<float>(below);
        below = T(std::nextafter(f, static_cast<float>(from)));
        if (static_cast<float>(below) == f) {  // nextafter in float can round back: step the bits
          below.x = f > 0 ? below.x - 1 : (f < 0 ? below.x + 1 : 0x8001);
        }
      }
      T* p = t.data<T>();
      for (int64_t i = 0; i < t.numel(); ++i) {
        if (static_cast<float>(p[i]) >= to) p[i] = below;
      }
    }
  });
}

// A small per-element stream for rejection samplers: seeded by the element's Philox words, so
// it stays counter-based (independent of threads) while drawing as many numbers as it needs.
struct SplitMix {
  uint64_t s;
  explicit SplitMix(const std::array<uint32_t, 4>& w)
      : s((static_cast<uint64_t>(w[0]) << 32 | w[1]) ^ (static_cast<uint64_t>(w[2]) << 32 | w[3]) * 0x9E3779B97F4A7C15ull) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

// Poisson(lam): inversion by sequential search for small rates; Hoermann's transformed
// rejection (PTRS) for large ones.
double poisson_sample(double lam, const std::array<uint32_t, 4>& w) {
  if (lam == 0.0) return 0.0;
  if (std::isinf(lam)) return lam;
  SplitMix rng(w);
  if (lam < 10.0) {
    double u = philox_unit(w[0], w[1]);
    double term = std::exp(-lam), cdf = term;
    int64_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      term *= lam / static_cast<double>(k);
      cdf += term;
    }
    return static_cast<double>(k);
  }
  const double slam = std::sqrt(lam), loglam = std::log(lam);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.unit() - 0.5, v = rng.unit();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -lam + k * loglam - std::lgamma(k + 1.0)) {
      return k;
    }
  }
}

}  // namespace

void random_fill_kernel(const Tensor& t, RandomDist dist, const RandomParams& p, const PhiloxDraw& gen) {
  using Words = std::array<uint32_t, 4>;
  const double a = p.a, b = p.b;
  switch (dist) {
    case RandomDist::Uniform:
      fill_indexed(t, gen, "uniform_", [&](int64_t, const Words& w) {
        double v = a + (b - a) * philox_unit(w[0], w[1]);
        return v < b ? v : std::nextafter(b, a);  // rounding must not reach `b`
      });
      if (itemsize(t.dtype()) == 2 && a < b) clamp_below(t, a, b);
      return;
    case RandomDist::Normal:
      return fill_indexed(t, gen, "normal_", [&](int64_t, const Words& w) { return a + b * normal_sample(w); });
    case RandomDist::Exponential:
      return fill_indexed(t, gen, "exponential_",
                          [&](int64_t, const Words& w) { return -std::log1p(-philox_unit(w[0], w[1])) / a; });
    case RandomDist::Geometric: {
      const double log_q = std::log1p(-a);
      // trials until the first success: ceil(log(U) / log(1 - p)), U in (0, 1]
      return fill_indexed(t, gen, "geometric_", [&](int64_t, const Words& w) {
        return std::max(1.0, std::ceil(std::log1p(-philox_unit(w[0], w[1])) / log_q));
      });
    }
    case RandomDist::Cauchy:
      return fill_indexed(t, gen, "cauchy_", [&](int64_t, const Words& w) {
        return a + b * std::tan(M_PI * (philox_unit(w[0], w[1]) - 0.5));
      });
    case RandomDist::LogNormal:
      return fill_indexed(t, gen, "log_normal_",
                          [&](int64_t, const Words& w) { return std::exp(a + b * normal_sample(w)); });
    case RandomDist::Bernoulli:
      return fill_indexed(t, gen, "bernoulli_",
                          [&](int64_t, const Words& w) { return philox_unit(w[0], w[1]) < a ? 1.0 : 0.0; });
    case RandomDist::Integers: {
      const uint64_t lo = static_cast<uint64_t>(p.ilo), range = p.irange;
      dispatch_all(t.dtype(), "random_", [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* out = t.data<T>();
        parallel_for(0, t.numel(), kGrainSize / 4, [&](int64_t s, int64_t e) {
          for (int64_t i = s; i < e; ++i) {
            auto w = gen.philox(gen.base + i);
            const uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
            out[i] = static_cast<T>(static_cast<acc_t<T>>(static_cast<int64_t>(lo + (range ? r % range : r))));
          }
        });
      });
      return;
    }
  }
}

void bernoulli_tensor_kernel(const Tensor& out, const Tensor& probs, const PhiloxDraw& gen, const char* op) {
  const double* q = probs.data<double>();
  for (int64_t i = 0; i < probs.numel(); ++i) {
    EMBER_CHECK(q[i] >= 0.0 && q[i] <= 1.0, Runtime, op, ": expected all probabilities to be in [0, 1], but got ",
                q[i]);
  }
  fill_indexed(out, gen, op, [&](int64_t i, const std::array<uint32_t, 4>& w) {
    return philox_unit(w[0], w[1]) < q[i] ? 1.0 : 0.0;
  });
}

void poisson_kernel(const Tensor& out, const Tensor& rates, const PhiloxDraw& gen) {
  const double* q = rates.data<double>();
  for (int64_t i = 0; i < rates.numel(); ++i) {
    EMBER_CHECK(q[i] >= 0.0, Runtime, "poisson: invalid Poisson rate, expected rate to be non-negative");
  }
  fill_indexed(out, gen, "poisson",
               [&](int64_t i, const std::array<uint32_t, 4>& w) { return poisson_sample(q[i], w); });
}

void randperm_kernel(const Tensor& out, const PhiloxDraw& gen) {
  const int64_t n = out.numel();
  std::vector<int64_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  for (int64_t i = n - 1; i > 0; --i) {  // Fisher-Yates
    auto w = gen.philox(gen.base + i);
    uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
    std::swap(perm[i], perm[r % static_cast<uint64_t>(i + 1)]);
  }
  dispatch_all(out.dtype(), "randperm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(perm[i]));
  });
}
void dropout_kernel(const Tensor& x, Tensor& out, Tensor& mask, double p, const PhiloxDraw& gen) {
  const uint64_t base = gen.base;
  const int64_t n = x.numel();
  bool* m = mask.data<bool>();
  // keep = u >= p with u = word / 2^32: one Philox call gives the words of 4 elements
  // (element i uses word i % 4 of counter base + i / 4), still independent of the thread split
  const double thr = std::ceil(p * 4294967296.0);
  dispatch_floating(x.dtype(), "dropout", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* in = x.data<T>();
    T* o = out.data<T>();
    const A scale = static_cast<A>(1.0 / (1.0 - p));
    parallel_for(0, (n + 3) / 4, kGrainSize / 32, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        auto w = gen.philox(base + static_cast<uint64_t>(c));
        const int64_t i0 = c * 4, i1 = std::min(n, i0 + 4);
        for (int64_t i = i0; i < i1; ++i) {
          const bool keep = static_cast<double>(w[i - i0]) >= thr;
          m[i] = keep;
          o[i] = keep ? static_cast<T>(static_cast<A>(in[i]) * scale) : static_cast<T>(A(0));
        }
      }
    });
  });
}

void multinomial_kernel(const Tensor& probs, Tensor& out, int64_t n, bool replacement, const PhiloxDraw& gen) {
  const uint64_t base = gen.base;
  const int64_t rows = probs.sizes()[0], k = probs.sizes()[1];
  const double* p = probs.data<double>();
  for (int64_t r = 0; r < rows; ++r) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) {
      const double v = p[r * k + j];
      EMBER_CHECK(std::isfinite(v) && v >= 0.0, Runtime,
                  "multinomial: probability tensor contains either `inf`, `nan` or element < 0");
      s += v;
    }
    EMBER_CHECK(s > 0.0, Runtime, "multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
  }
  int64_t* o = out.data<int64_t>();
  if (replacement) {
    // inverse CDF: one uniform per sample, binary search in the row's running sums
    std::vector<double> cdf(static_cast<size_t>(rows * k));
    int64_t* last_pos = nullptr;
    std::vector<int64_t> last(static_cast<size_t>(rows));
    last_pos = last.data();
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0.0;
      int64_t lp = 0;
      for (int64_t j = 0; j < k; ++j) {
        s += p[r * k + j];
        cdf[r * k + j] = s;
        if (p[r * k + j] > 0) lp = j;
      }
      last_pos[r] = lp;
    }
    parallel_for(0, rows * n, kGrainSize / 16, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t r = i / n;
        const double* c = cdf.data() + r * k;
        auto w = gen.philox(base + static_cast<uint64_t>(i));
        const double v = philox_unit(w[0], w[1]) * c[k - 1];
        int64_t j = std::upper_bound(c, c + k, v) - c;
        o[i] = std::min(j, last_pos[r]);  // rounding at the top must not pick a zero-probability tail
      }
    });
    return;
  }
  // without replacement: exponential race; category j finishes at E_j / p_j and the first n
  // finishers are the sample (equivalent to drawing one at a time and renormalizing)
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / 16 / std::max<int64_t>(k, 1)), [&](int64_t b, int64_t e) {
    std::vector<std::pair<double, int64_t>> keys(static_cast<size_t>(k));
    for (int64_t r = b; r < e; ++r) {
      for (int64_t j = 0; j < k; ++j) {
        auto w = gen.philox(base + static_cast<uint64_t>(r * k + j));
        const double ex = -std::log1p(-philox_unit(w[0], w[1]));
        const double pj = p[r * k + j];
        keys[j] = {pj > 0 ? ex / pj : std::numeric_limits<double>::infinity(), j};
      }
      std::partial_sort(keys.begin(), keys.begin() + n, keys.end());
      for (int64_t s = 0; s < n; ++s) o[r * n + s] = keys[s].second;
    }
  });
}

}  // namespace ember::cpu
