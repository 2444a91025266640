// ember.linalg's LAPACK-backed ops: argument checks, batching and layout around the kernels of
// cpu/lapack_kernels.cpp, and the autograd records. LAPACK reads column-major memory: a row-major
// copy of A is the column-major A^T, which inverse and det can use as is (inv(A^T) = inv(A)^T);
// the others work on a contiguous copy of A.mT.
#include "ops/lapack.h"

#include <cmath>
#include <limits>

#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/lapack.h"
#include "kernels/kernels.h"
#include "ops/shape_ops.h"

namespace ember {

namespace {

// Only float32/float64 reach LAPACK. torch rejects integers with a RuntimeError (or, for some
// kernels, NotImplementedError) and 16-bit floats with a RuntimeError or, when `kernel` is given,
// the NotImplementedError of its kernel.
void check_dtype(const Tensor& A, const char* op, const char* kernel = nullptr, bool ints_not_impl = false) {
  ScalarType t = A.dtype();
  if (t == ScalarType::Float32 || t == ScalarType::Float64) return;
  if (!is_floating(t)) {
    if (ints_not_impl) EMBER_FAIL(NotImplemented, "\"", kernel, "\" not implemented for '", torch_dtype_name(t), "'");
    EMBER_FAIL(Runtime, op, ": Expected a floating point or complex tensor as input. Got ", torch_dtype_name(t));
  }
  if (kernel) EMBER_FAIL(NotImplemented, "\"", kernel, "\" not implemented for '", torch_dtype_name(t), "'");
  EMBER_FAIL(Runtime, op, ": Low precision dtypes not supported. Got ", torch_dtype_name(t));
}

void check_matrix(const Tensor& A, const char* op, const char* name = "A") {
  EMBER_CHECK(A.dim() >= 2, Runtime, op, ": The input tensor ", name, " must have at least 2 dimensions.");
}

void check_square(const Tensor& A, const char* op, const char* name = "A") {
  check_matrix(A, op, name);
  EMBER_CHECK(A.size(-1) == A.size(-2), Runtime, op, ": ", name, " must be batches of square matrices, but they are ",
              A.size(-2), " by ", A.size(-1), " matrices");
}

Shape batch_shape(const Tensor& A) { return Shape(A.sizes().begin(), A.sizes().end() - 2); }

int64_t batch_count(const Tensor& A) {
  int64_t b = 1;
  for (int64_t d = 0; d < A.dim() - 2; ++d) b *= A.sizes()[d];
  return b;
}

Shape with(Shape s, std::initializer_list<int64_t> tail) {
  for (int64_t v : tail) s.push_back(v);
  return s;
}

// A fresh contiguous (batch, rows, cols) copy of t's matrices: t's memory is never written.
Tensor batch_copy(const Tensor& t) {
  Tensor out = empty(Shape{batch_count(t), t.size(-2), t.size(-1)}, t.dtype(), t.device());
  if (out.numel() > 0) copy_(out, reshape(t, out.sizes()));
  return out;
}

// A contiguous (batch, cols, rows) copy: t's matrices in column-major order.
Tensor colmajor_copy(const Tensor& t) { return batch_copy(matrix_transpose(t)); }

// (batch, cols, rows) column-major buffer -> the (..., rows, cols) tensor it holds (a view).
Tensor from_colmajor(const Tensor& buf, const Shape& batch) {
  return matrix_transpose(reshape(buf, with(batch, {buf.sizes()[1], buf.sizes()[2]})));
}

Tensor new_info(int64_t batch, Device device) { return zeros(Shape{batch}, ScalarType::Int32, device); }

// The first failing matrix's info (0 when none), with its batch index: read by a kernel, so on
// the meta device (no values) no error is found, as torch's meta kernels find none.
std::pair<int, int64_t> first_error(const Tensor& info) {
  int code = 0;
  int64_t index = 0;
  kernels::lapack_first_error(info, code, index);
  return {code, index};
}

std::string batch_prefix(const Tensor& A, int64_t index) {
  return A.dim() > 2 ? "(Batch element " + std::to_string(index) + "): " : "";
}

}  // namespace

// ---- inverse ----

std::tuple<Tensor, Tensor> linalg_inv_ex(const Tensor& A, bool check_errors) {
  const char* op = "linalg.inv";
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op);
  Tensor out, info = new_info(batch_count(A), A.device());
  {
    autograd::GradModeGuard no_grad(false);
    out = batch_copy(A);
    if (out.numel() > 0) kernels::lapack_inverse(out, info);
    out = reshape(out, A.sizes());
  }
  if (check_errors) {
    auto [code, index] = first_error(info);
    EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(A, index), "The diagonal element ", code,
                " is zero, the inversion could not be completed because the input matrix is singular.");
  }
  if (autograd::should_record({&A})) autograd::record_linalg_inv(A, out);
  return {out, reshape(info, batch_shape(A))};
}

