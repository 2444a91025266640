// Batched LAPACK calls: one loop over the matrices of a batch per op, parallel above a grain.
#include "cpu/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "cpu/lapack_fortran.h"
#include "iter/parallel.h"

namespace ember::cpu {

namespace {

// Overloads that pick the s/d routine by element type.
#define EMBER_LAPACK_WRAP(T, p)                                                                              \
  void getrf(int m, int n, T* a, int lda, int* ipiv, int* info) { p##getrf_(&m, &n, a, &lda, ipiv, info); } \
  void getri(int n, T* a, int lda, const int* ipiv, T* work, int lwork, int* info) {                        \
    p##getri_(&n, a, &lda, ipiv, work, &lwork, info);                                                        \
  }                                                                                                          \
  void getrs(char trans, int n, int nrhs, const T* a, int lda, const int* ipiv, T* b, int ldb, int* info) { \
    p##getrs_(&trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, info, 1);                                           \
  }                                                                                                          \
  void potrf(char uplo, int n, T* a, int lda, int* info) { p##potrf_(&uplo, &n, a, &lda, info, 1); }        \
  void geqrf(int m, int n, T* a, int lda, T* tau, T* work, int lwork, int* info) {                          \
    p##geqrf_(&m, &n, a, &lda, tau, work, &lwork, info);                                                     \
  }                                                                                                          \
  void orgqr(int m, int n, int k, T* a, int lda, const T* tau, T* work, int lwork, int* info) {             \
    p##orgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, info);                                                 \
  }                                                                                                          \
  void gesdd(char jobz, int m, int n, T* a, int lda, T* s, T* u, int ldu, T* vt, int ldvt, T* work,         \
             int lwork, int* iwork, int* info) {                                                             \
    p##gesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);                  \
  }                                                                                                          \
  void syevd(char jobz, char uplo, int n, T* a, int lda, T* w, T* work, int lwork, int* iwork, int liwork,  \
             int* info) {                                                                                    \
    p##syevd_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);                       \
  }                                                                                                          \
  void gels(int m, int n, int nrhs, T* a, int lda, T* b, int ldb, T* work, int lwork, int* info) {          \
    char t = 'N';                                                                                            \
    p##gels_(&t, &m, &n, &nrhs, a, &lda, b, &ldb, work, &lwork, info, 1);                                    \
  }                                                                                                          \
  void gelsy(int m, int n, int nrhs, T* a, int lda, T* b, int ldb, int* jpvt, T rcond, int* rank, T* work,  \
             int lwork, int* info) {                                                                         \
    p##gelsy_(&m, &n, &nrhs, a, &lda, b, &ldb, jpvt, &rcond, rank, work, &lwork, info);                      \
  }                                                                                                          \
  void gelsd(int m, int n, int nrhs, T* a, int lda, T* b, int ldb, T* s, T rcond, int* rank, T* work,       \
             int lwork, int* iwork, int* info) {                                                             \
    p##gelsd_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, work, &lwork, iwork, info);                  \
  }                                                                                                          \
  void gelss(int m, int n, int nrhs, T* a, int lda, T* b, int ldb, T* s, T rcond, int* rank, T* work,       \
             int lwork, int* info) {                                                                         \
    p##gelss_(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, work, &lwork, info);                         \
  }                                                                                                          \
  void trsm_left(char uplo, char trans, char diag, int m, int n, const T* a, int lda, T* b, int ldb) {      \
    const char side = 'L';                                                                                   \
    const T one = 1;                                                                                         \
    p##trsm_(&side, &uplo, &trans, &diag, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1);                      \
  }
EMBER_LAPACK_WRAP(float, s)
EMBER_LAPACK_WRAP(double, d)
#undef EMBER_LAPACK_WRAP

// LAPACK's optimal workspace size from a query's first work element (at least 1).
template <typename T>
int lwork_of(T w) {
  return std::max(1, static_cast<int>(w));
}

int as_int(int64_t v, const char* what) {
  EMBER_CHECK(v <= 2147483647, Runtime, what, ": a matrix dimension of ", v, " is too large for LAPACK");
  return static_cast<int>(v);
}

// Runs f(i) for every matrix i of the batch; in parallel when the batch carries enough work
// (`work` ~ flops per matrix).
template <typename F>
void for_each_matrix(int64_t batch, int64_t work, const F& f) {
  // OpenBLAS's own OpenMP threads busy-wait and, on a loaded machine or next to ember's threads,
  // made a single 400x400 inverse 20x slower than on one thread: LAPACK runs on one thread and
  // ember runs the matrices of a batch in parallel.
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
  int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, work));
  parallel_for(0, batch, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) f(i);
  });
}

