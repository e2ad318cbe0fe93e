// Weight gradient of the direct stride-1 convolution: 8 output channels x 3 column offsets of vector
// accumulators over one 32-lane tile (conv_tile.h), summed over every sample and output row and then
// reduced horizontally once per (channel, kernel row, column group).
#include "ckernels.h"
#include "conv_tile.h"

#define OCT 8
#define KJT 3

AVX512 INLINE void conv_s1_weight_grad(const int L, int samples, long xStride, long dyStride, int C, int H, int W,
                                       int OC, int K, int P, const float *x, const float *dy, float *dw) {
    const int OH = H + 2 * P - K + 1, OW = W + 2 * P - K + 1;
    const int S = segments(L), rowsPerTile = 32 / L;
    __mmask16 in[2][2][MAXK], out[2][2];
    tile_masks(L, W, OW, K, P, in, out);
    for (int oc0 = 0; oc0 < OC; oc0 += OCT) {
        const int ocn = OC - oc0 < OCT ? OC - oc0 : OCT;
        for (int c = 0; c < C; c++) {
            for (int ki = 0; ki < K; ki++) {
                for (int kj0 = 0; kj0 < K; kj0 += KJT) {
                    const int kjn = K - kj0 < KJT ? K - kj0 : KJT;
                    __m512 acc[OCT][KJT];
                    for (int i = 0; i < OCT; i++)
                        for (int j = 0; j < KJT; j++) acc[i][j] = _mm512_setzero_ps();
                    for (int n = 0; n < samples; n++)
                    for (int oh = 0; oh < OH; oh += rowsPerTile) {
                        const float *plane = x + n * xStride + (long)c * H * W;
                        const float *dyn = dy + n * dyStride;
                        __m512 xv[2][KJT], g[OCT][2];
                        for (int v = 0; v < 2; v++) {
                            const float *ptr[2];
                            __mmask16 rowOK[2], outOK[2];
                            for (int s = 0; s < S; s++) {
                                int ih = oh + seg_row(L, v, s) - P + ki;
                                rowOK[s] = (ih >= 0 && ih < H) ? 0xFFFF : 0;
                                outOK[s] = oh + seg_row(L, v, s) < OH ? 0xFFFF : 0;
                                ptr[s] = plane + (long)ih * W + seg_col(L, v, s) - P - seg_lane(L, s) + kj0;
                            }
                            for (int j = 0; j < KJT; j++) {
                                int kj = kj0 + j < K ? kj0 + j : kj0;
                                __mmask16 keep = kj0 + j < K ? 0xFFFF : 0;
                                xv[v][j] = _mm512_maskz_loadu_ps(in[v][0][kj] & rowOK[0] & keep, ptr[0] + j);
                                if (S == 2)
                                    xv[v][j] = _mm512_mask_loadu_ps(xv[v][j], in[v][1][kj] & rowOK[1] & keep, ptr[1] + j);
                            }
                            for (int i = 0; i < OCT; i++) {
                                const float *gp = dyn + (size_t)(oc0 + (i < ocn ? i : 0)) * OH * OW;
                                __mmask16 use = i < ocn ? 0xFFFF : 0;
                                int row0 = oh + seg_row(L, v, 0);
                                g[i][v] = _mm512_maskz_loadu_ps(out[v][0] & outOK[0] & use,
                                                                gp + (long)row0 * OW + seg_col(L, v, 0) - seg_lane(L, 0));
                                if (S == 2) {
                                    int row1 = oh + seg_row(L, v, 1);
                                    g[i][v] = _mm512_mask_loadu_ps(g[i][v], out[v][1] & outOK[1] & use,
                                                                   gp + (long)row1 * OW + seg_col(L, v, 1) - seg_lane(L, 1));
                                }
                            }
                        }
                        for (int i = 0; i < OCT; i++)
                            for (int j = 0; j < KJT; j++) {
                                acc[i][j] = _mm512_fmadd_ps(g[i][0], xv[0][j], acc[i][j]);
                                acc[i][j] = _mm512_fmadd_ps(g[i][1], xv[1][j], acc[i][j]);
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

AVX512 void pb_conv2d_s1_weight_grad(int samples, long xStride, long dyStride, int C, int H, int W, int OC, int K,
                                     int P, const float *x, const float *dy, float *dw) {
    const int OW = W + 2 * P - K + 1;
    if (OW > 16) conv_s1_weight_grad(32, samples, xStride, dyStride, C, H, W, OC, K, P, x, dy, dw);
    else if (OW > 8) conv_s1_weight_grad(16, samples, xStride, dyStride, C, H, W, OC, K, P, x, dy, dw);
    else conv_s1_weight_grad(8, samples, xStride, dyStride, C, H, W, OC, K, P, x, dy, dw);
}
