// Pooling on the CPU: (planes, D, H, W) contiguous tensors (1-d and 2-d pooling have leading
// size-1 dims), planes in parallel, each output cell reading its window directly.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/vec_reduce.h"

namespace ember::cpu {

namespace {

struct Planes {
  int64_t count = 0;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
};

Planes planes_of(const Tensor& in, const Tensor& out) {
  Planes p;
  p.count = in.sizes()[0];
  for (int d = 0; d < 3; ++d) {
    p.in[d] = in.sizes()[1 + d];
    p.out[d] = out.sizes()[1 + d];
  }
  return p;
}

template <typename F>
void for_planes(const Planes& pl, int64_t work_per_plane, F&& f) {
  parallel_for(0, pl.count, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, work_per_plane)),
               [&](int64_t b, int64_t e) {
                 for (int64_t i = b; i < e; ++i) f(i);
               });
}

// For each output position along one dim, the kernel taps [k0, k1) that land inside the input
// (the rest read padding), so the loops over a window need no bounds checks.
struct TapRange {
  std::vector<int64_t> k0, k1, first;  // first: the input position of tap k0
};

TapRange tap_range(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad, int64_t dil) {
  TapRange r;
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad;
    int64_t k0 = 0, k1 = k;
    while (k0 < k && start + k0 * dil < 0) ++k0;
    while (k1 > k0 && start + (k1 - 1) * dil >= in) --k1;
    r.k0.push_back(k0);
    r.k1.push_back(k1);
    r.first.push_back(start + k0 * dil);
  }
  return r;
}

template <typename T>
void max_pool_typed(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolParams& p) {
  const Planes pl = planes_of(in, out);
  const T* x = in.data<T>();
  T* y = out.data<T>();
  int64_t* ix = indices.data<int64_t>();
  const int64_t K = p.kernel[0] * p.kernel[1] * p.kernel[2];
  TapRange taps[3];
  for (int d = 0; d < 3; ++d) {
    taps[d] = tap_range(pl.in[d], pl.out[d], p.kernel[d], p.stride[d], p.padding[d], p.dilation[d]);
  }
  const int64_t dd = p.dilation[0] * pl.in[1] * pl.in[2], dh = p.dilation[1] * pl.in[2], dw = p.dilation[2];
  for_planes(pl, pl.out_size() * K, [&](int64_t plane) {
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    int64_t* ip = ix + plane * pl.out_size();
    int64_t o = 0;
    for (int64_t od = 0; od < pl.out[0]; ++od) {
      const int64_t nd = taps[0].k1[od] - taps[0].k0[od];
      for (int64_t oh = 0; oh < pl.out[1]; ++oh) {
        const int64_t nh = taps[1].k1[oh] - taps[1].k0[oh];
        const int64_t row0 = (taps[0].first[od] * pl.in[1] + taps[1].first[oh]) * pl.in[2];
        for (int64_t ow = 0; ow < pl.out[2]; ++ow, ++o) {
          const int64_t nw = taps[2].k1[ow] - taps[2].k0[ow];
          T best = -std::numeric_limits<T>::infinity();
          int64_t best_at = -1;
          if (nd > 0 && nh > 0 && nw > 0) {
            const int64_t at0 = row0 + taps[2].first[ow];
            best = xp[at0];
            best_at = at0;
            // scan order d, h, w; NaN wins (torch propagates it; of several, the last)
            for (int64_t kd = 0; kd < nd; ++kd) {
              for (int64_t kh = 0; kh < nh; ++kh) {
                const int64_t at = at0 + kd * dd + kh * dh;
                for (int64_t kw = 0; kw < nw; ++kw) {
                  const T v = xp[at + kw * dw];
                  if (v > best || v != v) {
                    best = v;
                    best_at = at + kw * dw;
                  }
                }
              }
            }
          }
          yp[o] = best;
          ip[o] = best_at;
        }
      }
    }
  });
}

