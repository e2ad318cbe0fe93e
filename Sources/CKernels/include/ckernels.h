// PruneBench's own single-precision GEMM micro-kernels (AVX-512, selected at run time).
#ifndef PRUNEBENCH_CKERNELS_H
#define PRUNEBENCH_CKERNELS_H

/// 1 when this CPU runs the AVX-512 GEMM (avx512f), else 0.
int pb_gemm_available(void);

/// Row-major C[M,N] = alpha * op(A) op(B) + beta * C on one thread (AVX-512; call only when available).
/// op(A) is [M,K] (stored [K,M] when transA), op(B) is [K,N] (stored [N,K] when transB).
/// beta == 0 never reads C. The per-element summation order depends on K only, not on M or N,
/// so slicing C into row or column blocks gives bit-identical results.
void pb_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/// Floats `pb_conv_pack_weights` writes for `outChannels` rows of `rowLength` (= C·K·K) weights.
int pb_conv_packed_weight_count(int outChannels, int rowLength);

/// Packs conv weights w [OC, rowLength] into blocks of 8 output channels, dst[(b·rowLength + t)·8 + i]
/// = w[(8b + i)·rowLength + t], zero-padded to a multiple of 8 channels.
void pb_conv_pack_weights(int outChannels, int rowLength, const float *w, float *dst);

/// Direct stride-1 convolution of one sample (AVX-512; call only when available; outWidth <= 32, K <= 16):
/// y[oc, oh, ow] = bias[oc] + Σ_{c,ki,kj} w[oc, c, ki, kj] · x[c, oh - P + ki, ow - P + kj] (zero outside),
/// x [C, H, W], packed weights from `pb_conv_pack_weights`, bias [OC] or NULL, y [OC, OH, OW]
/// with OH = H + 2P - K + 1, OW = W + 2P - K + 1. Sums run over (c, ki, kj) in that order.
void pb_conv2d_s1(int C, int H, int W, int OC, int K, int P, const float *x, const float *packedWeights,
                  const float *bias, float *y);

/// Weight gradient of `pb_conv2d_s1` over `samples` samples (AVX-512; same size limits):
/// dw[oc, c, ki, kj] += Σ_n Σ_{oh,ow} dy_n[oc, oh, ow] · x_n[c, oh - P + ki, ow - P + kj], with
/// x_n = x + n·xStride [C, H, W], dy_n = dy + n·dyStride [OC, OH, OW] and dw [OC, C, K, K].
void pb_conv2d_s1_weight_grad(int samples, long xStride, long dyStride, int C, int H, int W, int OC, int K, int P,
                              const float *x, const float *dy, float *dw);

/// Whether `pb_conv2d_cl` handles OC output channels (per group), a K×K kernel and stride S: OC a multiple of 16,
/// K <= 7, S 1 or 2.
int pb_conv2d_cl_supported(int OC, int K, int S);

/// Floats of scratch `pb_conv2d_cl` needs for one call.
long pb_conv2d_cl_scratch(int C, int H, int W, int OC, int K, int S, int P);

/// Packs conv weights w [OC, C, K, K] for `pb_conv2d_cl`: dst[(c·K·K + t)·OC + oc] = w[oc, c, t].
void pb_conv2d_cl_pack_weights(int OC, int C, int K, const float *w, float *dst);

/// Direct convolution of one sample with stride S (1 or 2) and output channels in vector lanes:
/// y[oc, oh, ow] = bias[oc] + Σ_{c,ki,kj} w[oc, c, ki, kj] · x[c, S·oh - P + ki, S·ow - P + kj] (zero outside),
/// summed over (c, ki, kj) in that order, padding adding exact zeros: for finite inputs the same bits as
/// `pb_conv2d_s1` (stride 1) and as im2col + `pb_sgemm` without bias when C·K·K <= 512. No row-width limit, no idle lanes.
/// Weights from `pb_conv2d_cl_pack_weights`; `scratch` holds `pb_conv2d_cl_scratch` floats. AVX-512 only.
void pb_conv2d_cl(int C, int H, int W, int OC, int K, int S, int P, const float *x, const float *packedWeights,
                  const float *bias, float *y, float *scratch);

/// Whether `pb_conv2d_s1_weight_grad_cl` handles OC output channels (per group) and a K×K kernel: OC a multiple of 16, K 3 or 5.
int pb_conv2d_s1_weight_grad_cl_supported(int OC, int K);

/// Floats of scratch `pb_conv2d_s1_weight_grad_cl` needs for one call.
long pb_conv2d_s1_weight_grad_cl_scratch(int C, int H, int W, int OC, int K, int P);

/// The same weight gradient as `pb_conv2d_s1_weight_grad` (no row-width limit), computed with output channels in
/// vector lanes: per sample dy is transposed to [OH·OW, OC] and x zero-padded, and each dw element's sum runs
/// over samples in order and, within a sample, over output positions in row-major order. `scratch` holds
/// `pb_conv2d_s1_weight_grad_cl_scratch` floats. AVX-512 only; call when supported.
void pb_conv2d_s1_weight_grad_cl(int samples, long xStride, long dyStride, int C, int H, int W, int OC, int K, int P,
                                 const float *x, const float *dy, float *dw, float *scratch);

/// glibc only (elsewhere a no-op): blocks below `mmapThreshold` bytes come from the heap, and the heap
/// is trimmed only when more than `trimThreshold` bytes at its top are free. Only the first call has an effect.
void pb_tune_allocator(int mmapThreshold, int trimThreshold);

#endif
