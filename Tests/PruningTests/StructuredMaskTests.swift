import NN
import Testing
import Pruning

/// A test method whose scope includes batch-norm parameters (channel pruning); it prunes nothing itself.
private struct ChannelScope: PruningMethod {
    struct Configuration: MethodConfiguration { init() {} }
    static let name = "test-channel-scope"
    static let category = MethodCategory.structured
    static let card = "none"
    static let summary = "Exposes batch-norm parameters as prunable."
    static let targetTolerance = TargetTolerance.notApplicable
    let configuration: Configuration
    init(configuration: Configuration) { self.configuration = configuration }
    var scope: PrunableScope { PrunableScope(batchNorm: true) }
    func run(_ session: Session) throws {}
}

/// Structured masks through a session: removing a conv filter, its batch-norm channel and the next layer's inputs.
@Suite struct StructuredMaskTests {
    @Test func batchNormScopeAddsBatchNormParameters() throws {
        let session = try Fixtures.session(ChannelScope())
        #expect(session.prunable.map(\.name) == ["0.weight", "1.weight", "1.bias", "5.weight"])
        #expect(session.prunable.map(\.role) == [.weight, .batchNormWeight, .batchNormBias, .weight])
    }

    @Test func removingAFilterSilencesItsChannel() throws {
        // Fixture: conv 4 filters -> BN -> ReLU -> maxpool -> flatten (4 channels × 3×3) -> linear 36 -> 12.
        let session = try Fixtures.session(ChannelScope())
        let keep = [true, false, true, true]
        try session.setMask(Mask.outputs(keeping: keep, shape: [4, 1, 3, 3]), for: "0.weight")
        try session.setMask(Mask.outputs(keeping: keep, shape: [4]), for: "1.weight")
        try session.setMask(Mask.outputs(keeping: keep, shape: [4]), for: "1.bias")
        let batch = try session.scoringBatch(size: 8)
        let inputs = session.layerInputs(on: batch)
        // Channel 1 reaches the linear layer as exact zeros (features 9..<18 of every example).
        let linearInput = try #require(inputs["5"])
        #expect((0..<8).allSatisfy { n in (9..<18).allSatisfy { linearInput[flat: n * 36 + $0] == 0 } })
        #expect((0..<8).contains { n in (0..<9).contains { linearInput[flat: n * 36 + $0] != 0 } })
        // So also masking the next layer's input slice leaves the logits bit-identical.
        let before = session.model.forward(batch.inputs, context: ForwardContext(mode: .inference))
        try session.setMask(Mask.inputs(keeping: keep, shape: [12, 36], featuresPerInput: 9), for: "5.weight")
        let after = session.model.forward(batch.inputs, context: ForwardContext(mode: .inference))
        #expect(after.isBitwiseEqual(to: before))
        #expect(Mask.aliveOutputs(try #require(session.masks.first?.mask)) == keep)
    }
}
