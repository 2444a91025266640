#include <cctype>
#include <cmath>
#include <limits>

#include "core/output.h"
#include "autograd/derivatives/activation.h"
#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/random_util.h"
#include "kernels/kernels.h"
#include "ops/elementwise_math.h"
#include "ops/ops.h"

namespace ember {


namespace {

// The dtype rules of each op come from its row's kind (kernels/binary_ops.h).
bool returns_bool(BinaryOp op) { return binary_kind(op) == BinaryKind::Compare; }

// Ops that compute integer and bool inputs in the default float dtype, as torch does.
bool int_to_float(BinaryOp op) { return binary_kind(op) == BinaryKind::Float; }

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
  EMBER_CHECK(op != BinaryOp::Heaviside || a.dtype() == b.dtype(), Runtime,
              "heaviside is not yet implemented for tensors with different dtypes");
  // equal dtypes promote to themselves whatever their priority; skip the general rule
  ScalarType common = a.dtype() == b.dtype() ? a.dtype() : result_type({a, b});
  if (op == BinaryOp::Pow && b.is_wrapped_number() && is_integral(common, false) && b.dtype() == ScalarType::Int64) {
    // torch checks a Python-number exponent only; tensor exponents give 0 for 2 ** -1
    EMBER_CHECK(item(b).to_int() >= 0, Runtime, "pow: Integers to negative integer powers are not allowed.");
  }
  if (int_to_float(op) && !is_floating(common)) common = default_dtype();  // true division and friends
  // nextafter steps by the compute type's ulp: a 16-bit float would step by float32's
  EMBER_CHECK(op != BinaryOp::Nextafter || (common != ScalarType::Float16 && common != ScalarType::BFloat16),
              NotImplemented, "nextafter: not implemented for ", dtype_name(common), " in ember yet");
  return {common, returns_bool(op) ? ScalarType::Bool : common};
}

// Whether the kernels have `op` for `compute`: checked before the empty-tensor shortcut so that an
// empty float tensor & 1 fails as a non-empty one does (torch checks the dtype first too).
bool has_kernel(BinaryOp op, ScalarType compute) {
  return binary_kind_accepts(binary_kind(op), is_floating(compute), compute == ScalarType::Bool);
}

// A single-element second operand of another dtype (a Python number, a float32 0-d tensor) of a
// 16-bit float product or quotient keeps its float32 value, as torch's kernels do (they read the
// scalar in their float compute type): bfloat16 0.42578125 // 0.001 is trunc(425.78) = 424 in
// bfloat16, not trunc(0.42578125 / bfloat16(0.001)) = 426. The kernel takes it as float32.
bool keeps_scalar_precision(BinaryOp op, ScalarType compute, const Tensor& b) {
  const bool half = compute == ScalarType::Float16 || compute == ScalarType::BFloat16;
  const bool mul_or_div = op == BinaryOp::Mul || op == BinaryOp::Div || op == BinaryOp::DivTrunc ||
                          op == BinaryOp::DivFloor;
  return half && mul_or_div && b.numel() == 1 && b.dtype() != compute;
}

void run(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, ScalarType compute, const Scalar& alpha) {
  if (op == BinaryOp::Add || op == BinaryOp::Sub) {
    EMBER_CHECK(is_floating(compute) || !alpha.is_floating(), Runtime, binary_op_name(op),
                ": for integral input tensors, argument alpha must not be a floating point number");
  }
  const bool bool_pow_number = op == BinaryOp::Pow && compute == ScalarType::Bool && b.is_wrapped_number();
  EMBER_CHECK(bool_pow_number || has_kernel(op, compute), NotImplemented, binary_op_name(op),
              ": not implemented for '", dtype_name(compute), "'");
  if (out.numel() == 0) return;
  if (bool_pow_number) {
    // bool has no pow kernel, but torch answers x ** True (x) and x ** False (all true)
    if (item(b).to<bool>()) {
      kernels::copy(out, a);
    } else {
      kernels::fill(out, Scalar(true));
    }
    return;
  }
  autograd::GradModeGuard no_grad(false);  // input conversions are part of this op, not nodes
  kernels::binary(op, out, to_dtype(a, compute), to_dtype(b, keeps_scalar_precision(op, compute, b) ? ScalarType::Float32 : compute), alpha);
}

// A 0-d CPU tensor (a Python number, or a scalar tensor) takes part in an op on any device, as in
// torch; the result lives on the other operand's device.
bool is_cpu_scalar(const Tensor& t) { return t.dim() == 0 && t.device().is_cpu(); }

Device result_device(const Tensor& a, const Tensor& b) { return is_cpu_scalar(a) ? b.device() : a.device(); }

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.device() == b.device() || is_cpu_scalar(a) || is_cpu_scalar(b), Runtime,
              "Expected all tensors to be on the same device, but found at least two devices, ", a.device().str(),
              " and ", b.device().str(), "! (when checking argument for ", op, ")");
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  check_same_device(a, b, binary_op_name(op));
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), binary_op_name(op));
  BinaryPlan p = plan(op, a, b);
  Tensor out = empty(shape, p.result, result_device(a, b));
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
  EMBER_CHECK(op != BinaryOp::Heaviside || out.dtype() == p.result, Runtime,
              "heaviside is not yet implemented for tensors with different dtypes");
  if (out.impl() != a.impl() && out.impl() != b.impl() && !autograd::requires_grad(out)) {
    resize_output(out, shape, name);  // a separate out= tensor takes the result's shape
  }
  EMBER_CHECK(out.sizes() == shape, Runtime, name, ": output with shape ", out.shape_str(),
              " doesn't match the broadcast shape ", shape_to_string(shape));
  // a separate out= of an op without a derivative (comparisons, heaviside) takes no part in
  // autograd, as torch
  const bool differentiable = binary_row(op).node[0] != '\0' && op != BinaryOp::Heaviside;
  if ((differentiable || out.impl() == a.impl()) && autograd::should_record({&a, &b, &out})) {
    // only the in-place form (out is a) records; a separate out= tensor cannot join the graph
    EMBER_CHECK(out.impl() == a.impl(), Runtime, name,
                "(): functions with out=... arguments don't support automatic differentiation, but one of the "
                "arguments requires grad.");
    Tensor self_value = autograd::inplace_input(a, name);
    Tensor r = binary(op, self_value, b, alpha);
    if (op >= BinaryOp::Eq && op <= BinaryOp::Ge && is_floating(out.dtype())) {
      // x.lt_(y) with y requiring grad: torch's result joins the graph with a zero gradient
      r = to_dtype(r, out.dtype());
      std::string node = name;
      node[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(node[0])));
      autograd::record_zero_grads({self_value, b}, r, node + "Backward1");
    }
    autograd::commit_inplace(out, r);
    return out;
  }
  // Write straight into `out` when it has the compute dtype and does not partially overlap
  // an input; otherwise compute into a temporary and convert.
  auto partial_overlap = [&](const Tensor& in) {
    return in.same_storage(out) && !(in.byte_offset() == out.byte_offset() && in.strides() == out.strides());
  };
  if (out.dtype() == p.result && !partial_overlap(a) && !partial_overlap(b)) {
    run(op, out, a, b, p.compute, alpha);
  } else {
    Tensor tmp = empty(shape, p.result, out.device());
    run(op, tmp, a, b, p.compute, alpha);
    kernels::copy(out, tmp);
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
  // a Python number must fit an integer result's dtype, as torch (70000 into int16 raises)
  for (const Tensor* v : {&a, &b}) {
    EMBER_CHECK(!v->is_wrapped_number() || !is_integral(dt, false) || scalar_fits(item(*v), dt), Runtime,
                "where: value cannot be converted to type ", dtype_name(dt), " without overflow");
  }
  // a 0-d CPU operand (a condition or value given as a number) joins the others' device
  const Device dev = !is_cpu_scalar(cond) ? cond.device() : result_device(a, b);
  Tensor out = empty(shape, dt, dev);
  if (out.numel() != 0) {
    autograd::GradModeGuard no_grad(false);
    kernels::where(out, to_dtype(cond, ScalarType::Bool), to_dtype(a, dt), to_dtype(b, dt));
  }
  if (autograd::should_record({&a, &b})) autograd::record_where(cond, a, b, out);
  return out;
}

