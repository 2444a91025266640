#include <cmath>
#include <limits>

#include "cpu/cpu_kernels.h"
#include "cpu/loops.h"

namespace ember::cpu {

namespace {

// The common cases skip the iterator: a contiguous output with each input either laid out the
// same way or a single element (a scalar operand). Returns the inputs' element strides (1 or 0).
bool dense_case(const Tensor& out, const Tensor& a, const Tensor& b, int64_t& sa, int64_t& sb) {
  if (!out.is_contiguous()) return false;
  auto stride_of = [&](const Tensor& t, int64_t& s) {
    if (t.numel() == 1) {
      s = 0;
      return true;
    }
    s = 1;
    return t.sizes() == out.sizes() && t.is_contiguous();
  };
  return stride_of(a, sa) && stride_of(b, sb);
}

template <typename Out, typename T, typename F>
void run_loop(const Tensor& out, const Tensor& a, const Tensor& b, const F& f) {
  int64_t sa, sb;
  if (dense_case(out, a, b, sa, sb)) {
    char* base[3] = {out.data_ptr(), a.data_ptr(), b.data_ptr()};
    const int64_t strides[3] = {sizeof(Out), sa * static_cast<int64_t>(sizeof(T)), sb * static_cast<int64_t>(sizeof(T))};
    parallel_for(0, out.numel(), kGrainSize, [&](int64_t begin, int64_t end) {
      char* d[3] = {base[0] + begin * strides[0], base[1] + begin * strides[1], base[2] + begin * strides[2]};
      binary_loop<Out, T>(d, strides, end - begin, f);
    });
    return;
  }
  TensorIterator iter({out, a, b}, out.sizes());
  iter.for_each([&](char** d, const int64_t* s, int64_t n) { binary_loop<Out, T>(d, s, n, f); });
}

template <typename T, typename F>
void run(const Tensor& out, const Tensor& a, const Tensor& b, const F& f) {
  run_loop<T, T>(out, a, b, f);
}

template <typename T, typename F>
void run_compare(const Tensor& out, const Tensor& a, const Tensor& b, const F& f) {
  run_loop<bool, T>(out, a, b, f);
}

// Python's floor division and modulo for floats (the sign of the result follows the divisor).
template <typename A>
inline A div_floor_float(A a, A b) {
  if (b == A(0)) return a / b;
  A mod = std::fmod(a, b);
  A div = (a - mod) / b;
  if (mod != A(0) && ((b < A(0)) != (mod < A(0)))) div -= A(1);
  if (div == A(0)) return std::copysign(A(0), a / b);
  A floordiv = std::floor(div);
  if (div - floordiv > A(0.5)) floordiv += A(1);
  return floordiv;
}
template <typename A>
inline A remainder_float(A a, A b) {
  A r = std::fmod(a, b);
  if (r != A(0) && ((r < A(0)) != (b < A(0)))) r += b;
  return r;
}

template <typename T>
[[noreturn]] void zero_division(const char* op) {
  EMBER_FAIL(Runtime, "ZeroDivisionError: ", op, " by zero on integer tensors");
}

template <typename T>
inline T int_div_floor(T a, T b) {
  if (b == 0) zero_division<T>("floor_divide");
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(a));  // no overflow trap
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  } else {
    return a / b;
  }
}
template <typename T>
inline T int_div_trunc(T a, T b) {
  if (b == 0) zero_division<T>("div");
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(a));
  }
  return a / b;
}
template <typename T>
inline T int_remainder(T a, T b) {
  if (b == 0) zero_division<T>("remainder");
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    return a % b;
  }
}
template <typename T>
inline T int_pow(T base, T exp) {
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0) {  // 1/base^n truncated, as torch: only 1 and -1 survive
      if (base == 1) return 1;
      if (base == -1) return (exp % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  using U = std::make_unsigned_t<T>;
  U result = 1, b = static_cast<U>(base);
  for (U e = static_cast<U>(exp); e; e >>= 1) {  // wraps like torch on overflow
    if (e & 1) result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

template <typename T>
inline T int_fmod(T a, T b) {
  if (b == 0) zero_division<T>("fmod");
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) return 0;  // INT_MIN % -1 traps
  }
  return static_cast<T>(a % b);
}

// Shifts as torch defines them past the width: a left shift by a negative or too large count
// gives 0; a right shift gives the sign fill (0 or -1).
template <typename T>
inline T shift_left(T a, T b) {
  using U = std::make_unsigned_t<T>;
  constexpr int bits = sizeof(T) * 8;
  if constexpr (std::is_signed_v<T>) {
    if (b < 0) return 0;
  }
  if (static_cast<int64_t>(b) >= bits) return 0;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) << static_cast<int>(b)));
}
template <typename T>
inline T shift_right(T a, T b) {
  constexpr int bits = sizeof(T) * 8;
  if constexpr (std::is_signed_v<T>) {
    if (b < 0 || static_cast<int64_t>(b) >= bits) return static_cast<T>(a >> (bits - 1));
  } else {
    if (static_cast<int64_t>(b) >= bits) return 0;
  }
  return static_cast<T>(a >> static_cast<int>(b));
}

