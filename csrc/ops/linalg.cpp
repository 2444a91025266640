// matmul and the matrix-product family built on its GEMM (mm, bmm, the addmm family, tensordot, ...).
#include <functional>

#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/linalg_ops.h"
#include "kernels/kernels.h"
#include "ops/linalg_ops.h"
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
    Tensor c32 = dt == ScalarType::Float32 ? c : empty(c.sizes(), ScalarType::Float32, c.device());
    kernels::gemm(a32, w32, c32, GemmEpilogue{});
    if (dt != ScalarType::Float32) kernels::copy(c, c32);
  } else {
    kernels::gemm(a, w, c, GemmEpilogue{});
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


// ---- the matrix-product family ----

namespace {

std::string dims_str(const Tensor& t) { return std::to_string(t.dim()) + "D"; }

void check_not_bool(const Tensor& t, const char* op) {
  EMBER_CHECK(t.dtype() != ScalarType::Bool, NotImplemented, "\"", op, "\" not implemented for 'Bool'");
}
// As torch: bool products that compute nothing (empty result or K = 0) are allowed.
void check_bool_work(const Tensor& t, int64_t out_numel, int64_t k, const char* op) {
  if (out_numel > 0 && k > 0) check_not_bool(t, op);
}

void check_same_dtype_m(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, op, ": expected m1 and m2 to have the same dtype, but got: ",
              dtype_name(a.dtype()), " != ", dtype_name(b.dtype()));
}

bool onednn_dtype(ScalarType dt) {
  return dt == ScalarType::Float32 || dt == ScalarType::Float16 || dt == ScalarType::BFloat16;
}

// input seen as a tensor that broadcasts to `out` (checked, with torch's expand message).
void check_broadcasts_to(const Tensor& input, const Shape& out, const char* op) {
  bool ok = input.dim() <= static_cast<int64_t>(out.size());
  for (int64_t i = 0; ok && i < input.dim(); ++i) {
    int64_t s = input.sizes()[input.dim() - 1 - i], d = out[out.size() - 1 - i];
    ok = s == d || s == 1;
  }
  EMBER_CHECK(ok, Runtime, op, ": the input of shape ", input.shape_str(), " cannot be broadcast to the product's shape ",
              shape_to_string(out));
}

// The addmm/baddbmm primitive: beta * input + alpha * (m1 @ m2) on 2-D or 3-D operands, shapes
// checked by the caller. float32 (and 16-bit floats through float32) fuse alpha, beta and a row
// bias into oneDNN's GEMM; other dtypes scale and add after the product.
Tensor addmm_core(const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  const bool batched = m1.dim() == 3;
  const ScalarType dt = m1.dtype();
  // as torch: alpha and beta must fit the dtype the product is computed in (float32 for 16-bit floats)
  const bool half = dt == ScalarType::Float16 || dt == ScalarType::BFloat16;
  const ScalarType scalar_dt = half ? ScalarType::Float32 : dt;
  for (const Scalar* s : {&beta, &alpha}) {
    EMBER_CHECK(scalar_fits(*s, scalar_dt), Runtime, "value cannot be converted to type ", dtype_name(scalar_dt),
                " without overflow");
  }
  const bool use_input = input.defined() && beta.to_double() != 0.0;
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    Tensor a3 = as_3d(m1), w3 = as_3d(m2);
    const int64_t B = std::max(a3.sizes()[0], w3.sizes()[0]), M = a3.sizes()[1], N = w3.sizes()[2];
    Tensor c3 = empty(Shape{B, M, N}, dt, m1.device());
    Shape out_shape = batched ? Shape{B, M, N} : Shape{M, N};
    if (onednn_dtype(dt) && c3.numel() > 0 && a3.sizes()[2] > 0) {
      Tensor a32 = to_dtype(a3, ScalarType::Float32), w32 = to_dtype(w3, ScalarType::Float32);
      Tensor c32 = dt == ScalarType::Float32 ? c3 : empty(c3.sizes(), ScalarType::Float32, c3.device());
      GemmEpilogue ep;
      ep.alpha = static_cast<float>(alpha.to_double());
      Tensor bias;
      if (use_input) {
        const double be = beta.to_double();
        const bool row_bias = input.numel() == N && (input.dim() == 0 ? N == 1 : input.sizes()[input.dim() - 1] == N);
        if (row_bias && be == 1.0 && ep.alpha == 1.0f) {
          bias = contiguous(to_dtype(reshape(input, Shape{1, 1, N}), ScalarType::Float32));
          ep.bias = &bias;
        } else {
          copy_(c32, reshape(expand(input, out_shape), Shape{batched ? B : 1, M, N}));
          ep.beta = static_cast<float>(be);
        }
      }
      kernels::gemm(a32, w32, c32, ep);
      if (dt != ScalarType::Float32) kernels::copy(c3, c32);
      out = reshape(c3, out_shape);
    } else {
      bmm_into(a3, w3, c3);
      Tensor r = reshape(c3, out_shape);
      if (!(alpha.is_integral() && alpha.to_int() == 1)) r = binary(BinaryOp::Mul, r, scalar_tensor(alpha, dt));
      if (use_input) {
        Tensor in = beta.is_integral() && beta.to_int() == 1 ? input : binary(BinaryOp::Mul, input, scalar_tensor(beta, dt));
        r = binary(BinaryOp::Add, r, in);
      }
      out = r.sizes() == out_shape ? r : contiguous(expand(r, out_shape));
    }
  }
  if (autograd::should_record({&input, &m1, &m2})) {
    autograd::record_addmm(use_input ? input : Tensor(), m1, m2, beta.to_double(), alpha.to_double(), out);
  }
  return out;
}