// ---- ternary and parameterized ops, composed of the binary ops above ----

namespace {
bool is_16bit(ScalarType t) { return t == ScalarType::Float16 || t == ScalarType::BFloat16; }
// 16-bit floats compute in float32 and round once at the end, as torch's kernels do.
ScalarType opmath(ScalarType t) { return is_16bit(t) ? ScalarType::Float32 : t; }
Shape broadcast3(const Tensor& a, const Tensor& b, const Tensor& c, const char* op) {
  return broadcast_shapes(broadcast_shapes(a.sizes(), b.sizes(), op), c.sizes(), op);
}
}  // namespace

Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight) {
  const ScalarType dt = start.dtype();
  // torch checks the dtypes agree before it looks for a kernel
  EMBER_CHECK(end.dtype() == dt, Runtime, "lerp: expected dtype ", dtype_name(dt), " for `end` but got dtype ",
              dtype_name(end.dtype()));
  // a Python number or a 0-d tensor of another dtype is taken as a number
  EMBER_CHECK(weight.dtype() == dt || weight.is_wrapped_number() || weight.dim() == 0, Runtime,
              "lerp: expected dtype ", dtype_name(dt), " for `weight` but got dtype ", dtype_name(weight.dtype()));
  EMBER_CHECK(is_floating(dt), NotImplemented, "lerp: not implemented for '", dtype_name(dt), "'");
  broadcast3(start, end, weight, "lerp");
  const ScalarType c = opmath(dt);
  Tensor s = to_dtype(start, c), e = to_dtype(end, c);
  // the weight in the compute type, as torch's opmath scalar (a Python bool is 0 or 1); a Python
  // number becomes a plain 0-d tensor, so that `where` below keeps its precision
  Tensor w = weight.is_wrapped_number() ? scalar_tensor(item(weight), c) : to_dtype(weight, c);
  // two forms, each exact at its end: start + w * d for |w| < 0.5, end - d * (1 - w) otherwise.
  // Each form sees w only where it is chosen (0 or 1 elsewhere), so an infinite weight gives the
  // other form no inf * 0 = NaN in the gradient.
  Tensor d = binary(BinaryOp::Sub, e, s);
  Tensor small = binary(BinaryOp::Lt, unary(UnaryOp::Abs, w), wrapped_scalar(Scalar(0.5)));
  Tensor w_start = where(small, w, wrapped_scalar(Scalar(0.0))), w_end = where(small, wrapped_scalar(Scalar(1.0)), w);
  Tensor near_start = binary(BinaryOp::Add, s, binary(BinaryOp::Mul, w_start, d));
  Tensor near_end =
      binary(BinaryOp::Sub, e, binary(BinaryOp::Mul, d, binary(BinaryOp::Sub, wrapped_scalar(Scalar(1.0)), w_end)));
  return to_dtype(where(small, near_start, near_end), dt);
}

