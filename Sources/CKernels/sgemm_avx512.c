// A packed GEMM in the Goto/BLIS style: A in MR-row panels, B in NR-column strips, an 8x48
// register-blocked AVX-512 micro-kernel (24 zmm accumulators), K blocked by KC.
#include "ckernels.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define MR 8
#define NR 48
#define KC 512
#define AVX512 __attribute__((target("avx512f")))

int pb_gemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

static inline int min_int(int a, int b) { return a < b ? a : b; }

// Per-thread packing buffers, grown on demand and kept for the thread's lifetime.
static _Thread_local float *tl_buffer = NULL;
static _Thread_local size_t tl_capacity = 0;

static float *scratch(size_t count) {
    if (count > tl_capacity) {
        free(tl_buffer);
        size_t bytes = ((count * sizeof(float)) + 63) & ~(size_t)63;
        tl_buffer = aligned_alloc(64, bytes);
        tl_capacity = tl_buffer ? count : 0;
    }
    return tl_buffer;
}

// Packs op(A)[0:M, p0:p0+kc] into panels of MR rows: panel[k*MR + i], zero-padded to MR rows.
static void pack_a(int transA, int M, int p0, int kc, const float *A, int lda, float *dst) {
    for (int i0 = 0; i0 < M; i0 += MR, dst += kc * MR) {
        int mr = min_int(MR, M - i0);
        if (transA) {
            for (int k = 0; k < kc; k++) {
                const float *src = A + (size_t)(p0 + k) * lda + i0;
                float *d = dst + k * MR;
                for (int i = 0; i < mr; i++) d[i] = src[i];
                for (int i = mr; i < MR; i++) d[i] = 0;
            }
        } else {
            for (int i = 0; i < mr; i++) {
                const float *src = A + (size_t)(i0 + i) * lda + p0;
                for (int k = 0; k < kc; k++) dst[k * MR + i] = src[k];
            }
            for (int i = mr; i < MR; i++)
                for (int k = 0; k < kc; k++) dst[k * MR + i] = 0;
        }
    }
}

// Packs op(B)[p0:p0+kc, j0:j0+nr] into one strip: strip[k*NR + j], zero-padded to NR columns.
static void pack_b(int transB, int p0, int kc, int j0, int nr, const float *B, int ldb, float *dst) {
    if (transB) {
        for (int j = 0; j < nr; j++) {
            const float *src = B + (size_t)(j0 + j) * ldb + p0;
            for (int k = 0; k < kc; k++) dst[k * NR + j] = src[k];
        }
        if (nr < NR)
            for (int k = 0; k < kc; k++) memset(dst + k * NR + nr, 0, sizeof(float) * (NR - nr));
    } else {
        for (int k = 0; k < kc; k++) {
            const float *src = B + (size_t)(p0 + k) * ldb + j0;
            float *d = dst + k * NR;
            memcpy(d, src, sizeof(float) * nr);
            if (nr < NR) memset(d + nr, 0, sizeof(float) * (NR - nr));
        }
    }
}

static inline __mmask16 AVX512 lane_mask(int n) {
    return n >= 16 ? (__mmask16)0xFFFF : (n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1));
}

// C[0:mr, 0:nr] = alpha * (a-panel · b-strip) + beta * C over kc steps (beta == 0: C not read).
AVX512 static void kernel_8x48(int kc, const float *a, const float *b, float *C, int ldc, int mr, int nr,
                               float alpha, float beta) {
    __m512 c[MR][3];
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = c[i][2] = _mm512_setzero_ps();
    for (int k = 0; k < kc; k++, a += MR, b += NR) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), b2 = _mm512_load_ps(b + 32);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(a[i]);
            c[i][0] = _mm512_fmadd_ps(ai, b0, c[i][0]);
            c[i][1] = _mm512_fmadd_ps(ai, b1, c[i][1]);
            c[i][2] = _mm512_fmadd_ps(ai, b2, c[i][2]);
        }
    }
    __mmask16 m[3] = {lane_mask(nr), lane_mask(nr - 16), lane_mask(nr - 32)};
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *row = C + (size_t)i * ldc;
        for (int v = 0; v < 3; v++) {
            if (!m[v]) continue;
            __m512 r = _mm512_mul_ps(va, c[i][v]);
            if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m[v], row + 16 * v), r);
            _mm512_mask_storeu_ps(row + 16 * v, m[v], r);
        }
    }
}

void pb_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * C[(size_t)i * ldc + j];
        return;
    }
    int panels = (M + MR - 1) / MR;
    int kcMax = min_int(KC, K);
    size_t aSize = ((size_t)panels * MR * kcMax + 15) & ~(size_t)15;  // keeps packB 64-byte aligned
    float *packA = scratch(aSize + (size_t)kcMax * NR);
    if (!packA) abort();
    float *packB = packA + aSize;
    for (int p0 = 0; p0 < K; p0 += KC) {
        int kc = min_int(KC, K - p0);
        float betaBlock = p0 == 0 ? beta : 1.0f;
        pack_a(transA, M, p0, kc, A, lda, packA);
        for (int j0 = 0; j0 < N; j0 += NR) {
            int nr = min_int(NR, N - j0);
            pack_b(transB, p0, kc, j0, nr, B, ldb, packB);
            for (int i0 = 0, panel = 0; i0 < M; i0 += MR, panel++) {
                kernel_8x48(kc, packA + (size_t)panel * kc * MR, packB, C + (size_t)i0 * ldc + j0, ldc,
                            min_int(MR, M - i0), nr, alpha, betaBlock);
            }
        }
    }
}
