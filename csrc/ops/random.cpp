#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "autograd/function.h"
#include "core/generator.h"
#include "cpu/kernels.h"
#include "autograd/derivatives/random_util.h"
#include "ops/ops.h"
#include "ops/random_ops.h"

namespace ember {

Generator& default_generator() {
  static Generator gen;
  return gen;
}

namespace {

Generator& gen_or_default(Generator* g) { return g ? *g : default_generator(); }

// uniform double in [0, 1) with 53 random bits
inline double to_unit(uint32_t hi, uint32_t lo) {
  uint64_t bits = (static_cast<uint64_t>(hi) << 21) ^ (lo >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// Fills `t` (contiguous) with f(words of counter base+i), in parallel.
template <typename F>
void fill_random(const Tensor& t, Generator* g, const char* op, const F& f) {
  const int64_t n = t.numel();
  const PhiloxDraw gen = gen_or_default(g).reserve(static_cast<uint64_t>(n));
  const uint64_t base = gen.base;
  dispatch_all(t.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    parallel_for(0, n, kGrainSize / 4, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(f(gen.philox(base + i))));
    });
  });
}

// Fills `t` (contiguous) with f(i, words of counter base+i), in parallel.
template <typename F>
void fill_indexed(const Tensor& t, Generator* g, const char* op, const F& f) {
  const int64_t n = t.numel();
  const PhiloxDraw gen = gen_or_default(g).reserve(static_cast<uint64_t>(n));
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
  double u1 = to_unit(w[0], w[1]), u2 = to_unit(w[2], w[3]);
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);  // 1-u1 is in (0, 1]
}

// Writes through a contiguous temporary when `self` is not contiguous.
template <typename F>
Tensor& fill_inplace(Tensor& self, const char* op, const F& fill) {
  check_writable(self, op);
  if (autograd::should_record({&self})) {
    autograd::check_inplace(self, op);
    EMBER_FAIL(NotImplemented, op, ": filling a tensor that is part of an autograd graph is not supported; "
               "use it under ember.no_grad()");
  }
  if (self.is_contiguous()) {
    fill(self);
  } else {
    Tensor tmp = empty(self.sizes(), self.dtype(), self.device());
    fill(tmp);
    cpu::copy_kernel(self, tmp);
  }
  self.bump_version();
  return self;
}

}  // namespace

Tensor rand(const Shape& sizes, ScalarType dtype, Generator* gen) {
  EMBER_CHECK(is_floating(dtype), Runtime, "rand: \"check_uniform_bounds\" not implemented for '", dtype_name(dtype), "'");
  Tensor t = empty(sizes, dtype);
  return uniform_(t, 0.0, 1.0, gen);
}

Tensor randn(const Shape& sizes, ScalarType dtype, Generator* gen) {
  EMBER_CHECK(is_floating(dtype), Runtime, "randn: \"normal_kernel_cpu\" not implemented for '", dtype_name(dtype), "'");
  Tensor t = empty(sizes, dtype);
  return normal_(t, 0.0, 1.0, gen);
}

Tensor& uniform_(Tensor& self, double from, double to, Generator* gen) {
  EMBER_CHECK(from <= to, Runtime, "uniform_ expects to return a [from, to) range, but found from=", from,
              " > to=", to);
  EMBER_CHECK(is_floating(self.dtype()), Runtime, "uniform_: not implemented for dtype ", dtype_name(self.dtype()));
  return fill_inplace(self, "uniform_", [&](const Tensor& t) {
    fill_random(t, gen, "uniform_", [&](const std::array<uint32_t, 4>& w) {
      double v = from + (to - from) * to_unit(w[0], w[1]);
      return v < to ? v : std::nextafter(to, from);  // rounding must not reach `to`
    });
    if (itemsize(t.dtype()) == 2 && from < to) {
      // 16-bit floats round values near `to` up to `to`: pull them to the largest value below
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
  });
}

Tensor& normal_(Tensor& self, double mean, double std, Generator* gen) {
  EMBER_CHECK(std >= 0.0, Runtime, "normal expects std >= 0.0, but found std ", std);
  EMBER_CHECK(is_floating(self.dtype()), Runtime, "normal_: not implemented for dtype ", dtype_name(self.dtype()));
  return fill_inplace(self, "normal_", [&](const Tensor& t) {
    fill_random(t, gen, "normal_", [&](const std::array<uint32_t, 4>& w) { return mean + std * normal_sample(w); });
  });
}

Tensor randint(int64_t low, int64_t high, const Shape& sizes, ScalarType dtype, Generator* gen) {
  EMBER_CHECK(low < high, Runtime, "random_ expects 'from' to be less than 'to', but got from=", low,
              " >= to=", high);
  Tensor t = empty(sizes, dtype);
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  const PhiloxDraw g = gen_or_default(gen).reserve(static_cast<uint64_t>(t.numel()));
  const uint64_t base = g.base;
  dispatch_all(dtype, "randint", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    parallel_for(0, t.numel(), kGrainSize / 4, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        auto w = g.philox(base + i);
        uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
        p[i] = static_cast<T>(static_cast<acc_t<T>>(static_cast<int64_t>(static_cast<uint64_t>(low) + r % range)));
      }
    });
  });
  return t;
}

