// The CPU convolution kernels. float32 goes to oneDNN (cpu/onednn/conv.cpp); float64, and the
// geometries oneDNN has no implementation for, run our own loops: each sample's input is unfolded
// into columns (im2col: one row per input channel and kernel offset, one column per output
// position), and the convolution becomes a matrix product per group.
#include <algorithm>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/onednn/conv.h"

namespace ember::cpu {

namespace {

// A convolution's sizes, with 1-d and 2-d convolutions as 3-d ones with leading size-1 dims.
struct ConvShape {
  int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, padding[3] = {0, 0, 0}, dilation[3] = {1, 1, 1};

  int64_t in_plane() const { return in[0] * in[1] * in[2]; }
  int64_t out_plane() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  int64_t group_in() const { return in_channels / groups; }
  int64_t group_out() const { return out_channels / groups; }
  int64_t col_rows() const { return group_in() * kernel_size(); }  // per group
};

ConvShape shape_of(const Tensor& src, const Tensor& weight, const Tensor& dst, const ConvParams& p) {
  ConvShape s;
  s.batch = src.sizes()[0];
  s.in_channels = src.sizes()[1];
  s.out_channels = dst.sizes()[1];
  s.groups = p.groups;
  const int lead = 3 - p.dims;
  for (int d = 0; d < p.dims; ++d) {
    s.in[lead + d] = src.sizes()[2 + d];
    s.out[lead + d] = dst.sizes()[2 + d];
    s.kernel[lead + d] = weight.sizes()[2 + d];
    s.stride[lead + d] = p.stride[d];
    s.padding[lead + d] = p.padding[d];
    s.dilation[lead + d] = p.dilation[d];
  }
  return s;
}

// For each kernel offset along one dim and each output position, the input position read (or -1
// in the padding).
std::vector<int64_t> input_positions(const ConvShape& s, int d) {
  std::vector<int64_t> pos(s.kernel[d] * s.out[d]);
  for (int64_t k = 0; k < s.kernel[d]; ++k) {
    for (int64_t o = 0; o < s.out[d]; ++o) {
      const int64_t i = o * s.stride[d] - s.padding[d] + k * s.dilation[d];
      pos[k * s.out[d] + o] = i >= 0 && i < s.in[d] ? i : -1;
    }
  }
  return pos;
}

// Visits every (column row, output position, input offset) of one channel: row r = channel-local
// kernel offset, `f(r, column, input_offset_or_-1)`.
template <typename F>
void for_each_tap(const ConvShape& s, const std::vector<int64_t> (&pos)[3], F&& f) {
  int64_t r = 0;
  for (int64_t kd = 0; kd < s.kernel[0]; ++kd) {
    for (int64_t kh = 0; kh < s.kernel[1]; ++kh) {
      for (int64_t kw = 0; kw < s.kernel[2]; ++kw, ++r) {
        int64_t col = 0;
        for (int64_t od = 0; od < s.out[0]; ++od) {
          const int64_t id = pos[0][kd * s.out[0] + od];
          for (int64_t oh = 0; oh < s.out[1]; ++oh) {
            const int64_t ih = pos[1][kh * s.out[1] + oh];
            for (int64_t ow = 0; ow < s.out[2]; ++ow, ++col) {
              const int64_t iw = pos[2][kw * s.out[2] + ow];
              f(r, col, id < 0 || ih < 0 || iw < 0 ? -1 : (id * s.in[1] + ih) * s.in[2] + iw);
            }
          }
        }
      }
    }
  }
}

struct Positions {
  std::vector<int64_t> pos[3];
  explicit Positions(const ConvShape& s) : pos{input_positions(s, 0), input_positions(s, 1), input_positions(s, 2)} {}
};

// cols (in_channels * kernel_size, out_plane) of one contiguous sample x (in_channels, in_plane).
template <typename T>
void im2col(const ConvShape& s, const Positions& p, const T* x, T* cols) {
  const int64_t K = s.kernel_size(), L = s.out_plane(), P = s.in_plane();
  parallel_for(0, s.in_channels, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, K * L)), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const T* xc = x + c * P;
      T* cc = cols + c * K * L;
      for_each_tap(s, p.pos, [&](int64_t r, int64_t col, int64_t off) { cc[r * L + col] = off < 0 ? T(0) : xc[off]; });
    }
  });
}

// The adjoint of im2col: gx (in_channels, in_plane) = the columns summed back onto the input.
template <typename T>
void col2im(const ConvShape& s, const Positions& p, const T* cols, T* gx) {
  const int64_t K = s.kernel_size(), L = s.out_plane(), P = s.in_plane();
  parallel_for(0, s.in_channels, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, K * L)), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      T* gc = gx + c * P;
      std::fill(gc, gc + P, T(0));
      const T* cc = cols + c * K * L;
      for_each_tap(s, p.pos, [&](int64_t r, int64_t col, int64_t off) {
        if (off >= 0) gc[off] += cc[r * L + col];
      });
    }
  });
}

template <typename T>
void forward_loops(const ConvShape& s, const T* x, const T* w, const T* bias, T* y) {
  const Positions pos(s);
  const int64_t R = s.col_rows(), L = s.out_plane(), Og = s.group_out();
  std::vector<T> cols(static_cast<size_t>(s.in_channels * s.kernel_size() * L));
  for (int64_t n = 0; n < s.batch; ++n) {
    im2col(s, pos, x + n * s.in_channels * s.in_plane(), cols.data());
    T* yn = y + n * s.out_channels * L;
    parallel_for(0, s.out_channels, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, R * L)), [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const T* cg = cols.data() + (o / Og) * R * L;
        const T* wo = w + o * R;
        T* yo = yn + o * L;
        std::fill(yo, yo + L, bias ? bias[o] : T(0));
        for (int64_t r = 0; r < R; ++r) {
          const T wv = wo[r];
          const T* cr = cg + r * L;
          for (int64_t l = 0; l < L; ++l) yo[l] += wv * cr[l];
        }
      }
    });
  }
}

