// index_select, gather, scatter (src / value), scatter_add and their in-place forms.
#include "autograd/derivatives/derivatives.h"
#include "cpu/gather_scatter_kernels.h"
#include "cpu/kernels.h"
#include "ops/ops.h"

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
  check_index_dtype(index, op);
  EMBER_CHECK(std::max<int64_t>(index.dim(), 1) == nd, Runtime,
              "Index tensor must have the same number of dimensions as ", src ? "self tensor" : "input tensor");
  if (src) {
    EMBER_CHECK(std::max<int64_t>(src->dim(), 1) == nd, Runtime,
                "Index tensor must have the same number of dimensions as src tensor");
  }
  if (index.numel() == 0) return dim;
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

Tensor gather_forward(const Tensor& self, int64_t dim, const Tensor& index) {
  Tensor out = empty(index.sizes(), self.dtype(), self.device());
  if (out.numel() == 0) return out;
  Tensor idx = index1(index);
  Tensor out1 = out.dim() == 0 ? reshape(out, Shape{1}) : out;
  cpu::gather_kernel(out1, along_view(self, idx, dim), idx, dim, sizes1(self)[dim], strides1(self)[dim]);
  return out;
}

// Writes src (already self's dtype, broadcast or sized >= index) into self in place.
void scatter_forward(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate) {
  if (index.numel() == 0) return;
  Tensor idx = index1(index);
  Tensor s = src.same_storage(self) ? clone(src) : src;
  Tensor src_view = make_view(s, idx.sizes(), s.dim() == 0 ? Shape{0} : s.strides(), s.storage_offset());
  if (s.dim() == 0) src_view = make_view(s, idx.sizes(), Shape(idx.dim(), 0), s.storage_offset());
  cpu::scatter_kernel(along_view(self, idx, dim), src_view, idx, dim, sizes1(self)[dim], strides1(self)[dim],
                      accumulate);
  self.bump_version();
}

// The shared body of scatter / scatter_ / scatter_add(_) with a tensor src or a value (src undefined).
Tensor& scatter_impl(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src_in, const Scalar* value,
                     bool accumulate, const char* op) {
  const Tensor* srcp = src_in.defined() ? &src_in : nullptr;
  dim = check_gather_shapes(self, dim, index, srcp, op);
  if (srcp) {
    EMBER_CHECK(src_in.dtype() == self.dtype(), Runtime, accumulate ? "scatter_add" : "scatter", "(): Expected self.dtype to be equal to src.dtype");
  }
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
  {
    Tensor ic = contiguous(to_dtype(index, ScalarType::Int64));
    const int64_t* p = ic.data<int64_t>();
    for (int64_t i = 0; i < ic.numel(); ++i) {
      EMBER_CHECK(p[i] >= 0 && p[i] < size, Index, "index out of range in self");
    }
  }
  if (x.dim() == 0) {
    EMBER_CHECK(index.numel() == 1, Index, "index_select(): Index to scalar can have only 1 value, got ",
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
    out = gather_forward(x, dim, index);
  }
  if (autograd::should_record({&x})) autograd::record_gather(x, dim, index, out);
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

// ---- masked ops: composites of where / index (their derivatives come from those) ----

namespace {

Tensor masked_fill_value(const Tensor& x, const Tensor& mask, const Tensor& value, const char* op) {
  EMBER_CHECK(mask.dtype() == ScalarType::Bool, Runtime, op, " only supports boolean masks, but got mask with dtype ",
              dtype_name(mask.dtype()));
  EMBER_CHECK(value.dim() == 0, Runtime, op, " only supports a 0-dimensional value tensor, but got tensor with ",
              value.dim(), " dimension(s).");
  return where(mask, to_dtype(value, x.dtype()), x);
}

}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  return masked_fill_value(x, mask, value, "masked_fill_");
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  return masked_fill_value(x, mask, scalar_tensor(value, x.dtype()), "masked_fill_");
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
  return masked_fill_(x, mask, scalar_tensor(value, x.dtype()));
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