Tensor randperm(int64_t n, ScalarType dtype, Generator* gen) {
  EMBER_CHECK(n >= 0, Runtime, "randperm: n must be non-negative, got", n);
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  const PhiloxDraw g = gen_or_default(gen).reserve(static_cast<uint64_t>(n));
  const uint64_t base = g.base;
  for (int64_t i = n - 1; i > 0; --i) {  // Fisher-Yates
    auto w = g.philox(base + i);
    uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
    std::swap(perm[i], perm[r % static_cast<uint64_t>(i + 1)]);
  }
  Tensor t = empty(Shape{n}, dtype);
  dispatch_all(dtype, "randperm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(perm[i]));
  });
  return t;
}

Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen) {
  Shape shape = broadcast_shapes(mean.sizes(), std.sizes(), "normal");
  ScalarType dt = result_type({mean, std});
  EMBER_CHECK(is_floating(dt), Runtime, "normal expects floating-point mean and std, got ", dtype_name(dt));
  Tensor z = randn(shape, dt, gen);
  return binary(BinaryOp::Add, mean, binary(BinaryOp::Mul, z, std));
}


// ---- distributions of issue 4 (declared in ops/random_ops.h) ----

namespace {

// A float64 contiguous copy of `t` (values of probabilities, rates).
Tensor as_f64(const Tensor& t) {
  autograd::GradModeGuard no_grad(false);  // values only: nothing to record
  return contiguous(to_dtype(t, ScalarType::Float64));
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

// The largest value random_() draws for a dtype: the integer maximum, or 2^digits for floats
// (every integer up to it is exact).
int64_t random_max(ScalarType dt) {
  switch (dt) {
    case ScalarType::Bool: return 1;
    case ScalarType::UInt8: return 255;
    case ScalarType::Int8: return 127;
    case ScalarType::Int16: return 32767;
    case ScalarType::Int32: return 2147483647;
    case ScalarType::Int64: return std::numeric_limits<int64_t>::max();
    case ScalarType::Float16: return int64_t(1) << 11;
    case ScalarType::BFloat16: return int64_t(1) << 8;
    case ScalarType::Float32: return int64_t(1) << 24;
    case ScalarType::Float64: return int64_t(1) << 53;
  }
  return 0;
}

int64_t random_min(ScalarType dt) {
  switch (dt) {
    case ScalarType::Int8: return -128;
    case ScalarType::Int16: return -32768;
    case ScalarType::Int32: return -2147483648LL;
    case ScalarType::Int64: return std::numeric_limits<int64_t>::min();
    default: return is_floating(dt) ? std::numeric_limits<int64_t>::min() : 0;
  }
}

void check_prob(double p, const char* op) {
  EMBER_CHECK(p >= 0.0 && p <= 1.0, Runtime, op, " expects p to be in [0, 1], but got p=", p);
}

void check_prob_tensor(const Tensor& pf64, const char* op) {
  const double* q = pf64.data<double>();
  for (int64_t i = 0; i < pf64.numel(); ++i) {
    EMBER_CHECK(q[i] >= 0.0 && q[i] <= 1.0, Runtime, op, ": expected all probabilities to be in [0, 1], but got ",
                q[i]);
  }
}

}  // namespace

Tensor bernoulli(const Tensor& probs, Generator* gen) {
  EMBER_CHECK(is_floating(probs.dtype()), NotImplemented, "bernoulli: not implemented for dtype ",
              dtype_name(probs.dtype()), " (the input holds probabilities)");
  Tensor p = as_f64(probs);
  check_prob_tensor(p, "bernoulli");
  Tensor out = empty(probs.sizes(), probs.dtype());
  const double* q = p.data<double>();
  fill_indexed(out, gen, "bernoulli", [&](int64_t i, const std::array<uint32_t, 4>& w) {
    return philox_unit(w[0], w[1]) < q[i] ? 1.0 : 0.0;
  });
  if (autograd::should_record({&probs})) autograd::record_zero_grad(probs, out, "BernoulliBackward0");
  return out;
}

Tensor& bernoulli_(Tensor& self, double p, Generator* gen) {
  check_prob(p, "bernoulli_");
  return fill_inplace(self, "bernoulli_", [&](const Tensor& t) {
    fill_random(t, gen, "bernoulli_", [&](const std::array<uint32_t, 4>& w) {
      return philox_unit(w[0], w[1]) < p ? 1.0 : 0.0;
    });
  });
}

Tensor bernoulli_p(const Tensor& x, double p, Generator* gen) {
  check_prob(p, "bernoulli_");
  Tensor out = empty(x.sizes(), x.dtype());
  autograd::GradModeGuard no_grad(false);
  return bernoulli_(out, p, gen);
}

Tensor& bernoulli_tensor_(Tensor& self, const Tensor& p, Generator* gen) {
  Tensor q = as_f64(expand(p, self.sizes()));
  check_prob_tensor(q, "bernoulli_");
  const double* qp = q.data<double>();
  return fill_inplace(self, "bernoulli_", [&](const Tensor& t) {
    fill_indexed(t, gen, "bernoulli_", [&](int64_t i, const std::array<uint32_t, 4>& w) {
      return philox_unit(w[0], w[1]) < qp[i] ? 1.0 : 0.0;
    });
  });
}

Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator* gen) {
  EMBER_CHECK(probs.dim() == 1 || probs.dim() == 2, Runtime, "multinomial: prob_dist must be 1 or 2 dim, got ",
              probs.dim(), "-D");
  EMBER_CHECK(is_floating(probs.dtype()), Runtime,
              "multinomial only supports floating-point dtypes for input, got: ", dtype_name(probs.dtype()));
  EMBER_CHECK(num_samples > 0, Runtime, "multinomial: cannot sample n_sample <= 0 samples");
  const int64_t k = probs.sizes()[probs.dim() - 1];
  EMBER_CHECK(replacement || num_samples <= k, Runtime,
              "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  EMBER_CHECK(k <= (int64_t(1) << 24), Runtime, "multinomial: number of categories cannot exceed 2^24");
  const int64_t rows = probs.dim() == 1 ? 1 : probs.sizes()[0];
  Tensor p = as_f64(reshape(probs, Shape{rows, k}));
  const double* q = p.data<double>();
  for (int64_t r = 0; r < rows; ++r) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) {
      const double v = q[r * k + j];
      EMBER_CHECK(std::isfinite(v) && v >= 0.0, Runtime,
                  "multinomial: probability tensor contains either `inf`, `nan` or element < 0");
      s += v;
    }
    EMBER_CHECK(s > 0.0, Runtime, "multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
  }
  Tensor out = empty(Shape{rows, num_samples}, ScalarType::Int64);
  const PhiloxDraw g = gen_or_default(gen).reserve(static_cast<uint64_t>(rows * (replacement ? num_samples : k)));
  const uint64_t base = g.base;
  cpu::multinomial_kernel(p, out, num_samples, replacement, g, base);
  return probs.dim() == 1 ? reshape(out, Shape{num_samples}) : out;
}

