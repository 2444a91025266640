#include "autograd/derivatives/derivatives.h"
#include "core/output.h"
#include "kernels/kernels.h"
#include "ops/elementwise_math.h"
#include "ops/ops.h"
#include "ops/unary_math.h"

namespace ember {

namespace {
// The dtype rules of each op come from its row's kind (kernels/unary_ops.h).
const char* unary_name(UnaryOp op) { return unary_op_name(op); }
bool bool_result(UnaryOp op) { return unary_kind(op) == UnaryKind::Predicate; }
bool promotes_to_float(UnaryOp op) { return unary_kind(op) == UnaryKind::Float; }

// The dtypes torch refuses, with its error kind (NotImplementedError: no kernel for that dtype).
void check_unary_dtype(UnaryOp op, ScalarType in) {
  EMBER_CHECK(!(unary_kind(op) == UnaryKind::Rounding && in == ScalarType::Bool), NotImplemented, unary_name(op),
              ": not implemented for 'Bool'");
  EMBER_CHECK(!(unary_kind(op) == UnaryKind::FloatOnly && !is_floating(in)), NotImplemented, unary_name(op),
              ": not implemented for integer or bool dtype ", dtype_name(in));
}

ScalarType unary_result_dtype(UnaryOp op, ScalarType in) {
  if (bool_result(op)) return ScalarType::Bool;
  if (op == UnaryOp::Square && in == ScalarType::Bool) return ScalarType::Int64;  // torch: pow(x, 2)
  if (promotes_to_float(op) && !is_floating(in)) return default_dtype();
  return in;
}
}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
  check_unary_dtype(op, x.dtype());
  ScalarType out_dt = unary_result_dtype(op, x.dtype());
  Tensor out = empty(x.sizes(), out_dt, x.device());
  if (bool_result(op)) {
    kernels::unary(op, out, x);
  } else {
    autograd::GradModeGuard no_grad(false);  // the conversion is part of this op, not a node
    kernels::unary(op, out, to_dtype(x, out_dt));
  }
  if (autograd::should_record({&x})) autograd::record_unary(op, x, out);
  return out;
}

Tensor& unary_(UnaryOp op, Tensor& x) {
  check_writable(x, unary_name(op));
  check_unary_dtype(op, x.dtype());
  if (autograd::should_record({&x})) {
    // recorded out of place on a copy that carries x's history, then written back
    Tensor r = unary(op, autograd::inplace_input(x, unary_name(op)));
    autograd::commit_inplace(x, r);
    return x;
  }
  ScalarType out_dt = unary_result_dtype(op, x.dtype());
  // logical_not_ writes 0/1 in x's own dtype; exp_ and friends can't write floats into integers
  EMBER_CHECK(can_cast(out_dt, x.dtype()), Runtime, unary_name(op), "_: result type ", dtype_name(out_dt),
              " can't be cast to the desired output type ", dtype_name(x.dtype()));
  if (op == UnaryOp::LogicalNot) {
    Tensor tmp = unary(op, x);
    kernels::copy(x, tmp);
  } else {
    kernels::unary(op, x, x);
  }
  x.bump_version();
  return x;
}

namespace {
// torch's unary ops without type promotion take an out= of exactly the input's dtype.
bool same_dtype_out(UnaryOp op) {
  const UnaryKind k = unary_kind(op);
  return k == UnaryKind::SameDtype || k == UnaryKind::Rounding || k == UnaryKind::FloatOnly;
}

void check_same_dtype_out(const Tensor& x, const Tensor& out) {
  EMBER_CHECK(out.dtype() == x.dtype(), Runtime, "Found dtype ", dtype_name(out.dtype()), " but expected ",
              dtype_name(x.dtype()));
}
}  // namespace

