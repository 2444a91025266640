#include "ops/ops.h"

namespace ember {

namespace {
// torch's rule: dimensioned tensors outrank 0-d tensors, which outrank Python numbers; a
// lower-ranked operand only matters when its category (bool < integer < floating) is higher.
ScalarType combine_categories(std::optional<ScalarType> higher, std::optional<ScalarType> lower) {
  if (!higher) return *lower;
  if (!lower) return *higher;
  if (is_floating(*higher)) return *higher;
  if (*higher == ScalarType::Bool || is_floating(*lower)) return promote_types(*higher, *lower);
  return *higher;
}
}  // namespace

ScalarType result_type(const std::vector<Tensor>& tensors) {
  std::optional<ScalarType> dim_result, zero_result, wrapped_result;
  auto update = [](std::optional<ScalarType>& slot, ScalarType t) {
    slot = slot ? promote_types(*slot, t) : t;
  };
  for (const Tensor& t : tensors) {
    if (t.is_wrapped_number()) {
      // a Python float counts as the default dtype, a Python int as int64
      update(wrapped_result, is_floating(t.dtype()) ? default_dtype() : t.dtype());
    } else if (t.dim() == 0) {
      update(zero_result, t.dtype());
    } else {
      update(dim_result, t.dtype());
    }
  }
  EMBER_CHECK(dim_result || zero_result || wrapped_result, Runtime, "result_type: no operands");
  if (!zero_result && !wrapped_result) return *dim_result;
  ScalarType lower = (zero_result && wrapped_result) ? combine_categories(zero_result, wrapped_result)
                                                     : (zero_result ? *zero_result : *wrapped_result);
  return combine_categories(dim_result, lower);
}

}  // namespace ember
