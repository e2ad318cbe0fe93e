import Foundation

/// A seeded, reproducible random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Every source of randomness in PruneBench is one of these, passed `inout`. Independent
/// purposes (initialisation, data order, augmentation, mask selection, …) take their own
/// stream with `derived(_:)`, so adding draws to one purpose never shifts another.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// A new independent stream named `purpose`, determined by this generator's seed state and the name.
    ///
    /// Does not advance `self`. The name is hashed with FNV-1a (stable across processes).
    public func derived(_ purpose: String) -> SeededGenerator {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in purpose.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return SeededGenerator(seed: (state.0 ^ hash) &+ state.2.rotatedLeft(by: 17))
    }

    public mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Float` in [low, high).
    public mutating func nextUniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUnitFloat()
    }

    /// A standard normal sample (Box–Muller, computed in `Double`).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1.0p-53, .leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    /// A uniform integer in `0..<bound` without modulo bias.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next(upperBound: UInt64(bound)))
    }

    /// A random permutation of `0..<count` (Fisher–Yates, drawing only from this generator).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(i, nextIndex(below: i + 1))
        }
        return indices
    }
}

private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 - amount))
    }
}