Tensor linalg_inv(const Tensor& A) { return std::get<0>(linalg_inv_ex(A, true)); }

// ---- determinants ----

namespace {

// (det, sign, logabsdet) of A's matrices, without history.
std::tuple<Tensor, Tensor, Tensor> lu_det(const Tensor& A) {
  autograd::GradModeGuard no_grad(false);
  const int64_t b = batch_count(A);
  Tensor det = empty(Shape{b}, A.dtype(), A.device()), sign = empty(Shape{b}, A.dtype(), A.device()), logabs = empty(Shape{b}, A.dtype(), A.device());
  Tensor lu = batch_copy(A);
  if (b > 0) kernels::lapack_det(lu, det, sign, logabs);
  Shape bs = batch_shape(A);
  return {reshape(det, bs), reshape(sign, bs), reshape(logabs, bs)};
}

}  // namespace

Tensor linalg_det(const Tensor& A) {
  const char* op = "linalg.det";
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op, "lu_cpu");
  Tensor det = std::get<0>(lu_det(A));
  if (autograd::should_record({&A})) autograd::record_linalg_det(A, det);
  return det;
}

std::tuple<Tensor, Tensor> linalg_slogdet(const Tensor& A) {
  const char* op = "linalg.slogdet";
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op);
  auto [det, sign, logabs] = lu_det(A);
  if (autograd::should_record({&A})) autograd::record_linalg_slogdet(A, sign, logabs);
  return {sign, logabs};
}

Tensor logdet(const Tensor& A) {
  const char* op = "logdet";
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op);
  auto [sign, logabs] = linalg_slogdet(A);
  // log(sign) is nan for a negative determinant and -inf (added to -inf) for a zero one
  Tensor s;
  {
    autograd::GradModeGuard no_grad(false);
    s = unary(UnaryOp::Log, sign);
  }
  return binary(BinaryOp::Add, logabs, s);
}

// ---- solve ----

namespace {

// X with A X = B for A (..., n, n), B (..., n, k) of the same batch shape.
Tensor solve_core(const Tensor& A, const Tensor& B) {
  const int64_t b = batch_count(A), n = A.size(-1);
  Tensor x, info = new_info(b, A.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor lu = batch_copy(A);  // column-major A^T: solve with the transpose
    Tensor rhs = colmajor_copy(B);
    if (b > 0 && n > 0) kernels::lapack_solve(lu, rhs, true, info);
    x = from_colmajor(rhs, batch_shape(B));
  }
  auto [code, index] = first_error(info);
  EMBER_CHECK(code <= 0, Runtime, "torch.linalg.solve: ", batch_prefix(A, index),
              "The solver failed because the input matrix is singular.");
  if (autograd::should_record({&A, &B})) autograd::record_linalg_solve(A, B, x);
  return x;
}

}  // namespace

