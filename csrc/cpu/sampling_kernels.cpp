// Sampling on the CPU. resample is one separable pass of interpolate: each output row of a dim is
// a weighted sum of a few input rows, vectorized along the contiguous dims after it. grid_sample
// builds, for each grid point, its taps (flat offsets into an input plane, weights, and the
// weights' derivatives in the grid coordinates), then runs over the channels with them; the
// backward gives the grid's gradient point by point and scatters the input's gradient channel
// block by channel block, so no two threads ever add into the same element.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/cpu_kernels.h"

namespace ember::cpu {

namespace {

// ---- resample ----

// out row = sum over the K taps of weight * in row, rows of B elements (K fixed when kTaps > 0).
template <typename T, int kTaps>
void combine_rows(T* __restrict y, const T* x, const int64_t* io, const T* wo, int64_t K, int64_t B) {
  const int64_t taps = kTaps > 0 ? kTaps : K;
  if (B == 1) {
    T acc = 0;
    for (int64_t k = 0; k < taps; ++k) acc += wo[k] * x[io[k]];
    *y = acc;
    return;
  }
  const T* __restrict x0 = x + io[0] * B;
  const T w0 = wo[0];
  if (taps == 2) {
    const T* __restrict x1 = x + io[1] * B;
    const T w1 = wo[1];
    for (int64_t j = 0; j < B; ++j) y[j] = w0 * x0[j] + w1 * x1[j];
    return;
  }
  for (int64_t j = 0; j < B; ++j) y[j] = w0 * x0[j];
  for (int64_t k = 1; k < taps; ++k) {
    const T* __restrict xk = x + io[k] * B;
    const T wk = wo[k];
    for (int64_t j = 0; j < B; ++j) y[j] += wk * xk[j];
  }
}

template <typename T, int kTaps>
void resample_rows(const Tensor& out, const Tensor& in, const Tensor& index, const Tensor& weight) {
  const int64_t A = in.sizes()[0], n = in.sizes()[1], B = in.sizes()[2];
  const int64_t m = out.sizes()[1], K = index.sizes()[1];
  const T* x = in.data<T>();
  const int64_t* idx = index.data<int64_t>();
  const T* w = weight.data<T>();
  T* y = out.data<T>();
  parallel_for(0, A * m, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, K * B)), [&](int64_t b, int64_t e) {
    int64_t a = b / m, o = b % m;
    const T* xa = x + a * n * B;
    for (int64_t r = b; r < e; ++r) {
      combine_rows<T, kTaps>(y + r * B, xa, idx + o * K, w + o * K, K, B);
      if (++o == m) {
        o = 0;
        xa += n * B;
      }
    }
  });
}

template <typename T>
void resample_typed(const Tensor& out, const Tensor& in, const Tensor& index, const Tensor& weight) {
  switch (index.sizes()[1]) {
    case 1: return resample_rows<T, 1>(out, in, index, weight);
    case 2: return resample_rows<T, 2>(out, in, index, weight);
    case 4: return resample_rows<T, 4>(out, in, index, weight);
    default: return resample_rows<T, 0>(out, in, index, weight);
  }
}

template <typename T>
void resample_backward_typed(const Tensor& grad_in, const Tensor& grad_out, const Tensor& index, const Tensor& weight) {
  const int64_t A = grad_in.sizes()[0], n = grad_in.sizes()[1], B = grad_in.sizes()[2];
  const int64_t m = grad_out.sizes()[1], K = index.sizes()[1];
  const T* g = grad_out.data<T>();
  const int64_t* idx = index.data<int64_t>();
  const T* w = weight.data<T>();
  T* gi = grad_in.data<T>();
  // Each task owns a slab [j0, j1) of one (a) plane: scattered rows never collide across tasks.
  // Few planes split their rows' contiguous dims so that all threads still have work.
  const int64_t threads = get_num_threads();
  const int64_t slabs = A >= 2 * threads ? 1 : std::clamp<int64_t>(B / 256, 1, 2 * threads);
  parallel_for(0, A * slabs, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, m * K * B / slabs)),
               [&](int64_t b, int64_t e) {
    for (int64_t task = b; task < e; ++task) {
      const int64_t a = task / slabs, s = task % slabs;
      const int64_t j0 = B * s / slabs, j1 = B * (s + 1) / slabs;
      T* ga = gi + a * n * B;
      const T* goa = g + a * m * B;
      for (int64_t i = 0; i < n; ++i) std::fill(ga + i * B + j0, ga + i * B + j1, T(0));
      for (int64_t o = 0; o < m; ++o) {
        const T* __restrict go = goa + o * B;
        for (int64_t k = 0; k < K; ++k) {
          T* __restrict dst = ga + idx[o * K + k] * B;
          const T wk = w[o * K + k];
          for (int64_t j = j0; j < j1; ++j) dst[j] += wk * go[j];
        }
      }
    }
  });
}