template <typename T>
void index_backward_typed(const Tensor& grad_in, const Tensor& grad_out, const Tensor& indices) {
  const Planes pl = planes_of(grad_in, grad_out);
  const T* gy = grad_out.data<T>();
  T* gx = grad_in.data<T>();
  const int64_t* ix = indices.data<int64_t>();
  for_planes(pl, pl.in_size() + pl.out_size(), [&](int64_t plane) {
    T* gp = gx + plane * pl.in_size();
    std::fill(gp, gp + pl.in_size(), T(0));
    const T* yp = gy + plane * pl.out_size();
    const int64_t* ip = ix + plane * pl.out_size();
    for (int64_t o = 0; o < pl.out_size(); ++o) {
      if (ip[o] < 0) continue;  // a window wholly in the padding: it read nothing
      EMBER_CHECK(ip[o] < pl.in_size(), Runtime, "max_pool_backward: found an invalid max index ", ip[o],
                  " (input planes are of size ", pl.in_size(), ")");
      gp[ip[o]] += yp[o];
    }
  });
}

// The windows of avg_pool along one dim (clipped to the input) and their lengths with padding.
struct AvgDim {
  std::vector<int64_t> start, end, padded_len;
};

AvgDim avg_dim(int64_t in, int64_t out, int64_t k, int64_t s, int64_t pad) {
  AvgDim a;
  for (int64_t o = 0; o < out; ++o) {
    int64_t b = o * s - pad, e = std::min(b + k, in + pad);
    a.padded_len.push_back(e - b);
    a.start.push_back(std::max<int64_t>(b, 0));
    a.end.push_back(std::min(e, in));
  }
  return a;
}

// avg_pool runs output row by output row: the input rows of the row's windows (in d and h) are
// walked once each, every output cell of the row summing its [start, end) of them.
struct AvgRows {
  AvgDim dims[3];
  const PoolParams& p;
  AvgRows(const Planes& pl, const PoolParams& params) : p(params) {
    for (int d = 0; d < 3; ++d) dims[d] = avg_dim(pl.in[d], pl.out[d], p.kernel[d], p.stride[d], p.padding[d]);
  }
  // the divisor of cells (od, oh, *) as one value per ow
  void divisors(int64_t od, int64_t oh, std::vector<double>& out) const {
    const AvgDim &D = dims[0], &H = dims[1], &W = dims[2];
    for (size_t ow = 0; ow < W.start.size(); ++ow) {
      int64_t v = p.divisor_override;
      if (v == 0) {
        v = p.count_include_pad ? D.padded_len[od] * H.padded_len[oh] * W.padded_len[ow]
                                : (D.end[od] - D.start[od]) * (H.end[oh] - H.start[oh]) * (W.end[ow] - W.start[ow]);
      }
      out[ow] = static_cast<double>(v);
    }
  }
};

template <typename T>
void avg_pool_typed(const Tensor& out, const Tensor& in, const PoolParams& p) {
  const Planes pl = planes_of(in, out);
  const AvgRows rows(pl, p);
  const AvgDim &D = rows.dims[0], &H = rows.dims[1], &W = rows.dims[2];
  const T* x = in.data<T>();
  T* y = out.data<T>();
  for_planes(pl, pl.out_size() * p.kernel[0] * p.kernel[1] * p.kernel[2], [&](int64_t plane) {
    std::vector<T> acc(pl.out[2]);
    std::vector<double> div(pl.out[2]);
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    for (int64_t od = 0; od < pl.out[0]; ++od) {
      for (int64_t oh = 0; oh < pl.out[1]; ++oh, yp += pl.out[2]) {
        std::fill(acc.begin(), acc.end(), T(0));
        for (int64_t d = D.start[od]; d < D.end[od]; ++d) {
          for (int64_t h = H.start[oh]; h < H.end[oh]; ++h) {
            const T* row = xp + (d * pl.in[1] + h) * pl.in[2];
            for (int64_t ow = 0; ow < pl.out[2]; ++ow) {
              T sum = 0;
              for (int64_t w = W.start[ow]; w < W.end[ow]; ++w) sum += row[w];
              acc[ow] += sum;
            }
          }
        }
        rows.divisors(od, oh, div);
        for (int64_t ow = 0; ow < pl.out[2]; ++ow) {
          yp[ow] = div[ow] == 0 ? T(NAN) : acc[ow] / static_cast<T>(div[ow]);
        }
      }
    }
  });
}

