// LAPACK's Fortran entry points (from OpenBLAS, LP64: 32-bit integers), declared here so no
// LAPACKE/C header is needed. Matrices are column-major. Every character argument has a hidden
// length argument at the end of the list (gfortran's calling convention).
#pragma once
#include <cstddef>

extern "C" {
#define EMBER_LAPACK_DECLS(T, p)                                                                             \
  void p##getrf_(const int* m, const int* n, T* a, const int* lda, int* ipiv, int* info);                   \
  void p##getri_(const int* n, T* a, const int* lda, const int* ipiv, T* work, const int* lwork, int* info); \
  void p##getrs_(const char* trans, const int* n, const int* nrhs, const T* a, const int* lda,               \
                 const int* ipiv, T* b, const int* ldb, int* info, size_t);                                  \
  void p##potrf_(const char* uplo, const int* n, T* a, const int* lda, int* info, size_t);                  \
  void p##geqrf_(const int* m, const int* n, T* a, const int* lda, T* tau, T* work, const int* lwork,       \
                 int* info);                                                                                 \
  void p##orgqr_(const int* m, const int* n, const int* k, T* a, const int* lda, const T* tau, T* work,     \
                 const int* lwork, int* info);                                                               \
  void p##gesdd_(const char* jobz, const int* m, const int* n, T* a, const int* lda, T* s, T* u,            \
                 const int* ldu, T* vt, const int* ldvt, T* work, const int* lwork, int* iwork, int* info,  \
                 size_t);                                                                                    \
  void p##syevd_(const char* jobz, const char* uplo, const int* n, T* a, const int* lda, T* w, T* work,     \
                 const int* lwork, int* iwork, const int* liwork, int* info, size_t, size_t);               \
  void p##gels_(const char* trans, const int* m, const int* n, const int* nrhs, T* a, const int* lda, T* b, \
                const int* ldb, T* work, const int* lwork, int* info, size_t);                               \
  void p##gelsy_(const int* m, const int* n, const int* nrhs, T* a, const int* lda, T* b, const int* ldb,   \
                 int* jpvt, const T* rcond, int* rank, T* work, const int* lwork, int* info);               \
  void p##gelsd_(const int* m, const int* n, const int* nrhs, T* a, const int* lda, T* b, const int* ldb,   \
                 T* s, const T* rcond, int* rank, T* work, const int* lwork, int* iwork, int* info);        \
  void p##gelss_(const int* m, const int* n, const int* nrhs, T* a, const int* lda, T* b, const int* ldb,   \
                 T* s, const T* rcond, int* rank, T* work, const int* lwork, int* info);                    \
  /* BLAS level 3: B = alpha op(A)^-1 B (side L) for triangular A */                                         \
  void p##trsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,     \
                const int* n, const T* alpha, const T* a, const int* lda, T* b, const int* ldb, size_t,     \
                size_t, size_t, size_t);
// OpenBLAS's thread count (its LAPACK runs single-threaded: ember parallelizes over batches).
void openblas_set_num_threads(int n);
EMBER_LAPACK_DECLS(float, s)
EMBER_LAPACK_DECLS(double, d)
#undef EMBER_LAPACK_DECLS
}
