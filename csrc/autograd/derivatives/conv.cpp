// Backward formulas of the convolutions. A convolution is bilinear in (input, weight): its input
// gradient is the transposed convolution of the output gradient, its weight gradient the
// weight-gradient op, and a transposed convolution swaps the two roles. The weight-gradient op
// is bilinear too, so every formula is again a convolution: double backward composes.
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "ops/nn.h"

namespace ember::autograd {

namespace {

// Sums a gradient (N, C, *) over all dims but the channels: the bias gradient.
Tensor channel_sum(const Tensor& g) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < g.dim(); ++d) dims.push_back(d);
  return sum(g, dims, false, std::nullopt);
}

// A convolution's output cut to `sizes`: convolving a transposed convolution's output with
// output_padding >= stride gives floor(output_padding / stride) extra trailing elements per dim.
Tensor cut_to(Tensor t, const Shape& sizes) {
  for (int64_t d = 2; d < t.dim(); ++d) {
    if (t.size(d) > sizes[d]) t = narrow(t, d, 0, sizes[d]);
  }
  return t;
}

struct ConvolutionBackward : Node {
  SavedTensor input, weight;  // each saved only when the other's gradient needs it
  Shape input_sizes, weight_sizes;
  ConvParams p;
  bool transposed = false;
  std::string name() const override { return "ConvolutionBackward0"; }
  bool release_saved() override {
    bool any = input.reset();
    return weight.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    const Tensor& g = grads[0];
    Tensor gx, gw, gb;
    if (next_edges[0].valid()) {
      Tensor w = weight.unpack(self);
      gx = transposed ? cut_to(convolution_checked(g, w, nullptr, p, false, {}), input_sizes)
                      : convolution_input_grad(g, w, input_sizes, p);
    }
    if (next_edges[1].valid()) {
      Tensor x = input.unpack(self);
      gw = transposed ? convolution_weight_grad(g, x, weight_sizes, p) : convolution_weight_grad(x, g, weight_sizes, p);
    }
    if (next_edges.size() > 2 && next_edges[2].valid()) gb = channel_sum(g);
    std::vector<Tensor> r{gx, gw, gb};
    r.resize(next_edges.size());
    return r;
  }
};

struct ConvolutionWeightGradBackward : Node {
  SavedTensor input, grad_out;
  ConvParams p;
  std::string name() const override { return "ConvolutionBackwardBackward0"; }
  bool release_saved() override {
    bool any = input.reset();
    return grad_out.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    const Tensor& ggw = grads[0];
    Tensor x = input.unpack(self), gy = grad_out.unpack(self);
    Tensor gx, ggy;
    if (next_edges[0].valid()) gx = convolution_input_grad(gy, ggw, x.sizes(), p);
    if (next_edges[1].valid()) ggy = cut_to(convolution_checked(x, ggw, nullptr, p, false, {}), gy.sizes());
    return {gx, ggy};
  }
};

}  // namespace

void record_convolution(const Tensor& input, const Tensor& weight, const Tensor* bias, const Tensor& out,
                        const ConvParams& p, bool transposed) {
  auto node = bias ? make_node<ConvolutionBackward>({&input, &weight, bias})
                   : make_node<ConvolutionBackward>({&input, &weight});
  node->p = p;
  node->transposed = transposed;
  node->input_sizes = input.sizes();
  node->weight_sizes = weight.sizes();
  if (node->next_edges[1].valid()) node->input = SavedTensor(input, false);
  if (node->next_edges[0].valid()) node->weight = SavedTensor(weight, false);
  set_history(out, node);
}

void record_convolution_weight_grad(const Tensor& input, const Tensor& grad_out, const Tensor& grad_weight,
                                    const ConvParams& p) {
  auto node = make_node<ConvolutionWeightGradBackward>({&input, &grad_out});
  node->p = p;
  node->input = SavedTensor(input, false);
  node->grad_out = SavedTensor(grad_out, false);
  set_history(grad_weight, node);
}

}  // namespace ember::autograd
