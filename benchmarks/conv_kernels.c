// GFLOP/s of the direct convolution kernels on ResNet-20's and LeNet-5's layer shapes, one thread: forward
// with spatial tiles (pb_conv2d_s1, with and without staging the sample in a buffer first) against
// channels-last (pb_conv2d_cl), and the weight gradient with spatial tiles against channels-last. "warm":
// 16 samples cycled (they stay in L2); "cold": 128 distinct samples, as in a training step. Checks that the
// two forward kernels agree bit for bit. Build and run (from the repository root):
//   clang -O3 -march=x86-64-v3 -ISources/CKernels/include benchmarks/conv_kernels.c Sources/CKernels/conv_*.c Sources/CKernels/sgemm_avx512.c \
//     -o /tmp/conv_kernels -lm && /tmp/conv_kernels
#include "ckernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_floats(long n) {
    float *p = malloc(sizeof(float) * n);
    for (long i = 0; i < n; i++) p[i] = rand() / (float)RAND_MAX - 0.5f;
    return p;
}

enum { SPATIAL, STAGED, CHANNELS_LAST, GRAD_SPATIAL, GRAD_CHANNELS_LAST };

typedef struct {
    int C, H, W, OC, K, P, OH, OW, N;
    long xs, ys;
    float *x, *y, *w, *packed, *packedCL, *stage, *scratch, *dw;
} Layer;

static void run(Layer *l, int kernel) {
    for (int n = 0; n < l->N; n++) {
        const float *x = l->x + n * l->xs;
        float *y = l->y + n * l->ys;
        switch (kernel) {
        case SPATIAL: pb_conv2d_s1(l->C, l->H, l->W, l->OC, l->K, l->P, x, l->packed, NULL, y); break;
        case STAGED:
            memcpy(l->stage, x, sizeof(float) * l->xs);
            pb_conv2d_s1(l->C, l->H, l->W, l->OC, l->K, l->P, l->stage, l->packed, NULL, y);
            break;
        case CHANNELS_LAST: pb_conv2d_cl(l->C, l->H, l->W, l->OC, l->K, 1, l->P, x, l->packedCL, NULL, y, l->scratch); break;
        }
    }
    if (kernel == GRAD_SPATIAL) pb_conv2d_s1_weight_grad(l->N, l->xs, l->ys, l->C, l->H, l->W, l->OC, l->K, l->P, l->x, l->y, l->dw);
    if (kernel == GRAD_CHANNELS_LAST)
        pb_conv2d_s1_weight_grad_cl(l->N, l->xs, l->ys, l->C, l->H, l->W, l->OC, l->K, l->P, l->x, l->y, l->dw, l->scratch);
}

static double gflops(Layer *l, int kernel) {
    const double flops = 2.0 * l->OC * l->C * l->K * l->K * l->OH * l->OW * l->N;
    run(l, kernel);
    int reps = 0;
    double start = now(), elapsed;
    do { run(l, kernel); reps++; } while ((elapsed = now() - start) < 0.3);
    return flops * reps / elapsed / 1e9;
}

int main(void) {
    if (!pb_gemm_available()) { printf("needs AVX-512\n"); return 1; }
    const int shapes[][5] = {{16, 28, 28, 16, 3}, {32, 14, 14, 32, 3}, {64, 7, 7, 64, 3}, {6, 14, 14, 16, 5}, {1, 28, 28, 16, 3}};
    printf("%-22s %5s %9s %9s %9s %9s %9s  %s\n", "layer (C HxW OC k)", "data", "spatial", "staged", "chan-last",
           "dW spat", "dW c-l", "forward bits");
    for (int i = 0; i < 5; i++)
        for (int cold = 0; cold < 2; cold++) {
            Layer l = {shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], shapes[i][4]};
            l.P = l.K == 3 ? 1 : 0, l.OH = l.H + 2 * l.P - l.K + 1, l.OW = l.W + 2 * l.P - l.K + 1, l.N = cold ? 128 : 16;
            l.xs = (long)l.C * l.H * l.W, l.ys = (long)l.OC * l.OH * l.OW;
            l.x = random_floats(l.xs * l.N), l.y = random_floats(l.ys * l.N), l.w = random_floats((long)l.OC * l.C * l.K * l.K);
            l.packed = malloc(sizeof(float) * pb_conv_packed_weight_count(l.OC, l.C * l.K * l.K));
            l.packedCL = malloc(sizeof(float) * l.OC * l.C * l.K * l.K);
            pb_conv_pack_weights(l.OC, l.C * l.K * l.K, l.w, l.packed);
            pb_conv2d_cl_pack_weights(l.OC, l.C, l.K, l.w, l.packedCL);
            long scratch = pb_conv2d_cl_scratch(l.C, l.H, l.W, l.OC, l.K, 1, l.P);
            long gradScratch = pb_conv2d_s1_weight_grad_cl_scratch(l.C, l.H, l.W, l.OC, l.K, l.P);
            l.scratch = malloc(sizeof(float) * (scratch > gradScratch ? scratch : gradScratch));
            l.stage = malloc(sizeof(float) * l.xs), l.dw = calloc((size_t)l.OC * l.C * l.K * l.K, sizeof(float));
            float *reference = malloc(sizeof(float) * l.ys);
            pb_conv2d_s1(l.C, l.H, l.W, l.OC, l.K, l.P, l.x, l.packed, NULL, reference);
            pb_conv2d_cl(l.C, l.H, l.W, l.OC, l.K, 1, l.P, l.x, l.packedCL, NULL, l.y, l.scratch);
            int same = memcmp(reference, l.y, sizeof(float) * l.ys) == 0;
            const int gradCL = pb_conv2d_s1_weight_grad_cl_supported(l.OC, l.K);
            char name[32];
            snprintf(name, sizeof name, "%d %dx%d %d %dx%d", l.C, l.H, l.W, l.OC, l.K, l.K);
            printf("%-22s %5s %9.1f %9.1f %9.1f %9.1f %9.1f  %s\n", name, cold ? "cold" : "warm", gflops(&l, SPATIAL),
                   gflops(&l, STAGED), gflops(&l, CHANNELS_LAST), gflops(&l, GRAD_SPATIAL),
                   gradCL ? gflops(&l, GRAD_CHANNELS_LAST) : 0.0, same ? "identical" : "DIFFER");
        }
    return 0;
}