Tensor linalg_solve(const Tensor& A, const Tensor& B, bool left) {
  const char* op = "linalg.solve";
  check_matrix(A, op);
  // torch's order: a floating A, then A and B of one dtype, then square, then the kernel's dtypes
  if (!is_floating(A.dtype())) check_dtype(A, op, "lu_cpu");
  EMBER_CHECK(A.dtype() == B.dtype(), Runtime, op, ": Expected A and B to have the same dtype, but found A of type ",
              torch_dtype_name(A.dtype()), " and B of type ", torch_dtype_name(B.dtype()), " instead");
  check_square(A, op);
  check_dtype(A, op, "lu_cpu");
  // B is a (batch of) vector(s) when 1-D or when its shape is A's without the last dim
  const bool vector = B.dim() == 1 || (B.dim() == A.dim() - 1 && B.sizes() == Shape(A.sizes().begin(), A.sizes().end() - 1));
  if (!left) {
    EMBER_CHECK(!vector, Runtime, op, ": Vector broadcasting of the left hand side is not supported for left=False. "
                "In this case linalg.solve is equivalent to B / A.squeeze(-1)");
    check_matrix(B, op, "B");
    return matrix_transpose(linalg_solve(matrix_transpose(A), matrix_transpose(B), true));
  }
  Tensor B2 = vector ? unsqueeze(B, -1) : B;
  const int64_t n = A.size(-1);
  EMBER_CHECK(B2.dim() >= 1 && B2.size(-2) == n, Runtime, op, ": Incompatible shapes of A and B for the equation AX = B (",
              A.size(-2), "x", n, " and ", B2.size(-2), "x", B2.size(-1), ")");
  Shape batch = broadcast_shapes(batch_shape(A), batch_shape(B2), op);
  Tensor Ab = expand(A, with(batch, {n, n}));
  Tensor Bb = expand(B2, with(batch, {n, B2.size(-1)}));
  Tensor x = solve_core(Ab, Bb);
  return vector ? squeeze(x, {-1}, false) : x;
}

// ---- triangular systems ----

namespace {

// X with op(A) X = B for triangular A (..., n, n) and B (..., n, k) of the same batch shape and
// dtype, without history.
Tensor triangular_solve_left(const Tensor& A, const Tensor& B, bool upper, bool unit) {
  autograd::GradModeGuard no_grad(false);
  Tensor a = colmajor_copy(A), rhs = colmajor_copy(B);
  if (rhs.numel() > 0) kernels::lapack_triangular_solve(a, rhs, upper, false, unit);
  return from_colmajor(rhs, batch_shape(B));
}

// solve_triangular with left=True after the checks: broadcasts the batch dims and records.
Tensor solve_triangular_checked(const Tensor& A, const Tensor& B, bool upper, bool unit) {
  const int64_t n = A.size(-1);
  Shape batch = broadcast_shapes(batch_shape(A), batch_shape(B), "linalg.solve_triangular");
  Tensor Ab = expand(A, with(batch, {n, n}));
  Tensor Bb = expand(B, with(batch, {n, B.size(-1)}));
  Tensor X = triangular_solve_left(Ab, Bb, upper, unit);
  if (autograd::should_record({&Ab, &Bb})) autograd::record_solve_triangular(Ab, Bb, X, upper, unit);
  return X;
}

}  // namespace

Tensor linalg_solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left, bool unitriangular) {
  const char* op = "linalg.solve_triangular";
  check_matrix(B, op, "B");
  check_matrix(A, op);
  check_square(A, op);
  check_dtype(A, op, "triangular_solve_cpu", true);
  // torch computes in A's dtype (a B of another floating dtype is cast to it)
  Tensor B2 = B.dtype() == A.dtype() ? B : to_dtype(B, A.dtype());
  const int64_t n = A.size(-1);
  if (!left) {
    EMBER_CHECK(B2.size(-1) == n, Runtime, op, ": Incompatible shapes of A and B for the equation XA = B (", n, "x",
                n, " and ", B2.size(-2), "x", B2.size(-1), ")");
    // X A = B is A^T X^T = B^T
    return matrix_transpose(solve_triangular_checked(matrix_transpose(A), matrix_transpose(B2), !upper, unitriangular));
  }
  EMBER_CHECK(B2.size(-2) == n, Runtime, op, ": Incompatible shapes of A and B for the equation AX = B (", n, "x", n,
              " and ", B2.size(-2), "x", B2.size(-1), ")");
  return solve_triangular_checked(A, B2, upper, unitriangular);
}

// ---- LU ----

Tensor lu_pivots_permutation(const Tensor& pivots, int64_t m, bool inverse) {
  const int64_t k = pivots.size(-1);
  Shape batch(pivots.sizes().begin(), pivots.sizes().end() - 1);
  int64_t count = 1;
  for (int64_t v : batch) count *= v;
  Tensor perm = empty(Shape{count, m}, ScalarType::Int64, pivots.device());
  Tensor piv = contiguous(reshape(pivots, Shape{count, k}));
  if (perm.numel() > 0) kernels::lu_pivots_to_permutation(piv, perm, inverse);
  return reshape(perm, with(batch, {m}));
}

