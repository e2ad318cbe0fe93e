import CBLAS
import CKernels
import Dispatch

// The one bridge from the engine to its matrix-product back ends: OpenBLAS's CBLAS interface and,
// on CPUs with AVX-512, the engine's own packed micro-kernel (Sources/CKernels), which beats
// OpenBLAS's AVX2 kernel (the one `OPENBLAS_CORETYPE=Haswell` selects) by about 2x on conv shapes.
// Everything else in `NN` multiplies matrices through `gemm`; no other file imports CBLAS.

/// Which implementation computes a GEMM.
package enum GEMMBackend: Sendable {
    /// OpenBLAS `cblas_sgemm`.
    case openBLAS
    /// The engine's AVX-512 kernel (only where `GEMMBackend.avx512Available`).
    case avx512

    /// True when this CPU can run the AVX-512 kernel.
    package static let avx512Available = pb_gemm_available() != 0
    /// The back end `gemm` uses by default: AVX-512 when available, else OpenBLAS.
    package static let preferred: GEMMBackend = avx512Available ? .avx512 : .openBLAS
}

/// The name of the GEMM back end the engine uses ("avx512" or "openblas"); print it with benchmarks.
public func gemmBackendName() -> String { GEMMBackend.preferred == .avx512 ? "avx512" : "openblas" }

/// Row-major single-precision GEMM on raw memory: `C[m,n] = alpha * op(A) * op(B) + beta * C`.
///
/// `op(A)` is `[m,k]` (stored `[k,m]` when `transA`), `op(B)` is `[k,n]` (stored `[n,k]` when `transB`);
/// `lda`, `ldb`, `ldc` are the row strides of the stored matrices. Single-threaded for the AVX-512
/// back end; OpenBLAS runs with its current thread setting.
@inline(__always)
package func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, backend: GEMMBackend = .preferred) {
    guard m > 0, n > 0 else { return }
    if backend == .avx512 {
        pb_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                 beta, c, Int32(ldc))
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `gemm` split into `threads` fixed slices of C's rows (or columns, when C is wider than tall).
///
/// Each slice is one single-threaded OpenBLAS call on its own core; every element of C is
/// computed by the same sequence of operations however it is sliced.
package func parallelGEMM(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                          alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                          b: UnsafePointer<Float>, ldb: Int, beta: Float,
                          c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int,
                          backend: GEMMBackend = .preferred) {
    let work = m * n * k
    guard threads > 1, work >= 1 << 18 else {
        useSingleThreadedBLAS()
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
             b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, backend: backend)
        return
    }
    let splitRows = m >= n
    let extent = splitRows ? m : n
    let slices = min(threads, max(1, extent / 16))
    let (pa, pb, pc) = (SharedPointer(a), SharedPointer(b), SharedPointer(c))
    parallelFor(chunks: slices, threads: threads) { slice, _ in
        // Slice boundaries are multiples of 16 so OpenBLAS uses its full-width micro-kernel.
        let lo = (slice * extent / slices) & ~15, hi = slice == slices - 1 ? extent : ((slice + 1) * extent / slices) & ~15
        guard hi > lo else { return }
        if splitRows {
            let aStart = transA ? pa[lo] : pa[lo * lda]
            gemm(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha, a: aStart, lda: lda,
                 b: pb.base, ldb: ldb, beta: beta, c: pc[lo * ldc], ldc: ldc, backend: backend)
        } else {
            let bStart = transB ? pb[lo * ldb] : pb[lo]
            gemm(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: pa.base, lda: lda,
                 b: bStart, ldb: ldb, beta: beta, c: pc[lo], ldc: ldc, backend: backend)
        }
    }
}

/// Matrix product of 2-D tensors: `c = alpha * op(a) * op(b) + beta * c` (the engine's fast GEMM).
///
/// Shapes: `op(a)` `[m,k]`, `op(b)` `[k,n]`, `c` `[m,n]`; `threads` cores share the work.
public func gemm(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
                 alpha: Float = 1, beta: Float = 0, into c: Tensor, threads: Int = 1) {
    gemm(a, transposeA: transposeA, b, transposeB: transposeB, alpha: alpha, beta: beta, into: c,
         threads: threads, backend: .preferred)
}

/// `gemm(_:_:into:)` on a chosen back end (tests compare both against `naiveGEMM`).
package func gemm(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
                  alpha: Float = 1, beta: Float = 0, into c: Tensor, threads: Int = 1, backend: GEMMBackend) {
    let (m, k, n) = gemmShape(a, transposeA, b, transposeB, c)
    parallelGEMM(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
                 a: a.data, lda: a.shape[1], b: b.data, ldb: b.shape[1], beta: beta,
                 c: c.data, ldc: n, threads: threads, backend: backend)
}

/// Reference matrix product with the same contract as `gemm(_:_:into:)`: triple loop, `Double` sums.
public func naiveGEMM(_ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
                      alpha: Float = 1, beta: Float = 0, into c: Tensor) {
    let (m, k, n) = gemmShape(a, transposeA, b, transposeB, c)
    let lda = a.shape[1], ldb = b.shape[1]
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a.data[p * lda + i] : a.data[i * lda + p]
                let y = transposeB ? b.data[j * ldb + p] : b.data[p * ldb + j]
                sum += Double(x) * Double(y)
            }
            let old = beta == 0 ? 0 : Double(beta) * Double(c.data[i * n + j])
            c.data[i * n + j] = Float(Double(alpha) * sum + old)
        }
    }
}

/// Checks 2-D shapes for a GEMM and returns `(m, k, n)`.
private func gemmShape(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool, _ c: Tensor) -> (Int, Int, Int) {
    precondition(a.shape.count == 2 && b.shape.count == 2 && c.shape.count == 2, "gemm needs 2-D tensors")
    let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = tb ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == k2 && c.shape == [m, n], "gemm shapes \(a.shape) \(b.shape) -> \(c.shape)")
    return (m, k, n)
}

/// Sets the number of threads OpenBLAS itself uses for one GEMM call (a process-wide library setting).
public func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }

/// The number of threads OpenBLAS currently uses per call.
public func blasThreads() -> Int { Int(openblas_get_num_threads()) }

/// Makes OpenBLAS single-threaded if it is not (before the engine runs GEMMs on its own workers).
package func useSingleThreadedBLAS() {
    if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
}

/// The name of the CPU kernel OpenBLAS selected (e.g. "Haswell"); print it with every benchmark.
public func blasCoreName() -> String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
}
