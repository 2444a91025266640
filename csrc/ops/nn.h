// The native layers of ember.nn: convolution (conv.cpp), pooling (pooling.cpp), normalization
// (normalization.cpp) and the class-index losses (loss.cpp). Each op checks its arguments with
// torch's messages, allocates its outputs, runs one kernel per pass and records its node.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ops/ops.h"

namespace ember {

// ---- shared by the nn ops ----
// The nn kernels have float32 and float64 loops; 16-bit floats compute in float32.
inline bool half_float(ScalarType t) { return t == ScalarType::Float16 || t == ScalarType::BFloat16; }
inline ScalarType compute_dtype(const Tensor& t) { return half_float(t.dtype()) ? ScalarType::Float32 : t.dtype(); }
inline Tensor in_dtype(const Tensor& t, ScalarType dtype) { return t.dtype() == dtype ? t : to_dtype(t, dtype); }
// An op's result shaped as a view of the op's own temporary: the same memory as a plain tensor,
// not a view, so in-place ops under autograd accept it (no one else can see the temporary).
inline Tensor plain_result(const Tensor& t) {
  return t.impl()->is_view ? make_view(t, t.sizes(), t.strides(), t.storage_offset()) : t;
}
// "[1, 2, 3]", as torch prints an int list in its messages.
inline std::string list_str(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// ---- convolution ----
// torch.convolution: N-d (1-3 spatial dims) convolution or transposed convolution of a batched
// (N, C, *) input, or with `allow_unbatched` (conv2d and its siblings) also of an unbatched (C, *)
// one. stride/padding/dilation/output_padding hold one value per spatial dim or one for all.
Tensor convolution(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                   const std::vector<int64_t>& dilation, bool transposed, const std::vector<int64_t>& output_padding,
                   int64_t groups, bool allow_unbatched = false);
// After the checks: a batched input of a float dtype, a weight and bias of its dtype.
Tensor convolution_checked(const Tensor& input, const Tensor& weight, const Tensor* bias, const ConvParams& p,
                           bool transposed, const std::array<int64_t, 3>& output_padding);
// The gradient of a (non-transposed) convolution's weight, of size `weight_sizes`, from its input
// and output gradient. Bilinear; differentiable in both (double backward).
Tensor convolution_weight_grad(const Tensor& input, const Tensor& grad_out, const Shape& weight_sizes,
                               const ConvParams& p);
// The input gradient of a (non-transposed) convolution whose input had `input_sizes`: the
// transposed convolution with the output_padding that restores those sizes.
Tensor convolution_input_grad(const Tensor& grad_out, const Tensor& weight, const Shape& input_sizes,
                              const ConvParams& p);

}  // namespace ember

namespace ember {

// ---- pooling ----
// The window arguments of a pooling op, one value per spatial dim (already expanded).
struct PoolArgs {
  int dims = 2;                      // spatial dims: 1, 2 or 3
  std::vector<int64_t> kernel, stride, padding, dilation;
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override;
};
// max_pool{1,2,3}d: (values, int64 indices into each input plane) of a (N, C, *) or (C, *) input.
std::tuple<Tensor, Tensor> max_pool(const Tensor& input, const PoolArgs& a, const char* op);
Tensor avg_pool(const Tensor& input, const PoolArgs& a, const char* op);
Tensor adaptive_avg_pool(const Tensor& input, int dims, const std::vector<int64_t>& output_size, const char* op);
std::tuple<Tensor, Tensor> adaptive_max_pool(const Tensor& input, int dims, const std::vector<int64_t>& output_size,
                                             const char* op);
// max_unpool{1,2,3}d: zeros of (N, C, *output_size) with input's values at their indices.
Tensor max_unpool(const Tensor& input, const Tensor& indices, int dims, const std::vector<int64_t>& output_size,
                  const char* op);
// Backward ops (differentiable themselves): the gradient of a pooled input of `input_sizes`.
Tensor index_pool_backward(const Tensor& grad_out, const Tensor& indices, const Shape& input_sizes, int dims);
Tensor avg_pool_backward(const Tensor& grad_out, const Shape& input_sizes, const PoolParams& p, int dims);
Tensor adaptive_avg_pool_backward(const Tensor& grad_out, const Shape& input_sizes, int dims);
// Pooling of a batched input into `out_sizes` with window parameters already checked.
Tensor avg_pool_with(const Tensor& input, const PoolParams& p, const Shape& out_sizes, int dims);
Tensor adaptive_avg_pool_with(const Tensor& input, const Shape& out_sizes, int dims);
// x (N, C, *out) of the values at `indices` (N, C, *out) of each plane of grad (N, C, *in).
Tensor gather_planes(const Tensor& grad, const Tensor& indices);

// ---- normalization ----
// torch.batch_norm: `training` normalizes with the batch's statistics and updates the running
// ones in place (momentum; unbiased variance); otherwise normalizes with the running ones.
Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps);
// Rows (M, N) normalized over N: (out, mean, rstd); rms: no centering (mean is then empty).
std::tuple<Tensor, Tensor, Tensor> row_norm(const Tensor& rows, const std::optional<Tensor>& weight,
                                            const std::optional<Tensor>& bias, double eps, bool rms);
Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps);
Tensor rms_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const std::optional<Tensor>& weight,
                std::optional<double> eps);
