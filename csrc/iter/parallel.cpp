#include "iter/parallel.h"

#include "core/error.h"

namespace ember {

namespace {
int g_num_threads = 0;  // 0: not set yet, take OpenMP's default
}

int get_num_threads() {
  if (g_num_threads <= 0) g_num_threads = omp_get_max_threads();
  return g_num_threads;
}

void set_num_threads(int n) {
  EMBER_CHECK(n > 0, Value, "set_num_threads: expected a positive number of threads, got ", n);
  g_num_threads = n;
  omp_set_num_threads(n);  // oneDNN reads OpenMP's setting
}

}  // namespace ember
