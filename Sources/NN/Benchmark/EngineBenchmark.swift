import Foundation

/// Measures the engine's speed: training and inference images/s of zoo models and GEMM GFLOP/s.
///
/// A training step is what a PyTorch loop does per batch: forward in training mode, softmax
/// cross-entropy, zeroed gradients, backward, and the engine's SGD step with momentum 0.9.
public enum EngineBenchmark {
    /// Throughput of one model at one thread count.
    public struct ModelResult: Codable, Sendable {
        public let model: String
        public let threads: Int
        public let batch: Int
        /// Training images per second (forward + loss + backward + update).
        public let train: Double
        /// Inference images per second (forward in inference mode).
        public let infer: Double
    }

    /// Speed of one GEMM shape: `C[m,n] = A[m,k] · B[k,n]`, 2·m·n·k flops per call.
    public struct GEMMResult: Codable, Sendable {
        public let label: String
        public let m: Int
        public let n: Int
        public let k: Int
        public let threads: Int
        public let gflops: Double
    }

    /// Runs `body` once to warm up, then repeatedly for at least `seconds` (and 3 runs); returns runs per second.
    static func rate(seconds: Double, _ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock()
        let start = clock.now
        var runs = 0
        var elapsed = 0.0
        repeat {
            body()
            runs += 1
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        } while elapsed < seconds || runs < 3
        return Double(runs) / elapsed
    }

    /// Training and inference images/s of `architecture` on random inputs at `batch` and `threads`.
    public static func measure(_ architecture: Architecture, batch: Int, threads: Int,
                               seconds: Double) throws -> ModelResult {
        var random = SeededGenerator(seed: 0)
        var initRandom = random.derived("init")
        let model = try Model(architecture, random: &initRandom)
        model.computesInputGradient = false  // as in PyTorch, where the input does not require a gradient
        let input = Tensor(zeros: [batch] + model.exampleShape)
        for i in 0..<input.count { input.data[i] = random.nextNormal() }
        let labels = (0..<batch).map { _ in Int32(random.nextIndex(below: architecture.classes)) }
        let loss = SoftmaxCrossEntropy()
        let optimizer = try SGD(parameters: model.parameters, momentum: 0.9)
        setBLASThreads(threads)
        let train = rate(seconds: seconds) {
            let context = ForwardContext(mode: .training, random: random.derived("dropout"), threads: threads)
            let logits = model.forward(input, context: context)
            let (_, gradient) = loss(logits: logits, labels: labels)
            model.zeroGradients()
            model.backward(gradient)
            optimizer.step(lr: 0.01)
        }
        setBLASThreads(threads)
        let infer = rate(seconds: seconds) {
            _ = model.forward(input, context: ForwardContext(mode: .inference, threads: threads,
                                                         retainsActivations: false))
        }
        return ModelResult(model: architecture.name, threads: threads, batch: batch,
                           train: train * Double(batch), infer: infer * Double(batch))
    }

    /// GFLOP/s of `C[m,n] = A[m,k] · B[k,n]` through the engine's `gemm` on `threads` threads.
    public static func measureGEMM(label: String, m: Int, n: Int, k: Int, threads: Int,
                                   seconds: Double) -> GEMMResult {
        var random = SeededGenerator(seed: 1)
        let a = Tensor(zeros: [m, k]), b = Tensor(zeros: [k, n]), c = Tensor(zeros: [m, n])
        for i in 0..<a.count { a.data[i] = random.nextUniform(-1, 1) }
        for i in 0..<b.count { b.data[i] = random.nextUniform(-1, 1) }
        setBLASThreads(threads)
        let calls = rate(seconds: seconds) { gemm(a, b, into: c, threads: threads) }
        return GEMMResult(label: label, m: m, n: n, k: k, threads: threads,
                          gflops: calls * 2 * Double(m) * Double(n) * Double(k) / 1e9)
    }

    /// The forward GEMM shapes of a model's layers at `batch`: linear `[batch, in] · [in, out]`;
    /// conv as one im2col product per batch, `[out, in·k²] · [in·k², batch·oh·ow]` (per group).
    public static func layerShapes(of model: Model, batch: Int) -> [(label: String, m: Int, n: Int, k: Int)] {
        var shapes: [(label: String, m: Int, n: Int, k: Int)] = []
        var seen = Set<[Int]>()
        let input = Tensor(zeros: [1] + model.exampleShape)
        let context = ForwardContext(mode: .inference)
        context.observer = { event in
            var shape: (Int, Int, Int)?
            if let linear = event.module as? Linear {
                shape = (batch, linear.outFeatures, linear.inFeatures)
            } else if let conv = event.module as? Conv2d, event.output.shape.count == 4 {
                let pixels = event.output.shape[2] * event.output.shape[3]
                shape = (conv.outChannels / conv.groups, batch * pixels,
                         conv.inChannels / conv.groups * conv.kernelSize * conv.kernelSize)
            }
            if let (m, n, k) = shape, seen.insert([m, n, k]).inserted {
                shapes.append((label: "\(model.architecture.name) \(event.path)", m: m, n: n, k: k))
            }
        }
        _ = model.forward(input, context: context)
        return shapes
    }
}

extension EngineBenchmark {
    /// Everything one benchmark sitting measured, as JSON (also what `benchmarks/pytorch_reference.py` writes).
    public struct Report: Codable, Sendable {
        /// Who measured: "prunebench" or "pytorch <version>".
        public var engine: String
        /// The BLAS kernel in use (OpenBLAS core name, or PyTorch's BLAS).
        public var blas: String
        public var models: [ModelResult]
        public var gemm: [GEMMResult]

        public init(engine: String, blas: String, models: [ModelResult], gemm: [GEMMResult]) {
            self.engine = engine
            self.blas = blas
            self.models = models
            self.gemm = gemm
        }
    }
}