Tensor take_rows(const Tensor& M, const Tensor& order) {
  Tensor index = expand(unsqueeze(order, -1), M.sizes());
  return gather(M, -2, index);
}

std::tuple<Tensor, Tensor, Tensor> linalg_lu_factor_ex(const Tensor& A, bool pivot, bool check_errors, const char* op) {
  EMBER_CHECK(A.dim() >= 2, Runtime, op, ": Expected tensor with 2 or more dimensions. Got size: ", A.shape_str(),
              " instead");
  // an empty matrix never reaches the kernel, whose dtypes torch checks (it factors an empty
  // bfloat16 matrix)
  if (A.numel() > 0) check_dtype(A, op, "lu_cpu", true);
  EMBER_CHECK(pivot, Runtime, "linalg.lu_factor: LU without pivoting is not implemented on the CPU");
  const int64_t m = A.size(-2), n = A.size(-1), k = std::min(m, n), b = batch_count(A);
  const Shape batch = batch_shape(A);
  Tensor LU, pivots, info = new_info(b, A.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor a = colmajor_copy(A);  // (b, n, m): A column-major
    Tensor piv = zeros(Shape{b, k}, ScalarType::Int32, A.device());
    if (a.numel() > 0) kernels::lapack_lu_factor(a, piv, info);
    LU = from_colmajor(a, batch);
    pivots = reshape(piv, with(batch, {k}));
  }
  if (check_errors) {
    auto [code, index] = first_error(info);
    EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(A, index), "U[", code, ",", code,
                "] is zero and using it on lu_solve would result in a division by zero. If you still want to perform "
                "the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)");
  }
  if (autograd::should_record({&A})) autograd::record_lu_factor(A, LU, pivots);
  return {LU, pivots, reshape(info, batch)};
}

std::tuple<Tensor, Tensor, Tensor> lu_unpack(const Tensor& LU, const Tensor& pivots, bool unpack_data,
                                             bool unpack_pivots) {
  const char* op = "torch.lu_unpack";
  EMBER_CHECK(LU.dim() >= 2, Runtime, op, ": Expected tensor with 2 or more dimensions. Got size: ", LU.shape_str(),
              " instead");
  EMBER_CHECK(pivots.dtype() == ScalarType::Int32, Runtime, op,
              ": LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
              "Note: this function is intended to be used with the output produced by torch.linalg.lu_factor");
  const int64_t m = LU.size(-2), n = LU.size(-1), k = std::min(m, n);
  EMBER_CHECK(pivots.dim() >= 1 && pivots.size(-1) == k, Runtime, op, ": Expected LU_pivots of shape (*, ", k,
              ") for LU of shape ", LU.shape_str(), ", but got ", pivots.shape_str());
  const Shape batch = batch_shape(LU);
  Tensor P, L, U;
  if (unpack_data) {
    // L: m x k unit lower triangular, U: k x n upper triangular
    L = binary(BinaryOp::Add, tril(narrow(LU, -1, 0, k), -1), eye(m, k, LU.dtype(), LU.device()));
    U = triu(narrow(LU, -2, 0, k), 0);
  } else {
    L = empty(Shape{0}, LU.dtype(), LU.device());
    U = empty(Shape{0}, LU.dtype(), LU.device());
  }
  if (unpack_pivots) {
    Shape pbatch(pivots.sizes().begin(), pivots.sizes().end() - 1);
    Shape all = broadcast_shapes(batch, pbatch, op);
    // A = P L U with P^T A = A[perm]: row j of P is e_{inverse[j]}
    Tensor inverse = expand(lu_pivots_permutation(pivots, m, true), with(all, {m}));
    Tensor identity = expand(eye(m, m, LU.dtype(), LU.device()), with(all, {m, m}));
    P = contiguous(take_rows(identity, inverse));
  } else {
    P = empty(Shape{0}, LU.dtype(), LU.device());
  }
  return {P, L, U};
}

std::tuple<Tensor, Tensor, Tensor> linalg_lu(const Tensor& A, bool pivot) {
  auto [LU, pivots, info] = linalg_lu_factor_ex(A, pivot, false, "linalg.lu");
  return lu_unpack(LU, pivots, true, true);
}

