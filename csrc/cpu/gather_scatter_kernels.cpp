// gather, the scatter family (scatter, scatter_add, scatter_reduce, index_add/copy/fill/reduce) and
// one_hot.
#include "cpu/cpu_kernels.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

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

// gather along the last dim of a contiguous index (and out): row by row with typed loads. Each
// row's start in self advances like an odometer (no division per row).
// U is an unsigned type of the element's size; M > 0 is the row length known at compile time
// (short rows: their loop unrolls whole), M = 0 a row length read at run time.
template <typename U, typename I, int64_t M = 0>
void gather_rows(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim_size,
                 int64_t dim_stride) {
  const int64_t lead = index.dim() - 1, m = M > 0 ? M : index.sizes()[lead], rows = index.numel() / m;
  const Shape& sizes = index.sizes();
  const Shape& strides = self_view.strides();
  const U* self_base = reinterpret_cast<const U*>(self_view.data_ptr());
  U* dst = reinterpret_cast<U*>(out.data_ptr());
  const I* idx = reinterpret_cast<const I*>(index.data_ptr());
  const uint64_t bound = static_cast<uint64_t>(dim_size);
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / m), [&](int64_t b, int64_t e) {
    std::vector<int64_t> coord(static_cast<size_t>(lead), 0);
    int64_t off = 0;  // self's element offset of row r over the leading dims
    for (int64_t d = lead - 1, rem = b; d >= 0; --d) {
      coord[d] = rem % sizes[d];
      off += coord[d] * strides[d];
      rem /= sizes[d];
    }
    for (int64_t r = b; r < e; ++r) {
      const I* ix = idx + r * m;
      const U* src = self_base + (lead == 1 ? r * strides[0] : off);
      U* o = dst + r * m;
      // four indices per bounds branch (one predictable branch instead of four)
      int64_t j = 0;
      for (; j + 4 <= m; j += 4) {
        const uint64_t u0 = static_cast<uint64_t>(static_cast<int64_t>(ix[j])),
                       u1 = static_cast<uint64_t>(static_cast<int64_t>(ix[j + 1])),
                       u2 = static_cast<uint64_t>(static_cast<int64_t>(ix[j + 2])),
                       u3 = static_cast<uint64_t>(static_cast<int64_t>(ix[j + 3]));
        if ((u0 >= bound) | (u1 >= bound) | (u2 >= bound) | (u3 >= bound)) break;  // the loop below raises
        o[j] = src[static_cast<int64_t>(u0) * dim_stride];
        o[j + 1] = src[static_cast<int64_t>(u1) * dim_stride];
        o[j + 2] = src[static_cast<int64_t>(u2) * dim_stride];
        o[j + 3] = src[static_cast<int64_t>(u3) * dim_stride];
      }
      for (; j < m; ++j) {
        const int64_t v = static_cast<int64_t>(ix[j]);
        if (static_cast<uint64_t>(v) >= bound) {
          EMBER_FAIL(Runtime, "index ", v, " is out of bounds for dimension ", lead, " with size ", dim_size);
        }
        o[j] = src[v * dim_stride];
      }
      for (int64_t d = lead - 1; d >= 0 && lead > 1; --d) {  // next row (a matrix needs no odometer)
        off += strides[d];
        if (++coord[d] < sizes[d]) break;
        off -= strides[d] * sizes[d];
        coord[d] = 0;
      }
    }
  });
}

template <typename U>
void gather_rows_any_index(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim_size,
                           int64_t dim_stride) {
  const bool is64 = index.dtype() == ScalarType::Int64;
  auto run = [&](auto m_tag) {
    constexpr int64_t M = decltype(m_tag)::value;
    if (is64) return gather_rows<U, int64_t, M>(out, self_view, index, dim_size, dim_stride);
    gather_rows<U, int32_t, M>(out, self_view, index, dim_size, dim_stride);
  };
  switch (index.sizes().back()) {
    case 1: return run(std::integral_constant<int64_t, 1>{});
    case 2: return run(std::integral_constant<int64_t, 2>{});
    case 3: return run(std::integral_constant<int64_t, 3>{});
    case 4: return run(std::integral_constant<int64_t, 4>{});
    case 5: return run(std::integral_constant<int64_t, 5>{});
    case 6: return run(std::integral_constant<int64_t, 6>{});
    case 7: return run(std::integral_constant<int64_t, 7>{});
    case 8: return run(std::integral_constant<int64_t, 8>{});
    case 9: return run(std::integral_constant<int64_t, 9>{});
    case 10: return run(std::integral_constant<int64_t, 10>{});
    case 11: return run(std::integral_constant<int64_t, 11>{});
    case 12: return run(std::integral_constant<int64_t, 12>{});
    case 13: return run(std::integral_constant<int64_t, 13>{});
    case 14: return run(std::integral_constant<int64_t, 14>{});
    case 15: return run(std::integral_constant<int64_t, 15>{});
    case 16: return run(std::integral_constant<int64_t, 16>{});
    default: return run(std::integral_constant<int64_t, 0>{});
  }
}

}  // namespace

