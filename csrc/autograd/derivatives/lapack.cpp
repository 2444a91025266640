// Backward formulas of the LAPACK-backed linalg ops, written with ember ops so they compose
// (double backward). Real matrices only; X^T below is the matrix transpose of the last two dims.
#include "autograd/derivatives/lapack.h"

#include "autograd/derivatives/common.h"
#include "autograd/function.h"
#include "ops/lapack.h"
#include "ops/shape_ops.h"

namespace ember::autograd {

using namespace formulas;

namespace {

Tensor mT(const Tensor& t) { return matrix_transpose(t); }
Tensor mm(const Tensor& a, const Tensor& b) { return matmul(a, b); }
Tensor col(const Tensor& v) { return unsqueeze(v, -1); }  // (..., k) -> (..., k, 1)
Tensor row(const Tensor& v) { return unsqueeze(v, -2); }  // (..., k) -> (..., 1, k)
Tensor two_dims(const Tensor& v) { return unsqueeze(unsqueeze(v, -1), -1); }

// A constant n x n mask: `below` on the strict lower triangle, `diag` on the diagonal, 0 above.
Tensor lower_mask(int64_t n, double below, double diag, ScalarType dtype) {
  Tensor m = zeros(Shape{n, n}, ScalarType::Float64, Device{});
  double* p = m.data<double>();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j <= i; ++j) p[i * n + j] = i == j ? diag : below;
  }
  return to_dtype(m, dtype);
}

Tensor diag_embed(const Tensor& v) { return mul(col(v), eye(v.size(-1), v.size(-1), v.dtype(), v.device())); }

// X R^{-T} for upper-triangular invertible R.
Tensor times_inv_rt(const Tensor& X, const Tensor& R) { return mm(X, mT(linalg_inv(R))); }

struct InvBackward : Node {
  SavedTensor inv;
  std::string name() const override { return "LinalgInvExBackward0"; }
  bool release_saved() override { return inv.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor it = mT(inv.unpack(shared_from_this()));
    return {neg(mm(mm(it, grads[0]), it))};
  }
};

struct DetBackward : Node {
  SavedTensor A, det;
  std::string name() const override { return "LinalgDetBackward0"; }
  bool release_saved() override {
    bool any = A.reset();
    return det.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    // d det = det tr(A^{-1} dA): the gradient is g det A^{-T} (A must be invertible)
    return {mul(two_dims(mul(grads[0], det.unpack(self))), mT(linalg_inv(A.unpack(self))))};
  }
};

struct SlogdetBackward : Node {
  SavedTensor A;
  std::string name() const override { return "LinalgSlogdetBackward0"; }
  bool release_saved() override { return A.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    // the sign is locally constant; log|det| has gradient A^{-T}
    return {mul(two_dims(grads[1]), mT(linalg_inv(A.unpack(shared_from_this()))))};
  }
};

struct SolveBackward : Node {
  SavedTensor A, X;
  std::string name() const override { return "LinalgSolveExBackward0"; }
  bool release_saved() override {
    bool any = A.reset();
    return X.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    // X = A^{-1} B: gB = A^{-T} g, gA = -gB X^T
    Tensor gB = linalg_solve(mT(A.unpack(self)), grads[0], true);
    Tensor gA;
    if (next_edges[0].valid()) gA = neg(mm(gB, mT(X.unpack(self))));
    return {gA, gB};
  }
};

struct CholeskyBackward : Node {
  SavedTensor factor;
  bool upper = false;
  std::string name() const override { return "LinalgCholeskyExBackward0"; }
  bool release_saved() override { return factor.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor L = factor.unpack(shared_from_this()), gL = grads[0];
    if (upper) L = mT(L), gL = mT(gL);
    // dL = L Phi(L^{-1} dA L^{-T}), Phi = lower triangle with half the diagonal, so
    // gA = L^{-T} Phi(L^T gL) L^{-1}, symmetrized (A is symmetric; its lower triangle is read)
    const int64_t n = L.size(-1);
    Tensor P = mul(mm(mT(L), gL), lower_mask(n, 1.0, 0.5, L.dtype()));
    Tensor Linv = linalg_inv(L);
    Tensor gA = mm(mm(mT(Linv), P), Linv);
    return {mul(add(gA, mT(gA)), num(0.5))};
  }
};

