import Foundation
import NN
import Testing
import Pruning
import Training

/// The conformance check every registered method must pass, on `Fixtures`' tiny network and data
/// (the session is given a training and a validation split only: no test split exists to touch).
@Suite struct ConformanceTests {
    @Test(arguments: MethodRegistry.all.map(\.name), [2.0, 8.0])
    func registeredMethodConforms(name: String, compression: Double) throws {
        let entry = try MethodRegistry.entry(named: name)
        let session = try Fixtures.session(entry.method(), compression: compression)
        let classifier = session.model.classifierPath
        let classifierBefore = classifierState(session)
        var masksBeforeFineTuning: [String: Tensor] = [:]
        var stepsBeforeFineTuning = -1
        var classifierUntouched = false
        // Checked at every fine-tuning step, before the optimizer update (the forward pass just used these weights).
        var stepsWithLivePrunedWeights = 0, checkedSteps = 0
        let everyStep = TrainingHooks(afterBackward: { _ in
            checkedSteps += 1
            if !prunedEntriesAreZero(session) { stepsWithLivePrunedWeights += 1 }
        })
        do {
            try session.execute(fineTuningHooks: everyStep) { pruned in
                stepsBeforeFineTuning = pruned.budget.used
                // A method that trained nothing yet must have left the classifier bit-identical where its mask keeps
                // it (a structured method masks the classifier's inputs from removed units, never its outputs).
                classifierUntouched = pruned.budget.used > 0 || keptEntriesUnchanged(classifierBefore, pruned)
                for (name, mask) in pruned.masks { masksBeforeFineTuning[name] = mask.copy() }
                #expect(prunedEntriesAreZero(pruned), "pruned weights not zero after \(name) returned")
            }
        } catch let PruningError.channelTargetUnreachable(method, _, target, best) where entry.targetTolerance == .wholeChannels {
            // Network slimming removes only channels with a batch norm (here the conv's 4): it must say how far it got.
            #expect(method == name && target == compression && best > 1 && best < target,
                    "\(name) gave up at \(compression) with best \(best)")
            return
        }

        // Masks exist exactly for the prunable parameters; the classifier is not among them, except that a
        // method removing whole channels masks the classifier's input columns of removed units (whole columns
        // only, never a row or the bias).
        let masked = session.model.parameters.filter { $0.parameter.mask != nil }.map(\.name)
        #expect(masked == (entry.category == .control ? [] : session.prunable.map(\.name)))
        if entry.targetTolerance == .wholeChannels {
            try expectClassifierMasksRemoveWholeColumns(session)
        } else {
            #expect(!session.prunable.contains { $0.modulePath == classifier })
            #expect(masked.allSatisfy { !$0.hasPrefix(classifier + ".") })
        }
        #expect(classifierBefore.count == 2)
        #expect(classifierUntouched, "\(name) changed the classifier")

        try expectTargetMet(entry, session)

        // Masks fixed and pruned weights exactly zero through fine-tuning (SGD, Nesterov momentum, weight decay).
        for (name, mask) in session.masks {
            #expect(masksBeforeFineTuning[name].map { $0.isBitwiseEqual(to: mask) } == true, "\(name) mask changed")
        }
        #expect(prunedEntriesAreZero(session), "a pruned weight of \(name) moved during fine-tuning")
        let forfeited = session.budget.forfeited
        #expect(checkedSteps == session.budget.total - forfeited - stepsBeforeFineTuning)
        #expect(stepsWithLivePrunedWeights == 0)

        // The budget was respected, and fine-tuning spent exactly what was left (steps a method gave up
        // for good, e.g. Scratch-E's, are neither trained nor counted as used).
        #expect(stepsBeforeFineTuning >= 0 && stepsBeforeFineTuning <= session.budget.total)
        #expect(session.budget.used + forfeited == session.budget.total)

