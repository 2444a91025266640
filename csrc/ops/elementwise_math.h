// Ternary and parameterized elementwise ops next to the binary family (binary.cpp): lerp,
// addcmul, addcdiv, nan_to_num, clamp_min/clamp_max, and a helper that runs an op in place or
// into out= with torch's checks.
#pragma once
#include <functional>
#include <optional>

#include "ops/ops.h"

namespace ember {

// start + weight * (end - start); weight is a tensor or a wrapped number.
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight);
// self + value * t1 * t2, and self + value * t1 / t2 (floating t1 or t2 only).
Tensor addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
Tensor addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
// NaN, +inf and -inf replaced (defaults: 0 and the dtype's largest and lowest finite values).
Tensor nan_to_num(const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf);

// Writes f(self) into self (in place) or f() into out, as torch does for `op_` and `op(..., out=)`:
// the result must be castable to the destination's dtype and have its shape. Under autograd an
// in-place op is recorded on a copy of self carrying its history; out= refuses inputs that
// require grad. `inputs` are every tensor operand of the op (for the autograd check).
Tensor& write_inplace(Tensor& self, const std::vector<Tensor>& inputs, const char* op,
                      const std::function<Tensor(const Tensor& self_value)>& f);
Tensor& write_out(Tensor& out, const std::vector<Tensor>& inputs, const char* op, const std::function<Tensor()>& f);

}  // namespace ember
