#include "cpu/onednn/conv.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/onednn/onednn_common.h"

namespace ember::cpu {

namespace {

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// A tensor's dims and strides as oneDNN reads them. A size-1 dim may carry any stride (views leave
// odd ones), which oneDNN would read as layout; it gets the stride just past the other dims.
dnnl::memory::desc user_md(const dims& sizes, const dims& strides) {
  int64_t extent = 1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] > 1) extent = std::max(extent, strides[d] * sizes[d]);
  }
  dims s = strides;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) s[d] = extent;
  }
  return dnnl::memory::desc(sizes, dt::f32, s);
}

dnnl::memory::desc activation_md(const Tensor& t) {
  return user_md(dims(t.sizes().begin(), t.sizes().end()), dims(t.strides().begin(), t.strides().end()));
}

// The weight (C_out, C_in / g, *k) as oneDNN's grouped (g, C_out / g, C_in / g, *k) when g > 1.
dnnl::memory::desc weight_md(const Tensor& w, int64_t groups) {
  dims sizes(w.sizes().begin(), w.sizes().end()), strides(w.strides().begin(), w.strides().end());
  if (groups > 1) {
    sizes[0] /= groups;
    sizes.insert(sizes.begin(), groups);
    strides.insert(strides.begin(), strides[0] * sizes[1]);
  }
  return user_md(sizes, strides);
}

dnnl::memory::desc any_of(const dnnl::memory::desc& md) { return dnnl::memory::desc(md.dims(), dt::f32, tag::any); }

struct Key {
  std::vector<int64_t> v;
  bool operator==(const Key& o) const { return v == o.v; }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = 1469598103934665603ull;
    for (int64_t x : k.v) h = (h ^ static_cast<size_t>(x)) * 1099511628211ull;
    return h;
  }
};

// One primitive and the scratchpad it needs (ours, one per call: see matmul.cpp).
struct Step {
  dnnl::primitive prim;
  dnnl::memory::desc scratchpad;
};

// What a convolution call runs: the convolution, in the layouts it chose (`any`), and the reorders
// between the caller's layouts and those (none where they agree).
struct Plan {
  bool supported = false;
  bool uses_gemm = false;  // oneDNN's gemm-based convolution: its JIT sgemm needs signals blocked
  Step conv;
  dnnl::memory::desc user[3], chosen[3];  // out, a, b
  std::optional<Step> reorder[3];         // out: chosen -> user; a, b: user -> chosen
};

dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

std::optional<Step> reorder_step(const dnnl::memory::desc& from, const dnnl::memory::desc& to) {
  if (from == to) return std::nullopt;
  dnnl::reorder::primitive_desc pd(cpu_engine(), from, cpu_engine(), to, user_scratchpad());
  return Step{dnnl::reorder(pd), pd.scratchpad_desc()};
}

struct Geometry {
  dnnl::memory::desc src, weights, dst;  // the user's layouts
  dims strides, dilates, pad_l, pad_r;
};

// The convolution's user layouts and its window parameters. oneDNN's right padding is whatever
// makes the sizes agree: negative where the last windows leave input elements unread, larger than
// the left padding for a transposed convolution's output_padding.
Geometry geometry_of(ConvKind kind, const Tensor& out, const Tensor& a, const Tensor& b, const ConvParams& p) {
  const Tensor& src = kind == ConvKind::BackwardInput ? out : a;
  const Tensor& dst = kind == ConvKind::Forward ? out : (kind == ConvKind::BackwardInput ? a : b);
  const Tensor& w = kind == ConvKind::BackwardWeight ? out : b;
  Geometry g{activation_md(src), weight_md(w, p.groups), activation_md(dst), {}, {}, {}, {}};
  for (int d = 0; d < p.dims; ++d) {
    const int64_t in = src.sizes()[2 + d], o = dst.sizes()[2 + d], k = w.sizes()[2 + d];
    g.strides.push_back(p.stride[d]);
    g.dilates.push_back(p.dilation[d] - 1);
    g.pad_l.push_back(p.padding[d]);
    g.pad_r.push_back((o - 1) * p.stride[d] + (k - 1) * p.dilation[d] + 1 - in - p.padding[d]);
  }
  return g;
}

