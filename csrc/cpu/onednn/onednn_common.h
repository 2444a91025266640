// What the oneDNN-backed kernels share: the engine, an LRU cache for compiled primitives, the
// thread-count handshake and the signal mask around oneDNN's JIT GEMM.
#pragma once
#include <omp.h>
#include <pthread.h>

#include <csignal>
#include <list>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <utility>

#include "iter/parallel.h"

namespace ember::cpu {

inline dnnl::engine& cpu_engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

// oneDNN sizes its OpenMP team from the calling thread's setting, which set_num_threads (an
// omp_set_num_threads in the thread that called it) leaves alone in other Python threads.
inline void sync_onednn_threads() {
  if (omp_get_max_threads() != get_num_threads()) omp_set_num_threads(get_num_threads());
}

// An LRU of compiled primitives: creating one costs far more than running a small one. A
// primitive splits its work for the thread count it was created with and keeps that split, so
// the thread count is part of every key.
template <typename Key, typename Value, typename Hash>
class PrimitiveCache {
 public:
  // The value cached for `key`, made by `make()` (and cached) on a miss.
  template <typename Make>
  Value get(const Key& key, Make&& make) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.second);
      return it->second.first;
    }
    Value value = make();
    lru_.push_front(key);
    map_.emplace(key, std::make_pair(value, lru_.begin()));
    if (map_.size() > kCapacity) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
    return value;
  }

  // A primitive that failed to run is dropped, so the next call of that shape builds a new one.
  void evict(const Key& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return;
    lru_.erase(it->second.second);
    map_.erase(it);
  }

 private:
  static constexpr size_t kCapacity = 512;
  std::mutex mu_;
  std::list<Key> lru_;
  std::unordered_map<Key, std::pair<Value, typename std::list<Key>::iterator>, Hash> map_;
};

// oneDNN 2.x's JIT sgemm kernels (jit_avx512_common_gemm_f32, and the AVX2 one) point rsp into
// a heap workspace while they run, so a signal delivered to a thread inside one writes its frame
// over the heap (oneDNN issue #4845, fixed upstream in 3.x; Debian ships 2.6). Any Ctrl-C, timer
// or profiler signal could then corrupt memory. While such a kernel runs, asynchronous signals are
// blocked in the calling thread and in its OpenMP team, and restored after: a signal that arrives
// stays pending, or goes to another thread, and Python sees it as usual once the call returns.
// Synchronous signals (SIGSEGV, SIGFPE, ...) are left alone.
class AsyncSignalsBlocked {
 public:
  AsyncSignalsBlocked() : threads_(get_num_threads()) {
    sigset_t block = async_signals();
    // workers first, so that any the team has to start inherit the caller's usual mask
    if (threads_ > 1) {
#pragma omp parallel num_threads(threads_)
      if (omp_get_thread_num() != 0) pthread_sigmask(SIG_BLOCK, &block, &worker_old());
    }
    pthread_sigmask(SIG_BLOCK, &block, &caller_old_);
  }
  ~AsyncSignalsBlocked() {
    if (threads_ > 1) {
#pragma omp parallel num_threads(threads_)
      if (omp_get_thread_num() != 0) pthread_sigmask(SIG_SETMASK, &worker_old(), nullptr);
    }
    pthread_sigmask(SIG_SETMASK, &caller_old_, nullptr);
  }
  AsyncSignalsBlocked(const AsyncSignalsBlocked&) = delete;
  AsyncSignalsBlocked& operator=(const AsyncSignalsBlocked&) = delete;

 private:
  static sigset_t async_signals() {
    sigset_t s;
    sigfillset(&s);
    for (int sync : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&s, sync);
    return s;
  }
  // Each worker's mask from before, restored by the same worker (libgomp keeps a caller's team).
  static sigset_t& worker_old() {
    thread_local sigset_t old;
    return old;
  }
  int threads_;
  sigset_t caller_old_;
};

}  // namespace ember::cpu
