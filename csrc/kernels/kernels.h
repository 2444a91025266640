// The device table: every kernel an op can call, one row each. The op layer (csrc/ops/) calls
// `kernels::name(args...)`, which looks the kernel up in the table of the device of the row's
// deciding tensor and raises NotImplementedError naming the kernel and the device when that
// backend has none. Backends fill their table at load time (cpu/register.cpp, meta/register.cpp);
// the op layer never names a backend.
//
// Kernels take tensors whose dtypes, shapes and devices the op already checked and allocated.
#pragma once
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/generator.h"
#include "core/scalar.h"
#include "core/tensor.h"
#include "kernels/kernel_types.h"

namespace ember {

using UniqueResult = std::tuple<Tensor, Tensor, Tensor>;  // values, inverse, counts

// X(name, return type, (parameters), (arguments), the tensor whose device picks the backend)
#define EMBER_KERNELS(X)                                                                                             \
  /* ---- copies, fills, creation ---- */                                                                            \
  /* dst = src, broadcasting src and converting its dtype */                                                         \
  X(copy, void, (const Tensor& dst, const Tensor& src), (dst, src), dst)                                             \
  X(fill, void, (const Tensor& dst, const Scalar& value), (dst, value), dst)                                         \
  /* out[i] = start + i * step (out contiguous); exact int64 arithmetic when both are integers */                    \
  X(arange, void, (const Tensor& out, const Scalar& start, const Scalar& step), (out, start, step), out)             \
  /* out[i] = start + i * (end - start) / (n - 1), symmetric from both ends */                                       \
  X(linspace, void, (const Tensor& out, double start, double end), (out, start, end), out)                           \
  /* zeroes every matrix (last two dims) of t outside the triangle j <= i + k (lower) or j >= i + k */           \
  X(zero_triangle, void, (const Tensor& t, int64_t k, bool lower), (t, k, lower), t)                                \
  /* out (n x m) = identity */                                                                                       \
  X(eye, void, (const Tensor& out), (out), out)                                                                      \
  /* ---- elementwise ---- */                                                                                        \
  /* in has the compute dtype (bool-result ops: any dtype); out has the result dtype */                              \
  X(unary, void, (UnaryOp op, const Tensor& out, const Tensor& in), (op, out, in), out)                              \
  /* a and b have the compute dtype; out has it too, or bool for comparisons */                                      \
  X(binary, void, (BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha),           \
    (op, out, a, b, alpha), out)                                                                                     \
  X(clamp, void, (const Tensor& out, const Tensor& x, const Tensor* lo, const Tensor* hi), (out, x, lo, hi), out)   \
  X(where, void, (const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b), (out, cond, a, b), out)  \
  /* out = round(in * 10^decimals) / 10^decimals, half to even (floating) */                                         \
  X(round_decimals, void, (const Tensor& out, const Tensor& in, int64_t decimals), (out, in, decimals), out)         \
  X(nan_to_num, void,                                                                                                \
    (const Tensor& out, const Tensor& x, double nan, std::optional<double> posinf, std::optional<double> neginf),    \
    (out, x, nan, posinf, neginf), out)                                                                              \
  X(activation, void, (ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p),              \
    (op, out, x, p), out)                                                                                            \
  /* out = d activation(x) / dx * grad, fused */                                                                     \
  X(activation_backward, void,                                                                                       \
    (ActivationOp op, const Tensor& out, const Tensor& grad, const Tensor& x, const ActivationParams& p),            \
    (op, out, grad, x, p), out)                                                                                      \
  X(isclose, void, (const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan, Tensor& out),        \
    (a, b, rtol, atol, equal_nan, out), out)                                                                         \
  /* ---- reductions and scans ---- */                                                                               \
  /* values (and indices) have in's shape with each reduced dim of size 1 */                                         \
  X(reduce, void,                                                                                                    \
    (ReduceOp op, const Tensor& values, const Tensor& indices, const Tensor& in, const std::vector<bool>& reduced),  \
    (op, values, indices, in, reduced), in)                                                                          \
  X(norm, void, (const Tensor& values, const Tensor& in, const std::vector<bool>& reduced, double ord),              \
    (values, in, reduced, ord), in)                                                                                  \
  /* var and mean of float32/float64 `in` (same shape as values above, same strides as each other) */              \
  X(var_mean, void,                                                                                                  \
    (const Tensor& var, const Tensor& mean, const Tensor& in, const std::vector<bool>& reduced, double correction),  \
    (var, mean, in, reduced, correction), in)                                                                        \
  /* contiguous in/out of one floating dtype; softmax or log_softmax along dim */                                    \
  X(softmax, void, (const Tensor& out, const Tensor& in, int64_t dim, bool log), (out, in, dim, log), in)            \
  X(scan, void, (const Tensor& out, const Tensor& in, int64_t dim, bool is_prod), (out, in, dim, is_prod), in)      \
  X(cum_extremum, void,                                                                                              \
    (const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool is_max),                       \
    (values, indices, in, dim, is_max), in)                                                                          \
  X(logcumsumexp, void, (const Tensor& out, const Tensor& in, int64_t dim), (out, in, dim), in)                      \
  /* ---- sorting, selection, counting (rows are the last dim of a contiguous in) ---- */                            \
  X(sort, void, (const Tensor& values, const Tensor& indices, const Tensor& in, bool descending),                    \
    (values, indices, in, descending), in)                                                                           \
  X(topk, void,                                                                                                      \
    (const Tensor& values, const Tensor& indices, const Tensor& in, int64_t k, bool largest, bool sorted),           \
    (values, indices, in, k, largest, sorted), in)                                                                   \
  X(select, void, (const Tensor& values, const Tensor& indices, const Tensor& in, SelectKind kind, int64_t k),       \
    (values, indices, in, kind, k), in)                                                                              \
  /* data-dependent output sizes: no meta kernel */                                                                  \
  X(unique, UniqueResult, (const Tensor& flat, bool consecutive, bool want_inverse, bool want_counts),               \
    (flat, consecutive, want_inverse, want_counts), flat)                                                            \
  X(unique_rows, void,                                                                                               \
    (const Tensor& rows, bool consecutive, std::vector<int64_t>& firsts, std::vector<int64_t>& inverse,              \
     std::vector<int64_t>& counts),                                                                                  \
    (rows, consecutive, firsts, inverse, counts), rows)                                                              \
  X(bincount, void, (const Tensor& out, const Tensor& in, const Tensor& weights), (out, in, weights), in)            \
  X(histc, void, (const Tensor& out, const Tensor& in, double lo, double hi), (out, in, lo, hi), in)                 \
  X(searchsorted, void,                                                                                              \
    (const Tensor& sorted, const Tensor& values, const Tensor* sorter, bool right, Tensor& out),                     \
    (sorted, values, sorter, right, out), sorted)                                                                    \
  /* out: zeros of index's shape + (classes,); raises for a class outside [0, classes) */                            \
  X(one_hot, void, (const Tensor& out, const Tensor& index), (out, index), index)                                  \
  /* ---- indexing ---- */                                                                                           \
  X(gather, void,                                                                                                    \
    (const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim, int64_t dim_size,                 \
     int64_t dim_stride),                                                                                            \
    (out, self_view, index, dim, dim_size, dim_stride), out)                                                         \
  X(scatter_reduce, void,                                                                                            \
    (const Tensor& self_rest, const Tensor& src_rest, const Tensor& index_rest, int64_t n, int64_t self_dstride,     \
     int64_t src_dstride, int64_t index_dstride, int64_t dim, int64_t dim_size, ScatterOp op, const char* name),     \
    (self_rest, src_rest, index_rest, n, self_dstride, src_dstride, index_dstride, dim, dim_size, op, name),         \
    self_rest)                                                                                                       \
  /* offsets (int64) += index's element, bounds-checked against `size` and wrapped, times byte_stride */             \
  X(index_offsets, void,                                                                                             \
    (const Tensor& offsets, const Tensor& index, int64_t size, int64_t byte_stride, int64_t dim),                    \
    (offsets, index, size, byte_stride, dim), offsets)                                                               \
  /* out = the bytes of src at each element's offset (x[indices]): all three viewed over one shape */                \
  X(index_gather, void, (const Tensor& out, const Tensor& src, const Tensor& offsets), (out, src, offsets), out)     \
  /* the bytes of values written (or added: accumulate) at dst's offsets (index_put_) */                             \
  X(index_scatter, void, (const Tensor& dst, const Tensor& values, const Tensor& offsets, bool accumulate),          \
    (dst, values, offsets, accumulate), dst)                                                                         \
  /* true (and the value) when a contiguous int64 index holds one outside [lo, hi) (a device without values: */     \
  /* none) */                                                                                                        \
  X(first_bad_index, bool, (const Tensor& index, int64_t lo, int64_t hi, int64_t& bad), (index, lo, hi, bad), index) \
  /* out = flat x[index] (negative indices count from the end), all contiguous; raises for one out of range */       \
  X(take, void, (const Tensor& out, const Tensor& x, const Tensor& index), (out, x, index), out)                     \
  /* data-dependent output sizes or results: no meta kernel */                                                       \
  /* the byte offsets of x's elements a contiguous mask over dims [dim, ...) picks, in row-major order */            \
  X(mask_offsets, Tensor, (const Tensor& x, const Tensor& mask, int64_t dim), (x, mask, dim), mask)                  \
  /* the (n, x.dim()) int64 coordinates of a contiguous x's nonzero elements */                                      \
  X(nonzero, Tensor, (const Tensor& x), (x), x)                                                                      \
  /* the number of true elements of a contiguous bool mask */                                                        \
  X(count_true, int64_t, (const Tensor& mask), (mask), mask)                                                         \
  /* whether a contiguous bool tensor is all true */                                                                 \
  X(all_true, bool, (const Tensor& t), (t), t)                                                                       \
  /* int64 [0 x repeats[0], 1 x repeats[1], ...] of a contiguous int64 repeats; raises for a negative one */         \
  X(repeat_index, Tensor, (const Tensor& repeats), (repeats), repeats)                                               \
  /* ---- matrix products and linear algebra ---- */                                                                 \
  /* c[b] = a[b] @ w[b] (3-D; a batch of 1 broadcasts); the epilogue only for float32 */                             \
  X(gemm, void, (const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep), (a, w, c, ep), c)       \
  X(cdist, void, (const Tensor& x1, const Tensor& x2, double p, Tensor& out), (x1, x2, p, out), out)                 \
  X(cdist_mm_finish, void, (const Tensor& x1, const Tensor& x2, const Tensor& ab, Tensor& out),                      \
    (x1, x2, ab, out), out)                                                                                          \
  X(lapack_inverse, void, (Tensor& a, Tensor& info), (a, info), a)                                                   \
  /* true when a contiguous floating tensor holds a NaN or an infinity (a device without values: false) */                      \
  X(any_nonfinite, bool, (const Tensor& t), (t), t)                                                                  \
  /* true when an int64 tensor holds a value below `bound` (a device without values: false) */                      \
  X(any_below, bool, (const Tensor& t, int64_t bound), (t, bound), t)                                                \
  /* the first nonzero LAPACK info and its batch index (code 0: none; a device without values finds none) */       \
  X(lapack_first_error, void, (const Tensor& info, int& code, int64_t& index), (info, code, index), info)            \
  X(lapack_det, void, (Tensor& a, Tensor& det, Tensor& sign, Tensor& logabs), (a, det, sign, logabs), a)             \
  X(lapack_solve, void, (Tensor& a, Tensor& b, bool trans, Tensor& info), (a, b, trans, info), a)                    \
  /* LU with partial pivoting of column-major (batch, n, m) a (m x n matrices), in place; int32 pivots (batch, k) */ \
  X(lapack_lu_factor, void, (Tensor& a, Tensor& pivots, Tensor& info), (a, pivots, info), a)                         \
  /* b = op(a)^-1 b for column-major triangular a (batch, n, n) and b (batch, k, n) */                            \
  X(lapack_triangular_solve, void, (const Tensor& a, Tensor& b, bool upper, bool trans, bool unit),                  \
    (a, b, upper, trans, unit), b)                                                                                   \
  /* int64 row permutation (batch, m) of LAPACK's 1-based int32 row swaps (batch, k): A[perm] = L U (inverse:  */  \
  /* its inverse permutation); raises for a pivot out of range */                                                    \
  X(lu_pivots_to_permutation, void, (const Tensor& pivots, Tensor& perm, bool inverse), (pivots, perm, inverse),     \
    perm)                                                                                                            \
  X(lapack_cholesky, void, (Tensor& a, bool upper, Tensor& info), (a, upper, info), a)                               \
  X(lapack_geqrf, void, (Tensor& a, Tensor& tau), (a, tau), a)                                                       \
  X(lapack_orgqr, void, (Tensor& q, const Tensor& tau, int64_t k), (q, tau, k), q)                                   \
  X(lapack_svd, void, (Tensor& a, Tensor& s, Tensor& u, Tensor& vt, char jobz, Tensor& info),                        \
    (a, s, u, vt, jobz, info), a)                                                                                    \
  X(lapack_eigh, void, (Tensor& a, Tensor& w, bool vectors, bool upper, Tensor& info), (a, w, vectors, upper, info), \
    a)                                                                                                               \
  X(lapack_lstsq, void,                                                                                              \
    (Tensor& a, Tensor& b, Tensor& rank, Tensor& s, double rcond, const std::string& driver, Tensor& info),          \
    (a, b, rank, s, rcond, driver, info), a)                                                                         \
  /* ---- padding ---- */                                                                                            \
  X(constant_pad, void, (const Tensor& out, const Tensor& in, const PadWidths& pads, const Tensor& value),           \
    (out, in, pads, value), out)                                                                                     \
  X(pad_gather, void, (const Tensor& out, const Tensor& in, const PadMaps& maps), (out, in, maps), out)              \
  X(pad_scatter_add, void, (const Tensor& grad_in, const Tensor& grad_out, const PadMaps& maps),                     \
    (grad_in, grad_out, maps), grad_in)                                                                              \
  /* ---- neural-network layers: convolution, pooling, normalization, losses ---- */                                  \
  /* (N, C, *spatial) float32/float64 tensors, contiguous or channels_last; weight (C_out, C_in / groups, *kernel) */  \
  X(conv_forward, void,                                                                                              \
    (const Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias, const ConvParams& p),            \
    (out, in, weight, bias, p), out)                                                                                 \
  /* the adjoint of conv_forward in its input (a transposed convolution); grad_in's sizes set the geometry */        \
  X(conv_backward_input, void,                                                                                       \
    (const Tensor& grad_in, const Tensor& grad_out, const Tensor& weight, const ConvParams& p),                       \
    (grad_in, grad_out, weight, p), grad_in)                                                                         \
  /* the adjoint of conv_forward in its weight */                                                                    \
  X(conv_backward_weight, void,                                                                                      \
    (const Tensor& grad_weight, const Tensor& in, const Tensor& grad_out, const ConvParams& p),                      \
    (grad_weight, in, grad_out, p), grad_weight)                                                                     \
  /* (planes, D, H, W) contiguous; indices: int64 flat position of each max within its plane */                      \
  X(max_pool, void, (const Tensor& out, const Tensor& indices, const Tensor& in, const PoolParams& p),               \
    (out, indices, in, p), out)                                                                                      \
  /* grad_in (zeroed here) [indices] += grad_out, plane by plane (also max_unpool) */                                \
  X(index_pool_backward, void, (const Tensor& grad_in, const Tensor& grad_out, const Tensor& indices),               \
    (grad_in, grad_out, indices), grad_in)                                                                           \
  X(avg_pool, void, (const Tensor& out, const Tensor& in, const PoolParams& p), (out, in, p), out)                   \
  X(avg_pool_backward, void, (const Tensor& grad_in, const Tensor& grad_out, const PoolParams& p),                   \
    (grad_in, grad_out, p), grad_in)                                                                                 \
  /* adaptive: output cell i of a dim of size o over input size n reads [floor(i n / o), ceil((i + 1) n / o)) */    \
  X(adaptive_avg_pool, void, (const Tensor& out, const Tensor& in), (out, in), out)                                  \
  X(adaptive_avg_pool_backward, void, (const Tensor& grad_in, const Tensor& grad_out), (grad_in, grad_out), grad_in) \
  X(adaptive_max_pool, void, (const Tensor& out, const Tensor& indices, const Tensor& in), (out, indices, in), out)  \
  /* (N, C, L) contiguous: per-channel mean and biased variance (float64 accumulation) */                            \
  X(channel_moments, void, (const Tensor& mean, const Tensor& var, const Tensor& in), (mean, var, in), in)           \
  /* out = in * scale[c] + shift[c] over (N, C, L) contiguous */                                                     \
  X(channel_affine, void, (const Tensor& out, const Tensor& in, const Tensor& scale, const Tensor& shift),           \
    (out, in, scale, shift), out)                                                                                    \
  /* per channel: sum_g = sum(grad_out), sum_gx = sum(grad_out * (in - mean)) over (N, C, L) contiguous */          \
  X(channel_grad_sums, void,                                                                                         \
    (const Tensor& sum_g, const Tensor& sum_gx, const Tensor& grad_out, const Tensor& in, const Tensor& mean),        \
    (sum_g, sum_gx, grad_out, in, mean), in)                                                                         \
  /* grad_in = (grad_out - a[c] - (in - mean[c]) * b[c]) * k[c] over (N, C, L) contiguous */                          \
  X(channel_norm_backward, void,                                                                                     \
    (const Tensor& grad_in, const Tensor& grad_out, const Tensor& in, const Tensor& mean, const Tensor& a,            \
     const Tensor& b, const Tensor& k),                                                                              \
    (grad_in, grad_out, in, mean, a, b, k), grad_in)                                                                 \
  /* rows (M, N) contiguous, normalized over N: out = (in - mean) * rstd * weight + bias; rms: mean taken as 0 */    \
  X(row_norm, void,                                                                                                  \
    (const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& in, const Tensor* weight,              \
     const Tensor* bias, double eps, bool rms),                                                                      \
    (out, mean, rstd, in, weight, bias, eps, rms), in)                                                               \
  /* rows (M, N) contiguous: each row's mean and 1 / sqrt(biased variance + eps) (group norm's statistics) */        \
  X(row_moments, void, (const Tensor& mean, const Tensor& rstd, const Tensor& in, double eps),                      \
    (mean, rstd, in, eps), in)                                                                                       \
  /* rows (R, L) contiguous: out = a[r] * g + b[r] * x + c[r] (group norm's input gradient) */                        \
  X(row_combine, void,                                                                                               \
    (const Tensor& out, const Tensor& g, const Tensor& x, const Tensor& a, const Tensor& b, const Tensor& c),         \
    (out, g, x, a, b, c), out)                                                                                       \
  /* grad_in of row_norm; grad_weight / grad_bias (N) when given */                                                  \
  X(row_norm_backward, void,                                                                                         \
    (const Tensor& grad_in, const Tensor* grad_weight, const Tensor* grad_bias, const Tensor& grad_out,              \
     const Tensor& in, const Tensor& mean, const Tensor& rstd, const Tensor* weight, bool rms),                      \
    (grad_in, grad_weight, grad_bias, grad_out, in, mean, rstd, weight, rms), in)                                    \
  /* logits (N, C, L) contiguous, target (N, L) int64: per row nll = -w[t] logp[t], smooth = -sum_c w[c] logp[c] */ \
  /* (both 0 where ignored), lse = logsumexp over C; raises for a target outside [0, C) */                          \
  X(cross_entropy, void,                                                                                             \
    (const Tensor& nll, const Tensor& smooth, const Tensor& lse, const Tensor& logits, const Tensor& target,          \
     const ClassLossParams& p),                                                                                      \
    (nll, smooth, lse, logits, target, p), logits)                                                                   \
  /* grad_logits from the per-row gradients of nll and smooth (smooth: none for no label smoothing) */              \
  X(cross_entropy_backward, void,                                                                                    \
    (const Tensor& grad_logits, const Tensor& grad_nll, const Tensor* grad_smooth, const Tensor& logits,             \
     const Tensor& lse, const Tensor& target, const ClassLossParams& p),                                             \
    (grad_logits, grad_nll, grad_smooth, logits, lse, target, p), grad_logits)                                       \
  /* logp (N, C, L) contiguous, target (N, L) int64: nll = -w[t] logp[t] per row (0 where ignored); raises */      \
  /* for a target outside [0, C) */                                                                                  \
  X(nll_loss, void, (const Tensor& nll, const Tensor& logp, const Tensor& target, const ClassLossParams& p),          \
    (nll, logp, target, p), logp)                                                                                    \
  /* grad_logp (N, C, L): -w[t] grad_nll at each row's target, 0 elsewhere */                                        \
  X(nll_loss_backward, void,                                                                                         \
    (const Tensor& grad_logp, const Tensor& grad_nll, const Tensor& target, const ClassLossParams& p),               \
    (grad_logp, grad_nll, target, p), grad_logp)                                                                     \
  /* ---- sampling ---- */                                                                                           \
  /* in (A, n, B) -> out (A, m, B), contiguous: out[a, o, b] = sum_k weight[o, k] in[a, index[o, k], b] with */    \
  /* index (m, K) int64 in [0, n) and weight (m, K) of in's dtype: one separable pass of interpolate */             \
  X(resample, void, (const Tensor& out, const Tensor& in, const Tensor& index, const Tensor& weight),                 \
    (out, in, index, weight), out)                                                                                   \
  /* its adjoint: grad_in (A, n, B), zeroed here, [a, index[o, k], b] += weight[o, k] grad_out[a, o, b] */         \
  X(resample_backward, void,                                                                                         \
    (const Tensor& grad_in, const Tensor& grad_out, const Tensor& index, const Tensor& weight),                       \
    (grad_in, grad_out, index, weight), grad_in)                                                                     \
  /* in (N, C, *in) and grid (N, *out, dims) contiguous, one float dtype -> out (N, C, *out); dims 2 or 3 */        \
  X(grid_sample, void, (const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleParams& p),          \
    (out, in, grid, p), out)                                                                                         \
  /* grad_grid (grid's shape) and, when given, grad_in (zeroed here) from grad_out (N, C, *out) */                   \
  X(grid_sample_backward, void,                                                                                      \
    (const Tensor* grad_in, const Tensor& grad_grid, const Tensor& grad_out, const Tensor& in, const Tensor& grid,   \
     const GridSampleParams& p),                                                                                     \
    (grad_in, grad_grid, grad_out, in, grid, p), grad_grid)                                                          \
  /* ---- attention ---- */                                                                                          \
  /* q (B, H, Lq, D), k (B, Hk, Lk, D), v (B, Hk, Lk, Dv) of one float dtype, unit stride in the last dim, */        \
  /* H a multiple of Hk (query head h reads key head h / (H / Hk)); mask null or bool or q's dtype, */               \
  /* broadcast to (B, H, Lq, Lk) by its strides. out (B, H, Lq, Dv) = softmax(scale q k^T + mask) v and */           \
  /* lse (B, H, Lq) = the rows' logsumexp, contiguous; a row with no key left: out 0, lse +inf */                    \
  X(attention, void,                                                                                                 \
    (const Tensor& out, const Tensor& lse, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask,    \
     const AttentionParams& p),                                                                                      \
    (out, lse, q, k, v, mask, p), out)                                                                               \
  /* the gradients (contiguous, shaped as q, k, v) from grad_out (out's shape, unit last stride) */                  \
  X(attention_backward, void,                                                                                        \
    (const Tensor& grad_q, const Tensor& grad_k, const Tensor& grad_v, const Tensor& grad_out, const Tensor& q,      \
     const Tensor& k, const Tensor& v, const Tensor& out, const Tensor& lse, const Tensor* mask,                     \
     const AttentionParams& p),                                                                                      \
    (grad_q, grad_k, grad_v, grad_out, q, k, v, out, lse, mask, p), grad_q)                                          \
  /* ---- recurrent layers ---- */                                                                                   \
  /* One layer and direction, all contiguous, one float dtype: gates_x (N, G) the input's share of the gates, */     \
  /* h0 (B, P), c0 (B, H) (LSTM), w_hh (G, P), b_hh (G), w_hr (P, H) (LSTM with projections). Writes out (N, P), */  \
  /* h_n (B, P), c_n (B, H) and what the backward reads: h_prev (N, P) each step's incoming state, and work */       \
  /* (N, W): LSTM [i f g o | c | c_prev | o * tanh(c) with w_hr], GRU [r z n | W_hn h + b_hn], RNN nothing */        \
  X(recurrence, void,                                                                                                \
    (const Tensor& out, const Tensor& h_n, const Tensor* c_n, const Tensor& h_prev, const Tensor& work,              \
     const Tensor& gates_x, const Tensor& h0, const Tensor* c0, const Tensor& w_hh, const Tensor* b_hh,              \
     const Tensor* w_hr, const RecurrenceParams& p),                                                                 \
    (out, h_n, c_n, h_prev, work, gates_x, h0, c0, w_hh, b_hh, w_hr, p), out)                                        \
  /* From the gradients of out, h_n and c_n (each null for none): grad_gates (N, G) of gates_x; for a GRU */         \
  /* grad_hidden (N, G) of h_prev w_hh^T + b_hh; with w_hr grad_proj (N, P) of the projected states; and the */      \
  /* gradients of h0 and c0 */                                                                                       \
  X(recurrence_backward, void,                                                                                       \
    (const Tensor& grad_gates, const Tensor* grad_hidden, const Tensor* grad_proj, const Tensor& grad_h0,            \
     const Tensor* grad_c0, const Tensor* grad_out, const Tensor* grad_h_n, const Tensor* grad_c_n,                  \
     const Tensor& out, const Tensor& h_prev, const Tensor& work, const Tensor& w_hh, const Tensor* w_hr,            \
     const RecurrenceParams& p),                                                                                     \
    (grad_gates, grad_hidden, grad_proj, grad_h0, grad_c0, grad_out, grad_h_n, grad_c_n, out, h_prev, work, w_hh,    \
     w_hr, p),                                                                                                       \
    grad_gates)                                                                                                      \
  /* ---- random ---- */                                                                                             \
  /* contiguous t; element i draws counter gen.base + i */                                                           \
  X(random_fill, void, (const Tensor& t, RandomDist dist, const RandomParams& p, const PhiloxDraw& gen),             \
    (t, dist, p, gen), t)                                                                                            \
  /* out[i] ~ Bernoulli(probs[i]) / Poisson(rates[i]); probs, rates contiguous float64 (validated here) */           \
  X(bernoulli_tensor, void, (const Tensor& out, const Tensor& probs, const PhiloxDraw& gen, const char* op),         \
    (out, probs, gen, op), out)                                                                                      \
  X(poisson, void, (const Tensor& out, const Tensor& rates, const PhiloxDraw& gen), (out, rates, gen), out)          \
  X(randperm, void, (const Tensor& out, const PhiloxDraw& gen), (out, gen), out)                                     \
  X(multinomial, void, (const Tensor& probs, Tensor& out, int64_t n, bool replacement, const PhiloxDraw& gen),       \
    (probs, out, n, replacement, gen), out)                                                                          \
  /* out = keep ? x * scale : 0, mask = keep; all contiguous; ceil(n / 4) counters from gen.base */                  \
  X(dropout, void, (const Tensor& x, Tensor& out, Tensor& mask, double p, const PhiloxDraw& gen),                    \
    (x, out, mask, p, gen), out)

// One backend's kernels: a null entry is a kernel that backend does not have.
struct KernelTable {
#define EMBER_KERNEL_ENTRY(name, ret, params, args, dev) ret(*name) params = nullptr;
  EMBER_KERNELS(EMBER_KERNEL_ENTRY)
#undef EMBER_KERNEL_ENTRY
};

// The table of a device type, filled by its backend on first use.
const KernelTable& kernel_table(DeviceType type);
// Raises NotImplementedError: "<kernel>: no kernel for device '<device>'".
[[noreturn]] void missing_kernel(const char* kernel, const Device& device);

namespace kernels {
#define EMBER_KERNEL_DISPATCH(name, ret, params, args, dev)         \
  inline ret name params {                                          \
    const Device device_ = (dev).device();                          \
    auto fn_ = kernel_table(device_.type).name;                     \
    if (__builtin_expect(fn_ == nullptr, 0)) missing_kernel(#name, device_); \
    return fn_ args;                                                \
  }
EMBER_KERNELS(EMBER_KERNEL_DISPATCH)
#undef EMBER_KERNEL_DISPATCH
}  // namespace kernels

// Registration, called once by kernel_table: each backend fills its own table.
namespace cpu {
void register_kernels(KernelTable& table);
}
namespace meta {
void register_kernels(KernelTable& table);
}

}  // namespace ember
