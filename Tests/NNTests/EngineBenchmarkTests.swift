import Testing
@testable import NN

@Suite struct EngineBenchmarkTests {
    @Test func lenet5LayerShapesAreTheIm2colProducts() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let shapes = EngineBenchmark.layerShapes(of: model, batch: 128).map { [$0.m, $0.n, $0.k] }
        // conv1: 6 filters × (128 images · 28·28 pixels) × (1·5·5); conv2: 16 × (128 · 10·10) × (6·5·5);
        // then the linear layers [batch, in] · [in, out].
        #expect(shapes == [[6, 100_352, 25], [16, 12_800, 150], [128, 120, 400], [128, 84, 120], [128, 10, 84]])
    }

    @Test func measuresTrainingAndInference() throws {
        let architecture = Architecture(name: "mlp", classes: 10, inputChannels: 1, inputSize: [8, 8], widths: [16])
        let result = try EngineBenchmark.measure(architecture, batch: 4, threads: 1, seconds: 0.01)
        #expect(result.train > 0 && result.infer > 0)
        #expect(result.model == "mlp" && result.batch == 4 && result.threads == 1)
        let gemm = EngineBenchmark.measureGEMM(label: "t", m: 8, n: 8, k: 8, threads: 1, seconds: 0.01)
        #expect(gemm.gflops > 0)
    }
}