// QR of a square or tall matrix (m >= n): gA = (gQ + Q copyltu(M)) R^{-T}, M = R gR^T - gQ^T Q,
// copyltu(M) the symmetric matrix with M's lower triangle.
Tensor qr_backward_tall(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R) {
  Tensor M = sub(mm(R, mT(gR)), mm(mT(gQ), Q));
  const int64_t n = M.size(-1);
  Tensor strict = mul(M, lower_mask(n, 1.0, 0.0, M.dtype()));
  Tensor sym = add(add(strict, mT(strict)), mul(M, eye(n, n, M.dtype(), M.device())));
  return times_inv_rt(add(gQ, mm(Q, sym)), R);
}

struct QrBackward : Node {
  SavedTensor Q, R;
  bool complete = false, has_q = true;
  std::string name() const override { return "LinalgQrBackward0"; }
  bool release_saved() override {
    bool any = Q.reset();
    return R.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    EMBER_CHECK(has_q, Runtime, "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
    auto self = shared_from_this();
    Tensor q = Q.unpack(self), r = R.unpack(self);
    const int64_t m = q.size(-2), n = r.size(-1);
    EMBER_CHECK(!(complete && m > n), Runtime,
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
    const Tensor &gQ = grads[0], &gR = grads[1];
    if (m >= n) return {qr_backward_tall(gQ, gR, q, r)};
    // wide: A = [X | Y] with X = Q R1 square and Y = Q R2
    Tensor gR1 = narrow(gR, -1, 0, m), gR2 = narrow(gR, -1, m, n - m);
    Tensor R1 = narrow(r, -1, 0, m), R2 = narrow(r, -1, m, n - m);
    Tensor Y = mm(q, R2);
    Tensor gX = qr_backward_tall(add(gQ, mm(Y, mT(gR2))), gR1, q, R1);
    return {cat({gX, mm(q, gR2)}, -1)};
  }
};

struct SvdBackward : Node {
  SavedTensor U, S, Vh;
  SvdBackward() { materialize_grads = false; }  // an unused U / Vh gives no term (and no 1/0)
  std::string name() const override { return "LinalgSvdBackward0"; }
  bool release_saved() override {
    bool any = U.reset();
    any = S.reset() || any;
    return Vh.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor u = U.unpack(self), s = S.unpack(self), vh = Vh.unpack(self);
    Tensor gU = grads[0], gS = grads[1], gVh = grads[2];
    const int64_t k = s.size(-1), m = u.size(-2), n = vh.size(-1);
    if (u.size(-1) > k) {  // full_matrices: the extra columns are arbitrary, only the first k count
      u = narrow(u, -1, 0, k);
      if (gU.defined()) gU = narrow(gU, -1, 0, k);
    }
    if (vh.size(-2) > k) {
      vh = narrow(vh, -2, 0, k);
      if (gVh.defined()) gVh = narrow(gVh, -2, 0, k);
    }
    if (!gU.defined() && !gVh.defined()) {
      if (!gS.defined()) return {Tensor()};
      return {mm(u, mul(col(gS), vh))};
    }
    // gA = U [(skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS)] V^T
    //      + (I - U U^T) gU S^{-1} V^T + U S^{-1} gV^T (I - V V^T),  E_jk = S_k^2 - S_j^2 (1 on the diagonal)
    Tensor s2 = mul(s, s);
    Tensor E = add(sub(row(s2), col(s2)), eye(k, k, s.dtype(), s.device()));
    Tensor inner = zeros_like(E);
    Tensor extra;
    if (gU.defined()) {
      Tensor J = mm(mT(u), gU);
      inner = add(inner, mul(div(sub(J, mT(J)), E), row(s)));
      if (m > k) extra = mm(div(sub(gU, mm(u, J)), row(s)), vh);
    }
    if (gVh.defined()) {
      Tensor v = mT(vh), gV = mT(gVh);
      Tensor K = mm(vh, gV);
      inner = add(inner, mul(col(s), div(sub(K, mT(K)), E)));
      if (n > k) {
        Tensor t = mm(div(u, row(s)), mT(sub(gV, mm(v, K))));
        extra = extra.defined() ? add(extra, t) : t;
      }
    }
    if (gS.defined()) inner = add(inner, diag_embed(gS));
    Tensor gA = mm(mm(u, inner), vh);
    return {extra.defined() ? add(gA, extra) : gA};
  }
};

struct EighBackward : Node {
  SavedTensor L, V;
  EighBackward() { materialize_grads = false; }
  std::string name() const override { return "LinalgEighBackward0"; }
  bool release_saved() override {
    bool any = L.reset();
    return V.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor l = L.unpack(self), v = V.unpack(self);
    const Tensor &gL = grads[0], &gV = grads[1];
    if (!gL.defined() && !gV.defined()) return {Tensor()};
    const int64_t n = l.size(-1);
    // gA = V (diag(gL) + F o skew(V^T gV) / 2) V^T with F_ij = 1 / (l_j - l_i) off the diagonal:
    // the symmetric part of the usual formula (A is symmetric)
    Tensor inner = gL.defined() ? diag_embed(gL) : zeros(Shape{n, n}, l.dtype(), l.device());
    if (gV.defined()) {
      Tensor G = mm(mT(v), gV);
      Tensor E = add(sub(row(l), col(l)), eye(n, n, l.dtype(), l.device()));
      inner = add(inner, div(mul(sub(G, mT(G)), num(0.5)), E));
    }
    return {mm(mm(v, inner), mT(v))};
  }
};

struct SolveTriangularBackward : Node {
  SavedTensor A, X;
  bool upper = false, unit = false;
  std::string name() const override { return "LinalgSolveTriangularBackward0"; }
  bool release_saved() override {
    bool any = A.reset();
    return X.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    // X = A^{-1} B: gB = A^{-T} g, gA = -gB X^T on the triangle A's values were read from
    Tensor gB = linalg_solve_triangular(mT(A.unpack(self)), grads[0], !upper, true, unit);
    Tensor gA;
    if (next_edges[0].valid()) {
      Tensor full = neg(mm(gB, mT(X.unpack(self))));
      gA = upper ? triu(full, unit ? 1 : 0) : tril(full, unit ? -1 : 0);
    }
    return {gA, gB};
  }
};

// L^{-T} M for unit lower-triangular L; M U^{-T} for upper-triangular U.
Tensor unit_lower_inv_t_times(const Tensor& L, const Tensor& M) { return linalg_solve_triangular(mT(L), M, true, true, true); }
Tensor times_upper_inv_t(const Tensor& M, const Tensor& U) { return mT(linalg_solve_triangular(U, mT(M), true, true, false)); }

struct LuFactorBackward : Node {
  SavedTensor LU, pivots;
  std::string name() const override { return "LinalgLuFactorExBackward0"; }
  bool release_saved() override {
    bool any = LU.reset();
    return pivots.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor lu = LU.unpack(self), piv = pivots.unpack(self), g = grads[0];
    const int64_t m = lu.size(-2), n = lu.size(-1), k = std::min(m, n);
    if (lu.numel() == 0) return {zeros(lu.sizes(), lu.dtype(), lu.device())};
    // P^T A = L U with L (m x k) unit lower and U (k x n) upper; A's square head A1 = L1 U1.
    // dA' = dL U + L dU gives, on the square head, gA1 = L1^{-T} (tril(L1^T gL1, -1) +
    // triu(gU1 U1^T)) U1^{-T}. A wide A's extra columns are U2 = L1^{-1} A2 (gA2 = L1^{-T} gU2, and
    // L1 gets -L1^{-T} gU2 U2^T); a tall A's extra rows are L2 = A2 U1^{-1} (gA2 = gL2 U1^{-T},
    // and U1 gets -L2^T gL2 U1^{-T}).
    Tensor L = add(tril(narrow(lu, -1, 0, k), -1), eye(m, k, lu.dtype(), lu.device()));
    Tensor U = triu(narrow(lu, -2, 0, k), 0);
    Tensor gL = tril(narrow(g, -1, 0, k), -1), gU = triu(narrow(g, -2, 0, k), 0);
    Tensor L1 = narrow(L, -2, 0, k), U1 = narrow(U, -1, 0, k);
    Tensor X = mm(mT(L1), narrow(gL, -2, 0, k)), Y = mm(narrow(gU, -1, 0, k), mT(U1));
    Tensor gU2, gL2;
    if (n > k) {
      gU2 = narrow(gU, -1, k, n - k);
      X = sub(X, mm(gU2, mT(narrow(U, -1, k, n - k))));
    }
    if (m > k) {
      gL2 = narrow(gL, -2, k, m - k);
      Y = sub(Y, mm(mT(narrow(L, -2, k, m - k)), gL2));
    }
    Tensor G = times_upper_inv_t(unit_lower_inv_t_times(L1, add(tril(X, -1), triu(Y, 0))), U1);
    if (n > k) G = cat({G, unit_lower_inv_t_times(L1, gU2)}, -1);
    if (m > k) G = cat({G, times_upper_inv_t(gL2, U1)}, -2);
    // A = P (P^T A): row j of A is row inverse[j] of P^T A
    return {take_rows(G, lu_pivots_permutation(piv, m, true))};
  }
};

}  // namespace

// Outputs are saved after set_history: a saved output re-attaches its history on unpack (double
// backward) only when it required grad when saved.
void record_linalg_inv(const Tensor& A, const Tensor& inv) {
  auto node = make_node<InvBackward>({&A});
  set_history(inv, node);
  node->inv = SavedTensor(inv, true);
}

void record_linalg_det(const Tensor& A, const Tensor& det) {
  auto node = make_node<DetBackward>({&A});
  node->A = SavedTensor(A, false);
  set_history(det, node);
  node->det = SavedTensor(det, true);
}

void record_linalg_slogdet(const Tensor& A, const Tensor& sign, const Tensor& logabs) {
  auto node = make_node<SlogdetBackward>({&A});
  node->A = SavedTensor(A, false);
  set_history(sign, node, 0);
  set_history(logabs, node, 1);
}

void record_linalg_solve(const Tensor& A, const Tensor& B, const Tensor& X) {
  auto node = make_node<SolveBackward>({&A, &B});
  node->A = SavedTensor(A, false);
  set_history(X, node);
  node->X = SavedTensor(X, true);
}

void record_linalg_cholesky(const Tensor& A, const Tensor& factor, bool upper) {
  auto node = make_node<CholeskyBackward>({&A});
  node->upper = upper;
  set_history(factor, node);
  node->factor = SavedTensor(factor, true);
}

void record_linalg_qr(const Tensor& A, const Tensor& Q, const Tensor& R, bool complete, bool has_q) {
  auto node = make_node<QrBackward>({&A});
  node->has_q = has_q;
  node->complete = complete;
  set_history(Q, node, 0);
  set_history(R, node, 1);
  if (has_q) {
    node->Q = SavedTensor(Q, true);
    node->R = SavedTensor(R, true);
  }
}

void record_linalg_svd(const Tensor& A, const Tensor& U, const Tensor& S, const Tensor& Vh) {
  auto node = make_node<SvdBackward>({&A});
  set_history(U, node, 0);
  set_history(S, node, 1);
  set_history(Vh, node, 2);
  node->U = SavedTensor(U, true);
  node->S = SavedTensor(S, true);
  node->Vh = SavedTensor(Vh, true);
}

void record_linalg_eigh(const Tensor& A, const Tensor& L, const Tensor& V) {
  auto node = make_node<EighBackward>({&A});
  set_history(L, node, 0);
  set_history(V, node, 1);
  node->L = SavedTensor(L, true);
  node->V = SavedTensor(V, true);
}

void record_solve_triangular(const Tensor& A, const Tensor& B, const Tensor& X, bool upper, bool unitriangular) {
  auto node = make_node<SolveTriangularBackward>({&A, &B});
  node->upper = upper;
  node->unit = unitriangular;
  node->A = SavedTensor(A, false);
  set_history(X, node);
  node->X = SavedTensor(X, true);
}

void record_lu_factor(const Tensor& A, const Tensor& LU, const Tensor& pivots) {
  auto node = make_node<LuFactorBackward>({&A});
  set_history(LU, node, 0);
  node->LU = SavedTensor(LU, true);
  node->pivots = SavedTensor(pivots, false);
}

}  // namespace ember::autograd