// log(exp(a) + exp(b)) without overflow; equal infinities give themselves (not NaN).
template <typename A>
inline A log_add_exp(A a, A b) {
  if (std::isinf(a) && a == b) return a;
  A m = a > b ? a : b;
  if (m != m || a != a || b != b) return std::numeric_limits<A>::quiet_NaN();
  return m + std::log1p(std::exp(-std::fabs(a - b)));
}
template <typename A>
inline A log_add_exp2(A a, A b) {
  if (std::isinf(a) && a == b) return a;
  A m = a > b ? a : b;
  if (m != m || a != a || b != b) return std::numeric_limits<A>::quiet_NaN();
  return m + std::log1p(std::exp2(-std::fabs(a - b))) / A(0.693147180559945309417232121458176568);
}
// x * log(y), with 0 where x is 0 (unless y is NaN).
template <typename A>
inline A xlogy(A x, A y) {
  if (y != y) return y;
  if (x == A(0)) return A(0);
  return x * std::log(y);
}

template <typename A>
inline A nan_max(A a, A b) {
  if constexpr (std::is_floating_point_v<A>) {
    if (a != a) return a;
    if (b != b) return b;
  }
  return a > b ? a : b;
}
template <typename A>
inline A nan_min(A a, A b) {
  if constexpr (std::is_floating_point_v<A>) {
    if (a != a) return a;
    if (b != b) return b;
  }
  return a < b ? a : b;
}

template <typename T>
void arithmetic(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  using A = acc_t<T>;
  constexpr bool is_bool = std::is_same_v<T, bool>;
  constexpr bool is_float = std::is_floating_point_v<A>;
  const char* name = binary_op_name(op);
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      if constexpr (is_bool) {
        EMBER_CHECK(op == BinaryOp::Add, Runtime,
                    "sub: subtraction, the `-` operator, with two bool tensors is not supported; use the `^` or "
                    "`logical_xor()` operator instead");
        const bool al = alpha.to<bool>();
        return run<T>(out, a, b, [al](T x, T y) { return x || (al && y); });
      } else {
        A al = alpha.to<A>();
        if (op == BinaryOp::Sub) al = A(0) - al;
        if (al == A(1)) return run<T>(out, a, b, [](T x, T y) { return T(A(x) + A(y)); });
        if (op == BinaryOp::Sub && alpha.to<A>() == A(1)) return run<T>(out, a, b, [](T x, T y) { return T(A(x) - A(y)); });
        return run<T>(out, a, b, [al](T x, T y) { return T(A(x) + al * A(y)); });
      }
    }
    case BinaryOp::Mul:
      if constexpr (is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return x && y; });
      } else {
        return run<T>(out, a, b, [](T x, T y) { return T(A(x) * A(y)); });
      }
    case BinaryOp::Div:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(A(x) / A(y)); });
      }
      break;
    case BinaryOp::DivTrunc:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(std::trunc(A(x) / A(y))); });
      } else if constexpr (!is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return int_div_trunc<T>(x, y); });
      }
      break;
    case BinaryOp::DivFloor:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(div_floor_float<A>(A(x), A(y))); });
      } else if constexpr (!is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return int_div_floor<T>(x, y); });
      }
      break;
    case BinaryOp::Remainder:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(remainder_float<A>(A(x), A(y))); });
      } else if constexpr (!is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return int_remainder<T>(x, y); });
      }
      break;
    case BinaryOp::Pow:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(std::pow(A(x), A(y))); });
      } else if constexpr (!is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return int_pow<T>(x, y); });
      }
      break;
    case BinaryOp::Maximum:
      return run<T>(out, a, b, [](T x, T y) { return T(nan_max<A>(A(x), A(y))); });
    case BinaryOp::Minimum:
      return run<T>(out, a, b, [](T x, T y) { return T(nan_min<A>(A(x), A(y))); });
    case BinaryOp::BitAnd:
    case BinaryOp::BitOr:
    case BinaryOp::BitXor:
      if constexpr (std::is_integral_v<T>) {
        if (op == BinaryOp::BitAnd) return run<T>(out, a, b, [](T x, T y) { return T(x & y); });
        if (op == BinaryOp::BitOr) return run<T>(out, a, b, [](T x, T y) { return T(x | y); });
        return run<T>(out, a, b, [](T x, T y) { return T(x ^ y); });
      } else {
        EMBER_FAIL(NotImplemented, name, ": not implemented for floating dtype ", dtype_name(a.dtype()),
                   "; bitwise ops need integer or bool tensors");
      }
    case BinaryOp::Fmod:
      if constexpr (is_float) {
        return run<T>(out, a, b, [](T x, T y) { return T(std::fmod(A(x), A(y))); });
      } else if constexpr (!is_bool) {
        return run<T>(out, a, b, [](T x, T y) { return int_fmod<T>(x, y); });
      }
      break;
    case BinaryOp::ShiftLeft:
    case BinaryOp::ShiftRight:
      if constexpr (std::is_integral_v<T> && !is_bool) {
        if (op == BinaryOp::ShiftLeft) return run<T>(out, a, b, [](T x, T y) { return shift_left<T>(x, y); });
        return run<T>(out, a, b, [](T x, T y) { return shift_right<T>(x, y); });
      }
      break;
    case BinaryOp::Atan2:
    case BinaryOp::Hypot:
    case BinaryOp::LogAddExp:
    case BinaryOp::LogAddExp2:
    case BinaryOp::Xlogy:
    case BinaryOp::Copysign:
      if constexpr (is_float) {
        switch (op) {
          case BinaryOp::Atan2: return run<T>(out, a, b, [](T x, T y) { return T(std::atan2(A(x), A(y))); });
          case BinaryOp::Hypot: return run<T>(out, a, b, [](T x, T y) { return T(std::hypot(A(x), A(y))); });
          case BinaryOp::LogAddExp: return run<T>(out, a, b, [](T x, T y) { return T(log_add_exp<A>(A(x), A(y))); });
          case BinaryOp::LogAddExp2:
            return run<T>(out, a, b, [](T x, T y) { return T(log_add_exp2<A>(A(x), A(y))); });
          case BinaryOp::Xlogy: return run<T>(out, a, b, [](T x, T y) { return T(xlogy<A>(A(x), A(y))); });
          default: return run<T>(out, a, b, [](T x, T y) { return T(std::copysign(A(x), A(y))); });
        }
      }
      break;
    default: break;
  }
  EMBER_FAIL(NotImplemented, name, ": not implemented for '", dtype_name(a.dtype()), "'");
}

