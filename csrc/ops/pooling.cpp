// Pooling ops: torch's checks and output sizes, then one kernel over (planes, D, H, W)
// contiguous views (1-d and 2-d pooling get leading size-1 dims). 16-bit floats compute in
// float32; a channels-last input gives a channels-last output, as in torch.
#include <string>

#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"
#include "ops/shape_ops.h"

namespace ember {

namespace {

void check_pool_input(const Tensor& input, int dims, const char* op) {
  EMBER_CHECK(input.dim() == dims + 1 || input.dim() == dims + 2, Runtime, op, ": Expected ", dims + 1, "D or ",
              dims + 2, "D (batch mode) tensor with optional 0 dim batch size for input, but got: ",
              input.shape_str());
  for (int64_t d = input.dim() - dims; d < input.dim(); ++d) {
    EMBER_CHECK(input.size(d) > 0, Runtime, op, ": Expected input's non-batch dimensions to have positive length, "
                "but input has a shape of ", input.shape_str(), " and non-batch dimension ", input.size(d),
                " has length zero!");
  }
  EMBER_CHECK(input.dim() == dims + 2 || input.size(0) > 0, Runtime, op,
              ": Expected input's non-batch dimensions to have positive length, but input has a shape of ",
              input.shape_str(), " and non-batch dimension 0 has length zero!");
  EMBER_CHECK(input.dim() == dims + 1 || input.size(1) > 0, Runtime, op,
              ": Expected input's channel dimension to be non-empty, but got ", input.shape_str());
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, op, ": not implemented for dtype ",
              dtype_name(input.dtype()));
}

// The input as (planes, D, H, W), contiguous, in the kernels' dtype.
Tensor to_planes(const Tensor& x, int dims) {
  Shape s{x.size(0) * x.size(1)};
  for (int i = dims; i < 3; ++i) s.push_back(1);
  for (int d = 0; d < dims; ++d) s.push_back(x.size(2 + d));
  Tensor c = half_float(x.dtype()) ? to_dtype(x, ScalarType::Float32) : x;
  return view(contiguous(c), s);
}

Shape plane_shape(int64_t planes, const Shape& full, int dims) {
  Shape s{planes};
  for (int i = dims; i < 3; ++i) s.push_back(1);
  for (int d = 0; d < dims; ++d) s.push_back(full[2 + d]);
  return s;
}

// A kernel's planes result back as (N, C, *) in `like`'s dtype and memory format.
Tensor from_planes(const Tensor& planes, const Shape& full, const Tensor& like, bool keep_dtype = false) {
  Tensor t = plain_result(view(planes, full));
  if (!keep_dtype && t.dtype() != like.dtype()) t = to_dtype(t, like.dtype());
  const MemoryFormat last = like.dim() == 5 ? MemoryFormat::ChannelsLast3d : MemoryFormat::ChannelsLast;
  if ((like.dim() == 4 || like.dim() == 5) && !like.is_contiguous() && is_contiguous(like, last)) {
    t = contiguous(t, last);
  }
  return t;
}


int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// torch's pooling output size: floor (or ceil) of the window count, where with ceil_mode the
// last window must start inside the input or its left padding.
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (k - 1) - 1;
  int64_t out = floor_div(span + (ceil_mode ? stride - 1 : 0), stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

std::string dims_x(const Shape& s, int64_t from) {
  std::string r = "(";
  for (int64_t d = from; d < static_cast<int64_t>(s.size()); ++d) r += (d > from ? "x" : "") + std::to_string(s[d]);
  return r + ")";
}

// Checks the windows and gives the output sizes (N, C, *out) and the kernel's parameters.
Shape pool_geometry(const Tensor& x, const PoolArgs& a, bool is_max, const char* op, PoolParams& p) {
  const int dims = a.dims;
  for (int d = 0; d < dims; ++d) {
    EMBER_CHECK(a.kernel[d] > 0, Runtime, op, ": kernel_size must be greater than zero, but got ", a.kernel[d]);
    EMBER_CHECK(a.stride[d] > 0, Runtime, op, ": stride must be greater than zero, but got ", a.stride[d]);
    EMBER_CHECK(a.dilation[d] > 0, Runtime, op, ": dilation must be greater than zero, but got ", a.dilation[d]);
    EMBER_CHECK(a.padding[d] >= 0, Runtime, op, ": pad must be non-negative, but got pad: ", a.padding[d]);
    const int64_t effective = is_max ? (a.kernel[d] - 1) * a.dilation[d] + 1 : a.kernel[d];
    EMBER_CHECK(a.padding[d] * 2 <= effective, Runtime,
                "pad should be at most half of effective kernel size, but got pad=", a.padding[d], ", kernel_size=",
                a.kernel[d], " and dilation=", is_max ? a.dilation[d] : 1);
  }
  Shape out{x.size(0), x.size(1)};
  bool too_small = false;
  for (int d = 0; d < dims; ++d) {
    const int64_t o = pooled_size(x.size(2 + d), a.kernel[d], a.padding[d], a.stride[d],
                                  is_max ? a.dilation[d] : 1, a.ceil_mode);
    out.push_back(o);
    too_small |= o < 1;
  }
  Shape in_c(x.sizes().begin() + 1, x.sizes().end()), out_c(out.begin() + 1, out.end());
  EMBER_CHECK(!too_small, Runtime, "Given input size: ", dims_x(in_c, 0), ". Calculated output size: ",
              dims_x(out_c, 0), ". Output size is too small");
  const int lead = 3 - dims;
  for (int d = 0; d < dims; ++d) {
    p.kernel[lead + d] = a.kernel[d];
    p.stride[lead + d] = a.stride[d];
    p.padding[lead + d] = a.padding[d];
    p.dilation[lead + d] = is_max ? a.dilation[d] : 1;
  }
  p.count_include_pad = a.count_include_pad;
  p.divisor_override = a.divisor_override.value_or(0);
  return out;
}

// Runs f on the batched form of `input` ((C, *) gains a batch dim of 1) and drops it again.
template <typename F>
auto batched(const Tensor& input, int dims, F&& f) {
  const bool unbatched = input.dim() == dims + 1;
  auto result = f(unbatched ? unsqueeze(input, 0) : input);
  if (!unbatched) return result;
  if constexpr (std::is_same_v<decltype(result), Tensor>) {
    return squeeze(result, {0}, false);
  } else {
    return decltype(result){squeeze(std::get<0>(result), {0}, false), squeeze(std::get<1>(result), {0}, false)};
  }
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool(const Tensor& input, const PoolArgs& a, const char* op) {
  check_pool_input(input, a.dims, op);
  return batched(input, a.dims, [&](const Tensor& x) {
    PoolParams p;
    const Shape out_sizes = pool_geometry(x, a, true, op, p);
    Tensor values, indices;
    {
      autograd::GradModeGuard no_grad(false);
      Tensor planes = to_planes(x, a.dims);
      Tensor v = empty(plane_shape(planes.size(0), out_sizes, a.dims), planes.dtype(), x.device());
      Tensor i = empty(v.sizes(), ScalarType::Int64, x.device());
      if (v.numel() > 0) kernels::max_pool(v, i, planes, p);
      values = from_planes(v, out_sizes, x);
      indices = from_planes(i, out_sizes, x, true);
    }
    if (autograd::should_record({&x})) autograd::record_index_pool(x, values, indices, a.dims, false);
    return std::tuple<Tensor, Tensor>{values, indices};
  });
}

std::tuple<Tensor, Tensor> adaptive_max_pool(const Tensor& input, int dims, const std::vector<int64_t>& output_size,
                                             const char* op) {
  check_pool_input(input, dims, op);
  EMBER_CHECK(static_cast<int>(output_size.size()) == dims, Runtime, op, ": output_size must be ", dims, "-d");
  return batched(input, dims, [&](const Tensor& x) {
    Shape out_sizes{x.size(0), x.size(1)};
    for (int64_t o : output_size) {
      EMBER_CHECK(o >= 0, Runtime, op, ": elements of output_size must be greater than or equal to 0 but received {",
                  o, "}");
      out_sizes.push_back(o);
    }
    Tensor values, indices;
    {
      autograd::GradModeGuard no_grad(false);
      Tensor planes = to_planes(x, dims);
      Tensor v = empty(plane_shape(planes.size(0), out_sizes, dims), planes.dtype(), x.device());
      Tensor i = empty(v.sizes(), ScalarType::Int64, x.device());
      if (v.numel() > 0) kernels::adaptive_max_pool(v, i, planes);
      values = from_planes(v, out_sizes, x);
      indices = from_planes(i, out_sizes, x, true);
    }
    if (autograd::should_record({&x})) autograd::record_index_pool(x, values, indices, dims, true);
    return std::tuple<Tensor, Tensor>{values, indices};
  });
}

namespace {
// The gradient of a pooled input of `input_sizes`: `fill(planes, grad_planes)` writes it as planes.
template <typename Fill>
Tensor pool_input_grad(const Tensor& grad_out, const Shape& input_sizes, int dims, Fill&& fill) {
  autograd::GradModeGuard no_grad(false);
  Tensor g = to_planes(grad_out, dims);
  Tensor planes = empty(plane_shape(g.size(0), input_sizes, dims), g.dtype(), grad_out.device());
  if (planes.numel() > 0) fill(planes, g);
  return plain_result(in_dtype(view(planes, input_sizes), grad_out.dtype()));
}
}  // namespace

Tensor index_pool_backward(const Tensor& grad_out, const Tensor& indices, const Shape& input_sizes, int dims) {
  Tensor gx = pool_input_grad(grad_out, input_sizes, dims, [&](const Tensor& planes, const Tensor& g) {
    kernels::index_pool_backward(planes, g, view(contiguous(indices), g.sizes()));
  });
  if (autograd::should_record({&grad_out})) autograd::record_gather_planes(grad_out, indices, gx, "MaxPoolBackwardBackward0");
  return gx;
}

Tensor gather_planes(const Tensor& grad, const Tensor& indices) {
  const int64_t planes = grad.size(0) * grad.size(1);
  Tensor flat = reshape(grad, Shape{planes, grad.numel() / std::max<int64_t>(planes, 1)});
  Tensor idx = reshape(indices, Shape{planes, indices.numel() / std::max<int64_t>(planes, 1)});
  return reshape(gather(flat, 1, idx), indices.sizes());
}

Tensor max_unpool(const Tensor& input, const Tensor& indices, int dims, const std::vector<int64_t>& output_size,
                  const char* op) {
  EMBER_CHECK(indices.dtype() == ScalarType::Int64, Runtime, op, ": elements in indices should be type int64 but got: ",
              dtype_name(indices.dtype()));
  EMBER_CHECK(input.sizes() == indices.sizes(), Runtime, op, ": Expected shape of indices to be same as that of the "
              "input tensor (", input.shape_str(), ") but got indices tensor with shape: ", indices.shape_str());
  EMBER_CHECK(static_cast<int>(output_size.size()) == dims, Runtime, op, ": There should be exactly ", dims,
              " elements in output_size, but got ", output_size.size(), " elements.");
  EMBER_CHECK(input.dim() == dims + 1 || input.dim() == dims + 2, Runtime, op, ": Expected ", dims + 1, "D or ",
              dims + 2, "D tensor, but got: ", input.shape_str());
  const bool unbatched = input.dim() == dims + 1;
  Tensor x = unbatched ? unsqueeze(input, 0) : input, idx = unbatched ? unsqueeze(indices, 0) : indices;
  Shape full{x.size(0), x.size(1)};
  for (int64_t o : output_size) full.push_back(o);
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    // each value written once at its index (of repeated indices, one wins), as torch
    const int64_t planes = x.size(0) * x.size(1);
    int64_t plane_size = 1;
    for (int64_t o : output_size) plane_size *= o;
    Tensor v = reshape(x, Shape{planes, x.numel() / std::max<int64_t>(planes, 1)});
    Tensor i = contiguous(reshape(idx, v.sizes()));
    int64_t bad = 0;
    if (i.numel() > 0 && kernels::first_bad_index(i, 0, plane_size, bad)) {
      EMBER_FAIL(Runtime, "Found an invalid max index: ", bad, " (output volumes are of size ", shape_numel(full) /
                 std::max<int64_t>(planes, 1), ")");
    }
    out = plain_result(reshape(scatter(zeros(Shape{planes, plane_size}, x.dtype(), x.device()), 1, i, v), full));
  }
  if (autograd::should_record({&x})) autograd::record_max_unpool(x, idx, out, dims);
  return unbatched ? squeeze(out, {0}, false) : out;
}

Tensor avg_pool_with(const Tensor& input, const PoolParams& p, const Shape& out_sizes, int dims) {
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor planes = to_planes(input, dims);
    Tensor o = empty(plane_shape(planes.size(0), out_sizes, dims), planes.dtype(), input.device());
    if (o.numel() > 0) kernels::avg_pool(o, planes, p);
    out = from_planes(o, out_sizes, input);
  }
  if (autograd::should_record({&input})) autograd::record_avg_pool(input, out, p, dims);
  return out;
}

Tensor avg_pool(const Tensor& input, const PoolArgs& a, const char* op) {
  check_pool_input(input, a.dims, op);
  EMBER_CHECK(!a.divisor_override || *a.divisor_override != 0, Runtime, op, ": divisor must be not zero");
  if (a.dims == 3) {
    const int64_t t = input.size(-3), h = input.size(-2), w = input.size(-1);
    EMBER_CHECK(t >= a.kernel[0] && h >= a.kernel[1] && w >= a.kernel[2], Runtime, "input image (T: ", t, " H: ", h,
                " W: ", w, ") smaller than kernel size (kT: ", a.kernel[0], " kH: ", a.kernel[1], " kW: ", a.kernel[2],
                ")");
  }
  return batched(input, a.dims, [&](const Tensor& x) {
    PoolParams p;
    const Shape out_sizes = pool_geometry(x, a, false, op, p);
    return avg_pool_with(x, p, out_sizes, a.dims);
  });
}

Tensor avg_pool_backward(const Tensor& grad_out, const Shape& input_sizes, const PoolParams& p, int dims) {
  Tensor gx = pool_input_grad(grad_out, input_sizes, dims, [&](const Tensor& planes, const Tensor& g) {
    kernels::avg_pool_backward(planes, g, p);
  });
  if (autograd::should_record({&grad_out})) autograd::record_avg_pool_backward(grad_out, gx, p, dims);
  return gx;
}

Tensor adaptive_avg_pool_with(const Tensor& input, const Shape& out_sizes, int dims) {
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor planes = to_planes(input, dims);
    Tensor o = empty(plane_shape(planes.size(0), out_sizes, dims), planes.dtype(), input.device());
    if (o.numel() > 0) kernels::adaptive_avg_pool(o, planes);
    out = from_planes(o, out_sizes, input);
  }
  if (autograd::should_record({&input})) autograd::record_adaptive_avg_pool(input, out, dims);
  return out;
}

Tensor adaptive_avg_pool(const Tensor& input, int dims, const std::vector<int64_t>& output_size, const char* op) {
  check_pool_input(input, dims, op);
  EMBER_CHECK(static_cast<int>(output_size.size()) == dims, Runtime, op, ": output_size must be ", dims, "-d");
  return batched(input, dims, [&](const Tensor& x) {
    Shape out_sizes{x.size(0), x.size(1)};
    for (int64_t o : output_size) {
      EMBER_CHECK(o >= 0, Runtime, op, ": elements of output_size must be greater than or equal to 0 but received {",
                  o, "}");
      out_sizes.push_back(o);
    }
    return adaptive_avg_pool_with(x, out_sizes, dims);
  });
}

Tensor adaptive_avg_pool_backward(const Tensor& grad_out, const Shape& input_sizes, int dims) {
  Tensor gx = pool_input_grad(grad_out, input_sizes, dims, [&](const Tensor& planes, const Tensor& g) {
    kernels::adaptive_avg_pool_backward(planes, g);
  });
  if (autograd::should_record({&grad_out})) autograd::record_adaptive_avg_pool_backward(grad_out, gx, dims);
  return gx;
}

}  // namespace ember
