// The CPU runtime pieces below the ops: size classes of the block cache, the cache itself,
// and the AVX-512 loops against libm.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/allocator.h"
#include "core/storage.h"
#include "cpu/avx512_kernels.h"

using namespace ember;

TEST(Allocator, SizeClassesRoundUpByAtMostAnEighth) {
  EXPECT_EQ(allocation_size_class(1), 64u);
  EXPECT_EQ(allocation_size_class(64), 64u);
  EXPECT_EQ(allocation_size_class(65), 128u);
  EXPECT_EQ(allocation_size_class(1024), 1024u);
  EXPECT_EQ(allocation_size_class(1025), 1152u);
  EXPECT_EQ(allocation_size_class(64u << 20), 64u << 20);
  for (size_t n = 1; n < (size_t(1) << 40); n = n * 3 + 7) {
    size_t c = allocation_size_class(n);
    EXPECT_GE(c, n);
    EXPECT_EQ(c % 64, 0u);
    EXPECT_LE(double(c), n <= 1024 ? double(n + 63) : n * 1.125 + 64) << n;
  }
}

TEST(Allocator, FreedBlocksAreReusedAndCapped) {
  empty_cache();
  void* first;
  {
    Storage s = allocate_storage(100000, Device{});
    first = s->data;
  }
  EXPECT_GE(cache_stats().cached_bytes, 100000);
  {
    Storage s = allocate_storage(99990, Device{});  // same size class
    EXPECT_EQ(s->data, first);
  }
  int64_t old = cache_stats().limit_bytes;
  set_cache_limit(0);
  EXPECT_EQ(cache_stats().cached_bytes, 0);
  { Storage s = allocate_storage(4096, Device{}); }
  EXPECT_EQ(cache_stats().cached_bytes, 0);
  set_cache_limit(old);
}

TEST(Allocator, ImpossibleRequestThrowsOutOfMemory) {
  try {
    allocate_storage(size_t(1) << 61, Device{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out of memory"), std::string::npos);
  }
}

namespace {
float reference(cpu::avx512::Fn fn, float x) {
  using cpu::avx512::Fn;
  double v = x;
  switch (fn) {
    case Fn::Exp: return float(std::exp(v));
    case Fn::Log: return float(std::log(v));
    case Fn::Sin: return float(std::sin(v));
    case Fn::Cos: return float(std::cos(v));
    case Fn::Tanh: return float(std::tanh(v));
    case Fn::Sigmoid: return float(1 / (1 + std::exp(-v)));
    case Fn::Erf: return float(std::erf(v));
    case Fn::Erfc: return float(std::erfc(v));
    case Fn::Expm1: return float(std::expm1(v));
    case Fn::Log1p: return float(std::log1p(v));
    case Fn::Log2: return float(std::log2(v));
    case Fn::Log10: return float(std::log10(v));
    case Fn::Exp2: return float(std::exp2(v));
    case Fn::Tan: return float(std::tan(v));
    case Fn::Asin: return float(std::asin(v));
    case Fn::Acos: return float(std::acos(v));
    case Fn::Atan: return float(std::atan(v));
    case Fn::Sinh: return float(std::sinh(v));
    case Fn::Cosh: return float(std::cosh(v));
    case Fn::Asinh: return float(std::asinh(v));
    case Fn::Acosh: return float(std::acosh(v));
    case Fn::Atanh: return float(std::atanh(v));
    case Fn::GeluErf: return float(0.5 * v * (1 + std::erf(v / std::sqrt(2.0))));
    case Fn::GeluTanh:
      return float(0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))));
    case Fn::Silu: return float(v / (1 + std::exp(-v)));
    case Fn::ExpFlush: return v < -87.3 ? 0.0f : float(std::exp(v));
  }
  return 0;
}
}  // namespace

TEST(Avx512, MatchesLibmWithinAFewUlpIncludingTails) {
  if (!cpu::avx512::available()) GTEST_SKIP() << "no AVX-512 on this CPU";
  using cpu::avx512::Fn;
  for (int f = 0; f <= int(Fn::ExpFlush); ++f) {
    Fn fn = Fn(f);
    // inside every function's domain: (0.05, 0.95) for asin/acos/atanh, >= 1 for acosh
    const bool unit = fn == Fn::Asin || fn == Fn::Acos || fn == Fn::Atanh;
    for (int n : {1, 15, 16, 37, 1000}) {
      std::vector<float> x(n), y(n);
      for (int i = 0; i < n; ++i) {
        float t = float(i) / float(n);
        x[i] = unit ? 0.05f + 0.9f * t : fn == Fn::Acosh ? 1.0f + 5 * t
             : (fn == Fn::Log || fn == Fn::Log2 || fn == Fn::Log10) ? 0.01f + 10 * t
             : fn == Fn::Log1p ? -0.9f + 10 * t : -6.0f + 12 * t;
      }
      cpu::avx512::map_f32(fn, x.data(), y.data(), n);
      for (int i = 0; i < n; ++i) {
        float r = reference(fn, x[i]);
        EXPECT_NEAR(y[i], r, 4e-6f * std::max(1.0f, std::fabs(r))) << "fn " << f << " x=" << x[i];
      }
    }
  }
}

TEST(Avx512, ExpFlushGivesZeroForMaskedScores) {
  if (!cpu::avx512::available()) GTEST_SKIP() << "no AVX-512 on this CPU";
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x{-inf, -1000.0f, -88.0f, -87.0f, 0.0f, 1.0f, -inf, 2.0f, -inf, -inf, 0.5f, -3.0f, -inf, 4.0f, -inf, -inf, -inf};
  std::vector<float> y(x.size());
  cpu::avx512::map_f32(cpu::avx512::Fn::ExpFlush, x.data(), y.data(), int64_t(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const float want = x[i] < -87.3f ? 0.0f : std::exp(x[i]);
    EXPECT_NEAR(y[i], want, 4e-7f * std::max(1.0f, want)) << "x = " << x[i];
  }
}
