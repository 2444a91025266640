// The sampling ops of F.interpolate and F.grid_sample. interpolate is separable: Python computes
// each dim's source indices and weights (a few numbers per output row) and `resample` applies
// them in one native pass per dim, so any mode (nearest, linear, cubic, area, antialiased) is the
// same kernel. grid_sampler reads the taps of each grid point directly.
#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"
#include "ops/shape_ops.h"

namespace ember {

namespace {

// A tensor as (A, n, B) around `dim`, contiguous in the compute dtype.
Tensor around_dim(const Tensor& t, int64_t dim, ScalarType dtype) {
  int64_t a = 1, b = 1;
  for (int64_t d = 0; d < dim; ++d) a *= t.size(d);
  for (int64_t d = dim + 1; d < t.dim(); ++d) b *= t.size(d);
  return view(contiguous(in_dtype(t, dtype)), Shape{a, t.size(dim), b});
}

void check_taps(const char* op, const Tensor& x, const Tensor& index, const Tensor& weight) {
  EMBER_CHECK(is_floating(x.dtype()), NotImplemented, op, ": not implemented for dtype ", dtype_name(x.dtype()));
  EMBER_CHECK(index.dtype() == ScalarType::Int64 && index.dim() == 2, Runtime, op,
              ": expected a 2-D int64 index (outputs, taps), got ", dtype_name(index.dtype()), " of size ",
              index.shape_str());
  EMBER_CHECK(weight.sizes() == index.sizes() && is_floating(weight.dtype()), Runtime, op,
              ": expected a floating weight of the index's size ", index.shape_str(), ", got ", dtype_name(weight.dtype()),
              " of size ", weight.shape_str());
  EMBER_CHECK(index.device() == x.device() && weight.device() == x.device(), Runtime, op,
              ": expected index and weight on the input's device ", x.device().str());
  EMBER_CHECK(!autograd::should_record({&weight}), NotImplemented, op,
              ": the derivative for 'weight' is not implemented: the taps are constants");
}

// The taps in the compute dtype, contiguous (called without grad mode: no history).
std::pair<Tensor, Tensor> prepared_taps(const Tensor& index, const Tensor& weight, ScalarType dtype) {
  return {contiguous(index), contiguous(in_dtype(weight, dtype))};
}

}  // namespace

Tensor resample(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& weight) {
  check_taps("resample", input, index, weight);
  EMBER_CHECK(input.dim() > 0, Runtime, "resample: expected an input with at least 1 dimension");
  dim = wrap_dim(dim, input.dim());
  const int64_t n = input.size(dim);
  Shape out_sizes = input.sizes();
  out_sizes[dim] = index.size(0);
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    const ScalarType dtype = compute_dtype(input);
    auto [idx, w] = prepared_taps(index, weight, dtype);
    if (idx.numel() > 0 && input.numel() > 0 && !input.device().is_meta()) {
      // out-of-range taps would read outside the input: check once on the host
      EMBER_CHECK(n > 0, Index, "resample: index out of range for an empty dim ", dim);
      const int64_t low = item(amin(idx, {}, false)).to_int(), high = item(amax(idx, {}, false)).to_int();
      EMBER_CHECK(low >= 0 && high < n, Index, "resample: index ", low < 0 ? low : high, " is out of range for dim ",
                  dim, " of size ", n);
    }
    Tensor x = around_dim(input, dim, dtype);
    Tensor o = empty(Shape{x.size(0), index.size(0), x.size(2)}, dtype, input.device());
    if (o.numel() > 0) kernels::resample(o, x, idx, w);
    out = plain_result(in_dtype(view(o, out_sizes), input.dtype()));
  }
  if (autograd::should_record({&input})) autograd::record_resample(input, out, dim, index, weight);
  return out;
}

