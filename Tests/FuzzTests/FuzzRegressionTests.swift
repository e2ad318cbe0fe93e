import Foundation
import Testing
import FuzzTargets

/// Replays the fuzzer's seeds (each must be accepted: the targets read valid files) and every input a fuzzing
/// campaign found a problem with (Tests/FuzzTests/Regressions/<target>/: each must now be refused cleanly, with
/// no crash). `scripts/fuzz.sh` finds new ones.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func files(_ directory: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedsAreAccepted(target: FuzzTarget) throws {
        let seeds = Self.files(Self.root.appendingPathComponent("../../fuzz/seeds/\(target.rawValue)").standardized)
        #expect(!seeds.isEmpty, "no seeds for \(target.rawValue): run tools/fuzz_seeds.py")
        let scratch = try FuzzTarget.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for seed in seeds {
            #expect(target.run([UInt8](try Data(contentsOf: seed)), scratch: scratch), "\(seed.lastPathComponent) is refused")
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func foundInputsAreRefusedWithoutACrash(target: FuzzTarget) throws {
        let scratch = try FuzzTarget.makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for input in Self.files(Self.root.appendingPathComponent("Regressions/\(target.rawValue)")) {
            #expect(!target.run([UInt8](try Data(contentsOf: input)), scratch: scratch), "\(input.lastPathComponent) is accepted")
        }
    }
}
