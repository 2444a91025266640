// CPU kernels of the random ops that do more than fill: the fused dropout mask-and-scale and
// multinomial sampling. Element i draws from Philox counter base + i, so the result does not
// depend on how the work is split across threads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "iter/parallel.h"
#include "ops/random_ops.h"

namespace ember::cpu {

void dropout_kernel(const Tensor& x, Tensor& out, Tensor& mask, double p, const PhiloxDraw& gen, uint64_t base) {
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

void multinomial_kernel(const Tensor& probs, Tensor& out, int64_t n, bool replacement, const PhiloxDraw& gen,
                        uint64_t base) {
  const int64_t rows = probs.sizes()[0], k = probs.sizes()[1];
  const double* p = probs.data<double>();
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
