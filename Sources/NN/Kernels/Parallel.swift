import Dispatch

/// A raw `Float` pointer that may be captured by `concurrentPerform` workers.
///
/// Callers guarantee that concurrent workers write disjoint elements.
package struct SharedPointer: @unchecked Sendable {
    /// The wrapped address.
    package let base: UnsafeMutablePointer<Float>
    /// Wraps `base`.
    package init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
    /// Wraps a read-only address (the kernels never write through it).
    package init(_ base: UnsafePointer<Float>) { self.base = UnsafeMutablePointer(mutating: base) }
    /// The address `offset` elements further on.
    @inline(__always) package subscript(offset: Int) -> UnsafeMutablePointer<Float> { base + offset }
}

/// A raw `Int32` pointer that may be captured by `concurrentPerform` workers (disjoint writes only).
package struct SharedIndexPointer: @unchecked Sendable {
    /// The wrapped address.
    package let base: UnsafeMutablePointer<Int32>
    /// Wraps `base`.
    package init(_ base: UnsafeMutablePointer<Int32>) { self.base = base }
}

/// The number of fixed chunks a batch of `count` items is cut into for reductions.
///
/// It depends on the item count only, never on the thread count, so per-chunk partial
/// sums (weight gradients, say) are added in the same order whatever the parallelism:
/// results are bit-identical for 1, 2 or more threads.
package func reductionChunkCount(_ count: Int) -> Int { max(1, min(count, 8)) }

/// The half-open item range of chunk `chunk` when `count` items are cut into `chunks` near-equal chunks.
@inline(__always)
package func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
    (chunk * count / chunks)..<((chunk + 1) * count / chunks)
}

/// Runs `body(chunk, worker)` for every chunk in `0..<chunks` on at most `threads` workers.
///
/// Worker `w` takes a contiguous run of chunks (`chunkRange(w, of: workers, …)`), so the
/// assignment is static; `worker` indexes per-worker scratch space. OpenBLAS is set to one
/// thread first, so GEMMs called inside `body` do not oversubscribe the cores.
package func parallelFor(chunks: Int, threads: Int, _ body: @Sendable (_ chunk: Int, _ worker: Int) -> Void) {
    let workers = max(1, min(threads, chunks))
    if workers == 1 {
        for chunk in 0..<chunks { body(chunk, 0) }
        return
    }
    useSingleThreadedBLAS()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for chunk in chunkRange(worker, of: workers, count: chunks) { body(chunk, worker) }
    }
}

/// Owns a growable scratch allocation of `T`, reused across calls to avoid per-call allocation.
package final class Workspace<T>: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<T>?
    private var capacity = 0

    /// An empty workspace.
    package init() {}

    /// At least `count` elements of scratch (contents undefined); valid until the next call.
    package func pointer(count: Int) -> UnsafeMutablePointer<T> {
        if let storage, capacity >= count { return storage }
        storage?.deallocate()
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        storage = fresh
        capacity = max(count, 1)
        return fresh
    }

    deinit { storage?.deallocate() }
}

extension Tensor {
    /// An uninitialised tensor of `shape` for results that a kernel overwrites completely.
    package static func output(_ shape: [Int]) -> Tensor { Tensor(uninitialized: shape) }
}
