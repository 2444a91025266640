// The CPU GEMM: float32 goes to oneDNN (cpu/onednn/matmul.cpp); the dtypes oneDNN does not take
// (float64 and integers) use our own loop, blocked so the inner loop runs along rows of the output
// and of `w`, which the compiler vectorizes.
#include "cpu/cpu_kernels.h"
#include "cpu/onednn/matmul.h"

#include <algorithm>
#include <vector>

#include "iter/parallel.h"

namespace ember::cpu {

namespace {
template <typename T>
void gemm_typed(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep = {}) {
  using A = std::conditional_t<std::is_integral_v<T>, T, acc_t<T>>;
  const int64_t B = c.sizes()[0], M = c.sizes()[1], N = c.sizes()[2], K = a.sizes()[2];
  const int64_t as0 = a.sizes()[0] == 1 ? 0 : a.strides()[0], as1 = a.strides()[1], as2 = a.strides()[2];
  const int64_t ws0 = w.sizes()[0] == 1 ? 0 : w.strides()[0], ws1 = w.strides()[1], ws2 = w.strides()[2];
  const T* ap = a.data<T>();
  const T* wp = w.data<T>();
  T* cp = c.data<T>();
  const int64_t cs0 = c.strides()[0], cs1 = c.strides()[1];  // c is contiguous
  int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, N * K));
  parallel_for(0, B * M, grain, [&](int64_t begin, int64_t end) {
    std::vector<A> row(N);
    for (int64_t bm = begin; bm < end; ++bm) {
      const int64_t b = bm / M, m = bm % M;
      std::fill(row.begin(), row.end(), A(0));
      const T* arow = ap + b * as0 + m * as1;
      const T* wb = wp + b * ws0;
      for (int64_t k = 0; k < K; ++k) {
        const A av = static_cast<A>(arow[k * as2]);
        const T* wrow = wb + k * ws1;
        if (ws2 == 1) {
          for (int64_t n = 0; n < N; ++n) row[n] += av * static_cast<A>(wrow[n]);
        } else {
          for (int64_t n = 0; n < N; ++n) row[n] += av * static_cast<A>(wrow[n * ws2]);
        }
      }
      T* crow = cp + b * cs0 + m * cs1;
      if (ep.alpha == 1.0f && ep.beta == 0.0f && !ep.bias) {
        for (int64_t n = 0; n < N; ++n) crow[n] = static_cast<T>(row[n]);
      } else {
        for (int64_t n = 0; n < N; ++n) {
          A v = static_cast<A>(ep.alpha) * row[n];
          if (ep.beta != 0.0f) v += static_cast<A>(ep.beta) * static_cast<A>(crow[n]);
          if (ep.bias) v += static_cast<A>(ep.bias->data<T>()[n * ep.bias->strides()[2]]);
          crow[n] = static_cast<T>(v);
        }
      }
    }
  });
}
}  // namespace

// Below this many multiply-adds our loop beats oneDNN's per-call overhead (a few microseconds):
// Linear(16, 16) on one row took 5 us through the primitive, 1 us here.
constexpr double kSmallGemm = 32768;

void gemm_kernel(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep) {
  if (c.dtype() == ScalarType::Float32 &&
      static_cast<double>(c.sizes()[0]) * c.sizes()[1] * c.sizes()[2] * a.sizes()[2] < kSmallGemm) {
    gemm_typed<float>(a, w, c, ep);
    return;
  }
  if (c.dtype() == ScalarType::Float32) {
    // oneDNN reads strided operands in place when one matrix dim has unit stride
    onednn_matmul(onednn_layout_ok(a) ? a : contiguous_copy(a), onednn_layout_ok(w) ? w : contiguous_copy(w), c, ep);
    return;
  }
  EMBER_CHECK(ep.alpha == 1.0f && ep.beta == 0.0f && ep.bias == nullptr, NotImplemented,
              "matmul: a fused epilogue is only implemented for float32 on the CPU, not ", dtype_name(c.dtype()));
  dispatch_all(c.dtype(), "matmul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      EMBER_FAIL(NotImplemented, "matmul: not implemented for dtype bool");
    } else {
      gemm_typed<T>(a, w, c);
    }
  });
}

}  // namespace ember::cpu