Tensor linalg_lu_solve(const Tensor& LU, const Tensor& pivots, const Tensor& B, bool left, bool adjoint) {
  const char* op = "linalg.lu_solve";
  check_matrix(LU, "torch.linalg.lu_solve");
  check_matrix(B, op, "B");
  check_square(LU, "torch.linalg.lu_solve");
  if (!is_floating(LU.dtype())) check_dtype(LU, "torch.linalg.lu_solve");
  EMBER_CHECK(LU.dtype() == B.dtype(), Runtime, op, ": Expected LU and B to have the same dtype, but found LU of type ",
              torch_dtype_name(LU.dtype()), " and B of type ", torch_dtype_name(B.dtype()), " instead");
  EMBER_CHECK(pivots.dtype() == ScalarType::Int32, Runtime, op, ": pivots should be a Tensor of scalar type torch.int32");
  EMBER_CHECK(pivots.dim() > 0, Index, op, ": Dimension specified as -1 but tensor has no dimensions");
  const int64_t n = LU.size(-1);
  EMBER_CHECK(pivots.dim() == LU.dim() - 1 && Shape(pivots.sizes().begin(), pivots.sizes().end() - 1) == batch_shape(LU),
              Runtime, op, ": Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with shape ",
              pivots.shape_str(), " instead");
  EMBER_CHECK(pivots.size(-1) == n, Runtime, op, ": Number of pivots per batch should be same as the dimension of the matrix");
  check_dtype(LU, op, "linalg.lu_solve_cpu", true);
  if (!left) {
    EMBER_CHECK(B.size(-1) == n, Runtime, op, ": Incompatible shapes of A and B for the equation XA = B (", n, "x", n,
                " and ", B.size(-2), "x", B.size(-1), ")");
    // X A = B is A^T X^T = B^T (and X A^T = B is A X^T = B^T)
    return matrix_transpose(linalg_lu_solve(LU, pivots, matrix_transpose(B), true, !adjoint));
  }
  EMBER_CHECK(B.size(-2) == n, Runtime, op, ": Incompatible shapes of A and B for the equation AX = B (", n, "x", n,
              " and ", B.size(-2), "x", B.size(-1), ")");
  Shape batch = broadcast_shapes(batch_shape(LU), batch_shape(B), op);
  Tensor F = expand(LU, with(batch, {n, n}));
  Tensor Bb = expand(B, with(batch, {n, B.size(-1)}));
  Tensor order = expand(lu_pivots_permutation(pivots, n, adjoint), with(batch, {n}));
  // A = P L U: A X = B is X = U^-1 L^-1 (P^T B), A^T X = B is X = P L^-T U^-T B. The two solves
  // read L's strict lower and U's upper triangle of the packed factor, so its gradient is packed too.
  if (!adjoint) {
    Tensor y = solve_triangular_checked(F, take_rows(Bb, order), false, true);
    return solve_triangular_checked(F, y, true, false);
  }
  Tensor Ft = matrix_transpose(F);
  Tensor z = solve_triangular_checked(Ft, Bb, false, false);
  return take_rows(solve_triangular_checked(Ft, z, true, true), order);
}

// ---- Cholesky solves ----

Tensor cholesky_solve(const Tensor& B, const Tensor& factor, bool upper) {
  EMBER_CHECK(B.dim() >= 2, Runtime, "b should have at least 2 dimensions, but has ", B.dim(), " dimensions instead");
  EMBER_CHECK(factor.dim() >= 2, Runtime, "u should have at least 2 dimensions, but has ", factor.dim(),
              " dimensions instead");
  EMBER_CHECK(factor.size(-1) == factor.size(-2), Runtime, "A must be batches of square matrices, but they are ",
              factor.size(-2), " by ", factor.size(-1), " matrices");
  EMBER_CHECK(factor.size(-1) == B.size(-2), Runtime,
              "Incompatible matrix sizes for cholesky_solve: each A matrix is ", factor.size(-2), " by ",
              factor.size(-1), " but each b matrix is ", B.size(-2), " by ", B.size(-1));
  EMBER_CHECK(B.dtype() == factor.dtype(), Runtime, "Expected b and A to have the same dtype, but found b of type ",
              torch_dtype_name(B.dtype()), " and A of type ", torch_dtype_name(factor.dtype()), " instead.");
  check_dtype(factor, "cholesky_solve", "cholesky_solve_cpu", true);
  // A = L L^T: X = L^-T (L^-1 B); A = U^T U: X = U^-1 (U^-T B)
  Tensor L = upper ? matrix_transpose(factor) : factor;
  const int64_t n = L.size(-1);
  Shape batch = broadcast_shapes(batch_shape(L), batch_shape(B), "cholesky_solve");
  Tensor Lb = expand(L, with(batch, {n, n}));
  Tensor Bb = expand(B, with(batch, {n, B.size(-1)}));
  Tensor y = solve_triangular_checked(Lb, Bb, false, false);
  return solve_triangular_checked(matrix_transpose(Lb), y, true, false);
}

