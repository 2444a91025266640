// The host-side part of kernels/scalar_math.h.
#include "kernels/kernel_types.h"

namespace ember {

void raise_zero_division(const char* op) {
  EMBER_FAIL(Runtime, "ZeroDivisionError: ", op, " by zero on integer tensors");
}

}  // namespace ember
