/// Elementwise kernels: ReLU, dropout, residual addition.

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
