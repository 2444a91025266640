// index_select, gather, scatter (src / value), scatter_add and their in-place forms.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "autograd/derivatives/derivatives.h"
#include "core/output.h"
#include "kernels/kernels.h"
#include "autograd/derivatives/index_ops.h"
#include "ops/index_ops.h"
#include "ops/ops.h"
#include "ops/sort.h"

namespace ember {

namespace {

// x and index seen with at least one dim (torch treats 0-d as 1-d here).
Shape sizes1(const Tensor& t) { return t.dim() == 0 ? Shape{1} : t.sizes(); }
Shape strides1(const Tensor& t) { return t.dim() == 0 ? Shape{1} : t.strides(); }

void check_index_dtype(const Tensor& index, const char* op) {
  EMBER_CHECK(index.dtype() == ScalarType::Int64 || index.dtype() == ScalarType::Int32, Runtime, op,
              "(): Expected dtype int32/int64 for index");
}

// Checks shapes; returns the wrapped dim.
int64_t check_gather_shapes(const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src,
                            const char* op) {
  const int64_t nd = std::max<int64_t>(self.dim(), 1);
  dim = wrap_dim(dim, self.dim());
  if (index.numel() == 0) return dim;  // as torch: an empty index selects nothing, whatever its dtype or rank
  check_index_dtype(index, op);
  EMBER_CHECK(std::max<int64_t>(index.dim(), 1) == nd, Runtime,
              "Index tensor must have the same number of dimensions as ", src ? "self tensor" : "input tensor");
  if (src) {
    EMBER_CHECK(std::max<int64_t>(src->dim(), 1) == nd, Runtime,
                "Index tensor must have the same number of dimensions as src tensor");
  }
  Shape ss = sizes1(self), is = sizes1(index);
  for (int64_t d = 0; d < nd; ++d) {
    if (!src) {
      EMBER_CHECK(d == dim || is[d] <= ss[d], Runtime, "Size does not match at dimension ", d, " expected index ",
                  index.shape_str(), " to be no larger than self ", self.shape_str(), " apart from dimension ", dim);
    } else {
      Shape rs = sizes1(*src);
      EMBER_CHECK((d == dim || is[d] <= ss[d]) && is[d] <= rs[d], Runtime, "Expected index ", index.shape_str(),
                  " to be no larger than self ", self.shape_str(), " apart from dimension ", dim,
                  " and to be no larger size than src ", src->shape_str());
    }
  }
  return dim;
}

// self restrided onto index's shape, stride 0 along dim.
Tensor along_view(const Tensor& self, const Tensor& index1, int64_t dim) {
  Shape st = strides1(self);
  st[dim] = 0;
  return make_view(self, index1.sizes(), st, self.storage_offset());
}

Tensor index1(const Tensor& index) { return index.dim() == 0 ? reshape(index, Shape{1}) : index; }

// out (index's shape, self's dtype) = self gathered along dim.
void gather_into(const Tensor& out, const Tensor& self, int64_t dim, const Tensor& index) {
  if (out.numel() == 0) return;
  Tensor idx = index1(index);
  Tensor out1 = out.dim() == 0 ? reshape(out, Shape{1}) : out;
  kernels::gather(out1, along_view(self, idx, dim), idx, dim, sizes1(self)[dim], strides1(self)[dim]);
}

// Scatters src (already self's dtype; 0-d: a value for every index) into self in place with `op`:
// parallel over the dims other than `dim`, in index order along it (deterministic).
void scatter_apply(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, ScatterOp op,
                   const char* name) {
  if (index.numel() == 0) return;
  // a broadcast (stride-0) target would have threads writing one element: refused, as torch does
  for (int64_t d = 0; d < self.dim(); ++d) {
    EMBER_CHECK(self.strides()[d] != 0 || self.sizes()[d] <= 1, Runtime, name,
                "(): unsupported operation: more than one element of the written-to tensor refers to a single "
                "memory location. Please clone() the tensor before performing the operation.");
  }
  Tensor idx = to_dtype(index, ScalarType::Int64);
  Shape is = sizes1(idx), ist = strides1(idx), selfst = strides1(self);
  Shape rest = is;
  rest[dim] = 1;
  Tensor s = src.same_storage(self) ? clone(src) : src;
  Shape sst = s.dim() == 0 ? Shape(rest.size(), 0) : s.strides();
  Tensor self_rest = make_view(self, rest, selfst, self.storage_offset());
  Tensor src_rest = make_view(s, rest, sst, s.storage_offset());
  Tensor idx_rest = make_view(idx, rest, ist, idx.storage_offset());
  kernels::scatter_reduce(self_rest, src_rest, idx_rest, is[dim], selfst[dim], sst[dim], ist[dim], dim,
                             sizes1(self)[dim], op, name);
  self.bump_version();
}

void scatter_forward(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate) {
  scatter_apply(self, dim, index, src, accumulate ? ScatterOp::Add : ScatterOp::Copy,
                accumulate ? "scatter_add" : "scatter");
}

// torch refuses an input that shares memory with the tensor a scatter writes to; like torch, this is
// decided only for contiguous tensors (their memory is one range), other layouts are let through.
void check_no_overlap(const Tensor& self, const Tensor& in, const char* op) {
  if (!in.defined() || !in.same_storage(self) || in.numel() == 0 || self.numel() == 0) return;
  if (!in.is_contiguous() || !self.is_contiguous()) return;
  const int64_t a = self.byte_offset();
  const int64_t b = in.byte_offset();
  const bool disjoint = a + self.numel() * static_cast<int64_t>(self.itemsize()) <= b ||
                        b + in.numel() * static_cast<int64_t>(in.itemsize()) <= a;
  EMBER_CHECK(disjoint, Runtime, op,
              "(): unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
              "single memory location. Please clone() the tensor before performing the operation.");
}

// The shared body of scatter / scatter_ / scatter_add(_) with a tensor src or a value (src undefined).
Tensor& scatter_impl(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src_in, const Scalar* value,
                     bool accumulate, const char* op) {
  const Tensor* srcp = src_in.defined() ? &src_in : nullptr;
  dim = check_gather_shapes(self, dim, index, srcp, op);
  if (srcp) {
    EMBER_CHECK(src_in.dtype() == self.dtype(), Runtime, accumulate ? "scatter_add" : "scatter", "(): Expected self.dtype to be equal to src.dtype");
  }
  check_no_overlap(self, index, op);
  check_no_overlap(self, src_in, op);
  auto run = [&](Tensor& target) {
    autograd::GradModeGuard no_grad(false);
    Tensor src = srcp ? src_in : scalar_tensor(*value, self.dtype());
    scatter_forward(target, dim, index, src, accumulate);
  };
  if (srcp ? autograd::should_record({&self, &src_in}) : autograd::should_record({&self})) {
    Tensor result = autograd::inplace_input(self, op);
    run(result);
    autograd::record_scatter(result, dim, index, src_in, accumulate, result);
    autograd::commit_inplace(self, result);
    return self;
  }
  run(self);
  return self;
}

}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  dim = wrap_dim(dim, x.dim());
  EMBER_CHECK(index.dim() <= 1, Index, "index_select(): Index is supposed to be a vector");
  EMBER_CHECK(index.dtype() == ScalarType::Int64 || index.dtype() == ScalarType::Int32, Runtime,
              "index_select(): Expected dtype int32 or int64 for index");
  const int64_t size = x.dim() == 0 ? 1 : x.sizes()[dim];
  int64_t bad = 0;
  EMBER_CHECK(!kernels::first_bad_index(contiguous(to_dtype(index, ScalarType::Int64)), 0, size, bad), Index,
              "index out of range in self");
  if (x.dim() == 0) {
    EMBER_CHECK(index.numel() == 1, Runtime, "index_select(): Index to scalar can have only 1 value, got ",
                index.numel(), " value(s)");
    return clone(x);
  }
  std::vector<Tensor> indices(dim);
  indices.push_back(reshape(index, Shape{index.numel()}));
  return ember::index(x, indices);  // parallel gather; differentiable through index's backward
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  dim = check_gather_shapes(x, dim, index, nullptr, "gather");
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    out = empty(index.sizes(), x.dtype(), x.device());
    gather_into(out, x, dim, index);
  }
  if (autograd::should_record({&x})) autograd::record_gather(x, dim, index, out);
  return out;
}

