// Direct stride-1 convolution: an 8-output-channel x 2-vector register tile (16 zmm accumulators),
// vectorised along output columns (rows up to 32 wide) or over two output rows (rows up to 16 wide).
// Padding is handled by masked loads; no im2col matrix is built.
#include "ckernels.h"
#include <immintrin.h>
#include <string.h>

#define OCB 8
#define AVX512 __attribute__((target("avx512f")))

int pb_conv_packed_weight_count(int outChannels, int rowLength) {
    return (outChannels + OCB - 1) / OCB * OCB * rowLength;
}

void pb_conv_pack_weights(int outChannels, int rowLength, const float *w, float *dst) {
    int blocks = (outChannels + OCB - 1) / OCB;
    for (int b = 0; b < blocks; b++) {
        float *d = dst + (size_t)b * rowLength * OCB;
        for (int t = 0; t < rowLength; t++)
            for (int i = 0; i < OCB; i++) {
                int oc = b * OCB + i;
                d[t * OCB + i] = oc < outChannels ? w[(size_t)oc * rowLength + t] : 0.0f;
            }
    }
}

// Lanes l with 0 <= start + l < limit and l < count (l in 0..<16).
static inline __mmask16 AVX512 range_mask(int start, int limit, int count) {
    unsigned bits = 0;
    for (int l = 0; l < 16 && l < count; l++)
        if (start + l >= 0 && start + l < limit) bits |= 1u << l;
    return (__mmask16)bits;
}

AVX512 void pb_conv2d_s1(int C, int H, int W, int OC, int K, int P, const float *x, const float *packedWeights,
                         const float *bias, float *y) {
    const int OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
    const int rowLength = C * K * K, blocks = (OC + OCB - 1) / OCB;
    const int twoRows = OW <= 16;
    __mmask16 m0[16], m1[16];  // per kj: valid lanes of the first and second vector (K <= 16)
    for (int kj = 0; kj < K && kj < 16; kj++) {
        m0[kj] = range_mask(kj - P, W, OW);
        m1[kj] = twoRows ? m0[kj] : range_mask(16 + kj - P, W, OW - 16);
    }
    const __mmask16 store0 = (__mmask16)(OW >= 16 ? 0xFFFF : (1u << OW) - 1);
    const __mmask16 store1 = twoRows ? store0 : (__mmask16)((1u << (OW - 16)) - 1);
    const int rowStep = twoRows ? 2 : 1;
    for (int b = 0; b < blocks; b++) {
        const int ocb = OC - b * OCB < OCB ? OC - b * OCB : OCB;
        const float *wBlock = packedWeights + (size_t)b * rowLength * OCB;
        for (int oh = 0; oh < OH; oh += rowStep) {
            const int rows = twoRows && oh + 1 < OH ? 2 : 1;
            __m512 acc[OCB][2];
#pragma clang loop unroll(full)
            for (int i = 0; i < OCB; i++) {
                float b0 = (bias && i < ocb) ? bias[b * OCB + i] : 0.0f;
                acc[i][0] = acc[i][1] = _mm512_set1_ps(b0);
            }
            const float *wp = wBlock;
            for (int c = 0; c < C; c++) {
                for (int ki = 0; ki < K; ki++, wp += K * OCB) {
                    const int ih0 = oh - P + ki;
                    const int valid0 = ih0 >= 0 && ih0 < H;
                    const int valid1 = twoRows ? (rows == 2 && ih0 + 1 >= 0 && ih0 + 1 < H) : valid0;
                    if (!valid0 && !valid1) continue;
                    const float *r0 = x + ((long)c * H + ih0) * W - P;
                    const float *r1 = twoRows ? r0 + W : r0 + 16;
                    const __mmask16 use0 = valid0 ? 0xFFFF : 0, use1 = valid1 ? 0xFFFF : 0;
                    const float *wk = wp;
                    for (int kj = 0; kj < K; kj++, wk += OCB) {
                        __m512 v0 = _mm512_maskz_loadu_ps(m0[kj] & use0, r0 + kj);
                        __m512 v1 = _mm512_maskz_loadu_ps(m1[kj] & use1, r1 + kj);
#pragma clang loop unroll(full)
                        for (int i = 0; i < OCB; i++) {
                            __m512 wv = _mm512_set1_ps(wk[i]);
                            acc[i][0] = _mm512_fmadd_ps(wv, v0, acc[i][0]);
                            acc[i][1] = _mm512_fmadd_ps(wv, v1, acc[i][1]);
                        }
                    }
                }
            }
            for (int i = 0; i < ocb; i++) {
                float *out = y + ((size_t)(b * OCB + i) * OH + oh) * OW;
                _mm512_mask_storeu_ps(out, store0, acc[i][0]);
                if (twoRows) {
                    if (rows == 2) _mm512_mask_storeu_ps(out + OW, store0, acc[i][1]);
                } else {
                    _mm512_mask_storeu_ps(out + 16, store1, acc[i][1]);
                }
            }
        }
    }
}