// ---- grid_sample ----

// A source coordinate from a normalized one in [-1, 1]; *d = its derivative.
template <typename T>
T unnormalize(T c, int64_t size, bool align_corners, T* d) {
  if (align_corners) {
    *d = T(size - 1) / 2;
    return (c + 1) / 2 * T(size - 1);
  }
  *d = T(size) / 2;
  return ((c + 1) * T(size) - 1) / 2;
}

// Clamped to [0, size - 1]; the derivative is 0 where clamped (torch's choice, also at the edge).
template <typename T>
T clip(T c, int64_t size, T* d) {
  if (c <= 0) {
    *d = 0;
    return 0;
  }
  const T hi = T(size - 1);
  if (c >= hi) {
    *d = 0;
    return hi;
  }
  *d = 1;
  return c;
}

// Reflected back and forth into [twice_low / 2, twice_high / 2].
template <typename T>
T reflect(T c, int64_t twice_low, int64_t twice_high, T* d) {
  if (twice_low == twice_high) {
    *d = 0;
    return 0;
  }
  const T low = T(twice_low) / 2, span = T(twice_high - twice_low) / 2;
  T sign = 1;
  c -= low;
  if (c < 0) {
    sign = -1;
    c = -c;
  }
  const T extra = std::fmod(c, span);
  const int64_t flips = static_cast<int64_t>(std::floor(c / span));
  if (flips % 2 == 0) {
    *d = sign;
    return extra + low;
  }
  *d = -sign;
  return span - extra + low;
}

template <typename T>
T pad_coordinate(T c, int64_t size, GridSamplePadding padding, bool align_corners, T* d) {
  if (padding == GridSamplePadding::Zeros) {
    *d = 1;
    return c;
  }
  T d_reflect = 1, d_clip = 1;
  if (padding == GridSamplePadding::Reflection) {
    c = align_corners ? reflect(c, 0, 2 * (size - 1), &d_reflect) : reflect(c, -1, 2 * size - 1, &d_reflect);
  }
  c = clip(c, size, &d_clip);
  *d = d_reflect * d_clip;
  return c;
}

// A whole coordinate as an index into [0, size), or -1 outside (also for NaN and huge values).
template <typename T>
int64_t index_in(T c, int64_t size) {
  if (!(c >= 0 && c < T(size))) return -1;
  return static_cast<int64_t>(c);
}