Tensor& gather_out(const Tensor& x, int64_t dim, const Tensor& index, Tensor& out) {
  check_writable(out, "gather");
  EMBER_CHECK(!autograd::should_record({&x, &index, &out}), Runtime,
              "gather(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
  EMBER_CHECK(out.dtype() == x.dtype(), Runtime, "Expected out tensor to have dtype ", dtype_name(x.dtype()),
              ", but got ", dtype_name(out.dtype()), " instead");
  dim = check_gather_shapes(x, dim, index, nullptr, "gather");
  resize_output(out, index.sizes(), "gather");
  if (out.same_storage(x) || out.same_storage(index)) {
    kernels::copy(out, gather(x, dim, index));  // an out= that overlaps an input: through a temporary
  } else {
    gather_into(out, x, dim, index);  // straight into out: the kernel writes any layout
  }
  out.bump_version();
  return out;
}

Tensor& scatter_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  check_writable(x, "scatter_");
  return scatter_impl(x, dim, index, src, nullptr, false, "scatter_");
}

Tensor& scatter_value_(Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  check_writable(x, "scatter_");
  return scatter_impl(x, dim, index, Tensor(), &value, false, "scatter_");
}

Tensor& scatter_add_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  check_writable(x, "scatter_add_");
  return scatter_impl(x, dim, index, src, nullptr, true, "scatter_add_");
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = clone(x);
  scatter_impl(out, dim, index, src, nullptr, false, "scatter");
  return out;
}