template <typename F>
void dispatch_lapack(ScalarType t, const char* op, const F& f) {
  if (t == ScalarType::Float32) return f(float{});
  if (t == ScalarType::Float64) return f(double{});
  EMBER_FAIL(NotImplemented, op, ": not implemented for dtype ", dtype_name(t));
}

int64_t cube(int64_t m, int64_t n) { return std::max<int64_t>(1, m * n * std::min(m, n)); }

}  // namespace

void lapack_inverse_kernel(Tensor& a, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.inv");
  int* inf = info.data<int>();
  dispatch_lapack(a.dtype(), "linalg.inv", [&](auto tag) {
    using T = decltype(tag);
    T* base = a.data<T>();
    for_each_matrix(batch, cube(n, n), [&](int64_t b) {
      T* m = base + b * n * n;
      std::vector<int> ipiv(std::max(n, 1));
      getrf(n, n, m, std::max(n, 1), ipiv.data(), &inf[b]);
      if (inf[b] != 0) return;
      T q{};
      getri(n, m, std::max(n, 1), ipiv.data(), &q, -1, &inf[b]);
      std::vector<T> work(lwork_of(q));
      getri(n, m, std::max(n, 1), ipiv.data(), work.data(), static_cast<int>(work.size()), &inf[b]);
    });
  });
}

void lapack_det_kernel(Tensor& a, Tensor& det, Tensor& sign, Tensor& logabs) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.det");
  dispatch_lapack(a.dtype(), "linalg.det", [&](auto tag) {
    using T = decltype(tag);
    T *base = a.data<T>(), *d = det.data<T>(), *s = sign.data<T>(), *l = logabs.data<T>();
    for_each_matrix(batch, cube(n, n), [&](int64_t b) {
      T* m = base + b * n * n;
      std::vector<int> ipiv(std::max(n, 1));
      int info = 0;
      getrf(n, n, m, std::max(n, 1), ipiv.data(), &info);
      T prod = 1, sg = 1, lg = 0, psign = 1;
      for (int i = 0; i < n; ++i) {
        T u = m[static_cast<int64_t>(i) * n + i];
        if (ipiv[i] != i + 1) psign = -psign;  // each row swap flips the sign
        prod *= u;
        if (u < 0) sg = -sg;
        lg += std::log(std::abs(u));
      }
      if (info > 0) {  // an exact zero pivot: singular
        d[b] = 0, s[b] = 0, l[b] = -INFINITY;
        return;
      }
      d[b] = psign * prod;
      s[b] = psign * sg;
      l[b] = lg;
    });
  });
}

void lapack_solve_kernel(Tensor& a, Tensor& b, bool trans, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.solve");
  const int k = as_int(b.sizes()[1], "linalg.solve");
  int* inf = info.data<int>();
  dispatch_lapack(a.dtype(), "linalg.solve", [&](auto tag) {
    using T = decltype(tag);
    T *abase = a.data<T>(), *bbase = b.data<T>();
    for_each_matrix(batch, cube(n, n) + int64_t(n) * n * k, [&](int64_t i) {
      T* m = abase + i * n * n;
      std::vector<int> ipiv(std::max(n, 1));
      getrf(n, n, m, std::max(n, 1), ipiv.data(), &inf[i]);
      if (inf[i] != 0 || k == 0) return;
      int rinfo = 0;
      getrs(trans ? 'T' : 'N', n, k, m, std::max(n, 1), ipiv.data(), bbase + i * int64_t(n) * k, std::max(n, 1),
            &rinfo);
    });
  });
}

