// The meta device: tensors with shape, dtype and strides but no memory. The op layer computes
// every output's metadata before it calls a kernel, so a meta kernel has nothing to do: each
// table entry is a no-op, except the kernels whose output depends on the data (their sizes, or
// errors raised on values), which a meta tensor cannot give; those raise NotImplementedError.
#include <type_traits>

#include "kernels/kernels.h"

namespace ember::meta {

namespace {
template <typename Fn>
struct Noop;
template <typename R, typename... A>
struct Noop<R (*)(A...)> {
  static R run(A...) {
    if constexpr (!std::is_void_v<R>) return R{};
  }
};
}  // namespace

void register_kernels(KernelTable& table) {
#define EMBER_META_KERNEL_SET(name, ret, params, args, dev) table.name = &Noop<decltype(table.name)>::run;
  EMBER_KERNELS(EMBER_META_KERNEL_SET)
#undef EMBER_META_KERNEL_SET
  // outputs sized by the data
  table.unique = nullptr;
  table.unique_rows = nullptr;
  table.bincount = nullptr;
  table.mask_offsets = nullptr;
  table.nonzero = nullptr;
  table.count_true = nullptr;
  table.all_true = nullptr;
  table.repeat_index = nullptr;
}

}  // namespace ember::meta
