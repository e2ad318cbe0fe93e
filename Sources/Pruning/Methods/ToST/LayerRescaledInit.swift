import Data
import Foundation
import NN
import Training

/// GradInit's settings as ToST's LRsI runs them (tost.md trick 3; README command defaults).
public struct GradInitSettings: Codable, Sendable, Equatable {
    /// G: iterations (README: 180).
    public var iterations = 180
    /// η: the virtual SGD step (README: 0.1).
    public var eta = 0.1
    /// γ: the gradient-norm bound; above it the step lowers ‖g‖ (README: 1).
    public var gamma = 1.0
    /// Adam's learning rate on the scales (`gradinit-lr`, README: 1e-2).
    public var learningRate = 0.01
    /// The least scale of a weight tensor (biases: 0).
    public var minScale = 0.01
    /// Each scale's gradient is clipped to [−clip, clip].
    public var gradientClip = 1.0
    /// Divide the virtual step by ‖g‖ (`normalize-grad`, README: on).
    public var normalizeGradient = true
    /// Examples per minibatch B1, B2, B3; nil = the session recipe's batch size.
    public var batchSize: Int?
    /// Also rescale the classifier (off: it keeps its initialisation, the harness rule that a method
    /// leaves the classifier untouched unless asked; ToST's GradInit scales it too).
    public var rescaleClassifier = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case iterations, eta, gamma, learningRate, minScale, gradientClip, normalizeGradient, batchSize, rescaleClassifier
    }

    /// Missing fields take the defaults (a suite may set one field); unknown fields throw.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let any = try decoder.container(keyedBy: AnyCodingKey.self)
        if let unknown = any.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorruptedError(
                forKey: CodingKeys.iterations, in: c, debugDescription: "unknown field '\(unknown.stringValue)'; fields: "
                    + CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.init()
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? iterations
        eta = try c.decodeIfPresent(Double.self, forKey: .eta) ?? eta
        gamma = try c.decodeIfPresent(Double.self, forKey: .gamma) ?? gamma
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        minScale = try c.decodeIfPresent(Double.self, forKey: .minScale) ?? minScale
        gradientClip = try c.decodeIfPresent(Double.self, forKey: .gradientClip) ?? gradientClip
        normalizeGradient = try c.decodeIfPresent(Bool.self, forKey: .normalizeGradient) ?? normalizeGradient
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        rescaleClassifier = try c.decodeIfPresent(Bool.self, forKey: .rescaleClassifier) ?? rescaleClassifier
    }
}

