// Scaled dot-product attention on the CPU, tiled as flash attention: each task takes blocks of
// queries of one (batch, head) and walks the keys block by block with an online softmax (a running
// maximum and sum per query), so the scores never exist beyond one (query block x key block) tile.
// The forward keeps each query's logsumexp; the backward recomputes the tiles' probabilities from
// it. Causal attention skips the key blocks that lie wholly above the diagonal. The tiles'
// products run through small_gemm; the softmax's exponentials are vectorized.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/cpu_kernels.h"
#include "cpu/small_gemm.h"
#include "cpu/vec_math.h"
#include "cpu/vec_reduce.h"

namespace ember::cpu {

namespace {

constexpr int64_t kQueryBlock = 64;
constexpr int64_t kKeyBlock = 64;

// A (B, H, L, D) operand with unit stride in D.
template <typename T>
struct Operand {
  T* data;
  int64_t sb, sh, sl;
  T* row(int64_t b, int64_t h, int64_t l) const { return data + b * sb + h * sh + l * sl; }
};
template <typename T>
Operand<T> operand(const Tensor& t) {
  return {const_cast<T*>(t.data<T>()), t.strides()[0], t.strides()[1], t.strides()[2]};
}

// The scores of a tile, computed from queries already multiplied by the scale: s += mask, and
// -inf where the mask or causality drops a key.
template <typename T>
struct ScoreRules {
  const Tensor* mask;
  const AttentionParams* p;

  void apply(T* s, int64_t lds, int64_t rows, int64_t cols, int64_t b, int64_t h, int64_t i0, int64_t j0) const {
    const T neg_inf = -std::numeric_limits<T>::infinity();
    const bool causal_cut = p->causal && j0 + cols - 1 > i0;  // some key of the tile lies above the diagonal
    if (!mask && !causal_cut) return;
    for (int64_t r = 0; r < rows; ++r) {
      T* srow = s + r * lds;
      if (mask) {
        const auto& st = mask->strides();
        const int64_t base = b * st[0] + h * st[1] + (i0 + r) * st[2] + j0 * st[3];
        if (mask->dtype() == ScalarType::Bool) {
          const bool* m = mask->data<bool>() + base;
          for (int64_t c = 0; c < cols; ++c) {
            if (!m[c * st[3]]) srow[c] = neg_inf;
          }
        } else {
          const T* m = mask->data<T>() + base;
          for (int64_t c = 0; c < cols; ++c) srow[c] += m[c * st[3]];
        }
      }
      if (causal_cut) {
        // key j0 + c is kept while j0 + c <= i0 + r
        for (int64_t c = std::max<int64_t>(0, i0 + r - j0 + 1); c < cols; ++c) srow[c] = neg_inf;
      }
    }
  }
};

// dst (rows x d, dense) = scale * the rows of src (row stride ld).
template <typename T>
void scaled_rows(T* dst, const T* src, int64_t ld, int64_t rows, int64_t d, T scale) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* srow = src + r * ld;
    T* drow = dst + r * d;
    for (int64_t e = 0; e < d; ++e) drow[e] = srow[e] * scale;
  }
}

// exp over the first `cols` entries of `rows` rows of a tile (row stride kKeyBlock): one call over
// the whole tile when its rows are full.
template <typename T>
void exp_tile(T* s, int64_t rows, int64_t cols);

// The softmax's row maximum and sum: float32 through the AVX2 folds of vec_reduce.h.
template <typename T>
T row_max(const T* x, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    return extremum_f32<true>(x, n, -std::numeric_limits<float>::infinity());
  } else {
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < n; ++i) m = std::max(m, x[i]);
    return m;
  }
}

template <typename T>
T row_sum(const T* x, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    return sum_f32(x, n);
  } else {
    T s = 0;
    for (int64_t i = 0; i < n; ++i) s += x[i];
    return s;
  }
}

// Keys [0, end) that any of the queries [i0, i0 + rows) may see.
inline int64_t key_end(const AttentionParams& p, int64_t lk, int64_t i0, int64_t rows) {
  return p.causal ? std::min(lk, i0 + rows) : lk;
}

