// Weight gradient of a stride-1 convolution with output channels in vector lanes ("channels-last"):
// per sample, dy is transposed to [OH·OW, OC] and x copied into zero-padded planes, then each tile of
// 16·V output channels × (cT channels · K·K taps) keeps its sums in registers over every output
// position: one dy vector load per V·cT·K·K FMAs, no masked lanes, no horizontal reductions, whatever
// the map size. Sums are kept transposed, dwT[c][ki][kj][oc], and added to dw [OC, C, K, K] at the end.
#include "ckernels.h"
#include "conv_cl.h"
#include <immintrin.h>

long pb_conv2d_s1_weight_grad_cl_scratch(int C, int H, int W, int OC, int K, int P) {
    Shape s = make_shape(C, H, W, OC, K, 1, P);
    return (long)s.OH * s.OW * OC + (long)C * s.Hp * s.Wp + (long)C * K * K * OC + 16;
}

int pb_conv2d_s1_weight_grad_cl_supported(int OC, int K) { return OC % 16 == 0 && (K == 3 || K == 5); }

// One tile: output channels [oc0, oc0 + 16V) × channels [c0, c0 + CT) × all K·K taps, over every output position.
AVX512 INLINE void tile(const int V, const int CT, const int K, const Shape *s, int oc0, int c0, const float *dyT,
                        const float *xp, float *dwT) {
    const int KK = K * K, plane = s->Hp * s->Wp;
    __m512 acc[2][27];
    for (int ct = 0; ct < CT; ct++)
        for (int t = 0; t < KK; t++)
            for (int v = 0; v < V; v++)
                acc[v][ct * KK + t] = _mm512_loadu_ps(dwT + ((long)(c0 + ct) * KK + t) * s->OC + oc0 + 16 * v);
    for (int oh = 0; oh < s->OH; oh++) {
        const float *g = dyT + (long)oh * s->OW * s->OC + oc0;
        const float *xrow = xp + (long)c0 * plane + (long)oh * s->Wp;
        for (int ow = 0; ow < s->OW; ow++, g += s->OC, xrow++) {
            __m512 gv[2];
            for (int v = 0; v < V; v++) gv[v] = _mm512_loadu_ps(g + 16 * v);
            for (int ct = 0; ct < CT; ct++)
                for (int ki = 0; ki < K; ki++)
                    for (int kj = 0; kj < K; kj++) {
                        __m512 xv = _mm512_set1_ps(xrow[ct * plane + ki * s->Wp + kj]);
                        for (int v = 0; v < V; v++)
                            acc[v][(ct * K + ki) * K + kj] = _mm512_fmadd_ps(gv[v], xv, acc[v][(ct * K + ki) * K + kj]);
                    }
        }
    }
    for (int ct = 0; ct < CT; ct++)
        for (int t = 0; t < KK; t++)
            for (int v = 0; v < V; v++)
                _mm512_storeu_ps(dwT + ((long)(c0 + ct) * KK + t) * s->OC + oc0 + 16 * v, acc[v][ct * KK + t]);
}

// Every tile of one sample: K = 3 as 32 channels × 1 input channel (18 sums) when OC is a multiple of 32,
// else 16 × 2 input channels (18) and a last single channel; K = 5 as 16 × 1 (25).
AVX512 static void sample_tiles(const Shape *s, const float *dyT, const float *xp, float *dwT) {
    if (s->K == 5) {
        for (int oc0 = 0; oc0 < s->OC; oc0 += 16)
            for (int c = 0; c < s->C; c++) tile(1, 1, 5, s, oc0, c, dyT, xp, dwT);
        return;
    }
    if (s->OC % 32 == 0) {
        for (int oc0 = 0; oc0 < s->OC; oc0 += 32)
            for (int c = 0; c < s->C; c++) tile(2, 1, 3, s, oc0, c, dyT, xp, dwT);
        return;
    }
    for (int oc0 = 0; oc0 < s->OC; oc0 += 16) {
        int c = 0;
        for (; c + 2 <= s->C; c += 2) tile(1, 2, 3, s, oc0, c, dyT, xp, dwT);
        if (c < s->C) tile(1, 1, 3, s, oc0, c, dyT, xp, dwT);
    }
}

AVX512 void pb_conv2d_s1_weight_grad_cl(int samples, long xStride, long dyStride, int C, int H, int W, int OC,
                                        int K, int P, const float *x, const float *dy, float *dw, float *scratch) {
    const Shape s = make_shape(C, H, W, OC, K, 1, P);
    const long KK = (long)K * K;
    float *dyT = scratch, *xp = dyT + (long)s.OH * s.OW * OC, *dwT = xp + (long)C * s.Hp * s.Wp;
    memset(dwT, 0, sizeof(float) * (size_t)(C * KK * OC));
    for (int n = 0; n < samples; n++) {
        transpose(OC, s.OH * s.OW, dy + n * dyStride, dyT);
        pad_input(&s, x + n * xStride, xp);
        sample_tiles(&s, dyT, xp, dwT);
    }
    for (int oc = 0; oc < OC; oc++)
        for (long r = 0; r < C * KK; r++) dw[oc * C * KK + r] += dwT[r * OC + oc];
}
