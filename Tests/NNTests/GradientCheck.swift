import Testing
@testable import NN

/// Finite-difference gradient checking shared by the layer tests.
///
/// The scalar checked is `L = Σ r ⊙ forward(x)` for a fixed random `r`, accumulated in `Double`;
/// its analytic gradient is `backward(r)`. Central differences `(L(x+h) - L(x-h)) / 2h` are taken
/// for up to `samples` coordinates of the input and of every parameter, and the relative error
/// `‖analytic - numeric‖ / ‖numeric‖` over those coordinates must stay below `tolerance`.
struct GradientCheck {
    var step: Float = 1e-2
    var tolerance: Double = 1e-2
    var samples = 40
    var mode: ForwardMode = .training
    var seed: UInt64 = 7

    /// Checks input and parameter gradients of `module` at `input`; returns the worst relative error.
    @discardableResult
    func check(_ module: any Module, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) -> Double {
        var random = SeededGenerator(seed: seed)
        let probe = run(module, input)
        let r = Tensor(zeros: probe.shape)
        for i in 0..<r.count { r.data[i] = random.nextUniform(-1, 1) }
        for (_, p) in module.namedParameters() { p.zeroGradient() }
        _ = run(module, input)
        let gradInput = module.backward(r)
        var worst = compare(gradInput, against: input, module: module, r: r, input: input, random: &random)
        for (name, p) in module.namedParameters() {
            let error = compare(p.gradient, against: p.value, module: module, r: r, input: input, random: &random)
            #expect(error < tolerance, "parameter \(name): relative error \(error)", sourceLocation: sourceLocation)
            worst = max(worst, error)
        }
        #expect(worst < tolerance, "relative error \(worst) >= \(tolerance)", sourceLocation: sourceLocation)
        return worst
    }

    /// Relative error between `analytic` and central differences of L in the entries of `target`.
    private func compare(_ analytic: Tensor, against target: Tensor, module: any Module, r: Tensor,
                         input: Tensor, random: inout SeededGenerator) -> Double {
        var diff = 0.0, norm = 0.0
        let indices = target.count <= samples ? Array(0..<target.count)
            : (0..<samples).map { _ in random.nextIndex(below: target.count) }
        for i in indices {
            let original = target.data[i]
            target.data[i] = original + step
            let plus = loss(module, input, r)
            target.data[i] = original - step
            let minus = loss(module, input, r)
            target.data[i] = original
            let numeric = (plus - minus) / (2 * Double(step))
            diff += (Double(analytic.data[i]) - numeric) * (Double(analytic.data[i]) - numeric)
            norm += numeric * numeric
        }
        return (diff / max(norm, 1e-20)).squareRoot()
    }

    private func run(_ module: any Module, _ input: Tensor) -> Tensor {
        module.forward(input, context: ForwardContext(mode: mode, random: SeededGenerator(seed: seed ^ 0xD5)))
    }

    private func loss(_ module: any Module, _ input: Tensor, _ r: Tensor) -> Double {
        let y = run(module, input)
        var sum = 0.0
        for i in 0..<y.count { sum += Double(y.data[i]) * Double(r.data[i]) }
        return sum
    }
}

/// A tensor of `shape` with entries from U(low, high).
func randomTensor(_ shape: [Int], _ random: inout SeededGenerator, low: Float = -1, high: Float = 1) -> Tensor {
    let t = Tensor(zeros: shape)
    for i in 0..<t.count { t.data[i] = random.nextUniform(low, high) }
    return t
}

/// The largest `|a - b| / (|b| + floor)` over all elements.
func maxRelativeDifference(_ a: Tensor, _ b: Tensor, floor: Float = 1e-3) -> Float {
    precondition(a.count == b.count)
    var worst: Float = 0
    for i in 0..<a.count { worst = max(worst, abs(a.data[i] - b.data[i]) / (abs(b.data[i]) + floor)) }
    return worst
}