// dst (d x cols, row stride ldd) = the transpose of `cols` rows of src (row stride ld).
template <typename T>
void pack_transposed(T* dst, int64_t ldd, const T* src, int64_t ld, int64_t cols, int64_t d) {
  for (int64_t c = 0; c < cols; ++c) {
    const T* srow = src + c * ld;
    for (int64_t e = 0; e < d; ++e) dst[e * ldd + c] = srow[e];
  }
}

// p[i] = exp(p[i]), masked scores (-inf) giving 0 at full speed: libmvec's exp takes a scalar
// slow path for every vector holding an out-of-range lane, so those lanes are clamped and zeroed.
inline void exp_or_zero(float* p, int64_t n) {
  if (avx512::available()) return avx512::map_f32(avx512::Fn::ExpFlush, p, p, n);
  int64_t i = 0;
#if defined(EMBER_HAVE_VEC_MATH)
  const __m256 lowest = _mm256_set1_ps(-87.3f);
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(p + i);
    const __m256 e = _ZGVdN8v_expf(_mm256_max_ps(v, lowest));
    _mm256_storeu_ps(p + i, _mm256_and_ps(e, _mm256_cmp_ps(v, lowest, _CMP_GE_OQ)));
  }
#endif
  for (; i < n; ++i) p[i] = std::exp(p[i]);
}
inline void exp_or_zero(double* p, int64_t n) { exp_inplace(p, n); }

template <typename T>
void exp_tile(T* s, int64_t rows, int64_t cols) {
  if (cols == kKeyBlock) return exp_or_zero(s, rows * kKeyBlock);
  for (int64_t r = 0; r < rows; ++r) exp_or_zero(s + r * kKeyBlock, cols);
}

template <typename T>
void attention_forward(const Tensor& out, const Tensor& lse, const Tensor& q, const Tensor& k, const Tensor& v,
                       const Tensor* mask, const AttentionParams& p) {
  const int64_t B = q.sizes()[0], H = q.sizes()[1], Lq = q.sizes()[2], D = q.sizes()[3];
  const int64_t Hk = k.sizes()[1], Lk = k.sizes()[2], Dv = v.sizes()[3];
  const int64_t group = H / Hk;
  const Operand<T> Q = operand<T>(q), K = operand<T>(k), V = operand<T>(v), O = operand<T>(out);
  T* lse_data = lse.data<T>();
  const ScoreRules<T> rules{mask, &p};
  const T scale = static_cast<T>(p.scale);
  const int64_t q_blocks = (Lq + kQueryBlock - 1) / kQueryBlock;
  const T inf = std::numeric_limits<T>::infinity();
  // Tasks of (batch, head, a run of query blocks): each packs its head's keys transposed once for
  // all its blocks; runs are as long as still gives every thread a few tasks.
  const int64_t heads = B * H;
  const int64_t runs = std::min(q_blocks, std::max<int64_t>(1, (4 * get_num_threads() + heads - 1) / heads));
  const int64_t run_length = (q_blocks + runs - 1) / std::max<int64_t>(1, runs);
  parallel_for(0, heads * runs, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> kt(D * Lk), s(kQueryBlock * kKeyBlock), acc(kQueryBlock * Dv), qs(kQueryBlock * D);
    std::vector<T> m(kQueryBlock), l(kQueryBlock), m_old(kQueryBlock);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / (H * runs), h = task / runs % H, first = task % runs * run_length;
      const int64_t last = std::min(q_blocks, first + run_length), hk = h / group;
      if (first >= last) continue;
      const int64_t last_i0 = (last - 1) * kQueryBlock;
      pack_transposed(kt.data(), Lk, K.row(b, hk, 0), K.sl, key_end(p, Lk, last_i0, Lq - last_i0), D);
      for (int64_t block = first; block < last; ++block) {
        const int64_t i0 = block * kQueryBlock, rows = std::min(kQueryBlock, Lq - i0);
        std::fill(m.begin(), m.end(), -inf);
        std::fill(l.begin(), l.end(), T(0));
        std::fill(acc.begin(), acc.end(), T(0));
        scaled_rows(qs.data(), Q.row(b, h, i0), Q.sl, rows, D, scale);
        const int64_t kend = key_end(p, Lk, i0, rows);
        for (int64_t j0 = 0; j0 < kend; j0 += kKeyBlock) {
          const int64_t cols = std::min(kKeyBlock, kend - j0);
          small_gemm<T>(rows, cols, D, qs.data(), D, 1, kt.data() + j0, Lk, s.data(), kKeyBlock, false);
          rules.apply(s.data(), kKeyBlock, rows, cols, b, h, i0, j0);
          for (int64_t r = 0; r < rows; ++r) {  // the running maximum; the tile's scores minus it
            T* srow = s.data() + r * kKeyBlock;
            m_old[r] = m[r];
            m[r] = std::max(m[r], row_max(srow, cols));
            const T mr = m[r];
            if (mr == -inf) continue;  // no key of this row so far: the row stays -inf, exp gives 0
            for (int64_t c = 0; c < cols; ++c) srow[c] -= mr;
          }
          exp_tile(s.data(), rows, cols);
          for (int64_t r = 0; r < rows; ++r) {
            const T sum = row_sum(s.data() + r * kKeyBlock, cols);
            const T rescale = m[r] == -inf ? T(1) : std::exp(m_old[r] - m[r]);  // 0 while m_old is -inf
            if (rescale != T(1)) {
              T* arow = acc.data() + r * Dv;
              for (int64_t e = 0; e < Dv; ++e) arow[e] *= rescale;
            }
            l[r] = l[r] * rescale + sum;
          }
          small_gemm<T>(rows, Dv, cols, s.data(), kKeyBlock, 1, V.row(b, hk, j0), V.sl, acc.data(), Dv, true);
        }
        for (int64_t r = 0; r < rows; ++r) {
          T* orow = O.row(b, h, i0 + r);
          const T* arow = acc.data() + r * Dv;
          T* lse_row = lse_data + (b * H + h) * Lq + i0 + r;
          if (l[r] == T(0)) {  // every key masked: zero output, as torch's safe softmax gives
            std::fill(orow, orow + Dv, T(0));
            *lse_row = inf;
            continue;
          }
          const T inv = T(1) / l[r];
          for (int64_t e = 0; e < Dv; ++e) orow[e] = arow[e] * inv;
          *lse_row = m[r] + std::log(l[r]);
        }
      }
    }
  });
}

