// OpenBLAS's CBLAS interface plus the LAPACK prototypes Debian ships no header for.
#ifndef PRUNEBENCH_CBLAS_SHIM_H
#define PRUNEBENCH_CBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

/// LAPACK single-precision SVD (column-major). Call with lwork = -1 first for the workspace size.
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda,
             float *s, float *u, const int *ldu, float *vt, const int *ldvt,
             float *work, const int *lwork, int *iwork, int *info, size_t jobz_len);
/// LAPACK symmetric eigen-decomposition (column-major).
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);
#endif