Tensor scatter_value(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  Tensor out = clone(x);
  scatter_impl(out, dim, index, Tensor(), &value, false, "scatter");
  return out;
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = clone(x);
  scatter_impl(out, dim, index, src, nullptr, true, "scatter_add");
  return out;
}

// ---- scatter_reduce and the index_* ops along one dim ----

namespace {

enum class Reduce { Sum, Prod, Mean, Amax, Amin };

Reduce parse_reduce(const std::string& r) {
  if (r == "sum") return Reduce::Sum;
  if (r == "prod") return Reduce::Prod;
  if (r == "mean") return Reduce::Mean;
  if (r == "amax") return Reduce::Amax;
  if (r == "amin") return Reduce::Amin;
  EMBER_FAIL(Runtime, "reduce argument must be either sum, prod, mean, amax or amin, got ", r);
}

// The value a target starts from when include_self=False (the reduction's identity).
Scalar reduce_identity(Reduce r, ScalarType t) {
  if (r == Reduce::Sum || r == Reduce::Mean) return Scalar(int64_t(0));
  if (r == Reduce::Prod) return Scalar(int64_t(1));
  const bool hi = r == Reduce::Amin;
  if (is_floating(t)) return Scalar(hi ? INFINITY : -INFINITY);
  switch (t) {
    case ScalarType::Bool: return Scalar(hi);
    case ScalarType::UInt8: return Scalar(int64_t(hi ? 255 : 0));
    case ScalarType::Int8: return Scalar(int64_t(hi ? INT8_MAX : INT8_MIN));
    case ScalarType::Int16: return Scalar(int64_t(hi ? INT16_MAX : INT16_MIN));
    case ScalarType::Int32: return Scalar(int64_t(hi ? INT32_MAX : INT32_MIN));
    default: return Scalar(int64_t(hi ? INT64_MAX : INT64_MIN));
  }
}

// Computes scatter_reduce into `target` (a copy of self), grad mode off.
void scatter_reduce_forward(Tensor& target, int64_t dim, const Tensor& index, const Tensor& src, Reduce r,
                            bool include_self) {
  if (index.numel() == 0) return;
  const ScalarType t = target.dtype();
  if (!include_self) scatter_apply(target, dim, index, scalar_tensor(reduce_identity(r, t), t), ScatterOp::Copy,
                                   "scatter_reduce");
  switch (r) {
    case Reduce::Sum: scatter_apply(target, dim, index, src, ScatterOp::Add, "scatter_reduce"); return;
    case Reduce::Prod: scatter_apply(target, dim, index, src, ScatterOp::Mul, "scatter_reduce"); return;
    case Reduce::Amax: scatter_apply(target, dim, index, src, ScatterOp::Max, "scatter_reduce"); return;
    case Reduce::Amin: scatter_apply(target, dim, index, src, ScatterOp::Min, "scatter_reduce"); return;
    case Reduce::Mean: {
      // sum, then divide by the number of values each target took (self counting once when included)
      const ScalarType ct = is_floating(t) ? t : ScalarType::Int64;
      Tensor count = full(target.sizes(), Scalar(int64_t(include_self ? 1 : 0)), ct, target.device());
      scatter_apply(count, dim, index, scalar_tensor(Scalar(int64_t(1)), ct), ScatterOp::Add, "scatter_reduce");
      scatter_apply(target, dim, index, src, ScatterOp::Add, "scatter_reduce");
      count = clamp(count, scalar_tensor(Scalar(int64_t(1)), ct), std::nullopt);
      Tensor q = binary(is_floating(t) ? BinaryOp::Div : BinaryOp::DivFloor, target, count);
      copy_(target, q);
      return;
    }
  }
}

Tensor& scatter_reduce_impl(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                            const std::string& reduce, bool include_self, const char* op) {
  Reduce r = parse_reduce(reduce);
  dim = check_gather_shapes(self, dim, index, &src, op);
  EMBER_CHECK(src.dtype() == self.dtype(), Runtime, op, "(): Expected self.dtype to be equal to src.dtype, got ",
              dtype_name(self.dtype()), " and ", dtype_name(src.dtype()));
  EMBER_CHECK(!(r == Reduce::Mean && self.dtype() == ScalarType::Bool), NotImplemented, op,
              "(): reduce='mean' is not implemented for 'Bool'");
  check_no_overlap(self, index, op);
  check_no_overlap(self, src, op);
  auto run = [&](Tensor& target) {
    autograd::GradModeGuard no_grad(false);
    scatter_reduce_forward(target, dim, index, src, r, include_self);
  };
  if (autograd::should_record({&self, &src})) {
    Tensor before = autograd::inplace_input(self, op);
    Tensor result;  // a copy: the formulas need self's values before the op
    {
      autograd::GradModeGuard no_grad(false);
      result = clone(before);
    }
    run(result);
    autograd::record_scatter_reduce(before, dim, index, src, reduce, include_self, result);
    autograd::commit_inplace(self, result);
    return self;
  }
  run(self);
  return self;
}

// index_* ops: a 1-d (or 0-d) index along `dim` of x, checked as torch checks it; returns it as an
// int64 tensor viewed over `shape` (stride 0 except along dim), the index a scatter op takes.
struct DimIndex {
  int64_t dim;
  Tensor full;  // int64, over the scattered shape
};

Tensor index_vector(const Tensor& index, const char* op, bool int32_ok) {
  EMBER_CHECK(index.dim() <= 1, Index, op, "(): Index is supposed to be a vector, but got dim: ", index.dim(),
              " with size: ", index.shape_str());
  if (int32_ok) {
    EMBER_CHECK(index.dtype() == ScalarType::Int64 || index.dtype() == ScalarType::Int32, Runtime, op,
                "(): Expected dtype int32/int64 for index but got: ", dtype_name(index.dtype()));
  } else {
    EMBER_CHECK(index.dtype() == ScalarType::Int64, Runtime, op, "(): Expected a long tensor for index, but got ",
                dtype_name(index.dtype()));
  }
  return contiguous(reshape(to_dtype(index, ScalarType::Int64), Shape{index.numel()}));
}

// Checks the index values; negative ones count from the end where `wrap`.
Tensor check_index_values(const Tensor& idx, int64_t size, int64_t dim, const char* op, ErrorKind kind, bool wrap) {
  int64_t v = 0;
  if (kernels::first_bad_index(idx, wrap ? -size : 0, size, v)) {
    if (kind == ErrorKind::Runtime) EMBER_FAIL(Runtime, op, "(): index ", v, " is out of bounds for dimension ", dim, " with size ", size);
    EMBER_FAIL(Index, op, "(): index ", v, " is out of bounds for dimension ", dim, " with size ", size);
  }
  if (!wrap || !kernels::first_bad_index(idx, 0, size, v)) return idx;  // no negative index to wrap
  return binary(BinaryOp::Remainder, idx, wrapped_scalar(Scalar(size)));  // -size..-1 -> 0..size-1
}

Tensor spread_index(const Tensor& idx, const Shape& shape, int64_t dim) {
  Shape st(shape.size(), 0);
  st[dim] = 1;
  return make_view(idx, shape, st, idx.storage_offset());  // a slice of a bigger index keeps its offset
}

// index_add / index_copy / index_reduce: source has self's shape except along dim (index.numel()).
DimIndex check_index_source(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const char* op,
                            bool int32_ok, ErrorKind range_kind) {
  dim = wrap_dim(dim, x.dim());
  Tensor idx = index_vector(index, op, int32_ok);
  EMBER_CHECK(source.dtype() == x.dtype(), Runtime, op, "(): self (", dtype_name(x.dtype()), ") and source (",
              dtype_name(source.dtype()), ") must have the same scalar type");
  Shape xs = sizes1(x), ss = sizes1(source);
  // index_copy reports a rank or count mismatch as IndexError (torch's class), the others RuntimeError
  const bool copy = std::strncmp(op, "index_copy", 10) == 0;
  // index_reduce with a 0-d source and a non-0-d self: torch reads source's size along dim 0 (an
  // IndexError) unless the index has one element; then the shapes simply mismatch
  const bool reduce_0d = std::strncmp(op, "index_reduce", 12) == 0 && source.dim() == 0 && x.dim() > 0 && dim == 0;
  EMBER_CHECK(!reduce_0d || idx.numel() == 1, Index, "Dimension specified as ", dim,
              " but tensor has no dimensions");
  EMBER_CHECK(!copy || x.dim() == 0 || source.dim() == 0 || x.dim() == source.dim(), Index, op,
              "(): When source and destination are not scalars, their dimensionality must match. Source "
              "dimensionality (", source.dim(), "), destination dimensionality (", x.dim(), ")");
  // a 0-d and a 1-d tensor stand for each other in index_copy only
  bool same = !reduce_0d && (x.dim() == source.dim() || (copy && x.dim() <= 1 && source.dim() <= 1));
  for (int64_t d = 0; same && d < static_cast<int64_t>(xs.size()); ++d) same = d == dim || xs[d] == ss[d];
  EMBER_CHECK(same, Runtime, op, "(): source tensor shape must match self tensor shape, excluding the specified "
              "dimension. Got self.shape = ", x.shape_str(), " source.shape = ", source.shape_str());
  if (ss[dim] != idx.numel()) {
    detail::fail(copy ? ErrorKind::Index : ErrorKind::Runtime, op, "(): Number of indices (", idx.numel(),
              ") should be equal to source.size(dim): (", ss[dim], "), for dim: ", dim);
  }
  idx = check_index_values(idx, xs[dim], dim, op, range_kind, false);
  return {dim, spread_index(idx, ss, dim)};
}

}  // namespace

