#include "cpu/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "cpu/vec_reduce.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {

// ---- reducers: how to fold one value into an accumulator, and how to merge two ----

template <typename T>
struct SumReducer {
  using A = acc_t<T>;
  // floats sum in float blocks folded into double; integers in int64; bool counts as 0/1
  using Acc = std::conditional_t<std::is_floating_point_v<A>, double, int64_t>;
  static Acc identity() { return Acc(0); }
  static void update(Acc& acc, T x, int64_t) { acc += static_cast<Acc>(static_cast<A>(x)); }
  static void merge(Acc& acc, const Acc& other) { acc += other; }
  static void run(Acc& acc, const T* p, int64_t n, int64_t stride, int64_t) {
    if constexpr (std::is_same_v<T, float>) {
      if (stride == 1) {
        constexpr int64_t kBlock = 2048;  // float partial sums stay accurate within a block
        for (int64_t b = 0; b < n; b += kBlock) {
          const int64_t e = std::min(n, b + kBlock);
          acc += sum_f32(p + b, e - b);  // 32 lanes: one lane chain would wait on each add
        }
        return;
      }
    }
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, int64_t> || std::is_same_v<T, int32_t>) {
      if (stride == 1) {
        Acc s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; ++i) s += static_cast<Acc>(p[i]);
        acc += s;
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) acc += static_cast<Acc>(static_cast<A>(p[i * stride]));
  }
};