Tensor poisson(const Tensor& rates, Generator* gen) {
  EMBER_CHECK(is_floating(rates.dtype()), NotImplemented, "poisson: not implemented for dtype ",
              dtype_name(rates.dtype()));
  Tensor r = as_f64(rates);
  const double* q = r.data<double>();
  for (int64_t i = 0; i < r.numel(); ++i) {
    EMBER_CHECK(q[i] >= 0.0, Runtime, "poisson: invalid Poisson rate, expected rate to be non-negative");
  }
  Tensor out = empty(rates.sizes(), rates.dtype());
  fill_indexed(out, gen, "poisson", [&](int64_t i, const std::array<uint32_t, 4>& w) { return poisson_sample(q[i], w); });
  if (autograd::should_record({&rates})) autograd::record_zero_grad(rates, out, "PoissonBackward0");
  return out;
}

Tensor& exponential_(Tensor& self, double lambd, Generator* gen) {
  EMBER_CHECK(lambd > 0.0, Runtime, "exponential_ expects lambda > 0.0, but found lambda=", lambd);
  EMBER_CHECK(is_floating(self.dtype()), Runtime,
              "exponential_: Exponential distribution is a continuous probability distribution. dtype must be a "
              "floating point but you specified ", dtype_name(self.dtype()));
  return fill_inplace(self, "exponential_", [&](const Tensor& t) {
    fill_random(t, gen, "exponential_", [&](const std::array<uint32_t, 4>& w) {
      return -std::log1p(-philox_unit(w[0], w[1])) / lambd;
    });
  });
}

