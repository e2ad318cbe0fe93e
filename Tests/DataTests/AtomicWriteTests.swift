import Foundation
import Testing
@testable import Data

/// Temporary files of killed writers are found and removed; those of live processes never are (issue 18).
@Suite struct AtomicWriteTests {
    /// Above Linux's largest pid_max (2^22): no process can have it.
    static let deadProcess: Int32 = 4_194_305

    @Test func leftoversAreTheFilesOfProcessesThatAreGone() throws {
        let directory = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let me = ProcessInfo.processInfo.processIdentifier
        let uuid = UUID().uuidString
        let names = [
            ".run.json.\(Self.deadProcess).partial",          // a killed record write
            ".masks.h5.\(Self.deadProcess).tmp-\(uuid)",      // a killed masks write
            ".run.json.\(me).partial",                       // this (live) process's write in progress
            ".ckpt.h5.\(me).tmp-\(uuid)",
            ".ckpt.h5.tmp-\(uuid)",                          // an older version's name, fresh: kept for an hour
            "run.json", ".hidden", ".notes.tmp-not-a-uuid",  // not temporaries
        ]
        for name in names { try Foundation.Data("x".utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)")) }
        let expected = [".masks.h5.\(Self.deadProcess).tmp-\(uuid)", ".run.json.\(Self.deadProcess).partial"]
            .map { "\(directory)/\($0)" }.sorted()
        #expect(AtomicWrite.leftovers(in: directory) == expected)
        // An hour later the legacy name counts too.
        #expect(AtomicWrite.leftovers(in: directory, now: Date().addingTimeInterval(7200)).contains("\(directory)/.ckpt.h5.tmp-\(uuid)"))
        #expect(AtomicWrite.removeLeftovers(in: [directory]) == expected)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == names.filter { !$0.contains("\(Self.deadProcess)") }.sorted())
    }

    @Test func theTemporaryNameCarriesTheWriter() throws {
        let url = URL(fileURLWithPath: "/tmp/x/record.json")
        let temporary = AtomicWrite.temporaryURL(for: url)
        #expect(AtomicWrite.writer(ofTemporary: temporary.lastPathComponent) == .process(ProcessInfo.processInfo.processIdentifier))
        #expect(AtomicWrite.isRunning(ProcessInfo.processInfo.processIdentifier) && !AtomicWrite.isRunning(Self.deadProcess))
    }
}
