// Scalar types, their properties, PyTorch's promotion lattice and the dispatch helper that
// turns a runtime dtype into a compile-time type exactly once per op.
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/half.h"

namespace ember {

enum class ScalarType : int8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  Int32,
  Int64,
  Float16,
  BFloat16,
  Float32,
  Float64,
};
constexpr int kNumScalarTypes = 10;

size_t itemsize(ScalarType t);
const char* dtype_name(ScalarType t);  // "float32", "int64", ...
const char* torch_dtype_name(ScalarType t);  // torch's C++ names in its messages: "Float", "Long", ...
inline bool is_floating(ScalarType t) { return t >= ScalarType::Float16; }
inline bool is_integral(ScalarType t, bool include_bool) {
  return (t >= ScalarType::UInt8 && t <= ScalarType::Int64) || (include_bool && t == ScalarType::Bool);
}
inline bool is_signed(ScalarType t) { return t != ScalarType::Bool && t != ScalarType::UInt8; }

// PyTorch's promote_types: bool < integers < floats; uint8 with a signed int widens to int16;
// float16 with bfloat16 gives float32.
ScalarType promote_types(ScalarType a, ScalarType b);
// Whether a value of type `from` may be written into `to` by an in-place op (torch's can_cast).
bool can_cast(ScalarType from, ScalarType to);

ScalarType default_dtype();
void set_default_dtype(ScalarType t);

template <typename T>
struct type_tag {
  using type = T;
};

template <typename T>
struct scalar_type_of;
#define EMBER_SCALAR_TYPE_OF(T, E) \
  template <>                      \
  struct scalar_type_of<T> {       \
    static constexpr ScalarType value = ScalarType::E; \
  };
EMBER_SCALAR_TYPE_OF(bool, Bool)
EMBER_SCALAR_TYPE_OF(uint8_t, UInt8)
EMBER_SCALAR_TYPE_OF(int8_t, Int8)
EMBER_SCALAR_TYPE_OF(int16_t, Int16)
EMBER_SCALAR_TYPE_OF(int32_t, Int32)
EMBER_SCALAR_TYPE_OF(int64_t, Int64)
EMBER_SCALAR_TYPE_OF(Half, Float16)
EMBER_SCALAR_TYPE_OF(BFloat16, BFloat16)
EMBER_SCALAR_TYPE_OF(float, Float32)
EMBER_SCALAR_TYPE_OF(double, Float64)
#undef EMBER_SCALAR_TYPE_OF

// The type arithmetic is done in: float for the 16-bit floats, the type itself otherwise.
template <typename T>
struct acc_type {
  using type = T;
};
template <>
struct acc_type<Half> {
  using type = float;
};
template <>
struct acc_type<BFloat16> {
  using type = float;
};
template <typename T>
using acc_t = typename acc_type<T>::type;

// dispatch_all(dtype, "op", [&](auto tag) { using T = typename decltype(tag)::type; ... });
template <typename F>
decltype(auto) dispatch_all(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case ScalarType::Bool: return f(type_tag<bool>{});
    case ScalarType::UInt8: return f(type_tag<uint8_t>{});
    case ScalarType::Int8: return f(type_tag<int8_t>{});
    case ScalarType::Int16: return f(type_tag<int16_t>{});
    case ScalarType::Int32: return f(type_tag<int32_t>{});
    case ScalarType::Int64: return f(type_tag<int64_t>{});
    case ScalarType::Float16: return f(type_tag<Half>{});
    case ScalarType::BFloat16: return f(type_tag<BFloat16>{});
    case ScalarType::Float32: return f(type_tag<float>{});
    case ScalarType::Float64: return f(type_tag<double>{});
  }
  EMBER_FAIL(NotImplemented, op, ": unsupported dtype");
}

// Floating types only; other dtypes raise NotImplementedError naming the op.
template <typename F>
decltype(auto) dispatch_floating(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case ScalarType::Float16: return f(type_tag<Half>{});
    case ScalarType::BFloat16: return f(type_tag<BFloat16>{});
    case ScalarType::Float32: return f(type_tag<float>{});
    case ScalarType::Float64: return f(type_tag<double>{});
    default: break;
  }
  EMBER_FAIL(NotImplemented, op, ": not implemented for dtype ", dtype_name(t));
}

}  // namespace ember
