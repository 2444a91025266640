// Advanced indexing (x[idx], x[mask], index_put_), take, nonzero, and the index checks and counts
// the index ops need. The op layer (ops/index.cpp) plans the geometry; these kernels read and
// write the values.
#include <cstring>
#include <type_traits>

#include "cpu/cpu_kernels.h"

namespace ember::cpu {

namespace {

template <size_t N>
inline void move_bytes(char* dst, const char* src) {
  std::memcpy(dst, src, N);
}

// Calls f(std::integral_constant<size_t, itemsize>): a copy of N bytes is a typed load and store.
template <typename F>
void with_item_size(size_t itemsize, F&& f) {
  switch (itemsize) {
    case 1: return f(std::integral_constant<size_t, 1>{});
    case 2: return f(std::integral_constant<size_t, 2>{});
    case 4: return f(std::integral_constant<size_t, 4>{});
    default: return f(std::integral_constant<size_t, 8>{});
  }
}

}  // namespace

void index_offsets_kernel(const Tensor& offsets, const Tensor& index, int64_t size, int64_t byte_stride, int64_t dim) {
  TensorIterator it({offsets, index}, offsets.sizes());
  it.for_each([&](char** dp, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      const int64_t v = *reinterpret_cast<const int64_t*>(dp[1] + i * s[1]);
      EMBER_CHECK(v >= -size && v < size, Index, "index ", v, " is out of bounds for dimension ", dim, " with size ",
                  size);
      *reinterpret_cast<int64_t*>(dp[0] + i * s[0]) += (v < 0 ? v + size : v) * byte_stride;
    }
  });
}

void index_gather_kernel(const Tensor& out, const Tensor& src, const Tensor& offsets) {
  TensorIterator iter({out, src, offsets}, offsets.sizes());
  with_item_size(out.itemsize(), [&](auto size_tag) {
    constexpr size_t N = decltype(size_tag)::value;
    iter.for_each([&](char** d, const int64_t* s, int64_t n) {
      if (s[2] == 0 && s[0] == static_cast<int64_t>(N) && s[1] == static_cast<int64_t>(N)) {
        // a dense run of the remaining dims: one copy
        std::memcpy(d[0], d[1] + *reinterpret_cast<const int64_t*>(d[2]), n * N);
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        move_bytes<N>(d[0] + i * s[0], d[1] + i * s[1] + *reinterpret_cast<const int64_t*>(d[2] + i * s[2]));
      }
    });
  });
}

void index_scatter_kernel(const Tensor& dst, const Tensor& values, const Tensor& offsets, bool accumulate) {
  TensorIterator iter({dst, values, offsets}, offsets.sizes());
  if (!accumulate) {
    // serial: with repeated indices one write wins (torch leaves which one unspecified)
    with_item_size(dst.itemsize(), [&](auto size_tag) {
      constexpr size_t N = decltype(size_tag)::value;
      iter.serial_for_each([&](char** d, const int64_t* s, int64_t n) {
        if (s[2] == 0 && s[0] == static_cast<int64_t>(N) && s[1] == static_cast<int64_t>(N)) {
          std::memmove(d[0] + *reinterpret_cast<const int64_t*>(d[2]), d[1], n * N);
          return;
        }
        for (int64_t i = 0; i < n; ++i) {
          move_bytes<N>(d[0] + i * s[0] + *reinterpret_cast<const int64_t*>(d[2] + i * s[2]), d[1] + i * s[1]);
        }
      });
    });
    return;
  }
  // serial too: repeated indices accumulate in index order, the same sum for any thread count
  dispatch_all(dst.dtype(), "index_put_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    iter.serial_for_each([&](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        T* out = reinterpret_cast<T*>(d[0] + i * s[0] + *reinterpret_cast<const int64_t*>(d[2] + i * s[2]));
        const T val = *reinterpret_cast<const T*>(d[1] + i * s[1]);
        if constexpr (std::is_same_v<T, bool>) {
          *out = *out || val;
        } else {
          *out = static_cast<T>(static_cast<acc_t<T>>(*out) + static_cast<acc_t<T>>(val));
        }
      }
    });
  });
}

