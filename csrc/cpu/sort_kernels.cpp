#include "cpu/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/half.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {

// ---- order-preserving unsigned keys: comparing keys compares values the way torch sorts ----
// Floats: NaN is the largest, -0.0 equals 0.0. Integers: the sign bit flipped.

inline uint32_t float_key(float f) {
  if (f != f) return 0xFFFFFFFFu;
  if (f == 0.f) return 0x80000000u;
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

inline uint64_t double_key(double f) {
  if (f != f) return ~uint64_t(0);
  if (f == 0.0) return uint64_t(1) << 63;
  uint64_t u;
  std::memcpy(&u, &f, 8);
  return (u >> 63) ? ~u : (u | (uint64_t(1) << 63));
}

template <typename T>
struct KeyOf {
  static_assert(std::is_integral_v<T>);
  using K = std::make_unsigned_t<T>;
  static K get(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return static_cast<K>(v);
    } else if constexpr (std::is_signed_v<T>) {
      return static_cast<K>(static_cast<K>(v) ^ (K(1) << (sizeof(T) * 8 - 1)));
    } else {
      return v;
    }
  }
};
template <>
struct KeyOf<bool> {
  using K = uint8_t;
  static K get(bool v) { return v ? 1 : 0; }
};
template <>
struct KeyOf<float> {
  using K = uint32_t;
  static K get(float v) { return float_key(v); }
};
template <>
struct KeyOf<Half> {
  using K = uint32_t;
  static K get(Half v) { return float_key(static_cast<float>(v)); }
};
template <>
struct KeyOf<BFloat16> {
  using K = uint32_t;
  static K get(BFloat16 v) { return float_key(static_cast<float>(v)); }
};
template <>
struct KeyOf<double> {
  using K = uint64_t;
  static K get(double v) { return double_key(v); }
};

template <typename K>
struct Item {
  K key;
  uint32_t idx;
};

// (key, index) order: ties keep the original order, so any sort with it is stable.
template <typename K>
inline bool item_less(const Item<K>& a, const Item<K>& b) {
  return a.key < b.key || (a.key == b.key && a.idx < b.idx);
}

template <typename T>
inline bool is_nan_value(T v) {
  if constexpr (std::is_floating_point_v<acc_t<T>>) {
    auto a = static_cast<acc_t<T>>(v);
    return a != a;
  } else {
    return false;
  }
}

// Fills items with the keys of one row (inverted for a descending order).
template <typename T, typename K>
void load_row(Item<K>* items, const T* row, int64_t n, bool invert) {
  for (int64_t i = 0; i < n; ++i) {
    K k = KeyOf<T>::get(row[i]);
    items[i] = {invert ? static_cast<K>(~k) : k, static_cast<uint32_t>(i)};
  }
}

// LSD radix sort on the key bytes (stable), skipping bytes every key shares.
template <typename K>
void radix_sort(Item<K>* a, Item<K>* tmp, int64_t n) {
  constexpr int kBytes = sizeof(K);
  std::vector<int64_t> hist(static_cast<size_t>(kBytes) * 256, 0);
  for (int64_t i = 0; i < n; ++i) {
    K k = a[i].key;
    for (int b = 0; b < kBytes; ++b) ++hist[b * 256 + ((k >> (8 * b)) & 0xFF)];
  }
  Item<K>* src = a;
  Item<K>* dst = tmp;
  for (int b = 0; b < kBytes; ++b) {
    int64_t* h = hist.data() + b * 256;
    bool trivial = false;
    for (int d = 0; d < 256; ++d) {
      if (h[d] == n) trivial = true;
    }
    if (trivial) continue;
    int64_t pos = 0;
    for (int d = 0; d < 256; ++d) {
      int64_t c = h[d];
      h[d] = pos;
      pos += c;
    }
    const int shift = 8 * b;
    for (int64_t i = 0; i < n; ++i) {
      const Item<K>& it = src[i];
      dst[h[(it.key >> shift) & 0xFF]++] = it;
    }
    std::swap(src, dst);
  }
  if (src != a) std::memcpy(static_cast<void*>(a), src, static_cast<size_t>(n) * sizeof(Item<K>));
}