void check_addmm_dtypes(const Tensor& input, const Tensor& m1, const Tensor& m2, const char* op) {
  check_same_dtype_m(m1, m2, op);
  EMBER_CHECK(input.dtype() == m1.dtype(), Runtime, op, ": self and mat2 must have the same dtype, but got ",
              dtype_name(input.dtype()), " and ", dtype_name(m2.dtype()));
  check_not_bool(m1, op);
}

void check_mm_shapes(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.dim() == 2, Runtime, op, ": self must be a matrix, got a ", dims_str(a), " tensor");
  EMBER_CHECK(b.dim() == 2, Runtime, op, ": mat2 must be a matrix, got a ", dims_str(b), " tensor");
  EMBER_CHECK(a.sizes()[1] == b.sizes()[0], Runtime, op, ": mat1 and mat2 shapes cannot be multiplied (",
              shape_to_x_string(a.sizes()), " and ", shape_to_x_string(b.sizes()), ")");
}

void check_bmm_shapes(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.dim() == 3, Runtime, op, ": batch1 must be a 3D tensor, got a ", dims_str(a), " tensor");
  EMBER_CHECK(b.dim() == 3, Runtime, op, ": batch2 must be a 3D tensor, got a ", dims_str(b), " tensor");
  EMBER_CHECK(a.sizes()[0] == b.sizes()[0], Runtime, op, ": batch1 and batch2 must have same number of batches, got ",
              a.sizes()[0], " and ", b.sizes()[0]);
  EMBER_CHECK(a.sizes()[2] == b.sizes()[1], Runtime, op,
              ": Expected size for first two dimensions of batch2 tensor to be: [", a.sizes()[0], ", ", a.sizes()[2],
              "] but got: [", b.sizes()[0], ", ", b.sizes()[1], "]. (shapes ", a.shape_str(), " and ", b.shape_str(),
              ")");
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  check_mm_shapes(a, b, "mm");
  check_same_dtype_m(a, b, "mm");
  check_bool_work(a, a.sizes()[0] * b.sizes()[1], a.sizes()[1], "mm");
  return matmul(a, b);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  check_bmm_shapes(a, b, "bmm");
  check_same_dtype_m(a, b, "bmm");
  check_bool_work(a, a.sizes()[0] * a.sizes()[1] * b.sizes()[2], a.sizes()[2], "bmm");
  return matmul(a, b);
}