Tensor mask_offsets_kernel(const Tensor& x, const Tensor& mask, int64_t dim) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(mask.data_ptr());  // contiguous; bool and uint8 are one byte
  const int64_t n = mask.numel(), k = mask.dim();
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += p[i] != 0;
  Tensor buf = empty(Shape{count + 1}, ScalarType::Int64, mask.device());  // a spare slot for the branch-free store
  int64_t* o = buf.data<int64_t>();
  std::vector<int64_t> idx(k, 0), bstride(k), size(k);
  for (int64_t j = 0; j < k; ++j) {
    bstride[j] = x.strides()[dim + j] * static_cast<int64_t>(x.itemsize());
    size[j] = x.sizes()[dim + j];
  }
  int64_t cur = 0;
  for (int64_t i = 0; i < n; ++i) {
    *o = cur;  // kept only when the mask is set: no branch to mispredict on random masks
    o += p[i] != 0;
    for (int64_t j = k - 1; j >= 0; --j) {
      cur += bstride[j];
      if (++idx[j] < size[j]) break;
      cur -= idx[j] * bstride[j];
      idx[j] = 0;
    }
  }
  return make_tensor(buf.storage(), 0, Shape{count}, Shape{1}, ScalarType::Int64);
}

Tensor nonzero_kernel(const Tensor& x) {
  const int64_t nd = x.dim();
  std::vector<int64_t> hits;
  dispatch_all(x.dtype(), "nonzero", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = x.data<T>();  // contiguous
    auto nz = [](T v) { return static_cast<acc_t<T>>(v) != acc_t<T>(0); };
    const int64_t n = x.numel();
    constexpr int64_t kBlock = 64;
    int64_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
      // test a whole block first (the compiler vectorizes this): sparse inputs skip most elements
      bool any = false;
      for (int64_t j = 0; j < kBlock; ++j) any |= nz(p[i + j]);
      if (!any) continue;
      for (int64_t j = 0; j < kBlock; ++j) {
        if (nz(p[i + j])) hits.push_back(i + j);
      }
    }
    for (; i < n; ++i) {
      if (nz(p[i])) hits.push_back(i);
    }
  });
  const int64_t n = static_cast<int64_t>(hits.size());
  Tensor out = empty(Shape{n, nd}, ScalarType::Int64, x.device());
  int64_t* o = out.data<int64_t>();
  for (int64_t r = 0; r < n; ++r) {
    int64_t flat = hits[r];
    for (int64_t d = nd - 1; d >= 0; --d) {
      o[r * nd + d] = flat % x.sizes()[d];
      flat /= x.sizes()[d];
    }
  }
  return out;
}

bool first_bad_index_kernel(const Tensor& index, int64_t lo, int64_t hi, int64_t& bad) {
  const int64_t* p = index.data<int64_t>();  // contiguous int64
  for (int64_t i = 0; i < index.numel(); ++i) {
    if (p[i] < lo || p[i] >= hi) {
      bad = p[i];
      return true;
    }
  }
  return false;
}

void take_kernel(const Tensor& out, const Tensor& x, const Tensor& index) {
  const int64_t n = index.numel(), numel = x.numel();
  const int64_t* idx = index.data<int64_t>();  // out, x and index contiguous
  with_item_size(x.itemsize(), [&](auto size_tag) {
    constexpr size_t N = decltype(size_tag)::value;
    const char* src = static_cast<const char*>(x.data_ptr());
    char* dst = static_cast<char*>(out.data_ptr());
    parallel_for(0, n, kGrainSize, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t v = idx[i];
        EMBER_CHECK(v >= -numel && v < numel, Index, "out of range: tried to access index ", v, " on a tensor of ",
                    numel, " elements.");
        move_bytes<N>(dst + i * int64_t(N), src + (v < 0 ? v + numel : v) * int64_t(N));
      }
    });
  });
}

int64_t count_true_kernel(const Tensor& mask) {
  const bool* p = mask.data<bool>();  // contiguous
  int64_t count = 0;
  for (int64_t i = 0; i < mask.numel(); ++i) count += p[i];
  return count;
}

Tensor repeat_index_kernel(const Tensor& repeats) {
  const int64_t* rp = repeats.data<int64_t>();  // contiguous int64
  int64_t total = 0;
  for (int64_t i = 0; i < repeats.numel(); ++i) {
    EMBER_CHECK(rp[i] >= 0, Runtime, "repeats can not be negative");
    EMBER_CHECK(!__builtin_add_overflow(total, rp[i], &total), Runtime,
                "repeat_interleave: the sum of repeats overflows int64");
  }
  Tensor out = empty(Shape{total}, ScalarType::Int64, repeats.device());
  int64_t* op = out.data<int64_t>();
  for (int64_t i = 0, at = 0; i < repeats.numel(); ++i) {
    for (int64_t j = 0; j < rp[i]; ++j) op[at++] = i;
  }
  return out;
}

bool all_true_kernel(const Tensor& t) {
  const bool* p = t.data<bool>();  // contiguous
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (!p[i]) return false;
  }
  return true;
}

}  // namespace ember::cpu