template <typename K>
void sort_items(Item<K>* a, Item<K>* tmp, int64_t n) {
  if (n < 256) {
    std::sort(a, a + n, item_less<K>);
  } else {
    radix_sort(a, tmp, n);
  }
}

void check_row_length(int64_t n, const char* op) {
  EMBER_CHECK(n < (int64_t(1) << 32), NotImplemented, op, ": dims of 2^32 or more elements are not supported");
}

// Rows of `in`: (count, length).
void rows_of(const Tensor& in, int64_t& rows, int64_t& n) {
  n = in.dim() == 0 ? 1 : in.sizes().back();
  rows = n == 0 ? 0 : in.numel() / n;
}

}  // namespace

void sort_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, bool descending) {
  int64_t rows, n;
  rows_of(in, rows, n);
  if (rows == 0) return;
  check_row_length(n, "sort");
  dispatch_all(in.dtype(), "sort", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = typename KeyOf<T>::K;
    const T* src = in.data<T>();
    T* vout = values.data<T>();
    int64_t* iout = indices.data<int64_t>();
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1));
    parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
      std::vector<Item<K>> items(n), tmp(n);
      for (int64_t r = b; r < e; ++r) {
        const T* row = src + r * n;
        load_row(items.data(), row, n, descending);
        sort_items(items.data(), tmp.data(), n);
        T* vo = vout + r * n;
        int64_t* io = iout + r * n;
        for (int64_t j = 0; j < n; ++j) {
          vo[j] = row[items[j].idx];
          io[j] = items[j].idx;
        }
      }
    });
  });
}

void topk_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t k, bool largest,
                 bool sorted) {
  int64_t rows, n;
  rows_of(in, rows, n);
  if (rows == 0 || k == 0) return;
  check_row_length(n, "topk");
  dispatch_all(in.dtype(), "topk", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = typename KeyOf<T>::K;
    const T* src = in.data<T>();
    T* vout = values.data<T>();
    int64_t* iout = indices.data<int64_t>();
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1));
    // small k: one pass that keeps candidates better than the current k-th best in a buffer,
    // trimmed to the best k whenever it fills (a few trims for random data)
    const bool filter = k * 16 <= n;
    parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
      std::vector<Item<K>> items(filter ? std::max<int64_t>(2 * k, 32) : n);
      for (int64_t r = b; r < e; ++r) {
        const T* row = src + r * n;
        // the k smallest keys: inverted keys give the k largest values (NaN counts as largest)
        if (filter) {
          const int64_t cap = static_cast<int64_t>(items.size());
          int64_t used = 0;
          bool have_bound = false;
          using A = acc_t<T>;
          A bound{};  // the k-th best value so far, compared as values (cheaper than keys)
          bool bound_nan = false;
          for (int64_t i = 0; i < n; ++i) {
            const A v = static_cast<A>(row[i]);
            if (have_bound) {
              // skip what is no better than the bound (ties: the later index loses); NaN is the largest
              const bool nan = v != v;
              const bool better = largest ? (nan ? !bound_nan : v > bound) : (!nan && (bound_nan || v < bound));
              if (!better) continue;
            }
            K key = KeyOf<T>::get(row[i]);
            if (largest) key = static_cast<K>(~key);
            items[used++] = {key, static_cast<uint32_t>(i)};
            if (used == cap) {
              std::nth_element(items.begin(), items.begin() + (k - 1), items.begin() + used, item_less<K>);
              used = k;
              bound = static_cast<A>(row[items[k - 1].idx]);
              bound_nan = bound != bound;
              have_bound = true;
            }
          }
          if (used > k) std::nth_element(items.begin(), items.begin() + k, items.begin() + used, item_less<K>);
        } else {
          load_row(items.data(), row, n, largest);
          if (k < n) std::nth_element(items.begin(), items.begin() + k, items.end(), item_less<K>);
        }
        if (sorted) std::sort(items.begin(), items.begin() + k, item_less<K>);
        T* vo = vout + r * k;
        int64_t* io = iout + r * k;
        for (int64_t j = 0; j < k; ++j) {
          vo[j] = row[items[j].idx];
          io[j] = items[j].idx;
        }
      }
    });
  });
}