        // The same seed gives bit-identical masks and weights.
        let again = try Fixtures.session(entry.method(), compression: compression)
        try again.execute()
        #expect(sameState(session, again), "\(name) is not deterministic for a fixed seed")
    }

    @Test func sessionDataHoldsNoTestSplit() {
        // A method can reach data only through `Session.data`: its stored properties are the whole surface.
        let fields = Mirror(reflecting: Fixtures.data()).children.compactMap(\.label)
        #expect(fields == ["training", "validation", "normalization"])
    }

    /// Classifier parameter copies before the method runs.
    private func classifierState(_ session: Session) -> [Tensor] {
        session.model.parameters.filter { $0.name.hasPrefix(session.model.classifierPath + ".") }
            .map { $0.parameter.value.copy() }
    }

    /// Whether every classifier entry its mask keeps (all, without a mask) equals its copy in `before`.
    private func keptEntriesUnchanged(_ before: [Tensor], _ session: Session) -> Bool {
        let classifier = session.model.parameters.filter { $0.name.hasPrefix(session.model.classifierPath + ".") }
        return zip(before, classifier).allSatisfy { original, entry in
            let value = entry.parameter.value, mask = entry.parameter.mask
            return (0..<value.count).allSatisfy { i in
                mask.map { $0[flat: i] == 0 } ?? false || value[flat: i].bitPattern == original[flat: i].bitPattern
            }
        }
    }

    /// A structured method's classifier masks: the bias whole, the weight's columns each all kept or all removed.
    private func expectClassifierMasksRemoveWholeColumns(_ session: Session) throws {
        let prefix = session.model.classifierPath + "."
        for (name, mask) in session.masks where name.hasPrefix(prefix) {
            if mask.shape.count == 1 {
                #expect((0..<mask.count).allSatisfy { mask[flat: $0] == 1 }, "\(name): a classifier output was removed")
                continue
            }
            let (rows, columns) = (mask.shape[0], mask.count / mask.shape[0])
            for column in 0..<columns {
                let values = Set((0..<rows).map { mask[flat: $0 * columns + column] })
                #expect(values.count == 1, "\(name): column \(column) partly masked")
            }
        }
    }

    private func prunedEntriesAreZero(_ session: Session) -> Bool {
        session.masks.allSatisfy { name, mask in
            guard let parameter = session.model.parameters.first(where: { $0.name == name })?.parameter else { return false }
            return (0..<mask.count).allSatisfy { mask[flat: $0] != 0 || parameter.value[flat: $0] == 0 }
        }
    }

    private func expectTargetMet(_ entry: MethodEntry, _ session: Session) throws {
        let prunable = Double(session.prunableCount)
        let kept = Double(session.keptCount)
        switch entry.targetTolerance {
        case .notApplicable:
            #expect(kept == prunable)
        case .entries(let n):
            let target = try session.keepFraction * prunable
            #expect(abs(kept - target) <= Double(n), "\(entry.name): kept \(kept), target \(target)")
        case .entriesPerTensor(let n):
            let target = try session.keepFraction * prunable
            let tolerance = Double(n * session.masks.count)
            #expect(abs(kept - target) <= tolerance, "\(entry.name): kept \(kept), target \(target)")
        case .wholeChannels:
            // The target is reached (whole channels overshoot it): kept ≤ f × prunable.
            let target = try session.keepFraction * prunable
            #expect(kept <= target + 1e-9, "\(entry.name): kept \(kept), target \(target)")
            #expect(kept > 0)
        case .binomial(let k):
            let f = try session.keepFraction
            let target = f * prunable
            #expect(abs(kept - target) <= k * (prunable * f * (1 - f)).squareRoot(),
                    "\(entry.name): kept \(kept), target \(target)")
        }
    }

    private func sameState(_ a: Session, _ b: Session) -> Bool {
        let stateA = a.model.stateDict(), stateB = b.model.stateDict()
        guard stateA.map(\.name) == stateB.map(\.name), a.masks.map(\.name) == b.masks.map(\.name) else { return false }
        return zip(stateA, stateB).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) }
            && zip(a.masks, b.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) }
    }
}
