#include "cpu/cpu_capability.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "cpu/avx512_kernels.h"

namespace ember::cpu {

namespace {

CpuCapability detect() {
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return avx512 ? CpuCapability::AVX512 : CpuCapability::AVX2;
}

// The hardware's capability, lowered by EMBER_CPU_CAPABILITY when set. A value the CPU can't run
// or can't parse is ignored (an import must not fail on an environment variable); the Python
// setter reports those.
int initial() {
  CpuCapability cap = detect();
  if (const char* env = std::getenv("EMBER_CPU_CAPABILITY")) {
    std::string v(env);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "avx2") cap = CpuCapability::AVX2;
  }
  return static_cast<int>(cap);
}

std::atomic<int>& current() {
  static std::atomic<int> cap{initial()};
  return cap;
}

}  // namespace

CpuCapability cpu_capability() { return static_cast<CpuCapability>(current().load(std::memory_order_relaxed)); }

CpuCapability cpu_hardware_capability() {
  static const CpuCapability hw = detect();
  return hw;
}

void set_cpu_capability(CpuCapability cap) {
  EMBER_CHECK(static_cast<int>(cap) <= static_cast<int>(cpu_hardware_capability()), Runtime,
              "set_cpu_capability: this CPU does not support ", cpu_capability_name(cap), " (it supports up to ",
              cpu_capability_name(cpu_hardware_capability()), ")");
  current().store(static_cast<int>(cap), std::memory_order_relaxed);
}

bool avx512::available() { return cpu_capability() == CpuCapability::AVX512; }

const char* cpu_capability_name(CpuCapability cap) { return cap == CpuCapability::AVX512 ? "AVX512" : "AVX2"; }

CpuCapability parse_cpu_capability(const char* name) {
  std::string v(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "avx2") return CpuCapability::AVX2;
  if (v == "avx512") return CpuCapability::AVX512;
  EMBER_FAIL(Value, "cpu capability must be 'avx2' or 'avx512', not '", name, "'");
}

}  // namespace ember::cpu
