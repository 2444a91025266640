// Tensor = storage + offset + sizes + strides + dtype. Views share the storage; the version
// counter lives on the storage, so every view of the same memory sees the same count.
#pragma once
#include <memory>
#include <string>

#include "core/dtype.h"
#include "core/small_vector.h"
#include "core/storage.h"

namespace ember {

using Shape = DimVector;

namespace autograd {
struct AutogradMeta;
}

struct TensorImpl {
  TensorImpl();
  ~TensorImpl();

  Storage storage;
  int64_t offset = 0;  // in elements
  Shape sizes;
  Shape strides;  // in elements, may be negative or zero
  ScalarType dtype = ScalarType::Float32;
  // A Python number turned into a 0-d tensor for an op: it takes part in type promotion
  // with the lowest priority, as in torch.
  bool is_wrapped_number = false;
  // Made by a view op (view, slice, transpose, ...): in-place ops under autograd refuse views.
  bool is_view = false;
  // Autograd state (requires_grad, grad, grad_fn, hooks); null for tensors autograd never saw.
  std::unique_ptr<autograd::AutogradMeta> autograd;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  const Shape& sizes() const { return impl_->sizes; }
  const Shape& strides() const { return impl_->strides; }
  int64_t size(int64_t dim) const;    // wraps negative dims
  int64_t stride(int64_t dim) const;  // wraps negative dims
  int64_t dim() const { return static_cast<int64_t>(impl_->sizes.size()); }
  int64_t numel() const;
  ScalarType dtype() const { return impl_->dtype; }
  size_t itemsize() const { return ember::itemsize(impl_->dtype); }
  Device device() const { return impl_->storage->device; }
  int64_t storage_offset() const { return impl_->offset; }
  const Storage& storage() const { return impl_->storage; }
  bool is_contiguous() const;
  bool is_wrapped_number() const { return impl_->is_wrapped_number; }

  // The first element's address. A meta tensor has no data: asking for it is an error, never a
  // crash (every kernel of the meta device is a no-op and never asks).
  char* data_ptr() const {
    EMBER_CHECK(!device().is_meta(), NotImplemented, "Cannot access data of a meta tensor (shape ", shape_str(),
                "): it has none");
    return static_cast<char*>(impl_->storage->data) + impl_->offset * static_cast<int64_t>(itemsize());
  }
  // The typed data pointer. A meta tensor has no data: reading it is an error, never a crash.
  template <typename T>
  T* data() const {
    return reinterpret_cast<T*>(data_ptr());
  }
  // Where the first element sits in the storage, in bytes (defined on every device).
  int64_t byte_offset() const { return impl_->offset * static_cast<int64_t>(itemsize()); }

  uint32_t version() const { return impl_->storage->version.load(std::memory_order_relaxed); }
  void bump_version() const { impl_->storage->version.fetch_add(1, std::memory_order_relaxed); }
  bool same_storage(const Tensor& o) const { return impl_->storage == o.impl_->storage; }

  std::string shape_str() const;  // "[2, 3]"

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Raw constructors used by ops.
Tensor make_tensor(Storage storage, int64_t offset, Shape sizes, Shape strides, ScalarType dtype);
Tensor empty(const Shape& sizes, ScalarType dtype, Device device);
Tensor empty_strided(const Shape& sizes, const Shape& strides, ScalarType dtype, Device device);
// A view of `base`'s storage with new geometry.
Tensor make_view(const Tensor& base, Shape sizes, Shape strides, int64_t offset);

// Raises RuntimeError when `t` is read-only borrowed memory; every write path calls it.
void check_writable(const Tensor& t, const char* op);

}  // namespace ember
