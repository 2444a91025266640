#include <cstring>

#include "cpu/kernels.h"
#include "cpu/loops.h"

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

void arange_kernel(const Tensor& out, double start, double step) {
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

}  // namespace ember::cpu
