// Pooling on the CPU: (planes, D, H, W) contiguous tensors (1-d and 2-d pooling have leading
// size-1 dims), planes in parallel, each output cell reading its window directly.
#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu/cpu_kernels.h"

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

template <typename F>
void dispatch_pool(ScalarType t, const char* op, F&& f) {
  if (t == ScalarType::Float32) return f(float{});
  if (t == ScalarType::Float64) return f(double{});
  EMBER_FAIL(NotImplemented, op, ": no CPU kernel for dtype ", dtype_name(t));
}

// The window of output cell o along one dim: [start, end) of input positions stepping by `step`.
struct Window {
  int64_t start, end, step;
};

template <typename T>
void max_pool_typed(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolParams& p) {
  const Planes pl = planes_of(in, out);
  const T* x = in.data<T>();
  T* y = out.data<T>();
  int64_t* ix = indices.data<int64_t>();
  const int64_t K = p.kernel[0] * p.kernel[1] * p.kernel[2];
  for_planes(pl, pl.out_size() * K, [&](int64_t plane) {
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    int64_t* ip = ix + plane * pl.out_size();
    int64_t o = 0;
    for (int64_t od = 0; od < pl.out[0]; ++od) {
      for (int64_t oh = 0; oh < pl.out[1]; ++oh) {
        for (int64_t ow = 0; ow < pl.out[2]; ++ow, ++o) {
          const int64_t d0 = od * p.stride[0] - p.padding[0], h0 = oh * p.stride[1] - p.padding[1],
                        w0 = ow * p.stride[2] - p.padding[2];
          T best = -std::numeric_limits<T>::infinity();
          int64_t best_at = -1;
          for (int64_t kd = 0; kd < p.kernel[0]; ++kd) {
            const int64_t id = d0 + kd * p.dilation[0];
            if (id < 0 || id >= pl.in[0]) continue;
            for (int64_t kh = 0; kh < p.kernel[1]; ++kh) {
              const int64_t ih = h0 + kh * p.dilation[1];
              if (ih < 0 || ih >= pl.in[1]) continue;
              const int64_t row = (id * pl.in[1] + ih) * pl.in[2];
              for (int64_t kw = 0; kw < p.kernel[2]; ++kw) {
                const int64_t iw = w0 + kw * p.dilation[2];
                if (iw < 0 || iw >= pl.in[2]) continue;
                const T v = xp[row + iw];
                // NaN wins (torch propagates it; of several, the last)
                if (best_at < 0 || v > best || std::isnan(v)) {
                  best = v;
                  best_at = row + iw;
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

// The windows of avg_pool along one dim, and each cell's divisor.
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

// Calls f(output offset, window [d0, d1) x [h0, h1) x [w0, w1), divisor) for each cell of a plane.
template <typename F>
void for_avg_cells(const Planes& pl, const PoolParams& p, F&& f) {
  AvgDim dims[3];
  for (int d = 0; d < 3; ++d) dims[d] = avg_dim(pl.in[d], pl.out[d], p.kernel[d], p.stride[d], p.padding[d]);
  int64_t o = 0;
  for (int64_t od = 0; od < pl.out[0]; ++od) {
    for (int64_t oh = 0; oh < pl.out[1]; ++oh) {
      for (int64_t ow = 0; ow < pl.out[2]; ++ow, ++o) {
        const int64_t d0 = dims[0].start[od], d1 = dims[0].end[od], h0 = dims[1].start[oh], h1 = dims[1].end[oh],
                      w0 = dims[2].start[ow], w1 = dims[2].end[ow];
        int64_t divisor = p.divisor_override;
        if (divisor == 0) {
          divisor = p.count_include_pad ? dims[0].padded_len[od] * dims[1].padded_len[oh] * dims[2].padded_len[ow]
                                        : (d1 - d0) * (h1 - h0) * (w1 - w0);
        }
        f(o, d0, d1, h0, h1, w0, w1, divisor);
      }
    }
  }
}

template <typename T>
void avg_pool_typed(const Tensor& out, const Tensor& in, const PoolParams& p) {
  const Planes pl = planes_of(in, out);
  const T* x = in.data<T>();
  T* y = out.data<T>();
  for_planes(pl, pl.out_size() * p.kernel[0] * p.kernel[1] * p.kernel[2], [&](int64_t plane) {
    const T* xp = x + plane * pl.in_size();
    T* yp = y + plane * pl.out_size();
    for_avg_cells(pl, p, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1,
                             int64_t divisor) {
      T acc = 0;
      for (int64_t d = d0; d < d1; ++d) {
        for (int64_t h = h0; h < h1; ++h) {
          const T* row = xp + (d * pl.in[1] + h) * pl.in[2];
          for (int64_t w = w0; w < w1; ++w) acc += row[w];
        }
      }
      yp[o] = divisor == 0 ? T(NAN) : acc / static_cast<T>(divisor);
    });
  });
}

template <typename T>
void avg_pool_backward_typed(const Tensor& grad_in, const Tensor& grad_out, const PoolParams& p) {
  const Planes pl = planes_of(grad_in, grad_out);
  const T* gy = grad_out.data<T>();
  T* gx = grad_in.data<T>();
  for_planes(pl, pl.out_size() * p.kernel[0] * p.kernel[1] * p.kernel[2], [&](int64_t plane) {
    T* gp = gx + plane * pl.in_size();
    std::fill(gp, gp + pl.in_size(), T(0));
    const T* yp = gy + plane * pl.out_size();
    for_avg_cells(pl, p, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1,
                             int64_t divisor) {
      const T g = divisor == 0 ? T(NAN) : yp[o] / static_cast<T>(divisor);
      for (int64_t d = d0; d < d1; ++d) {
        for (int64_t h = h0; h < h1; ++h) {
          T* row = gp + (d * pl.in[1] + h) * pl.in[2];
          for (int64_t w = w0; w < w1; ++w) row[w] += g;
        }
      }
    });
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
  dispatch_pool(in.dtype(), "max_pool", [&](auto tag) { max_pool_typed<decltype(tag)>(out, indices, in, p); });
}

void index_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const Tensor& indices) {
  dispatch_pool(grad_in.dtype(), "max_pool_backward",
                [&](auto tag) { index_backward_typed<decltype(tag)>(grad_in, grad_out, indices); });
}

void avg_pool_kernel(const Tensor& out, const Tensor& in, const PoolParams& p) {
  dispatch_pool(in.dtype(), "avg_pool", [&](auto tag) { avg_pool_typed<decltype(tag)>(out, in, p); });
}

void avg_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out, const PoolParams& p) {
  dispatch_pool(grad_in.dtype(), "avg_pool_backward",
                [&](auto tag) { avg_pool_backward_typed<decltype(tag)>(grad_in, grad_out, p); });
}

void adaptive_avg_pool_kernel(const Tensor& out, const Tensor& in) {
  dispatch_pool(in.dtype(), "adaptive_avg_pool", [&](auto tag) { adaptive_avg_typed<decltype(tag)>(out, in); });
}

void adaptive_avg_pool_backward_kernel(const Tensor& grad_in, const Tensor& grad_out) {
  dispatch_pool(grad_in.dtype(), "adaptive_avg_pool_backward",
                [&](auto tag) { adaptive_avg_backward_typed<decltype(tag)>(grad_in, grad_out); });
}

void adaptive_max_pool_kernel(const Tensor& out, const Tensor& indices, const Tensor& in) {
  dispatch_pool(in.dtype(), "adaptive_max_pool",
                [&](auto tag) { adaptive_max_typed<decltype(tag)>(out, indices, in); });
}

}  // namespace ember::cpu