Tensor& geometric_(Tensor& self, double p, Generator* gen) {
  EMBER_CHECK(p > 0.0 && p < 1.0, Runtime, "geometric_ expects p to be in (0, 1), but got p=", p);
  EMBER_CHECK(self.dtype() != ScalarType::Bool, NotImplemented, "geometric_: not implemented for dtype bool");
  const double log_q = std::log1p(-p);
  return fill_inplace(self, "geometric_", [&](const Tensor& t) {
    fill_random(t, gen, "geometric_", [&](const std::array<uint32_t, 4>& w) {
      // trials until the first success: ceil(log(U) / log(1 - p)), U in (0, 1]
      return std::max(1.0, std::ceil(std::log1p(-philox_unit(w[0], w[1])) / log_q));
    });
  });
}

Tensor& cauchy_(Tensor& self, double median, double sigma, Generator* gen) {
  EMBER_CHECK(sigma > 0.0, Runtime, "cauchy_ expects sigma > 0.0, but found sigma=", sigma);
  EMBER_CHECK(is_floating(self.dtype()), Runtime,
              "cauchy_: Cauchy distribution is a continuous probability distribution. dtype must be a floating "
              "point but you specified ", dtype_name(self.dtype()));
  return fill_inplace(self, "cauchy_", [&](const Tensor& t) {
    fill_random(t, gen, "cauchy_", [&](const std::array<uint32_t, 4>& w) {
      return median + sigma * std::tan(M_PI * (philox_unit(w[0], w[1]) - 0.5));
    });
  });
}

Tensor& log_normal_(Tensor& self, double mean, double std, Generator* gen) {
  EMBER_CHECK(std > 0.0, Runtime, "log_normal_ expects std > 0.0, but found std=", std);
  EMBER_CHECK(is_floating(self.dtype()), NotImplemented, "log_normal_: not implemented for dtype ",
              dtype_name(self.dtype()));
  return fill_inplace(self, "log_normal_", [&](const Tensor& t) {
    fill_random(t, gen, "log_normal_", [&](const std::array<uint32_t, 4>& w) {
      return std::exp(mean + std * normal_sample(w));
    });
  });
}

