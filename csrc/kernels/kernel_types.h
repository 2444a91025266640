// The types that kernel signatures use: op enums and parameter structs shared by the op layer
// (csrc/ops/) and every backend (csrc/cpu/, csrc/meta/, later csrc/cuda/). Nothing here names a
// backend, and nothing includes csrc/ops/.
#pragma once
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "kernels/activation_ops.h"
#include "kernels/binary_ops.h"
#include "kernels/unary_ops.h"

namespace ember {

// The elementwise families' op enums are generated from their rows: kernels/unary_ops.h,
// kernels/binary_ops.h, kernels/activation_ops.h.

// ---- reductions, scatter, selection ----
enum class ReduceOp { Sum, Max, Min, ArgMax, ArgMin };

// How a scattered source element combines with its target.
enum class ScatterOp { Copy, Add, Mul, Max, Min };

// One value and index per row of a selection kernel.
enum class SelectKind { Kth, Median, NanMedian, Mode };

// ---- matrix products ----
// What the GEMM fuses: c = alpha * (a @ w) + beta * c_before (+ bias). `bias`, when set, is a
// float32 (1, 1, N) view broadcast over rows and batches; it is never combined with alpha != 1.
struct GemmEpilogue {
  float alpha = 1.0f;
  float beta = 0.0f;  // 0: c's old values are not read
  const Tensor* bias = nullptr;
};

// ---- padding ----
// maps[k][o]: the input index that output index o of dim k (D, H, W) reads.
using PadMaps = std::array<std::vector<int64_t>, 3>;
using PadWidths = std::array<std::pair<int64_t, int64_t>, 3>;

// ---- convolution ----
// The geometry of an N-d convolution (dims = 1, 2 or 3 spatial dims; unused entries 0/1), shared by
// its three kernels. The tensors' sizes give the rest: along each dim the output has
// (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1 elements, rounded down; an input
// gradient may be larger than that formula's inverse (a transposed convolution's output_padding).
struct ConvParams {
  int dims = 2;
  std::array<int64_t, 3> stride{1, 1, 1}, padding{0, 0, 0}, dilation{1, 1, 1};
  int64_t groups = 1;
};

// ---- pooling ----
// Pooling windows over the last three dims (D, H, W) of (planes, D, H, W) tensors; 1-d and 2-d
// pooling have leading size-1 dims with kernel 1. The output sizes come from the tensors.
struct PoolParams {
  std::array<int64_t, 3> kernel{1, 1, 1}, stride{1, 1, 1}, padding{0, 0, 0}, dilation{1, 1, 1};
  bool count_include_pad = true;  // average: padding counts in the divisor
  int64_t divisor_override = 0;   // average: 0 for none
};

// ---- sampling ----
// F.grid_sample's options, torch's enum values.
enum class GridSampleMode { Bilinear = 0, Nearest = 1, Bicubic = 2 };
enum class GridSamplePadding { Zeros = 0, Border = 1, Reflection = 2 };
struct GridSampleParams {
  GridSampleMode mode = GridSampleMode::Bilinear;
  GridSamplePadding padding = GridSamplePadding::Zeros;
  bool align_corners = false;
};

// ---- attention ----
// F.scaled_dot_product_attention's options: scores are scale * q k^T (+ mask); causal keeps key j
// for query i when j <= i (torch's top-left aligned tril).
struct AttentionParams {
  double scale = 1.0;
  bool causal = false;
};

// ---- recurrent layers ----
// The cell of a recurrence (torch's modes): gate order i, f, g, o (LSTM) and r, z, n (GRU).
enum class RecurrenceMode { RnnTanh = 0, RnnRelu = 1, Lstm = 2, Gru = 3 };
// One layer and direction over a time-major packed sequence: step t holds rows [0, batch_sizes[t])
// of its block of the (N, *) data (a padded (T, B) sequence has batch_sizes = [B] * T).
struct RecurrenceParams {
  RecurrenceMode mode = RecurrenceMode::Lstm;
  bool reverse = false;  // steps from the last to the first
  std::vector<int64_t> batch_sizes;
};

// ---- losses ----
// Class-index losses over logits (N, C, L) and targets (N, L): one row per (n, l).
struct ClassLossParams {
  int64_t ignore_index = -100;
  const Tensor* weight = nullptr;  // (C) class weights of the logits' dtype, or none
};

// ---- random fills ----
// The distributions a random fill draws. Each element i reads Philox counter (base + i).
enum class RandomDist {
  Uniform,      // [a, b)
  Normal,       // mean a, std b
  Exponential,  // lambda a
  Geometric,    // p a
  Cauchy,       // median a, sigma b
  LogNormal,    // mean a, std b of the underlying normal
  Bernoulli,    // p a
  Integers,     // [lo, lo + range): lo = ilo, range = irange (irange 0: the full 2^64)
};

struct RandomParams {
  double a = 0, b = 0;
  int64_t ilo = 0;
  uint64_t irange = 0;
};

}  // namespace ember
