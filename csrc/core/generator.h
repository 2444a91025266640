// Random numbers: Philox4x32-10, a counter-based generator. Element i of an op draws from
// counter (offset + i), so results do not depend on how many threads fill the tensor, and
// the whole state is (seed, offset).
#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <utility>

namespace ember {

// Four random 32-bit words for counter `c` under key `seed`.
inline std::array<uint32_t, 4> philox4x32(uint64_t seed, uint64_t c) {
  uint32_t ctr[4] = {static_cast<uint32_t>(c), static_cast<uint32_t>(c >> 32), 0, 0};
  uint32_t key[2] = {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * ctr[0];
    uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * ctr[2];
    uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0];
    uint32_t n1 = static_cast<uint32_t>(p1);
    uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1];
    uint32_t n3 = static_cast<uint32_t>(p0);
    ctr[0] = n0;
    ctr[1] = n1;
    ctr[2] = n2;
    ctr[3] = n3;
    key[0] += 0x9E3779B9u;
    key[1] += 0xBB67AE85u;
  }
  return {ctr[0], ctr[1], ctr[2], ctr[3]};
}

// uniform double in [0, 1) from 53 bits of two words
inline double philox_unit(uint32_t hi, uint32_t lo) {
  uint64_t bits = (static_cast<uint64_t>(hi) << 21) ^ (lo >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// The counters one op reserved, with the seed they were reserved under. The op draws from this
// snapshot, so a manual_seed in another thread cannot change the key halfway through it: every
// call's numbers are one contiguous block of one seed's stream.
struct PhiloxDraw {
  uint64_t seed;
  uint64_t base;  // the first reserved counter
  std::array<uint32_t, 4> philox(uint64_t c) const { return philox4x32(seed, c); }
};

// All members lock: one generator may be used from several threads (the default one is).
class Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ull) : seed_(seed) {}

  void manual_seed(uint64_t seed) { set_state(seed, 0); }
  uint64_t initial_seed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seed_;
  }
  // Reserves `n` counters for one op.
  PhiloxDraw reserve(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    PhiloxDraw d{seed_, offset_};
    offset_ += n;
    return d;
  }
  uint64_t offset() const {
    std::lock_guard<std::mutex> lock(mu_);
    return offset_;
  }
  // (seed, offset), read together
  std::pair<uint64_t, uint64_t> state() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {seed_, offset_};
  }
  void set_state(uint64_t seed, uint64_t offset) {
    std::lock_guard<std::mutex> lock(mu_);
    seed_ = seed;
    offset_ = offset;
  }

 private:
  mutable std::mutex mu_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

Generator& default_generator();

}  // namespace ember