// max/min propagate NaN: once the accumulator is NaN it stays NaN.
template <typename T, bool IsMax>
struct ExtremumReducer {
  using A = acc_t<T>;
  using Acc = A;
  static Acc identity() {
    if constexpr (std::is_floating_point_v<A>) {
      return IsMax ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::infinity();
    } else {
      return IsMax ? std::numeric_limits<A>::lowest() : std::numeric_limits<A>::max();
    }
  }
  static bool better(A x, A acc) {
    if constexpr (std::is_floating_point_v<A>) {
      if (x != x) return acc == acc;
    }
    return IsMax ? x > acc : x < acc;
  }
  static void update(Acc& acc, T x, int64_t) {
    if (better(static_cast<A>(x), acc)) acc = static_cast<A>(x);
  }
  static void merge(Acc& acc, const Acc& other) {
    if (better(other, acc)) acc = other;
  }
  static void run(Acc& acc, const T* p, int64_t n, int64_t stride, int64_t base) {
    if constexpr (std::is_same_v<T, float>) {
      if (stride == 1) {
        if (acc == acc) acc = extremum_f32<IsMax>(p, n, acc);  // a NaN accumulator stays NaN
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) update(acc, p[i * stride], base + i);
  }
};

template <typename T, bool IsMax>
struct ArgReducer {
  using A = acc_t<T>;
  struct Acc {
    A value;
    int64_t index;
  };
  static Acc identity() { return {ExtremumReducer<T, IsMax>::identity(), -1}; }
  static void update(Acc& acc, T x, int64_t idx) {
    A v = static_cast<A>(x);
    if (acc.index < 0 || ExtremumReducer<T, IsMax>::better(v, acc.value)) acc = {v, idx};
  }
  // merging partial results of ranges: ties keep the smaller index
  static void merge(Acc& acc, const Acc& other) {
    if (other.index < 0) return;
    if (acc.index < 0 || ExtremumReducer<T, IsMax>::better(other.value, acc.value) ||
        (!ExtremumReducer<T, IsMax>::better(acc.value, other.value) && other.index < acc.index)) {
      acc = other;
    }
  }
  static void run(Acc& acc, const T* p, int64_t n, int64_t stride, int64_t base) {
    for (int64_t i = 0; i < n; ++i) update(acc, p[i * stride], base + i);
  }
};

// Vector norms: sums of |x|^p (p = 0, 1, 2 or any), or the largest/smallest |x|, in double;
// `finish` takes the root. NaN propagates through the max/min forms.
enum class NormKind { Zero, One, Two, Inf, NegInf, P };

template <typename T>
struct NormReducer {
  using A = acc_t<T>;
  using Acc = double;
  NormKind kind = NormKind::Two;
  double p = 2.0;
  Acc identity() const {
    if (kind == NormKind::NegInf) return std::numeric_limits<double>::infinity();
    return 0.0;
  }
  void update(Acc& acc, T x, int64_t) const {
    double v = std::fabs(static_cast<double>(static_cast<A>(x)));
    switch (kind) {
      case NormKind::Zero: acc += (v != 0.0) ? 1.0 : 0.0; break;
      case NormKind::One: acc += v; break;
      case NormKind::Two: acc += v * v; break;
      case NormKind::Inf: if (v > acc || v != v) acc = (acc != acc) ? acc : v; break;
      case NormKind::NegInf: if (v < acc || v != v) acc = (acc != acc) ? acc : v; break;
      case NormKind::P: acc += std::pow(v, p); break;
    }
  }
  void merge(Acc& acc, const Acc& other) const {
    switch (kind) {
      case NormKind::Inf:
        if (other > acc || other != other) acc = (acc != acc) ? acc : other;
        break;
      case NormKind::NegInf:
        if (other < acc || other != other) acc = (acc != acc) ? acc : other;
        break;
      default: acc += other;
    }
  }
  void run(Acc& acc, const T* ptr, int64_t n, int64_t stride, int64_t base) const {
    if constexpr (std::is_same_v<T, float>) {
      if (stride == 1 && kind == NormKind::Two) {
        constexpr int64_t kBlock = 2048;  // float partial sums of squares per block, folded in double
        for (int64_t b = 0; b < n; b += kBlock) {
          const int64_t e = std::min(n, b + kBlock);
          float s = 0.f;
#pragma omp simd reduction(+ : s)
          for (int64_t i = b; i < e; ++i) s += ptr[i] * ptr[i];
          acc += s;
        }
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) update(acc, ptr[i * stride], base + i);
  }
  double finish(Acc acc) const {
    if (kind == NormKind::Two) return std::sqrt(acc);
    if (kind == NormKind::P) return std::pow(acc, 1.0 / p);
    return acc;
  }
};

// Mean and sum of squared deviations (for var/std), in double. Contiguous runs take two passes
// (sum, then the deviations from that mean and their squares: the corrected two-pass formula, no
// cancellation) and merge by Chan's formula; single elements fold in by Welford's update.
struct Moments {
  double n = 0, mean = 0, m2 = 0;
};

template <typename T>
struct MomentsReducer {
  using A = acc_t<T>;
  using Acc = Moments;
  double correction = 1.0;
  T* mean_out = nullptr;  // the mean, written at the same offsets as the variance
  static Acc identity() { return {}; }
  static void update(Acc& acc, T x, int64_t) {
    const double v = static_cast<double>(static_cast<A>(x));
    acc.n += 1;
    const double d = v - acc.mean;
    acc.mean += d / acc.n;
    acc.m2 += d * (v - acc.mean);
  }
  static void merge(Acc& acc, const Acc& other) {
    if (other.n == 0) return;
    if (acc.n == 0) {
      acc = other;
      return;
    }
    const double n = acc.n + other.n, d = other.mean - acc.mean;
    acc.mean += d * (other.n / n);
    acc.m2 += other.m2 + d * d * (acc.n * other.n / n);
    acc.n = n;
  }
  static void run(Acc& acc, const T* p, int64_t n, int64_t stride, int64_t base) {
    if constexpr (std::is_same_v<T, float>) {
      if (stride == 1) {
        constexpr int64_t kBlock = 2048;  // float partial sums stay accurate within a block
        for (int64_t b = 0; b < n; b += kBlock) {
          const int64_t len = std::min(n - b, kBlock);
          const double nb = static_cast<double>(len);
          const float center = sum_f32(p + b, len) / static_cast<float>(len);
          // deviations from the approximate mean; their sum corrects it to the exact one
          const DeviationSums d = deviation_sums_f32(p + b, len, center);
          const double mean = static_cast<double>(center) + static_cast<double>(d.sum) / nb;
          const double m2 = static_cast<double>(d.sum_sq) - static_cast<double>(d.sum) * static_cast<double>(d.sum) / nb;
          merge(acc, {static_cast<double>(len), mean, m2 < 0 ? 0.0 : m2});
        }
        return;
      }
    }
    if constexpr (std::is_same_v<T, double>) {
      if (stride == 1) {
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; ++i) s += p[i];
        const double nb = static_cast<double>(n), center = s / nb;
        double ds = 0, m2 = 0;
#pragma omp simd reduction(+ : ds, m2)
        for (int64_t i = 0; i < n; ++i) {
          ds += p[i] - center;
          m2 += (p[i] - center) * (p[i] - center);
        }
        merge(acc, {nb, center + ds / nb, m2 - ds * ds / nb});
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) update(acc, p[i * stride], base + i);
  }
  // var = m2 / (n - correction), NaN/inf where that is <= 0 (as torch)
  double finish(const Acc& acc) const { return acc.m2 / std::max(0.0, acc.n - correction); }
};

// ---- geometry ----

struct Dims {
  std::vector<int64_t> sizes, in_strides, out_strides;  // outermost first
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : sizes) n *= s;
    return n;
  }
};

