// Shared tiling for the direct stride-1 kernels: a tile is 32 output lanes in two zmm vectors.
// L = lanes per output row: 32 (rows of 17..32: one row, both vectors), 16 (rows of 9..16: two rows,
// one per vector) or 8 (rows of up to 8: four rows, two 8-lane segments per vector). The kernels are
// instantiated per L so the segment layout is known at compile time.
#ifndef PRUNEBENCH_CONV_TILE_H
#define PRUNEBENCH_CONV_TILE_H
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE __attribute__((always_inline)) static inline
#define MAXK 16

// Segment s of vector v: output-row offset, first output column and first lane within the vector.
INLINE int seg_row(int L, int v, int s) { return L == 32 ? 0 : (L == 16 ? v : 2 * v + s); }
INLINE int seg_col(int L, int v, int s) { (void)s; return L == 32 ? 16 * v : 0; }
INLINE int seg_lane(int L, int s) { return L == 8 ? 8 * s : 0; }
INLINE int segments(int L) { return L == 8 ? 2 : 1; }

// Lanes [lane0, lane0 + lanes) whose output column col0 + l is < OW and whose input column
// col0 + l + shift is inside [0, W).
static inline __mmask16 tile_lanes(int lane0, int lanes, int col0, int shift, int W, int OW) {
    unsigned bits = 0;
    for (int l = 0; l < lanes; l++) {
        int col = col0 + l;
        if (col < OW && col + shift >= 0 && col + shift < W) bits |= 1u << (lane0 + l);
    }
    return (__mmask16)bits;
}

// Input masks in[v][s][kj] and output masks out[v][s] for lane width L.
static inline void tile_masks(int L, int W, int OW, int K, int P, __mmask16 in[2][2][MAXK], __mmask16 out[2][2]) {
    int lanes = L == 8 ? 8 : 16;
    for (int v = 0; v < 2; v++)
        for (int s = 0; s < 2; s++) {
            int lb = L == 8 ? 8 * s : 0, cs = L == 32 ? 16 * v : 0;
            for (int kj = 0; kj < K; kj++) in[v][s][kj] = tile_lanes(lb, lanes, cs, kj - P, W, OW);
            out[v][s] = tile_lanes(lb, lanes, cs, 0, OW, OW);
        }
}
#endif
