// gather / scatter / scatter_add along one dim.
#include "cpu/gather_scatter_kernels.h"

#include <cstring>

#include "cpu/kernels.h"
#include "iter/tensor_iterator.h"

namespace ember::cpu {

namespace {

inline int64_t checked_index(const char* p, bool is64, int64_t dim, int64_t size) {
  int64_t v = is64 ? *reinterpret_cast<const int64_t*>(p) : *reinterpret_cast<const int32_t*>(p);
  EMBER_CHECK(v >= 0 && v < size, Runtime, "index ", v, " is out of bounds for dimension ", dim, " with size ", size);
  return v;
}

template <size_t N>
void gather_bytes(const TensorIterator& it, bool is64, int64_t dim, int64_t dim_size, int64_t bstride) {
  it.for_each([&](char** d, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = checked_index(d[2] + i * s[2], is64, dim, dim_size);
      std::memcpy(d[0] + i * s[0], d[1] + i * s[1] + v * bstride, N);
    }
  });
}

template <size_t N>
void scatter_bytes(const TensorIterator& it, bool is64, int64_t dim, int64_t dim_size, int64_t bstride) {
  it.serial_for_each([&](char** d, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = checked_index(d[2] + i * s[2], is64, dim, dim_size);
      std::memcpy(d[0] + i * s[0] + v * bstride, d[1] + i * s[1], N);
    }
  });
}

}  // namespace

void gather_kernel(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim,
                   int64_t dim_size, int64_t dim_stride) {
  TensorIterator it({out, self_view, index}, index.sizes());
  const bool is64 = index.dtype() == ScalarType::Int64;
  const int64_t bstride = dim_stride * static_cast<int64_t>(out.itemsize());
  switch (out.itemsize()) {
    case 1: gather_bytes<1>(it, is64, dim, dim_size, bstride); break;
    case 2: gather_bytes<2>(it, is64, dim, dim_size, bstride); break;
    case 4: gather_bytes<4>(it, is64, dim, dim_size, bstride); break;
    default: gather_bytes<8>(it, is64, dim, dim_size, bstride); break;
  }
}

void scatter_kernel(const Tensor& self_view, const Tensor& src_view, const Tensor& index, int64_t dim,
                    int64_t dim_size, int64_t dim_stride, bool accumulate) {
  TensorIterator it({self_view, src_view, index}, index.sizes());
  const bool is64 = index.dtype() == ScalarType::Int64;
  const int64_t bstride = dim_stride * static_cast<int64_t>(self_view.itemsize());
  if (!accumulate) {
    switch (self_view.itemsize()) {
      case 1: scatter_bytes<1>(it, is64, dim, dim_size, bstride); break;
      case 2: scatter_bytes<2>(it, is64, dim, dim_size, bstride); break;
      case 4: scatter_bytes<4>(it, is64, dim, dim_size, bstride); break;
      default: scatter_bytes<8>(it, is64, dim, dim_size, bstride); break;
    }
    return;
  }
  dispatch_all(self_view.dtype(), "scatter_add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.serial_for_each([&](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        int64_t v = checked_index(d[2] + i * s[2], is64, dim, dim_size);
        T* dst = reinterpret_cast<T*>(d[0] + i * s[0] + v * bstride);
        T val = *reinterpret_cast<const T*>(d[1] + i * s[1]);
        if constexpr (std::is_same_v<T, bool>) {
          *dst = *dst || val;
        } else {
          *dst = static_cast<T>(static_cast<acc_t<T>>(*dst) + static_cast<acc_t<T>>(val));
        }
      }
    });
  });
}

}  // namespace ember::cpu