void select_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, SelectKind kind, int64_t k) {
  int64_t rows, n;
  rows_of(in, rows, n);
  if (rows == 0) return;
  check_row_length(n, "select");
  dispatch_all(in.dtype(), "select", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = typename KeyOf<T>::K;
    const T* src = in.data<T>();
    T* vout = values.data<T>();
    int64_t* iout = indices.data<int64_t>();
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1));
    parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
      std::vector<Item<K>> items(n), tmp(n);
      for (int64_t r = b; r < e; ++r) {
        const T* row = src + r * n;
        int64_t pick = -1;
        if (kind == SelectKind::Median) {
          for (int64_t i = 0; i < n; ++i) {
            if (is_nan_value(row[i])) {
              pick = i;  // a NaN anywhere makes the median NaN
              break;
            }
          }
        }
        if (pick < 0) {
          load_row(items.data(), row, n, false);
          if (kind == SelectKind::Mode) {
            // the longest run of equal keys; ties go to the smallest value, its last position
            sort_items(items.data(), tmp.data(), n);
            int64_t best = 0, best_len = 0;
            for (int64_t i = 0; i < n;) {
              int64_t j = i;
              while (j + 1 < n && items[j + 1].key == items[i].key) ++j;
              if (j - i + 1 > best_len) {
                best_len = j - i + 1;
                best = j;
              }
              i = j + 1;
            }
            pick = items[best].idx;
          } else {
            int64_t kk = k;  // 0-based rank
            if (kind == SelectKind::Median) kk = (n - 1) / 2;
            if (kind == SelectKind::NanMedian) {
              int64_t valid = 0;
              for (int64_t i = 0; i < n; ++i) valid += is_nan_value(row[i]) ? 0 : 1;
              kk = valid == 0 ? 0 : (valid - 1) / 2;  // NaNs sort last: rank among the others
            }
            std::nth_element(items.begin(), items.begin() + kk, items.end(), item_less<K>);
            pick = items[kk].idx;
          }
        }
        vout[r] = row[pick];
        iout[r] = pick;
      }
    });
  });
}

std::tuple<Tensor, Tensor, Tensor> unique_kernel(const Tensor& flat, bool consecutive, bool want_inverse,
                                                 bool want_counts) {
  const int64_t n = flat.numel();
  check_row_length(n, "unique");
  return dispatch_all(flat.dtype(), "unique", [&](auto tag) -> std::tuple<Tensor, Tensor, Tensor> {
    using T = typename decltype(tag)::type;
    using K = typename KeyOf<T>::K;
    using A = acc_t<T>;
    const T* src = flat.data<T>();
    // the order to walk: sorted (stable), or as given for unique_consecutive
    std::vector<uint32_t> order(n);
    if (consecutive) {
      for (int64_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    } else {
      std::vector<Item<K>> items(n), tmp(n);
      load_row(items.data(), src, n, false);
      sort_items(items.data(), tmp.data(), n);
      for (int64_t i = 0; i < n; ++i) order[i] = items[i].idx;
    }
    // groups of equal values (==: NaNs stay apart, -0.0 joins 0.0)
    std::vector<int64_t> starts;
    for (int64_t i = 0; i < n; ++i) {
      if (i == 0 || !(static_cast<A>(src[order[i]]) == static_cast<A>(src[order[i - 1]]))) starts.push_back(i);
    }
    const int64_t g = static_cast<int64_t>(starts.size());
    Tensor out = empty(Shape{g}, flat.dtype(), flat.device());
    T* o = out.data<T>();
    for (int64_t j = 0; j < g; ++j) o[j] = src[order[starts[j]]];
    Tensor inverse, counts;
    if (want_inverse) {
      inverse = empty(Shape{n}, ScalarType::Int64, flat.device());
      int64_t* inv = inverse.data<int64_t>();
      for (int64_t j = 0; j < g; ++j) {
        int64_t end = j + 1 < g ? starts[j + 1] : n;
        for (int64_t i = starts[j]; i < end; ++i) inv[order[i]] = j;
      }
    }
    if (want_counts) {
      counts = empty(Shape{g}, ScalarType::Int64, flat.device());
      int64_t* c = counts.data<int64_t>();
      for (int64_t j = 0; j < g; ++j) c[j] = (j + 1 < g ? starts[j + 1] : n) - starts[j];
    }
    return {out, inverse, counts};
  });
}

void unique_rows_kernel(const Tensor& rows, bool consecutive, std::vector<int64_t>& firsts,
                        std::vector<int64_t>& inverse, std::vector<int64_t>& counts) {
  const int64_t n = rows.sizes()[0];
  const int64_t m = rows.numel() == 0 ? (rows.dim() > 1 ? rows.sizes()[1] : 0) : rows.numel() / n;
  dispatch_all(rows.dtype(), "unique", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* src = rows.data<T>();
    auto less = [&](int64_t a, int64_t b) {
      for (int64_t j = 0; j < m; ++j) {
        auto ka = KeyOf<T>::get(src[a * m + j]), kb = KeyOf<T>::get(src[b * m + j]);
        if (ka != kb) return ka < kb;
      }
      return false;
    };
    auto equal = [&](int64_t a, int64_t b) {
      for (int64_t j = 0; j < m; ++j) {
        if (!(static_cast<A>(src[a * m + j]) == static_cast<A>(src[b * m + j]))) return false;
      }
      return true;
    };
    std::vector<int64_t> order(n);
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    if (!consecutive) std::stable_sort(order.begin(), order.end(), less);
    inverse.assign(n, 0);
    firsts.clear();
    counts.clear();
    for (int64_t i = 0; i < n; ++i) {
      if (i == 0 || !equal(order[i], order[i - 1])) {
        firsts.push_back(order[i]);
        counts.push_back(0);
      }
      ++counts.back();
      inverse[order[i]] = static_cast<int64_t>(firsts.size()) - 1;
    }
  });
}