Tensor mv(const Tensor& m, const Tensor& v) {
  EMBER_CHECK(m.dim() == 2 && v.dim() == 1, Runtime, "mv: vector + matrix @ vector expected, got ", m.dim(), ", ",
              v.dim());
  EMBER_CHECK(m.sizes()[1] == v.sizes()[0], Runtime, "mv: size mismatch, got mat (", shape_to_x_string(m.sizes()),
              "), vec (", v.sizes()[0], ")");
  EMBER_CHECK(m.dtype() == v.dtype(), Runtime, "mv: expected mat and vec to have the same dtype, but got ",
              dtype_name(m.dtype()), " and ", dtype_name(v.dtype()));
  check_bool_work(m, m.sizes()[0], m.sizes()[1], "mv");
  return matmul(m, v);
}

Tensor dot(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.dim() == 1 && b.dim() == 1, Runtime, op, ": 1D tensors expected, but got ", dims_str(a), " and ",
              dims_str(b), " tensors");
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, op, ": expected both vectors to have same dtype, but found ",
              dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  EMBER_CHECK(a.sizes()[0] == b.sizes()[0], Runtime, op, ": inconsistent tensor size, expected tensor [", a.sizes()[0],
              "] and src [", b.sizes()[0], "] to have the same number of elements, but got ", a.sizes()[0], " and ",
              b.sizes()[0], " elements respectively");
  check_bool_work(a, 1, a.sizes()[0], op);
  return matmul(a, b);
}

Tensor inner(const Tensor& a, const Tensor& b) {
  if (a.dim() == 0 || b.dim() == 0) return binary(BinaryOp::Mul, a, b);
  EMBER_CHECK(a.sizes()[a.dim() - 1] == b.sizes()[b.dim() - 1], Runtime,
              "inner() the last dimension must match on both input tensors but got shapes ", a.shape_str(), " and ",
              b.shape_str());
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, "inner(): both inputs should have same dtype, but got ",
              dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  return tensordot(a, b, {-1}, {-1});
}

Tensor outer(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 1, Runtime, "outer: Expected 1-D argument self, but got ", a.dim(), "-D");
  EMBER_CHECK(b.dim() == 1, Runtime, "outer: Expected 1-D argument vec2, but got ", b.dim(), "-D");
  return binary(BinaryOp::Mul, unsqueeze(a, 1), b);
}

Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  check_mm_shapes(m1, m2, "addmm");
  check_addmm_dtypes(input, m1, m2, "addmm");
  check_broadcasts_to(input, Shape{m1.sizes()[0], m2.sizes()[1]}, "addmm");
  return addmm_core(input, m1, m2, beta, alpha);
}

Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) {
  check_bmm_shapes(b1, b2, "baddbmm");
  check_addmm_dtypes(input, b1, b2, "baddbmm");
  check_broadcasts_to(input, Shape{b1.sizes()[0], b1.sizes()[1], b2.sizes()[2]}, "baddbmm");
  return addmm_core(input, b1, b2, beta, alpha);
}

Tensor addbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) {
  check_bmm_shapes(b1, b2, "addbmm");
  check_addmm_dtypes(input, b1, b2, "addbmm");
  const int64_t B = b1.sizes()[0], M = b1.sizes()[1], K = b1.sizes()[2], N = b2.sizes()[2];
  check_broadcasts_to(input, Shape{M, N}, "addbmm");
  // sum_b b1[b] @ b2[b] is one GEMM over the batch folded into the reduction dim
  Tensor a2 = reshape(permute(b1, {1, 0, 2}), Shape{M, B * K});
  Tensor w2 = reshape(b2, Shape{B * K, N});
  return addmm_core(input, a2, w2, beta, alpha);
}