void gather_kernel(const Tensor& out, const Tensor& self_view, const Tensor& index, int64_t dim,
                   int64_t dim_size, int64_t dim_stride) {
  if (dim == index.dim() - 1 && index.is_contiguous() && out.is_contiguous() && index.sizes().back() > 0) {
    switch (out.itemsize()) {
      case 1: return gather_rows_any_index<uint8_t>(out, self_view, index, dim_size, dim_stride);
      case 2: return gather_rows_any_index<uint16_t>(out, self_view, index, dim_size, dim_stride);
      case 4: return gather_rows_any_index<uint32_t>(out, self_view, index, dim_size, dim_stride);
      default: return gather_rows_any_index<uint64_t>(out, self_view, index, dim_size, dim_stride);
    }
  }
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

void scatter_reduce_kernel(const Tensor& self_rest, const Tensor& src_rest, const Tensor& index_rest, int64_t n,
                           int64_t self_dstride, int64_t src_dstride, int64_t index_dstride, int64_t dim,
                           int64_t dim_size, ScatterOp op, const char* name) {
  if (n == 0 || self_rest.numel() == 0) return;
  TensorIterator it({self_rest, src_rest, index_rest}, self_rest.sizes());
  // every rest position does n updates: split so a thread gets about kGrainSize of them
  const int64_t grain = std::max<int64_t>(1, kGrainSize / n);
  const int64_t ib = index_dstride * 8;
  dispatch_all(self_rest.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const int64_t sb = self_dstride * static_cast<int64_t>(sizeof(T));
    const int64_t rb = src_dstride * static_cast<int64_t>(sizeof(T));
    auto run = [&](auto combine) {
      it.for_each([&](char** d, const int64_t* s, int64_t m) {
        for (int64_t i = 0; i < m; ++i) {
          char* dst = d[0] + i * s[0];
          const char* src = d[1] + i * s[1];
          const char* idx = d[2] + i * s[2];
          for (int64_t j = 0; j < n; ++j) {
            int64_t v = checked_index(idx + j * ib, true, dim, dim_size);
            T* t = reinterpret_cast<T*>(dst + v * sb);
            *t = combine(*t, *reinterpret_cast<const T*>(src + j * rb));
          }
        }
      }, grain);
    };
    if constexpr (std::is_same_v<T, bool>) {
      switch (op) {
        case ScatterOp::Copy: run([](bool, bool b) { return b; }); break;
        case ScatterOp::Add:
        case ScatterOp::Max: run([](bool a, bool b) { return a || b; }); break;
        case ScatterOp::Mul:
        case ScatterOp::Min: run([](bool a, bool b) { return a && b; }); break;
      }
    } else {
      switch (op) {
        case ScatterOp::Copy: run([](T, T b) { return b; }); break;
        case ScatterOp::Add: run([](T a, T b) { return static_cast<T>(static_cast<A>(a) + static_cast<A>(b)); }); break;
        case ScatterOp::Mul: run([](T a, T b) { return static_cast<T>(static_cast<A>(a) * static_cast<A>(b)); }); break;
        // NaN propagates, as torch's amax/amin
        case ScatterOp::Max:
          run([](T a, T b) {
            A x = static_cast<A>(a), y = static_cast<A>(b);
            return (y > x || y != y) && !(x != x) ? b : a;
          });
          break;
        case ScatterOp::Min:
          run([](T a, T b) {
            A x = static_cast<A>(a), y = static_cast<A>(b);
            return (y < x || y != y) && !(x != x) ? b : a;
          });
          break;
      }
    }
  });
}

void one_hot_kernel(const Tensor& out, const Tensor& index) {
  const int64_t n = index.numel(), classes = out.sizes().back();
  const int64_t* p = index.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) {  // every class checked before any write, as torch
    EMBER_CHECK(p[i] >= 0, Runtime, "one_hot: Class values must be non-negative.");
    EMBER_CHECK(p[i] < classes, Runtime, "one_hot: Class values must be smaller than num_classes.");
  }
  int64_t* o = out.data<int64_t>();
  parallel_for(0, n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) o[i * classes + p[i]] = 1;
  });
}

}  // namespace ember::cpu
