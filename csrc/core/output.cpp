#include "core/output.h"

#include <atomic>

#include "core/error.h"
#include "core/shape.h"

namespace ember {

namespace {
std::atomic<WarningHandler> g_warning_handler{nullptr};
}

void set_warning_handler(WarningHandler handler) { g_warning_handler.store(handler); }

void warn(const std::string& message) {
  if (WarningHandler h = g_warning_handler.load()) h(message);
}

void check_not_read_only(const Tensor& t, const char* op) {
  EMBER_CHECK(t.storage()->writable, Runtime, op,
              ": cannot write to a tensor that shares memory with a read-only array "
              "(copy it with .clone() first)");
}

void resize_output(const Tensor& out, const Shape& shape, const char* op) {
  if (out.sizes() == shape) return;
  int64_t numel = 1;
  for (int64_t s : shape) {
    EMBER_CHECK(s >= 0, Runtime, op, ": negative dimension in the output shape ", shape_to_string(shape));
    EMBER_CHECK(s == 0 || numel <= INT64_MAX / s, Runtime, op, ": output shape ", shape_to_string(shape),
                " has too many elements");
    numel *= s;
  }
  TensorImpl* impl = out.impl();
  size_t need = static_cast<size_t>(impl->offset + numel) * out.itemsize();
  bool grow = need > impl->storage->nbytes;
  EMBER_CHECK(!grow || storage_is_resizable(*impl->storage), Runtime, op, ": the out= tensor of shape ",
              out.shape_str(), " must be resized to ", shape_to_string(shape),
              ", but its memory is borrowed (NumPy, DLPack): Trying to resize storage that is not resizable");
  if (out.numel() != 0) {
    warn(std::string(op) + ": an output with one or more elements was resized since it had shape " +
         out.shape_str() + ", which does not match the required output shape " + shape_to_string(shape) +
         ". Reusing an out= tensor of another shape is deprecated, as in torch: pass an empty "
         "tensor (zero elements) to avoid this warning.");
  }
  if (grow) grow_storage(*impl->storage, need);
  impl->sizes = shape;
  impl->strides = contiguous_strides(shape);
  out.bump_version();
}

}  // namespace ember