Tensor addmv(const Tensor& input, const Tensor& m, const Tensor& v, const Scalar& beta, const Scalar& alpha) {
  EMBER_CHECK(m.dim() == 2 && v.dim() == 1 && input.dim() <= 1, Runtime,
              "addmv: vector + matrix @ vector expected, got ", input.dim(), ", ", m.dim(), ", ", v.dim());
  EMBER_CHECK(m.sizes()[1] == v.sizes()[0] && (input.dim() == 0 || input.sizes()[0] == m.sizes()[0] ||
                                               input.sizes()[0] == 1),
              Runtime, "addmv: size mismatch, got input (", input.dim() == 0 ? 1 : input.sizes()[0], "), mat (",
              shape_to_x_string(m.sizes()), "), vec (", v.sizes()[0], ")");
  EMBER_CHECK(input.dtype() == m.dtype() && m.dtype() == v.dtype(), Runtime,
              "addmv: input tensors must have the same dtype, but got ", dtype_name(input.dtype()), ", ",
              dtype_name(m.dtype()), ", and ", dtype_name(v.dtype()));
  check_not_bool(m, "addmv");
  Tensor in2 = input.dim() == 0 ? reshape(input, Shape{1, 1}) : unsqueeze(input, 1);
  return squeeze(addmm_core(in2, m, unsqueeze(v, 1), beta, alpha), {1}, false);
}

Tensor addr(const Tensor& input, const Tensor& v1, const Tensor& v2, const Scalar& beta, const Scalar& alpha) {
  EMBER_CHECK(v1.dim() == 1 && v2.dim() == 1, Runtime, "addr: expected 1-D vectors, but got ", dims_str(v1), " and ",
              dims_str(v2));
  Tensor prod = outer(v1, v2);
  const ScalarType rt = result_type({input, prod});
  check_broadcasts_to(input, prod.sizes(), "addr");
  if (rt == ScalarType::Bool) {
    EMBER_CHECK(beta.is_bool() || beta.is_integral(), Runtime, "addr: Boolean beta only supported for Boolean results.");
    EMBER_CHECK(alpha.is_bool() || alpha.is_integral(), Runtime,
                "addr: Boolean alpha only supported for Boolean results.");
  } else if (is_integral(rt, false)) {
    EMBER_CHECK(!beta.is_floating(), Runtime, "addr: For integral input tensors, argument beta must not be a floating point number.");
    EMBER_CHECK(!alpha.is_floating(), Runtime,
                "addr: For integral input tensors, argument alpha must not be a floating point number.");
  }
  Tensor r = alpha.to_double() == 1.0 ? prod : binary(BinaryOp::Mul, prod, scalar_tensor(alpha, rt));
  if (beta.to_double() == 0.0) {
    // input is ignored (its NaN and inf too), but stays in the graph with a zero gradient, as torch's
    Tensor ignored = to_dtype(expand(r, prod.sizes()), rt, true);
    if (!autograd::should_record({&input})) return ignored;
    return where(ones(prod.sizes(), ScalarType::Bool, prod.device()), ignored, input);
  }
  Tensor in = beta.to_double() == 1.0 ? input : binary(BinaryOp::Mul, input, scalar_tensor(beta, rt));
  return binary(BinaryOp::Add, in, r);
}

