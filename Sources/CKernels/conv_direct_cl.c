// Direct convolution (stride 1 or 2) with output channels in vector lanes ("channels-last"): x is copied into
// zero-padded planes, and each tile of PT consecutive outputs of one row × 16·V output channels keeps its
// sums in registers over every (c, ki, kj) (V = 2 when OC is a multiple of 32, else 1; PT ≤ 24 / V): per
// tap, V weight-vector loads and PT broadcasts feed PT·V FMAs, with no masked lanes whatever the row width.
// The tile's results go to yT [OH·OW, OC], transposed into y [OC, OH, OW] at the end.
#include "ckernels.h"
#include "conv_cl.h"
#include <immintrin.h>

int pb_conv2d_cl_supported(int OC, int K, int S) { return OC % 16 == 0 && K <= 7 && (S == 1 || S == 2); }

long pb_conv2d_cl_scratch(int C, int H, int W, int OC, int K, int S, int P) {
    Shape s = make_shape(C, H, W, OC, K, S, P);
    return (long)C * s.Hp * s.Wp + (long)s.OH * s.OW * OC;
}

void pb_conv2d_cl_pack_weights(int OC, int C, int K, const float *w, float *dst) {
    const int taps = C * K * K;
    for (int oc = 0; oc < OC; oc++)
        for (int t = 0; t < taps; t++) dst[(long)t * OC + oc] = w[(long)oc * taps + t];
}

// yT[oh·OW + ow0 + t][oc0 + 16v], t < PT, v < V.
AVX512 INLINE void tile(const int V, const int PT, const int S, const Shape *s, int oh, int ow0, int oc0, const float *wT,
                        const float *bias, const float *xp, float *yT) {
    const int K = s->K, plane = s->Hp * s->Wp;
    __m512 acc[24][2];
    for (int v = 0; v < V; v++) {
        __m512 b = bias ? _mm512_loadu_ps(bias + oc0 + 16 * v) : _mm512_setzero_ps();
        for (int t = 0; t < PT; t++) acc[t][v] = b;
    }
    const float *wp = wT + oc0;
    for (int c = 0; c < s->C; c++) {
        const float *row = xp + (long)c * plane + (long)oh * S * s->Wp + ow0 * S;
        for (int ki = 0; ki < K; ki++, row += s->Wp)
            for (int kj = 0; kj < K; kj++, wp += s->OC) {
                __m512 wv[2];
                for (int v = 0; v < V; v++) wv[v] = _mm512_loadu_ps(wp + 16 * v);
                for (int t = 0; t < PT; t++) {
                    __m512 xv = _mm512_set1_ps(row[t * S + kj]);
                    for (int v = 0; v < V; v++) acc[t][v] = _mm512_fmadd_ps(wv[v], xv, acc[t][v]);
                }
            }
    }
    float *out = yT + ((long)oh * s->OW + ow0) * s->OC + oc0;
    for (int t = 0; t < PT; t++)
        for (int v = 0; v < V; v++) _mm512_storeu_ps(out + (long)t * s->OC + 16 * v, acc[t][v]);
}

#define CASE(V, PT) \
    case PT: s->S == 1 ? tile(V, PT, 1, s, oh, ow0, oc0, wT, bias, xp, yT) : tile(V, PT, 2, s, oh, ow0, oc0, wT, bias, xp, yT); break;

AVX512 static void tile_v1(const Shape *s, int pt, int oh, int ow0, int oc0, const float *wT, const float *bias,
                           const float *xp, float *yT) {
    switch (pt) {
        CASE(1, 1) CASE(1, 2) CASE(1, 3) CASE(1, 4) CASE(1, 5) CASE(1, 6) CASE(1, 7) CASE(1, 8)
        CASE(1, 9) CASE(1, 10) CASE(1, 11) CASE(1, 12) CASE(1, 13) CASE(1, 14) CASE(1, 15) CASE(1, 16)
        CASE(1, 17) CASE(1, 18) CASE(1, 19) CASE(1, 20) CASE(1, 21) CASE(1, 22) CASE(1, 23) CASE(1, 24)
    }
}

AVX512 static void tile_v2(const Shape *s, int pt, int oh, int ow0, int oc0, const float *wT, const float *bias,
                           const float *xp, float *yT) {
    switch (pt) {
        CASE(2, 1) CASE(2, 2) CASE(2, 3) CASE(2, 4) CASE(2, 5) CASE(2, 6)
        CASE(2, 7) CASE(2, 8) CASE(2, 9) CASE(2, 10) CASE(2, 11) CASE(2, 12)
    }
}

AVX512 void pb_conv2d_cl(int C, int H, int W, int OC, int K, int S, int P, const float *x, const float *packedWeights,
                         const float *bias, float *y, float *scratch) {
    const Shape shape = make_shape(C, H, W, OC, K, S, P), *s = &shape;
    float *xp = scratch, *yT = xp + (long)C * s->Hp * s->Wp;
    pad_input(s, x, xp);
    const int V = OC % 32 == 0 ? 2 : 1, maxPT = 24 / V;
    const int pieces = (s->OW + maxPT - 1) / maxPT, PT = (s->OW + pieces - 1) / pieces;
    for (int oc0 = 0; oc0 < OC; oc0 += 16 * V)
        for (int oh = 0; oh < s->OH; oh++)
            for (int ow0 = 0; ow0 < s->OW; ow0 += PT) {
                const int pt = s->OW - ow0 < PT ? s->OW - ow0 : PT;
                if (V == 2) tile_v2(s, pt, oh, ow0, oc0, packedWeights, bias, xp, yT);
                else tile_v1(s, pt, oh, ow0, oc0, packedWeights, bias, xp, yT);
            }
    transpose(s->OH * s->OW, OC, yT, y);
}
