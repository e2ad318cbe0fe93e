// Shared by the channels-last convolution kernels (conv_direct_cl.c, conv_weight_grad_cl.c): the layer's
// shape, the zero-padded copy of a sample's input, and the transposes between [channels, positions] and
// [positions, channels].
#ifndef PRUNEBENCH_CONV_CL_H
#define PRUNEBENCH_CONV_CL_H
#include <string.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE __attribute__((always_inline)) static inline

// C input channels of H×W, OC outputs, K×K kernel, stride S, padding P; OH×OW outputs, Hp×Wp padded planes.
typedef struct {
    int C, H, W, OC, K, S, P, OH, OW, Hp, Wp;
} Shape;

static inline Shape make_shape(int C, int H, int W, int OC, int K, int S, int P) {
    Shape s = {C, H, W, OC, K, S, P, (H + 2 * P - K) / S + 1, (W + 2 * P - K) / S + 1, H + 2 * P, W + 2 * P};
    return s;
}

// xp[c][Hp][Wp]: x [C, H, W] with P zero rows and columns on every side.
static inline void pad_input(const Shape *s, const float *x, float *xp) {
    memset(xp, 0, sizeof(float) * (size_t)s->C * s->Hp * s->Wp);
    for (int c = 0; c < s->C; c++)
        for (int h = 0; h < s->H; h++)
            memcpy(xp + ((long)c * s->Hp + h + s->P) * s->Wp + s->P, x + ((long)c * s->H + h) * s->W,
                   sizeof(float) * s->W);
}

// dst[c][r] = src[r][c] for src [rows, columns], in 16×16 tiles so that both sides move whole cache lines
// (one of them is usually a cold activation).
static inline void transpose(int rows, int columns, const float *src, float *dst) {
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const int rn = rows - r0 < 16 ? rows - r0 : 16;
        for (int c0 = 0; c0 < columns; c0 += 16) {
            const int cn = columns - c0 < 16 ? columns - c0 : 16;
            for (int r = r0; r < r0 + rn; r++)
                for (int c = c0; c < c0 + cn; c++) dst[(long)c * rows + r] = src[(long)r * columns + c];
        }
    }
}
#endif