Plan compile(ConvKind kind, const Geometry& g, bool has_bias) {
  Plan plan;
  const auto alg = dnnl::algorithm::convolution_direct;
  const dnnl::memory::desc src = any_of(g.src), weights = any_of(g.weights), dst = any_of(g.dst);
  try {
    dnnl::convolution_forward::desc fd =
        has_bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src, weights,
                                                   dnnl::memory::desc({g.dst.dims()[1]}, dt::f32, tag::x), dst,
                                                   g.strides, g.dilates, g.pad_l, g.pad_r)
                 : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src, weights, dst,
                                                   g.strides, g.dilates, g.pad_l, g.pad_r);
    dnnl::convolution_forward::primitive_desc fpd(fd, user_scratchpad(), cpu_engine());
    std::string impl;
    if (kind == ConvKind::Forward) {
      plan.conv = {dnnl::convolution_forward(fpd), fpd.scratchpad_desc()};
      plan.user[0] = g.dst, plan.user[1] = g.src, plan.user[2] = g.weights;
      plan.chosen[0] = fpd.dst_desc(), plan.chosen[1] = fpd.src_desc(), plan.chosen[2] = fpd.weights_desc();
      impl = fpd.impl_info_str();
    } else if (kind == ConvKind::BackwardInput) {
      dnnl::convolution_backward_data::desc bd(alg, src, weights, dst, g.strides, g.dilates, g.pad_l, g.pad_r);
      dnnl::convolution_backward_data::primitive_desc bpd(bd, user_scratchpad(), cpu_engine(), fpd);
      plan.conv = {dnnl::convolution_backward_data(bpd), bpd.scratchpad_desc()};
      plan.user[0] = g.src, plan.user[1] = g.dst, plan.user[2] = g.weights;
      plan.chosen[0] = bpd.diff_src_desc(), plan.chosen[1] = bpd.diff_dst_desc(), plan.chosen[2] = bpd.weights_desc();
      impl = bpd.impl_info_str();
    } else {
      dnnl::convolution_backward_weights::desc wd(alg, src, weights, dst, g.strides, g.dilates, g.pad_l, g.pad_r);
      dnnl::convolution_backward_weights::primitive_desc wpd(wd, user_scratchpad(), cpu_engine(), fpd);
      plan.conv = {dnnl::convolution_backward_weights(wpd), wpd.scratchpad_desc()};
      plan.user[0] = g.weights, plan.user[1] = g.src, plan.user[2] = g.dst;
      plan.chosen[0] = wpd.diff_weights_desc(), plan.chosen[1] = wpd.src_desc(), plan.chosen[2] = wpd.diff_dst_desc();
      impl = wpd.impl_info_str();
    }
    plan.reorder[0] = reorder_step(plan.chosen[0], plan.user[0]);
    plan.reorder[1] = reorder_step(plan.user[1], plan.chosen[1]);
    plan.reorder[2] = reorder_step(plan.user[2], plan.chosen[2]);
    plan.uses_gemm = impl.find("gemm") != std::string::npos;
    plan.supported = true;
  } catch (const dnnl::error&) {
    plan = Plan{};  // no implementation for this geometry: the caller's own loops run it
  }
  return plan;
}

using ConvCache = PrimitiveCache<Key, Plan, KeyHash>;
ConvCache& cache() {
  static ConvCache c;
  return c;
}

