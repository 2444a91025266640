#include "autograd/derivatives/derivatives.h"
#include "cpu/kernels.h"
#include "ops/ops.h"

namespace ember {

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "sub";
    case BinaryOp::Mul: return "mul";
    case BinaryOp::Div: return "div";
    case BinaryOp::DivTrunc: return "div";
    case BinaryOp::DivFloor: return "floor_divide";
    case BinaryOp::Remainder: return "remainder";
    case BinaryOp::Pow: return "pow";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::Eq: return "eq";
    case BinaryOp::Ne: return "ne";
    case BinaryOp::Lt: return "lt";
    case BinaryOp::Le: return "le";
    case BinaryOp::Gt: return "gt";
    case BinaryOp::Ge: return "ge";
    case BinaryOp::BitAnd: return "bitwise_and";
    case BinaryOp::BitOr: return "bitwise_or";
    case BinaryOp::BitXor: return "bitwise_xor";
    case BinaryOp::LogicalAnd: return "logical_and";
    case BinaryOp::LogicalOr: return "logical_or";
    case BinaryOp::LogicalXor: return "logical_xor";
  }
  return "binary";
}

namespace {

bool returns_bool(BinaryOp op) {
  return (op >= BinaryOp::Eq && op <= BinaryOp::Ge) || op >= BinaryOp::LogicalAnd;
}

struct BinaryPlan {
  ScalarType compute;  // dtype both inputs are converted to
  ScalarType result;   // dtype of the output
};

BinaryPlan plan(BinaryOp op, const Tensor& a, const Tensor& b) {
  if (op == BinaryOp::Sub) {
    // torch refuses any bool operand, a Python True/False included
    const bool ba = a.dtype() == ScalarType::Bool, bb = b.dtype() == ScalarType::Bool;
    EMBER_CHECK(!(ba && bb), Runtime,
                "sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                "`logical_xor()` operator instead.");
    EMBER_CHECK(!ba && !bb, Runtime,
                "sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                "invert a mask, use the `~` or `logical_not()` operator instead.");
  }
  // equal dtypes promote to themselves whatever their priority; skip the general rule
  ScalarType common = a.dtype() == b.dtype() ? a.dtype() : result_type({a, b});
  if (op == BinaryOp::Pow && b.is_wrapped_number() && is_integral(common, false) && b.dtype() == ScalarType::Int64) {
    // torch checks a Python-number exponent only; tensor exponents give 0 for 2 ** -1
    EMBER_CHECK(*b.data<int64_t>() >= 0, Runtime, "pow: Integers to negative integer powers are not allowed.");
  }
  if (op == BinaryOp::Div && !is_floating(common)) common = default_dtype();  // true division
  return {common, returns_bool(op) ? ScalarType::Bool : common};
}

void run(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, ScalarType compute, const Scalar& alpha) {
  if (out.numel() == 0) return;
  if (op == BinaryOp::Add || op == BinaryOp::Sub) {
    EMBER_CHECK(is_floating(compute) || !alpha.is_floating(), Runtime, binary_op_name(op),
                ": for integral input tensors, argument alpha must not be a floating point number");
  }
  if (op == BinaryOp::Pow && compute == ScalarType::Bool && b.is_wrapped_number()) {
    // bool has no pow kernel, but torch answers x ** True (x) and x ** False (all true)
    if (*b.data<bool>()) {
      cpu::copy_kernel(out, a);
    } else {
      cpu::fill_kernel(out, Scalar(true));
    }
    return;
  }
  autograd::GradModeGuard no_grad(false);  // input conversions are part of this op, not nodes
  cpu::binary_kernel(op, out, to_dtype(a, compute), to_dtype(b, compute), alpha);
}

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.device() == b.device() || a.is_wrapped_number() || b.is_wrapped_number(), Runtime,
              "Expected all tensors to be on the same device, but found at least two devices, ", a.device().str(),
              " and ", b.device().str(), "! (when checking argument for ", op, ")");
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  check_same_device(a, b, binary_op_name(op));
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), binary_op_name(op));
  BinaryPlan p = plan(op, a, b);
  Tensor out = empty(shape, p.result, a.is_wrapped_number() ? b.device() : a.device());
  run(op, out, a, b, p.compute, alpha);
  if (autograd::should_record({&a, &b})) autograd::record_binary(op, a, b, alpha, out);
  return out;
}

Tensor& binary_out(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out, const Scalar& alpha) {
  const char* name = binary_op_name(op);
  check_writable(out, name);
  check_same_device(a, b, name);
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), name);
  BinaryPlan p = plan(op, a, b);
  EMBER_CHECK(can_cast(p.result, out.dtype()), Runtime, name, ": result type ", dtype_name(p.result),
              " can't be cast to the desired output type ", dtype_name(out.dtype()));
  EMBER_CHECK(out.sizes() == shape, Runtime, name, ": output with shape ", out.shape_str(),
              " doesn't match the broadcast shape ", shape_to_string(shape));
  if (autograd::should_record({&a, &b, &out})) {
    // only the in-place form (out is a) records; a separate out= tensor cannot join the graph
    EMBER_CHECK(out.impl() == a.impl(), Runtime, name,
                "(): functions with out=... arguments don't support automatic differentiation, but one of the "
                "arguments requires grad.");
    Tensor r = binary(op, autograd::inplace_input(a, name), b, alpha);
    autograd::commit_inplace(out, r);
    return out;
  }
  // Write straight into `out` when it has the compute dtype and does not partially overlap
  // an input; otherwise compute into a temporary and convert.
  auto partial_overlap = [&](const Tensor& in) {
    return in.same_storage(out) && !(in.data_ptr() == out.data_ptr() && in.strides() == out.strides());
  };
  if (out.dtype() == p.result && !partial_overlap(a) && !partial_overlap(b)) {
    run(op, out, a, b, p.compute, alpha);
  } else {
    Tensor tmp = empty(shape, p.result, out.device());
    run(op, tmp, a, b, p.compute, alpha);
    cpu::copy_kernel(out, tmp);
  }
  out.bump_version();
  return out;
}

Tensor& binary_(BinaryOp op, Tensor& a, const Tensor& b, const Scalar& alpha) {
  return binary_out(op, a, b, a, alpha);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Shape shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  EMBER_CHECK(cond.dtype() == ScalarType::Bool || cond.dtype() == ScalarType::UInt8, Runtime,
              "where: expected condition to be a boolean tensor, but got a tensor with dtype ",
              dtype_name(cond.dtype()));
  ScalarType dt = result_type({a, b});
  Tensor out = empty(shape, dt, cond.device());
  if (out.numel() != 0) {
    autograd::GradModeGuard no_grad(false);
    cpu::where_kernel(out, to_dtype(cond, ScalarType::Bool), to_dtype(a, dt), to_dtype(b, dt));
  }
  if (autograd::should_record({&a, &b})) autograd::record_where(cond, a, b, out);
  return out;
}

}  // namespace ember