template <typename T>
void avg_pool_backward_typed(const Tensor& grad_in, const Tensor& grad_out, const PoolParams& p) {
  const Planes pl = planes_of(grad_in, grad_out);
  const AvgRows rows(pl, p);
  const AvgDim &D = rows.dims[0], &H = rows.dims[1], &W = rows.dims[2];
  const T* gy = grad_out.data<T>();
  T* gx = grad_in.data<T>();
  for_planes(pl, pl.out_size() * p.kernel[0] * p.kernel[1] * p.kernel[2], [&](int64_t plane) {
    std::vector<T> share(pl.out[2]);
    std::vector<double> div(pl.out[2]);
    T* gp = gx + plane * pl.in_size();
    std::fill(gp, gp + pl.in_size(), T(0));
    const T* yp = gy + plane * pl.out_size();
    for (int64_t od = 0; od < pl.out[0]; ++od) {
      for (int64_t oh = 0; oh < pl.out[1]; ++oh, yp += pl.out[2]) {
        rows.divisors(od, oh, div);
        for (int64_t ow = 0; ow < pl.out[2]; ++ow) share[ow] = div[ow] == 0 ? T(NAN) : yp[ow] / static_cast<T>(div[ow]);
        for (int64_t d = D.start[od]; d < D.end[od]; ++d) {
          for (int64_t h = H.start[oh]; h < H.end[oh]; ++h) {
            T* row = gp + (d * pl.in[1] + h) * pl.in[2];
            for (int64_t ow = 0; ow < pl.out[2]; ++ow) {
              for (int64_t w = W.start[ow]; w < W.end[ow]; ++w) row[w] += share[ow];
            }
          }
        }
      }
    }
  });
}

// Adaptive pooling: cell i of `out` cells over `in` reads [floor(i in / out), ceil((i + 1) in / out)).
int64_t adaptive_start(int64_t i, int64_t out, int64_t in) { return (i * in) / out; }
int64_t adaptive_end(int64_t i, int64_t out, int64_t in) { return ((i + 1) * in + out - 1) / out; }

template <typename F>
void for_adaptive_cells(const Planes& pl, F&& f) {
  int64_t o = 0;
  for (int64_t od = 0; od < pl.out[0]; ++od) {
    const int64_t d0 = adaptive_start(od, pl.out[0], pl.in[0]), d1 = adaptive_end(od, pl.out[0], pl.in[0]);
    for (int64_t oh = 0; oh < pl.out[1]; ++oh) {
      const int64_t h0 = adaptive_start(oh, pl.out[1], pl.in[1]), h1 = adaptive_end(oh, pl.out[1], pl.in[1]);
      for (int64_t ow = 0; ow < pl.out[2]; ++ow, ++o) {
        f(o, d0, d1, h0, h1, adaptive_start(ow, pl.out[2], pl.in[2]), adaptive_end(ow, pl.out[2], pl.in[2]));
      }
    }
  }
}

template <typename T>
void adaptive_avg_typed(const Tensor& out, const Tensor& in) {
  const Planes pl = planes_of(in, out);
  const T* x = in.data<T>();
  T* y = out.data<T>();
  if (pl.out_size() == 1) {  // global average pooling (a classifier's head): one vectorized sum a plane
    for_planes(pl, pl.in_size(), [&](int64_t plane) {
      const T* xp = x + plane * pl.in_size();
      if constexpr (std::is_same_v<T, float>) {
        y[plane] = sum_f32(xp, pl.in_size()) / static_cast<T>(pl.in_size());
      } else {
        T acc = 0;
        for (int64_t i = 0; i < pl.in_size(); ++i) acc += xp[i];
        y[plane] = acc / static_cast<T>(pl.in_size());
      }
    });
    return;
  }
  for_planes(pl, pl.in_size() + pl.out_size(), [&](int64_t plane) {
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    for_adaptive_cells(pl, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      T acc = 0;
      for (int64_t d = d0; d < d1; ++d) {
        for (int64_t h = h0; h < h1; ++h) {
          const T* row = xp + (d * pl.in[1] + h) * pl.in[2];
          for (int64_t w = w0; w < w1; ++w) acc += row[w];
        }
      }
      yp[o] = acc / static_cast<T>((d1 - d0) * (h1 - h0) * (w1 - w0));
    });
  });
}