void lapack_lu_factor_kernel(Tensor& a, Tensor& pivots, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.lu_factor"), m = as_int(a.sizes()[2], "linalg.lu_factor");
  const int64_t k = std::min(m, n);
  int* inf = info.data<int>();
  int* piv = pivots.data<int>();
  dispatch_lapack(a.dtype(), "linalg.lu_factor", [&](auto tag) {
    using T = decltype(tag);
    T* base = a.data<T>();
    for_each_matrix(batch, cube(m, n), [&](int64_t b) {
      if (k == 0) return;
      // getrf reports an exact zero pivot in info and still completes the factorization
      getrf(m, n, base + b * int64_t(m) * n, std::max(m, 1), piv + b * k, &inf[b]);
    });
  });
}

void lapack_triangular_solve_kernel(const Tensor& a, Tensor& b, bool upper, bool trans, bool unit) {
  const int64_t batch = b.sizes()[0];
  const int n = as_int(b.sizes()[2], "linalg.solve_triangular"), k = as_int(b.sizes()[1], "linalg.solve_triangular");
  dispatch_lapack(a.dtype(), "linalg.solve_triangular", [&](auto tag) {
    using T = decltype(tag);
    const T* abase = a.data<T>();
    T* bbase = b.data<T>();
    // trsm never fails: a zero on the diagonal gives inf/nan, as torch's solve_triangular
    for_each_matrix(batch, int64_t(n) * n * std::max(k, 1), [&](int64_t i) {
      trsm_left(upper ? 'U' : 'L', trans ? 'T' : 'N', unit ? 'U' : 'N', n, k, abase + i * int64_t(n) * n,
                std::max(n, 1), bbase + i * int64_t(n) * k, std::max(n, 1));
    });
  });
}

void lu_pivots_to_permutation_kernel(const Tensor& pivots, Tensor& perm, bool inverse) {
  const int64_t batch = perm.sizes()[0], m = perm.sizes()[1], k = pivots.sizes()[1];
  const int* piv = pivots.data<int>();  // contiguous (the op's own)
  int64_t* out = perm.data<int64_t>();
  std::vector<int64_t> p(m);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < m; ++i) p[i] = i;
    for (int64_t i = 0; i < k; ++i) {
      const int64_t j = piv[b * k + i] - 1;  // row i was swapped with row j (1-based)
      EMBER_CHECK(j >= 0 && j < m, Runtime,
                  "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass the "
                  "result of lu_factor?");
      std::swap(p[i], p[j]);
    }
    int64_t* o = out + b * m;
    for (int64_t i = 0; i < m; ++i) {
      if (inverse) o[p[i]] = i;
      else o[i] = p[i];
    }
  }
}

void lapack_cholesky_kernel(Tensor& a, bool upper, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.cholesky");
  int* inf = info.data<int>();
  dispatch_lapack(a.dtype(), "linalg.cholesky", [&](auto tag) {
    using T = decltype(tag);
    T* base = a.data<T>();
    for_each_matrix(batch, cube(n, n), [&](int64_t b) {
      T* m = base + b * n * n;
      potrf(upper ? 'U' : 'L', n, m, std::max(n, 1), &inf[b]);
      for (int j = 0; j < n; ++j) {  // column j: zero the triangle potrf leaves untouched
        for (int i = 0; i < n; ++i) {
          if (upper ? i > j : i < j) m[static_cast<int64_t>(j) * n + i] = 0;
        }
      }
    });
  });
}

void lapack_geqrf_kernel(Tensor& a, Tensor& tau) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.qr"), m = as_int(a.sizes()[2], "linalg.qr");
  const int k = std::min(m, n);
  dispatch_lapack(a.dtype(), "linalg.qr", [&](auto tag) {
    using T = decltype(tag);
    T *base = a.data<T>(), *tbase = tau.data<T>();
    for_each_matrix(batch, cube(m, n), [&](int64_t b) {
      if (k == 0) return;
      int info = 0;
      T q{};
      geqrf(m, n, base + b * int64_t(m) * n, std::max(m, 1), tbase + b * k, &q, -1, &info);
      std::vector<T> work(lwork_of(q));
      geqrf(m, n, base + b * int64_t(m) * n, std::max(m, 1), tbase + b * k, work.data(),
            static_cast<int>(work.size()), &info);
    });
  });
}