Tensor scatter_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                      bool include_self) {
  Tensor out = clone(x);
  scatter_reduce_impl(out, dim, index, src, reduce, include_self, "scatter_reduce");
  return out;
}

Tensor& scatter_reduce_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                        bool include_self) {
  check_writable(x, "scatter_reduce_");
  return scatter_reduce_impl(x, dim, index, src, reduce, include_self, "scatter_reduce_");
}

namespace {

Tensor scaled_source(const Tensor& source, const Scalar& alpha, ScalarType t) {
  const bool one = alpha.to_double() == 1.0;
  return one ? source : binary(BinaryOp::Mul, source, scalar_tensor(alpha, t));
}

}  // namespace

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  DimIndex di = check_index_source(x, dim, index, source, "index_add", true, ErrorKind::Runtime);
  return scatter_add(x, di.dim, di.full, scaled_source(source, alpha, x.dtype()));
}

Tensor& index_add_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  DimIndex di = check_index_source(x, dim, index, source, "index_add_", true, ErrorKind::Runtime);
  return scatter_add_(x, di.dim, di.full, scaled_source(source, alpha, x.dtype()));
}

Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  DimIndex di = check_index_source(x, dim, index, source, "index_copy", false, ErrorKind::Index);
  return scatter(x, di.dim, di.full, source);
}

