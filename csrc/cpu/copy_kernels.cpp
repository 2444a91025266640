#include <algorithm>
#include <cstring>
#include <optional>

#include "cpu/cpu_kernels.h"
#include "cpu/loops.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return static_cast<acc_t<From>>(v) != acc_t<From>(0);
  } else if constexpr (std::is_floating_point_v<acc_t<From>> && std::is_integral_v<To>) {
    // float -> int: through int64 so that out-of-range values wrap like torch instead of UB
    return static_cast<To>(static_cast<int64_t>(static_cast<acc_t<From>>(v)));
  } else {
    return static_cast<To>(static_cast<acc_t<To>>(static_cast<acc_t<From>>(v)));
  }
}
}  // namespace

void copy_kernel(const Tensor& dst, const Tensor& src) {
  if (dst.numel() == 1 && src.numel() == 1) {  // a scalar (a Python number's dtype conversion): no iterator
    dispatch_all(dst.dtype(), "copy_", [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      dispatch_all(src.dtype(), "copy_", [&](auto from_tag) {
        using From = typename decltype(from_tag)::type;
        *reinterpret_cast<To*>(dst.data_ptr()) = convert<To, From>(*reinterpret_cast<const From*>(src.data_ptr()));
      });
    });
    return;
  }
  TensorIterator iter({dst, src}, dst.sizes());
  if (dst.dtype() == src.dtype() && iter.is_contiguous()) {
    const size_t isz = dst.itemsize();
    parallel_for(0, dst.numel(), kGrainSize * 4, [&](int64_t b, int64_t e) {
      std::memmove(dst.data_ptr() + b * isz, src.data_ptr() + b * isz, (e - b) * isz);
    });
    return;
  }
  dispatch_all(dst.dtype(), "copy_", [&](auto to_tag) {
    using To = typename decltype(to_tag)::type;
    dispatch_all(src.dtype(), "copy_", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      iter.for_each([](char** d, const int64_t* s, int64_t n) {
        unary_loop<To, From>(d, s, n, [](From v) { return convert<To, From>(v); });
      });
    });
  });
}

void fill_kernel(const Tensor& dst, const Scalar& value) {
  if (dst.is_contiguous() && value.is_integral() && value.to_int() == 0 && dst.numel() > 0) {
    // zeros: one memset (all-zero bits are 0 in every dtype)
    std::optional<NoGilScope> nogil;
    if (dst.numel() > kGrainSize) nogil.emplace();  // a large memset: let other Python threads run
    std::memset(dst.data_ptr(), 0, static_cast<size_t>(dst.numel()) * dst.itemsize());
    return;
  }
  if (dst.is_contiguous()) {  // the common case (and every 0-d scalar) needs no iterator
    dispatch_all(dst.dtype(), "fill_", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T v = value.to<T>();
      T* out = dst.data<T>();
      parallel_for(0, dst.numel(), kGrainSize * 4, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] = v;
      });
    });
    return;
  }
  TensorIterator iter({dst}, dst.sizes());
  dispatch_all(dst.dtype(), "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    iter.for_each([v](char** d, const int64_t* s, int64_t n) {
      if (s[0] == sizeof(T)) {
        T* out = reinterpret_cast<T*>(d[0]);
        for (int64_t i = 0; i < n; ++i) out[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(d[0] + i * s[0]) = v;
      }
    });
  });
}

void arange_kernel(const Tensor& out, const Scalar& start_value, const Scalar& step_value) {
  if (start_value.is_integral() && step_value.is_integral()) {
    // integer ranges in exact int64 arithmetic
    const int64_t si = start_value.to_int(), sti = step_value.to_int();
    std::optional<NoGilScope> nogil;
    if (out.numel() > kGrainSize) nogil.emplace();  // a long serial fill: let other Python threads run
    dispatch_all(out.dtype(), "arange", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = out.data<T>();
      for (int64_t i = 0; i < out.numel(); ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(si + sti * i));
    });
    return;
  }
  const double start = start_value.to_double(), step = step_value.to_double();
  dispatch_all(out.dtype(), "arange", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    parallel_for(0, out.numel(), kGrainSize, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(static_cast<acc_t<T>>(start + step * static_cast<double>(i)));
    });
  });
}

