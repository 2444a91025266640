#include <limits>
#include <type_traits>

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

}  // namespace

// One loop per row and dtype: the row's functor (kernels/binary_ops.h) in the compute type.
void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  with_binary_fn(op, [&](auto fn) {
    using Fn = decltype(fn);
    constexpr BinaryKind kind = Fn::kind;
    dispatch_all(a.dtype(), binary_op_name(op), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = acc_t<T>;
      constexpr bool is_bool = std::is_same_v<T, bool>;
      if constexpr (!binary_kind_accepts(kind, !std::is_integral_v<T>, is_bool)) {
        EMBER_FAIL(NotImplemented, binary_op_name(op), ": not implemented for '", dtype_name(a.dtype()), "'");
      } else if constexpr (kind == BinaryKind::Compare) {
        run_loop<bool, T>(out, a, b, [](T x, T y) { return bool(Fn{}(A(x), A(y))); });
      } else if constexpr (Fn::op == BinaryOp::Add || Fn::op == BinaryOp::Sub) {
        // torch's alpha scales the second operand; 1 (the common case) skips the multiply
        if (alpha.to<A>() == A(1)) {
          run_loop<T, T>(out, a, b, [](T x, T y) { return T(Fn{}(A(x), A(y))); });
        } else {
          const A al = alpha.to<A>();
          run_loop<T, T>(out, a, b, [al](T x, T y) { return T(Fn{}(A(x), A(al * A(y)))); });
        }
      } else if (b.dtype() != a.dtype()) {
        // a 16-bit float times or over a float32 scalar kept at its precision (ops/binary.cpp)
        if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
          const A y = *b.data<float>();
          TensorIterator iter({out, a}, out.sizes());
          iter.for_each([&](char** d, const int64_t* s, int64_t n) {
            unary_loop<T, T>(d, s, n, [y](T x) { return T(Fn{}(A(x), y)); });
          });
        } else {
          EMBER_FAIL(Runtime, binary_op_name(op), ": operands of different dtypes ", dtype_name(a.dtype()), " and ",
                     dtype_name(b.dtype()));
        }
      } else {
        run_loop<T, T>(out, a, b, [](T x, T y) { return T(Fn{}(A(x), A(y))); });
      }
    });
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