Tensor& index_copy_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  DimIndex di = check_index_source(x, dim, index, source, "index_copy_", false, ErrorKind::Index);
  return scatter_(x, di.dim, di.full, source);
}

namespace {

// A fill value (a Python number as a wrapped 0-d tensor, or a 0-d tensor) must fit the filled
// tensor's dtype, by torch's rule (scalar_fits): 10000 into int8 or NaN into int64 raise. A meta
// value has no number to check.
void check_fill_value(const Tensor& value, ScalarType dtype, const char* op) {
  if (value.device().type == DeviceType::Meta) return;
  EMBER_CHECK(scalar_fits(item(value), dtype), Runtime, op, ": value cannot be converted to type ", dtype_name(dtype),
              " without overflow");
}

// index_fill: the value broadcast over the filled slices, and their index.
std::pair<DimIndex, Tensor> fill_args(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& value,
                                      const char* op) {
  dim = wrap_dim(dim, x.dim());
  // the dtype first, as torch
  EMBER_CHECK(index.dtype() == ScalarType::Int64, Index, op, "(): Expected dtype int64 for index, got ",
              dtype_name(index.dtype()));
  EMBER_CHECK(index.dim() <= 1, Runtime, op, "(): Index has to be a vector/scalar, got ", index.shape_str());
  EMBER_CHECK(value.dim() == 0, Runtime, op, " only supports a 0-dimensional value tensor, but got tensor with ",
              value.dim(), " dimension(s).");
  check_fill_value(value, x.dtype(), op);
  Shape xs = sizes1(x);
  Tensor idx = check_index_values(contiguous(reshape(index, Shape{index.numel()})), xs[dim], dim, op,
                                  ErrorKind::Index, true);
  // a value that requires grad takes each filled element's gradient once: repeated indices go
  // (the forward writes the same value either way)
  Tensor uniq = autograd::requires_grad(value) ? std::get<0>(unique(idx, true, false, false, std::nullopt)) : idx;
  Shape shape = xs;
  shape[dim] = uniq.numel();
  Tensor val = to_dtype(value, x.dtype());
  return {{dim, spread_index(uniq, shape, dim)}, expand(val, shape)};
}

}  // namespace

Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& value) {
  auto [di, val] = fill_args(x, dim, index, value, "index_fill");
  return scatter(x, di.dim, di.full, val);
}