// One task per (batch, key head): it owns that head's key and value gradients and the query
// gradients of the query heads that read it, so no two threads write the same element.
template <typename T>
void attention_backward_impl(const Tensor& grad_q, const Tensor& grad_k, const Tensor& grad_v, const Tensor& grad_out,
                             const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out, const Tensor& lse,
                             const Tensor* mask, const AttentionParams& p) {
  const int64_t B = q.sizes()[0], H = q.sizes()[1], Lq = q.sizes()[2], D = q.sizes()[3];
  const int64_t Hk = k.sizes()[1], Lk = k.sizes()[2], Dv = v.sizes()[3];
  const int64_t group = H / Hk;
  const Operand<T> Q = operand<T>(q), K = operand<T>(k), V = operand<T>(v), O = operand<T>(out);
  const Operand<T> dO = operand<T>(grad_out), dQ = operand<T>(grad_q), dK = operand<T>(grad_k), dV = operand<T>(grad_v);
  const T* lse_data = lse.data<T>();
  const ScoreRules<T> rules{mask, &p};
  const T scale = static_cast<T>(p.scale);
  parallel_for(0, B * Hk, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> kt(D * kKeyBlock), vt(Dv * kKeyBlock), s(kQueryBlock * kKeyBlock), dp(kQueryBlock * kKeyBlock);
    std::vector<T> delta(Lq), qs(Lq * D);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / Hk, hk = task % Hk;
      std::fill(dK.row(b, hk, 0), dK.row(b, hk, 0) + Lk * D, T(0));
      std::fill(dV.row(b, hk, 0), dV.row(b, hk, 0) + Lk * Dv, T(0));
      for (int64_t h = hk * group; h < (hk + 1) * group; ++h) {
        std::fill(dQ.row(b, h, 0), dQ.row(b, h, 0) + Lq * D, T(0));
        for (int64_t i = 0; i < Lq; ++i) {  // delta_i = dO_i . O_i, the softmax backward's row term
          const T* go = dO.row(b, h, i);
          const T* o = O.row(b, h, i);
          T dot = 0;
          for (int64_t e = 0; e < Dv; ++e) dot += go[e] * o[e];
          delta[i] = dot;
        }
        const T* lse_head = lse_data + (b * H + h) * Lq;
        scaled_rows(qs.data(), Q.row(b, h, 0), Q.sl, Lq, D, scale);
        for (int64_t j0 = 0; j0 < Lk; j0 += kKeyBlock) {
          const int64_t cols = std::min(kKeyBlock, Lk - j0);
          pack_transposed(kt.data(), kKeyBlock, K.row(b, hk, j0), K.sl, cols, D);
          pack_transposed(vt.data(), kKeyBlock, V.row(b, hk, j0), V.sl, cols, Dv);
          // causal: queries before j0 see no key of this block
          const int64_t first = p.causal ? j0 / kQueryBlock * kQueryBlock : 0;
          for (int64_t i0 = first; i0 < Lq; i0 += kQueryBlock) {
            const int64_t rows = std::min(kQueryBlock, Lq - i0);
            small_gemm<T>(rows, cols, D, qs.data() + i0 * D, D, 1, kt.data(), kKeyBlock, s.data(), kKeyBlock, false);
            rules.apply(s.data(), kKeyBlock, rows, cols, b, h, i0, j0);
            for (int64_t r = 0; r < rows; ++r) {  // the probabilities, from the forward's logsumexp
              T* srow = s.data() + r * kKeyBlock;
              const T row_lse = lse_head[i0 + r];
              for (int64_t c = 0; c < cols; ++c) srow[c] -= row_lse;
            }
            exp_tile(s.data(), rows, cols);
            // dV += P^T dO;  dP = dO V^T
            small_gemm<T>(cols, Dv, rows, s.data(), 1, kKeyBlock, dO.row(b, h, i0), dO.sl, dV.row(b, hk, j0), Dv, true);
            small_gemm<T>(rows, cols, Dv, dO.row(b, h, i0), dO.sl, 1, vt.data(), kKeyBlock, dp.data(), kKeyBlock, false);
            for (int64_t r = 0; r < rows; ++r) {  // dS = P (dP - delta) scale, in place of dP
              const T* prow = s.data() + r * kKeyBlock;
              T* drow = dp.data() + r * kKeyBlock;
              const T d = delta[i0 + r];
              for (int64_t c = 0; c < cols; ++c) drow[c] = prow[c] * (drow[c] - d) * scale;
            }
            // dQ += dS K;  dK += dS^T Q
            small_gemm<T>(rows, D, cols, dp.data(), kKeyBlock, 1, K.row(b, hk, j0), K.sl, dQ.row(b, h, i0), D, true);
            small_gemm<T>(cols, D, rows, dp.data(), 1, kKeyBlock, Q.row(b, h, i0), Q.sl, dK.row(b, hk, j0), D, true);
          }
        }
      }
    }
  });
}

}  // namespace

void attention_kernel(const Tensor& out, const Tensor& lse, const Tensor& q, const Tensor& k, const Tensor& v,
                      const Tensor* mask, const AttentionParams& p) {
  dispatch_float32_64(q.dtype(), "scaled_dot_product_attention", [&](auto tag) {
    using T = decltype(tag);
    attention_forward<T>(out, lse, q, k, v, mask, p);
  });
}

void attention_backward_kernel(const Tensor& grad_q, const Tensor& grad_k, const Tensor& grad_v,
                               const Tensor& grad_out, const Tensor& q, const Tensor& k, const Tensor& v,
                               const Tensor& out, const Tensor& lse, const Tensor* mask, const AttentionParams& p) {
  dispatch_float32_64(q.dtype(), "scaled_dot_product_attention", [&](auto tag) {
    using T = decltype(tag);
    attention_backward_impl<T>(grad_q, grad_k, grad_v, grad_out, q, k, v, out, lse, mask, p);
  });
}

}  // namespace ember::cpu
