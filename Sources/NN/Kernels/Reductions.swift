/// Vectorised reductions over contiguous floats, summed in 16 interleaved lanes in a fixed order.

/// The sum of `count` contiguous floats.
@inline(__always)
package func sumOf(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
        acc += load16(p + i)
        i += 16
    }
    var tail: Float = 0
    while i < count { tail += p[i]; i += 1 }
    return acc.sum() + tail
}

/// `Σ a[i]·b[i]` over `count` contiguous floats.
@inline(__always)
package func dotOf(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
        acc.addProduct(load16(a + i), load16(b + i))
        i += 16
    }
    var tail: Float = 0
    while i < count { tail += a[i] * b[i]; i += 1 }
    return acc.sum() + tail
}

/// `Σ (p[i] - center)²` over `count` contiguous floats.
@inline(__always)
package func centeredSquaresOf(_ p: UnsafePointer<Float>, center: Float, count: Int) -> Float {
    var acc = SIMD16<Float>()
    let c = SIMD16<Float>(repeating: center)
    var i = 0
    while i + 16 <= count {
        let d = load16(p + i) - c
        acc.addProduct(d, d)
        i += 16
    }
    var tail: Float = 0
    while i < count { tail += (p[i] - center) * (p[i] - center); i += 1 }
    return acc.sum() + tail
}

/// `Σ a[i]·(b[i] - center)` over `count` contiguous floats.
@inline(__always)
package func centeredDotOf(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, center: Float,
                           count: Int) -> Float {
    var acc = SIMD16<Float>()
    let c = SIMD16<Float>(repeating: center)
    var i = 0
    while i + 16 <= count {
        acc.addProduct(load16(a + i), load16(b + i) - c)
        i += 16
    }
    var tail: Float = 0
    while i < count { tail += a[i] * (b[i] - center); i += 1 }
    return acc.sum() + tail
}

/// Sixteen floats from a possibly unaligned address.
@inline(__always)
package func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
