// Random numbers: Philox4x32-10, a counter-based generator. Element i of an op draws from
// counter (offset + i), so results do not depend on how many threads fill the tensor, and
// the whole state is (seed, offset).
#pragma once
#include <array>
#include <cstdint>
#include <mutex>

namespace ember {

class Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ull) : seed_(seed) {}

  void manual_seed(uint64_t seed) {
    std::lock_guard<std::mutex> lock(mu_);
    seed_ = seed;
    offset_ = 0;
  }
  uint64_t initial_seed() const { return seed_; }
  // Reserves `n` counters and returns the first; thread-safe.
  uint64_t reserve(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t start = offset_;
    offset_ += n;
    return start;
  }
  uint64_t offset() const { return offset_; }
  void set_state(uint64_t seed, uint64_t offset) {
    std::lock_guard<std::mutex> lock(mu_);
    seed_ = seed;
    offset_ = offset;
  }

  // Four random 32-bit words for counter `c`.
  std::array<uint32_t, 4> philox(uint64_t c) const {
    uint32_t ctr[4] = {static_cast<uint32_t>(c), static_cast<uint32_t>(c >> 32), 0, 0};
    uint32_t key[2] = {static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32)};
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

 private:
  std::mutex mu_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

Generator& default_generator();

}  // namespace ember
