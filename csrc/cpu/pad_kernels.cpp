// Reflect / replicate / circular padding as an index mapping: every output row (b, d, h) reads
// one input row; within the row, the run where the map is the identity shifted is a memcpy and
// only the padded edges go through the index map.
#include "cpu/cpu_kernels.h"

#include <cstring>

#include "core/dtype.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {

// The longest stretch [begin, begin + len) of `map` where map[o + 1] == map[o] + 1.
std::pair<int64_t, int64_t> sequential_run(const std::vector<int64_t>& map) {
  int64_t best_b = 0, best_len = 0, b = 0;
  const int64_t n = static_cast<int64_t>(map.size());
  for (int64_t o = 1; o <= n; ++o) {
    if (o == n || map[o] != map[o - 1] + 1) {
      if (o - b > best_len) {
        best_len = o - b;
        best_b = b;
      }
      b = o;
    }
  }
  return {best_b, best_len};
}

template <size_t N>
void gather_rows(char* out, const char* in, const Shape& in_sizes, const Shape& out_sizes, const PadMaps& maps) {
  const int64_t B = out_sizes[0], Do = out_sizes[1], Ho = out_sizes[2], Wo = out_sizes[3];
  const int64_t D = in_sizes[1], H = in_sizes[2], W = in_sizes[3];
  const auto [run_b, run_len] = sequential_run(maps[2]);
  const int64_t* mw = maps[2].data();
  const int64_t rows = B * Do * Ho;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(Wo, 1));
  parallel_for(0, rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t h = r % Ho, d = (r / Ho) % Do, b = r / (Ho * Do);
      const char* src = in + ((b * D + maps[0][d]) * H + maps[1][h]) * W * N;
      char* dst = out + r * Wo * N;
      for (int64_t w = 0; w < run_b; ++w) std::memcpy(dst + w * N, src + mw[w] * N, N);
      if (run_len > 0) std::memcpy(dst + run_b * N, src + mw[run_b] * N, run_len * N);
      for (int64_t w = run_b + run_len; w < Wo; ++w) std::memcpy(dst + w * N, src + mw[w] * N, N);
    }
  });
}

// U: an unsigned integer as wide as the dtype (padding only moves bytes).
template <typename U>
void constant_rows(const Tensor& out, const Tensor& in, const std::array<std::pair<int64_t, int64_t>, 3>& pads,
                   U v) {
  const Shape& is = in.sizes();
  const Shape& os = out.sizes();
  const int64_t D = is[1], H = is[2], W = is[3], Do = os[1], Ho = os[2], Wo = os[3];
  const auto [ld, rd] = pads[0];
  const auto [lh, rh] = pads[1];
  const auto [lw, rw] = pads[2];
  (void)rd;
  (void)rh;
  const int64_t w0 = std::max<int64_t>(lw, 0), src0 = std::max<int64_t>(-lw, 0);
  const int64_t len = std::max<int64_t>(W - src0 - std::max<int64_t>(-rw, 0), 0);
  U* o = out.data<U>();
  const U* x = in.data<U>();
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(Wo, 1));
  parallel_for(0, os[0] * Do * Ho, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t h = r % Ho, d = (r / Ho) % Do, b = r / (Ho * Do);
      const int64_t ih = h - lh, id = d - ld;
      U* dst = o + r * Wo;
      if (ih < 0 || ih >= H || id < 0 || id >= D || len == 0) {
        for (int64_t w = 0; w < Wo; ++w) dst[w] = v;
        continue;
      }
      const U* src = x + ((b * D + id) * H + ih) * W + src0;
      for (int64_t w = 0; w < w0; ++w) dst[w] = v;
      std::memcpy(dst + w0, src, len * sizeof(U));
      for (int64_t w = w0 + len; w < Wo; ++w) dst[w] = v;
    }
  });
}

template <typename U>
U bits_of(const Tensor& value) {
  U v;
  std::memcpy(&v, value.data_ptr(), sizeof(U));
  return v;
}

}  // namespace

void constant_pad_kernel(const Tensor& out, const Tensor& in, const std::array<std::pair<int64_t, int64_t>, 3>& pads,
                         const Tensor& value) {
  if (out.numel() == 0) return;
  switch (out.itemsize()) {
    case 1: constant_rows<uint8_t>(out, in, pads, bits_of<uint8_t>(value)); break;
    case 2: constant_rows<uint16_t>(out, in, pads, bits_of<uint16_t>(value)); break;
    case 4: constant_rows<uint32_t>(out, in, pads, bits_of<uint32_t>(value)); break;
    default: constant_rows<uint64_t>(out, in, pads, bits_of<uint64_t>(value)); break;
  }
}

void pad_gather_kernel(const Tensor& out, const Tensor& in, const PadMaps& maps) {
  if (out.numel() == 0) return;
  switch (out.itemsize()) {
    case 1: gather_rows<1>(out.data_ptr(), in.data_ptr(), in.sizes(), out.sizes(), maps); break;
    case 2: gather_rows<2>(out.data_ptr(), in.data_ptr(), in.sizes(), out.sizes(), maps); break;
    case 4: gather_rows<4>(out.data_ptr(), in.data_ptr(), in.sizes(), out.sizes(), maps); break;
    default: gather_rows<8>(out.data_ptr(), in.data_ptr(), in.sizes(), out.sizes(), maps); break;
  }
}

void pad_scatter_add_kernel(const Tensor& grad_in, const Tensor& grad_out, const PadMaps& maps) {
  if (grad_out.numel() == 0) return;
  const Shape& os = grad_out.sizes();
  const Shape& is = grad_in.sizes();
  const int64_t B = os[0], Do = os[1], Ho = os[2], Wo = os[3];
  const int64_t D = is[1], H = is[2], W = is[3];
  dispatch_floating(grad_in.dtype(), "pad backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    T* gi = grad_in.data<T>();
    const T* go = grad_out.data<T>();
    const int64_t* mw = maps[2].data();
    // output rows of one batch may share an input row: batches are the unit of parallel work
    const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(Do * Ho * Wo, 1));
    parallel_for(0, B, grain, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        for (int64_t d = 0; d < Do; ++d) {
          for (int64_t h = 0; h < Ho; ++h) {
            T* dst = gi + ((b * D + maps[0][d]) * H + maps[1][h]) * W;
            const T* src = go + ((b * Do + d) * Ho + h) * Wo;
            for (int64_t w = 0; w < Wo; ++w) {
              dst[mw[w]] = static_cast<T>(static_cast<A>(dst[mw[w]]) + static_cast<A>(src[w]));
            }
          }
        }
      }
    });
  });
}

}  // namespace ember::cpu
