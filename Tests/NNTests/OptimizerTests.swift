import Foundation
import Testing
import NN

/// Optimizer updates against values worked out by hand from PyTorch's documented update rules
/// (`torch.optim.SGD`, `Adam`, `AdamW`); the arithmetic of each step is written in the comments.
/// Relative tolerance 1e-5 (Float32 arithmetic against exact decimal values).
@Suite struct OptimizerTests {
    /// Runs `optimizer` over one parameter with the given gradients, returning the weights after each step.
    func trajectory(start: [Float], gradients: [[Float]], lr: Float,
                    make: ([(name: String, parameter: Parameter)]) throws -> any Optimizer) throws -> [[Float]] {
        let p = Parameter(Tensor(shape: [start.count], values: start))
        let optimizer = try make([("w", p)])
        var result: [[Float]] = []
        for g in gradients {
            p.gradient.assign(from: Tensor(shape: [g.count], values: g))
            optimizer.step(lr: lr)
            result.append(p.value.values)
        }
        return result
    }

    func expectClose(_ actual: [[Float]], _ expected: [[Double]], tolerance: Double = 1e-5) {
        for (a, e) in zip(actual, expected) {
            for (x, y) in zip(a, e) {
                #expect(abs(Double(x) - y) <= tolerance * max(1, abs(y)), "got \(a), expected \(e)")
            }
        }
    }

    @Test func sgdMomentumWeightDecay() throws {
        // lr 0.1, μ 0.9, wd 0.01, w0 = [1, -2].
        // 1: d = [0.5+0.01, -1-0.02] = [0.51, -1.02]; b = d; w = [0.949, -1.898]
        // 2: d = [0.2+0.00949, 0.4-0.01898] = [0.20949, 0.38102]; b = 0.9·[0.51, -1.02] + d
        //    = [0.66849, -0.53698]; w = [0.949-0.066849, -1.898+0.053698] = [0.882151, -1.844302]
        // 3: d = [-0.3+0.00882151, 0.1-0.01844302]; b = 0.9·b + d = [0.31046251, -0.40172502];
        //    w = [0.851104749, -1.804129498]
        let w = try trajectory(start: [1, -2], gradients: [[0.5, -1], [0.2, 0.4], [-0.3, 0.1]], lr: 0.1) {
            try SGD(parameters: $0, momentum: 0.9, weightDecay: 0.01)
        }
        expectClose(w, [[0.949, -1.898], [0.882151, -1.844302], [0.851104749, -1.804129498]])
    }

    @Test func sgdNesterov() throws {
        // lr 0.1, μ 0.9, w0 = [0.5, -1]. 1: b = [1, 2]; step = d + 0.9·b = [1.9, 3.8]; w = [0.31, -1.38]
        // 2: b = 0.9·[1, 2] + [1, -1] = [1.9, 0.8]; step = [1 + 1.71, -1 + 0.72]; w = [0.039, -1.352]
        // 3: b = [1.71+0.5, 0.72+0.5] = [2.21, 1.22]; step = [0.5+1.989, 0.5+1.098]; w = [-0.2099, -1.5118]
        let w = try trajectory(start: [0.5, -1], gradients: [[1, 2], [1, -1], [0.5, 0.5]], lr: 0.1) {
            try SGD(parameters: $0, momentum: 0.9, nesterov: true)
        }
        expectClose(w, [[0.31, -1.38], [0.039, -1.352], [-0.2099, -1.5118]])
    }

    @Test func sgdDampeningSkipsFirstStep() throws {
        // PyTorch initialises the buffer with the raw gradient (no dampening on step 1).
        // b: 1, 0.9+0.5 = 1.4, 1.26+0.5 = 1.76; w: 0.5-0.1 = 0.4, 0.4-0.14 = 0.26, 0.26-0.176 = 0.084
        let w = try trajectory(start: [0.5], gradients: [[1], [1], [1]], lr: 0.1) {
            try SGD(parameters: $0, momentum: 0.9, dampening: 0.5)
        }
        expectClose(w, [[0.4], [0.26], [0.084]])
    }

    @Test func adamL2WeightDecay() throws {
        // lr 0.1, β (0.9, 0.999), ε 1e-8, wd 0.1, w0 = [1, -0.5].
        // 1: d = g + 0.1·w = [0.6, 0.05]; m = 0.1·d; v = 0.001·d²; m̂ = d, √v̂ = |d| so
        //    w = w - 0.1·d/(|d| + 1e-8) = [0.9 + 1.67e-9, -0.6 + 2e-8]
        // 2: d = [-0.25 + 0.09, 0.2 - 0.06] = [-0.16, 0.14]; m = 0.9·m + 0.1·d = [0.038, 0.0185];
        //    v = 0.999·v + 0.001·d² = [0.00038524, 0.00002209...]; w -= (0.1/0.19)·m/(√v/√0.001999 + ε)
        //    = [0.85444137, -0.69260892]; step 3 likewise = [0.80240379, -0.65331602]
        let w = try trajectory(start: [1, -0.5], gradients: [[0.5, 0.1], [-0.25, 0.2], [0.1, -0.4]], lr: 0.1) {
            try Adam(parameters: $0, weightDecay: 0.1)
        }
        expectClose(w, [[0.9000000016666666, -0.599999980000004], [0.8544413674617625, -0.6926089195318573],
                        [0.8024037944234685, -0.6533160212321982]])
    }

