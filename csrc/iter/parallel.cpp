#include "iter/parallel.h"

#include <atomic>

#include "core/error.h"

namespace ember {

namespace {
std::atomic<int> g_num_threads{0};  // 0: not set yet, take OpenMP's default
std::atomic<bool> g_flush_denormal{true};
std::atomic<void* (*)()> g_gil_release{nullptr};
std::atomic<void (*)(void*)> g_gil_restore{nullptr};
}  // namespace

void set_gil_hooks(GilHooks hooks) {
  g_gil_restore.store(hooks.restore);
  g_gil_release.store(hooks.release);
}

NoGilScope::NoGilScope() {
  auto release = g_gil_release.load(std::memory_order_relaxed);
  state_ = release ? release() : nullptr;
}

NoGilScope::~NoGilScope() {
  if (state_) g_gil_restore.load(std::memory_order_relaxed)(state_);
}

bool flush_denormal_enabled() { return g_flush_denormal.load(std::memory_order_relaxed); }
void set_flush_denormal(bool on) { g_flush_denormal.store(on, std::memory_order_relaxed); }

int get_num_threads() {
  int n = g_num_threads.load(std::memory_order_relaxed);
  if (n <= 0) {
    n = omp_get_max_threads();
    g_num_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}

void set_num_threads(int n) {
  EMBER_CHECK(n > 0, Value, "set_num_threads: expected a positive number of threads, got ", n);
  g_num_threads = n;
  omp_set_num_threads(n);  // oneDNN reads OpenMP's setting
}

}  // namespace ember
