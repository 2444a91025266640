#include <algorithm>

#include "autograd/derivatives/derivatives.h"
#include "kernels/kernels.h"
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
  if (src.same_storage(dst) && (src.byte_offset() != dst.byte_offset() || src.strides() != dst.strides())) {
    Tensor tmp = clone(src);
    kernels::copy(dst, tmp);
  } else {
    kernels::copy(dst, src);
  }
  dst.bump_version();
  return dst;
}

Tensor to_dtype(const Tensor& t, ScalarType dtype, bool copy) {
  if (t.dtype() == dtype && !copy) return t;
  Tensor out = empty(t.sizes(), dtype, t.device());
  kernels::copy(out, t);
  if (autograd::should_record({&t})) autograd::record_to_copy(t, out);
  return out;
}

Tensor to_device(const Tensor& t, Device device) {
  if (t.device().type == device.type) return t;
  EMBER_CHECK(!t.device().is_meta(), NotImplemented, "Cannot copy out of meta tensor; no data! (to ", device.str(),
              "; create the tensor on that device instead, e.g. with empty_like(t, device=...))");
  check_device_available(device, "to");
  EMBER_CHECK(!autograd::should_record({&t}), NotImplemented, "to(", device.str(),
              "): moving a tensor that requires grad to another device is not supported yet; detach() it first");
  // only the meta device can be reached from here (CUDA is refused above): no data to copy, and the
  // metadata (sizes, strides, offset) is kept exactly, as a view of a storage of the same size
  return make_tensor(allocate_storage(t.storage()->nbytes, device), t.storage_offset(), t.sizes(), t.strides(),
                     t.dtype());
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = empty(t.sizes(), t.dtype(), t.device());
  kernels::copy(out, t);
  if (autograd::should_record({&t})) autograd::record_to_copy(t, out);
  return out;
}

namespace {
// Strides of a dense, non-overlapping layout (a permutation of contiguous strides), if `t` has one.
std::optional<Shape> dense_strides(const Tensor& t) {
  const int64_t nd = t.dim();
  std::vector<int64_t> order(nd);
  for (int64_t i = 0; i < nd; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return std::llabs(t.strides()[a]) > std::llabs(t.strides()[b]);
  });
  int64_t expected = 1;
  for (int64_t k = nd - 1; k >= 0; --k) {
    const int64_t d = order[k];
    if (t.sizes()[d] == 1) continue;
    if (t.strides()[d] != expected) return std::nullopt;
    expected *= t.sizes()[d];
  }
  // size-1 dims take the stride that would follow in this order, as torch does
  Shape st(nd);
  expected = 1;
  for (int64_t k = nd - 1; k >= 0; --k) {
    st[order[k]] = expected;
    expected *= std::max<int64_t>(t.sizes()[order[k]], 1);
  }
  return st;
}
}  // namespace

Scalar item(const Tensor& t) {
  EMBER_CHECK(t.numel() == 1, Runtime, "a Tensor with ", t.numel(), " elements cannot be converted to Scalar");
  // to the host first: the CPU reads the value (a meta tensor refuses the copy: it has no data)
  const Tensor host = to_device(t, Device{DeviceType::CPU});
  return dispatch_all(host.dtype(), "item", [&](auto tag) -> Scalar {
    using T = typename decltype(tag)::type;
    const T v = *reinterpret_cast<const T*>(host.data_ptr());
    if constexpr (std::is_same_v<T, bool>) {
      return Scalar(v);
    } else if constexpr (std::is_integral_v<T>) {
      return Scalar(static_cast<int64_t>(v));
    } else {
      return Scalar(static_cast<double>(static_cast<acc_t<T>>(v)));
    }
  });
}

Tensor int64_tensor(const std::vector<int64_t>& values, Device device) {
  Tensor host = empty(Shape{static_cast<int64_t>(values.size())}, ScalarType::Int64, Device{DeviceType::CPU});
  std::copy(values.begin(), values.end(), host.data<int64_t>());
  return to_device(host, device);
}

Tensor clone(const Tensor& t) {
  // like torch's preserve_format: a dense permuted layout (a transpose) keeps its strides
  std::optional<Shape> st = t.is_contiguous() ? std::nullopt : dense_strides(t);
  // as torch: an empty tensor counts as dense, its strides are kept (negative ones, from NumPy,
  // which torch never has, give the default layout)
  if (t.numel() == 0) {
    const bool negative = std::any_of(t.strides().begin(), t.strides().end(), [](int64_t s) { return s < 0; });
    st = negative ? std::nullopt : std::optional<Shape>(t.strides());
  }
  Tensor out = st ? empty_strided(t.sizes(), *st, t.dtype(), t.device()) : empty(t.sizes(), t.dtype(), t.device());
  kernels::copy(out, t);
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
    autograd::commit_inplace(t, where(ones(t.sizes(), ScalarType::Bool, t.device()), wrapped_scalar(value), prev));
    return t;
  }
  kernels::fill(t, value);
  t.bump_version();
  return t;
}

}  // namespace ember