Tensor cholesky_inverse(const Tensor& factor, bool upper) {
  const char* op = "cholesky_inverse";
  check_matrix(factor, op);
  check_square(factor, op);
  check_dtype(factor, op, "cholesky_inverse_out_cpu", true);
  const int64_t n = factor.size(-1);
  Tensor identity = expand(eye(n, n, factor.dtype(), factor.device()), with(batch_shape(factor), {n, n}));
  return cholesky_solve(identity, factor, upper);
}

// ---- Cholesky ----

std::tuple<Tensor, Tensor> linalg_cholesky_ex(const Tensor& A, bool upper, bool check_errors) {
  const char* op = "linalg.cholesky";
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op, "cholesky_cpu");
  Tensor L, info = new_info(batch_count(A), A.device());
  {
    autograd::GradModeGuard no_grad(false);
    // torch reads A's lower triangle: the row-major lower triangle is the column-major upper one,
    // and the column-major upper factor U (A = U^T U) read row-major is L.
    Tensor buf = batch_copy(A);
    if (buf.numel() > 0) kernels::lapack_cholesky(buf, true, info);
    L = reshape(buf, A.sizes());
    if (upper) L = contiguous(matrix_transpose(L));
  }
  if (check_errors) {
    auto [code, index] = first_error(info);
    EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(A, index),
                "The factorization could not be completed because the input is not positive-definite (the leading "
                "minor of order ", code, " is not positive-definite).");
  }
  if (autograd::should_record({&A})) autograd::record_linalg_cholesky(A, L, upper);
  return {L, reshape(info, batch_shape(A))};
}

Tensor linalg_cholesky(const Tensor& A, bool upper) { return std::get<0>(linalg_cholesky_ex(A, upper, true)); }

// ---- QR ----

std::tuple<Tensor, Tensor> linalg_qr(const Tensor& A, const std::string& mode) {
  const char* op = "linalg.qr";
  EMBER_CHECK(mode == "reduced" || mode == "complete" || mode == "r", Runtime, "qr received unrecognized mode '",
              mode, "' but expected one of 'reduced' (default), 'r', or 'complete'");
  check_matrix(A, op);
  check_dtype(A, op, "geqrf_cpu");
  const int64_t m = A.size(-2), n = A.size(-1), k = std::min(m, n), b = batch_count(A);
  const Shape batch = batch_shape(A);
  Tensor Q, R;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor a = colmajor_copy(A);  // (b, n, m)
    Tensor tau = zeros(Shape{b, k}, A.dtype(), A.device());
    if (a.numel() > 0) kernels::lapack_geqrf(a, tau);
    // R: the upper triangle of the first rows (k, or m when complete) of the factored matrix
    const int64_t rrows = mode == "complete" ? m : k;
    Tensor full = from_colmajor(a, batch);  // (..., m, n)
    Tensor top = rrows <= m ? narrow(full, -2, 0, rrows) : full;
    Tensor mask = triu(ones(Shape{rrows, n}, A.dtype(), A.device()), 0);
    R = contiguous(binary(BinaryOp::Mul, top, mask));
    if (mode == "r") {
      Q = empty(Shape{0}, A.dtype(), A.device());
    } else {
      const int64_t qcols = mode == "complete" ? m : k;
      // Q's columns: the reflectors (first k columns of the factored matrix), extended to qcols
      Tensor q = zeros(Shape{b, qcols, m}, A.dtype(), A.device());
      if (k > 0) {
        Tensor head = narrow(q, 1, 0, k);
        copy_(head, narrow(a, 1, 0, k));
      }
      if (q.numel() > 0) kernels::lapack_orgqr(q, tau, k);
      Q = from_colmajor(q, batch);
    }
  }
  if (autograd::should_record({&A})) autograd::record_linalg_qr(A, Q, R, mode == "complete", mode != "r");
  return {Q, R};
}

