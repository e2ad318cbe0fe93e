import NN

extension Checkpoint {
    /// The network this checkpoint describes, ready to run: `architecture` (or, when nil, the one the file records)
    /// built, every tensor loaded (names, shapes and finiteness checked) and the stored masks applied. This is the
    /// one way PruneBench turns a checkpoint into a model, so `inspect`'s verdict is the loader's. Errors name
    /// `file` and the object at fault.
    public func model(architecture given: Architecture? = nil, file: String, seed: UInt64 = 0) throws -> Model {
        let architecture: Architecture
        if let given {
            architecture = given
        } else {
            do {
                guard let recorded = try decodeArchitecture(as: Architecture.self) else {
                    throw DataFileError(file: file, object: "/", message: "no \"architecture\" attribute (a plain state_dict): "
                        + "name the architecture (--model or --architecture-file)")
                }
                architecture = recorded
            } catch let error as DataFileError {
                throw error
            } catch {
                throw DataFileError(file: file, object: "/@architecture", message: "cannot be read as an architecture: \(error)")
            }
        }
        var random = SeededGenerator(seed: seed).derived("model")
        let model: Model
        do { model = try Model(architecture, random: &random) } catch {
            throw DataFileError(file: file, object: "/@architecture", message: "\(error)")
        }
        do { try model.load(stateDict: stateDict) } catch {
            throw DataFileError(file: file, object: "/", message: "the tensors do not load into \(architecture.name): \(error)")
        }
        try applyMasks(to: model, file: file)
        return model
    }

    /// Puts the stored masks on the model's parameters and zeroes the pruned weights.
    func applyMasks(to model: Model, file: String) throws {
        let parameters = Dictionary(model.parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        for (name, mask) in masks {
            guard let parameter = parameters[name] else {
                throw DataFileError(file: file, object: "/masks/\(name)", message: "no parameter of the model has this name")
            }
            guard parameter.value.shape == mask.shape else {
                throw DataFileError(file: file, object: "/masks/\(name)", message: "shape \(mask.shape); expected \(parameter.value.shape)")
            }
            if let index = (0..<mask.count).first(where: { mask.data[$0] != 0 && mask.data[$0] != 1 }) {
                throw DataFileError(file: file, object: "/masks/\(name)", message: "holds \(mask.data[index]) at flat index \(index); "
                    + "a mask holds 0 and 1 only")
            }
            parameter.mask = mask
            parameter.applyMask()
        }
    }
}
