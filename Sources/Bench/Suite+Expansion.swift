import Foundation
import Training

/// What the expansion needs to know about a registered method.
public struct MethodCatalogEntry: Sendable {
    public var name: String
    /// The method's default configuration (`Configuration()`) as JSON.
    public var defaultConfiguration: JSONValue
    /// Whether this is a control that does not prune (it runs once per seed, at compression 1).
    public var isControl: Bool
    /// Throws a description of the problem when a full configuration does not decode or validate.
    public var check: @Sendable (JSONValue) throws -> Void

    /// A value from its parts.
    public init(name: String, defaultConfiguration: JSONValue, isControl: Bool,
                check: @escaping @Sendable (JSONValue) throws -> Void) {
        self.name = name
        self.defaultConfiguration = defaultConfiguration
        self.isControl = isControl
        self.check = check
    }
}

/// The files a suite's runs start from, once prepared (dataset imported, models trained).
public struct PreparedInputs: Sendable {
    public var dataset: FileReference
    /// The dataset's name for labels.
    public var datasetName: String
    /// Each model's leaderboard name and checkpoint, in suite order.
    public var models: [(name: String, checkpoint: FileReference)]

    /// A value from its parts.
    public init(dataset: FileReference, datasetName: String, models: [(name: String, checkpoint: FileReference)]) {
        self.dataset = dataset
        self.datasetName = datasetName
        self.models = models
    }
}

extension Suite {
    /// The run-spec form of the fine-tuning recipe: its encoding (which omits TrainingRecipe's
    /// defaults) without `epochs`, `steps` and `seed`, which the budget and the run's seed replace.
    public var fineTuningJSON: JSONValue {
        get throws {
            guard case .object(var members) = try JSONValue(encoding: fineTuning) else { return .object([:]) }
            for key in ["epochs", "steps", "seed"] { members[key] = nil }
            return .object(members)
        }
    }

    /// The methods chosen, checked against `catalog`: each with its configuration, defaults omitted.
    public func resolvedMethods(_ catalog: [MethodCatalogEntry]) throws
        -> [(entry: MethodCatalogEntry, configuration: JSONValue, label: String)] {
        guard let methods else { return catalog.map { ($0, .object([:]), $0.name) } }
        var seen: [String: String] = [:]
        return try methods.map { choice in
            guard let entry = catalog.first(where: { $0.name == choice.name }) else {
                throw BenchError.suite(file: file, key: choice.key, message: "unknown method '\(choice.name)' "
                    + "(registered: \(catalog.map(\.name).joined(separator: ", ")))")
            }
            let defaults = entry.defaultConfiguration.objectValue ?? [:]
            for key in (choice.configuration.objectValue ?? [:]).keys.sorted() where defaults[key] == nil {
                throw BenchError.suite(file: file, key: "\(choice.key).configuration.\(key)",
                    message: "unknown configuration key for method '\(entry.name)' (expected one of: "
                        + "\(defaults.keys.sorted().joined(separator: ", ")))")
            }
            do { try entry.check(entry.defaultConfiguration.merging(choice.configuration)) } catch {
                throw BenchError.suite(file: file, key: "\(choice.key).configuration", message: "\(error)")
            }
            let configuration = choice.configuration.omittingDefaults(entry.defaultConfiguration)
            let label = choice.label ?? Suite.label(method: entry.name, configuration: configuration)
            if let earlier = seen[label] {
                throw BenchError.suite(file: file, key: choice.key, message: "label '\(label)' is already used by "
                    + "\(earlier); give each method entry its own label")
            }
            seen[label] = choice.key
            return (entry, configuration, label)
        }
    }

    /// The suite's runs, ordered model, seed, method, target (so a partial grid covers every method
    /// of the first seeds). Controls run at compression 1 only.
    public func expand(_ inputs: PreparedInputs, catalog: [MethodCatalogEntry]) throws -> [PlannedRun] {
        let methods = try resolvedMethods(catalog)
        let recipe = try fineTuningJSON
        var runs: [PlannedRun] = []
        for model in inputs.models {
            for seed in seeds {
                for (entry, configuration, label) in methods {
                    for target in entry.isControl ? [1] : compressions {
                        let spec = RunSpec(checkpoint: model.checkpoint, dataset: inputs.dataset, method: entry.name,
                                           configuration: configuration, compression: target, seed: seed,
                                           budget: budget, fineTuning: recipe)
                        runs.append(try PlannedRun(spec: spec, labels: RunLabels(
                            dataset: inputs.datasetName, model: model.name, method: label)))
                    }
                }
            }
        }
        return runs
    }

    /// `name`, or `name(key=value,…)` with the configuration's non-default members in canonical form.
    public static func label(method name: String, configuration: JSONValue) -> String {
        guard let members = configuration.objectValue, !members.isEmpty else { return name }
        let parts = members.keys.sorted().map { key -> String in
            let value = members[key] ?? .null
            if case .string(let text) = value { return "\(key)=\(text)" }
            return "\(key)=\(value.canonical)"
        }
        return "\(name)(\(parts.joined(separator: ",")))"
    }
}
