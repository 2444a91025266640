// Dim bookkeeping shared by the reductions (reduce.cpp, reduce_stats.cpp, sort.cpp).
#pragma once
#include <vector>

#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "autograd/grad_mode.h"

namespace ember {

// A reduction or scan asked for an integer or bool result (dtype=) of an input that requires grad:
// torch refuses, as such a result cannot carry a gradient.
inline void check_differentiable_result(const Tensor& x, ScalarType out, const char* op) {
  EMBER_CHECK(is_floating(out) || !autograd::should_record({&x}), Runtime, op, ": Autograd not support dtype: ",
              torch_dtype_name(out));
}

// Marks the dims to reduce (all when `dims` is empty) and checks for repeats.
inline std::vector<bool> reduce_mask(const Tensor& x, const std::vector<int64_t>& dims, const char* op) {
  std::vector<bool> mask(x.dim(), dims.empty());
  bool scalar_seen = false;  // a 0-d tensor takes dim 0 (or -1) once, as in torch
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, x.dim());
    const bool seen = x.dim() == 0 ? scalar_seen : mask[w];
    EMBER_CHECK(!seen, Runtime, op, ": dim ", w, " appears multiple times in the list of dims");
    if (x.dim() == 0) {
      scalar_seen = true;
    } else {
      mask[w] = true;
    }
  }
  return mask;
}

// x's shape with every reduced dim set to 1.
inline Shape kept_shape(const Tensor& x, const std::vector<bool>& mask) {
  Shape s = x.sizes();
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) s[d] = 1;
  }
  return s;
}

// A keepdim-shaped result viewed without its reduced dims (unless keepdim).
inline Tensor drop_reduced(const Tensor& t, const std::vector<bool>& mask, bool keepdim) {
  if (keepdim) return t;
  Shape sizes, strides;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (!mask[d]) {
      sizes.push_back(t.sizes()[d]);
      strides.push_back(t.strides()[d]);
    }
  }
  return make_view(t, sizes, strides, t.storage_offset());
}

// Number of elements each output folds.
inline int64_t reduced_count(const Tensor& x, const std::vector<bool>& mask) {
  int64_t n = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (mask[d]) n *= x.sizes()[d];
  }
  return n;
}

}  // namespace ember