Tensor& unary_out(UnaryOp op, const Tensor& x, Tensor& out) {
  const char* name = unary_name(op);
  if (op == UnaryOp::IsPosInf || op == UnaryOp::IsNegInf || op == UnaryOp::Signbit) {
    // torch: these write bool only, even where a cast would do
    EMBER_CHECK(out.dtype() == ScalarType::Bool, Runtime, name, " does not support non-boolean outputs.");
  }
  if (same_dtype_out(op)) check_same_dtype_out(x, out);
  if (out.impl() == x.impl()) return unary_(op, out);
  check_writable(out, name);
  check_unary_dtype(op, x.dtype());
  ScalarType dt = unary_result_dtype(op, x.dtype());
  EMBER_CHECK(can_cast(dt, out.dtype()), Runtime, name, ": result type ", dtype_name(dt),
              " can't be cast to the desired output type ", dtype_name(out.dtype()));
  // an op without a derivative (isposinf, signbit, logical_not) takes no part in autograd, as torch
  EMBER_CHECK(unary_row(op).node[0] == '\0' || !autograd::should_record({&x, &out}), Runtime, name,
              "(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
  Tensor r = unary(op, x);
  resize_output(out, r.sizes(), name);
  kernels::copy(out, r);  // a temporary: out may overlap x
  out.bump_version();
  return out;
}

namespace {
Tensor logit_input(const Tensor& x, std::optional<double> eps) {
  if (!eps) return x;
  // clamped to [eps, 1 - eps] with where (not clamp): a NaN passes through with its gradient, as torch's
  const Tensor lo = wrapped_scalar(Scalar(*eps)), hi = wrapped_scalar(Scalar(1.0 - *eps));
  return where(binary(BinaryOp::Lt, x, lo), lo, where(binary(BinaryOp::Gt, x, hi), hi, x));
}
}  // namespace

Tensor logit(const Tensor& x, std::optional<double> eps) { return unary(UnaryOp::Logit, logit_input(x, eps)); }

Tensor& logit_(Tensor& x, std::optional<double> eps) {
  if (!eps) return unary_(UnaryOp::Logit, x);
  return write_inplace(x, {x}, "logit_", [&](const Tensor& self) { return logit(self, eps); });
}

Tensor& logit_out(const Tensor& x, std::optional<double> eps, Tensor& out) {
  if (!eps) return unary_out(UnaryOp::Logit, x, out);
  return write_out(out, {x}, "logit", [&] { return logit(x, eps); });
}

namespace {
void check_round_decimals_dtype(ScalarType dt) {
  EMBER_CHECK(is_floating(dt), NotImplemented, "round: not implemented for '", dtype_name(dt),
              "' with decimals (only floating dtypes)");
}
}  // namespace

// round(x, decimals=d): x * 10^d rounded half to even, scaled back (divided first for d < 0).
Tensor round_decimals(const Tensor& x, int64_t decimals) {
  check_round_decimals_dtype(x.dtype());
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  kernels::round_decimals(out, x, decimals);
  // its derivative is zero, like round's
  if (autograd::should_record({&x})) autograd::record_unary(UnaryOp::Round, x, out);
  return out;
}

Tensor& round_decimals_(Tensor& x, int64_t decimals) {
  check_writable(x, "round_");
  check_round_decimals_dtype(x.dtype());
  if (autograd::should_record({&x})) {
    Tensor r = round_decimals(autograd::inplace_input(x, "round_"), decimals);
    autograd::commit_inplace(x, r);
    return x;
  }
  kernels::round_decimals(x, x, decimals);
  x.bump_version();
  return x;
}

Tensor& round_decimals_out(const Tensor& x, int64_t decimals, Tensor& out) {
  if (out.impl() == x.impl()) return round_decimals_(out, decimals);
  check_same_dtype_out(x, out);
  check_writable(out, "round");
  check_round_decimals_dtype(x.dtype());
  EMBER_CHECK(can_cast(x.dtype(), out.dtype()), Runtime, "round: result type ", dtype_name(x.dtype()),
              " can't be cast to the desired output type ", dtype_name(out.dtype()));
  EMBER_CHECK(!autograd::should_record({&x, &out}), Runtime,
              "round(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
  Tensor r = round_decimals(x, decimals);
  resize_output(out, r.sizes(), "round");
  kernels::copy(out, r);
  out.bump_version();
  return out;
}

namespace {
// The dtype of clamp's result: the promotion of x with the bounds given.
ScalarType clamp_dtype(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  std::vector<Tensor> ops{x};
  if (lo) ops.push_back(*lo);
  if (hi) ops.push_back(*hi);
  return result_type(ops);
}

// A bool result is refused, as in torch, except with exactly one tensor bound (torch's clamp_min and
// clamp_max kernels take bool). A number bound may promote a bool input: clamp(mask, 0, 1) is int64.
void check_bool_result(ScalarType dt, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi,
                       const char* op) {
  const bool one_tensor_bound = (lo && !hi && !lo->is_wrapped_number()) || (hi && !lo && !hi->is_wrapped_number());
  EMBER_CHECK(dt != ScalarType::Bool || one_tensor_bound, NotImplemented, op, ": not implemented for 'Bool'");
}

// torch refuses a Python-number bound the result dtype can't hold ("value cannot be converted to
// type ... without overflow"); see scalar_fits.
void check_bound_fits(const std::optional<Tensor>& bound, ScalarType dt) {
  if (!bound || !bound->is_wrapped_number()) return;
  EMBER_CHECK(scalar_fits(item(*bound), dt), Runtime, "clamp: value cannot be converted to type ", dtype_name(dt),
              " without overflow");
}

void clamp_into(const Tensor& out, const Tensor& x, const std::optional<Tensor>& lo,
                const std::optional<Tensor>& hi) {
  autograd::GradModeGuard no_grad(false);  // conversions here are part of clamp, not nodes
  ScalarType dt = out.dtype();
  check_bound_fits(lo, dt);
  check_bound_fits(hi, dt);
  Tensor xc = to_dtype(x, dt);
  Tensor loc, hic;
  if (lo) loc = to_dtype(*lo, dt);
  if (hi) hic = to_dtype(*hi, dt);
  kernels::clamp(out, xc, lo ? &loc : nullptr, hi ? &hic : nullptr);
}
}  // namespace

Tensor clamp(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  EMBER_CHECK(lo || hi, Runtime, "clamp: at least one of 'min' or 'max' must not be None");
  check_bool_result(clamp_dtype(x, lo, hi), lo, hi, "clamp");
  Shape shape = x.sizes();
  if (lo) shape = broadcast_shapes(shape, lo->sizes(), "clamp");
  if (hi) shape = broadcast_shapes(shape, hi->sizes(), "clamp");
  Tensor out = empty(shape, clamp_dtype(x, lo, hi), x.device());
  clamp_into(out, x, lo, hi);
  std::vector<Tensor> inputs{x};
  if (lo) inputs.push_back(*lo);
  if (hi) inputs.push_back(*hi);
  if (autograd::should_record(inputs)) autograd::record_clamp(x, lo, hi, out);
  return out;
}

Tensor& clamp_(Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  EMBER_CHECK(lo || hi, Runtime, "clamp_: at least one of 'min' or 'max' must not be None");
  check_writable(x, "clamp_");
  ScalarType dt = clamp_dtype(x, lo, hi);
  EMBER_CHECK(can_cast(dt, x.dtype()), Runtime, "clamp_: result type ", dtype_name(dt),
              " can't be cast to the desired output type ", dtype_name(x.dtype()));
  check_bool_result(dt, lo, hi, "clamp_");
  Shape shape = x.sizes();
  if (lo) shape = broadcast_shapes(shape, lo->sizes(), "clamp_");
  if (hi) shape = broadcast_shapes(shape, hi->sizes(), "clamp_");
  EMBER_CHECK(shape == x.sizes(), Runtime, "clamp_: output with shape ", x.shape_str(),
              " doesn't match the broadcast shape ", shape_to_string(shape));
  if (autograd::should_record({&x}) || (lo && autograd::requires_grad(*lo)) || (hi && autograd::requires_grad(*hi))) {
    if (autograd::grad_enabled()) {
      Tensor r = clamp(autograd::inplace_input(x, "clamp_"), lo, hi);
      autograd::commit_inplace(x, r);
      return x;
    }
  }
  if (dt == x.dtype()) {
    clamp_into(x, x, lo, hi);
  } else {
    Tensor tmp = empty(shape, dt, x.device());
    clamp_into(tmp, x, lo, hi);
    kernels::copy(x, tmp);
  }
  x.bump_version();
  return x;
}

}  // namespace ember
