/// Elementwise kernels: ReLU, dropout, residual addition.

/// Runs `body(start, count)` over `count` elements in fixed 16-aligned blocks on up to `threads` workers
/// (elementwise results do not depend on the split; small inputs run inline).
package func parallelElementwise(count: Int, threads: Int, _ body: @Sendable (_ start: Int, _ count: Int) -> Void) {
    guard threads > 1, count >= 1 << 16 else {
        body(0, count)
        return
    }
    let blocks = 2 * threads
    parallelFor(chunks: blocks, threads: threads) { block, _ in
        let lo = (block * count / blocks) & ~15
        let hi = block == blocks - 1 ? count : ((block + 1) * count / blocks) & ~15
        if hi > lo { body(lo, hi - lo) }
    }
}

/// ReLU forward: `y = max(x, 0)` over `count` elements.
package func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    let zero = SIMD16<Float>()
    while i + 16 <= count {
        let v = load16(x + i)
        UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: SIMD16<Float>.self)
        i += 16
    }
    while i < count { y[i] = x[i] < 0 ? 0 : x[i]; i += 1 }
}

/// ReLU backward from the forward *output*: `dx = dy` where `y > 0`, else 0.
package func reluBackward(output y: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>,
                          gradInput dx: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    let zero = SIMD16<Float>()
    while i + 16 <= count {
        let g = load16(dy + i)
        UnsafeMutableRawPointer(dx + i).storeBytes(of: g.replacing(with: zero, where: .!(load16(y + i) .> zero)),
                                                   as: SIMD16<Float>.self)
        i += 16
    }
    while i < count { dx[i] = y[i] > 0 ? dy[i] : 0; i += 1 }
}

/// In-place ReLU: `x = max(x, 0)`.
package func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) { reluForward(x, x, count: count) }

/// In-place ReLU backward from the forward output: `dy = 0` where `y <= 0`.
package func reluBackwardInPlace(output y: UnsafePointer<Float>, gradient dy: UnsafeMutablePointer<Float>,
                                 count: Int) {
    for i in 0..<count where !(y[i] > 0) { dy[i] = 0 }
}

/// Elementwise sum `z = x + y`.
package func addForward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>,
                        count: Int) {
    var i = 0
    while i + 16 <= count {
        UnsafeMutableRawPointer(z + i).storeBytes(of: load16(x + i) + load16(y + i), as: SIMD16<Float>.self)
        i += 16
    }
    while i < count { z[i] = x[i] + y[i]; i += 1 }
}

/// Accumulates `z += x`.
package func addInPlace(_ x: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { z[i] += x[i] }
}

/// Draws an inverted-dropout mask: each entry is `1/(1-p)` with probability `1-p`, else 0.
///
/// One `nextUnitFloat()` per element, in order: an element is kept when the draw is `>= p`.
package func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, probability p: Float,
                         random: inout SeededGenerator) {
    let scale: Float = p < 1 ? 1 / (1 - p) : 0
    for i in 0..<count { mask[i] = random.nextUnitFloat() >= p ? scale : 0 }
}

/// Elementwise product `z = x * y` (dropout forward and backward with a mask).
package func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>,
                      count: Int) {
    for i in 0..<count { z[i] = x[i] * y[i] }
}
