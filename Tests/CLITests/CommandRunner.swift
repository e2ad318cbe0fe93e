import Foundation

/// What a run of the `prunebench` executable printed and returned.
struct CommandOutcome {
    let output: String
    let error: String
    let status: Int32
}

/// The `prunebench` executable of this build (it sits beside the test bundle).
private let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("prunebench").path

/// Runs the built `prunebench` with `arguments` and waits for it.
func runPrunebench(_ arguments: [String]) throws -> CommandOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutcome(output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self),
                          status: process.terminationStatus)
}

/// A fresh directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pb-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