Tensor tensordot(const Tensor& a_in, const Tensor& b_in, std::vector<int64_t> dims_a, std::vector<int64_t> dims_b) {
  EMBER_CHECK(dims_a.size() == dims_b.size(), Runtime, "tensordot: both dimension lists should have same length");
  EMBER_CHECK(a_in.dtype() == b_in.dtype(), Runtime, "tensordot: both inputs should have same dtype, but got ",
              dtype_name(a_in.dtype()), " and ", dtype_name(b_in.dtype()));
  // a contracted dim of size 1 broadcasts, as torch's: the other operand is summed over its dim
  Tensor a = a_in, b = b_in;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    const int64_t da = wrap_dim(dims_a[i], a.dim(), false), db = wrap_dim(dims_b[i], b.dim(), false);
    if (a.sizes()[da] == b.sizes()[db]) continue;
    if (a.sizes()[da] == 1) b = sum(b, {db}, true, b.dtype());
    else if (b.sizes()[db] == 1) a = sum(a, {da}, true, a.dtype());
  }
  std::vector<bool> ca(a.dim(), false), cb(b.dim(), false);
  int64_t K = 1;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    // a 0-d input has no dim to contract (no scalar-as-1-d wrapping here)
    const int64_t da = wrap_dim(dims_a[i], a.dim(), false), db = wrap_dim(dims_b[i], b.dim(), false);
    EMBER_CHECK(!ca[da], Runtime, "tensordot: dim ", da, " appears multiple times in the list of dims");
    EMBER_CHECK(!cb[db], Runtime, "tensordot: dim ", db, " appears multiple times in the list of dims");
    EMBER_CHECK(a.sizes()[da] == b.sizes()[db], Runtime, "tensordot: contracted dimensions need to match, but first has size ",
                a.sizes()[da], " in dim ", dims_a[i], " and second has size ", b.sizes()[db], " in dim ", dims_b[i]);
    ca[da] = cb[db] = true;
    dims_a[i] = da;
    dims_b[i] = db;
    K *= a.sizes()[da];
  }
  check_not_bool(a, "tensordot");
  std::vector<int64_t> pa, pb = dims_b;
  Shape out_shape;
  int64_t Ma = 1, Nb = 1;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (!ca[d]) {
      pa.push_back(d);
      out_shape.push_back(a.sizes()[d]);
      Ma *= a.sizes()[d];
    }
  }
  pa.insert(pa.end(), dims_a.begin(), dims_a.end());
  for (int64_t d = 0; d < b.dim(); ++d) {
    if (!cb[d]) {
      pb.push_back(d);
      out_shape.push_back(b.sizes()[d]);
      Nb *= b.sizes()[d];
    }
  }
  Tensor a2 = reshape(permute(a, pa), Shape{Ma, K});
  Tensor b2 = reshape(permute(b, pb), Shape{K, Nb});
  return reshape(matmul(a2, b2), out_shape);
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims) {
  EMBER_CHECK(dims >= 0, Runtime, "tensordot expects dims >= 0, but got dims=", dims);
  EMBER_CHECK(dims <= a.dim() && dims <= b.dim(), Runtime, "tensordot expects dims < ndim_a or ndim_b, but got dims=",
              dims, " (shapes ", a.shape_str(), " and ", b.shape_str(), ")");
  std::vector<int64_t> da, db;
  for (int64_t i = 0; i < dims; ++i) {
    da.push_back(a.dim() - dims + i);
    db.push_back(i);
  }
  return tensordot(a, b, da, db);
}

Tensor kron(const Tensor& a, const Tensor& b) {
  const int64_t nd = std::max(a.dim(), b.dim());
  // a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...): the interleaved product, then merged
  Shape sa(2 * nd, 1), sb(2 * nd, 1), out(nd);
  for (int64_t i = 0; i < nd; ++i) {
    const int64_t ai = i - (nd - a.dim()), bi = i - (nd - b.dim());
    const int64_t asz = ai >= 0 ? a.sizes()[ai] : 1, bsz = bi >= 0 ? b.sizes()[bi] : 1;
    sa[2 * i] = asz;
    sb[2 * i + 1] = bsz;
    out[i] = asz * bsz;
  }
  return reshape(binary(BinaryOp::Mul, reshape(a, sa), reshape(b, sb)), out);
}