// Keys' cubic convolution (a = -0.75) at the four taps around fraction t, and d/dt of each.
template <typename T>
void cubic_coefficients(T t, T c[4], T dc[4]) {
  constexpr T A = T(-0.75);
  auto near = [&](T x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
  auto far = [&](T x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
  auto dnear = [&](T x) { return (3 * (A + 2) * x - 2 * (A + 3)) * x; };
  auto dfar = [&](T x) { return (3 * A * x - 10 * A) * x + 8 * A; };
  const T t2 = 1 - t;
  c[0] = far(t + 1);
  c[1] = near(t);
  c[2] = near(t2);
  c[3] = far(t2 + 1);
  dc[0] = dfar(t + 1);
  dc[1] = dnear(t);
  dc[2] = -dnear(t2);
  dc[3] = -dfar(t2 + 1);
}

constexpr int axis_tap_count(GridSampleMode m) {
  return m == GridSampleMode::Nearest ? 1 : m == GridSampleMode::Bilinear ? 2 : 4;
}

// The taps of one grid coordinate along one dim (a spatial size `size`).
template <typename T, GridSampleMode M>
struct AxisTaps {
  static constexpr int kCount = axis_tap_count(M);
  int64_t index[kCount];  // -1: outside the input (reads 0)
  T w[kCount], dw[kCount];  // weight and d weight / d (normalized grid coordinate)

  AxisTaps(T coord, int64_t size, const GridSampleParams& p) {
    T d_unnorm, d_pad;
    T c = unnormalize(coord, size, p.align_corners, &d_unnorm);
    if constexpr (M == GridSampleMode::Bicubic) {
      // the padding applies to each tap's position, outside the derivative (as torch)
      const T base = std::floor(c);
      cubic_coefficients(c - base, w, dw);
      for (int j = 0; j < 4; ++j) {
        T unused;
        const T pos = pad_coordinate(base - 1 + j, size, p.padding, p.align_corners, &unused);
        index[j] = index_in(std::trunc(pos), size);
        dw[j] *= d_unnorm;
      }
    } else if constexpr (M == GridSampleMode::Nearest) {
      c = pad_coordinate(c, size, p.padding, p.align_corners, &d_pad);
      index[0] = index_in(std::nearbyint(c), size);
      w[0] = 1;
      dw[0] = 0;
    } else {
      c = pad_coordinate(c, size, p.padding, p.align_corners, &d_pad);
      const T base = std::floor(c), m = d_unnorm * d_pad;
      index[0] = index_in(base, size);
      index[1] = index_in(base + 1, size);
      w[0] = base + 1 - c;
      w[1] = c - base;
      dw[0] = -m;
      dw[1] = m;
    }
  }
};

struct GridShape {
  int64_t n = 0, c = 0;           // batch, channels
  int64_t size[3] = {1, 1, 1};    // input spatial sizes along x, y, z (W, H, D)
  int64_t plane = 1, points = 1;  // input elements per channel, grid points per batch item
};

GridShape grid_shape(const Tensor& in, const Tensor& grid) {
  GridShape s;
  const int64_t dims = in.dim() - 2;
  s.n = in.sizes()[0];
  s.c = in.sizes()[1];
  for (int64_t d = 0; d < dims; ++d) {
    s.size[d] = in.sizes()[in.dim() - 1 - d];
    s.plane *= s.size[d];
  }
  for (int64_t d = 1; d + 1 < grid.dim(); ++d) s.points *= grid.sizes()[d];
  return s;
}

// The taps of one grid point that land inside the input (D spatial dims, mode M): flat offsets
// into a plane, weights, and (kDeriv) the weights' derivatives in each grid coordinate.
template <typename T, int D, GridSampleMode M, bool kDeriv>
struct PointTaps {
  static constexpr int kAxis = axis_tap_count(M);
  static constexpr int kMax = D == 2 ? kAxis * kAxis : kAxis * kAxis * kAxis;
  int count = 0;
  int64_t offset[kMax];
  T w[kMax];
  T dw[kDeriv ? kMax : 1][D];

  void build(const T* coords, const GridShape& s, const GridSampleParams& p) {
    count = 0;
    const AxisTaps<T, M> x(coords[0], s.size[0], p), y(coords[1], s.size[1], p);
    if constexpr (D == 2) {
      for (int j = 0; j < kAxis; ++j) {
        for (int i = 0; i < kAxis; ++i) {
          if (x.index[i] < 0 || y.index[j] < 0) continue;
          offset[count] = y.index[j] * s.size[0] + x.index[i];
          w[count] = x.w[i] * y.w[j];
          if constexpr (kDeriv) {
            dw[count][0] = x.dw[i] * y.w[j];
            dw[count][1] = y.dw[j] * x.w[i];
          }
          ++count;
        }
      }
    } else {
      const AxisTaps<T, M> z(coords[2], s.size[2], p);
      for (int k = 0; k < kAxis; ++k) {
        for (int j = 0; j < kAxis; ++j) {
          for (int i = 0; i < kAxis; ++i) {
            if (x.index[i] < 0 || y.index[j] < 0 || z.index[k] < 0) continue;
            offset[count] = (z.index[k] * s.size[1] + y.index[j]) * s.size[0] + x.index[i];
            w[count] = x.w[i] * y.w[j] * z.w[k];
            if constexpr (kDeriv) {
              dw[count][0] = x.dw[i] * y.w[j] * z.w[k];
              dw[count][1] = y.dw[j] * x.w[i] * z.w[k];
              dw[count][2] = z.dw[k] * x.w[i] * y.w[j];
            }
            ++count;
          }
        }
      }
    }
  }

  // sum over the taps of weight * plane[offset] (unrolled when every tap is inside)
  T sample(const T* plane) const {
    T acc = 0;
    if (count == kMax) {
      for (int t = 0; t < kMax; ++t) acc += w[t] * plane[offset[t]];
    } else {
      for (int t = 0; t < count; ++t) acc += w[t] * plane[offset[t]];
    }
    return acc;
  }
};

// Grid points run in blocks: the taps of a block are built once, then each channel plane is read
// and written for the whole block (contiguous output rows, the plane's lines stay in cache).
constexpr int64_t kPointBlock = 64;

struct PointBlocks {
  int64_t per_item, count;  // blocks per batch item, in all
  PointBlocks(const GridShape& s) : per_item((s.points + kPointBlock - 1) / kPointBlock), count(s.n * per_item) {}
};

template <typename T, int D, GridSampleMode M>
void grid_sample_typed(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleParams& p) {
  const GridShape s = grid_shape(in, grid);
  const PointBlocks blocks(s);
  const T* x = in.data<T>();
  const T* g = grid.data<T>();
  T* y = out.data<T>();
  parallel_for(0, blocks.count, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, 4 * s.c * kPointBlock)),
               [&](int64_t b, int64_t e) {
    std::vector<PointTaps<T, D, M, false>> taps(kPointBlock);
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t n = blk / blocks.per_item, p0 = (blk % blocks.per_item) * kPointBlock;
      const int64_t len = std::min(kPointBlock, s.points - p0);
      for (int64_t i = 0; i < len; ++i) taps[i].build(g + (n * s.points + p0 + i) * D, s, p);
      const T* xc = x + n * s.c * s.plane;
      T* yc = y + n * s.c * s.points + p0;
      for (int64_t c = 0; c < s.c; ++c, xc += s.plane, yc += s.points) {
        for (int64_t i = 0; i < len; ++i) yc[i] = taps[i].sample(xc);
      }
    }
  });
}

