/// Scratch-E: train the pruned architecture from scratch for as long as the dense model trained (D steps).
public enum ScratchE: ScratchRule {
    public static let name = "scratch-e"
    public static let summary = """
        Scratch-E (Liu et al. 2019): run a base pruning method (default global-magnitude), keep its mask, \
        re-initialise from the run's seed and train from scratch for D steps, the stand-in for the dense \
        training's epochs; the rest of the budget is forfeited.
        """

    /// D, whatever the FLOPs.
    public static func steps(denseSteps: Int, denseMACs: Int, prunedMACs: Int, cap: Double?) -> Int {
        denseSteps
    }
}

/// Scratch-B: train the pruned architecture from scratch for the dense training's computation budget.
public enum ScratchB: ScratchRule {
    public static let name = "scratch-b"
    public static let summary = """
        Scratch-B (Liu et al. 2019): as Scratch-E, but train for the dense training's FLOP budget: \
        ⌊D·F_full/F_pruned⌋ steps (F counting kept weights only), at most cap·D (default 2, the ImageNet rule).
        """

    /// ⌊D·F_full/F_pruned⌋ (the CIFAR scripts' `int(160·ratio)`), at most ⌊cap·D⌋ (the ImageNet scripts'
    /// 180 epochs when the ratio is ≥ 2); with no MACs left the cap alone.
    public static func steps(denseSteps: Int, denseMACs: Int, prunedMACs: Int, cap: Double?) -> Int {
        let limit = cap.map { Int(($0 * Double(denseSteps)).rounded(.down)) } ?? Int.max
        guard prunedMACs > 0 else { return limit }
        let scaled = Double(denseSteps) * Double(denseMACs) / Double(prunedMACs)
        return scaled >= Double(limit) ? limit : Int(scaled.rounded(.down))
    }
}