template <typename T>
void adaptive_avg_backward_typed(const Tensor& grad_in, const Tensor& grad_out) {
  const Planes pl = planes_of(grad_in, grad_out);
  const T* gy = grad_out.data<T>();
  T* gx = grad_in.data<T>();
  if (pl.out_size() == 1) {  // global: every input cell gets its plane's share
    for_planes(pl, pl.in_size(), [&](int64_t plane) {
      T* gp = gx + plane * pl.in_size();
      std::fill(gp, gp + pl.in_size(), gy[plane] / static_cast<T>(pl.in_size()));
    });
    return;
  }
  for_planes(pl, pl.in_size() + pl.out_size(), [&](int64_t plane) {
    T* gp = gx + plane * pl.in_size();
    std::fill(gp, gp + pl.in_size(), T(0));
    const T* yp = gy + plane * pl.out_size();
    for_adaptive_cells(pl, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      const T g = yp[o] / static_cast<T>((d1 - d0) * (h1 - h0) * (w1 - w0));
      for (int64_t d = d0; d < d1; ++d) {
        for (int64_t h = h0; h < h1; ++h) {
          T* row = gp + (d * pl.in[1] + h) * pl.in[2];
          for (int64_t w = w0; w < w1; ++w) row[w] += g;
        }
      }
    });
  });
}

template <typename T>
void adaptive_max_typed(const Tensor& out, const Tensor& indices, const Tensor& in) {
  const Planes pl = planes_of(in, out);
  const T* x = in.data<T>();
  T* y = out.data<T>();
  int64_t* ix = indices.data<int64_t>();
  for_planes(pl, pl.in_size() + pl.out_size(), [&](int64_t plane) {
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    int64_t* ip = ix + plane * pl.out_size();
    for_adaptive_cells(pl, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      T best = 0;
      int64_t best_at = -1;
      for (int64_t d = d0; d < d1; ++d) {
        for (int64_t h = h0; h < h1; ++h) {
          const int64_t row = (d * pl.in[1] + h) * pl.in[2];
          for (int64_t w = w0; w < w1; ++w) {
            const T v = xp[row + w];
            if (best_at < 0 || v > best || std::isnan(v)) {
              best = v;
              best_at = row + w;
            }
          }
        }
      }
      yp[o] = best;
      ip[o] = best_at;
    });
  });
}

}  // namespace

void max_pool_kernel(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolParams& p) {
  dispatch_float32_64(in.dtype(), "max_pool", [&](auto tag) { max_pool_typed<decltype(tag)>(out, indices, in, p); });
}

void index_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const Tensor& indices) {
  dispatch_float32_64(grad_in.dtype(), "max_pool_backward",
                [&](auto tag) { index_backward_typed<decltype(tag)>(grad_in, grad_out, indices); });
}

void avg_pool_kernel(const Tensor& out, const Tensor& in, const PoolParams& p) {
  dispatch_float32_64(in.dtype(), "avg_pool", [&](auto tag) { avg_pool_typed<decltype(tag)>(out, in, p); });
}

void avg_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const PoolParams& p) {
  dispatch_float32_64(grad_in.dtype(), "avg_pool_backward",
                [&](auto tag) { avg_pool_backward_typed<decltype(tag)>(grad_in, grad_out, p); });
}

void adaptive_avg_pool_kernel(const Tensor& out, const Tensor& in) {
  dispatch_float32_64(in.dtype(), "adaptive_avg_pool", [&](auto tag) { adaptive_avg_typed<decltype(tag)>(out, in); });
}

void adaptive_avg_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out) {
  dispatch_float32_64(grad_in.dtype(), "adaptive_avg_pool_backward",
                [&](auto tag) { adaptive_avg_backward_typed<decltype(tag)>(grad_in, grad_out); });
}

void adaptive_max_pool_kernel(const Tensor& out, const Tensor& indices, const Tensor& in) {
  dispatch_float32_64(in.dtype(), "adaptive_max_pool",
                [&](auto tag) { adaptive_max_typed<decltype(tag)>(out, indices, in); });
}

}  // namespace ember::cpu
