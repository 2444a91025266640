// Backward formulas of batch norm and the row norms (layer, RMS, group). With x^ the normalized
// input, g' = g * weight and K the count normalized over:
//   d input = invstd * (g' - mean(g') - x^ * mean(g' x^))   (training; RMS norm has no mean(g') term)
//   d input = g' * invstd                                    (batch norm in evaluation mode)
//   d weight = sum(g x^), d bias = sum(g)
#include "autograd/derivatives/common.h"
#include "autograd/derivatives/nn.h"
#include "kernels/kernels.h"
#include "ops/nn.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// The dims of (N, C, *) other than C.
std::vector<int64_t> non_channel_dims(int64_t dim) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < dim; ++d) dims.push_back(d);
  return dims;
}

Shape channel_shape(int64_t C, int64_t dim) {
  Shape s{C};
  for (int64_t d = 2; d < dim; ++d) s.push_back(1);
  return s;
}

struct BatchNormBackward : Node {
  SavedTensor input, weight, mean, invstd;
  bool has_weight = false, training = true;
  double eps = 0;
  std::string name() const override { return "NativeBatchNormBackward0"; }
  bool release_saved() override {
    bool any = input.reset();
    any = weight.reset() || any;
    any = mean.reset() || any;
    return invstd.reset() || any;
  }

  // The gradients in ember ops (create_graph): differentiable in the input, weight and grad.
  std::vector<Tensor> composite(const Tensor& g, const Tensor& x, const Tensor& w) {
    const std::vector<int64_t> dims = non_channel_dims(x.dim());
    const Shape cs = channel_shape(x.size(1), x.dim());
    auto self = shared_from_this();
    Tensor mu, inv;
    if (training) {
      mu = mean_of(x, dims);
      inv = unary(UnaryOp::Rsqrt, add(var(x, dims, 0.0, true), num(eps)));
    } else {
      mu = view(mean.unpack(self), cs);
      inv = view(invstd.unpack(self), cs);
    }
    Tensor xhat = mul(sub(x, mu), inv);
    Tensor gw = has_weight ? mul(g, view(w, cs)) : g;
    Tensor gx = training ? mul(inv, sub(sub(gw, mean_of(gw, dims)), mul(xhat, mean_of(mul(gw, xhat), dims))))
                         : mul(gw, inv);
    return {gx, sum(mul(g, xhat), dims, false, std::nullopt), sum(g, dims, false, std::nullopt)};
  }

  static Tensor mean_of(const Tensor& t, const std::vector<int64_t>& dims) {
    return ember::mean(t, dims, true, std::nullopt);
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor x = input.unpack(self), w = has_weight ? weight.unpack(self) : Tensor();
    const ScalarType dtype = compute_dtype(x);
    if (grad_enabled()) {
      std::vector<Tensor> r = composite(in_dtype(grads[0], dtype), in_dtype(x, dtype), w.defined() ? in_dtype(w, dtype) : w);
      r[0] = in_dtype(r[0], x.dtype());
      r.resize(next_edges.size());
      return r;
    }
    const int64_t N = x.size(0), C = x.size(1), L = N * C > 0 ? x.numel() / (N * C) : 0;
    Tensor x3 = view(contiguous(in_dtype(x, dtype)), Shape{N, C, L});
    Tensor g3 = view(contiguous(in_dtype(grads[0], dtype)), Shape{N, C, L});
    Tensor mu = mean.unpack(self), inv = invstd.unpack(self);
    Tensor sum_g = zeros(Shape{C}, dtype, x.device()), sum_gx = zeros(Shape{C}, dtype, x.device());
    if (x3.numel() > 0) kernels::channel_grad_sums(sum_g, sum_gx, g3, x3, mu);
    Tensor k = has_weight ? mul(in_dtype(w, dtype), inv) : inv;
    Tensor gx;
    if (next_edges[0].valid()) {
      Tensor out = empty(x3.sizes(), dtype, x.device());
      if (out.numel() > 0) {
        if (training) {
          const double count = static_cast<double>(N * L);
          Tensor a = div(sum_g, num(count)), b = div(mul(sum_gx, mul(inv, inv)), num(count));
          kernels::channel_norm_backward(out, g3, x3, mu, a, b, contiguous(k));
        } else {
          kernels::channel_affine(out, g3, contiguous(k), zeros(Shape{C}, dtype, x.device()));
        }
      }
      gx = in_dtype(view(out, x.sizes()), x.dtype());
    }
    Tensor gw = has_weight && next_edges[1].valid() ? mul(sum_gx, inv) : Tensor();
    Tensor gb = next_edges.size() > 2 && next_edges[2].valid() ? sum_g : Tensor();
    std::vector<Tensor> r{gx, gw, gb};
    r.resize(next_edges.size());
    return r;
  }
};

struct RowNormBackward : Node {
  SavedTensor rows, weight, mean, rstd;
  bool has_weight = false, rms = false;
  double eps = 0;
  std::string name() const override { return rms ? "RmsNormBackward0" : "NativeLayerNormBackward0"; }
  bool release_saved() override {
    bool any = rows.reset();
    any = weight.reset() || any;
    any = mean.reset() || any;
    return rstd.reset() || any;
  }

