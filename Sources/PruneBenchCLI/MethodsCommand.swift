import ArgumentParser
import Foundation
import Pruning

/// `prunebench methods [NAME]`: lists the registered pruning methods, or describes one.
struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods",
        abstract: "List the registered pruning methods, or show one method's card summary and configuration.")

    @Argument(help: "A registered method name (e.g. global-magnitude); omit to list all.")
    var name: String?

    func run() throws {
        guard let name else {
            print(MethodRegistry.listing())
            return
        }
        do {
            print(try MethodRegistry.description(of: name))
        } catch let error as PruningError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