// ---- SVD ----

std::tuple<Tensor, Tensor, Tensor> linalg_svd(const Tensor& A, bool full_matrices, bool compute_uv, const char* op) {
  check_matrix(A, op);
  check_dtype(A, op, "linalg_svd_cpu");
  const int64_t m = A.size(-2), n = A.size(-1), k = std::min(m, n), b = batch_count(A);
  const Shape batch = batch_shape(A);
  const int64_t ucols = full_matrices ? m : k, vrows = full_matrices ? n : k;
  Tensor U, S, Vh, info = new_info(b, A.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor a = colmajor_copy(A);
    // gesdd does not converge on NaN/inf (it may return zeros): refuse them, as torch
    EMBER_CHECK(!kernels::any_nonfinite(a), Runtime, op,
                ": The algorithm failed to converge because the input matrix contained non-finite values.");
    Tensor s = zeros(Shape{b, k}, A.dtype(), A.device());
    Tensor u = compute_uv ? zeros(Shape{b, ucols, m}, A.dtype(), A.device()) : Tensor();
    Tensor vt = compute_uv ? zeros(Shape{b, n, vrows}, A.dtype(), A.device()) : Tensor();
    if (k > 0) {
      kernels::lapack_svd(a, s, u, vt, compute_uv ? (full_matrices ? 'A' : 'S') : 'N', info);
    } else if (compute_uv) {  // an empty matrix: the full factors are identities
      if (full_matrices) {
        copy_(u, expand(eye(m, m, A.dtype(), A.device()), u.sizes()));
        copy_(vt, expand(eye(n, n, A.dtype(), A.device()), vt.sizes()));
      }
    }
    S = reshape(s, with(batch, {k}));
    if (compute_uv) {
      U = from_colmajor(u, batch);
      Vh = from_colmajor(vt, batch);
    } else {
      U = empty(Shape{0}, A.dtype(), A.device());
      Vh = empty(Shape{0}, A.dtype(), A.device());
    }
  }
  auto [code, index] = first_error(info);
  EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(A, index),
              "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated "
              "singular values (error code: ", code - 1, ").");
  if (autograd::should_record({&A})) {
    EMBER_CHECK(compute_uv, Runtime, op, ": the derivative needs the singular vectors (compute_uv=True)");
    autograd::record_linalg_svd(A, U, S, Vh);
  }
  return {U, S, Vh};
}

// ---- symmetric eigendecomposition ----

std::tuple<Tensor, Tensor> linalg_eigh(const Tensor& A, const std::string& uplo, bool compute_v, const char* op) {
  EMBER_CHECK(uplo == "L" || uplo == "U" || uplo == "l" || uplo == "u", Runtime,
              "Expected UPLO argument to be 'L' or 'U', but got ", uplo);
  check_matrix(A, op);
  check_square(A, op);
  // the dtype after the shape, as torch
  check_dtype(A, op, "linalg_eigh_cpu", true);
  const int64_t n = A.size(-1), b = batch_count(A);
  const Shape batch = batch_shape(A);
  Tensor L, V, info = new_info(b, A.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor a = batch_copy(A);  // symmetric: the column-major view is A^T, whose upper triangle is A's lower
    Tensor w = zeros(Shape{b, n}, A.dtype(), A.device());
    const bool upper_rowmajor = uplo == "U" || uplo == "u";
    if (a.numel() > 0) kernels::lapack_eigh(a, w, compute_v, !upper_rowmajor, info);
    L = reshape(w, with(batch, {n}));
    V = compute_v ? from_colmajor(a, batch) : empty(Shape{0}, A.dtype(), A.device());
  }
  auto [code, index] = first_error(info);
  EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(A, index),
              "The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated "
              "eigenvalues (error code: ", code, ").");
  if (autograd::should_record({&A})) {
    EMBER_CHECK(compute_v, Runtime, op, ": the derivative needs the eigenvectors");
    autograd::record_linalg_eigh(A, L, V);
  }
  return {L, V};
}

// ---- least squares ----

