import ArgumentParser
import Data
import Foundation
import NN
import Training

/// Which model and dataset a command works on.
struct ModelSource: ParsableArguments {
    @Option(help: "Zoo model: mlp, lenet5, conv2, conv4, conv6, vgg, resnet20, resnet32, resnet56.")
    var model: String?

    @Option(help: "Architecture JSON file (instead of --model).")
    var architectureFile: String?

    @Option(help: "The dataset (HDF5, from `prunebench import`).")
    var dataset: String = "data/fashion-mnist.h5"

    /// The architecture from `--architecture-file`, or the zoo model `--model` sized for `dataset`.
    func architecture(for data: ImageDataset) throws -> Architecture {
        if let architectureFile {
            let text = try Foundation.Data(contentsOf: URL(fileURLWithPath: architectureFile))
            do { return try JSONDecoder().decode(Architecture.self, from: text) } catch {
                throw ValidationError("\(architectureFile): not an architecture description: \(error)")
            }
        }
        guard let model else { throw ValidationError("give --model NAME or --architecture-file FILE") }
        guard Architecture.zooNames.contains(model), model != "sequential" else {
            throw ValidationError("--model \(model): expected one of "
                + Architecture.zooNames.filter { $0 != "sequential" }.joined(separator: ", ")
                + " (a sequential model needs --architecture-file)")
        }
        let shape = data.train.imageShape
        return Architecture(name: model, classes: data.classCount, inputChannels: shape[0],
                            inputSize: [shape[1], shape[2]])
    }
}

extension OptimizerConfig.Kind: ExpressibleByArgument {}
extension ScheduleConfig.Kind: ExpressibleByArgument {}
extension ScheduleConfig.Unit: ExpressibleByArgument {}

/// Recipe options of `prunebench train`: a recipe file and per-field overrides.
struct RecipeOptions: ParsableArguments {
    @Option(name: .customLong("recipe"), help: "Training recipe JSON file; the options below override its fields.")
    var recipeFile: String?
    @Option(help: "Epochs (default 10).") var epochs: Int?
    @Option(help: "Optimizer steps (instead of epochs).") var steps: Int?
    @Option(help: "Batch size (default 128).") var batchSize: Int?
    @Option(help: "sgd, adam or adamw (default sgd).") var optimizer: OptimizerConfig.Kind?
    @Option(help: "Base learning rate (default 0.1 for SGD, 0.001 for Adam).") var lr: Float?
    @Option(help: "SGD momentum (default 0.9).") var momentum: Float?
    @Flag(help: "Nesterov momentum.") var nesterov = false
    @Option(help: "Weight decay (L2 for SGD/Adam, decoupled for AdamW).") var weightDecay: Float?
    @Option(help: "Schedule: constant, step, multiStep, cosine, linear, oneCycle (default cosine).")
    var schedule: ScheduleConfig.Kind?
    @Option(help: "Schedule unit: step or epoch (default step).") var scheduleUnit: ScheduleConfig.Unit?
    @Option(help: "Linear warm-up length in schedule units.") var warmup: Int?
    @Option(help: "Multi-step milestones, comma-separated (schedule units).") var milestones: String?
    @Option(help: "Step schedule: units between decays.") var stepSize: Int?
    @Option(help: "Step/multi-step decay factor.") var gamma: Float?
    @Option(help: "Random-crop zero padding in pixels (0: off).") var cropPadding: Int?
    @Flag(help: "Random horizontal flips.") var flip = false
    @Option(help: "Label smoothing in [0, 1].") var labelSmoothing: Float?
    @Option(help: "Root seed of initialisation, data order, augmentation and dropout.") var seed: UInt64?

    /// The recipe file (or the defaults) with every given option applied, validated.
    func recipe() throws -> TrainingRecipe {
        var r = TrainingRecipe()
        if let recipeFile {
            let text = try Foundation.Data(contentsOf: URL(fileURLWithPath: recipeFile))
            do { r = try JSONDecoder().decode(TrainingRecipe.self, from: text) } catch {
                throw ValidationError("\(recipeFile): not a training recipe: \(error)")
            }
        }
        if let epochs { r.epochs = epochs; r.steps = nil }
        if let steps { r.steps = steps }
        if let batchSize { r.batchSize = batchSize }
        if let optimizer, optimizer != r.optimizer.kind { r.optimizer = OptimizerConfig(kind: optimizer) }
        if let lr { r.optimizer.learningRate = lr }
        if let momentum { r.optimizer.momentum = momentum }
        if nesterov { r.optimizer.nesterov = true }
        if let weightDecay { r.optimizer.weightDecay = weightDecay }
        try applySchedule(to: &r)
        if let cropPadding { r.augmentation.cropPadding = cropPadding }
        if flip { r.augmentation.horizontalFlip = true }
        if let labelSmoothing { r.labelSmoothing = labelSmoothing }
        if let seed { r.seed = seed }
        do { try r.validate() } catch { throw ValidationError(error.message) }
        return r
    }

    private func applySchedule(to r: inout TrainingRecipe) throws {
        if let schedule, schedule != r.schedule.kind { r.schedule = ScheduleConfig(kind: schedule, unit: r.schedule.unit) }
        if let scheduleUnit { r.schedule.unit = scheduleUnit }
        if let warmup { r.schedule.warmup = warmup }
        if let stepSize { r.schedule.stepSize = stepSize }
        if let gamma { r.schedule.gamma = gamma }
        if let milestones {
            let values = milestones.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--milestones: expected integers like 80,120") }
            r.schedule.milestones = values.compactMap { $0 }
        }
    }
}
