// Derivatives of the sampling ops. resample is linear in its input with constant taps, so its
// gradient is its adjoint (a scatter with the same taps) and the adjoint's gradient is resample
// again: any order of derivative composes. grid_sampler's backward is one native kernel for both
// input and grid; like torch, that backward has no derivative of its own.
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "kernels/kernels.h"
#include "ops/nn.h"

namespace ember::autograd {

namespace {

struct ResampleBackward : Node {
  SavedTensor index, weight;
  int64_t dim = 0, input_size = 0;
  bool adjoint = false;  // this node belongs to resample_adjoint: its gradient is resample
  std::string name() const override { return adjoint ? "ResampleBackwardBackward0" : "ResampleBackward0"; }
  bool release_saved() override {
    bool any = index.reset();
    return weight.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor idx = index.unpack(self), w = weight.unpack(self);
    return {adjoint ? resample(grads[0], dim, idx, w) : resample_adjoint(grads[0], dim, input_size, idx, w)};
  }
};

struct GridSamplerBackward : Node {
  SavedTensor input, grid;
  GridSampleParams p;
  int64_t grid_dims = 2;  // spatial dims: 2 or 3
  std::string name() const override { return "GridSampler" + std::to_string(grid_dims) + "DBackward0"; }
  bool release_saved() override {
    bool any = input.reset();
    return grid.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor x = input.unpack(self), g = grid.unpack(self);
    const bool want_input = next_edges[0].valid();
    Tensor gx, gg;
    {
      GradModeGuard no_grad(false);
      const ScalarType dtype = compute_dtype(x);
      Tensor xc = contiguous(in_dtype(x, dtype)), gc = contiguous(in_dtype(g, dtype));
      Tensor go = contiguous(in_dtype(grads[0], dtype));
      gg = empty(gc.sizes(), dtype, g.device());
      if (want_input) gx = empty(xc.sizes(), dtype, x.device());
      if (go.numel() > 0 || gg.numel() > 0 || (want_input && gx.numel() > 0)) {
        kernels::grid_sample_backward(want_input ? &gx : nullptr, gg, go, xc, gc, p);
      }
      if (want_input) gx = in_dtype(gx, x.dtype());
      gg = in_dtype(gg, g.dtype());
    }
    // the backward of grid_sampler's backward: torch has none either
    std::vector<Tensor> results{gx, gg};
    const std::string dims = std::to_string(grid_dims);
    mark_not_differentiable(results, {grads[0], x, g}, "GridSampler" + dims + "DBackwardBackward0",
                            "grid_sampler_" + dims + "d_backward");
    return results;
  }
};

}  // namespace

void record_resample(const Tensor& input, const Tensor& out, int64_t dim, const Tensor& index, const Tensor& weight) {
  auto node = make_node<ResampleBackward>({&input});
  node->index = SavedTensor(index, false);
  node->weight = SavedTensor(weight, false);
  node->dim = dim;
  node->input_size = input.size(dim);
  set_history(out, node);
}

void record_resample_adjoint(const Tensor& grad_out, const Tensor& grad_in, int64_t dim, const Tensor& index,
                             const Tensor& weight) {
  auto node = make_node<ResampleBackward>({&grad_out});
  node->index = SavedTensor(index, false);
  node->weight = SavedTensor(weight, false);
  node->dim = dim;
  node->input_size = grad_out.size(dim);
  node->adjoint = true;
  set_history(grad_in, node);
}

void record_grid_sampler(const Tensor& input, const Tensor& grid, const Tensor& out, const GridSampleParams& p) {
  auto node = make_node<GridSamplerBackward>({&input, &grid});
  node->input = SavedTensor(input, false);
  node->grid = SavedTensor(grid, false);
  node->p = p;
  node->grid_dims = input.dim() - 2;
  set_history(out, node);
}

}  // namespace ember::autograd