// Merges adjacent dims that step through memory as one run (for both strides).
void coalesce(Dims& d) {
  Dims r;
  for (size_t i = 0; i < d.sizes.size(); ++i) {
    if (d.sizes[i] == 1) continue;
    if (!r.sizes.empty() && r.in_strides.back() == d.in_strides[i] * d.sizes[i] &&
        r.out_strides.back() == d.out_strides[i] * d.sizes[i]) {
      r.sizes.back() *= d.sizes[i];
      r.in_strides.back() = d.in_strides[i];
      r.out_strides.back() = d.out_strides[i];
    } else {
      r.sizes.push_back(d.sizes[i]);
      r.in_strides.push_back(d.in_strides[i]);
      r.out_strides.push_back(d.out_strides[i]);
    }
  }
  d = r;
}

// Offsets (in elements) of flat index `i` over `d` (outermost first).
inline void offsets_of(const Dims& d, int64_t i, int64_t& in_off, int64_t& out_off) {
  in_off = 0;
  out_off = 0;
  for (size_t k = d.sizes.size(); k-- > 0;) {
    int64_t idx = i % d.sizes[k];
    i /= d.sizes[k];
    in_off += idx * d.in_strides[k];
    out_off += idx * d.out_strides[k];
  }
}

template <typename T, typename R, typename Out>
void reduce_typed(const Tensor& values, const Tensor& indices, const Tensor& in, const std::vector<bool>& reduced,
                  const R& r = R{}) {
  using Acc = typename R::Acc;
  Dims kept, red;
  const int64_t nd = in.dim();
  for (int64_t d = 0; d < nd; ++d) {
    Dims& target = reduced[d] ? red : kept;
    target.sizes.push_back(in.sizes()[d]);
    target.in_strides.push_back(in.strides()[d]);
    target.out_strides.push_back(reduced[d] ? 0 : values.strides()[d]);
  }
  coalesce(kept);
  // Reduced dims keep their order so that the flat reduced index is torch's index along the
  // dim (argmax over one dim); coalescing only merges dims that are adjacent in memory.
  coalesce(red);
  if (red.sizes.empty()) {
    // nothing left to fold (0-d input, or every reduced dim has size 1): one element per output
    red.sizes.push_back(1);
    red.in_strides.push_back(0);
    red.out_strides.push_back(0);
  }
  const int64_t n_out = kept.numel();
  const int64_t n_red = red.numel();
  const T* src = in.data<T>();
  Out* vout = values.data<Out>();
  int64_t* iout = indices.defined() ? indices.data<int64_t>() : nullptr;

  auto store = [&](int64_t out_off, const Acc& acc) {
    if constexpr (std::is_same_v<R, ArgReducer<T, true>> || std::is_same_v<R, ArgReducer<T, false>>) {
      vout[out_off] = static_cast<Out>(acc.value);
      if (iout) iout[out_off] = acc.index;  // same geometry as values
    } else if constexpr (std::is_same_v<R, NormReducer<T>>) {
      vout[out_off] = static_cast<Out>(static_cast<acc_t<Out>>(r.finish(acc)));
    } else if constexpr (std::is_same_v<R, MomentsReducer<T>>) {
      vout[out_off] = static_cast<Out>(static_cast<acc_t<Out>>(r.finish(acc)));
      r.mean_out[out_off] = static_cast<T>(static_cast<acc_t<T>>(acc.n == 0 ? std::nan("") : acc.mean));
    } else {
      vout[out_off] = static_cast<Out>(static_cast<acc_t<Out>>(acc));
    }
  };
  // Folds reduced flat indices [rb, re) of the input at `in_base` into `acc`, one inner run at a time.
  const int64_t inner = red.sizes.empty() ? 1 : red.sizes.back();
  const int64_t inner_stride = red.sizes.empty() ? 0 : red.in_strides.back();
  auto fold_range = [&](Acc& acc, int64_t in_base, int64_t rb, int64_t re) {
    int64_t ri = rb;
    while (ri < re) {
      int64_t pos = ri % inner;
      int64_t run = std::min(inner - pos, re - ri);
      int64_t off, unused;
      offsets_of(red, ri, off, unused);
      r.run(acc, src + in_base + off, run, inner_stride, ri);
      ri += run;
    }
  };

  if (n_out == 0) return;
  // one long reduction runs as a single task when threads are few: give up the GIL for it too
  std::optional<NoGilScope> nogil;
  if (n_out * std::max<int64_t>(n_red, 1) > kGrainSize) nogil.emplace();
  const bool inner_is_reduced =
      !red.sizes.empty() && (kept.sizes.empty() || std::llabs(red.in_strides.back()) <= std::llabs(kept.in_strides.back()));
  const int threads = get_num_threads();
  if (n_red == 0) {
    parallel_for(0, n_out, kGrainSize, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        int64_t in_off, out_off;
        offsets_of(kept, o, in_off, out_off);
        store(out_off, r.identity());
      }
    });
  } else if (inner_is_reduced && n_out < threads && n_red >= kGrainSize) {
    // few outputs, long reductions: split each reduction across threads, then merge
    for (int64_t o = 0; o < n_out; ++o) {
      int64_t in_off, out_off;
      offsets_of(kept, o, in_off, out_off);
      // partial results keyed by where their range starts, merged in order: deterministic sums
      std::vector<std::pair<int64_t, Acc>> partial;
      parallel_for(0, n_red, kGrainSize, [&](int64_t b, int64_t e) {
        Acc acc = r.identity();
        fold_range(acc, in_off, b, e);
#pragma omp critical(ember_reduce_partial)
        partial.emplace_back(b, acc);
      });
      std::sort(partial.begin(), partial.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      Acc total = r.identity();
      for (const auto& p : partial) r.merge(total, p.second);
      store(out_off, total);
    }
  } else if (inner_is_reduced && kept.sizes.size() <= 1 && red.sizes.size() == 1) {
    // rows of a matrix (the common last-dim reduction): one run per output, no index arithmetic
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, n_red));
    const int64_t in_step = kept.sizes.empty() ? 0 : kept.in_strides[0];
    const int64_t out_step = kept.sizes.empty() ? 0 : kept.out_strides[0];
    parallel_for(0, n_out, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        Acc acc = r.identity();
        r.run(acc, src + o * in_step, n_red, inner_stride, 0);
        store(o * out_step, acc);
      }
    });
  } else if (inner_is_reduced) {
    // one output per task, its reduction walks contiguous runs
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, n_red));
    parallel_for(0, n_out, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        int64_t in_off, out_off;
        offsets_of(kept, o, in_off, out_off);
        Acc acc = r.identity();
        fold_range(acc, in_off, 0, n_red);
        store(out_off, acc);
      }
    });
  } else {
    // The innermost dim is kept: accumulate whole rows of outputs at once, so the inner loop
    // runs along memory for every reduced index (column sums).
    const int64_t m = kept.sizes.back();
    const int64_t s_in = kept.in_strides.back();
    const int64_t s_out = kept.out_strides.back();
    Dims outer = kept;
    outer.sizes.pop_back();
    outer.in_strides.pop_back();
    outer.out_strides.pop_back();
    const int64_t n_outer = outer.numel();
    constexpr int64_t kCols = 256;
    const int64_t col_blocks = (m + kCols - 1) / kCols;
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, n_red * kCols));
    parallel_for(0, n_outer * col_blocks, grain, [&](int64_t b, int64_t e) {
      Acc acc[kCols];
      for (int64_t task = b; task < e; ++task) {
        int64_t ob = task / col_blocks, cb = task % col_blocks;
        int64_t in_off, out_off;
        offsets_of(outer, ob, in_off, out_off);
        int64_t c0 = cb * kCols, cn = std::min(kCols, m - c0);
        for (int64_t j = 0; j < cn; ++j) acc[j] = r.identity();
        if constexpr (std::is_same_v<R, SumReducer<float>>) {
          if (s_in == 1) {
            // float partial sums over blocks of rows (8 lanes per add), folded into the double
            // accumulators: as accurate as the row sums' blocks and twice the lanes of double
            constexpr int64_t kRows = 128;
            float part[kCols];
            for (int64_t rb = 0; rb < n_red; rb += kRows) {
              for (int64_t j = 0; j < cn; ++j) part[j] = 0.f;
              const int64_t re = std::min(n_red, rb + kRows);
              for (int64_t ri = rb; ri < re; ++ri) {
                int64_t roff, unused;
                offsets_of(red, ri, roff, unused);
                const float* p = src + in_off + roff + c0;
#pragma omp simd
                for (int64_t j = 0; j < cn; ++j) part[j] += p[j];
              }
              for (int64_t j = 0; j < cn; ++j) acc[j] += part[j];
            }
            for (int64_t j = 0; j < cn; ++j) store(out_off + (c0 + j) * s_out, acc[j]);
            continue;
          }
        }
        for (int64_t ri = 0; ri < n_red; ++ri) {
          int64_t roff, unused;
          offsets_of(red, ri, roff, unused);
          const T* p = src + in_off + roff + c0 * s_in;
          if (s_in == 1) {
            for (int64_t j = 0; j < cn; ++j) r.update(acc[j], p[j], ri);
          } else {
            for (int64_t j = 0; j < cn; ++j) r.update(acc[j], p[j * s_in], ri);
          }
        }
        for (int64_t j = 0; j < cn; ++j) store(out_off + (c0 + j) * s_out, acc[j]);
      }
    });
  }
}

}  // namespace

