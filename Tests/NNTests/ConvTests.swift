import Testing
@testable import NN

@Suite struct ConvTests {
    /// (batch, inC, H, W, outC, k, stride, padding, groups): odd sizes, 1×k-like skinny inputs,
    /// groups > 1 (incl. depthwise), stride 2, padding, pointwise, kernel larger than the unpadded input.
    static let shapes: [[Int]] = [
        [2, 3, 7, 5, 4, 3, 1, 1, 1], [3, 4, 9, 9, 6, 3, 2, 1, 2], [1, 1, 1, 13, 2, 1, 1, 0, 1],
        [2, 2, 1, 11, 3, 3, 1, 1, 1], [2, 6, 8, 8, 6, 3, 1, 1, 6], [5, 1, 28, 28, 6, 5, 1, 2, 1],
        [3, 8, 6, 6, 16, 1, 1, 0, 1], [2, 8, 7, 7, 4, 1, 2, 0, 2], [2, 3, 2, 2, 5, 3, 1, 1, 1],
        [1, 4, 10, 7, 8, 5, 3, 2, 4], [9, 16, 14, 14, 32, 3, 2, 1, 1],
        [3, 16, 7, 7, 32, 3, 1, 1, 1], [2, 8, 9, 40, 32, 3, 1, 1, 2], [2, 6, 14, 14, 16, 5, 1, 0, 1],
        [2, 64, 7, 7, 64, 3, 1, 1, 1], [3, 16, 28, 28, 32, 3, 2, 1, 1], [2, 8, 9, 11, 32, 5, 2, 2, 2],
    ]

    /// The fast convolution (im2col + GEMM) matches the direct Double-sum reference, for 1 and 2 threads.
    @Test(arguments: shapes)
    func fastMatchesNaive(_ s: [Int]) {
        var random = SeededGenerator(seed: UInt64(s.reduce(0) { $0 * 31 + $1 }))
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], stride: s[6], padding: s[7],
                          groups: s[8], random: &random)
        let x = randomTensor([s[0], s[1], s[2], s[3]], &random)
        let reference = naiveConv2d(input: x, weight: conv.weight.value, bias: conv.bias?.value,
                                    stride: s[6], padding: s[7], groups: s[8])
        let one = conv.forward(x, context: ForwardContext(mode: .inference, threads: 1))
        let two = conv.forward(x, context: ForwardContext(mode: .inference, threads: 2))
        #expect(one.shape == reference.shape)
        // Float sums of at most 400 terms vs Double: relative 1e-4 with an absolute floor of 1e-3.
        #expect(maxRelativeDifference(one, reference) < 1e-4, "\(s)")
        #expect(one.isBitwiseEqual(to: two), "thread count changed the result for \(s)")
    }

    /// Conv backward vs central differences (relative tolerance 1e-2; Float forward, h = 1e-2).
    @Test(arguments: [[2, 3, 5, 6, 4, 3, 1, 1, 1], [2, 4, 7, 7, 4, 3, 2, 1, 2], [3, 4, 4, 4, 6, 1, 1, 0, 2],
                      [1, 2, 6, 5, 3, 2, 2, 0, 1], [2, 2, 1, 7, 2, 3, 1, 1, 1], [1, 2, 3, 20, 9, 3, 1, 1, 1],
                      [2, 3, 4, 4, 2, 5, 1, 2, 1], [2, 4, 5, 6, 16, 3, 1, 1, 1]])
    func gradients(_ s: [Int]) {
        var random = SeededGenerator(seed: 11)
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], stride: s[6], padding: s[7],
                          groups: s[8], random: &random)
        GradientCheck(samples: 30).check(conv, input: randomTensor([s[0], s[1], s[2], s[3]], &random))
    }

    /// Backward results are bit-identical for 1 and 2 threads (fixed reduction chunks).
    @Test func backwardIndependentOfThreads() {
        var random = SeededGenerator(seed: 12)
        let conv = Conv2d(inChannels: 4, outChannels: 8, kernelSize: 3, padding: 1, random: &random)
        let x = randomTensor([13, 4, 9, 9], &random)
        let dy = randomTensor([13, 8, 9, 9], &random)
        var results: [(Tensor, Tensor, Tensor)] = []
        for threads in [1, 2, 3] {
            conv.weight.zeroGradient()
            conv.bias?.zeroGradient()
            _ = conv.forward(x, context: ForwardContext(mode: .training, threads: threads))
            let dx = conv.backward(dy)
            results.append((dx, conv.weight.gradient.copy(), conv.bias?.gradient.copy() ?? dx))
        }
        for r in results.dropFirst() {
            #expect(r.0.isBitwiseEqual(to: results[0].0) && r.1.isBitwiseEqual(to: results[0].1)
                    && r.2.isBitwiseEqual(to: results[0].2))
        }
    }

    /// Parameter names, shapes and PyTorch's init bound 1/sqrt(in/groups·k²).
    @Test func parametersAndInit() {
        var random = SeededGenerator(seed: 13)
        let conv = Conv2d(inChannels: 8, outChannels: 4, kernelSize: 3, groups: 2, bias: true, random: &random)
        #expect(conv.localParameters.map(\.name) == ["weight", "bias"])
        #expect(conv.weight.value.shape == [4, 4, 3, 3])
        let bound: Float = 1 / 6
        #expect(conv.weight.value.values.allSatisfy { abs($0) <= bound })
        #expect(conv.weight.value.values.contains { abs($0) > 0.9 * bound })
    }
}

