#include <cmath>
#include <cstring>
#include <optional>

#include "kernels/kernels.h"
#include "ops/ops.h"

namespace ember {

Tensor full(const Shape& sizes, const Scalar& value, ScalarType dtype, Device device) {
  EMBER_CHECK(scalar_fits(value, dtype), Runtime, "full: value cannot be converted to type ", dtype_name(dtype),
              " without overflow");
  Tensor t = empty(sizes, dtype, device);
  kernels::fill(t, value);
  return t;
}

Tensor zeros(const Shape& sizes, ScalarType dtype, Device device) {
  Tensor t = empty(sizes, dtype, device);
  kernels::fill(t, Scalar(int64_t(0)));
  return t;
}

Tensor ones(const Shape& sizes, ScalarType dtype, Device device) { return full(sizes, Scalar(int64_t(1)), dtype, device); }

Tensor scalar_tensor(const Scalar& value, ScalarType dtype) {
  // no overflow check: callers convert like a cast (x[i] = 1e6 gives inf in float16, as in torch)
  Tensor t = empty(Shape{}, dtype, Device{});
  kernels::fill(t, value);
  return t;
}

Tensor wrapped_scalar(const Scalar& value) {
  ScalarType dt = value.is_floating() ? ScalarType::Float64
                                      : (value.is_bool() ? ScalarType::Bool : ScalarType::Int64);
  Tensor t = scalar_tensor(value, dt);
  t.impl()->is_wrapped_number = true;
  return t;
}

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, std::optional<ScalarType> dtype,
              Device device) {
  const bool any_float = start.is_floating() || end.is_floating() || step.is_floating();
  ScalarType dt = dtype ? *dtype : (any_float ? default_dtype() : ScalarType::Int64);
  EMBER_CHECK(dt != ScalarType::Bool, NotImplemented, "arange: not implemented for 'Bool'");
  const double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(std::isfinite(s) && std::isfinite(e), Runtime, "arange: unsupported range: ", s, " -> ", e);
  EMBER_CHECK(st != 0.0, Runtime, "arange: step must be nonzero");
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), Runtime,
              "arange: upper bound and lower bound inconsistent with step sign");
  if (is_integral(dt, false)) {
    // torch's integer arange: the values are start + step * i with start and step truncated to
    // integers (arange(-2.5, 3.0, 1.5) is -2, -1, 0, ...); int64 also counts with the truncated
    // bounds, the narrower types with the exact ones.
    auto truncated = [](const Scalar& v, const char* what) {
      if (!v.is_floating()) return v.to_int();
      const double d = v.to_double();
      EMBER_CHECK(std::fabs(d) < 9.2e18, Runtime, "arange: ", what, " value cannot be converted to type int64 without overflow");
      return static_cast<int64_t>(d);
    };
    const int64_t xs = truncated(start, "start"), xe = truncated(end, "end"), xst = truncated(step, "step");
    int64_t count = 0;
    if (dt == ScalarType::Int64) {
      EMBER_CHECK(xst != 0, Value, "arange: step must be nonzero");
      const int64_t sign = xst > 0 ? 1 : -1;
      count = (xe - xs + xst - sign) / xst;
    } else {
      const double c = std::ceil((e - s) / st);
      EMBER_CHECK(c < 9.0e18, Runtime, "arange: invalid size, possible overflow? start=", s, " end=", e, " step=", st);
      count = static_cast<int64_t>(c);
    }
    Tensor out = empty(Shape{count}, dt, device);
    kernels::arange(out, Scalar(xs), Scalar(xst));  // exact int64 arithmetic, wrapping into narrow types
    return out;
  }
  double count = std::ceil((e - s) / st);
  EMBER_CHECK(count >= 0 && count < 9.0e18, Runtime, "arange: invalid size, possible overflow? start=", s,
              " end=", e, " step=", st);
  Tensor out = empty(Shape{static_cast<int64_t>(count)}, dt, device);
  if (any_float) {
    kernels::arange(out, Scalar(s), Scalar(st));
  } else {
    kernels::arange(out, start, step);  // exact int64 arithmetic
  }
  return out;
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, std::optional<ScalarType> dtype,
                Device device) {
  EMBER_CHECK(steps >= 0, Runtime, "linspace: number of steps must be non-negative, got ", steps);
  ScalarType dt = dtype ? *dtype : default_dtype();
  // as in torch, bool has no kernel, which only matters past one step
  EMBER_CHECK(dt != ScalarType::Bool || steps <= 1, NotImplemented, "linspace: not implemented for 'Bool'");
  Tensor out = empty(Shape{steps}, dt, device);
  double s = start.to_double(), e = end.to_double();
  if (is_integral(dt, false)) {
    // torch converts the endpoints to the integer dtype first (uint8: -3 is 253), then interpolates
    // (the end only when it is used: one step is just the start)
    EMBER_CHECK(scalar_fits(start, dt) && (steps <= 1 || scalar_fits(end, dt)), Runtime,
                "linspace: value cannot be converted to type ", dtype_name(dt), " without overflow");
    dispatch_all(dt, "linspace", [&](auto tag) {
      using T = typename decltype(tag)::type;
      s = static_cast<double>(static_cast<T>(start.to_int()));
      e = static_cast<double>(static_cast<T>(end.to_int()));
    });
  }
  kernels::linspace(out, s, e);
  return out;
}

Tensor eye(int64_t n, int64_t m, ScalarType dtype, Device device) {
  EMBER_CHECK(n >= 0, Runtime, "eye: n must be greater or equal to 0, got ", n);
  EMBER_CHECK(m >= 0, Runtime, "eye: m must be greater or equal to 0, got ", m);
  Tensor out = empty(Shape{n, m}, dtype, device);
  kernels::eye(out);
  return out;
}

}  // namespace ember
