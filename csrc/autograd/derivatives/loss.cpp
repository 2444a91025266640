// Backward of the class-index losses. For the fused cross entropy, Per row, with p = softmax(logits), t the target and w the
// class weights (ones without them):
//   d nll / d logit_k = w_t (p_k - [k = t]),   d smooth / d logit_k = p_k sum(w) - w_k
// The native kernel computes that from the saved logsumexp; under create_graph the same formula
// in ember ops keeps the gradient differentiable.
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "kernels/kernels.h"
#include "ops/index_ops.h"
#include "ops/nn.h"
#include "ops/shape_ops.h"

namespace ember::autograd {

using namespace formulas;

namespace {

struct CrossEntropyBackward : Node {
  SavedTensor input, logits, target, weight, lse, denominator;  // logits: input as (N, C, L), no history
  Shape input_sizes;
  ScalarType input_dtype = ScalarType::Float32;
  int64_t ignore_index = -100;
  double label_smoothing = 0;
  int reduction = 1;
  std::string name() const override { return "CrossEntropyLossBackward0"; }
  bool release_saved() override {
    bool any = logits.reset();
    any = input.reset() || any;
    any = target.reset() || any;
    any = weight.reset() || any;
    any = denominator.reset() || any;
    return lse.reset() || any;
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor x = logits.unpack(self), t = target.unpack(self), w = weight.unpack(self), s = lse.unpack(self);
    const int64_t N = x.size(0), C = x.size(1), L = x.size(2);
    const double eps = label_smoothing;
    Tensor g = to_dtype(grads[0], x.dtype());
    Tensor rows = reduction == static_cast<int>(Reduction::None) ? reshape(g, Shape{N, L}) : g;
    if (reduction == static_cast<int>(Reduction::Mean)) rows = div(rows, denominator.unpack(self));
    if (rows.dim() == 0) rows = expand(rows, Shape{N, L});
    Tensor g_nll = eps > 0 ? mul(rows, num(1.0 - eps)) : rows;
    Tensor g_smooth = eps > 0 ? mul(rows, num(eps / C)) : Tensor();
    Tensor gx;
    if (!grad_enabled()) {
      gx = empty(x.sizes(), x.dtype(), x.device());
      ClassLossParams p;
      p.ignore_index = ignore_index;
      p.weight = w.defined() ? &w : nullptr;
      Tensor gs = g_smooth.defined() ? contiguous(g_smooth) : Tensor();
      if (gx.numel() > 0) {
        kernels::cross_entropy_backward(gx, contiguous(g_nll), gs.defined() ? &gs : nullptr, x, s, t, p);
      }
    } else {
      Tensor valid = to_dtype(binary(BinaryOp::Ne, t, scalar_tensor(Scalar(ignore_index), ScalarType::Int64)), x.dtype());
      Tensor safe = where(binary(BinaryOp::Ne, t, scalar_tensor(Scalar(ignore_index), ScalarType::Int64)), t,
                          scalar_tensor(Scalar(int64_t(0)), ScalarType::Int64));
      Tensor w_t = w.defined() ? reshape(index_select(w, 0, reshape(safe, Shape{-1})), Shape{N, L}) : valid;
      Tensor a = mul(mul(g_nll, w_t), valid);
      Tensor onehot = permute(to_dtype(one_hot(safe, C), x.dtype()), {0, 2, 1});
      // the input itself (logits has no history): differentiable in it
      Tensor xin = input.unpack(self);
      Tensor prob = softmax(reshape(xin.dtype() == x.dtype() ? xin : to_dtype(xin, x.dtype()), x.sizes()), 1, std::nullopt);
      Tensor coeff = a;
      Tensor result;
      if (g_smooth.defined()) {
        Tensor c = mul(g_smooth, valid);
        Tensor w_sum = w.defined() ? sum(w, {}, false, std::nullopt) : num(static_cast<double>(C));
        Tensor w_col = w.defined() ? reshape(w, Shape{1, C, 1}) : num(1.0);
        coeff = add(a, mul(c, w_sum));
        result = sub(mul(prob, unsqueeze(coeff, 1)), mul(unsqueeze(c, 1), w_col));
      } else {
        result = mul(prob, unsqueeze(coeff, 1));
      }
      gx = sub(result, mul(unsqueeze(a, 1), onehot));
    }
    gx = reshape(gx, input_sizes);
    return {gx.dtype() == input_dtype ? gx : to_dtype(gx, input_dtype)};
  }
};

// d nll / d logp[n, k, l] = -w[t] [k = t] (0 for ignored rows): a scatter of the row gradients,
// independent of the input, so the formula in ember ops (under create_graph) is linear in them.
struct NllLossBackward : Node {
  SavedTensor target, weight, denominator;
  Shape input_sizes, rows;  // rows: (N, C, L)
  ScalarType input_dtype = ScalarType::Float32, dtype = ScalarType::Float32;
  int64_t ignore_index = -100;
  int reduction = 1;
  std::string name() const override { return "NllLossBackward0"; }
  bool release_saved() override {
    bool any = target.reset();
    any = weight.reset() || any;
    return denominator.reset() || any;
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor t = target.unpack(self), w = weight.unpack(self);
    const int64_t N = rows[0], C = rows[1], L = rows[2];
    Tensor g = to_dtype(grads[0], dtype);
    if (reduction == static_cast<int>(Reduction::Mean)) g = div(g, denominator.unpack(self));
    Tensor per_row = reduction == static_cast<int>(Reduction::None) ? reshape(g, Shape{N, L}) : expand(g, Shape{N, L});
    Tensor gx;
    if (!grad_enabled()) {
      gx = empty(rows, dtype, g.device());
      ClassLossParams p;
      p.ignore_index = ignore_index;
      p.weight = w.defined() ? &w : nullptr;
      if (gx.numel() > 0) kernels::nll_loss_backward(gx, contiguous(per_row), t, p);
    } else {
      Tensor valid = binary(BinaryOp::Ne, t, scalar_tensor(Scalar(ignore_index), ScalarType::Int64));
      Tensor safe = where(valid, t, scalar_tensor(Scalar(int64_t(0)), ScalarType::Int64));
      Tensor w_t = w.defined() ? mul(reshape(index_select(w, 0, reshape(safe, Shape{-1})), Shape{N, L}), to_dtype(valid, dtype))
                               : to_dtype(valid, dtype);
      Tensor onehot = permute(to_dtype(one_hot(safe, C), dtype), {0, 2, 1});
      gx = neg(mul(onehot, unsqueeze(mul(per_row, w_t), 1)));
    }
    gx = reshape(gx, input_sizes);
    return {gx.dtype() == input_dtype ? gx : to_dtype(gx, input_dtype)};
  }
};

}  // namespace

void record_nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, const Tensor& denominator,
                     const Tensor& loss, const Shape& rows, int64_t ignore_index, int reduction) {
  auto node = make_node<NllLossBackward>({&input});
  node->target = SavedTensor(target, false);
  if (weight.defined()) node->weight = SavedTensor(weight, false);
  if (denominator.defined()) node->denominator = SavedTensor(denominator, false);
  node->input_sizes = input.sizes();
  node->rows = rows;
  node->input_dtype = input.dtype();
  node->dtype = compute_dtype(input);
  node->ignore_index = ignore_index;
  node->reduction = reduction;
  set_history(loss, node);
}

void record_cross_entropy(const Tensor& input, const Tensor& logits, const Tensor& target, const Tensor& weight,
                          const Tensor& lse, const Tensor& denominator, const Tensor& loss, int64_t ignore_index,
                          double label_smoothing, int reduction) {
  auto node = make_node<CrossEntropyBackward>({&input});
  node->logits = SavedTensor(logits, false);
  node->input = SavedTensor(input, false);
  node->target = SavedTensor(target, false);
  if (weight.defined()) node->weight = SavedTensor(weight, false);
  if (denominator.defined()) node->denominator = SavedTensor(denominator, false);
  node->lse = SavedTensor(lse, false);
  node->input_sizes = input.sizes();
  node->input_dtype = input.dtype();
  node->ignore_index = ignore_index;
  node->label_smoothing = label_smoothing;
  node->reduction = reduction;
  set_history(loss, node);
}

}  // namespace ember::autograd