/// The two direct kernels: which one a layer takes, and that they agree bit for bit.
@Suite struct DirectConvolutionTests {
    /// (inC, H, W, outC, k, padding, groups, expected: 0 im2col + GEMM, 1 spatial tiles, 2 channels-last).
    @Test(arguments: [[16, 28, 28, 16, 3, 1, 1, 1], [1, 28, 28, 16, 3, 1, 1, 1], [32, 14, 14, 32, 3, 1, 1, 1],
                      [64, 7, 7, 64, 3, 1, 1, 2], [6, 14, 14, 16, 5, 0, 1, 2], [16, 64, 64, 16, 3, 1, 1, 2],
                      [16, 64, 64, 8, 3, 1, 1, 0], [3, 7, 7, 16, 3, 1, 1, 1], [8, 7, 7, 32, 3, 1, 2, 2], [6, 7, 7, 32, 3, 1, 2, 1]])
    func kernelChoice(_ s: [Int]) {
        let g = ConvGeometry(batch: 2, inChannels: s[0], height: s[1], width: s[2], outChannels: s[3], kernel: s[4],
                             stride: 1, padding: s[5], groups: s[6])
        let kinds: [DirectConvolution?] = [nil, .spatialTiles, .channelsLast]
        #expect(directConvolution(g) == (GEMMBackend.avx512Available ? kinds[s[7]] : nil), "\(s)")
    }

    /// Stride 2: channels-last when it can run, else im2col + GEMM. (inC, outC, groups, expected as above.)
    @Test(arguments: [[16, 32, 1, 2], [32, 64, 1, 2], [3, 16, 1, 0], [16, 8, 1, 0], [8, 32, 2, 2]])
    func strideTwoKernelChoice(_ s: [Int]) {
        let g = ConvGeometry(batch: 2, inChannels: s[0], height: 28, width: 28, outChannels: s[1], kernel: 3,
                             stride: 2, padding: 1, groups: s[2])
        let kinds: [DirectConvolution?] = [nil, .spatialTiles, .channelsLast]
        #expect(directConvolution(g) == (GEMMBackend.avx512Available ? kinds[s[3]] : nil), "\(s)")
    }

