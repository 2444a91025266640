#include <cstdlib>
#include <new>

#include "core/storage.h"

namespace ember {

namespace {
constexpr size_t kAlignment = 64;
std::atomic<int64_t> g_allocated{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_allocs{0};
std::atomic<int64_t> g_frees{0};

void note_alloc(int64_t n) {
  int64_t now = g_allocated.fetch_add(n) + n;
  int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  g_allocs.fetch_add(1);
}
}  // namespace

Storage allocate_storage(size_t nbytes, Device device) {
  check_device_available(device, "allocate");
  auto s = std::make_shared<StorageImpl>();
  s->nbytes = nbytes;
  s->device = device;
  if (nbytes == 0) return s;
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  EMBER_CHECK(rounded >= nbytes, Runtime, "out of memory: cannot allocate ", nbytes, " bytes");
  void* p = std::aligned_alloc(kAlignment, rounded);
  EMBER_CHECK(p != nullptr, Runtime, "out of memory: tried to allocate ", nbytes, " bytes (",
              nbytes / (1024.0 * 1024.0 * 1024.0), " GiB) on the CPU");
  note_alloc(static_cast<int64_t>(rounded));
  s->data = p;
  s->deleter = [rounded](void* q) {
    std::free(q);
    g_allocated.fetch_sub(static_cast<int64_t>(rounded));
    g_frees.fetch_add(1);
  };
  return s;
}

Storage borrow_storage(void* data, size_t nbytes, Device device, std::function<void(void*)> deleter,
                       bool writable) {
  auto s = std::make_shared<StorageImpl>();
  s->data = data;
  s->nbytes = nbytes;
  s->device = device;
  s->deleter = std::move(deleter);
  s->writable = writable;
  return s;
}

AllocatorStats allocator_stats() {
  return {g_allocated.load(), g_peak.load(), g_allocs.load(), g_frees.load()};
}
void reset_peak_allocator_stats() { g_peak.store(g_allocated.load()); }

}  // namespace ember