namespace {

Tensor cross_impl(const Tensor& a, const Tensor& b, int64_t dim, int64_t shown_dim) {
  check_not_bool(a, "cross");  // first, as torch
  EMBER_CHECK(a.dim() == b.dim(), Runtime, "linalg.cross: inputs must have the same number of dimensions, got ",
              a.shape_str(), " and ", b.shape_str());
  EMBER_CHECK(a.dtype() == b.dtype(), Runtime, "linalg.cross: expected both inputs to have the same dtype, got ",
              dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  dim = wrap_dim(dim, a.dim(), false);
  EMBER_CHECK(a.sizes()[dim] == 3 && b.sizes()[dim] == 3, Runtime, "linalg.cross: inputs dimension ", shown_dim,
              " must have length 3. Got ", a.sizes()[dim], " and ", b.sizes()[dim]);
  check_not_bool(a, "cross");
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), "linalg.cross");
  Tensor ae = expand(a, shape), be = expand(b, shape);
  // c = a[1,2,0] * b[2,0,1] - a[2,0,1] * b[1,2,0] along dim: the rotations are two slices joined
  auto rotate = [dim](const Tensor& t, int64_t first) {
    return cat({narrow(t, dim, first, 3 - first), narrow(t, dim, 0, first)}, dim);
  };
  Tensor lhs = binary(BinaryOp::Mul, rotate(ae, 1), rotate(be, 2));
  Tensor rhs = binary(BinaryOp::Mul, rotate(ae, 2), rotate(be, 1));
  return binary(BinaryOp::Sub, lhs, rhs);
}

}  // namespace

Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim) {
  if (dim) return cross_impl(a, b, *dim, *dim);
  int64_t d = -1;
  for (int64_t i = 0; i < a.dim(); ++i) {
    if (a.sizes()[i] == 3) {
      d = i;
      break;
    }
  }
  EMBER_CHECK(d >= 0, Runtime, "cross: no dimension of size 3 in input of shape ", a.shape_str());
  return cross_impl(a, b, d, d);
}

Tensor linalg_cross(const Tensor& a, const Tensor& b, int64_t dim) { return cross_impl(a, b, dim, dim); }

Tensor trace(const Tensor& x) {
  check_not_bool(x, "trace");  // first, as torch
  EMBER_CHECK(x.dim() == 2, Runtime, "trace: expected a matrix, but got tensor with dim ", x.dim());
  const int64_t n = std::min(x.sizes()[0], x.sizes()[1]);
  Tensor diag = as_strided(x, Shape{n}, Shape{x.strides()[0] + x.strides()[1]}, x.storage_offset());
  return sum(diag, {}, false, std::nullopt);
}

namespace {

// Multiplies matrices[i..j] in the order that costs the fewest multiply-adds (dynamic programming
// over split points, as for any matrix chain).
Tensor chain_product(const std::vector<Tensor>& m) {
  const size_t n = m.size();
  if (n == 1) return m[0];
  if (n == 2) return matmul(m[0], m[1]);
  std::vector<int64_t> p(n + 1);
  for (size_t i = 0; i < n; ++i) p[i] = m[i].sizes()[0];
  p[n] = m[n - 1].sizes()[1];
  std::vector<std::vector<double>> cost(n, std::vector<double>(n, 0.0));
  std::vector<std::vector<size_t>> split(n, std::vector<size_t>(n, 0));
  for (size_t len = 2; len <= n; ++len) {
    for (size_t i = 0; i + len - 1 < n; ++i) {
      const size_t j = i + len - 1;
      cost[i][j] = -1;
      for (size_t k = i; k < j; ++k) {
        double c = cost[i][k] + cost[k + 1][j] + double(p[i]) * double(p[k + 1]) * double(p[j + 1]);
        if (cost[i][j] < 0 || c < cost[i][j]) {
          cost[i][j] = c;
          split[i][j] = k;
        }
      }
    }
  }
  std::function<Tensor(size_t, size_t)> go = [&](size_t i, size_t j) -> Tensor {
    if (i == j) return m[i];
    return matmul(go(i, split[i][j]), go(split[i][j] + 1, j));
  };
  return go(0, n - 1);
}

}  // namespace

