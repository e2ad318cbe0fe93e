// Weight gradient of the direct stride-1 convolution: a 4-output-channel x 3-column-offset tile of
// vector accumulators (lanes along output columns, or over two output rows when rows are <= 16 wide),
// reduced horizontally once per (input channel, kernel row).
#include "ckernels.h"
#include <immintrin.h>

#define OCT 4
#define KJT 3
#define AVX512 __attribute__((target("avx512f")))

static inline __mmask16 AVX512 lanes(int start, int limit, int count) {
    unsigned bits = 0;
    for (int l = 0; l < 16 && l < count; l++)
        if (start + l >= 0 && start + l < limit) bits |= 1u << l;
    return (__mmask16)bits;
}

AVX512 void pb_conv2d_s1_weight_grad(int C, int H, int W, int OC, int K, int P, const float *x, const float *dy,
                                     float *dw) {
    const int OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
    const int twoRows = OW <= 16, rowStep = twoRows ? 2 : 1;
    __mmask16 m0[16], m1[16];
    for (int kj = 0; kj < K && kj < 16; kj++) {
        m0[kj] = lanes(kj - P, W, OW);
        m1[kj] = twoRows ? m0[kj] : lanes(16 + kj - P, W, OW - 16);
    }
    const __mmask16 d0 = (__mmask16)(OW >= 16 ? 0xFFFF : (1u << OW) - 1);
    const __mmask16 d1 = twoRows ? d0 : (__mmask16)((1u << (OW - 16)) - 1);
    for (int oc0 = 0; oc0 < OC; oc0 += OCT) {
        const int ocn = OC - oc0 < OCT ? OC - oc0 : OCT;
        for (int c = 0; c < C; c++) {
            for (int ki = 0; ki < K; ki++) {
                for (int kj0 = 0; kj0 < K; kj0 += KJT) {
                    const int kjn = K - kj0 < KJT ? K - kj0 : KJT;
                    __m512 acc[OCT][KJT];
#pragma clang loop unroll(full)
                    for (int i = 0; i < OCT; i++)
#pragma clang loop unroll(full)
                        for (int j = 0; j < KJT; j++) acc[i][j] = _mm512_setzero_ps();
                    for (int oh = 0; oh < OH; oh += rowStep) {
                        const int rows = twoRows && oh + 1 < OH ? 2 : 1;
                        const int ih0 = oh - P + ki;
                        const int valid0 = ih0 >= 0 && ih0 < H;
                        const int valid1 = twoRows ? (rows == 2 && ih0 + 1 >= 0 && ih0 + 1 < H) : valid0;
                        if (!valid0 && !valid1) continue;
                        const float *r0 = x + ((long)c * H + ih0) * W - P + kj0;
                        const float *r1 = twoRows ? r0 + W : r0 + 16;
                        const __mmask16 use0 = valid0 ? 0xFFFF : 0, use1 = valid1 ? 0xFFFF : 0;
                        __m512 xv0[KJT], xv1[KJT];
#pragma clang loop unroll(full)
                        for (int j = 0; j < KJT; j++) {
                            const int kj = kj0 + j < K ? kj0 + j : kj0;
                            const __mmask16 keep = kj0 + j < K ? 0xFFFF : 0;
                            xv0[j] = _mm512_maskz_loadu_ps(m0[kj] & use0 & keep, r0 + j);
                            xv1[j] = _mm512_maskz_loadu_ps(m1[kj] & use1 & keep, r1 + j);
                        }
                        const __mmask16 dm1 = (twoRows && rows < 2) ? 0 : d1;
#pragma clang loop unroll(full)
                        for (int i = 0; i < OCT; i++) {
                            if (i >= ocn) break;
                            const float *g = dy + ((size_t)(oc0 + i) * OH + oh) * OW;
                            __m512 g0 = _mm512_maskz_loadu_ps(d0, g);
                            __m512 g1 = _mm512_maskz_loadu_ps(dm1, twoRows ? g + OW : g + 16);
#pragma clang loop unroll(full)
                            for (int j = 0; j < KJT; j++) {
                                acc[i][j] = _mm512_fmadd_ps(g0, xv0[j], acc[i][j]);
                                acc[i][j] = _mm512_fmadd_ps(g1, xv1[j], acc[i][j]);
                            }
                        }
                    }
                    for (int i = 0; i < ocn; i++)
                        for (int j = 0; j < kjn; j++)
                            dw[(((size_t)(oc0 + i) * C + c) * K + ki) * K + kj0 + j] += _mm512_reduce_add_ps(acc[i][j]);
                }
            }
        }
    }
}
