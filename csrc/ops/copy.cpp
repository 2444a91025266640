#include "autograd/derivatives/derivatives.h"
#include "cpu/kernels.h"
#include "ops/ops.h"

namespace ember {

Tensor& copy_(Tensor& dst, const Tensor& src) {
  check_writable(dst, "copy_");
  broadcast_shapes(dst.sizes(), src.sizes(), "copy_");
  EMBER_CHECK(src.dim() <= dst.dim(), Runtime, "copy_: source of shape ", src.shape_str(),
              " cannot be broadcast to destination of shape ", dst.shape_str());
  for (int64_t i = 0; i < src.dim(); ++i) {
    int64_t s = src.sizes()[src.dim() - 1 - i], d = dst.sizes()[dst.dim() - 1 - i];
    EMBER_CHECK(s == d || s == 1, Runtime, "copy_: source of shape ", src.shape_str(),
                " cannot be broadcast to destination of shape ", dst.shape_str());
  }
  if (autograd::should_record({&dst, &src})) {
    // dst's old value is overwritten: the result's history is src's alone
    autograd::check_inplace_allowed(dst, "copy_");
    autograd::commit_inplace(dst, expand(to_dtype(src, dst.dtype()), dst.sizes()));
    return dst;
  }
  if (dst.numel() == 0) return dst;
  // A source that overlaps the destination in a different layout is copied out first.
  if (src.same_storage(dst) && (src.data_ptr() != dst.data_ptr() || src.strides() != dst.strides())) {
    Tensor tmp = clone(src);
    cpu::copy_kernel(dst, tmp);
  } else {
    cpu::copy_kernel(dst, src);
  }
  dst.bump_version();
  return dst;
}

Tensor to_dtype(const Tensor& t, ScalarType dtype, bool copy) {
  if (t.dtype() == dtype && !copy) return t;
  Tensor out = empty(t.sizes(), dtype, t.device());
  cpu::copy_kernel(out, t);
  if (autograd::should_record({&t})) autograd::record_to_copy(t, out);
  return out;
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  return clone(t);
}

Tensor clone(const Tensor& t) {
  Tensor out = empty(t.sizes(), t.dtype(), t.device());
  cpu::copy_kernel(out, t);
  if (autograd::should_record({&t})) autograd::record_to_copy(t, out);
  return out;
}

Tensor& fill_(Tensor& t, const Scalar& value) {
  check_writable(t, "fill_");
  EMBER_CHECK(scalar_fits(value, t.dtype()), Runtime, "fill_: value cannot be converted to type ", dtype_name(t.dtype()),
              " without overflow");
  if (autograd::should_record({&t})) {
    // the result no longer depends on t's old value: its gradient there is zero
    Tensor prev = autograd::inplace_input(t, "fill_");
    autograd::commit_inplace(t, where(ones(t.sizes(), ScalarType::Bool), wrapped_scalar(value), prev));
    return t;
  }
  cpu::fill_kernel(t, value);
  t.bump_version();
  return t;
}

}  // namespace ember