void lapack_orgqr_kernel(Tensor& q, const Tensor& tau, int64_t k64) {
  const int64_t batch = q.sizes()[0];
  const int n = as_int(q.sizes()[1], "linalg.qr"), m = as_int(q.sizes()[2], "linalg.qr");
  const int k = static_cast<int>(k64);
  const int64_t ktau = tau.sizes()[1];
  dispatch_lapack(q.dtype(), "linalg.qr", [&](auto tag) {
    using T = decltype(tag);
    T* base = q.data<T>();
    const T* tbase = tau.data<T>();
    for_each_matrix(batch, cube(m, n), [&](int64_t b) {
      if (n == 0 || m == 0) return;
      int info = 0;
      T qw{};
      orgqr(m, n, k, base + b * int64_t(m) * n, std::max(m, 1), tbase + b * ktau, &qw, -1, &info);
      std::vector<T> work(lwork_of(qw));
      orgqr(m, n, k, base + b * int64_t(m) * n, std::max(m, 1), tbase + b * ktau, work.data(),
            static_cast<int>(work.size()), &info);
    });
  });
}

void lapack_svd_kernel(Tensor& a, Tensor& s, Tensor& u, Tensor& vt, char jobz, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.svd"), m = as_int(a.sizes()[2], "linalg.svd");
  const int k = std::min(m, n);
  const bool uv = jobz != 'N';
  const int ucols = uv ? static_cast<int>(u.sizes()[1]) : 1;
  const int vrows = uv ? static_cast<int>(vt.sizes()[2]) : 1;
  int* inf = info.data<int>();
  dispatch_lapack(a.dtype(), "linalg.svd", [&](auto tag) {
    using T = decltype(tag);
    T *base = a.data<T>(), *sb = s.data<T>();
    T* ub = uv ? u.data<T>() : nullptr;
    T* vb = uv ? vt.data<T>() : nullptr;
    for_each_matrix(batch, cube(m, n), [&](int64_t b) {
      T dummy[1];
      T* um = uv ? ub + b * int64_t(m) * ucols : dummy;
      T* vm = uv ? vb + b * int64_t(vrows) * n : dummy;
      std::vector<int> iwork(8 * std::max(k, 1));
      T q{};
      gesdd(jobz, m, n, base + b * int64_t(m) * n, std::max(m, 1), sb + b * k, um, std::max(m, 1), vm,
            std::max(vrows, 1), &q, -1, iwork.data(), &inf[b]);
      std::vector<T> work(lwork_of(q));
      gesdd(jobz, m, n, base + b * int64_t(m) * n, std::max(m, 1), sb + b * k, um, std::max(m, 1), vm,
            std::max(vrows, 1), work.data(), static_cast<int>(work.size()), iwork.data(), &inf[b]);
    });
  });
}

void lapack_eigh_kernel(Tensor& a, Tensor& w, bool vectors, bool upper, Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.eigh");
  int* inf = info.data<int>();
  dispatch_lapack(a.dtype(), "linalg.eigh", [&](auto tag) {
    using T = decltype(tag);
    T *base = a.data<T>(), *wb = w.data<T>();
    for_each_matrix(batch, cube(n, n), [&](int64_t b) {
      if (n == 0) return;
      T q{};
      int iq = 0;
      const char jobz = vectors ? 'V' : 'N', uplo = upper ? 'U' : 'L';
      syevd(jobz, uplo, n, base + b * int64_t(n) * n, n, wb + b * n, &q, -1, &iq, -1, &inf[b]);
      std::vector<T> work(lwork_of(q));
      std::vector<int> iwork(std::max(1, iq));
      syevd(jobz, uplo, n, base + b * int64_t(n) * n, n, wb + b * n, work.data(), static_cast<int>(work.size()),
            iwork.data(), static_cast<int>(iwork.size()), &inf[b]);
    });
  });
}

