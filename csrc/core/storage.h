// A refcounted buffer: memory from the allocator, or memory borrowed from another owner
// (a NumPy array, a DLPack capsule) whose deleter keeps that owner alive until we let go.
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

#include "core/device.h"

namespace ember {

struct StorageImpl {
  void* data = nullptr;
  size_t nbytes = 0;
  Device device;
  std::function<void(void*)> deleter;  // releases `data`; empty for no-op
  bool writable = true;                // false for read-only borrowed memory
  // Bumped by every in-place write through any view of this storage; autograd compares it
  // with the value saved at forward time.
  std::atomic<uint32_t> version{0};

  StorageImpl() = default;
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    if (deleter) deleter(data);
  }
};
using Storage = std::shared_ptr<StorageImpl>;

// 64-byte aligned memory from the CPU allocator; raises RuntimeError "out of memory" on failure.
Storage allocate_storage(size_t nbytes, Device device);
// Wraps memory owned elsewhere; `deleter` runs when the last tensor using it goes away.
Storage borrow_storage(void* data, size_t nbytes, Device device, std::function<void(void*)> deleter,
                       bool writable);

struct AllocatorStats {
  int64_t allocated_bytes;
  int64_t peak_allocated_bytes;
  int64_t num_allocs;
  int64_t num_frees;
};
AllocatorStats allocator_stats();
void reset_peak_allocator_stats();

}  // namespace ember
