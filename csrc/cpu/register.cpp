// Fills the CPU row of the device table with the CPU kernels (cpu/cpu_kernels.h).
#include "cpu/cpu_kernels.h"

namespace ember::cpu {

void register_kernels(KernelTable& table) {
#define EMBER_CPU_KERNEL_SET(name, ret, params, args, dev) table.name = &name##_kernel;
  EMBER_KERNELS(EMBER_CPU_KERNEL_SET)
#undef EMBER_CPU_KERNEL_SET
}

}  // namespace ember::cpu
