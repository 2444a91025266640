#include <cmath>

#include "cpu/kernels.h"
#include "cpu/loops.h"

namespace ember::cpu {

namespace {

template <typename T, typename F>
void run_same_type(const Tensor& out, const Tensor& in, const F& f) {
  TensorIterator iter({out, in}, out.sizes());
  iter.for_each([&](char** d, const int64_t* s, int64_t n) { unary_loop<T, T>(d, s, n, f); });
}

// Floating ops compute in acc_t<T> (float for the 16-bit types).
template <typename T>
void floating_unary(UnaryOp op, const Tensor& out, const Tensor& in) {
  using A = acc_t<T>;
  switch (op) {
    case UnaryOp::Exp: return run_same_type<T>(out, in, [](T x) { return T(std::exp(A(x))); });
    case UnaryOp::Log: return run_same_type<T>(out, in, [](T x) { return T(std::log(A(x))); });
    case UnaryOp::Sqrt: return run_same_type<T>(out, in, [](T x) { return T(std::sqrt(A(x))); });
    case UnaryOp::Sin: return run_same_type<T>(out, in, [](T x) { return T(std::sin(A(x))); });
    case UnaryOp::Cos: return run_same_type<T>(out, in, [](T x) { return T(std::cos(A(x))); });
    case UnaryOp::Tanh: return run_same_type<T>(out, in, [](T x) { return T(std::tanh(A(x))); });
    case UnaryOp::Sigmoid:
      return run_same_type<T>(out, in, [](T x) { return T(A(1) / (A(1) + std::exp(-A(x)))); });
    default: break;
  }
  EMBER_FAIL(Runtime, "unary_kernel: unexpected floating op");
}

}  // namespace

void unary_kernel(UnaryOp op, const Tensor& out, const Tensor& in) {
  switch (op) {
    case UnaryOp::Neg:
      return dispatch_all(in.dtype(), "neg", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(Runtime, "neg: negation, the `-` operator, on a bool tensor is not supported");
        } else {
          run_same_type<T>(out, in, [](T x) { return T(-acc_t<T>(x)); });
        }
      });
    case UnaryOp::Abs:
      return dispatch_all(in.dtype(), "abs", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(NotImplemented, "abs: not implemented for 'Bool'");
        } else if constexpr (std::is_same_v<T, uint8_t>) {
          run_same_type<T>(out, in, [](T x) { return x; });
        } else {
          run_same_type<T>(out, in, [](T x) {
            acc_t<T> v = x;
            return T(v < acc_t<T>(0) ? -v : v);
          });
        }
      });
    case UnaryOp::Relu:
      return dispatch_all(in.dtype(), "relu", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(Runtime, "relu: \"clamp_min_scalar_cpu\" not implemented for 'Bool'");
        } else {
          // NaN propagates: (x > 0) is false for NaN, so test "x < 0" instead
          run_same_type<T>(out, in, [](T x) { return acc_t<T>(x) < acc_t<T>(0) ? T(acc_t<T>(0)) : x; });
        }
      });
    case UnaryOp::LogicalNot:
      return dispatch_all(in.dtype(), "logical_not", [&](auto tag) {
        using T = typename decltype(tag)::type;
        TensorIterator iter({out, in}, out.sizes());
        iter.for_each([](char** d, const int64_t* s, int64_t n) {
          unary_loop<bool, T>(d, s, n, [](T x) { return !(acc_t<T>(x) != acc_t<T>(0)); });
        });
      });
    case UnaryOp::BitwiseNot:
      return dispatch_all(in.dtype(), "bitwise_not", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          run_same_type<T>(out, in, [](T x) { return !x; });
        } else if constexpr (std::is_integral_v<T>) {
          run_same_type<T>(out, in, [](T x) { return T(~x); });
        } else {
          EMBER_FAIL(NotImplemented, "bitwise_not: not implemented for floating dtype ", dtype_name(in.dtype()));
        }
      });
    default:
      return dispatch_floating(in.dtype(), "unary", [&](auto tag) {
        using T = typename decltype(tag)::type;
        floating_unary<T>(op, out, in);
      });
  }
}

void clamp_kernel(const Tensor& out, const Tensor& x, const Tensor* lo, const Tensor* hi) {
  dispatch_all(out.dtype(), "clamp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    // NaN in x propagates; a NaN bound makes the result NaN, as in torch.
    auto clamp_lo = [](A v, A l) { return (v != v) ? v : (l != l ? l : (v < l ? l : v)); };
    auto clamp_hi = [](A v, A h) { return (v != v) ? v : (h != h ? h : (v > h ? h : v)); };
    if (lo && hi) {
      TensorIterator iter({out, x, *lo, *hi}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        ternary_loop<T, T, T, T>(d, s, n, [&](T v, T l, T h) { return T(clamp_hi(clamp_lo(A(v), A(l)), A(h))); });
      });
    } else if (lo) {
      TensorIterator iter({out, x, *lo}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        binary_loop<T, T>(d, s, n, [&](T v, T l) { return T(clamp_lo(A(v), A(l))); });
      });
    } else {
      TensorIterator iter({out, x, *hi}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        binary_loop<T, T>(d, s, n, [&](T v, T h) { return T(clamp_hi(A(v), A(h))); });
      });
    }
  });
}

void where_kernel(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  dispatch_all(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    TensorIterator iter({out, cond, a, b}, out.sizes());
    iter.for_each([](char** d, const int64_t* s, int64_t n) {
      ternary_loop<T, bool, T, T>(d, s, n, [](bool c, T x, T y) { return c ? x : y; });
    });
  });
}

}  // namespace ember::cpu
