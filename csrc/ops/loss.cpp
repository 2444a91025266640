// The class-index losses. Cross entropy is fused with its log_softmax: one kernel gives each row's
// weighted negative log-likelihood (and, for label smoothing, the weighted sum over all classes)
// and its logsumexp; the backward recomputes the softmax from the logsumexp in one pass.
// nll_loss picks each row's log-probability in one kernel and scatters it back in one.
#include <tuple>
#include <utility>

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

namespace {

// The checks cross_entropy and nll_loss share (torch's messages); returns the class count.
int64_t check_class_loss(const char* op, const Tensor& input, const Tensor& target, const std::optional<Tensor>& weight) {
  EMBER_CHECK(input.dim() >= 1, Runtime, op, ": expected input with at least 1 dimension, got a 0-d tensor");
  EMBER_CHECK(target.dtype() == ScalarType::Int64, Runtime, "expected scalar type Long but found ",
              torch_dtype_name(target.dtype()));
  EMBER_CHECK(is_floating(input.dtype()), NotImplemented, op, ": not implemented for dtype ", dtype_name(input.dtype()));
  const bool unbatched = input.dim() == 1;
  const int64_t C = unbatched ? input.size(0) : input.size(1);
  if (unbatched) {
    EMBER_CHECK(target.dim() == 0, Runtime, op, ": expected a 0-d target for 1-D input, got target of size ",
                target.shape_str());
  } else {
    EMBER_CHECK(target.dim() == input.dim() - 1 && target.size(0) == input.size(0), Value, "Expected input batch_size (",
                input.size(0), ") to match target batch_size (", target.dim() > 0 ? target.size(0) : 0, ").");
    for (int64_t d = 2; d < input.dim(); ++d) {
      EMBER_CHECK(target.size(d - 1) == input.size(d), Runtime, "size mismatch (got input: ", input.shape_str(),
                  ", target: ", target.shape_str(), ")");
    }
  }
  if (weight) {
    EMBER_CHECK(!autograd::should_record({&*weight}), NotImplemented, op,
                ": the derivative for 'weight' is not implemented (as in torch): detach the class weights");
    EMBER_CHECK(weight->dim() == 1 && weight->numel() == C, Runtime, "weight tensor should be defined either for all ",
                C, " classes or no classes but got weight tensor of shape: ", weight->shape_str());
  }
  return C;
}

// The input as (N, C, L) rows of its compute dtype, the target as (N, L), the weight in that dtype.
struct ClassRows {
  Tensor x, t, w;
  int64_t n = 1, c = 0, l = 1;
};

ClassRows class_rows(const Tensor& input, const Tensor& target, const std::optional<Tensor>& weight, int64_t C) {
  ClassRows r;
  const ScalarType dtype = compute_dtype(input);
  r.c = C;
  r.n = input.dim() == 1 ? 1 : input.size(0);
  r.l = r.n * C > 0 ? input.numel() / (r.n * C) : (target.numel() / std::max<int64_t>(r.n, 1));
  r.x = view(contiguous(in_dtype(input, dtype)), Shape{r.n, C, r.l});
  r.t = view(contiguous(target), Shape{r.n, r.l});
  if (weight) r.w = contiguous(in_dtype(*weight, dtype));
  return r;
}

// Per-row losses (N, L) reduced as torch's nll_loss: `mean` divides by the weight of the rows
// that take part (their count without class weights). Returns (loss, that denominator or none).
std::pair<Tensor, Tensor> reduce_rows(const Tensor& per_row, const ClassRows& r, const Tensor& target, Reduction reduction,
                                      int64_t ignore_index) {
  if (reduction == Reduction::None) return {plain_result(reshape(per_row, target.sizes())), Tensor()};
  Tensor loss = sum(per_row, {}, false, std::nullopt);
  if (reduction == Reduction::Sum) return {loss, Tensor()};
  Tensor valid = binary(BinaryOp::Ne, r.t, scalar_tensor(Scalar(ignore_index), ScalarType::Int64));
  Tensor picked = to_dtype(valid, r.x.dtype());
  if (r.w.defined()) {
    Tensor safe = where(valid, r.t, scalar_tensor(Scalar(int64_t(0)), ScalarType::Int64));
    picked = mul(picked, reshape(index_select(r.w, 0, reshape(safe, Shape{-1})), r.t.sizes()));
  }
  Tensor denominator = sum(picked, {}, false, std::nullopt);
  return {div(loss, denominator), denominator};
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const std::optional<Tensor>& weight,
                     Reduction reduction, int64_t ignore_index, double label_smoothing) {
  EMBER_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, Runtime,
              "label_smoothing must be between 0.0 and 1.0. Got: ", label_smoothing);
  const int64_t C = check_class_loss("cross_entropy", logits, target, weight);
  ClassRows r;
  Tensor lse, denominator, loss;
  {
    autograd::GradModeGuard no_grad(false);
    r = class_rows(logits, target, weight, C);
    const ScalarType dtype = r.x.dtype();
    Tensor nll = empty(Shape{r.n, r.l}, dtype, logits.device());
    Tensor smooth = empty(Shape{label_smoothing > 0 ? r.n : 0, r.l}, dtype, logits.device());
    lse = empty(Shape{r.n, r.l}, dtype, logits.device());
    ClassLossParams p;
    p.ignore_index = ignore_index;
    p.weight = weight ? &r.w : nullptr;
    if (nll.numel() > 0) {
      EMBER_CHECK(C > 0, Index, "Target ", 0, " is out of bounds.");
      kernels::cross_entropy(nll, smooth, lse, r.x, r.t, p);
    }
    Tensor per_row = label_smoothing > 0 ? add(mul(nll, num(1.0 - label_smoothing)), mul(smooth, num(label_smoothing / C)))
                                         : nll;
    std::tie(loss, denominator) = reduce_rows(per_row, r, target, reduction, ignore_index);
    loss = in_dtype(loss, logits.dtype());
  }
  if (autograd::should_record({&logits})) {
    autograd::record_cross_entropy(logits, r.x, r.t, r.w, lse, denominator, loss, ignore_index, label_smoothing,
                                   static_cast<int>(reduction));
  }
  return loss;
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const std::optional<Tensor>& weight, Reduction reduction,
                int64_t ignore_index) {
  const int64_t C = check_class_loss("nll_loss", input, target, weight);
  ClassRows r;
  Tensor denominator, loss;
  {
    autograd::GradModeGuard no_grad(false);
    r = class_rows(input, target, weight, C);
    Tensor nll = empty(Shape{r.n, r.l}, r.x.dtype(), input.device());
    ClassLossParams p;
    p.ignore_index = ignore_index;
    p.weight = weight ? &r.w : nullptr;
    if (nll.numel() > 0) {
      EMBER_CHECK(C > 0, Index, "Target ", 0, " is out of bounds.");
      kernels::nll_loss(nll, r.x, r.t, p);
    }
    std::tie(loss, denominator) = reduce_rows(nll, r, target, reduction, ignore_index);
    loss = in_dtype(loss, input.dtype());
  }
  if (autograd::should_record({&input})) {
    autograd::record_nll_loss(input, r.t, r.w, denominator, loss, Shape{r.n, C, r.l}, ignore_index,
                              static_cast<int>(reduction));
  }
  return loss;
}

}  // namespace ember
