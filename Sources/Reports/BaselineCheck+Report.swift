extension BaselineCheck {
    /// The check as plain text: one aligned table row per baseline entry, then new entries,
    /// failed runs and a one-line summary.
    public func report() -> String {
        let tracks = verdicts.contains { !$0.key.track.isEmpty }
        let header = ["dataset", "model"] + (tracks ? ["track"] : []) + ["method", "target", "baseline top-1", "new top-1",
                                                                         "Δ", "tol", "compression", "verdict"]
        let rows = verdicts.map { verdict -> [String] in
            let key = verdict.key
            return [key.dataset, key.model] + (tracks ? [key.track] : []) + [key.method, Formatting.target(key.target) + "×",
                    BaselineCheck.describe(verdict.baseline), verdict.current.map(BaselineCheck.describe) ?? "–",
                    verdict.delta.map { Formatting.signed($0) } ?? "–", verdict.tolerance.map { Formatting.fixed($0, 2) } ?? "–",
                    BaselineCheck.compression(verdict), BaselineCheck.describe(verdict)]
        }
        var lines = BaselineCheck.aligned([header] + rows)
        if !newEntries.isEmpty {
            lines += ["", "New entries (not in the baseline; `prunebench check --update` adds them):"]
            lines += newEntries.map { "  \($0.key.description): " + BaselineCheck.describe($0) }
        }
        if !failedRuns.isEmpty {
            lines += ["", "Failed runs:"]
            lines += failedRuns.map { run in
                "  \(run.labels.dataset) · \(run.labels.model) · \(run.labels.method) at \(Formatting.target(run.spec.compression))×, "
                    + "seed \(run.spec.seed) (\(run.digest.prefix(12))): \(run.failure ?? "no reason recorded")"
            }
        }
        if verdicts.contains(where: { $0.status == .improved }) {
            lines += ["", "An entry that rose beyond tolerance means the method's behaviour changed. If that is intended, "
                + "refresh the baseline deliberately (`prunebench check --update`) and commit it, saying why."]
        }
        let count = { (status: CheckVerdict.Status) in self.verdicts.filter { $0.status == status }.count }
        lines += ["", "\(passed ? "PASS" : "FAIL"): \(count(.pass)) passed, \(count(.regressed)) regressed, "
            + "\(count(.improved)) rose, \(count(.compressionMismatch)) compression mismatches, \(count(.failed)) failed, "
            + "\(count(.fewerSeeds)) with fewer seeds, \(count(.invalid)) invalid, \(count(.missing)) missing; "
            + "\(newEntries.count) new entries, \(failedRuns.count) failed runs "
            + "(tolerance from the baseline's spread only: min(\(Formatting.fixed(rule.cap, 2)), max(\(Formatting.fixed(rule.floor, 2)), "
            + "\(Formatting.fixed(rule.k, 1))·s_b·sqrt(1/n_b + 1/n_n))) points, either direction; "
            + "compression within \(Formatting.fixed(rule.compression * 100, 1)) %)."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `89.12 ± 0.31 (3)`, `89.12 (1)`, or `0 completed, 2 failed`.
    static func describe(_ entry: Baseline.Entry) -> String {
        guard let mean = entry.top1Mean, entry.runs > 0 else { return "0 completed, \(entry.failed) failed" }
        let std = entry.runs > 1 ? entry.top1Std.map { " ± " + Formatting.fixed($0, 2) } ?? "" : ""
        let failed = entry.failed > 0 ? ", \(entry.failed) failed" : ""
        return Formatting.fixed(mean, 2) + std + " (\(entry.runs)\(failed))"
    }

    /// `4.00× → 4.01×`, or `–` when either side has none.
    static func compression(_ verdict: CheckVerdict) -> String {
        guard let old = verdict.baseline.compression, let new = verdict.current?.compression else { return "–" }
        return Formatting.ratio(old) + " → " + Formatting.ratio(new)
    }

    /// The verdict in words: `pass`, `REGRESSED by 4.20 points (…)`, `ROSE by …`, `COMPRESSION differs`, …
    static func describe(_ verdict: CheckVerdict) -> String {
        let move = abs(verdict.delta ?? 0), beyond = move - (verdict.tolerance ?? 0)
        switch verdict.status {
        case .pass: return "pass"
        case .regressed:
            return "REGRESSED by \(Formatting.fixed(move, 2)) points (\(Formatting.fixed(beyond, 2)) beyond tolerance)"
        case .improved:
            return "ROSE by \(Formatting.fixed(move, 2)) points (\(Formatting.fixed(beyond, 2)) beyond tolerance): the method changed"
        case .compressionMismatch: return "COMPRESSION differs"
        case .failed: return "FAILED runs"
        case .fewerSeeds:
            return "FEWER SEEDS: \(verdict.current?.runs ?? 0) completed, the baseline has \(verdict.baseline.runs)"
        case .invalid:
            return "INVALID: top-1 is not a number in \(verdict.current?.nonFiniteTop1 ?? 0) of \(verdict.current?.runs ?? 0) runs"
        case .missing: return "MISSING from the results"
        }
    }

    /// `rows` as left-aligned columns separated by two spaces, with a rule under the header.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        return [line(first), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.dropFirst().map(line)
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.hasSuffix(" ") { text = text.dropLast() }
        return String(text)
    }
}
