#include "core/allocator.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <typeinfo>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/output.h"
#include "core/storage.h"

namespace ember {

namespace {
constexpr size_t kAlignment = 64;
std::atomic<int64_t> g_allocated{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_allocs{0};
std::atomic<int64_t> g_frees{0};

// The deleter of allocator-owned storage: returns the block to the cache. A named type, so
// storage_is_resizable can tell our memory from borrowed memory.
struct BlockDeleter {
  size_t cls;
  void operator()(void* q) const;
};

void note_alloc(int64_t n) {
  int64_t now = g_allocated.fetch_add(n) + n;
  int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  g_allocs.fetch_add(1);
}

int64_t default_cache_limit() {
  if (const char* env = std::getenv("EMBER_CPU_CACHE_LIMIT")) {
    char* end = nullptr;
    long long v = std::strtoll(env, &end, 10);
    if (end != env && v >= 0) return v;
  }
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return int64_t(1) << 30;
  return static_cast<int64_t>(pages) * page / 8;
}

// Free blocks by size class. A size class only ever holds blocks of exactly that size, so a hit
// never wastes more than the class rounding.
struct BlockCache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free_blocks;
  int64_t cached = 0;
  int64_t limit = default_cache_limit();
  int64_t hits = 0, misses = 0;

  void* take(size_t cls) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = free_blocks.find(cls);
    if (it == free_blocks.end() || it->second.empty()) {
      ++misses;
      return nullptr;
    }
    void* p = it->second.back();
    it->second.pop_back();
    cached -= static_cast<int64_t>(cls);
    ++hits;
    return p;
  }
  void give_back(void* p, size_t cls) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (cached + static_cast<int64_t>(cls) <= limit) {
        free_blocks[cls].push_back(p);
        cached += static_cast<int64_t>(cls);
        return;
      }
    }
    std::free(p);
  }
  // Frees cached blocks until at most `keep` bytes stay cached.
  void trim(int64_t keep) {
    std::vector<void*> to_free;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto it = free_blocks.begin(); it != free_blocks.end() && cached > keep;) {
        while (!it->second.empty() && cached > keep) {
          to_free.push_back(it->second.back());
          it->second.pop_back();
          cached -= static_cast<int64_t>(it->first);
        }
        it = it->second.empty() ? free_blocks.erase(it) : std::next(it);
      }
    }
    for (void* p : to_free) std::free(p);
  }
};
// Never destroyed: storages released during interpreter shutdown still return their blocks here.
BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache();
  return *cache;
}

void* system_alloc(size_t cls) {
  void* p = std::aligned_alloc(kAlignment, cls);
  if (p == nullptr) {
    // the cache may hold the memory we need: give it back and try once more
    block_cache().trim(0);
    p = std::aligned_alloc(kAlignment, cls);
  }
  return p;
}
}  // namespace

size_t allocation_size_class(size_t n) {
  if (n <= 1024) return (n + kAlignment - 1) / kAlignment * kAlignment;
  // eight classes per power of two: step = 2^(floor(log2 n) - 3), so rounding adds under 1/8
  int log2n = 63 - __builtin_clzll(static_cast<unsigned long long>(n));
  size_t step = size_t(1) << (log2n - 3);
  return (n + step - 1) / step * step;
}

void BlockDeleter::operator()(void* q) const {
  if (q == nullptr || cls == 0) return;
  g_allocated.fetch_sub(static_cast<int64_t>(cls));
  g_frees.fetch_add(1);
  block_cache().give_back(q, cls);
}

Storage allocate_storage(size_t nbytes, Device device) {
  check_device_available(device, "allocate");
  auto s = std::make_shared<StorageImpl>();
  s->nbytes = nbytes;
  s->device = device;
  s->deleter = BlockDeleter{0};  // marks the storage as ours (resizable), even when empty
  if (nbytes == 0 || device.is_meta()) return s;  // a meta tensor has a size but no memory
  EMBER_CHECK(nbytes <= (size_t(1) << 62), Runtime, "out of memory: cannot allocate ", nbytes, " bytes on the CPU");
  size_t cls = allocation_size_class(nbytes);
  void* p = block_cache().take(cls);
  if (p == nullptr) p = system_alloc(cls);
  EMBER_CHECK(p != nullptr, Runtime, "out of memory: tried to allocate ", nbytes, " bytes (",
              nbytes / (1024.0 * 1024.0 * 1024.0), " GiB) on the CPU");
  note_alloc(static_cast<int64_t>(cls));
  s->data = p;
  s->deleter = BlockDeleter{cls};
  return s;
}

bool storage_is_resizable(const StorageImpl& s) {
  return s.deleter && s.deleter.target_type() == typeid(BlockDeleter);
}

void grow_storage(StorageImpl& s, size_t nbytes) {
  if (nbytes <= s.nbytes) return;
  EMBER_CHECK(storage_is_resizable(s), Runtime, "Trying to resize storage that is not resizable");
  Storage fresh = allocate_storage(nbytes, s.device);
  if (s.nbytes && s.data) std::memcpy(fresh->data, s.data, s.nbytes);
  // swap the memory, not the StorageImpl: every view of `s` sees the new block; `fresh` frees the old
  std::swap(fresh->data, s.data);
  std::swap(fresh->nbytes, s.nbytes);
  std::swap(fresh->deleter, s.deleter);
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

CacheStats cache_stats() {
  BlockCache& c = block_cache();
  std::lock_guard<std::mutex> lock(c.mu);
  return {c.cached, c.limit, c.hits, c.misses};
}

void empty_cache() { block_cache().trim(0); }

void set_cache_limit(int64_t bytes) {
  EMBER_CHECK(bytes >= 0, Value, "set_cache_limit: expected a non-negative number of bytes, got ", bytes);
  BlockCache& c = block_cache();
  {
    std::lock_guard<std::mutex> lock(c.mu);
    c.limit = bytes;
  }
  c.trim(bytes);
}

}  // namespace ember