Tensor group_norm(const Tensor& input, int64_t num_groups, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps);

// ---- losses ----
enum class Reduction { None = 0, Mean = 1, Sum = 2 };
// F.cross_entropy with class-index targets: logits (N, C, *) or (C,), target (N, *) or ().
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const std::optional<Tensor>& weight,
                     Reduction reduction, int64_t ignore_index, double label_smoothing);
// F.nll_loss: log-probabilities (N, C, *) or (C,), int64 target (N, *) or ().
Tensor nll_loss(const Tensor& input, const Tensor& target, const std::optional<Tensor>& weight, Reduction reduction,
                int64_t ignore_index);

// ---- sampling (sampling.cpp) ----
// One separable pass of F.interpolate along `dim`: out.size(dim) = index.size(0), and each output
// slice is the sum over k of weight[o, k] times input's slice index[o, k]. Linear in input, so its
// backward (resample_adjoint) and double backward are the same two ops.
Tensor resample(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& weight);
Tensor resample_adjoint(const Tensor& grad_out, int64_t dim, int64_t input_size, const Tensor& index,
                        const Tensor& weight);
// torch.grid_sampler: input (N, C, H, W) with grid (N, Ho, Wo, 2), or (N, C, D, H, W) with grid
// (N, Do, Ho, Wo, 3); differentiable in both (first order, as in torch).
Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding_mode, bool align_corners);


// ---- sequences (attention.cpp, recurrence.cpp) ----
// F.scaled_dot_product_attention as one tiled op: query (..., H, Lq, D), key (..., Hk, Lk, D) and
// value (..., Hk, Lk, Dv) with H a multiple of Hk (grouped-query attention), or 3-D (N, L, E)
// operands; attn_mask bool (true: attend) or float (added), broadcast to (..., H, Lq, Lk).
// Returns (out, logsumexp of each query's scores); a query with every key masked gives zeros.
std::tuple<Tensor, Tensor> scaled_dot_product_attention_fused(const Tensor& query, const Tensor& key,
                                                              const Tensor& value,
                                                              const std::optional<Tensor>& attn_mask,
                                                              bool is_causal, std::optional<double> scale);
// An attention operand as the kernels take it: 4-D (batch, heads, L, E), `dtype`, unit last stride.
Tensor attention_operand(const Tensor& t, ScalarType dtype);
// One layer and direction of a recurrent layer over a time-major packed sequence (a padded one has
// batch_sizes [B] * T): gates_x (N, G) is the input's share of the gates (x w_ih^T + b_ih) for all
// steps, h0 (B, P), c0 (B, H) (LSTM only), w_hh (G, P), b_hh (G), w_hr (P, H) (LSTM projections).
// mode: 0 RNN_TANH, 1 RNN_RELU, 2 LSTM, 3 GRU. Returns (out (N, P), h_n (B, P), c_n (B, H) or undefined).
std::tuple<Tensor, Tensor, Tensor> recurrence(int64_t mode, const Tensor& gates_x, const std::vector<int64_t>& batch_sizes,
                                              const Tensor& h0, const std::optional<Tensor>& c0, const Tensor& w_hh,
                                              const std::optional<Tensor>& b_hh, const std::optional<Tensor>& w_hr,
                                              bool reverse);

}  // namespace ember
