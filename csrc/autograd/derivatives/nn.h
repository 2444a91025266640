// Records the autograd nodes of the native layers (ops/nn.h): convolution (conv.cpp), pooling
// (pooling.cpp), normalization (normalization.cpp) and the class-index losses (loss.cpp).
#pragma once
#include "core/tensor.h"
#include "kernels/kernel_types.h"

namespace ember::autograd {

// out = convolution(input, weight, bias) (transposed or not), input batched.
void record_convolution(const Tensor& input, const Tensor& weight, const Tensor* bias, const Tensor& out,
                        const ConvParams& p, bool transposed);
// grad_weight = convolution_weight_grad(input, grad_out).
void record_convolution_weight_grad(const Tensor& input, const Tensor& grad_out, const Tensor& grad_weight,
                                    const ConvParams& p);

// Pooling. Max pools (and adaptive max pools) route gradients through their indices; the
// backward ops record nodes of their own, so double backward composes.
void record_index_pool(const Tensor& input, const Tensor& values, const Tensor& indices, int dims, bool adaptive);
// out (N, C, *out) scattered from `from` (N, C, *in) by indices: its gradient gathers by them.
void record_gather_planes(const Tensor& from, const Tensor& indices, const Tensor& out, const char* name);
void record_max_unpool(const Tensor& input, const Tensor& indices, const Tensor& out, int dims);
void record_avg_pool(const Tensor& input, const Tensor& out, const PoolParams& p, int dims);
void record_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_in, const PoolParams& p, int dims);
void record_adaptive_avg_pool(const Tensor& input, const Tensor& out, int dims);
void record_adaptive_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_in, int dims);

// Normalization: mean and invstd (batch norm) or rstd (rows) are the forward's statistics in the
// compute dtype. The backward runs native kernels; under create_graph it is written in ember ops
// that recompute the statistics, so double backward composes.
void record_batch_norm(const Tensor& input, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                       const Tensor& invstd, const Tensor& out, bool training, double eps);
void record_row_norm(const Tensor& rows, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                     const Tensor& rstd, const Tensor& out, double eps, bool rms);
// group norm: mean and rstd (N, G) in the compute dtype.
void record_group_norm(const Tensor& input, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                       const Tensor& rstd, const Tensor& out, int64_t groups, double eps);

// Cross entropy over class indices (ops/loss.cpp): logits (N, C, L) in the compute dtype, target
// (N, L), weight (C) or undefined; the loss was reduced as `reduction` with `denominator` (mean).
void record_cross_entropy(const Tensor& input, const Tensor& logits, const Tensor& target, const Tensor& weight,
                          const Tensor& lse, const Tensor& denominator, const Tensor& loss, int64_t ignore_index,
                          double label_smoothing, int reduction);
// nll_loss: target (N, L), weight (C) of the compute dtype or undefined; rows = (N, C, L).
void record_nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, const Tensor& denominator,
                     const Tensor& loss, const Shape& rows, int64_t ignore_index, int reduction);

// Sampling (ops/sampling.cpp). resample and its adjoint are each other's derivative; grid_sampler
// saves its input and grid, and its backward is not differentiable (as in torch).
void record_resample(const Tensor& input, const Tensor& out, int64_t dim, const Tensor& index, const Tensor& weight);
void record_resample_adjoint(const Tensor& grad_out, const Tensor& grad_in, int64_t dim, const Tensor& index,
                             const Tensor& weight);
void record_grid_sampler(const Tensor& input, const Tensor& grid, const Tensor& out, const GridSampleParams& p);

// Sequences (ops/attention.cpp, ops/recurrence.cpp): one native backward kernel each; like torch's
// fused attention, their backward is not differentiable again. mask: the kernel's 4-D view or
// undefined; gates_x ... w_hr: the op's inputs (undefined where not given).
void record_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& out,
                      const Tensor& lse, const Tensor& mask, const AttentionParams& p);
void record_recurrence(const Tensor& gates_x, const Tensor& h0, const Tensor& c0, const Tensor& w_hh,
                       const Tensor& b_hh, const Tensor& w_hr, const Tensor& out, const Tensor& h_n,
                       const Tensor& c_n, const Tensor& h_prev, const Tensor& work, const RecurrenceParams& p);

}  // namespace ember::autograd
