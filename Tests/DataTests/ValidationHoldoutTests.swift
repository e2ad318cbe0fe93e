import Foundation
import NN
import Testing
@testable import Data

/// The validation holdout a checkpoint is trained without: fixed, stratified, recorded, checked.
@Suite struct ValidationHoldoutTests {
    /// 400 examples 1×2×2 of 4 classes (100 each) whose first pixel is the example's index / 4.
    static func split(count: Int = 400) -> ImageSplit {
        let images = Tensor(zeros: [count, 1, 2, 2])
        for n in 0..<count {
            images[flat: n * 4] = Float(n / 4)
            images[flat: n * 4 + 1] = Float(n % 4)
        }
        return ImageSplit(images: images, labels: (0..<count).map { Int32(($0 * 7) % 4) })
    }

    @Test func fashionMNISTHoldoutMatchesTheIndependentPythonDraw() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fashion-mnist-holdout.json")
        struct Fixture: Decodable {
            var holdout: ValidationHoldout
            var perClass: [Int]
            var firstIndices: [Int]
            var lastIndices: [Int]
        }
        let fixture = try JSONDecoder().decode(Fixture.self, from: Foundation.Data(contentsOf: url))
        let train = try FashionMNIST.load().train
        #expect(ValidationHoldout.defaultCount(for: train) == 5000)
        let holdout = try ValidationHoldout.choose(count: ValidationHoldout.defaultCount(for: train), from: train)
        #expect(holdout == fixture.holdout)
        let indices = try holdout.indices(in: train)
        #expect(Array(indices.prefix(16)) == fixture.firstIndices && Array(indices.suffix(16)) == fixture.lastIndices)
        var perClass = [Int](repeating: 0, count: 10)
        for index in indices { perClass[Int(train.labels[index])] += 1 }
        #expect(perClass == fixture.perClass)
    }

    @Test func holdoutIsFixedStratifiedAndSeparatesTheSplitInTwo() throws {
        let split = Self.split()
        let holdout = try ValidationHoldout.choose(count: 40, from: split)
        #expect(try ValidationHoldout.choose(count: 40, from: split) == holdout)
        #expect(holdout.rule == "stratified" && holdout.seed == 0 && holdout.stream == "validation holdout")
        #expect(holdout.count == 40 && holdout.splitCount == 400)
        let indices = try holdout.indices(in: split)
        #expect(indices == indices.sorted() && Set(indices).count == 40)
        #expect(Dictionary(grouping: indices, by: { split.labels[$0] }).mapValues(\.count) == [0: 10, 1: 10, 2: 10, 3: 10])
        let (training, validation) = try holdout.separate(split)
        // Pixels 0 and 1 name the example: the two parts hold every example once, in order.
        func names(_ part: ImageSplit) -> [Int] { (0..<part.count).map { Int(part.images[flat: $0 * 4]) * 4 + Int(part.images[flat: $0 * 4 + 1]) } }
        #expect(names(validation) == indices)
        #expect(names(training) == (0..<400).filter { !Set(indices).contains($0) })
        #expect(validation.labels == indices.map { split.labels[$0] })
    }

    @Test func aHoldoutIsCheckedAgainstTheDataItIsDrawnFrom() throws {
        let split = Self.split()
        let holdout = try ValidationHoldout.choose(count: 40, from: split)
        let held = try holdout.indices(in: split)
        // A changed pixel of a held-out example no longer matches the digest…
        let changed = ImageSplit(images: split.images.copy(), labels: split.labels)
        changed.images[flat: held[3] * 4 + 2] += 1
        #expect(throws: ValidationHoldoutError.self) { try holdout.indices(in: changed) }
        // …while a change elsewhere does (the digest covers the held-out examples).
        let outside = try #require((0..<400).first { !held.contains($0) })
        let elsewhere = ImageSplit(images: split.images.copy(), labels: split.labels)
        elsewhere.images[flat: outside * 4 + 2] += 1
        #expect(try holdout.indices(in: elsewhere) == held)
        // Another split size, or an unknown rule, is refused with the reason.
        let error = try #require(throws: ValidationHoldoutError.self) { try holdout.indices(in: Self.split(count: 404)) }
        #expect(error.description.contains("drawn from a training split of 400 examples; this dataset's training split has 404"))
        var unknown = holdout
        unknown.rule = "simple"
        #expect(throws: ValidationHoldoutError.self) { try unknown.indices(in: split) }
        #expect(throws: ValidationHoldoutError.self) { try ValidationHoldout.choose(count: 400, from: split) }
    }

    @Test func theRecordReadsBackFromACheckpointsTrainingAttribute() throws {
        let directory = try TemporaryDirectory()
        let holdout = try ValidationHoldout.choose(count: 40, from: Self.split())
        var checkpoint = Checkpoint(tensors: [("w", Tensor(zeros: [2]))])
        try checkpoint.setTraining(["validationHoldout": holdout])
        try checkpoint.write(to: directory.path("with.h5"))
        #expect(try Checkpoint.read(path: directory.path("with.h5")).validationHoldout() == holdout)
        // A record without the member (a checkpoint from before holdouts) and no record at all read as nil.
        checkpoint.training = #"{"recipe":{}}"#
        try checkpoint.write(to: directory.path("old.h5"))
        #expect(try Checkpoint.read(path: directory.path("old.h5")).validationHoldout() == nil)
        checkpoint.training = nil
        try checkpoint.write(to: directory.path("none.h5"))
        #expect(try Checkpoint.read(path: directory.path("none.h5")).validationHoldout() == nil)
    }
}
