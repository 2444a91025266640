// OpenMP over chunks of a range, only when the work is worth a fork.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <exception>

namespace ember {

int get_num_threads();
void set_num_threads(int n);

// Elements per chunk below which an op runs on the calling thread.
constexpr int64_t kGrainSize = 32768;

// Calls f(begin, end) on disjoint pieces of [begin, end), in parallel when the range holds
// more than `grain` items. An exception thrown by any piece is re-thrown on the caller.
template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  int threads = omp_in_parallel() ? 1 : get_num_threads();
  int64_t max_chunks = grain > 0 ? (n + grain - 1) / grain : n;
  int64_t chunks = std::min<int64_t>(threads, max_chunks);
  if (chunks <= 1) {
    f(begin, end);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(static_cast<int>(chunks))
  {
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
