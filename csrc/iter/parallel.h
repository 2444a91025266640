// OpenMP over chunks of a range, only when the work is worth a fork.
#pragma once
#include <omp.h>
#include <xmmintrin.h>

#include <algorithm>
#include <cstdint>
#include <exception>

namespace ember {

int get_num_threads();
void set_num_threads(int n);

// Denormal floats are flushed to zero inside kernels (FTZ and DAZ on the thread that runs them),
// unless set_flush_denormal(false). The calling thread's own mode is restored afterwards, so
// Python's and NumPy's arithmetic in that thread keep gradual underflow.
bool flush_denormal_enabled();
void set_flush_denormal(bool on);

class DenormalGuard {
 public:
  DenormalGuard() : saved_(_mm_getcsr()) {
    if (flush_denormal_enabled()) _mm_setcsr(saved_ | kFlushBits);
  }
  ~DenormalGuard() { _mm_setcsr(saved_); }
  DenormalGuard(const DenormalGuard&) = delete;
  DenormalGuard& operator=(const DenormalGuard&) = delete;

 private:
  static constexpr unsigned kFlushBits = 0x8040;  // FTZ (bit 15) | DAZ (bit 6)
  unsigned saved_;
};

// Elements per chunk below which an op runs on the calling thread.
constexpr int64_t kGrainSize = 32768;

// Kernels over more than one grain of work run without the GIL, so other Python threads run
// meanwhile, whatever binding called them. The Python module installs the hooks: release()
// gives up the GIL when this thread holds it and returns what restore() needs to take it back
// (nullptr when there was nothing to release: a worker thread, or a binding that released it).
struct GilHooks {
  void* (*release)() = nullptr;
  void (*restore)(void*) = nullptr;
};
void set_gil_hooks(GilHooks hooks);
class NoGilScope {
 public:
  NoGilScope();
  ~NoGilScope();
  NoGilScope(const NoGilScope&) = delete;
  NoGilScope& operator=(const NoGilScope&) = delete;

 private:
  void* state_;
};

// Calls f(begin, end) on disjoint pieces of [begin, end), in parallel when the range holds
// more than `grain` items. An exception thrown by any piece is re-thrown on the caller.
template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  DenormalGuard denormals;
  int threads = omp_in_parallel() ? 1 : get_num_threads();
  int64_t max_chunks = grain > 0 ? (n + grain - 1) / grain : n;
  int64_t chunks = std::min<int64_t>(threads, max_chunks);
  if (max_chunks <= 1) {
    f(begin, end);
    return;
  }
  NoGilScope nogil;
  if (chunks <= 1) {
    f(begin, end);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(static_cast<int>(chunks))
  {
    DenormalGuard worker_denormals;
    int64_t tid = omp_get_thread_num();
    int64_t nt = omp_get_num_threads();
    int64_t per = (n + nt - 1) / nt;
    int64_t b = begin + tid * per;
    int64_t e = std::min(end, b + per);
    if (b < e) {
      try {
        f(b, e);
      } catch (...) {
#pragma omp critical(ember_parallel_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace ember