std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_lstsq(const Tensor& A, const Tensor& B, double rcond,
                                                        const std::string& driver) {
  const char* op = "torch.linalg.lstsq";
  EMBER_CHECK(driver == "gels" || driver == "gelsy" || driver == "gelsd" || driver == "gelss", Runtime, op,
              ": parameter `driver` should be one of (gels, gelsy, gelsd, gelss)");
  EMBER_CHECK(A.dtype() == ScalarType::Float32 || A.dtype() == ScalarType::Float64, Runtime,
              "This function doesn't handle types other than float and double");
  EMBER_CHECK(A.dtype() == B.dtype(), Runtime, op, ": Expected input and other to have the same dtype, but got input's dtype ",
              torch_dtype_name(A.dtype()), " and other's dtype ", torch_dtype_name(B.dtype()));
  EMBER_CHECK(A.dim() >= 2, Runtime, op, ": input must have at least 2 dimensions.");
  EMBER_CHECK(A.dim() >= B.dim() && A.dim() - B.dim() <= 1, Runtime, op,
              ": input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1");
  // B is a batch of vectors only when its shape is exactly A's without the last dim (no broadcasting)
  const bool vector = B.dim() == A.dim() - 1 && B.sizes() == Shape(A.sizes().begin(), A.sizes().end() - 1);
  Tensor B2 = vector ? unsqueeze(B, -1) : B;
  EMBER_CHECK(B2.dim() >= 2, Runtime, op, ": other must have at least 1 dimension.");
  const int64_t m = A.size(-2), n = A.size(-1), nrhs = B2.size(-1);
  EMBER_CHECK(B2.size(-2) == m, Runtime, op, ": input.size(-2) should match other.size(-2)");
  Shape batch = broadcast_shapes(batch_shape(A), batch_shape(B2), op);
  Tensor Ab = expand(A, with(batch, {m, n}));
  Tensor Bb = expand(B2, with(batch, {m, nrhs}));
  int64_t b = 1;
  for (int64_t v : batch) b *= v;
  const int64_t k = std::min(m, n), ldb = std::max(m, n);
  if (rcond < 0) rcond = (A.dtype() == ScalarType::Float32 ? std::numeric_limits<float>::epsilon()
                                                           : std::numeric_limits<double>::epsilon()) *
                         static_cast<double>(std::max(m, n));
  const bool has_rank = driver != "gels", has_sv = driver == "gelsd" || driver == "gelss";
  Tensor solution, residuals, rank, sv, info = new_info(b, A.device());
  autograd::GradModeGuard no_grad(false);
  Tensor a = colmajor_copy(Ab);
  Tensor rhs = zeros(Shape{b, nrhs, ldb}, A.dtype(), A.device());
  if (rhs.numel() > 0 && m > 0) {
    Tensor head = narrow(rhs, 2, 0, m);
    copy_(head, colmajor_copy(Bb));
  }
  Tensor rk = has_rank ? zeros(Shape{b}, ScalarType::Int64, A.device()) : Tensor();
  Tensor s = has_sv ? zeros(Shape{b, k}, A.dtype(), A.device()) : Tensor();
  if (b > 0 && m > 0 && n > 0 && nrhs > 0) kernels::lapack_lstsq(a, rhs, rk, s, rcond, driver, info);
  auto [code, index] = first_error(info);
  EMBER_CHECK(code <= 0, Runtime, op, ": ", batch_prefix(Ab, index),
              driver == "gels" ? "The least squares solution could not be computed because the input matrix does not have full rank (error code: "
                               : "The algorithm failed to converge (error code: ",
              code, ").");
  solution = from_colmajor(narrow(rhs, 2, 0, n), batch);
  // torch gives the squared residuals when m > n, the driver is not gelsy and every matrix has full rank
  // (a device without values takes the full-rank shape)
  const bool full_rank = !has_rank || !kernels::any_below(rk, n);
  if (m > n && driver != "gelsy" && full_rank) {
    Tensor tail = from_colmajor(narrow(rhs, 2, n, m - n), batch);  // (..., m - n, nrhs)
    residuals = sum(binary(BinaryOp::Mul, tail, tail), {-2}, false, std::nullopt);
  } else {
    residuals = empty(Shape{0}, A.dtype(), A.device());
  }
  rank = has_rank ? reshape(rk, batch) : empty(Shape{0}, ScalarType::Int64, A.device());
  sv = has_sv ? reshape(s, with(batch, {k})) : empty(Shape{0}, A.dtype(), A.device());
  if (vector) solution = squeeze(solution, {-1}, false);
  return {solution, residuals, rank, sv};
}

}  // namespace ember