template <typename T, int D, GridSampleMode M>
void grid_sample_backward_typed(const Tensor* grad_in, const Tensor& grad_grid, const Tensor& grad_out, const Tensor& in,
                                const Tensor& grid, const GridSampleParams& p) {
  const GridShape s = grid_shape(in, grid);
  const PointBlocks blocks(s);
  const T* x = in.data<T>();
  const T* g = grid.data<T>();
  const T* go = grad_out.data<T>();
  T* gg = grad_grid.data<T>();
  // the grid: each point sums over the channels, the taps' weight derivatives times the values
  if constexpr (M == GridSampleMode::Nearest) {
    std::fill(gg, gg + grad_grid.numel(), T(0));
  } else {
    parallel_for(0, blocks.count, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, 8 * s.c * kPointBlock)),
                 [&](int64_t b, int64_t e) {
      std::vector<PointTaps<T, D, M, true>> taps(kPointBlock);
      std::vector<T> acc(kPointBlock * D);
      for (int64_t blk = b; blk < e; ++blk) {
        const int64_t n = blk / blocks.per_item, p0 = (blk % blocks.per_item) * kPointBlock;
        const int64_t len = std::min(kPointBlock, s.points - p0);
        for (int64_t i = 0; i < len; ++i) taps[i].build(g + (n * s.points + p0 + i) * D, s, p);
        std::fill(acc.begin(), acc.end(), T(0));
        const T* xc = x + n * s.c * s.plane;
        const T* goc = go + n * s.c * s.points + p0;
        for (int64_t c = 0; c < s.c; ++c, xc += s.plane, goc += s.points) {
          for (int64_t i = 0; i < len; ++i) {
            const auto& tp = taps[i];
            T sums[D] = {};
            for (int t = 0; t < tp.count; ++t) {
              const T v = xc[tp.offset[t]];
              for (int d = 0; d < D; ++d) sums[d] += tp.dw[t][d] * v;
            }
            for (int d = 0; d < D; ++d) acc[i * D + d] += sums[d] * goc[i];
          }
        }
        std::copy(acc.begin(), acc.begin() + len * D, gg + (n * s.points + p0) * D);
      }
    });
  }
  if (!grad_in) return;
  // the input: tasks own (batch item, channel block) planes and scatter into them
  T* gi = grad_in->data<T>();
  const int64_t threads = get_num_threads();
  const int64_t cblocks = s.n >= 2 * threads ? 1 : std::min<int64_t>(s.c, (2 * threads + s.n - 1) / std::max<int64_t>(1, s.n));
  const int64_t per_cblock = (s.c + cblocks - 1) / std::max<int64_t>(1, cblocks);
  parallel_for(0, s.n * cblocks, 1, [&](int64_t b, int64_t e) {
    std::vector<PointTaps<T, D, M, false>> taps(kPointBlock);
    for (int64_t task = b; task < e; ++task) {
      const int64_t n = task / cblocks, c0 = (task % cblocks) * per_cblock, c1 = std::min(s.c, c0 + per_cblock);
      if (c0 >= c1) continue;
      T* gin = gi + n * s.c * s.plane;
      std::fill(gin + c0 * s.plane, gin + c1 * s.plane, T(0));
      const T* gon = go + n * s.c * s.points;
      for (int64_t p0 = 0; p0 < s.points; p0 += kPointBlock) {
        const int64_t len = std::min(kPointBlock, s.points - p0);
        for (int64_t i = 0; i < len; ++i) taps[i].build(g + (n * s.points + p0 + i) * D, s, p);
        for (int64_t c = c0; c < c1; ++c) {
          const T* goc = gon + c * s.points + p0;
          T* gic = gin + c * s.plane;
          for (int64_t i = 0; i < len; ++i) {
            const auto& tp = taps[i];
            for (int t = 0; t < tp.count; ++t) gic[tp.offset[t]] += tp.w[t] * goc[i];
          }
        }
      }
    }
  });
}