Key key_of(ConvKind kind, const Tensor& out, const Tensor& a, const Tensor& b, bool has_bias, const ConvParams& p) {
  Key k;
  k.v.reserve(64);
  k.v.push_back(static_cast<int64_t>(kind));
  k.v.push_back(get_num_threads());  // a primitive keeps the thread count it was made for
  k.v.push_back(has_bias);
  k.v.push_back(p.groups);
  for (int d = 0; d < 3; ++d) k.v.insert(k.v.end(), {p.stride[d], p.padding[d], p.dilation[d]});
  for (const Tensor* t : {&out, &a, &b}) {
    k.v.push_back(t->dim());
    for (int64_t d = 0; d < t->dim(); ++d) k.v.insert(k.v.end(), {t->sizes()[d], t->strides()[d]});
  }
  return k;
}

// Scratch memory for one call, from ember's caching allocator.
dnnl::memory scratch_memory(const dnnl::memory::desc& md, std::vector<Tensor>& keep) {
  keep.push_back(empty(Shape{static_cast<int64_t>(std::max<size_t>(md.get_size(), 1))}, ScalarType::UInt8, Device{}));
  return dnnl::memory(md, cpu_engine(), keep.back().data_ptr());
}

void run_step(const Step& step, std::unordered_map<int, dnnl::memory> args, dnnl::stream& strm,
              std::vector<Tensor>& keep) {
  if (step.scratchpad.get_size() > 0) args.emplace(DNNL_ARG_SCRATCHPAD, scratch_memory(step.scratchpad, keep));
  step.prim.execute(strm, args);
}

void run(const Plan& plan, ConvKind kind, const Tensor& out, const Tensor& a, const Tensor& b, const Tensor* bias) {
  dnnl::engine& eng = cpu_engine();
  thread_local dnnl::stream strm(eng);
  std::vector<Tensor> keep;
  const Tensor* tensors[3] = {&out, &a, &b};
  dnnl::memory mem[3];
  for (int i = 0; i < 3; ++i) {
    dnnl::memory user(plan.user[i], eng, tensors[i]->data_ptr());
    if (!plan.reorder[i]) {
      mem[i] = user;
      continue;
    }
    mem[i] = scratch_memory(plan.chosen[i], keep);
    if (i > 0) run_step(*plan.reorder[i], {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, mem[i]}}, strm, keep);
  }
  static const int kArgs[3][3] = {{DNNL_ARG_DST, DNNL_ARG_SRC, DNNL_ARG_WEIGHTS},
                                  {DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS},
                                  {DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_SRC, DNNL_ARG_DIFF_DST}};
  const int* ids = kArgs[static_cast<int>(kind)];
  std::unordered_map<int, dnnl::memory> args{{ids[0], mem[0]}, {ids[1], mem[1]}, {ids[2], mem[2]}};
  if (bias) {
    args.emplace(DNNL_ARG_BIAS, dnnl::memory(dnnl::memory::desc({bias->numel()}, dt::f32, tag::x), eng, bias->data_ptr()));
  }
  {
    std::optional<AsyncSignalsBlocked> no_signals;
    if (plan.uses_gemm) no_signals.emplace();
    run_step(plan.conv, std::move(args), strm, keep);
  }
  if (plan.reorder[0]) {
    run_step(*plan.reorder[0], {{DNNL_ARG_FROM, mem[0]}, {DNNL_ARG_TO, dnnl::memory(plan.user[0], eng, out.data_ptr())}},
             strm, keep);
  }
  strm.wait();
}

}  // namespace

bool onednn_conv(ConvKind kind, const Tensor& out, const Tensor& a, const Tensor& b, const Tensor* bias,
                 const ConvParams& p) {
  sync_onednn_threads();
  const Key key = key_of(kind, out, a, b, bias != nullptr, p);
  const Plan plan = cache().get(key, [&] { return compile(kind, geometry_of(kind, out, a, b, p), bias != nullptr); });
  if (!plan.supported) return false;
  try {
    run(plan, kind, out, a, b, bias);
  } catch (const dnnl::error& e) {
    cache().evict(key);
    EMBER_FAIL(Runtime, "convolution: oneDNN failed for input ", a.shape_str(), " and ", b.shape_str(), ": ", e.what());
  }
  return true;
}

}  // namespace ember::cpu
