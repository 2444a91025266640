#include "core/shape.h"

#include <sstream>

#include "core/error.h"

namespace ember {

int64_t shape_numel(const Shape& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape st(sizes.size());
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    st[i] = acc;
    acc *= sizes[i] > 1 ? sizes[i] : 1;
  }
  return st;
}

bool is_contiguous_geometry(const Shape& sizes, const Shape& strides) {
  // as torch: an empty tensor is contiguous whatever its strides (no element to misplace)
  for (int64_t s : sizes) {
    if (s == 0) return true;
  }
  int64_t expected = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] != 1) {
      if (strides[i] != expected) return false;
      expected *= sizes[i];
    }
  }
  return true;
}

std::string shape_to_string(const Shape& sizes) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? ", " : "") << sizes[i];
  os << "]";
  return os.str();
}

std::string shape_to_x_string(const Shape& sizes) {
  std::ostringstream os;
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? "x" : "") << sizes[i];
  return os.str();
}

int64_t wrap_dim(int64_t dim, int64_t ndim, bool scalar_ok) {
  int64_t n = ndim;
  if (n == 0 && scalar_ok) n = 1;
  EMBER_CHECK(n > 0, Index, "dimension specified as ", dim, " but tensor has no dimensions");
  EMBER_CHECK(dim >= -n && dim < n, Index, "Dimension out of range (expected to be in range of [", -n, ", ",
              n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(da == db || da == 1 || db == 1, Runtime, op, ": the size of tensor a (", da,
                ") must match the size of tensor b (", db, ") at non-singleton dimension ", i,
                " (shapes ", shape_to_string(a), " and ", shape_to_string(b), ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

void check_sizes(const Shape& sizes, const char* op) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    EMBER_CHECK(s >= 0, Runtime, op, ": negative dimension ", s, " in size ", shape_to_string(sizes));
    EMBER_CHECK(s == 0 || n <= INT64_MAX / s, Runtime, op, ": size ", shape_to_string(sizes),
                " has too many elements");
    n *= s;
  }
}

Shape infer_size(const Shape& sizes, int64_t numel, const char* op) {
  Shape out = sizes;
  int64_t known = 1;
  int64_t infer_at = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      EMBER_CHECK(infer_at < 0, Runtime, op, ": only one dimension can be inferred");
      infer_at = static_cast<int64_t>(i);
    } else {
      EMBER_CHECK(sizes[i] >= 0, Runtime, op, ": invalid shape dimension ", sizes[i]);
      known *= sizes[i];
    }
  }
  if (infer_at >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, Runtime, op, ": shape '", shape_to_string(sizes),
                "' is invalid for input of size ", numel);
    out[infer_at] = numel / known;
  } else {
    EMBER_CHECK(known == numel, Runtime, op, ": shape '", shape_to_string(sizes), "' is invalid for input of size ",
                numel);
  }
  check_sizes(out, op);  // `known` may have wrapped around to match numel
  return out;
}

}  // namespace ember