// f(T{}, dims tag, mode tag) for the (dtype, spatial dims, mode) of a grid_sample call.
template <int D, GridSampleMode M>
struct GridCase {
  static constexpr int kDims = D;
  static constexpr GridSampleMode kMode = M;
};

template <typename F>
void dispatch_grid(const Tensor& in, const GridSampleParams& p, const char* op, F&& f) {
  dispatch_float32_64(in.dtype(), op, [&](auto tag) {
    const bool three = in.dim() == 5;
    switch (p.mode) {
      case GridSampleMode::Bilinear:
        return three ? f(tag, GridCase<3, GridSampleMode::Bilinear>{}) : f(tag, GridCase<2, GridSampleMode::Bilinear>{});
      case GridSampleMode::Nearest:
        return three ? f(tag, GridCase<3, GridSampleMode::Nearest>{}) : f(tag, GridCase<2, GridSampleMode::Nearest>{});
      case GridSampleMode::Bicubic:
        EMBER_CHECK(!three, Runtime, "grid_sampler(): bicubic interpolation only supports 4D input");
        return f(tag, GridCase<2, GridSampleMode::Bicubic>{});
    }
  });
}

}  // namespace

void resample_kernel(const Tensor& out, const Tensor& in, const Tensor& index, const Tensor& weight) {
  dispatch_float32_64(in.dtype(), "resample",
                    [&](auto tag) { resample_typed<decltype(tag)>(out, in, index, weight); });
}

void resample_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const Tensor& index, const Tensor& weight) {
  dispatch_float32_64(grad_in.dtype(), "resample_backward",
                    [&](auto tag) { resample_backward_typed<decltype(tag)>(grad_in, grad_out, index, weight); });
}

void grid_sample_kernel(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleParams& p) {
  dispatch_grid(in, p, "grid_sampler", [&](auto tag, auto kase) {
    using K = decltype(kase);
    grid_sample_typed<decltype(tag), K::kDims, K::kMode>(out, in, grid, p);
  });
}

void grid_sample_backward_kernel(const Tensor* grad_in, const Tensor& grad_grid, const Tensor& grad_out, const Tensor& in,
                                 const Tensor& grid, const GridSampleParams& p) {
  dispatch_grid(in, p, "grid_sampler_backward", [&](auto tag, auto kase) {
    using K = decltype(kase);
    grid_sample_backward_typed<decltype(tag), K::kDims, K::kMode>(grad_in, grad_grid, grad_out, in, grid, p);
  });
}

}  // namespace ember::cpu
