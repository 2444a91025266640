// A Python number carried into C++: bool, integer or floating, keeping which it was
// (that decides type promotion and how it converts).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/dtype.h"

namespace ember {

class Scalar {
 public:
  enum class Kind : int8_t { Bool, Int, Float };
  Scalar() : kind_(Kind::Int), i_(0) {}
  Scalar(bool b) : kind_(Kind::Bool), i_(b) {}
  Scalar(int v) : kind_(Kind::Int), i_(v) {}
  Scalar(int64_t v) : kind_(Kind::Int), i_(v) {}
  Scalar(double v) : kind_(Kind::Float), d_(v) {}

  Kind kind() const { return kind_; }
  bool is_floating() const { return kind_ == Kind::Float; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  double to_double() const { return kind_ == Kind::Float ? d_ : static_cast<double>(i_); }
  int64_t to_int() const { return kind_ == Kind::Float ? static_cast<int64_t>(d_) : i_; }
  // The dtype torch gives a tensor made from this number.
  ScalarType natural_dtype() const {
    return kind_ == Kind::Float ? default_dtype() : (kind_ == Kind::Int ? ScalarType::Int64 : ScalarType::Bool);
  }
  template <typename T>
  T to() const {
    if (kind_ == Kind::Float) return static_cast<T>(static_cast<acc_t<T>>(d_));
    return static_cast<T>(static_cast<acc_t<T>>(i_));
  }

 private:
  Kind kind_;
  union {
    int64_t i_;
    double d_;
  };
};

// Whether `s` can be written into a `t` without overflow, by torch's rule for fill values and clamp
// bounds: an integer type takes values in its range (an unsigned one also takes integer negatives
// down to -max, which wrap); a floating type takes its finite range and the non-finite values; bool
// takes anything.
inline bool scalar_fits(const Scalar& s, ScalarType t) {
  if (s.is_bool() || t == ScalarType::Bool || t == ScalarType::Float64) return true;
  const double v = s.to_double();
  auto in_range = [v](double lo, double hi) { return v >= lo && v <= hi; };
  switch (t) {
    case ScalarType::UInt8: return s.is_floating() ? in_range(0.0, 255.0) : in_range(-255.0, 255.0);
    case ScalarType::Int8: return in_range(-128.0, 127.0);
    case ScalarType::Int16: return in_range(-32768.0, 32767.0);
    case ScalarType::Int32: return in_range(-2147483648.0, 2147483647.0);
    case ScalarType::Int64:  // a Python int reaching here is already an int64; floats must be in [-2^63, 2^63)
      return !s.is_floating() || (std::isfinite(v) && v >= -9.223372036854775808e18 && v < 9.223372036854775808e18);
    case ScalarType::Float16: return !std::isfinite(v) || std::fabs(v) <= 65504.0;
    case ScalarType::BFloat16: return !std::isfinite(v) || std::fabs(v) <= 3.3895313892515355e38;
    case ScalarType::Float32:
      return !std::isfinite(v) || std::fabs(v) <= static_cast<double>(std::numeric_limits<float>::max());
    default: return true;
  }
}

}  // namespace ember
