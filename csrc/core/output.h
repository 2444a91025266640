// out= tensors: resizing them to the result's shape (as torch does), storage growth, and the
// warning channel the core uses to reach Python's `warnings`.
#pragma once
#include <string>

#include "core/tensor.h"

namespace ember {

// Whether the storage's memory came from ember's allocator (so it may be reallocated).
bool storage_is_resizable(const StorageImpl& s);
// Grows the storage to at least `nbytes`, keeping its contents; every view sees the new memory.
// Raises RuntimeError for borrowed memory (NumPy, DLPack), which ember can't reallocate.
void grow_storage(StorageImpl& s, size_t nbytes);

// An out= tensor whose shape isn't `shape` becomes a contiguous tensor of that shape, as in
// torch. One that had elements is resized with a warning (torch deprecates reusing them).
// Refuses tensors autograd tracks or views that would need a bigger borrowed buffer.
void resize_output(const Tensor& out, const Shape& shape, const char* op);

// check_writable without the overlap check: for callers that write through a view taken later
// (x[0] = v writes one element even when x is expanded), which is checked itself.
void check_not_read_only(const Tensor& t, const char* op);

// Warnings from the core: the Python module installs a handler that calls warnings.warn; with
// none installed they are dropped.
using WarningHandler = void (*)(const std::string& message);
void set_warning_handler(WarningHandler handler);
void warn(const std::string& message);

}  // namespace ember
