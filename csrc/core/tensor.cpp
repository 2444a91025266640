#include "core/tensor.h"

#include "autograd/node.h"
#include "core/output.h"
#include "core/shape.h"

namespace ember {

TensorImpl::TensorImpl() = default;
TensorImpl::~TensorImpl() = default;

int64_t Tensor::size(int64_t d) const { return impl_->sizes[wrap_dim(d, dim(), false)]; }
int64_t Tensor::stride(int64_t d) const { return impl_->strides[wrap_dim(d, dim(), false)]; }
int64_t Tensor::numel() const { return shape_numel(impl_->sizes); }
bool Tensor::is_contiguous() const { return is_contiguous_geometry(impl_->sizes, impl_->strides); }
std::string Tensor::shape_str() const { return shape_to_string(impl_->sizes); }

Tensor make_tensor(Storage storage, int64_t offset, Shape sizes, Shape strides, ScalarType dtype) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->offset = offset;
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor empty(const Shape& sizes, ScalarType dtype, Device device) {
  check_sizes(sizes, "empty");
  int64_t n = shape_numel(sizes);
  size_t isz = itemsize(dtype);
  EMBER_CHECK(n <= static_cast<int64_t>(SIZE_MAX / 2 / isz), Runtime, "out of memory: tensor of size ",
              shape_to_string(sizes), " is too large");
  return make_tensor(allocate_storage(static_cast<size_t>(n) * isz, device), 0, sizes, contiguous_strides(sizes),
                     dtype);
}

Tensor empty_strided(const Shape& sizes, const Shape& strides, ScalarType dtype, Device device) {
  check_sizes(sizes, "empty_strided");
  EMBER_CHECK(sizes.size() == strides.size(), Runtime, "empty_strided: mismatch in length of strides and shape");
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_CHECK(strides[i] >= 0, Runtime, "empty_strided: negative strides are not supported");
    if (sizes[i] == 0) extent = 0;
  }
  // checked arithmetic: a wrapped extent would allocate a small buffer behind huge strides
  int64_t nbytes = 0;
  bool overflow = false;
  for (size_t i = 0; extent != 0 && i < sizes.size(); ++i) {
    int64_t span;
    overflow = overflow || __builtin_mul_overflow(sizes[i] - 1, strides[i], &span) ||
               __builtin_add_overflow(extent, span, &extent);
  }
  overflow = overflow || __builtin_mul_overflow(extent, static_cast<int64_t>(itemsize(dtype)), &nbytes);
  EMBER_CHECK(!overflow, Runtime, "out of memory: empty_strided: storage size calculation overflowed with sizes=",
              shape_to_string(sizes), " and strides=", shape_to_string(strides));
  return make_tensor(allocate_storage(static_cast<size_t>(nbytes), device), 0, sizes, strides, dtype);
}

Tensor make_view(const Tensor& base, Shape sizes, Shape strides, int64_t offset) {
  return make_tensor(base.storage(), offset, std::move(sizes), std::move(strides), base.dtype());
}

void check_writable(const Tensor& t, const char* op) {
  check_not_read_only(t, op);
  // A stride-0 dim of size > 1 (an expanded view) makes several elements one memory location:
  // the result would depend on the write order, so torch refuses it and so do we.
  if (t.numel() == 0) return;
  for (int64_t d = 0; d < t.dim(); ++d) {
    EMBER_CHECK(t.strides()[d] != 0 || t.sizes()[d] <= 1, Runtime, op,
                ": unsupported operation: more than one element of the written-to tensor refers to a single "
                "memory location. Please clone() the tensor before performing the operation.");
  }
}

}  // namespace ember
