#include "cpu/onednn/matmul.h"

#include <list>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>

namespace ember::cpu {

namespace {

dnnl::engine& cpu_engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::memory::desc md_of(const Tensor& t) {
  dnnl::memory::dims dims{t.sizes()[0], t.sizes()[1], t.sizes()[2]};
  // a broadcast batch (size 1) may carry any stride; give it a harmless one
  dnnl::memory::dims strides{t.sizes()[0] == 1 ? t.sizes()[1] * t.sizes()[2] : t.strides()[0], t.strides()[1],
                             t.strides()[2]};
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

struct Key {
  int64_t v[18];
  bool operator==(const Key& o) const { return std::equal(v, v + 18, o.v); }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = 1469598103934665603ull;
    for (int64_t x : k.v) h = (h ^ static_cast<size_t>(x)) * 1099511628211ull;
    return h;
  }
};

Key key_of(const Tensor& a, const Tensor& w, const Tensor& c) {
  Key k;
  int i = 0;
  for (const Tensor* t : {&a, &w, &c}) {
    for (int d = 0; d < 3; ++d) {
      k.v[i++] = t->sizes()[d];
      k.v[i++] = t->sizes()[d] == 1 && d == 0 ? 0 : t->strides()[d];
    }
  }
  return k;
}

// An LRU of compiled primitives: creating one costs far more than running a small GEMM.
class PrimitiveCache {
 public:
  dnnl::matmul get(const Key& key, const Tensor& a, const Tensor& w, const Tensor& c) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.second);
      return it->second.first;
    }
    dnnl::matmul::desc desc(md_of(a), md_of(w), md_of(c));
    dnnl::matmul::primitive_desc pd(desc, cpu_engine());
    dnnl::matmul prim(pd);
    lru_.push_front(key);
    map_.emplace(key, std::make_pair(prim, lru_.begin()));
    if (map_.size() > kCapacity) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
    return prim;
  }

 private:
  static constexpr size_t kCapacity = 512;
  std::mutex mu_;
  std::list<Key> lru_;
  std::unordered_map<Key, std::pair<dnnl::matmul, std::list<Key>::iterator>, KeyHash> map_;
};

PrimitiveCache& cache() {
  static PrimitiveCache c;
  return c;
}

}  // namespace

bool onednn_layout_ok(const Tensor& t) {
  // one of the two matrix dims must be unit-stride, the other at least as wide as its partner
  const int64_t rows = t.sizes()[1], cols = t.sizes()[2];
  const int64_t rs = t.strides()[1], cs = t.strides()[2];
  if (t.strides()[0] < 0 || rs < 0 || cs < 0) return false;
  if (t.sizes()[0] > 1 && t.strides()[0] == 0) return false;
  bool row_major = (cs == 1 || cols == 1) && (rs >= cols || rows == 1);
  bool col_major = (rs == 1 || rows == 1) && (cs >= rows || cols == 1);
  return row_major || col_major;
}

void onednn_matmul(const Tensor& a, const Tensor& w, const Tensor& c) {
  try {
    dnnl::matmul prim = cache().get(key_of(a, w, c), a, w, c);
    dnnl::engine& eng = cpu_engine();
    dnnl::memory am(md_of(a), eng, a.data_ptr());
    dnnl::memory wm(md_of(w), eng, w.data_ptr());
    dnnl::memory cm(md_of(c), eng, c.data_ptr());
    thread_local dnnl::stream strm(eng);
    prim.execute(strm, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, cm}});
    strm.wait();
  } catch (const dnnl::error& e) {
    EMBER_FAIL(Runtime, "matmul: oneDNN failed for shapes ", a.shape_str(), " and ", w.shape_str(), ": ", e.what());
  }
}

}  // namespace ember::cpu
