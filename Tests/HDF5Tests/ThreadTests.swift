import Dispatch
import Foundation
import HDF5
import Synchronization
import Testing

/// HDF5 calls from several threads at once (the library serialises them) read correctly, and
/// failures on any thread carry HDF5's own message.
@Suite struct ThreadTests {
    @Test func concurrentReadsAndErrorsOnWorkerThreads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.h5")
        let values = (0..<(64 * 100)).map { Float($0) }
        try File.create(path).root.createDataset("x", values: values, shape: [64, 100], chunks: [8, 100], deflate: 1)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                let file = try File.open(path)
                let rows = try file.dataset("x").read(rows: (worker * 8)..<(worker * 8 + 8), as: Float.self)
                if rows != Array(values[(worker * 800)..<(worker * 800 + 800)]) {
                    failures.withLock { $0.append("worker \(worker): wrong rows") }
                }
                _ = try file.root.createGroup("g\(worker)")   // read-only file: must fail with HDF5's message
                failures.withLock { $0.append("worker \(worker): write to read-only file succeeded") }
            } catch let error as HDF5Error {
                if error.operation != "create group" || error.message.isEmpty || error.message == "unknown HDF5 error" {
                    failures.withLock { $0.append("worker \(worker): \(error)") }
                }
            } catch {
                failures.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
    }
}