void bincount_kernel(const Tensor& out, const Tensor& in, const Tensor& weights) {
  const int64_t n = in.numel();
  dispatch_all(in.dtype(), "bincount", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      const T* x = in.data<T>();
      if (!weights.defined()) {
        int64_t* o = out.data<int64_t>();
        for (int64_t i = 0; i < n; ++i) ++o[static_cast<int64_t>(x[i])];
        return;
      }
      const double* w = weights.data<double>();
      dispatch_floating(out.dtype(), "bincount", [&](auto otag) {
        using O = typename decltype(otag)::type;
        O* o = out.data<O>();
        if constexpr (std::is_same_v<O, double> || std::is_same_v<O, float>) {
          for (int64_t i = 0; i < n; ++i) o[static_cast<int64_t>(x[i])] += static_cast<O>(w[i]);
        } else {
          EMBER_FAIL(NotImplemented, "bincount: weights result dtype ", dtype_name(out.dtype()));
        }
      });
    } else {
      EMBER_FAIL(NotImplemented, "\"bincount_cpu\" not implemented for '", dtype_name(in.dtype()), "'");
    }
  });
}

void histc_kernel(const Tensor& out, const Tensor& in, double lo, double hi) {
  const int64_t n = in.numel();
  const int64_t bins = out.numel();
  dispatch_floating(in.dtype(), "histc", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const T* x = in.data<T>();
    // each step rounded to T, as torch's scalar arithmetic on 16-bit floats does
    auto rt = [](A a) { return static_cast<A>(static_cast<T>(a)); };
    const A first = rt(static_cast<A>(lo)), last = rt(static_cast<A>(hi));
    const A width = rt(last - first);
    std::vector<double> counts(bins, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      A v = static_cast<A>(x[i]);
      if (!(v >= first && v <= last)) continue;  // outside the range, or NaN
      int64_t b = static_cast<int64_t>(rt(rt(rt(v - first) * static_cast<A>(bins)) / width));
      b = std::min(std::max<int64_t>(b, 0), bins - 1);  // the right edge belongs to the last bin
      counts[b] += 1.0;
    }
    T* o = out.data<T>();
    for (int64_t b = 0; b < bins; ++b) o[b] = static_cast<T>(static_cast<A>(counts[b]));
  });
}

}  // namespace ember::cpu
