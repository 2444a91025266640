// Fused scaled dot-product attention: checks what a caller from C++ or Python could get wrong,
// brings the operands to the kernel's layout (4-D, one float dtype; 16-bit floats compute in
// float32), runs the tiled kernel and records one node. F.scaled_dot_product_attention (Python)
// checks the arguments with torch's messages first and chooses this op or the math path.
#include <cmath>

#include "autograd/derivatives/nn.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/nn.h"

namespace ember {

namespace {

// (batch..., heads, L, E) as (batch, heads, L, E); a 3-D (batch, L, E) operand has one head.
Tensor as_heads(const Tensor& t) {
  const auto& s = t.sizes();
  const int64_t d = t.dim();
  if (d == 3) return unsqueeze(t, 1);
  if (d == 4) return t;
  int64_t batch = 1;
  for (int64_t i = 0; i + 3 < d; ++i) batch *= s[i];
  return reshape(t, Shape{batch, s[d - 3], s[d - 2], s[d - 1]});
}

}  // namespace

Tensor attention_operand(const Tensor& t, ScalarType dtype) {
  Tensor x = as_heads(in_dtype(t, dtype));
  return x.strides()[3] == 1 || x.size(3) <= 1 ? x : contiguous(x);  // the kernel reads unit-stride rows
}

std::tuple<Tensor, Tensor> scaled_dot_product_attention_fused(const Tensor& query, const Tensor& key,
                                                              const Tensor& value,
                                                              const std::optional<Tensor>& attn_mask,
                                                              bool is_causal, std::optional<double> scale) {
  const char* op = "scaled_dot_product_attention";
  for (const Tensor* t : {&key, &value}) {
    EMBER_CHECK(t->device() == query.device(), Runtime, op, ": expected query, key and value on one device, got ",
                query.device().str(), " and ", t->device().str());
    EMBER_CHECK(t->dtype() == query.dtype(), Runtime, op, ": expected query, key and value of one dtype, got ",
                torch_dtype_name(query.dtype()), " and ", torch_dtype_name(t->dtype()));
  }
  EMBER_CHECK(is_floating(query.dtype()), NotImplemented, op, ": not implemented for dtype ",
              torch_dtype_name(query.dtype()));
  const int64_t d = query.dim();
  EMBER_CHECK(d >= 3 && key.dim() == d && value.dim() == d, Runtime, op,
              ": expected query, key and value with the same number of dims (3 or more), got ", query.shape_str(),
              ", ", key.shape_str(), " and ", value.shape_str());
  for (int64_t i = 0; i + 3 < d; ++i) {
    EMBER_CHECK(key.size(i) == query.size(i) && value.size(i) == query.size(i), Runtime, op,
                ": expected query, key and value with equal batch sizes, got ", query.shape_str(), ", ",
                key.shape_str(), " and ", value.shape_str());
  }
  const int64_t heads = d == 3 ? 1 : query.size(-3), kv_heads = d == 3 ? 1 : key.size(-3);
  EMBER_CHECK(key.size(-1) == query.size(-1) && key.size(-2) == value.size(-2) &&
                  (d == 3 || value.size(-3) == kv_heads) && kv_heads > 0 && heads % kv_heads == 0,
              Runtime, op, ": incompatible shapes of query ", query.shape_str(), ", key ", key.shape_str(),
              " and value ", value.shape_str());
  const int64_t lq = query.size(-2), lk = key.size(-2), dv = value.size(-1);
  Shape out_sizes = query.sizes();
  out_sizes[d - 1] = dv;
  Shape score_sizes = query.sizes();
  score_sizes[d - 1] = lk;
  AttentionParams p;
  p.causal = is_causal;
  p.scale = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(query.size(-1)));
  const ScalarType dtype = compute_dtype(query);
  Tensor mask;
  if (attn_mask) {
    EMBER_CHECK(attn_mask->device() == query.device(), Runtime, op, ": expected attn_mask on ",
                query.device().str(), ", got ", attn_mask->device().str());
    EMBER_CHECK(attn_mask->dtype() == ScalarType::Bool || is_floating(attn_mask->dtype()), Runtime, op,
                ": expected attn_mask of dtype bool or float, got ", torch_dtype_name(attn_mask->dtype()));
    EMBER_CHECK(broadcast_shapes(attn_mask->sizes(), score_sizes, op) == score_sizes, Runtime, op,
                ": attn_mask of shape ", attn_mask->shape_str(), " does not broadcast to the scores' shape ",
                list_str(std::vector<int64_t>(score_sizes.begin(), score_sizes.end())));
  }
  Tensor out, lse;
  {
    autograd::GradModeGuard no_grad(false);
    if (attn_mask) {
      Tensor m = attn_mask->dtype() == ScalarType::Bool ? *attn_mask : in_dtype(*attn_mask, dtype);
      mask = as_heads(expand(m, score_sizes));
    }
    Tensor q4 = attention_operand(query, dtype), k4 = attention_operand(key, dtype);
    Tensor v4 = attention_operand(value, dtype);
    Tensor o = empty(Shape{q4.size(0), heads, lq, dv}, dtype, query.device());
    lse = empty(Shape{q4.size(0), heads, lq}, dtype, query.device());
    // no keys: out 0 and lse inf, from the kernel's empty loop
    if (lse.numel() > 0) kernels::attention(o, lse, q4, k4, v4, mask.defined() ? &mask : nullptr, p);
    out = plain_result(in_dtype(reshape(o, out_sizes), query.dtype()));
  }
  if (autograd::should_record({&query, &key, &value})) {
    autograd::record_attention(query, key, value, out, lse, mask, p);
  }
  return {out, lse};
}

}  // namespace ember
