// Backward formulas of dropout and cdist (direct kernel); written with ember ops, so they are
// differentiable themselves.
#include "autograd/derivatives/random_util.h"

#include <cmath>

#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

struct DropoutBackward : Node {
  Tensor mask;  // bool; no history
  double scale = 1.0;
  std::string name() const override { return "NativeDropoutBackward0"; }
  bool release_saved() override {
    mask = Tensor();
    return true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (!mask.defined()) raise_freed_graph(name());
    const Tensor& g = grads[0];
    return {mul(g, mul(to_dtype(mask, g.dtype()), num(scale)))};
  }
};

struct ZeroGradBackward : Node {
  std::string node_name;
  std::vector<Shape> sizes;  // per input
  std::vector<ScalarType> dtypes;
  std::string name() const override { return node_name; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> out;
    for (size_t i = 0; i < sizes.size(); ++i) out.push_back(zeros(sizes[i], dtypes[i], grads[0].device()));
    return out;
  }
};

struct CdistBackward : Node {
  SavedTensor x1, x2, out;
  double p = 2.0;
  Shape s1, s2;
  std::string name() const override { return "CdistBackward0"; }
  bool release_saved() override {
    bool any = x1.reset();
    x2.reset();
    out.reset();
    return any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor a = x1.unpack(shared_from_this()), b = x2.unpack(shared_from_this());
    Tensor d = out.unpack(shared_from_this());
    if (p == 0.0) return {zeros(s1, g.dtype(), g.device()), zeros(s2, g.dtype(), g.device())};
    if (p == 2.0) {
      // W = g / d; grad_x1 = x1 * rowsum(W) - W x2, grad_x2 = x2 * colsum(W) - W^T x1: two matmuls,
      // no (r1, r2, m) intermediate. W is 0 for coincident points: d == 0 from the direct kernel, or
      // the floor sqrt(1e-30) of the matmul form (whose clamp has a zero gradient in torch)
      Tensor nz = binary(BinaryOp::Gt, d, num(1.5e-15));
      Tensor w = masked(nz, div(g, where(nz, d, num(1.0))));
      Tensor g1, g2;
      if (next_edges[0].valid()) {
        g1 = sub(mul(a, sum(w, {-1}, true, std::nullopt)), matmul(w, b));
        g1 = sum_to(g1, s1);
      }
      if (next_edges[1].valid()) {
        g2 = sub(mul(b, unsqueeze(sum(w, {-2}, false, std::nullopt), -1)), matmul(matrix_transpose(w), a));
        g2 = sum_to(g2, s2);
      }
      return {g1, g2};
    }
    // pairwise differences (..., r1, r2, m) and the distances broadcast over m
    Tensor diff = sub(unsqueeze(a, -2), unsqueeze(b, -3));
    Tensor du = unsqueeze(d, -1);
    Tensor sgn = unary(UnaryOp::Sign, diff);
    Tensor local;  // d out / d diff
    if (p == 1.0) {
      local = sgn;
    } else if (std::isinf(p)) {
      local = masked(binary(BinaryOp::Eq, unary(UnaryOp::Abs, diff), du), sgn);
    } else {
      // sign(diff) |diff|^(p-1) / d^(p-1); zero where d == 0 (and, for p < 1, where diff == 0)
      Tensor nz = binary(BinaryOp::Ne, du, num(0.0));
      Tensor dsafe = where(nz, du, num(1.0));
      if (p == 2.0) {
        local = div(diff, dsafe);
      } else {
        Tensor ad = unary(UnaryOp::Abs, diff);
        Tensor dnz = binary(BinaryOp::Ne, diff, num(0.0));
        Tensor adsafe = where(dnz, ad, num(1.0));
        local = mul(sgn, div(binary(BinaryOp::Pow, adsafe, num(p - 1.0)), binary(BinaryOp::Pow, dsafe, num(p - 1.0))));
        local = masked(dnz, local);
      }
      local = masked(nz, local);
    }
    Tensor gl = mul(unsqueeze(g, -1), local);
    Tensor g1, g2;
    if (next_edges[0].valid()) g1 = sum_to(sum(gl, {-2}, false, std::nullopt), s1);
    if (next_edges[1].valid()) g2 = sum_to(neg(sum(gl, {-3}, false, std::nullopt)), s2);
    return {g1, g2};
  }
};

}  // namespace

void record_dropout(const Tensor& x, const Tensor& mask, double scale, const Tensor& out) {
  auto node = make_node<DropoutBackward>({&x});
  node->mask = mask;
  node->scale = scale;
  set_history(out, node);
}

void record_zero_grad(const Tensor& x, const Tensor& out, const char* node_name) {
  auto node = make_node<ZeroGradBackward>({&x});
  node->node_name = node_name;
  node->sizes = {x.sizes()};
  node->dtypes = {x.dtype()};
  set_history(out, node);
}

void record_zero_grads(const std::vector<Tensor>& inputs, const Tensor& out, const std::string& node_name) {
  auto node = make_node_list<ZeroGradBackward>(inputs);
  node->node_name = node_name;
  for (const Tensor& t : inputs) {
    node->sizes.push_back(t.sizes());
    node->dtypes.push_back(is_floating(t.dtype()) ? t.dtype() : out.dtype());
  }
  set_history(out, node);
}

void record_cdist(const Tensor& x1, const Tensor& x2, double p, const Tensor& out) {
  auto node = make_node<CdistBackward>({&x1, &x2});
  node->x1 = SavedTensor(x1, false);
  node->x2 = SavedTensor(x2, false);
  node->p = p;
  node->s1 = x1.sizes();
  node->s2 = x2.sizes();
  set_history(out, node);
  node->out = SavedTensor(out, true);
}

}  // namespace ember::autograd