Tensor& random_(Tensor& self, int64_t from, std::optional<int64_t> to, Generator* gen) {
  const ScalarType dt = self.dtype();
  const char* name = dtype_name(dt);
  uint64_t range;  // number of values; 0 means all 2^64
  if (to) {
    EMBER_CHECK(from < *to, Runtime, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", *to);
    if (!is_floating(dt)) {
      EMBER_CHECK(from >= random_min(dt) && from <= random_max(dt), Runtime, "random_: from is out of bounds for ", name);
      EMBER_CHECK(*to - 1 >= random_min(dt) && *to - 1 <= random_max(dt), Runtime,
                  "random_: to - 1 is out of bounds for ", name);
    }
    range = static_cast<uint64_t>(*to) - static_cast<uint64_t>(from);
  } else {
    const int64_t hi = random_max(dt);
    EMBER_CHECK(from <= hi, Runtime, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", hi);
    if (!is_floating(dt)) {
      EMBER_CHECK(from >= random_min(dt), Runtime, "random_: from is out of bounds for ", name);
    }
    range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(from) + 1;  // wraps to 0 for all of int64
  }
  return fill_inplace(self, "random_", [&](const Tensor& t) {
    fill_random(t, gen, "random_", [&](const std::array<uint32_t, 4>& w) {
      const uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
      const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(from) + (range ? r % range : r));
      return static_cast<double>(v);
    });
  });
}

Tensor randint_like(const Tensor& like, int64_t low, int64_t high, ScalarType dtype, Generator* gen) {
  Tensor out = empty(like.sizes(), dtype);
  autograd::GradModeGuard no_grad(false);
  return random_(out, low, high, gen);
}

// ---- dropout ----

namespace {

void check_dropout_p(double p) {
  EMBER_CHECK(p >= 0.0 && p <= 1.0, Runtime, "dropout probability has to be between 0 and 1, but got ", p);
}

void check_dropout_dtype(const Tensor& x, const char* op) {
  EMBER_CHECK(is_floating(x.dtype()), Runtime, op, ": expected a floating point input, but got ",
              dtype_name(x.dtype()), " (the scaled result cannot be stored in it)");
}

// Bernoulli(1 - p) noise of the given shape in x's dtype.
Tensor keep_noise(const Shape& shape, ScalarType dt, double p, Generator* gen) {
  Tensor noise = empty(shape, dt);
  autograd::GradModeGuard no_grad(false);
  return bernoulli_(noise, 1.0 - p, gen);
}

// (N, C, 1, ..., 1): one draw per feature map.
Shape feature_shape(const Tensor& x) {
  EMBER_CHECK(x.dim() >= 2, Runtime, "Feature dropout requires at least 2 dimensions in the input");
  Shape s = x.sizes();
  for (int64_t d = 2; d < x.dim(); ++d) s[d] = 1;
  return s;
}

}  // namespace

Tensor dropout(const Tensor& x, double p, bool train, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0 || x.numel() == 0) return x;
  check_dropout_dtype(x, "dropout");
  Tensor xc = contiguous(x);
  Tensor out = empty(x.sizes(), x.dtype());
  Tensor mask = empty(x.sizes(), ScalarType::Bool);
  const PhiloxDraw g = gen_or_default(gen).reserve(static_cast<uint64_t>((x.numel() + 3) / 4));
  const uint64_t base = g.base;
  cpu::dropout_kernel(xc, out, mask, p, g, base);
  if (autograd::should_record({&x})) autograd::record_dropout(x, mask, p < 1.0 ? 1.0 / (1.0 - p) : 0.0, out);
  return out;
}

Tensor feature_dropout(const Tensor& x, double p, bool train, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0) return x;
  check_dropout_dtype(x, "feature_dropout");
  Tensor noise = keep_noise(feature_shape(x), x.dtype(), p, gen);
  if (p < 1.0) noise = binary(BinaryOp::Mul, noise, wrapped_scalar(Scalar(1.0 / (1.0 - p))));
  return binary(BinaryOp::Mul, x, noise);
}

Tensor alpha_dropout(const Tensor& x, double p, bool train, bool feature, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0) return x;
  check_dropout_dtype(x, feature ? "feature_alpha_dropout" : "alpha_dropout");
  if (p == 1.0) return binary(BinaryOp::Mul, x, zeros(Shape{}, x.dtype()));
  Tensor keep = keep_noise(feature ? feature_shape(x) : x.sizes(), x.dtype(), p, gen);
  // dropped values become SELU's saturation -alpha; a * (.) + b restores zero mean, unit variance
  constexpr double alpha = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((alpha * alpha * p + 1.0) * (1.0 - p));
  Tensor shift;
  {
    autograd::GradModeGuard no_grad(false);
    shift = binary(BinaryOp::Add, binary(BinaryOp::Mul, binary(BinaryOp::Sub, keep, wrapped_scalar(Scalar(1.0))),
                                         wrapped_scalar(Scalar(alpha * a))),
                   wrapped_scalar(Scalar(alpha * a * p)));
    keep = binary(BinaryOp::Mul, keep, wrapped_scalar(Scalar(a)));
  }
  return binary(BinaryOp::Add, binary(BinaryOp::Mul, x, keep), shift);
}

}  // namespace ember