void linspace_kernel(const Tensor& out, double start, double end) {
  const int64_t n = out.numel();
  const double step = n > 1 ? (end - start) / static_cast<double>(n - 1) : 0.0;
  const int64_t half = n / 2;
  dispatch_all(out.dtype(), "linspace", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    // Fill the first half from the start and the second from the end, as torch does, so
    // both endpoints are exact.
    if (n == 1) {
      p[0] = static_cast<T>(static_cast<acc_t<T>>(start));
      return;
    }
    using A = acc_t<T>;
    if constexpr (std::is_floating_point_v<A>) {
      // torch computes in the dtype itself, every operation rounded to T (float16: the step is a
      // float16), so ember does too: the values then match bit for bit
      auto r = [](A v) { return static_cast<A>(static_cast<T>(v)); };
      const A st = r(static_cast<A>(start)), en = r(static_cast<A>(end));
      const A st_step = r(r(en - st) / r(static_cast<A>(n - 1)));
      for (int64_t i = 0; i < n; ++i) {
        A v = i < half ? st + r(st_step * r(static_cast<A>(i))) : en - r(st_step * r(static_cast<A>(n - 1 - i)));
        p[i] = static_cast<T>(v);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        double v = i < half ? start + step * static_cast<double>(i) : end - step * static_cast<double>(n - 1 - i);
        p[i] = static_cast<T>(static_cast<A>(v));
      }
    }
  });
}

void eye_kernel(const Tensor& out) {
  fill_kernel(out, Scalar(int64_t(0)));
  const int64_t n = out.sizes()[0], m = out.sizes()[1];
  dispatch_all(out.dtype(), "eye", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = static_cast<T>(static_cast<acc_t<T>>(1));
  });
}

// Zeroes the part of every matrix (last two dims) of `t` outside the triangle.
void zero_triangle_kernel(const Tensor& t, int64_t k, bool lower) {
  const int64_t nd = t.dim(), rows = t.sizes()[nd - 2], cols = t.sizes()[nd - 1];
  const int64_t rs = t.strides()[nd - 2], cs = t.strides()[nd - 1];
  const int64_t n = t.numel();
  if (n == 0) return;
  const int64_t batches = n / (rows * cols);
  // a diagonal beyond the matrix acts like one just past its edge; clamping keeps i + k from overflowing
  k = std::clamp<int64_t>(k, -rows - 1, cols + 1);
  const int64_t isz = static_cast<int64_t>(t.itemsize());
  char* base = t.data_ptr();
  parallel_for(0, batches, std::max<int64_t>(1, kGrainSize / (rows * cols)), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      int64_t off = 0, rem = b;  // the batch's element offset from its multi-index
      for (int64_t d = nd - 3; d >= 0; --d) {
        off += (rem % t.sizes()[d]) * t.strides()[d];
        rem /= t.sizes()[d];
      }
      for (int64_t i = 0; i < rows; ++i) {
        // tril keeps j <= i + k; triu keeps j >= i + k
        int64_t c0 = lower ? std::clamp<int64_t>(i + k + 1, 0, cols) : 0;
        int64_t c1 = lower ? cols : std::clamp<int64_t>(i + k, 0, cols);
        char* row = base + (off + i * rs) * isz;
        if (cs == 1) {
          if (c1 > c0) std::memset(row + c0 * isz, 0, (c1 - c0) * isz);
        } else {
          for (int64_t j = c0; j < c1; ++j) std::memset(row + j * cs * isz, 0, isz);
        }
      }
    }
  });
}

Tensor contiguous_copy(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor c = empty(t.sizes(), t.dtype(), t.device());
  copy_kernel(c, t);
  return c;
}

}  // namespace ember::cpu
