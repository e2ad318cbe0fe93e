/// The ShrinkBench keep-fraction rule that turns a compression ratio into a fraction of prunable weights.
public enum Compression {
    /// f = (total/c − nonprunable) / prunable, the fraction of prunable parameters to keep so that
    /// all parameters / remaining parameters = c. Throws unless f is in (0, 1].
    ///
    /// ShrinkBench `pruning/utils.py::fraction_to_keep`; computed in `Double` as Python does.
    public static func keepFraction(compression: Double, total: Int, prunable: Int) throws -> Double {
        let nonprunable = Double(total - prunable)
        let fraction = prunable > 0 ? (Double(total) / compression - nonprunable) / Double(prunable) : .nan
        guard compression.isFinite, compression > 0, fraction > 0, fraction <= 1 else {
            throw PruningError.infeasibleCompression(
                compression: compression, keepFraction: fraction, total: total, prunable: prunable)
        }
        return fraction
    }
}
