import ArgumentParser
import Data
import Foundation
import HDF5

/// `prunebench inspect`: prints an HDF5 file's tree and whether it is a valid PruneBench file.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an HDF5 file's groups, datasets and attributes, and check it as a PruneBench dataset or checkpoint.",
        discussion: "Exits with status 1 when the file is not a valid PruneBench dataset or checkpoint.")

    @Argument(help: "The HDF5 file.") var file: String

    func run() throws {
        let opened = try File.open(file)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
        print("\(file) (HDF5, \(formatBytes(size)))")
        for line in try Tree.lines(of: opened.root, name: "/", depth: 0) { print(line) }
        let start = ContinuousClock.now
        let verdict = try FileVerdict.check(path: file)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print(verdict.description)
        print("(read and checked the whole file in \(String(format: "%.3f", seconds)) s)")
        if !verdict.isValid { throw ExitCode.failure }
    }
}

/// Renders groups, datasets and attributes as an indented tree.
enum Tree {
    /// The lines describing `group` and everything below it.
    static func lines(of group: Group, name: String, depth: Int) throws -> [String] {
        let indent = String(repeating: "  ", count: depth)
        var result = ["\(indent)\(name == "/" ? "/" : name + "/")"]
        result += try attributes(of: group, indent: indent + "  ")
        for child in try group.children() {
            switch child.kind {
            case .group:
                result += try lines(of: try group.openGroup(child.name), name: child.name, depth: depth + 1)
            case .dataset:
                let dataset = try group.openDataset(child.name)
                result.append("\(indent)  \(child.name)  \(dataset.storedType) \(dataset.shape)  \(try dataset.storage())")
                result += try attributes(of: dataset, indent: indent + "    ")
            case .namedDatatype, .other:
                result.append("\(indent)  \(child.name)  (\(child.kind.rawValue))")
            }
        }
        return result
    }

    private static func attributes(of object: Object, indent: String) throws -> [String] {
        try object.attributeNames().map { "\(indent)@\($0) = \(try object.attributeValue($0))" }
    }
}

/// A byte count in human units.
func formatBytes(_ bytes: Int64) -> String {
    let units = ["bytes", "KB", "MB", "GB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
}