    @Test func adamWDecoupledDecay() throws {
        // 1: w = w·(1 - 0.1·0.1) = [0.99, -0.495], then the Adam step of size lr·sign(g): [0.89, -0.595]
        // 2, 3: shrink by 0.99, then the bias-corrected step on the raw gradients.
        let w = try trajectory(start: [1, -0.5], gradients: [[0.5, 0.1], [-0.25, 0.2], [0.1, -0.4]], lr: 0.1) {
            try Adam(parameters: $0, weightDecay: 0.1, decoupledWeightDecay: true)
        }
        expectClose(w, [[0.890000002, -0.5949999900000009], [0.8544662986878463, -0.6855681865787469],
                        [0.8143972800188376, -0.6593330599445033]])
    }

    @Test func masksStayZeroThroughMomentumAndWeightDecay() throws {
        var random = SeededGenerator(seed: 3)
        let values = (0..<64).map { _ in random.nextNormal() }
        let p = Parameter(Tensor(shape: [8, 8], values: values))
        p.mask = Tensor(shape: [8, 8], values: (0..<64).map { $0 % 3 == 0 ? 0 : 1 })
        let sgd = try SGD(parameters: [("w", p)], momentum: 0.9, nesterov: true, weightDecay: 5e-4)
        // A stale momentum buffer at pruned positions: one dense step first, then prune.
        let q = Parameter(p.value.copy())
        let adam = try Adam(parameters: [("w", q)], weightDecay: 0.1, decoupledWeightDecay: true)
        q.gradient.fill(1)
        adam.step(lr: 0.1)
        q.mask = p.mask
        for _ in 0..<5 {
            for k in 0..<64 { p.gradient[flat: k] = random.nextNormal(); q.gradient[flat: k] = random.nextNormal() }
            sgd.step(lr: 0.1)
            adam.step(lr: 0.1)
            for k in 0..<64 where k % 3 == 0 {
                #expect(p.value[flat: k] == 0 && q.value[flat: k] == 0)
                #expect(p.gradient[flat: k] == 0)
            }
        }
        #expect((0..<64).contains { $0 % 3 != 0 && p.value[flat: $0] != values[$0] })
    }

    @Test func resetStateRestartsLikeAFirstStep() throws {
        let p = Parameter(Tensor(shape: [2], values: [0, 0]))
        let sgd = try SGD(parameters: [("w", p)], momentum: 0.9)
        p.gradient.fill(1)
        sgd.step(lr: 1)
        sgd.step(lr: 1)  // b = 1.9
        #expect(sgd.state(for: "w").first?.tensor.values == [1.9, 1.9])
        try sgd.resetState(for: "w", elements: Tensor(shape: [2], values: [1, 0]))
        #expect(sgd.state(for: "w").first?.tensor.values == [0, 1.9])
        try sgd.resetState(for: ["w"])
        #expect(sgd.state(for: "w").isEmpty)
        sgd.step(lr: 1)  // first step again: b = g = 1, so w = -1 - 1.9 - 1
        #expect(p.value.values.allSatisfy { abs($0 + 3.9) < 1e-5 })
        #expect(throws: OptimizationError.self) { try sgd.resetState(for: ["missing"]) }

        let q = Parameter(Tensor(shape: [1], values: [1]))
        let adam = try Adam(parameters: [("q", q)])
        q.gradient.fill(0.5)
        adam.step(lr: 0.1)
        adam.step(lr: 0.1)
        try adam.resetState(for: ["q"])
        #expect(adam.stepCount(for: "q") == 0)
        let before = q.value[flat: 0]
        adam.step(lr: 0.1)  // a first Adam step moves by lr·sign(g) (up to ε)
        #expect(abs((before - q.value[flat: 0]) - 0.1) < 1e-6)
    }

    @Test func configsRoundTripAndOmitDefaults() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(OptimizerConfig.sgd(lr: 0.05)), as: UTF8.self)
        #expect(text == #"{"kind":"sgd","lr":0.05}"#)
        let decoded = try JSONDecoder().decode(OptimizerConfig.self, from: Data(#"{"kind":"adamw"}"#.utf8))
        #expect(decoded == .adamw())
        #expect(decoded.weightDecay == 0.01)
        let bad = Data(#"{"kind":"sgd","momentum":1.5}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OptimizerConfig.self, from: bad) }
        let schedule = ScheduleConfig.multiStep(milestones: [5, 8])
        let back = try JSONDecoder().decode(ScheduleConfig.self, from: try encoder.encode(schedule))
        #expect(back == schedule)
    }
}
