// Cross entropy over class indices, fused with its log_softmax: one kernel gives each row's
// weighted negative log-likelihood (and, for label smoothing, the weighted sum over all classes)
// and its logsumexp; the backward recomputes the softmax from the logsumexp in one pass.
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"

namespace ember {

using autograd::formulas::add;
using autograd::formulas::div;
using autograd::formulas::mul;
using autograd::formulas::num;

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const std::optional<Tensor>& weight,
                     Reduction reduction, int64_t ignore_index, double label_smoothing) {
  EMBER_CHECK(logits.dim() >= 1, Runtime, "cross_entropy: expected input with at least 1 dimension, got a 0-d tensor");
  EMBER_CHECK(target.dtype() == ScalarType::Int64, Runtime, "expected scalar type Long but found ",
              torch_dtype_name(target.dtype()));
  EMBER_CHECK(is_floating(logits.dtype()), NotImplemented, "cross_entropy: not implemented for dtype ",
              dtype_name(logits.dtype()));
  EMBER_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, Runtime,
              "label_smoothing must be between 0.0 and 1.0. Got: ", label_smoothing);
  const bool unbatched = logits.dim() == 1;
  const int64_t C = unbatched ? logits.size(0) : logits.size(1);
  if (unbatched) {
    EMBER_CHECK(target.dim() == 0, Runtime, "cross_entropy: expected a 0-d target for 1-D input, got target of size ",
                target.shape_str());
  } else {
    EMBER_CHECK(target.dim() == logits.dim() - 1 && target.size(0) == logits.size(0), Value, "Expected input batch_size (",
                logits.size(0), ") to match target batch_size (", target.dim() > 0 ? target.size(0) : 0, ").");
    for (int64_t d = 2; d < logits.dim(); ++d) {
      EMBER_CHECK(target.size(d - 1) == logits.size(d), Runtime, "size mismatch (got input: ", logits.shape_str(),
                  ", target: ", target.shape_str(), ")");
    }
  }
  if (weight) {
    EMBER_CHECK(!autograd::should_record({&*weight}), NotImplemented,
                "cross_entropy: the derivative for 'weight' is not implemented (as in torch): detach the class weights");
    EMBER_CHECK(weight->dim() == 1 && weight->numel() == C, Runtime,
                "weight tensor should be defined either for all ", C, " classes or no classes but got weight tensor of "
                "shape: ", weight->shape_str());
  }
  const ScalarType dtype =
      logits.dtype() == ScalarType::Float16 || logits.dtype() == ScalarType::BFloat16 ? ScalarType::Float32 : logits.dtype();
  const int64_t N = unbatched ? 1 : logits.size(0);
  const int64_t L = N * C > 0 ? logits.numel() / (N * C) : (target.numel() / std::max<int64_t>(N, 1));
  Tensor x, t, w, lse, denominator, loss;
  {
    autograd::GradModeGuard no_grad(false);
    x = view(contiguous(to_dtype(logits, dtype)), Shape{N, C, L});
    t = view(contiguous(target), Shape{N, L});
    if (weight) w = contiguous(to_dtype(*weight, dtype));
    Tensor nll = empty(Shape{N, L}, dtype, logits.device());
    Tensor smooth = empty(Shape{label_smoothing > 0 ? N : 0, L}, dtype, logits.device());
    lse = empty(Shape{N, L}, dtype, logits.device());
    ClassLossParams p;
    p.ignore_index = ignore_index;
    p.weight = weight ? &w : nullptr;
    if (nll.numel() > 0) {
      EMBER_CHECK(C > 0, Index, "Target ", 0, " is out of bounds.");
      kernels::cross_entropy(nll, smooth, lse, x, t, p);
    }
    Tensor per_row = label_smoothing > 0 ? add(mul(nll, num(1.0 - label_smoothing)), mul(smooth, num(label_smoothing / C)))
                                         : nll;
    if (reduction == Reduction::None) {
      loss = reshape(per_row, target.sizes());
    } else {
      loss = sum(per_row, {}, false, std::nullopt);
      if (reduction == Reduction::Mean) {
        // the weights of the rows taken part (their count without class weights), as torch's nll_loss
        Tensor valid = binary(BinaryOp::Ne, t, scalar_tensor(Scalar(ignore_index), ScalarType::Int64));
        Tensor picked = to_dtype(valid, dtype);
        if (weight) {
          Tensor safe = where(valid, t, scalar_tensor(Scalar(int64_t(0)), ScalarType::Int64));
          picked = mul(picked, reshape(index_select(w, 0, reshape(safe, Shape{-1})), t.sizes()));
        }
        denominator = sum(picked, {}, false, std::nullopt);
        loss = div(loss, denominator);
      }
    }
    if (loss.dtype() != logits.dtype()) loss = to_dtype(loss, logits.dtype());
  }
  if (autograd::should_record({&logits})) {
    autograd::record_cross_entropy(logits, x, t, w, lse, denominator, loss, ignore_index, label_smoothing,
                                   static_cast<int>(reduction));
  }
  return loss;
}

}  // namespace ember
