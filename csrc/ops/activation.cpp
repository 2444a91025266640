// The op layer of the activation family: dtype checks, output allocation, autograd recording.
#include "ops/activation.h"

#include "autograd/derivatives/activation.h"
#include "autograd/derivatives/derivatives.h"
#include "kernels/kernels.h"

namespace ember {


namespace {
// The result dtype, from the row's kind (kernels/activation_ops.h): floating inputs keep theirs;
// Float rows compute integers in the default float dtype; Clamp rows take integers when the
// parameters fit. Unsupported dtypes raise torch's error.
ScalarType activation_dtype(ActivationOp op, const Tensor& x, const ActivationParams& p) {
  const ScalarType dt = x.dtype();
  const char* name = activation_name(op);
  if (is_floating(dt)) return dt;
  switch (activation_kind(op)) {
    case ActivationKind::Float:
      // torch composes these: abs(bool) is not implemented, bool - bool is refused
      EMBER_CHECK(dt != ScalarType::Bool || op != ActivationOp::Softsign, NotImplemented,
                  "softsign: \"abs_cpu\" not implemented for 'Bool'");
      EMBER_CHECK(dt != ScalarType::Bool, Runtime, name,
                  ": Subtraction, the `-` operator, with a bool tensor is not supported.");
      return default_dtype();
    case ActivationKind::Clamp:
      if (dt == ScalarType::Bool) {
        EMBER_CHECK(op != ActivationOp::Hardtanh, Runtime, "hardtanh: \"clamp\" not implemented for 'Bool'");
        break;
      }
      EMBER_CHECK(scalar_fits(Scalar(p.a), dt) && scalar_fits(Scalar(p.b), dt), Runtime, name,
                  ": value cannot be converted to type ", dtype_name(dt), " without overflow");
      return dt;
    case ActivationKind::FloatOnly: break;
  }
  EMBER_FAIL(NotImplemented, name, ": not implemented for '", dtype_name(dt), "'");
}
}  // namespace

Tensor activation(ActivationOp op, const Tensor& x, const ActivationParams& p) {
  const ScalarType dt = activation_dtype(op, x, p);
  Tensor out = empty(x.sizes(), dt, x.device());
  if (out.numel() != 0) {
    autograd::GradModeGuard no_grad(false);  // the conversion is part of this op
    kernels::activation(op, out, to_dtype(x, dt), p);
  }
  if (autograd::should_record({&x})) autograd::record_activation(op, x, p, out);
  return out;
}

Tensor& activation_(ActivationOp op, Tensor& x, const ActivationParams& p) {
  const char* name = activation_name(op);
  check_writable(x, name);
  if (autograd::should_record({&x})) {
    Tensor r = activation(op, autograd::inplace_input(x, name), p);
    autograd::commit_inplace(x, r);
    return x;
  }
  const ScalarType dt = activation_dtype(op, x, p);
  EMBER_CHECK(dt == x.dtype(), Runtime, name, "_: result type ", dtype_name(dt),
              " can't be cast to the desired output type ", dtype_name(x.dtype()));
  if (x.numel() != 0) kernels::activation(op, x, x, p);
  x.bump_version();
  return x;
}

Tensor activation_backward(ActivationOp op, const Tensor& grad, const Tensor& x, const ActivationParams& p) {
  const char* name = activation_name(op);
  EMBER_CHECK(is_floating(x.dtype()), NotImplemented, name, "_backward: not implemented for '",
              dtype_name(x.dtype()), "'");
  Shape shape = broadcast_shapes(grad.sizes(), x.sizes(), name);
  Tensor out = empty(shape, x.dtype(), x.device());
  if (out.numel() != 0) {
    autograd::GradModeGuard no_grad(false);
    kernels::activation_backward(op, out, to_dtype(grad, x.dtype()), x, p);
  }
  if (autograd::should_record({&grad, &x})) autograd::record_activation_backward(op, grad, x, p, out);
  return out;
}

}  // namespace ember
