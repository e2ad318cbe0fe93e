import Foundation
import Training

/// SILO (Liu et al., TMLR 2023; card `silo.md`): a learning-rate modifier for cycle-based pruning. It runs a
/// base method and sets the peak rate (the recipe's base learning rate, which the per-cycle schedule is laid
/// from) of every training cycle to
///
///     max_lr(c) = λ_0 + Δλ·S_β(p_{c−d})  for c > d,   λ_0 otherwise,   S_β(p) = p^β / (p^β + (1 − p)^β),
///
/// where cycle c is the number of pruning steps before the `train` call (c = 0: dense training) and p_{c−d}
/// the fraction of prunable weights pruned during cycle c − d (the card: "feed the actual fraction pruned",
/// read from `TrainingCall.density`, so non-geometric bases work too).
///
/// Choices where the card is uncertain: the base defaults to `imp-lr-rewind` (the card's harness pairing:
/// global-magnitude IMP with LR rewinding; the official code's criterion and re-initialisation are not
/// reproduced); λ_0 = 0.03, Δλ = 0.04, β = 5, d = 1 (the official ResNet-20 constants); a base that starts
/// from initialisation is re-initialised at the start of `run` exactly as the session would (stream "init").
/// SILO's rate is applied after the base's own rule (it sets the peak of whatever shape the base uses).
public struct SILO: PruningMethod {
    /// The base method and SILO's constants.
    public struct Configuration: MethodConfiguration {
        /// The registered name of the cycle-based base method.
        public var base = "imp-lr-rewind"
        /// The base method's configuration (a JSON object; missing fields take its defaults).
        public var baseConfiguration = EmbeddedJSON.empty
        /// λ_0: the peak rate of the first cycles (code: `offset`).
        public var initialLR = 0.03
        /// Δλ: the total increase of the peak rate (code: `alpha`).
        public var increase = 0.04
        /// β: the steepness of the S-curve.
        public var beta = 5.0
        /// d: the delay in cycles.
        public var delay = 1

        public init() {}

        enum CodingKeys: String, CodingKey { case base, baseConfiguration, initialLR, increase, beta, delay }

        /// Missing fields take the defaults; an unknown base or a bad base configuration throws here.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            base = try c.decodeIfPresent(String.self, forKey: .base) ?? base
            baseConfiguration = try c.decodeIfPresent(EmbeddedJSON.self, forKey: .baseConfiguration) ?? baseConfiguration
            initialLR = try c.decodeIfPresent(Double.self, forKey: .initialLR) ?? initialLR
            increase = try c.decodeIfPresent(Double.self, forKey: .increase) ?? increase
            beta = try c.decodeIfPresent(Double.self, forKey: .beta) ?? beta
            delay = try c.decodeIfPresent(Int.self, forKey: .delay) ?? delay
            if case .failure(let error) = SILO.build(self) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [CodingKeys.base],
                                                        debugDescription: error.description))
            }
        }
    }

    public static let name = "silo"
    public static let category = MethodCategory.modifier
    public static let card = "silo.md"
    public static let summary = """
        SILO (Liu et al. 2023): runs a cycle-based base method (default imp-lr-rewind) and sets each training \
        cycle's peak learning rate to λ_0 + Δλ·S_β(p) with S_β(p) = p^β/(p^β + (1 − p)^β) and p the fraction of \
        weights pruned one cycle earlier (λ_0 = 0.03, Δλ = 0.04, β = 5), so the peak rises in an S-shape with sparsity.
        """
    /// The base's masks: IMP's tolerance (half a weight per group).
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration
    private let base: Result<any PruningMethod, PruningError>

    public init(configuration: Configuration) {
        self.configuration = configuration
        base = Self.build(configuration)
    }

    /// The base's scope.
    public var scope: PrunableScope {
        if case .success(let method) = base { return method.scope }
        return .weights
    }

    public func run(_ session: Session) throws {
        let base = try base.get()
        try Self.validate(configuration)
        if type(of: base).startingPoint == .initialisation { try session.reinitialise() }
        Self.install(configuration, on: session)
        try base.run(session)
    }

    /// S_β(p) = p^β / (p^β + (1 − p)^β): 0 at p ≤ 0, 1 at p ≥ 1.
    public static func gain(_ p: Double, beta: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        return 1 / (1 + pow(p / (1 - p), -beta))
    }

    /// max_lr of cycle `cycle` given the pruned fraction of every cycle so far (`pruned[0]` = 0, dense).
    public static func peakLR(cycle: Int, pruned: [Double], _ configuration: Configuration) -> Double {
        let earlier = cycle - configuration.delay
        guard cycle > configuration.delay, earlier < pruned.count else { return configuration.initialLR }
        return configuration.initialLR + configuration.increase * gain(pruned[earlier], beta: configuration.beta)
    }

    /// Sets `session.recipeAdjustment` so every later `train` call runs at its cycle's max_lr (after any
    /// adjustment already installed). A call whose pruned fraction exceeds the last one seen starts a cycle.
    public static func install(_ configuration: Configuration, on session: Session) {
        let previous = session.recipeAdjustment
        var pruned: [Double] = [0]
        session.recipeAdjustment = { recipe, call in
            var recipe = previous?(recipe, call) ?? recipe
            let fraction = 1 - call.density
            if let last = pruned.last, fraction > last + 1e-12 { pruned.append(fraction) }
            recipe.optimizer.learningRate = Float(peakLR(cycle: pruned.count - 1, pruned: pruned, configuration))
            return recipe
        }
    }

    private static func validate(_ c: Configuration) throws {
        func require(_ ok: Bool, _ field: String, _ expected: String, _ got: Any) throws {
            if !ok { throw PruningError.badConfiguration(method: name, reason: "\(field) must be \(expected), got \(got)") }
        }
        try require(c.initialLR.isFinite && c.initialLR > 0, "initialLR", "> 0", c.initialLR)
        try require(c.increase.isFinite && c.increase >= 0, "increase", "≥ 0", c.increase)
        try require(c.beta.isFinite && c.beta > 0, "beta", "> 0", c.beta)
        try require(c.delay >= 0, "delay", "≥ 0", c.delay)
    }

    fileprivate static func build(_ c: Configuration) -> Result<any PruningMethod, PruningError> {
        guard c.base != name, c.base != SILOOracle.name else {
            return .failure(.badConfiguration(method: name, reason: "base must be another method, got '\(c.base)'"))
        }
        do {
            return .success(try MethodRegistry.method(named: c.base, configuration: c.baseConfiguration.data()))
        } catch let error as PruningError {
            return .failure(error)
        } catch {
            return .failure(.badConfiguration(method: name, reason: "baseConfiguration: \(error)"))
        }
    }
}
