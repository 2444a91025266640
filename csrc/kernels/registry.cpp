#include <array>

#include "kernels/kernels.h"

namespace ember {

namespace {
constexpr int kNumDeviceTypes = 3;  // CPU, CUDA, Meta

std::array<KernelTable, kNumDeviceTypes> build_tables() {
  std::array<KernelTable, kNumDeviceTypes> t{};
  cpu::register_kernels(t[static_cast<int>(DeviceType::CPU)]);
  meta::register_kernels(t[static_cast<int>(DeviceType::Meta)]);
  // CUDA registers here once its backend exists; until then its table is empty.
  return t;
}
}  // namespace

const KernelTable& kernel_table(DeviceType type) {
  static const std::array<KernelTable, kNumDeviceTypes> tables = build_tables();
  return tables[static_cast<int>(type)];
}

void missing_kernel(const char* kernel, const Device& device) {
  EMBER_FAIL(NotImplemented, kernel, ": no kernel for device '", device.str(), "'",
             device.type == DeviceType::Meta ? " (its result depends on the data, which a meta tensor does not have)"
                                             : "");
}

}  // namespace ember
