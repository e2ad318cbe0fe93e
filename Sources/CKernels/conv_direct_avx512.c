// Direct stride-1 convolution: 8 output channels x one 32-lane tile (16 zmm accumulators).
// Padding is handled by masked loads; no im2col matrix is built. See conv_tile.h for the lane layout.
#include "ckernels.h"
#include "conv_tile.h"

#define OCB 8

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

AVX512 INLINE void conv_s1(const int L, int C, int H, int W, int OC, int K, int P, const float *x,
                           const float *packedWeights, const float *bias, float *y) {
    const int OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
    const int rowLength = C * K * K, blocks = (OC + OCB - 1) / OCB, S = segments(L), rowsPerTile = 32 / L;
    __mmask16 in[2][2][MAXK], out[2][2];
    tile_masks(L, W, OW, K, P, in, out);
    for (int b = 0; b < blocks; b++) {
        const int ocb = OC - b * OCB < OCB ? OC - b * OCB : OCB;
        const float *wBlock = packedWeights + (size_t)b * rowLength * OCB;
        for (int oh = 0; oh < OH; oh += rowsPerTile) {
            __m512 acc[OCB][2];
            for (int i = 0; i < OCB; i++) {
                float b0 = (bias && i < ocb) ? bias[b * OCB + i] : 0.0f;
                acc[i][0] = acc[i][1] = _mm512_set1_ps(b0);
            }
            const float *wp = wBlock;
            for (int c = 0; c < C; c++) {
                const float *plane = x + (long)c * H * W;
                for (int ki = 0; ki < K; ki++) {
                    const float *ptr[2][2];
                    __mmask16 rowOK[2][2];
                    for (int v = 0; v < 2; v++)
                        for (int s = 0; s < S; s++) {
                            int ih = oh + seg_row(L, v, s) - P + ki;
                            rowOK[v][s] = (ih >= 0 && ih < H) ? 0xFFFF : 0;
                            ptr[v][s] = plane + (long)ih * W + seg_col(L, v, s) - P - seg_lane(L, s);
                        }
                    if (!(rowOK[0][0] | rowOK[0][S - 1] | rowOK[1][0] | rowOK[1][S - 1])) {
                        wp += K * OCB;
                        continue;
                    }
                    for (int kj = 0; kj < K; kj++, wp += OCB) {
                        __m512 vec[2];
                        for (int v = 0; v < 2; v++) {
                            vec[v] = _mm512_maskz_loadu_ps(in[v][0][kj] & rowOK[v][0], ptr[v][0] + kj);
                            if (S == 2) vec[v] = _mm512_mask_loadu_ps(vec[v], in[v][1][kj] & rowOK[v][1], ptr[v][1] + kj);
                        }
                        for (int i = 0; i < OCB; i++) {
                            __m512 wv = _mm512_set1_ps(wp[i]);
                            acc[i][0] = _mm512_fmadd_ps(wv, vec[0], acc[i][0]);
                            acc[i][1] = _mm512_fmadd_ps(wv, vec[1], acc[i][1]);
                        }
                    }
                }
            }
            for (int i = 0; i < ocb; i++) {
                float *o = y + (size_t)(b * OCB + i) * OH * OW;
                for (int v = 0; v < 2; v++)
                    for (int s = 0; s < S; s++) {
                        int row = oh + seg_row(L, v, s);
                        if (row < OH)
                            _mm512_mask_storeu_ps(o + (long)row * OW + seg_col(L, v, s) - seg_lane(L, s), out[v][s],
                                                  acc[i][v]);
                    }
            }
        }
    }
}

AVX512 void pb_conv2d_s1(int C, int H, int W, int OC, int K, int P, const float *x, const float *packedWeights,
                         const float *bias, float *y) {
    const int OW = W + 2 * P - K + 1;
    if (OW > 16) conv_s1(32, C, H, W, OC, K, P, x, packedWeights, bias, y);
    else if (OW > 8) conv_s1(16, C, H, W, OC, K, P, x, packedWeights, bias, y);
    else conv_s1(8, C, H, W, OC, K, P, x, packedWeights, bias, y);
}