template <typename T>
void backward_input_loops(const ConvShape& s, const T* gy, const T* w, T* gx) {
  const Positions pos(s);
  const int64_t R = s.col_rows(), L = s.out_plane(), Og = s.group_out();
  std::vector<T> cols(static_cast<size_t>(s.in_channels * s.kernel_size() * L));
  for (int64_t n = 0; n < s.batch; ++n) {
    const T* gyn = gy + n * s.out_channels * L;
    // cols[g] (R, L) = w[g]^T (R, Og) @ gy[g] (Og, L)
    parallel_for(0, s.groups * R, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, Og * L)), [&](int64_t r0, int64_t r1) {
      for (int64_t gr = r0; gr < r1; ++gr) {
        const int64_t g = gr / R, r = gr % R;
        T* cr = cols.data() + gr * L;
        std::fill(cr, cr + L, T(0));
        for (int64_t o = g * Og; o < (g + 1) * Og; ++o) {
          const T wv = w[o * R + r];
          const T* go = gyn + o * L;
          for (int64_t l = 0; l < L; ++l) cr[l] += wv * go[l];
        }
      }
    });
    col2im(s, pos, cols.data(), gx + n * s.in_channels * s.in_plane());
  }
}

template <typename T>
void backward_weight_loops(const ConvShape& s, const T* x, const T* gy, T* gw) {
  const Positions pos(s);
  const int64_t R = s.col_rows(), L = s.out_plane(), Og = s.group_out();
  std::vector<T> cols(static_cast<size_t>(s.in_channels * s.kernel_size() * L));
  std::fill(gw, gw + s.out_channels * R, T(0));
  for (int64_t n = 0; n < s.batch; ++n) {
    im2col(s, pos, x + n * s.in_channels * s.in_plane(), cols.data());
    const T* gyn = gy + n * s.out_channels * L;
    // gw[o] (R) += cols[g] (R, L) @ gy[o] (L)
    parallel_for(0, s.out_channels * R, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, L)), [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t o = i / R, r = i % R;
        const T* cr = cols.data() + ((o / Og) * R + r) * L;
        const T* go = gyn + o * L;
        T acc = 0;
        for (int64_t l = 0; l < L; ++l) acc += cr[l] * go[l];
        gw[i] += acc;
      }
    });
  }
}

// Runs `f(out_contiguous)` and copies the result into `out` when `out` is not contiguous.
template <typename F>
void into(const Tensor& out, F&& f) {
  if (out.is_contiguous()) {
    f(out);
    return;
  }
  Tensor tmp = empty(out.sizes(), out.dtype(), out.device());
  f(tmp);
  copy_kernel(out, tmp);
}

template <typename F>
void dispatch_conv_dtype(ScalarType dtype, F&& f) {
  if (dtype == ScalarType::Float32) {
    f(float{});
  } else if (dtype == ScalarType::Float64) {
    f(double{});
  } else {
    EMBER_FAIL(NotImplemented, "convolution: no CPU kernel for dtype ", dtype_name(dtype));
  }
}

}  // namespace

void conv_forward_kernel(const Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                         const ConvParams& p) {
  if (out.dtype() == ScalarType::Float32 && onednn_conv(ConvKind::Forward, out, in, weight, bias, p)) return;
  const ConvShape s = shape_of(in, weight, out, p);
  Tensor x = contiguous_copy(in), w = contiguous_copy(weight);
  dispatch_conv_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    into(out, [&](const Tensor& y) {
      forward_loops<T>(s, x.data<T>(), w.data<T>(), bias ? bias->data<T>() : nullptr, y.data<T>());
    });
  });
}

void conv_backward_input_kernel(const Tensor& grad_in, const Tensor& grad_out, const Tensor& weight,
                                const ConvParams& p) {
  if (grad_in.dtype() == ScalarType::Float32 &&
      onednn_conv(ConvKind::BackwardInput, grad_in, grad_out, weight, nullptr, p)) {
    return;
  }
  const ConvShape s = shape_of(grad_in, weight, grad_out, p);
  Tensor gy = contiguous_copy(grad_out), w = contiguous_copy(weight);
  dispatch_conv_dtype(grad_in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    into(grad_in, [&](const Tensor& gx) { backward_input_loops<T>(s, gy.data<T>(), w.data<T>(), gx.data<T>()); });
  });
}

void conv_backward_weight_kernel(const Tensor& grad_weight, const Tensor& in, const Tensor& grad_out,
                                 const ConvParams& p) {
  if (grad_weight.dtype() == ScalarType::Float32 &&
      onednn_conv(ConvKind::BackwardWeight, grad_weight, in, grad_out, nullptr, p)) {
    return;
  }
  const ConvShape s = shape_of(in, grad_weight, grad_out, p);
  Tensor x = contiguous_copy(in), gy = contiguous_copy(grad_out);
  dispatch_conv_dtype(grad_weight.dtype(), [&](auto tag) {
    using T = decltype(tag);
    into(grad_weight, [&](const Tensor& gw) { backward_weight_loops<T>(s, x.data<T>(), gy.data<T>(), gw.data<T>()); });
  });
}

}  // namespace ember::cpu