void reduce_kernel(ReduceOp op, const Tensor& values, const Tensor& indices, const Tensor& in,
                   const std::vector<bool>& reduced) {
  dispatch_all(in.dtype(), "reduce", [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (op) {
      case ReduceOp::Sum:
        // sums are written in the output dtype (int64 for integers, or the dtype= asked for)
        dispatch_all(values.dtype(), "sum", [&](auto otag) {
          using O = typename decltype(otag)::type;
          reduce_typed<T, SumReducer<T>, O>(values, indices, in, reduced);
        });
        return;
      case ReduceOp::Max: return reduce_typed<T, ExtremumReducer<T, true>, T>(values, indices, in, reduced);
      case ReduceOp::Min: return reduce_typed<T, ExtremumReducer<T, false>, T>(values, indices, in, reduced);
      case ReduceOp::ArgMax: return reduce_typed<T, ArgReducer<T, true>, T>(values, indices, in, reduced);
      case ReduceOp::ArgMin: return reduce_typed<T, ArgReducer<T, false>, T>(values, indices, in, reduced);
    }
  });
}

void norm_kernel(const Tensor& values, const Tensor& in, const std::vector<bool>& reduced, double ord) {
  dispatch_floating(in.dtype(), "linalg.vector_norm", [&](auto tag) {
    using T = typename decltype(tag)::type;
    NormReducer<T> r;
    r.p = ord;
    if (ord == 0.0) {
      r.kind = NormKind::Zero;
    } else if (ord == 1.0) {
      r.kind = NormKind::One;
    } else if (ord == 2.0) {
      r.kind = NormKind::Two;
    } else if (std::isinf(ord)) {
      r.kind = ord > 0 ? NormKind::Inf : NormKind::NegInf;
    } else {
      r.kind = NormKind::P;
    }
    reduce_typed<T, NormReducer<T>, T>(values, Tensor(), in, reduced, r);
  });
}

void var_mean_kernel(const Tensor& var, const Tensor& mean, const Tensor& in, const std::vector<bool>& reduced,
                     double correction) {
  dispatch_floating(in.dtype(), "var_mean", [&](auto tag) {
    using T = typename decltype(tag)::type;
    MomentsReducer<T> r;
    r.correction = correction;
    r.mean_out = mean.data<T>();
    reduce_typed<T, MomentsReducer<T>, T>(var, Tensor(), in, reduced, r);
  });
}

}  // namespace ember::cpu