    /// Stride-2 channels-last without bias sums what im2col + GEMM sums, in the same order (C·k² ≤ 512): identical bits.
    @Test(arguments: [[3, 16, 28, 28, 32, 3, 1], [2, 32, 14, 14, 64, 3, 1], [2, 8, 9, 11, 16, 3, 0], [2, 4, 7, 7, 16, 5, 2]])
    func strideTwoChannelsLastMatchesGEMMBitwise(_ s: [Int]) {
        guard GEMMBackend.avx512Available else { return }
        var random = SeededGenerator(seed: UInt64(s.reduce(9) { $0 * 31 + $1 }))
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], stride: 2, padding: s[6],
                          bias: false, random: &random)
        let x = randomTensor([s[0], s[1], s[2], s[3]], &random)
        let g = conv.geometry(for: x.shape)
        let (direct, gemm) = (Tensor(zeros: g.outputShape), Tensor(zeros: g.outputShape))
        conv2dDirectForward(g, input: x.data, weight: conv.weight.value.data, bias: nil, output: direct.data,
                            workspace: Workspace(), threads: 2, kind: .channelsLast)
        conv2dBatchedForward(g, input: x.data, weight: conv.weight.value.data, bias: nil, output: gemm.data,
                             workspace: Workspace(), threads: 1)
        #expect(direct.isBitwiseEqual(to: gemm), "\(s)")
    }

    /// Channels-last and spatial tiles sum the same products in the same order: identical bits, with and without bias.
    @Test(arguments: [[3, 16, 7, 7, 32, 3, 1, 1], [2, 6, 14, 14, 16, 5, 0, 1], [2, 16, 28, 28, 16, 3, 1, 1],
                      [2, 8, 5, 9, 32, 3, 1, 2], [2, 4, 6, 6, 16, 7, 3, 1], [3, 32, 14, 14, 48, 3, 1, 1]])
    func channelsLastMatchesSpatialTilesBitwise(_ s: [Int]) {
        guard GEMMBackend.avx512Available else { return }
        var random = SeededGenerator(seed: UInt64(s.reduce(5) { $0 * 31 + $1 }))
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], padding: s[6], groups: s[7],
                          random: &random)
        let x = randomTensor([s[0], s[1], s[2], s[3]], &random)
        let g = conv.geometry(for: x.shape)
        for bias in [conv.bias?.value.data, nil] {
            var outputs: [Tensor] = []
            for (kind, threads) in [(DirectConvolution.spatialTiles, 1), (.channelsLast, 1), (.channelsLast, 2)] {
                let y = Tensor(zeros: g.outputShape)
                conv2dDirectForward(g, input: x.data, weight: conv.weight.value.data, bias: bias, output: y.data,
                                    workspace: Workspace(), threads: threads, kind: kind)
                outputs.append(y)
            }
            #expect(outputs[1].isBitwiseEqual(to: outputs[0]) && outputs[2].isBitwiseEqual(to: outputs[0]),
                    "\(s), bias \(bias != nil)")
        }
    }
}

/// The batched-sample forward (several samples' im2col side by side, one GEMM) against the per-sample one.
@Suite struct BatchedConvTests {
    /// Bitwise equal, with and without bias, 1 and 2 threads: the AVX-512 GEMM sums over K in an order that
    /// does not depend on the number of columns, so batching samples must not change a bit.
    @Test(arguments: ConvTests.shapes)
    func batchedForwardMatchesPerSampleBitwise(_ s: [Int]) {
        guard GEMMBackend.avx512Available else { return }
        var random = SeededGenerator(seed: UInt64(s.reduce(7) { $0 * 31 + $1 }))
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], stride: s[6], padding: s[7],
                          groups: s[8], random: &random)
        let x = randomTensor([s[0], s[1], s[2], s[3]], &random)
        let g = conv.geometry(for: x.shape)
        for bias in [conv.bias?.value.data, nil] {
            let reference = Tensor(zeros: g.outputShape)
            conv2dPerSampleForward(g, input: x.data, weight: conv.weight.value.data, bias: bias,
                                   output: reference.data, workspace: Workspace(), threads: 1)
            for threads in [1, 2] {
                let batched = Tensor(zeros: g.outputShape)
                conv2dBatchedForward(g, input: x.data, weight: conv.weight.value.data, bias: bias,
                                     output: batched.data, workspace: Workspace(), threads: threads)
                #expect(batched.isBitwiseEqual(to: reference), "\(s), bias \(bias != nil), \(threads) threads")
            }
        }
    }
}

