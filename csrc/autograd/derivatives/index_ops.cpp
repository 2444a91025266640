// Backward formula of scatter_reduce (index_reduce is a scatter_reduce with a spread index; the
// other index_* ops are scatter / scatter_add composites and need no formula of their own).
#include "autograd/derivatives/index_ops.h"

#include "autograd/derivatives/common.h"
#include "ops/index_ops.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// t's leading block of `sizes` (src may be larger than index along every dim).
Tensor crop_to(Tensor t, const Shape& sizes) {
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.sizes()[d] > sizes[d]) t = narrow(t, d, 0, sizes[d]);
  }
  return t;
}

Tensor eq(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Eq, a, b); }

// scatter_reduce: the gradient of each target goes to the values it reduced (self, where
// included, and the scattered src elements), as torch defines it per reduction.
struct ScatterReduceBackward : Node {
  SavedTensor self, src, index, result;
  int64_t dim = 0;
  std::string reduce;
  bool include_self = true;
  std::string name() const override { return "ScatterReduceBackward0"; }
  bool release_saved() override {
    bool any = self.reset();
    any = src.reset() || any;
    any = index.reset() || any;
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto me = shared_from_this();
    Tensor x = self.unpack(me), s_full = src.unpack(me), idx = index.unpack(me), r = result.unpack(me);
    const Tensor& g = grads[0];
    const bool x0 = x.dim() == 0;
    // 0-d operands are seen as 1-d, as the forward does
    Tensor x1 = x0 ? reshape(x, Shape{1}) : x, g1 = x0 ? reshape(g, Shape{1}) : g, r1 = x0 ? reshape(r, Shape{1}) : r;
    Tensor idx1 = idx.dim() == 0 ? reshape(idx, Shape{1}) : idx;
    Tensor s1 = s_full.dim() == 0 ? reshape(s_full, Shape{1}) : s_full;
    Tensor s = crop_to(s1, idx1.sizes());
    const ScalarType t = g.dtype();
    // where each target was written (self is left out there when include_self=False)
    Tensor hit = binary(BinaryOp::Ne, scatter_value(zeros(x1.sizes(), t, x1.device()), dim, idx1, Scalar(1.0)), num(0.0));
    Tensor gx, gs;
    if (reduce == "sum") {
      gx = include_self ? g1 : where(hit, num(0.0), g1);
      gs = gather(g1, dim, idx1);
    } else if (reduce == "mean") {
      Tensor n = scatter_add(include_self ? ones(x1.sizes(), t, x1.device()) : zeros(x1.sizes(), t, x1.device()), dim, idx1,
                             ones(idx1.sizes(), t, idx1.device()));
      Tensor gn = div(g1, clamp(n, num(1.0), std::nullopt));
      gx = include_self ? gn : where(hit, num(0.0), g1);
      gs = gather(gn, dim, idx1);
    } else if (reduce == "prod") {
      // product of the others: r / value where value != 0; where it is 0, the product of the
      // non-zero others when it is the target's only zero, else 0
      Tensor xz = eq(x1, num(0.0)), sz = eq(s, num(0.0));
      Tensor xz_in = include_self ? to_dtype(xz, t) : zeros(x1.sizes(), t, x1.device());
      Tensor nzero = scatter_add(xz_in, dim, idx1, to_dtype(sz, t));
      Tensor prod_nz = scatter_reduce(where(xz, num(1.0), x1), dim, idx1, where(sz, num(1.0), s), "prod", include_self);
      Tensor one_zero = eq(nzero, num(1.0));
      Tensor gr = mul(g1, r1);
      Tensor gx_in = where(xz, where(one_zero, mul(g1, prod_nz), num(0.0)), div(gr, where(xz, num(1.0), x1)));
      gx = include_self ? gx_in : where(hit, num(0.0), g1);
      Tensor s_safe = where(sz, num(1.0), s);
      gs = where(sz, where(gather(one_zero, dim, idx1), gather(mul(g1, prod_nz), dim, idx1), num(0.0)),
                 div(gather(gr, dim, idx1), s_safe));
    } else {  // amax / amin: shared evenly by the values equal to the result
      // as torch: self's values tying with the result count in the share even when
      // include_self=False leaves them out (their own gradient is then zero)
      Tensor xin = eq(x1, r1);
      Tensor sin = eq(s, gather(r1, dim, idx1));
      Tensor n = scatter_add(to_dtype(xin, t), dim, idx1, to_dtype(sin, t));
      Tensor gn = div(g1, clamp(n, num(1.0), std::nullopt));
      gx = where(xin, gn, num(0.0));
      if (!include_self) gx = where(hit, num(0.0), gx);
      gs = where(sin, gather(gn, dim, idx1), num(0.0));
    }
    if (x0) gx = reshape(gx, Shape{});
    gs = pad_zeros(gs, s1.sizes());
    if (s_full.dim() == 0) gs = reshape(gs, Shape{});
    return {next_edges[0].valid() ? gx : Tensor(), next_edges[1].valid() ? gs : Tensor()};
  }
};

}  // namespace

void record_scatter_reduce(const Tensor& self_before, int64_t dim, const Tensor& index, const Tensor& src,
                           const std::string& reduce, bool include_self, const Tensor& out) {
  auto node = make_node<ScatterReduceBackward>({&self_before, &src});
  node->self = SavedTensor(self_before, false);
  node->src = SavedTensor(src, false);
  node->index = SavedTensor(index, false);
  node->dim = dim;
  node->reduce = reduce;
  node->include_self = include_self;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

}  // namespace ember::autograd
