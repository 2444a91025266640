#include "iter/tensor_iterator.h"

#include "core/shape.h"

namespace ember {

TensorIterator::TensorIterator(const std::vector<Tensor>& operands, const Shape& shape) {
  ntensors_ = static_cast<int>(operands.size());
  EMBER_CHECK(ntensors_ <= kMaxOperands, Runtime, "TensorIterator: too many operands");
  EMBER_CHECK(shape.size() <= 64, Runtime, "TensorIterator: more than 64 dimensions are not supported");
  numel_ = shape_numel(shape);
  const size_t nd = shape.size();
  // Store dims reversed so that dim 0 is the innermost (last) dim of the tensors.
  shape_ = Shape(nd);
  for (size_t d = 0; d < nd; ++d) shape_[d] = shape[nd - 1 - d];
  strides_.assign(ntensors_, Shape(nd));
  for (int t = 0; t < ntensors_; ++t) {
    const Tensor& op = operands[t];
    base_[t] = op.data_ptr();
    itemsizes_[t] = static_cast<int64_t>(op.itemsize());
    const size_t od = op.sizes().size();
    EMBER_CHECK(od <= nd, Runtime, "TensorIterator: operand has more dims than the iteration shape");
    for (size_t d = 0; d < nd; ++d) {
      // dim d (reversed) of the iteration is dim nd-1-d of the shape; align operand from the right
      int64_t od_index = static_cast<int64_t>(od) - 1 - static_cast<int64_t>(d);
      if (od_index < 0 || op.sizes()[od_index] == 1) {
        strides_[t][d] = 0;
      } else {
        strides_[t][d] = op.strides()[od_index] * itemsizes_[t];
      }
    }
  }
  reorder_and_coalesce();
}

void TensorIterator::reorder_and_coalesce() {
  const int nd = ndim();
  if (nd <= 1) return;
  // Order dims so that the innermost one has the smallest strides (outputs decide first),
  // which makes a transposed or permuted operand iterate through memory in order.
  std::vector<int> perm(nd);
  for (int i = 0; i < nd; ++i) perm[i] = i;
  auto should_swap = [&](int dim0, int dim1) {  // true if dim0 should be outer to dim1
    for (int t = 0; t < ntensors_; ++t) {
      int64_t s0 = std::abs(strides_[t][dim0]), s1 = std::abs(strides_[t][dim1]);
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
    }
    return 0;
  };
  // insertion sort keeps the existing order on ties
  for (int i = 1; i < nd; ++i) {
    for (int j = i; j > 0; --j) {
      if (should_swap(perm[j - 1], perm[j]) > 0) {
        std::swap(perm[j - 1], perm[j]);
      } else {
        break;
      }
    }
  }
  Shape shape2(nd);
  std::vector<Shape> strides2(ntensors_, Shape(nd));
  for (int i = 0; i < nd; ++i) {
    shape2[i] = shape_[perm[i]];
    for (int t = 0; t < ntensors_; ++t) strides2[t][i] = strides_[t][perm[i]];
  }
  // Coalesce: dim i+1 folds into dim i when every operand steps through both as one run.
  int out = 0;
  for (int d = 1; d < nd; ++d) {
    bool can = true;
    if (shape2[out] != 1 && shape2[d] != 1) {
      for (int t = 0; t < ntensors_ && can; ++t) can = strides2[t][d] == strides2[t][out] * shape2[out];
    }
    if (can) {
      if (shape2[out] == 1) {
        for (int t = 0; t < ntensors_; ++t) strides2[t][out] = strides2[t][d];
      }
      shape2[out] *= shape2[d];
    } else {
      ++out;
      shape2[out] = shape2[d];
      for (int t = 0; t < ntensors_; ++t) strides2[t][out] = strides2[t][d];
    }
  }
  shape2.resize(out + 1);
  for (auto& s : strides2) s.resize(out + 1);
  shape_ = std::move(shape2);
  strides_ = std::move(strides2);
}

bool TensorIterator::is_contiguous() const {
  if (ndim() > 1) return false;
  if (ndim() == 0) return true;
  for (int t = 0; t < ntensors_; ++t) {
    if (strides_[t][0] != itemsizes_[t]) return false;
  }
  return true;
}

}  // namespace ember
