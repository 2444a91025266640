#include "cpu/onednn/matmul.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include "cpu/cpu_kernels.h"
#include "cpu/onednn/onednn_common.h"

namespace ember::cpu {

namespace {

// The strides oneDNN is given. A size-1 dim may carry any stride (views and NumPy arrays leave odd
// ones), which oneDNN would read as part of the layout and could refuse; it gets the stride just
// past the other dims' extent, as in a dense layout.
std::array<int64_t, 3> onednn_strides(const Tensor& t) {
  int64_t extent = 1;
  for (int d = 0; d < 3; ++d) {
    if (t.sizes()[d] > 1) extent = std::max(extent, t.strides()[d] * t.sizes()[d]);
  }
  std::array<int64_t, 3> s{};
  for (int d = 0; d < 3; ++d) s[d] = t.sizes()[d] == 1 ? extent : t.strides()[d];
  return s;
}

dnnl::memory::desc md_of(const Tensor& t) {
  const std::array<int64_t, 3> s = onednn_strides(t);
  return dnnl::memory::desc({t.sizes()[0], t.sizes()[1], t.sizes()[2]}, dnnl::memory::data_type::f32,
                            {s[0], s[1], s[2]});
}

constexpr int kKeyLen = 24;
struct Key {
  int64_t v[kKeyLen];
  bool operator==(const Key& o) const { return std::equal(v, v + kKeyLen, o.v); }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = 1469598103934665603ull;
    for (int64_t x : k.v) h = (h ^ static_cast<size_t>(x)) * 1099511628211ull;
    return h;
  }
};

int64_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

Key key_of(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep) {
  Key k{};
  int i = 0;
  for (const Tensor* t : {&a, &w, &c}) {
    const std::array<int64_t, 3> s = onednn_strides(*t);
    for (int d = 0; d < 3; ++d) {
      k.v[i++] = t->sizes()[d];
      k.v[i++] = s[d];
    }
  }
  k.v[i++] = float_bits(ep.alpha);
  k.v[i++] = float_bits(ep.beta);
  k.v[i++] = ep.bias ? 1 : 0;
  k.v[i++] = ep.bias ? ep.bias->strides()[2] : 0;
  k.v[i++] = get_num_threads();  // a primitive keeps the thread count it was made for
  return k;
}

// The bias as oneDNN's (1, 1, N) descriptor.
dnnl::memory::desc bias_md(const Tensor& b) {
  return dnnl::memory::desc({1, 1, b.sizes()[2]}, dnnl::memory::data_type::f32, {b.sizes()[2], b.sizes()[2], b.strides()[2]});
}

// A compiled primitive and the scratchpad it needs. The scratchpad is ours (user mode), one per
// call: oneDNN's own (this build has no DNNL_ENABLE_CONCURRENT_EXEC) is tied to the thread that
// created the primitive, so a cached primitive run from several Python threads at once gave
// wrong results.
struct Compiled {
  dnnl::matmul prim;
  dnnl::memory::desc scratchpad;
};

using MatmulCache = PrimitiveCache<Key, Compiled, KeyHash>;

// A matmul primitive for these operands and epilogue.
Compiled compile(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (ep.alpha != 1.0f) attr.set_output_scales(0, {ep.alpha});
  if (ep.beta != 0.0f) {
    dnnl::post_ops po;
    po.append_sum(ep.beta);
    attr.set_post_ops(po);
  }
  dnnl::matmul::desc desc = ep.bias ? dnnl::matmul::desc(md_of(a), md_of(w), bias_md(*ep.bias), md_of(c))
                                    : dnnl::matmul::desc(md_of(a), md_of(w), md_of(c));
  dnnl::matmul::primitive_desc pd(desc, attr, cpu_engine());
  return Compiled{dnnl::matmul(pd), pd.scratchpad_desc()};
}

MatmulCache& cache() {
  static MatmulCache c;
  return c;
}

}  // namespace

