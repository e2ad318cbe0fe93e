import Foundation

/// Every pruning method PruneBench can run, each listed once (one line per method).
public enum MethodRegistry {
    /// The registered methods, in listing order.
    public static let all: [MethodEntry] = [
        MethodEntry(DenseControl.self),
        MethodEntry(DenseScratchControl.self),
        MethodEntry(RandomPruning.self),
        MethodEntry(GlobalMagnitude.self),
        MethodEntry(LayerMagnitude.self),
        MethodEntry(GlobalGradient.self),
        MethodEntry(LayerGradient.self),
        MethodEntry(GlobalActivation.self),
        MethodEntry(LayerActivation.self),
        MethodEntry(SNIP.self),
        MethodEntry(GraSP.self),
        MethodEntry(SynFlow.self),
        MethodEntry(MagnitudeAtInit.self),
        MethodEntry(RandomAtInit.self),
        MethodEntry(IterativeMagnitude<LotteryTicket>.self),
        MethodEntry(IterativeMagnitude<IMPRewind>.self),
        MethodEntry(IterativeMagnitude<IMPFineTune>.self),
        MethodEntry(IterativeMagnitude<IMPLRRewind>.self),
        MethodEntry(IterativeMagnitude<LotteryReinit>.self),
        MethodEntry(IterativeMagnitude<LotteryRandomPrune>.self),
        MethodEntry(IterativeMagnitude<LotteryOneShot>.self),
        MethodEntry(IterativeMagnitude<IMPSLR>.self),
        MethodEntry(IterativeMagnitude<IMPCLR>.self),
        MethodEntry(IterativeMagnitude<IMPLLR>.self),
        MethodEntry(IterativeMagnitude<IMPALLR>.self),
        MethodEntry(IterativeMagnitude<BIMP>.self),
        MethodEntry(SILO.self),
        MethodEntry(SILOOracle.self),
        MethodEntry(NNRelief.self),
        MethodEntry(ScratchTraining<ScratchE>.self),
        MethodEntry(ScratchTraining<ScratchB>.self),
        MethodEntry(SET.self),
        MethodEntry(RigL.self),
        MethodEntry(GaP.self),
        MethodEntry(SupTickets.self),
        MethodEntry(ToST.self),
        MethodEntry(L1Filter.self),
        MethodEntry(NetworkSlimming.self),
        MethodEntry(EarlyBird.self),
        MethodEntry(SplineEarlyBird.self),
        MethodEntry(ISpaSP.self),
        MethodEntry(HessianNeuronPruning.self),
        MethodEntry(DropNet.self),
    ]

    /// The entry registered as `name`, or `unknownMethod` listing the registered names.
    public static func entry(named name: String) throws -> MethodEntry {
        guard let entry = all.first(where: { $0.name == name }) else {
            throw PruningError.unknownMethod(name: name, known: all.map(\.name))
        }
        return entry
    }

    /// The method `name` configured by `configuration` JSON (missing fields take the defaults).
    public static func method(named name: String, configuration: Data? = nil) throws -> any PruningMethod {
        try entry(named: name).method(configuration: configuration)
    }
}