/// Conv backward (dx, dw, db) against the Double-sum reference on shapes that take each weight-gradient path.
@Suite struct ConvBackwardTests {
    /// (batch, inC, H, W, outC, k, stride, padding, groups, path): path 0 = im2col + GEMM, 1 = spatial tiles,
    /// 2 = channels-last (on AVX-512 CPUs; elsewhere every shape takes the GEMM path).
    static let shapes: [[Int]] = [
        [3, 16, 28, 28, 16, 3, 1, 1, 1, 2], [5, 32, 14, 14, 32, 3, 1, 1, 1, 2], [9, 64, 7, 7, 64, 3, 1, 1, 1, 2],
        [4, 6, 14, 14, 16, 5, 1, 0, 1, 2], [3, 8, 5, 9, 32, 3, 1, 1, 2, 2], [2, 5, 11, 30, 48, 3, 1, 0, 1, 2], [2, 5, 11, 40, 48, 3, 1, 0, 1, 0],
        [2, 4, 9, 6, 16, 5, 1, 2, 1, 2], [3, 1, 28, 28, 16, 3, 1, 1, 1, 1], [4, 3, 12, 12, 8, 3, 1, 1, 1, 1],
        [3, 16, 7, 7, 8, 3, 1, 1, 1, 0], [3, 16, 14, 14, 32, 3, 2, 1, 1, 0],
    ]

    @Test(arguments: shapes)
    func backwardMatchesNaive(_ s: [Int]) {
        var random = SeededGenerator(seed: UInt64(s.reduce(3) { $0 * 31 + $1 }))
        let conv = Conv2d(inChannels: s[1], outChannels: s[4], kernelSize: s[5], stride: s[6], padding: s[7],
                          groups: s[8], random: &random)
        let x = randomTensor([s[0], s[1], s[2], s[3]], &random)
        let g = conv.geometry(for: x.shape)
        let paths: [DirectWeightGradient?] = [nil, .spatialTiles, .channelsLast]
        let expectedPath = GEMMBackend.avx512Available ? paths[s[9]] : nil
        #expect(directWeightGradient(g) == expectedPath, "\(s) takes another weight-gradient path")
        let dy = randomTensor(g.outputShape, &random)
        let reference = naiveConv2dBackward(input: x, weight: conv.weight.value, gradOutput: dy, stride: s[6],
                                            padding: s[7], groups: s[8])
        var gradients: [[Tensor]] = []
        for threads in [1, 2] {
            conv.weight.zeroGradient()
            conv.bias?.zeroGradient()
            _ = conv.forward(x, context: ForwardContext(mode: .training, threads: threads))
            let dx = conv.backward(dy)
            gradients.append([dx, conv.weight.gradient.copy(), conv.bias!.gradient.copy()])
        }
        // Float sums of up to 25,000 terms against Double ones: relative 1e-3 with an absolute floor of 1e-2.
        for (name, index, want) in [("dx", 0, reference.input), ("dw", 1, reference.weight), ("db", 2, reference.bias)] {
            #expect(maxRelativeDifference(gradients[0][index], want, floor: 1e-2) < 1e-3, "\(name) \(s)")
            #expect(gradients[1][index].isBitwiseEqual(to: gradients[0][index]), "\(name) depends on threads, \(s)")
        }
    }
}