Tensor resample_adjoint(const Tensor& grad_out, int64_t dim, int64_t input_size, const Tensor& index,
                        const Tensor& weight) {
  check_taps("resample_backward", grad_out, index, weight);
  dim = wrap_dim(dim, grad_out.dim());
  EMBER_CHECK(grad_out.size(dim) == index.size(0), Runtime, "resample_backward: expected ", index.size(0),
              " outputs along dim ", dim, ", got a gradient of size ", grad_out.shape_str());
  Shape in_sizes = grad_out.sizes();
  in_sizes[dim] = input_size;
  Tensor gx;
  {
    autograd::GradModeGuard no_grad(false);
    const ScalarType dtype = compute_dtype(grad_out);
    auto [idx, w] = prepared_taps(index, weight, dtype);
    Tensor g = around_dim(grad_out, dim, dtype);
    Tensor gi = empty(Shape{g.size(0), input_size, g.size(2)}, dtype, grad_out.device());
    if (gi.numel() > 0) kernels::resample_backward(gi, g, idx, w);
    gx = plain_result(in_dtype(view(gi, in_sizes), grad_out.dtype()));
  }
  if (autograd::should_record({&grad_out})) autograd::record_resample_adjoint(grad_out, gx, dim, index, weight);
  return gx;
}

Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding_mode, bool align_corners) {
  EMBER_CHECK(input.device() == grid.device(), Runtime,
              "grid_sampler(): expected input and grid to be on same device, but input is on ", input.device().str(),
              " and grid is on ", grid.device().str());
  EMBER_CHECK(input.dim() > 0 && grid.dim() > 0 && input.size(0) == grid.size(0), Runtime,
              "grid_sampler(): expected grid and input to have same batch size, but got input with sizes ",
              input.shape_str(), " and grid with sizes ", grid.shape_str());
  EMBER_CHECK(grid.size(grid.dim() - 1) == input.dim() - 2, Runtime, "grid_sampler(): expected grid to have size ",
              input.dim() - 2, " in last dimension, but got grid with sizes ", grid.shape_str());
  EMBER_CHECK((input.dim() == 4 || input.dim() == 5) && grid.dim() == input.dim(), Runtime,
              "grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got input with "
              "sizes ", input.shape_str(), " and grid with sizes ", grid.shape_str());
  for (int64_t d = 2; d < input.dim(); ++d) {
    EMBER_CHECK(input.size(d) > 0, Runtime, "grid_sampler(): expected input to have non-empty spatial dimensions, "
                "but input has sizes ", input.shape_str(), " with dimension ", d, " being empty");
  }
  EMBER_CHECK(mode >= 0 && mode <= 2, Runtime, "grid_sampler(): expected interpolation mode 0 (bilinear), 1 (nearest) "
              "or 2 (bicubic), got ", mode);
  EMBER_CHECK(padding_mode >= 0 && padding_mode <= 2, Runtime, "grid_sampler(): expected padding mode 0 (zeros), "
              "1 (border) or 2 (reflection), got ", padding_mode);
  EMBER_CHECK(mode != 2 || input.dim() == 4, Runtime, "grid_sampler(): bicubic interpolation only supports 4D input");
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, "\"grid_sampler_", input.dim() - 2,
              "d_cpu_kernel_impl\" not implemented for '", torch_dtype_name(input.dtype()), "'");
  EMBER_CHECK(grid.dtype() == input.dtype(), Runtime, "grid_sampler(): expected scalar type ", torch_dtype_name(input.dtype()),
              " but found ", torch_dtype_name(grid.dtype()));
  GridSampleParams p;
  p.mode = static_cast<GridSampleMode>(mode);
  p.padding = static_cast<GridSamplePadding>(padding_mode);
  p.align_corners = align_corners;
  Shape out_sizes{input.size(0), input.size(1)};
  for (int64_t d = 1; d + 1 < grid.dim(); ++d) out_sizes.push_back(grid.size(d));
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    const ScalarType dtype = compute_dtype(input);
    Tensor o = empty(out_sizes, dtype, input.device());
    if (o.numel() > 0) kernels::grid_sample(o, contiguous(in_dtype(input, dtype)), contiguous(in_dtype(grid, dtype)), p);
    out = in_dtype(o, input.dtype());
  }
  if (autograd::should_record({&input, &grid})) autograd::record_grid_sampler(input, grid, out, p);
  return out;
}

}  // namespace ember
