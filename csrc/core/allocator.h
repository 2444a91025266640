// The CPU block cache behind allocate_storage: freed blocks are kept by size class and handed
// out again, so steady-state loops neither call malloc nor page-fault fresh memory. The bytes it
// keeps are capped (EMBER_CPU_CACHE_LIMIT, default 1/8 of physical memory).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ember {

struct CacheStats {
  int64_t cached_bytes;  // free blocks held for reuse
  int64_t limit_bytes;   // cap on cached_bytes
  int64_t hits;          // allocations served from the cache
  int64_t misses;        // allocations that went to the system
};
CacheStats cache_stats();
void empty_cache();                    // returns every cached block to the system
void set_cache_limit(int64_t bytes);   // 0 disables caching; shrinks the cache at once if needed
// The size class a request of n bytes is rounded up to (at most 1/8 larger, 64-byte multiple).
size_t allocation_size_class(size_t n);

}  // namespace ember
