#include <cmath>
#include <numeric>

#include "autograd/function.h"
#include "core/generator.h"
#include "cpu/kernels.h"
#include "ops/ops.h"

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
  Generator& gen = gen_or_default(g);
  const int64_t n = t.numel();
  const uint64_t base = gen.reserve(static_cast<uint64_t>(n));
  dispatch_all(t.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    parallel_for(0, n, kGrainSize / 4, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(f(gen.philox(base + i))));
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
  Generator& g = gen_or_default(gen);
  const uint64_t base = g.reserve(static_cast<uint64_t>(t.numel()));
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
  Generator& g = gen_or_default(gen);
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  const uint64_t base = g.reserve(static_cast<uint64_t>(n));
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

}  // namespace ember
