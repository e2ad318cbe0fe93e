import Foundation
import FuzzTargets

// Built by scripts/fuzz.sh with -DFUZZING, coverage instrumentation and libFuzzer: `FUZZ_TARGET=<target>
// prunebench-fuzz [libFuzzer options] CORPUS...`. Built normally, it replays inputs:
// `prunebench-fuzz <target> FILE...` feeds each file to the target and says whether it was accepted.

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], FuzzTarget(rawValue: name) != nil else {
    FileHandle.standardError.write(Data("set FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(2)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv) { data, count in
    // The target and scratch directory are looked up per input: a C callback captures nothing.
    let target = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["FUZZ_TARGET"]!)!
    let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("prunebench-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    target.run(bytes, scratch: scratch)
    return 0
})
#else
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
    print("usage: prunebench-fuzz <\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))> FILE...")
    exit(2)
}
let scratch = try FuzzTarget.makeScratch()
defer { try? FileManager.default.removeItem(at: scratch) }
for path in arguments.dropFirst() {
    let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
    print("\(path): \(target.run(bytes, scratch: scratch) ? "accepted" : "refused")")
}
#endif
