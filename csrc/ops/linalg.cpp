#include "autograd/derivatives/derivatives.h"
#include "cpu/gemm.h"
#include "cpu/kernels.h"
#include "cpu/onednn/matmul.h"
#include "ops/ops.h"

namespace ember {

namespace {

[[noreturn]] void shape_error(const Tensor& a, const Tensor& b) {
  EMBER_FAIL(Runtime, "matmul: shapes (", shape_to_x_string(a.sizes()), ") and (", shape_to_x_string(b.sizes()),
             ") cannot be multiplied");
}

// c = a @ w for 3-D operands (batch 1 broadcasts); picks the kernel by dtype.
void bmm_into(const Tensor& a, const Tensor& w, const Tensor& c) {
  if (c.numel() == 0) return;
  if (a.sizes()[2] == 0) {
    fill_(const_cast<Tensor&>(c), Scalar(int64_t(0)));
    return;
  }
  ScalarType dt = c.dtype();
  if (dt == ScalarType::Float32 || dt == ScalarType::Float16 || dt == ScalarType::BFloat16) {
    // 16-bit floats go through float32 GEMM and round once at the end
    Tensor a32 = to_dtype(a, ScalarType::Float32), w32 = to_dtype(w, ScalarType::Float32);
    if (!cpu::onednn_layout_ok(a32)) a32 = contiguous(a32);
    if (!cpu::onednn_layout_ok(w32)) w32 = contiguous(w32);
    Tensor c32 = dt == ScalarType::Float32 ? c : empty(c.sizes(), ScalarType::Float32);
    cpu::onednn_matmul(a32, w32, c32);
    if (dt != ScalarType::Float32) cpu::copy_kernel(c, c32);
  } else {
    cpu::reference_gemm(a, w, c);
  }
}

Tensor as_3d(const Tensor& t) { return t.dim() == 2 ? unsqueeze(t, 0) : t; }

// The primitive under matmul: (batch, m, k) @ (batch, k, n), a batch of 1 broadcasting.
Tensor bmm3(const Tensor& a, const Tensor& w) {
  Tensor c = empty(Shape{std::max(a.sizes()[0], w.sizes()[0]), a.sizes()[1], w.sizes()[2]}, a.dtype(), a.device());
  {
    autograd::GradModeGuard no_grad(false);
    bmm_into(a, w, c);
  }
  if (autograd::should_record({&a, &w})) autograd::record_bmm(a, w, c);
  return c;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() > 0 && b.dim() > 0, Runtime, "matmul: both arguments to matmul need to be at least 1D, but they are ",
              a.dim(), "D and ", b.dim(), "D");
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, "matmul: expected both operands to have the same dtype, but got ",
              dtype_name(a.dtype()), " != ", dtype_name(b.dtype()));
  EMBER_CHECK(a.device() == b.device(), Runtime, "matmul: expected both operands on the same device, got ",
              a.device().str(), " and ", b.device().str());
  const int64_t da = a.dim(), db = b.dim();
  if (da == 1 && db == 1) {
    EMBER_CHECK(a.sizes()[0] == b.sizes()[0], Runtime, "matmul: inconsistent tensor size, expected tensor [",
                a.sizes()[0], "] and src [", b.sizes()[0], "] to have the same number of elements, but got ",
                a.sizes()[0], " and ", b.sizes()[0], " elements respectively");
    return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), Shape{});
  }
  if (da == 1) {  // (K) @ (..., K, N) -> (..., N)
    Tensor r = matmul(unsqueeze(a, 0), b);
    return squeeze(r, {-2}, false);
  }
  if (db == 1) {  // (..., M, K) @ (K) -> (..., M)
    if (a.sizes()[da - 1] != b.sizes()[0]) shape_error(a, b);
    Tensor r = matmul(a, unsqueeze(b, 1));
    return squeeze(r, {-1}, false);
  }
  const int64_t M = a.sizes()[da - 2], K = a.sizes()[da - 1], K2 = b.sizes()[db - 2], N = b.sizes()[db - 1];
  if (K != K2) shape_error(a, b);
  // batch dims broadcast
  Shape batch_a(a.sizes().begin(), a.sizes().end() - 2), batch_b(b.sizes().begin(), b.sizes().end() - 2);
  Shape batch = broadcast_shapes(batch_a, batch_b, "matmul");
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);
  const int64_t nb = shape_numel(batch);
  if (db == 2) {
    // (..., M, K) @ (K, N): fold the batch into rows when a's rows are one run
    Tensor a2 = reshape(a, Shape{nb * M, K});
    return reshape(bmm3(as_3d(a2), as_3d(b)), out_shape);
  }
  auto to_batched = [&](const Tensor& t, const Shape& tb, int64_t rows, int64_t cols) {
    if (shape_numel(tb) == 1 && nb > 1) {
      return reshape(t, Shape{1, rows, cols});  // broadcast over the batch in the kernel
    }
    Shape full = batch;
    full.push_back(rows);
    full.push_back(cols);
    return reshape(expand(t, full), Shape{nb, rows, cols});  // copies only when broadcasting
  };
  Tensor a3 = to_batched(a, batch_a, M, K);
  Tensor b3 = to_batched(b, batch_b, K, N);
  return reshape(bmm3(a3, b3), out_shape);
}

}  // namespace ember