Tensor multi_dot(const std::vector<Tensor>& tensors) {
  const size_t n = tensors.size();
  EMBER_CHECK(n >= 2, Runtime, "multi_dot(): expected at least 2 tensors but got ", n);
  const Tensor &first = tensors[0], &last = tensors[n - 1];
  EMBER_CHECK(first.dim() == 1 || first.dim() == 2, Runtime, "multi_dot(): the first tensor must be 1D or 2D but got ",
              first.dim(), "D");
  EMBER_CHECK(last.dim() == 1 || last.dim() == 2, Runtime, "multi_dot(): the last tensor must be 1D or 2D but got ",
              last.dim(), "D");
  for (size_t i = 1; i + 1 < n; ++i) {
    EMBER_CHECK(tensors[i].dim() == 2, Runtime, "multi_dot(): tensor ", i, " must be 2D but got ", tensors[i].dim(), "D");
  }
  std::vector<Tensor> m(tensors);
  if (first.dim() == 1) m[0] = unsqueeze(first, 0);
  if (last.dim() == 1) m[n - 1] = unsqueeze(last, 1);
  for (size_t i = 0; i < n; ++i) {
    EMBER_CHECK(m[i].dtype() == m[0].dtype(), Runtime, "multi_dot(): all tensors must have be the same dtype but tensor 0 is ",
                dtype_name(m[0].dtype()), " and tensor ", i, " ", dtype_name(m[i].dtype()));
    if (i > 0) {
      EMBER_CHECK(m[i - 1].sizes()[1] == m[i].sizes()[0], Runtime, "multi_dot(): tensors ", i - 1, " and ", i,
                  " with shapes ", tensors[i - 1].shape_str(), " and ", tensors[i].shape_str(), " cannot be multiplied");
    }
  }
  check_not_bool(m[0], "multi_dot");
  Tensor r = chain_product(m);
  if (first.dim() == 1 && last.dim() == 1) return reshape(r, Shape{});
  if (first.dim() == 1) return squeeze(r, {0}, false);
  if (last.dim() == 1) return squeeze(r, {1}, false);
  return r;
}

Tensor chain_matmul(const std::vector<Tensor>& matrices) {
  EMBER_CHECK(!matrices.empty(), Runtime, "chain_matmul(): Expected one or more matrices");
  for (const Tensor& t : matrices) {
    EMBER_CHECK(t.dim() == 2, Runtime, "chain_matmul: Tensor dimension is ", t.dim(), ", expected 2 instead.");
  }
  if (matrices.size() == 1) return clone(matrices[0]);  // no product: any dtype, bool too (as torch)
  return multi_dot(matrices);
}

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias) {
  EMBER_CHECK(input.dim() >= 1 && weight.dim() >= 1, Runtime,
              "linear: both arguments to linear need to be at least 1D, but they are ", input.dim(), "D and ",
              weight.dim(), "D");
  EMBER_CHECK(weight.dim() <= 2, Runtime, "linear: t() expects a tensor with <= 2 dimensions, but weight is ",
              weight.dim(), "D");
  check_same_dtype_m(input, weight, "linear");
  check_not_bool(input, "linear");
  if (bias) {
    EMBER_CHECK(bias->dtype() == input.dtype(), Runtime, "linear: expected bias to have dtype ",
                dtype_name(input.dtype()), ", but got ", dtype_name(bias->dtype()));
  }
  const int64_t in = input.sizes()[input.dim() - 1];
  if (weight.dim() == 1) {
    EMBER_CHECK(in == weight.sizes()[0], Runtime, "linear: shapes ", input.shape_str(), " and ", weight.shape_str(),
                " cannot be multiplied");
    Tensor r = matmul(input, weight);
    return bias ? binary(BinaryOp::Add, r, *bias) : r;
  }
  const int64_t out = weight.sizes()[0];
  Tensor wt = transpose(weight, 0, 1);  // a view: oneDNN reads the transpose through strides
  Shape lead(input.sizes().begin(), input.sizes().end() - 1);
  const int64_t rows = shape_numel(lead);
  EMBER_CHECK(in == weight.sizes()[1], Runtime, "linear: mat1 and mat2 shapes cannot be multiplied (", rows, "x", in,
              " and ", shape_to_x_string(wt.sizes()), ")");
  Shape out_shape = lead;
  out_shape.push_back(out);
  // the bias joins the GEMM when it is one row (or 2-D input, where addmm broadcasts it)
  const bool row_bias = bias && bias->dim() <= 1;
  if (!bias || row_bias || input.dim() == 2) {
    Tensor x2 = input.dim() == 2 ? input : reshape(input, Shape{rows, in});
    if (bias) check_broadcasts_to(*bias, Shape{rows, out}, "linear");
    Tensor r = addmm_core(bias ? *bias : Tensor(), x2, wt, Scalar(int64_t(1)), Scalar(int64_t(1)));
    return input.dim() == 2 ? r : reshape(r, out_shape);
  }
  return binary(BinaryOp::Add, matmul(input, wt), *bias);
}