template <typename T>
void compare(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  using A = acc_t<T>;
  auto truth = [](T v) { return A(v) != A(0); };
  switch (op) {
    case BinaryOp::Eq: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) == A(y); });
    case BinaryOp::Ne: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) != A(y); });
    case BinaryOp::Lt: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) < A(y); });
    case BinaryOp::Le: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) <= A(y); });
    case BinaryOp::Gt: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) > A(y); });
    case BinaryOp::Ge: return run_compare<T>(out, a, b, [](T x, T y) { return A(x) >= A(y); });
    case BinaryOp::LogicalAnd: return run_compare<T>(out, a, b, [truth](T x, T y) { return truth(x) && truth(y); });
    case BinaryOp::LogicalOr: return run_compare<T>(out, a, b, [truth](T x, T y) { return truth(x) || truth(y); });
    case BinaryOp::LogicalXor: return run_compare<T>(out, a, b, [truth](T x, T y) { return truth(x) != truth(y); });
    default: break;
  }
  EMBER_FAIL(Runtime, "compare: unexpected op");
}

}  // namespace

void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const bool is_compare = op >= BinaryOp::Eq && op <= BinaryOp::Ge;
  const bool is_logical = op >= BinaryOp::LogicalAnd && op <= BinaryOp::LogicalXor;
  dispatch_all(a.dtype(), binary_op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (is_compare || is_logical) {
      compare<T>(op, out, a, b);
    } else {
      arithmetic<T>(op, out, a, b, alpha);
    }
  });
}

void nan_to_num_kernel(const Tensor& out, const Tensor& x, double nan, std::optional<double> posinf,
                       std::optional<double> neginf) {
  dispatch_floating(x.dtype(), "nan_to_num", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    // the defaults are the dtype's own extremes (65504 for float16), taken before rounding
    const T big = posinf ? T(A(*posinf)) : std::numeric_limits<T>::max();
    const T low = neginf ? T(A(*neginf)) : std::numeric_limits<T>::lowest();
    const T nv = T(A(nan));
    TensorIterator iter({out, x}, out.sizes());
    iter.for_each([&](char** d, const int64_t* s, int64_t n) {
      unary_loop<T, T>(d, s, n, [=](T v) {
        A a = A(v);
        if (a != a) return nv;
        if (a == std::numeric_limits<A>::infinity()) return big;
        if (a == -std::numeric_limits<A>::infinity()) return low;
        return v;
      });
    });
  });
}

}  // namespace ember::cpu