namespace {
Tensor addc(BinaryOp op, const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value, const char* name) {
  const ScalarType dt = result_type({self, t1, t2});
  EMBER_CHECK(dt != ScalarType::Bool, NotImplemented, name, ": not implemented for 'Bool'");
  broadcast3(self, t1, t2, name);
  const ScalarType c = opmath(dt);
  EMBER_CHECK(scalar_fits(value, c), Runtime, name, ": value cannot be converted to type ", dtype_name(c),
              " without overflow");
  // an integer result takes the value as an integer (torch converts it to the tensor's type)
  Scalar v = is_floating(c) ? Scalar(value.to_double()) : Scalar(value.to_int());
  Tensor prod = binary(op, to_dtype(t1, c), to_dtype(t2, c));
  return to_dtype(binary(BinaryOp::Add, to_dtype(self, c), prod, v), dt);
}
}  // namespace

Tensor addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return addc(BinaryOp::Mul, self, t1, t2, value, "addcmul");
}

Tensor addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  EMBER_CHECK(is_floating(t1.dtype()) || is_floating(t2.dtype()), Runtime,
              "addcdiv: Integer division with addcdiv is no longer supported, and in a future release addcdiv will "
              "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
              "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + "
              "value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
              "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  return addc(BinaryOp::Div, self, t1, t2, value, "addcdiv");
}

Tensor nan_to_num(const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  if (!is_floating(x.dtype())) {  // integers have no NaN or infinity: a copy
    kernels::copy(out, x);
    return out;
  }
  if (out.numel() != 0) kernels::nan_to_num(out, x, nan.value_or(0.0), posinf, neginf);
  if (autograd::should_record({&x})) autograd::record_nan_to_num(x, out);
  return out;
}

Tensor& write_inplace(Tensor& self, const std::vector<Tensor>& inputs, const char* op,
                      const std::function<Tensor(const Tensor& self_value)>& f) {
  check_writable(self, op);
  auto check = [&](const Tensor& r) {
    EMBER_CHECK(can_cast(r.dtype(), self.dtype()), Runtime, op, ": result type ", dtype_name(r.dtype()),
                " can't be cast to the desired output type ", dtype_name(self.dtype()));
    EMBER_CHECK(r.sizes() == self.sizes(), Runtime, op, ": output with shape ", self.shape_str(),
                " doesn't match the broadcast shape ", r.shape_str());
  };
  if (autograd::should_record(inputs)) {
    Tensor r = f(autograd::inplace_input(self, op));
    check(r);
    autograd::commit_inplace(self, r.dtype() == self.dtype() ? r : to_dtype(r, self.dtype()));
    return self;
  }
  Tensor r = f(self);
  check(r);
  kernels::copy(self, r);
  self.bump_version();
  return self;
}

Tensor& write_out(Tensor& out, const std::vector<Tensor>& inputs, const char* op, const std::function<Tensor()>& f) {
  check_writable(out, op);
  std::vector<Tensor> all = inputs;
  all.push_back(out);
  EMBER_CHECK(!autograd::should_record(all), Runtime, op,
              "(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
  Tensor r = f();
  EMBER_CHECK(can_cast(r.dtype(), out.dtype()), Runtime, op, ": result type ", dtype_name(r.dtype()),
              " can't be cast to the desired output type ", dtype_name(out.dtype()));
  resize_output(out, r.sizes(), op);
  kernels::copy(out, r);
  out.bump_version();
  return out;
}

}  // namespace ember