bool onednn_layout_ok(const Tensor& t) {
  // oneDNN takes a permutation of a dense layout with gaps (no two dims interleaved, no stride
  // 0 or negative) whose matrix part has a unit-stride dim
  const std::array<int64_t, 3> s = onednn_strides(t);
  if (s[0] <= 0 || s[1] <= 0 || s[2] <= 0) return false;
  if (s[1] != 1 && s[2] != 1) return false;
  std::array<int, 3> order{0, 1, 2};
  std::sort(order.begin(), order.end(), [&](int x, int y) { return s[x] < s[y] || (s[x] == s[y] && x > y); });
  for (int i = 0; i + 1 < 3; ++i) {
    if (s[order[i + 1]] < s[order[i]] * t.sizes()[order[i]]) return false;
  }
  return true;
}

namespace {

// A 2-D operand as BLAS sees it: transposed or not, and its leading dimension (0: unusable).
struct BlasView {
  char trans = 'N';
  int64_t ld = 0;
};
BlasView blas_view(const Tensor& t) {
  const int64_t rows = t.sizes()[1], cols = t.sizes()[2], rs = t.strides()[1], cs = t.strides()[2];
  if ((cs == 1 || cols == 1) && rs >= std::max<int64_t>(1, cols)) return {'N', rs};
  if ((rs == 1 || rows == 1) && cs >= std::max<int64_t>(1, rows)) return {'T', cs};
  return {};
}

// Large single (unbatched) products without a bias go to dnnl_sgemm, oneDNN's BLAS-like GEMM:
// single-threaded at n = 1024-2048 it ran at ~1.0x torch's MKL, the matmul primitive (brgemm in
// oneDNN 2.6) at ~0.8x. sgemm computes alpha * a @ w + beta * c itself.
bool try_sgemm(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep) {
  if (ep.bias || a.sizes()[0] != 1 || w.sizes()[0] != 1 || c.sizes()[0] != 1) return false;
  const int64_t M = c.sizes()[1], N = c.sizes()[2], K = a.sizes()[2];
  if (static_cast<double>(M) * N * K < double(1 << 24)) return false;
  if (c.strides()[2] != 1 || c.strides()[1] < std::max<int64_t>(1, N)) return false;
  const BlasView va = blas_view(a), vw = blas_view(w);
  if (va.ld == 0 || vw.ld == 0) return false;
  dnnl_status_t st;
  {
    AsyncSignalsBlocked no_signals;
    st = dnnl_sgemm(va.trans, vw.trans, M, N, K, ep.alpha, a.data<float>(), va.ld, w.data<float>(), vw.ld, ep.beta,
                    c.data<float>(), c.strides()[1]);
  }
  EMBER_CHECK(st == dnnl_success, Runtime, "matmul: oneDNN sgemm failed (status ", static_cast<int>(st),
              ") for shapes ", a.shape_str(), " and ", w.shape_str());
  return true;
}

}  // namespace

void onednn_matmul(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep) {
  sync_onednn_threads();
  if (try_sgemm(a, w, c, ep)) return;
  const Key key = key_of(a, w, c, ep);
  try {
    Compiled prim = cache().get(key, [&] { return compile(a, w, c, ep); });
    dnnl::engine& eng = cpu_engine();
    dnnl::memory am(md_of(a), eng, a.data_ptr());
    dnnl::memory wm(md_of(w), eng, w.data_ptr());
    dnnl::memory cm(md_of(c), eng, c.data_ptr());
    thread_local dnnl::stream strm(eng);
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, cm}};
    if (ep.bias) args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md(*ep.bias), eng, ep.bias->data_ptr()));
    Tensor scratch;
    if (size_t bytes = prim.scratchpad.get_size(); bytes > 0) {
      scratch = empty(Shape{static_cast<int64_t>(bytes)}, ScalarType::UInt8, c.device());
      args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(prim.scratchpad, eng, scratch.data_ptr()));
    }
    prim.prim.execute(strm, args);
    strm.wait();
  } catch (const dnnl::error& e) {
    cache().evict(key);
    EMBER_FAIL(Runtime, "matmul: oneDNN failed for shapes ", a.shape_str(), " and ", w.shape_str(), ": ", e.what());
  }
}

}  // namespace ember::cpu
