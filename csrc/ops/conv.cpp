// Convolutions: torch.convolution's checks and shapes, then one kernel of the device table.
// A transposed convolution is the input-gradient kernel run forward; the backward of either kind
// is a convolution of the other kind plus the weight-gradient op (autograd/derivatives/conv.cpp).
#include <string>

#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"
#include "ops/shape_ops.h"

namespace ember {

namespace {

// One value per spatial dim, from torch's "a single integer value or a list of n values".
std::array<int64_t, 3> per_dim(const std::vector<int64_t>& v, int dims, const char* what) {
  EMBER_CHECK(v.size() == 1 || static_cast<int>(v.size()) == dims, Runtime, "expected ", what,
              " to be a single integer value or a list of ", dims,
              " values to match the convolution dimensions, but got ", what, "=", list_str(v));
  std::array<int64_t, 3> out{};
  for (int d = 0; d < dims; ++d) out[d] = v.size() == 1 ? v[0] : v[d];
  return out;
}

std::string sizes_x(const std::array<int64_t, 3>& v, int dims) {
  std::string s = "(";
  for (int d = 0; d < dims; ++d) s += (d ? " x " : "") + std::to_string(v[d]);
  return s + ")";
}

// The memory format of a convolution's output: channels-last when the input (or the weight) is
// laid out channels-last and not also contiguous, as torch's suggest_memory_format.
MemoryFormat conv_format(const Tensor& input, const Tensor& weight) {
  const MemoryFormat last = input.dim() == 5 ? MemoryFormat::ChannelsLast3d : MemoryFormat::ChannelsLast;
  if (input.dim() != 4 && input.dim() != 5) return MemoryFormat::Contiguous;
  for (const Tensor* t : {&input, &weight}) {
    if (!t->is_contiguous() && is_contiguous(*t, last)) return last;
  }
  return MemoryFormat::Contiguous;
}

Tensor empty_in_format(const Shape& sizes, ScalarType dtype, Device device, MemoryFormat format) {
  Tensor t = empty(sizes, dtype, device);
  return format == MemoryFormat::Contiguous ? t : contiguous(t, format);
}

Tensor conv_output(const Tensor& input, const Tensor& weight, const ConvParams& p, bool transposed,
                   const std::array<int64_t, 3>& output_padding) {
  Shape sizes{input.size(0), transposed ? weight.size(1) * p.groups : weight.size(0)};
  for (int d = 0; d < p.dims; ++d) {
    const int64_t in = input.size(2 + d), k = weight.size(2 + d);
    const int64_t span = p.dilation[d] * (k - 1) + 1;
    sizes.push_back(transposed ? (in - 1) * p.stride[d] - 2 * p.padding[d] + span + output_padding[d]
                               : (in + 2 * p.padding[d] - span) / p.stride[d] + 1);
  }
  return empty_in_format(sizes, input.dtype(), input.device(), conv_format(input, weight));
}

// A per-channel vector (C) as (C, 1, ...) against (N, C, *spatial).
Tensor channel_view(const Tensor& v, int dims) {
  Shape sizes{v.numel()};
  for (int d = 0; d < dims; ++d) sizes.push_back(1);
  return view(v, sizes);
}

// The C++ type names torch's messages use.
const char* c_type_name(ScalarType t) {
  switch (t) {
    case ScalarType::Float32: return "float";
    case ScalarType::Float64: return "double";
    case ScalarType::Float16: return "c10::Half";
    case ScalarType::BFloat16: return "c10::BFloat16";
    default: return dtype_name(t);
  }
}

}  // namespace

Tensor convolution_checked(const Tensor& input, const Tensor& weight, const Tensor* bias, const ConvParams& p,
                           bool transposed, const std::array<int64_t, 3>& output_padding) {
  Tensor out = conv_output(input, weight, p, transposed, output_padding);
  {
    autograd::GradModeGuard no_grad(false);
    const ScalarType dtype = input.dtype();
    const MemoryFormat fmt = conv_format(input, weight);
    auto prepared = [&](const Tensor& t, MemoryFormat f) {
      Tensor c = half_float(dtype) ? to_dtype(t, ScalarType::Float32) : t;
      return contiguous(c, f);
    };
    Tensor x = prepared(input, fmt), w = prepared(weight, MemoryFormat::Contiguous);
    Tensor b = bias ? prepared(*bias, MemoryFormat::Contiguous) : Tensor();
    Tensor y = half_float(dtype) ? empty_in_format(out.sizes(), ScalarType::Float32, out.device(), fmt) : out;
    if (y.numel() > 0) {
      if (x.numel() == 0 || w.numel() == 0) {
        // no input channels or an empty kernel: the output is the bias
        fill_(y, Scalar(0.0));
        if (bias) binary_out(BinaryOp::Add, y, channel_view(b, p.dims), y);
      } else if (!transposed) {
        kernels::conv_forward(y, x, w, bias ? &b : nullptr, p);
      } else {
        kernels::conv_backward_input(y, x, w, p);
        if (bias) binary_out(BinaryOp::Add, y, channel_view(b, p.dims), y);
      }
    }
    if (half_float(dtype)) copy_(out, y);
  }
  if (autograd::should_record({&input, &weight, bias})) {
    autograd::record_convolution(input, weight, bias, out, p, transposed);
  }
  return out;
}

Tensor convolution_weight_grad(const Tensor& input, const Tensor& grad_out, const Shape& weight_sizes,
                               const ConvParams& p) {
  Tensor gw = empty(weight_sizes, input.dtype(), input.device());
  {
    autograd::GradModeGuard no_grad(false);
    const ScalarType dtype = input.dtype();
    const MemoryFormat fmt = conv_format(input, input);
    auto prepared = [&](const Tensor& t) {
      Tensor c = half_float(dtype) ? to_dtype(t, ScalarType::Float32) : t;
      return contiguous(c, fmt);
    };
    Tensor x = prepared(input), gy = prepared(grad_out);
    Tensor y = half_float(dtype) ? empty(weight_sizes, ScalarType::Float32, gw.device()) : gw;
    if (x.numel() == 0 || gy.numel() == 0) {
      fill_(y, Scalar(0.0));
    } else if (y.numel() > 0) {
      kernels::conv_backward_weight(y, x, gy, p);
    }
    if (half_float(dtype)) copy_(gw, y);
  }
  if (autograd::should_record({&input, &grad_out})) autograd::record_convolution_weight_grad(input, grad_out, gw, p);
  return gw;
}

Tensor convolution_input_grad(const Tensor& grad_out, const Tensor& weight, const Shape& input_sizes,
                              const ConvParams& p) {
  std::array<int64_t, 3> output_padding{};
  for (int d = 0; d < p.dims; ++d) {
    const int64_t span = p.dilation[d] * (weight.size(2 + d) - 1) + 1;
    output_padding[d] = input_sizes[2 + d] - ((grad_out.size(2 + d) - 1) * p.stride[d] - 2 * p.padding[d] + span);
  }
  return convolution_checked(grad_out, weight, nullptr, p, true, output_padding);
}

Tensor convolution(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                   const std::vector<int64_t>& dilation, bool transposed, const std::vector<int64_t>& output_padding,
                   int64_t groups, bool allow_unbatched) {
  const int64_t wdim = weight.dim();
  EMBER_CHECK(wdim >= 3, Runtime, "weight should have at least three dimensions");
  EMBER_CHECK(wdim <= 5, NotImplemented, "convolution: ", wdim - 2, "-d convolutions are not implemented (1-3)");
  const int dims = static_cast<int>(wdim - 2);
  EMBER_CHECK(allow_unbatched || input.dim() == wdim, Runtime, "Expected ", wdim, "-dimensional input for ", wdim,
              "-dimensional weight ", weight.shape_str(), ", but got ", input.dim(), "-dimensional input of size ",
              input.shape_str(), " instead");
  EMBER_CHECK(input.dim() == wdim || input.dim() == wdim - 1, Runtime, "Expected ", wdim - 1, "D (unbatched) or ",
              wdim, "D (batched) input to conv", dims, "d, but got input of size: ", input.shape_str());
  if (input.dim() == wdim - 1) {
    Tensor out = convolution(unsqueeze(input, 0), weight, bias, stride, padding, dilation, transposed, output_padding,
                             groups, true);
    return squeeze(out, {0}, false);
  }
  ConvParams p;
  p.dims = dims;
  p.stride = per_dim(stride, dims, "stride");
  p.padding = per_dim(padding, dims, "padding");
  p.dilation = per_dim(dilation, dims, "dilation");
  p.groups = groups;
  const std::array<int64_t, 3> out_pad = per_dim(output_padding, dims, "output_padding");
  for (int d = 0; d < dims; ++d) {
    EMBER_CHECK(p.stride[d] > 0, Runtime, "non-positive stride is not supported");
    EMBER_CHECK(p.padding[d] >= 0, Runtime, "negative padding is not supported");
    EMBER_CHECK(p.dilation[d] > 0, Runtime, "dilation should be greater than zero");
    EMBER_CHECK(out_pad[d] >= 0, Runtime, "negative output_padding is not supported");
  }
  EMBER_CHECK(groups > 0, Runtime, "non-positive groups is not supported");
  if (transposed) {
    for (int d = 0; d < dims; ++d) {
      EMBER_CHECK(out_pad[d] < p.stride[d] || out_pad[d] < p.dilation[d], Runtime,
                  "output padding must be smaller than either stride or dilation, but got output_padding ",
                  sizes_x(out_pad, dims), ", stride ", sizes_x(p.stride, dims), " and dilation ",
                  sizes_x(p.dilation, dims));
    }
  }
  EMBER_CHECK(input.dtype() == weight.dtype(), Runtime, "expected scalar type ", torch_dtype_name(input.dtype()),
              " but found ", torch_dtype_name(weight.dtype()));
  EMBER_CHECK(input.device() == weight.device(), Runtime, "convolution: expected input and weight on the same device, "
              "but got ", input.device().str(), " and ", weight.device().str());
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, "convolution: not implemented for dtype ",
              dtype_name(input.dtype()));
  EMBER_CHECK(weight.size(0) % groups == 0, Runtime, "Given groups=", groups, ", expected weight to be divisible by ",
              groups, " at dimension 0, but got weight of size ", weight.shape_str(), " instead");
  const int64_t channels = transposed ? weight.size(0) : weight.size(1) * groups;
  EMBER_CHECK(input.size(1) == channels, Runtime, "Given ", transposed ? "transposed=1" : "groups=" + std::to_string(groups),
              ", weight of size ", weight.shape_str(), ", expected input", input.shape_str(), " to have ", channels,
              " channels, but got ", input.size(1), " channels instead");
  const int64_t out_channels = transposed ? weight.size(1) * groups : weight.size(0);
  if (bias) {
    EMBER_CHECK(bias->dim() == 1 && bias->size(0) == out_channels, Runtime, "Given weight of size ",
                weight.shape_str(), ", expected bias to be 1-dimensional with ", out_channels,
                " elements, but got bias of size ", bias->shape_str(), " instead");
    EMBER_CHECK(bias->dtype() == input.dtype(), Runtime, "Input type (", c_type_name(input.dtype()),
                ") and bias type (", c_type_name(bias->dtype()), ") should be the same");
  }
  if (!transposed) {
    std::array<int64_t, 3> padded{}, kernel{}, out_size{};
    bool too_big = false, too_small = false;
    for (int d = 0; d < dims; ++d) {
      padded[d] = input.size(2 + d) + 2 * p.padding[d];
      kernel[d] = p.dilation[d] * (weight.size(2 + d) - 1) + 1;
      out_size[d] = padded[d] >= kernel[d] ? (padded[d] - kernel[d]) / p.stride[d] + 1 : 0;
      too_big |= kernel[d] > padded[d];
      too_small |= out_size[d] < 1;
    }
    EMBER_CHECK(!too_big, Runtime, "Calculated padded input size per channel: ", sizes_x(padded, dims),
                ". Kernel size: ", sizes_x(kernel, dims), ". Kernel size can't be greater than actual input size");
    EMBER_CHECK(!too_small, Runtime, "Given input size per channel: ", sizes_x(padded, dims),
                ". Calculated output size per channel: ", sizes_x(out_size, dims), ". Output size is too small");
  } else {
    for (int d = 0; d < dims; ++d) {
      const int64_t o = (input.size(2 + d) - 1) * p.stride[d] - 2 * p.padding[d] +
                        p.dilation[d] * (weight.size(2 + d) - 1) + 1 + out_pad[d];
      EMBER_CHECK(o > 0, Runtime, "conv_transpose", dims, "d: the output size ", o, " along spatial dim ", d,
                  " is not positive (input ", input.shape_str(), ", weight ", weight.shape_str(), ")");
    }
  }
  return convolution_checked(input, weight, bias ? &*bias : nullptr, p, transposed, out_pad);
}

}  // namespace ember