  std::vector<Tensor> composite(const Tensor& g, const Tensor& x, const Tensor& w) {
    const std::vector<int64_t> last{1};
    auto mean_of = [&](const Tensor& t) { return ember::mean(t, last, true, std::nullopt); };
    Tensor centered = rms ? x : sub(x, mean_of(x));
    Tensor inv = unary(UnaryOp::Rsqrt, add(mean_of(mul(centered, centered)), num(eps)));
    Tensor xhat = mul(centered, inv);
    Tensor gw = has_weight ? mul(g, w) : g;
    Tensor inner = sub(gw, mul(xhat, mean_of(mul(gw, xhat))));
    if (!rms) inner = sub(inner, mean_of(gw));
    return {mul(inv, inner), sum(mul(g, xhat), {0}, false, std::nullopt), sum(g, {0}, false, std::nullopt)};
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor x = rows.unpack(self), w = has_weight ? weight.unpack(self) : Tensor();
    const ScalarType dtype = compute_dtype(x);
    if (grad_enabled()) {
      std::vector<Tensor> r = composite(in_dtype(grads[0], dtype), in_dtype(x, dtype), w.defined() ? in_dtype(w, dtype) : w);
      r[0] = in_dtype(r[0], x.dtype());
      r.resize(next_edges.size());
      return r;
    }
    Tensor xc = contiguous(in_dtype(x, dtype)), g = contiguous(in_dtype(grads[0], dtype));
    Tensor wc = has_weight ? contiguous(in_dtype(w, dtype)) : Tensor();
    const int64_t N = x.size(1);
    const bool want_w = has_weight && next_edges[1].valid();
    const bool want_b = next_edges.size() > 2 && next_edges[2].valid();
    Tensor gx = empty(xc.sizes(), dtype, x.device());
    Tensor gw = want_w ? empty(Shape{N}, dtype, x.device()) : Tensor();
    Tensor gb = want_b ? empty(Shape{N}, dtype, x.device()) : Tensor();
    if (xc.numel() > 0) {
      kernels::row_norm_backward(gx, want_w ? &gw : nullptr, want_b ? &gb : nullptr, g, xc, mean.unpack(self),
                                 rstd.unpack(self), has_weight ? &wc : nullptr, rms);
    } else {
      if (want_w) fill_(gw, Scalar(0.0));
      if (want_b) fill_(gb, Scalar(0.0));
    }
    std::vector<Tensor> r{in_dtype(gx, x.dtype()), gw, gb};
    r.resize(next_edges.size());
    return r;
  }
};

// out = x * w[c] + b[c]: d x = g * w[c], d w = sum(g x), d b = sum(g) over all but the channels.
// Group norm, with x^ = (x - mean) rstd over each (n, group) and per-group sums over its
// channels c and positions: ds[n, c] = sum g x, db[n, c] = sum g,
//   dx = rstd w[c] g + B x + C,  B = (sum_c db w mean - sum_c ds w) rstd^3 / D,  C = -B mean - sum_c db w rstd / D
//   dw[c] = sum_n (ds - db mean) rstd,  db[c] = sum_n db
// (D elements a group): one pass for the sums, one for dx. Under create_graph, ember ops.
struct GroupNormBackward : Node {
  SavedTensor input, weight, mean, rstd;
  bool has_weight = false;
  int64_t groups = 1;
  double eps = 0;
  std::string name() const override { return "NativeGroupNormBackward0"; }
  bool release_saved() override {
    bool any = input.reset();
    any = weight.reset() || any;
    any = mean.reset() || any;
    return rstd.reset() || any;
  }

