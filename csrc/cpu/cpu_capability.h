// Which vector instruction set the CPU kernels use where they pick one at run time.
//
// The build's baseline is AVX2 (+FMA, F16C); a few dense float32 loops also have AVX-512
// versions (cpu/avx512_kernels.cpp). The capability starts as the best the CPU supports, lowered
// by the environment variable EMBER_CPU_CAPABILITY=avx2 (torch's ATEN_CPU_CAPABILITY), and tests
// lower it at run time so the AVX2 paths stay tested on AVX-512 machines.
#pragma once

namespace ember::cpu {

enum class CpuCapability { AVX2, AVX512 };

// The capability the kernels use now: one relaxed atomic load.
CpuCapability cpu_capability();

// What the CPU itself supports (ignores the environment variable and set_cpu_capability).
CpuCapability cpu_hardware_capability();

// Switches the kernels to `cap`; raises RuntimeError when the CPU lacks it.
void set_cpu_capability(CpuCapability cap);

const char* cpu_capability_name(CpuCapability cap);

// Parses "avx2" / "avx512" (any case); raises ValueError naming the accepted values otherwise.
CpuCapability parse_cpu_capability(const char* name);

}  // namespace ember::cpu