/// Any string key, to list the fields a JSON object holds.
private struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// LRsI, layer-wise re-scaled initialisation by GradInit (Zhu et al. 2021, as ToST's `LRsI/gradinit_utils.py`):
/// one positive scale a_j per parameter tensor P_j = a_j·P_j0 (masked init P_j0, zero-norm tensors
/// skipped, the classifier only when `rescaleClassifier`), learned by Adam so that one SGD step from the initialisation lowers the loss most.
///
/// Per iteration, with minibatches B1, B2, B3 of a seeded order of the training split (stream `"lrsi"`),
/// batch norm on batch statistics (running statistics restored afterwards) and dropout off:
/// g = ∇L(B1 ∪ B2) (masked); if ‖g‖₂ > γ the objective is ‖g‖₂, with gradient Hg/‖g‖; else it is
/// L(θ − η·g/‖g‖; ½B1 ∪ B3)/η, whose gradient through the virtual step is (v − (η/‖g‖)·H(I − ĝĝᵀ)v)/η,
/// v the gradient at the stepped point (without `normalizeGradient`: (v − ηHv)/η). Hessian–vector
/// products are exact, of L(B1 ∪ B2) through the same network and mode as its gradient (the R-operator,
/// `GhostNetwork.hessianVectorProduct`, as GradInit's double backprop). dObj/da_j = ⟨∇_{P_j}Obj, P_j0⟩,
/// clipped, Adam(β 0.9, 0.999, ε 1e-8), then
/// a_j ← max(a_j, min), min = `minScale` for weights and batch-norm scales, 0 for biases.
/// Runs on the masked network (the paper's intent; the released script rescales the dense init first).
/// Takes no optimizer step of the model and is not charged to the budget (as scoring passes are not).
public enum LayerRescaledInit {
    /// Rescales the session's model in place; returns the scale of every rescaled tensor by name.
    @discardableResult
    public static func run(_ session: Session, settings: GradInitSettings, method: String) throws -> [String: Double] {
        try validate(settings, method: method)
        let model = session.model
        let network = GhostNetwork(model: model, options: GhostOptions(softActivations: false, skipPaths: false,
                                                                       dropout: false))
        let all = model.parameters
        let initial = all.map { $0.parameter.value.copy() }
        let classifier = model.classifierPath + "."
        let scaled = all.indices.filter {
            norm([initial[$0]]) > 0 && (settings.rescaleClassifier || !all[$0].name.hasPrefix(classifier))
        }
        var scales = [Double](repeating: 1, count: all.count)
        var first = [Double](repeating: 0, count: all.count), second = first
        let savedBuffers = model.buffers.map { (live: $0.tensor, saved: $0.tensor.copy()) }
        defer { for buffer in savedBuffers { buffer.live.assign(from: buffer.saved) } }
        var sampler = Sampler(count: session.data.training.count, random: session.random("lrsi"))
        let size = max(2, min(settings.batchSize ?? session.recipe.batchSize, session.data.training.count))
        var dropout = session.random("lrsi-dropout")
        let parameters = all.map(\.parameter)

        func gradient(_ batch: Batch) throws -> [Tensor] {
            model.zeroGradients()
            _ = try accumulateGradients(network: network, batch: batch, random: &dropout, threads: session.threads)
            let result = masked(parameters.map { $0.gradient.copy() }, parameters)
            model.zeroGradients()
            return result
        }

        /// Hv of L(`batch`) (v and the product masked), in the mode `gradient` runs.
        func product(_ v: [Tensor], _ batch: Batch) throws -> [Tensor] {
            let context = ForwardContext(mode: .training, random: dropout, threads: session.threads)
            let result = try network.hessianVectorProduct(inputs: batch.inputs, labels: batch.labels,
                                                          parameters: parameters, vector: v, context: context)
            dropout = context.random
            return masked(result, parameters)
        }

        for iteration in 1...settings.iterations {
            session.report("lrsi", step: iteration, of: settings.iterations)
            let b1 = sampler.take(size), b2 = sampler.take(size), b3 = sampler.take(size)
            let x = try batch(session, b1 + b2)
            let y = try batch(session, Array(b1.prefix(size / 2)) + b3)
            let g = try gradient(x)
            let gnorm = norm(g)
            let objective: [Tensor]
            if gnorm > settings.gamma {
                let hg = try product(g, x)
                objective = hg.map { scaledCopy($0, 1 / gnorm) }
            } else {
                let step = settings.normalizeGradient && gnorm > 0 ? settings.eta / gnorm : settings.eta
                let saved = parameters.map { $0.value.copy() }
                for (p, d) in zip(parameters, g) { axpy(p.value, d, -step) }
                let v = try gradient(y)
                for (p, s) in zip(parameters, saved) { p.value.assign(from: s) }
                var u = v
                if settings.normalizeGradient && gnorm > 0 {
                    let along = dot(g, v) / (gnorm * gnorm)
                    u = zip(v, g).map { vi, gi in let t = vi.copy(); axpy(t, gi, -along); return t }
                }
                let hu = try product(u, x)
                objective = zip(v, hu).map { vi, hi in
                    let t = vi.copy()
                    axpy(t, hi, -step)
                    return scaledCopy(t, 1 / settings.eta)
                }
            }
            for j in scaled {
                var d = dot([objective[j]], [initial[j]])
                d = min(max(d, -settings.gradientClip), settings.gradientClip)
                first[j] = 0.9 * first[j] + 0.1 * d
                second[j] = 0.999 * second[j] + 0.001 * d * d
                let mHat = first[j] / (1 - pow(0.9, Double(iteration)))
                let vHat = second[j] / (1 - pow(0.999, Double(iteration)))
                scales[j] -= settings.learningRate * mHat / (vHat.squareRoot() + 1e-8)
                scales[j] = max(scales[j], all[j].name.hasSuffix(".bias") ? 0 : settings.minScale)
                let value = all[j].parameter.value, start = initial[j]
                let p = value.data, p0 = start.data, a = Float(scales[j])
                for i in 0..<value.count { p[i] = a * p0[i] }
            }
        }
        return Dictionary(uniqueKeysWithValues: scaled.map { (all[$0].name, scales[$0]) })
    }