  // (N, G, C / G, L) views, the statistics recomputed, every result an ember op
  std::vector<Tensor> composite(const Tensor& g, const Tensor& x, const Tensor& w, int64_t N, int64_t C, int64_t L) {
    const int64_t G = groups;
    const Shape grouped{N, G, C / G, L};
    Tensor x4 = reshape(x, grouped), g4 = reshape(g, grouped);
    const std::vector<int64_t> within{2, 3};
    auto group_mean = [&](const Tensor& t) { return ember::mean(t, within, true, std::nullopt); };
    Tensor centered = sub(x4, group_mean(x4));
    Tensor inv = unary(UnaryOp::Rsqrt, add(group_mean(mul(centered, centered)), num(eps)));
    Tensor xhat = mul(centered, inv);
    Tensor gw = has_weight ? mul(g4, view(w, Shape{1, G, C / G, 1})) : g4;
    Tensor gx = mul(inv, sub(sub(gw, group_mean(gw)), mul(xhat, group_mean(mul(gw, xhat)))));
    return {reshape(gx, x.sizes()), reshape(sum(mul(g4, xhat), {0, 3}, false, std::nullopt), Shape{C}),
            reshape(sum(g4, {0, 3}, false, std::nullopt), Shape{C})};
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor x = input.unpack(self), w = has_weight ? weight.unpack(self) : Tensor();
    const int64_t N = x.size(0), C = x.size(1), G = groups, L = N * C > 0 ? x.numel() / (N * C) : 0;
    const ScalarType dtype = compute_dtype(x);
    Tensor wc = has_weight ? in_dtype(w, dtype) : Tensor();
    std::vector<Tensor> r;
    if (grad_enabled()) {
      r = composite(in_dtype(grads[0], dtype), in_dtype(x, dtype), wc, N, C, L);
    } else {
      Tensor g3 = view(contiguous(in_dtype(grads[0], dtype)), Shape{1, N * C, L});
      Tensor x3 = view(contiguous(in_dtype(x, dtype)), Shape{1, N * C, L});
      Tensor sum_g = zeros(Shape{N * C}, dtype, x.device()), sum_gx = zeros(Shape{N * C}, dtype, x.device());
      if (x3.numel() > 0) kernels::channel_grad_sums(sum_g, sum_gx, g3, x3, zeros(Shape{N * C}, dtype, x.device()));
      Tensor ds = view(sum_gx, Shape{N, C}), db = view(sum_g, Shape{N, C});
      Tensor m = mean.unpack(self), rs = rstd.unpack(self);  // (N, G)
      auto per_channel = [&](const Tensor& t) {
        return reshape(expand(view(t, Shape{N, G, 1}), Shape{N, G, C / G}), Shape{N, C});
      };
      auto per_group = [&](const Tensor& t) { return sum(reshape(t, Shape{N, G, C / G}), {2}, false, std::nullopt); };
      Tensor wrow = has_weight ? view(wc, Shape{1, C}) : Tensor();
      Tensor dsw = per_group(has_weight ? mul(ds, wrow) : ds), dbw = per_group(has_weight ? mul(db, wrow) : db);
      const double inv_d = 1.0 / static_cast<double>(std::max<int64_t>(C / G * L, 1));
      Tensor b_coef = mul(mul(sub(mul(dbw, m), dsw), mul(rs, mul(rs, rs))), num(inv_d));
      Tensor c_coef = sub(neg(mul(b_coef, m)), mul(mul(dbw, rs), num(inv_d)));
      Tensor a_nc = has_weight ? mul(per_channel(rs), wrow) : per_channel(rs);
      Tensor gx = empty(Shape{N * C, L}, dtype, x.device());
      if (gx.numel() > 0) {
        kernels::row_combine(gx, view(g3, Shape{N * C, L}), view(x3, Shape{N * C, L}),
                             contiguous(reshape(a_nc, Shape{N * C})), contiguous(reshape(per_channel(b_coef), Shape{N * C})),
                             contiguous(reshape(per_channel(c_coef), Shape{N * C})));
      }
      Tensor dw = sum(mul(sub(ds, mul(db, per_channel(m))), per_channel(rs)), {0}, false, std::nullopt);
      r = {view(gx, x.sizes()), dw, sum(db, {0}, false, std::nullopt)};
    }
    r[0] = in_dtype(r[0], x.dtype());
    if (has_weight) r[1] = in_dtype(r[1], w.dtype());
    r.resize(next_edges.size());
    return r;
  }
};

}  // namespace

namespace {
// A node of an affine norm: edges (input, weight, bias) with the missing ones invalid, the
// input and weight saved.
template <typename N>
std::shared_ptr<N> affine_node(const Tensor& input, const Tensor* weight, const Tensor* bias) {
  auto node = bias ? make_node<N>({&input, weight ? weight : &input, bias})
                   : make_node<N>({&input, weight ? weight : &input});
  if (!weight) node->next_edges[1] = Edge{};
  node->has_weight = weight != nullptr;
  if (weight) node->weight = SavedTensor(*weight, false);
  return node;
}
}  // namespace

void record_group_norm(const Tensor& input, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                       const Tensor& rstd, const Tensor& out, int64_t groups, double eps) {
  auto node = affine_node<GroupNormBackward>(input, weight, bias);
  node->input = SavedTensor(input, false);
  node->mean = SavedTensor(mean, false);
  node->rstd = SavedTensor(rstd, false);
  node->groups = groups;
  node->eps = eps;
  set_history(out, node);
}

void record_batch_norm(const Tensor& input, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                       const Tensor& invstd, const Tensor& out, bool training, double eps) {
  auto node = affine_node<BatchNormBackward>(input, weight, bias);
  node->training = training;
  node->eps = eps;
  node->input = SavedTensor(input, false);
  node->mean = SavedTensor(mean, false);
  node->invstd = SavedTensor(invstd, false);
  set_history(out, node);
}

void record_row_norm(const Tensor& rows, const Tensor* weight, const Tensor* bias, const Tensor& mean,
                     const Tensor& rstd, const Tensor& out, double eps, bool rms) {
  auto node = affine_node<RowNormBackward>(rows, weight, bias);
  node->rms = rms;
  node->eps = eps;
  node->rows = SavedTensor(rows, false);
  node->mean = SavedTensor(mean, false);
  node->rstd = SavedTensor(rstd, false);
  set_history(out, node);
}

}  // namespace ember::autograd
