import Bench
import Training

/// How one run trained: the peak learning rate and the schedule shapes of its training calls.
///
/// Read from the calls the run record logs (`BudgetUsage.calls`: the recipe each `train` call really
/// used, after any method's own rule such as SILO's or IMP's rewound schedules). Records written
/// before calls were logged fall back to the suite's declared fine-tuning recipe (`declared`).
public struct RunRecipe: Hashable, Sendable {
    /// The highest base learning rate of any call that took a step (`nil`: the run took no step).
    public var peakLearningRate: Double?
    /// The schedule shapes of the calls that took a step, consecutive repeats merged (`cosine`, `constant`).
    public var schedules: [String]
    /// True when taken from the suite's recipe because the record does not log its calls.
    public var declared: Bool

    public init(peakLearningRate: Double?, schedules: [String], declared: Bool) {
        self.peakLearningRate = peakLearningRate
        self.schedules = schedules
        self.declared = declared
    }

    /// The recipe of `record`.
    public init(_ record: RunRecord) {
        if let calls = record.metrics?.budget.calls {
            let trained = calls.filter { $0.steps > 0 }
            var schedules: [String] = []
            for call in trained where schedules.last != call.schedule { schedules.append(call.schedule) }
            self.init(peakLearningRate: trained.map(\.learningRate).max(), schedules: schedules, declared: false)
        } else if let recipe = try? record.spec.fineTuning.decode(TrainingRecipe.self) {
            let rate = recipe.optimizer.learningRate
            self.init(peakLearningRate: Double("\(rate)") ?? Double(rate), schedules: [recipe.schedule.kind.rawValue],
                      declared: true)
        } else {
            self.init(peakLearningRate: nil, schedules: [], declared: true)
        }
    }

    /// `cosine→constant`, or `none` when the run took no step.
    public var scheduleText: String { schedules.isEmpty ? "none" : schedules.joined(separator: "→") }
}
