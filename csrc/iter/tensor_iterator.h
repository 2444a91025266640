// The broadcasting strided iterator: operands (outputs first) are viewed in one iteration
// shape, dims are reordered to follow memory and coalesced, and a kernel's inner loop is
// called on 1-D runs: loop(char** data, const int64_t* byte_strides, int64_t n).
#pragma once
#include <vector>

#include "core/tensor.h"
#include "iter/parallel.h"

namespace ember {

class TensorIterator {
 public:
  static constexpr int kMaxOperands = 8;

  // Every operand must be broadcastable to `shape`; outputs must have exactly `shape`.
  TensorIterator(const std::vector<Tensor>& operands, const Shape& shape);

  int ntensors() const { return ntensors_; }
  int64_t numel() const { return numel_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  // True when the whole iteration is one run with every operand dense.
  bool is_contiguous() const;

  // Runs `loop` over all elements, splitting across threads above `grain` elements.
  template <typename Loop>
  void for_each(const Loop& loop, int64_t grain = kGrainSize) const {
    if (numel_ == 0) return;
    parallel_for(0, numel_, grain, [&](int64_t b, int64_t e) { run_range(loop, b, e); });
  }

  // Runs `loop` on one thread.
  template <typename Loop>
  void serial_for_each(const Loop& loop) const {
    if (numel_ > 0) run_range(loop, 0, numel_);
  }

 private:
  template <typename Loop>
  void run_range(const Loop& loop, int64_t begin, int64_t end) const {
    char* ptrs[kMaxOperands];
    int64_t inner_strides[kMaxOperands];
    const int nd = ndim();
    if (nd <= 1) {
      for (int t = 0; t < ntensors_; ++t) {
        inner_strides[t] = nd == 0 ? 0 : strides_[t][0];
        ptrs[t] = base_[t] + begin * inner_strides[t];
      }
      loop(ptrs, inner_strides, end - begin);
      return;
    }
    // Multi-index of `begin`; dim 0 is the innermost.
    int64_t idx[64];
    int64_t rem = begin;
    for (int d = 0; d < nd; ++d) {
      idx[d] = rem % shape_[d];
      rem /= shape_[d];
    }
    for (int t = 0; t < ntensors_; ++t) inner_strides[t] = strides_[t][0];
    int64_t pos = begin;
    while (pos < end) {
      int64_t run = std::min(shape_[0] - idx[0], end - pos);
      for (int t = 0; t < ntensors_; ++t) {
        char* p = base_[t];
        for (int d = 0; d < nd; ++d) p += idx[d] * strides_[t][d];
        ptrs[t] = p;
      }
      loop(ptrs, inner_strides, run);
      pos += run;
      idx[0] += run;
      for (int d = 0; d < nd - 1 && idx[d] >= shape_[d]; ++d) {
        idx[d] = 0;
        ++idx[d + 1];
      }
    }
  }

  void reorder_and_coalesce();

  int ntensors_ = 0;
  int64_t numel_ = 0;
  char* base_[kMaxOperands];
  Shape shape_;                                 // dim 0 innermost
  std::vector<Shape> strides_;                  // per operand, in bytes, dim 0 innermost
  int64_t itemsizes_[kMaxOperands];
};

}  // namespace ember