    /// Throws naming `method` and the field for settings outside their range.
    static func validate(_ s: GradInitSettings, method: String) throws {
        let checks: [(Bool, String)] = [
            (s.iterations >= 1, "gradInit.iterations': expected ≥ 1, got \(s.iterations)"),
            (s.eta > 0, "gradInit.eta': expected > 0, got \(s.eta)"),
            (s.gamma > 0, "gradInit.gamma': expected > 0, got \(s.gamma)"),
            (s.learningRate > 0, "gradInit.learningRate': expected > 0, got \(s.learningRate)"),
            (s.minScale >= 0, "gradInit.minScale': expected ≥ 0, got \(s.minScale)"),
            (s.gradientClip > 0, "gradInit.gradientClip': expected > 0, got \(s.gradientClip)"),
            ((s.batchSize ?? 2) >= 2, "gradInit.batchSize': expected ≥ 2, got \(s.batchSize ?? 0)"),
        ]
        if let failed = checks.first(where: { !$0.0 }) {
            throw PruningError.badConfiguration(method: method, reason: "field '\(failed.1)")
        }
    }

    /// The normalised training examples `indices` as one batch, in order.
    private static func batch(_ session: Session, _ indices: [Int]) throws -> Batch {
        let subset = session.data.training.subset(indices)
        let loader = try BatchLoader(split: subset, normalization: session.data.normalization, batchSize: subset.count,
                                     shuffle: false, random: session.random("lrsi"))
        return loader.batch(epoch: 0, index: 0)
    }

    /// Copies of `tensors` times the masks of `parameters` (unmasked where a parameter has none).
    private static func masked(_ tensors: [Tensor], _ parameters: [Parameter]) -> [Tensor] {
        zip(tensors, parameters).map { tensor, parameter in
            guard let mask = parameter.mask else { return tensor }
            let result = tensor.copy()
            let r = result.data, m = mask.data
            for i in 0..<result.count { r[i] *= m[i] }
            return result
        }
    }

    /// The Euclidean norm of all entries of `tensors`, in Double.
    private static func norm(_ tensors: [Tensor]) -> Double { dot(tensors, tensors).squareRoot() }

    /// y += a·x.
    private static func axpy(_ y: Tensor, _ x: Tensor, _ a: Double) {
        let yp = y.data, xp = x.data
        for i in 0..<y.count { yp[i] = Float(Double(yp[i]) + a * Double(xp[i])) }
    }

    private static func scaledCopy(_ x: Tensor, _ a: Double) -> Tensor {
        let y = Tensor(zeros: x.shape)
        axpy(y, x, a)
        return y
    }

    /// Σ a·b over all entries, in Double.
    private static func dot(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var sum = 0.0
        for (x, y) in zip(a, b) {
            let xp = x.data, yp = y.data
            for i in 0..<x.count { sum += Double(xp[i]) * Double(yp[i]) }
        }
        return sum
    }
}

/// Draws example indices from successive seeded permutations of a split.
private struct Sampler {
    let count: Int
    var random: SeededGenerator
    var order: [Int] = []
    var cursor = 0

    init(count: Int, random: SeededGenerator) {
        self.count = count
        self.random = random
    }

    mutating func take(_ n: Int) -> [Int] {
        var result: [Int] = []
        while result.count < n {
            if cursor == order.count { order = random.permutation(count); cursor = 0 }
            result.append(order[cursor])
            cursor += 1
        }
        return result
    }
}
