// Comparison and distance utilities: isclose, allclose, equal, searchsorted, bucketize, cdist.
#include <cmath>
#include <sstream>

#include "autograd/derivatives/random_util.h"
#include "autograd/function.h"
#include "kernels/kernels.h"
#include "ops/utility_ops.h"

namespace ember {

namespace {

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

}  // namespace

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, "isclose: ", dtype_name(a.dtype()), " did not match ",
              dtype_name(b.dtype()));
  EMBER_CHECK(rtol >= 0, Runtime, "isclose: rtol must be greater than or equal to zero, but got ", rtol);
  EMBER_CHECK(atol >= 0, Runtime, "isclose: atol must be greater than or equal to zero, but got ", atol);
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), "isclose");
  Tensor out = empty(shape, ScalarType::Bool, a.device());
  autograd::GradModeGuard no_grad(false);
  Tensor ac = contiguous(expand(a, shape)), bc = contiguous(expand(b, shape));
  kernels::isclose(ac, bc, rtol, atol, equal_nan, out);
  return out;
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return kernels::all_true(contiguous(isclose(a, b, rtol, atol, equal_nan)));
}

bool equal(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  autograd::GradModeGuard no_grad(false);
  return kernels::all_true(contiguous(binary(BinaryOp::Eq, a, b)));
}

Tensor searchsorted(const Tensor& sorted, const Tensor& values, bool out_int32, bool right,
                    const std::optional<Tensor>& sorter) {
  EMBER_CHECK(sorted.dim() > 0, Runtime,
              "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
  if (sorted.dim() > 1) {
    bool ok = values.dim() == sorted.dim();
    for (int64_t d = 0; ok && d + 1 < sorted.dim(); ++d) ok = sorted.sizes()[d] == values.sizes()[d];
    EMBER_CHECK(ok, Runtime,
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                "boundaries tensor and input value tensor must match, but we got boundaries tensor ",
                shape_str(sorted.sizes()), " and input value tensor ", shape_str(values.sizes()));
  }
  if (sorter) {
    EMBER_CHECK(sorter->dtype() == ScalarType::Int64, Runtime,
                "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype ", dtype_name(sorter->dtype()));
    EMBER_CHECK(sorter->sizes() == sorted.sizes(), Runtime,
                "torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor ",
                shape_str(sorted.sizes()), " and got sorter tensor ", shape_str(sorter->sizes()));
  }
  autograd::GradModeGuard no_grad(false);
  // torch's promotion with 0-d operands taking part as in binary ops: a Python number or a 0-d
  // value converts to the boundaries' dtype (-2 into uint8 boundaries is 254)
  ScalarType common = result_type({sorted, values});
  EMBER_CHECK(common != ScalarType::Bool, NotImplemented, "searchsorted: not implemented for dtype bool");
  Tensor s = contiguous(to_dtype(sorted, common));
  Tensor v = contiguous(to_dtype(values, common));
  Tensor srt;
  if (sorter) {
    srt = contiguous(*sorter);  // its range is checked by the kernel
  }
  Tensor out = empty(values.sizes(), out_int32 ? ScalarType::Int32 : ScalarType::Int64, sorted.device());
  if (sorted.sizes()[sorted.dim() - 1] == 0 || values.numel() == 0) {
    fill_(out, Scalar(int64_t(0)));
    return out;
  }
  kernels::searchsorted(s, v, sorter ? &srt : nullptr, right, out);
  return out;
}

Tensor bucketize(const Tensor& values, const Tensor& boundaries, bool out_int32, bool right) {
  EMBER_CHECK(boundaries.dim() == 1, Runtime, "bucketize: boundaries tensor must be 1 dimension, but got dim(",
              boundaries.dim(), ")");
  return searchsorted(boundaries, values, out_int32, right, std::nullopt);
}

Tensor cdist(const Tensor& x1, const Tensor& x2, double p, int compute_mode) {
  EMBER_CHECK(x1.dim() >= 2, Runtime, "cdist only supports at least 2D tensors, X1 got: ", x1.dim(), "D");
  EMBER_CHECK(x2.dim() >= 2, Runtime, "cdist only supports at least 2D tensors, X2 got: ", x2.dim(), "D");
  const int64_t m = x1.sizes()[x1.dim() - 1];
  EMBER_CHECK(m == x2.sizes()[x2.dim() - 1], Runtime, "X1 and X2 must have the same number of columns. X1: ", m,
              " X2: ", x2.sizes()[x2.dim() - 1]);
  EMBER_CHECK(is_floating(x1.dtype()), Runtime, "cdist only supports floating-point dtypes, X1 got: ",
              dtype_name(x1.dtype()));
  EMBER_CHECK(is_floating(x2.dtype()), Runtime, "cdist only supports floating-point dtypes, X2 got: ",
              dtype_name(x2.dtype()));
  EMBER_CHECK(p >= 0, Runtime, "cdist only supports non-negative p values");
  EMBER_CHECK(x1.dtype() == x2.dtype(), Runtime, "cdist: expected scalar type ", dtype_name(x1.dtype()),
              " but found ", dtype_name(x2.dtype()));
  EMBER_CHECK(x1.dtype() == ScalarType::Float32 || x1.dtype() == ScalarType::Float64, NotImplemented,
              "cdist: not implemented for dtype ", dtype_name(x1.dtype()));
  const int64_t r1 = x1.sizes()[x1.dim() - 2], r2 = x2.sizes()[x2.dim() - 2];
  Shape b1(x1.sizes().begin(), x1.sizes().end() - 2), b2(x2.sizes().begin(), x2.sizes().end() - 2);
  Shape batch = broadcast_shapes(b1, b2, "cdist");
  int64_t nb = 1;
  for (int64_t s : batch) nb *= s;
  Shape e1 = batch, e2 = batch, os = batch;
  e1.push_back(r1);
  e1.push_back(m);
  e2.push_back(r2);
  e2.push_back(m);
  os.push_back(r1);
  os.push_back(r2);
  Tensor a = expand(x1, e1), b = expand(x2, e2);
  const bool use_mm = p == 2.0 && m > 0 && (compute_mode == 1 || (compute_mode == 0 && (r1 > 25 || r2 > 25)));
  Tensor out = empty(os, x1.dtype(), x1.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor ac = contiguous(reshape(a, Shape{nb, r1, m}));
    Tensor bc = contiguous(reshape(b, Shape{nb, r2, m}));
    Tensor o3 = reshape(out, Shape{nb, r1, r2});
    if (m == 0) {
      fill_(out, Scalar(0.0));
    } else if (out.numel() == 0) {
      // nothing to compute
    } else if (use_mm) {
      // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: one matmul, then a fused pass
      Tensor ab = contiguous(matmul(ac, matrix_transpose(bc)));
      kernels::cdist_mm_finish(ac, bc, ab, o3);
    } else {
      kernels::cdist(ac, bc, p, o3);
    }
  }
  if (autograd::should_record({&x1, &x2})) autograd::record_cdist(x1, x2, p, out);
  return out;
}

}  // namespace ember