Tensor& index_fill_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& value) {
  auto [di, val] = fill_args(x, dim, index, value, "index_fill_");
  return scatter_(x, di.dim, di.full, val);
}

namespace {

void check_index_reduce(const Tensor& x, const std::string& reduce, const char* op) {
  EMBER_CHECK(reduce == "prod" || reduce == "mean" || reduce == "amax" || reduce == "amin", Runtime, op,
              "(): Expected reduce to be one of prod, mean, amax or amin but got ", reduce, ".");
  EMBER_CHECK(x.dtype() != ScalarType::Bool, NotImplemented, op, "(): not implemented for 'Bool'");
}

}  // namespace

Tensor index_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const std::string& reduce,
                    bool include_self) {
  check_index_reduce(x, reduce, "index_reduce");
  DimIndex di = check_index_source(x, dim, index, source, "index_reduce", true, ErrorKind::Index);
  return scatter_reduce(x, di.dim, di.full, source, reduce, include_self);
}

Tensor& index_reduce_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const std::string& reduce,
                      bool include_self) {
  check_index_reduce(x, reduce, "index_reduce_");
  DimIndex di = check_index_source(x, dim, index, source, "index_reduce_", true, ErrorKind::Index);
  return scatter_reduce_(x, di.dim, di.full, source, reduce, include_self);
}

// ---- masked ops: composites of where / index (their derivatives come from those) ----

namespace {

Tensor masked_fill_value(const Tensor& x, const Tensor& mask, const Tensor& value, const char* op) {
  EMBER_CHECK(mask.dtype() == ScalarType::Bool, Runtime, op, " only supports boolean masks, but got mask with dtype ",
              dtype_name(mask.dtype()));
  EMBER_CHECK(value.dim() == 0, Runtime, op, " only supports a 0-dimensional value tensor, but got tensor with ",
              value.dim(), " dimension(s).");
  check_fill_value(value, x.dtype(), op);
  return where(mask, to_dtype(value, x.dtype()), x);
}

}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  return masked_fill_value(x, mask, value, "masked_fill_");
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  return masked_fill_value(x, mask, wrapped_scalar(value), "masked_fill_");
}

Tensor& masked_fill_(Tensor& x, const Tensor& mask, const Tensor& value) {
  check_writable(x, "masked_fill_");
  Shape b = broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill_");
  EMBER_CHECK(b == x.sizes(), Runtime, "output with shape ", x.shape_str(), " doesn't match the broadcast shape ",
              shape_to_string(b));
  Tensor r = masked_fill_value(x, mask, value, "masked_fill_");
  copy_(x, r);
  return x;
}

Tensor& masked_fill_(Tensor& x, const Tensor& mask, const Scalar& value) {
  return masked_fill_(x, mask, wrapped_scalar(value));
}

Tensor masked_select(const Tensor& x, const Tensor& mask) {
  EMBER_CHECK(mask.dtype() == ScalarType::Bool, Runtime, "masked_select: expected BoolTensor for mask");
  Shape b = broadcast_shapes(x.sizes(), mask.sizes(), "masked_select");
  if (b.empty()) {  // 0-d: one element or none
    return index(reshape(x, Shape{1}), {reshape(mask, Shape{1})});
  }
  return index(expand(x, b), {expand(mask, b)});
}

}  // namespace ember