void lapack_lstsq_kernel(Tensor& a, Tensor& b, Tensor& rank, Tensor& s, double rcond, const std::string& driver,
                  Tensor& info) {
  const int64_t batch = a.sizes()[0];
  const int n = as_int(a.sizes()[1], "linalg.lstsq"), m = as_int(a.sizes()[2], "linalg.lstsq");
  const int ldb = as_int(b.sizes()[2], "linalg.lstsq"), nrhs = as_int(b.sizes()[1], "linalg.lstsq");
  const int k = std::min(m, n);
  int* inf = info.data<int>();
  int64_t* rk = rank.defined() ? rank.data<int64_t>() : nullptr;
  dispatch_lapack(a.dtype(), "linalg.lstsq", [&](auto tag) {
    using T = decltype(tag);
    T *abase = a.data<T>(), *bbase = b.data<T>();
    T* sbase = s.defined() ? s.data<T>() : nullptr;
    for_each_matrix(batch, cube(m, n) + int64_t(m) * n * nrhs, [&](int64_t i) {
      T* am = abase + i * int64_t(m) * n;
      T* bm = bbase + i * int64_t(ldb) * nrhs;
      const int lda = std::max(m, 1), ldbb = std::max(ldb, 1);
      T q{};
      int r = 0;
      if (driver == "gels") {
        gels(m, n, nrhs, am, lda, bm, ldbb, &q, -1, &inf[i]);
        std::vector<T> work(lwork_of(q));
        gels(m, n, nrhs, am, lda, bm, ldbb, work.data(), static_cast<int>(work.size()), &inf[i]);
        return;
      }
      if (driver == "gelsy") {
        std::vector<int> jpvt(std::max(n, 1), 0);
        gelsy(m, n, nrhs, am, lda, bm, ldbb, jpvt.data(), T(rcond), &r, &q, -1, &inf[i]);
        std::vector<T> work(lwork_of(q));
        gelsy(m, n, nrhs, am, lda, bm, ldbb, jpvt.data(), T(rcond), &r, work.data(), static_cast<int>(work.size()),
              &inf[i]);
      } else if (driver == "gelsd") {
        int iq = 0;
        gelsd(m, n, nrhs, am, lda, bm, ldbb, sbase + i * k, T(rcond), &r, &q, -1, &iq, &inf[i]);
        std::vector<T> work(lwork_of(q));
        std::vector<int> iwork(std::max(1, iq));
        gelsd(m, n, nrhs, am, lda, bm, ldbb, sbase + i * k, T(rcond), &r, work.data(), static_cast<int>(work.size()),
              iwork.data(), &inf[i]);
      } else {
        gelss(m, n, nrhs, am, lda, bm, ldbb, sbase + i * k, T(rcond), &r, &q, -1, &inf[i]);
        std::vector<T> work(lwork_of(q));
        gelss(m, n, nrhs, am, lda, bm, ldbb, sbase + i * k, T(rcond), &r, work.data(), static_cast<int>(work.size()),
              &inf[i]);
      }
      if (rk) rk[i] = r;
    });
  });
}

void lapack_first_error_kernel(const Tensor& info, int& code, int64_t& index) {
  const int* p = info.data<int>();
  for (int64_t i = 0; i < info.numel(); ++i) {
    if (p[i] != 0) {
      code = p[i];
      index = i;
      return;
    }
  }
}

bool any_nonfinite_kernel(const Tensor& t) {
  bool found = false;
  dispatch_floating(t.dtype(), "any_nonfinite", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = t.data<T>();  // contiguous (the op's column-major copy)
    for (int64_t i = 0; i < t.numel() && !found; ++i) found = !std::isfinite(static_cast<double>(static_cast<acc_t<T>>(p[i])));
  });
  return found;
}

bool any_below_kernel(const Tensor& t, int64_t bound) {
  const int64_t* p = t.data<int64_t>();  // contiguous (the op's own rank tensor)
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (p[i] < bound) return true;
  }
  return false;
}

}  // namespace ember::cpu