Tensor bilinear(const Tensor& x1, const Tensor& x2, const Tensor& weight, const std::optional<Tensor>& bias) {
  EMBER_CHECK(x1.dim() == x2.dim(), Runtime, "bilinear(): input dimensions do not match: got ", x1.dim(), " and ",
              x2.dim());
  EMBER_CHECK(x1.dim() >= 1, Runtime, "bilinear(): input must be at least 1-D");
  for (int64_t i = 0; i + 1 < x1.dim(); ++i) {
    EMBER_CHECK(x1.sizes()[i] == x2.sizes()[i], Runtime, "bilinear(): input batch dimensions do not match: got ",
                x1.shape_str(), " and ", x2.shape_str());
  }
  EMBER_CHECK(weight.dim() == 3, Runtime, "bilinear(): weight must be 3-D, got ", weight.dim(), "-D");
  const int64_t I = x1.sizes()[x1.dim() - 1], J = x2.sizes()[x2.dim() - 1], O = weight.sizes()[0];
  EMBER_CHECK(weight.sizes()[1] == I, Runtime, "bilinear(): input1 size does not match weight size: got ", I, " but expected ",
              weight.sizes()[1]);
  EMBER_CHECK(weight.sizes()[2] == J, Runtime, "bilinear(): input2 size does not match weight size: got ", J, " but expected ",
              weight.sizes()[2]);
  EMBER_CHECK(x1.dtype() == x2.dtype() && x1.dtype() == weight.dtype(), Runtime,
              "bilinear(): expected input1, input2 and weight to have the same dtype, but got ", dtype_name(x1.dtype()),
              ", ", dtype_name(x2.dtype()), " and ", dtype_name(weight.dtype()));
  if (bias) {
    // torch reads bias.size(0) first: a 0-d bias is an IndexError
    EMBER_CHECK(bias->dim() > 0, Index, "bilinear(): Dimension specified as 0 but bias has no dimensions");
    EMBER_CHECK(bias->dim() == 1 && bias->sizes()[0] == O, Runtime, "bilinear(): bias size does not match weight size: got ",
                bias->shape_str(), " but expected [", O, "]");
    EMBER_CHECK(bias->dtype() == x1.dtype(), Runtime, "bilinear(): expected bias to have dtype ", dtype_name(x1.dtype()));
  }
  check_not_bool(x1, "bilinear");
  Shape lead(x1.sizes().begin(), x1.sizes().end() - 1);
  const int64_t rows = shape_numel(lead);
  // y[n, o] = sum_j (x1[n] @ W[:, :, j]-ish): first x1 @ W as (rows, O*J), then contract J with x2
  Tensor w2 = reshape(permute(weight, {1, 0, 2}), Shape{I, O * J});
  Tensor t = reshape(matmul(reshape(x1, Shape{rows, I}), w2), Shape{rows, O, J});
  Tensor y = squeeze(matmul(t, reshape(x2, Shape{rows, J, 1})), {2}, false);
  if (bias) y = binary(BinaryOp::Add, y, *bias);
  Shape out_shape = lead;
  out_shape.push_back(O);
  return reshape(y, out_shape);
}

}  // namespace ember
