import Testing
import Data
import NN

/// Batching: seeded order and augmentation, normalisation, drop-last, validation carving.
@Suite struct BatchLoaderTests {
    /// `n` single-channel 4×4 images whose pixels encode (example, position): `10·i + k/16`,
    /// labels `i % classes`.
    func toySplit(_ n: Int, classes: Int = 3) -> ImageSplit {
        let images = Tensor(shape: [n, 1, 4, 4], values: (0..<(n * 16)).map { Float($0 / 16 * 10) + Float($0 % 16) / 16 })
        return ImageSplit(images: images, labels: (0..<n).map { Int32($0 % classes) })
    }

    let identity = Normalization(scale: 1, mean: [0], std: [1])

    @Test func orderIsSeededPerEpochAndCoversEverything() throws {
        let split = toySplit(10)
        let a = try BatchLoader(split: split, normalization: identity, batchSize: 4, random: SeededGenerator(seed: 1))
        let b = try BatchLoader(split: split, normalization: identity, batchSize: 4, random: SeededGenerator(seed: 1))
        let c = try BatchLoader(split: split, normalization: identity, batchSize: 4, random: SeededGenerator(seed: 2))
        #expect(a.order(epoch: 0) == b.order(epoch: 0))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.order(epoch: 0) != c.order(epoch: 0))
        #expect(a.order(epoch: 3).sorted() == Array(0..<10))
        let batches = a.batches(epoch: 0)
        #expect(batches.map(\.count) == [4, 4, 2])
        // Each served image is the one its label and pixels say it is.
        let served = batches.flatMap { batch in (0..<batch.count).map { Int(batch.inputs[flat: $0 * 16] / 10) } }
        #expect(served == a.order(epoch: 0))
        #expect(batches.flatMap(\.labels) == served.map { Int32($0 % 3) })
        let dropping = try BatchLoader(split: split, normalization: identity, batchSize: 4, dropLast: true,
                                       random: SeededGenerator(seed: 1))
        #expect(dropping.batches(epoch: 0).map(\.count) == [4, 4])
        let ordered = try BatchLoader(split: split, normalization: identity, batchSize: 4, shuffle: false,
                                      random: SeededGenerator(seed: 1))
        #expect(ordered.order(epoch: 5) == Array(0..<10))
    }

    @Test func normalisationMatchesTheFormula() throws {
        let split = toySplit(2)
        let norm = Normalization(scale: 1.0 / 255, mean: [0.25], std: [0.5])
        let loader = try BatchLoader(split: split, normalization: norm, batchSize: 2, shuffle: false,
                                     random: SeededGenerator(seed: 0))
        let batch = loader.batch(epoch: 0, index: 0)
        for k in 0..<32 {
            let pixel = split.images[flat: k]
            #expect(batch.inputs[flat: k] == (pixel * (1.0 / 255) - 0.25) / 0.5)
        }
        #expect(throws: BatchingError.self) {
            try BatchLoader(split: split, normalization: Normalization(scale: 1, mean: [0, 0], std: [1, 1]),
                            batchSize: 2, random: SeededGenerator(seed: 0))
        }
    }

    @Test func augmentationIsReproducibleAndLeavesOrderAlone() throws {
        let split = toySplit(64)
        let aug = Augmentation(cropPadding: 1, horizontalFlip: true)
        func make(_ seed: UInt64, _ a: Augmentation) throws -> BatchLoader {
            try BatchLoader(split: split, normalization: identity, batchSize: 16, augmentation: a,
                            random: SeededGenerator(seed: seed))
        }
        let x = try make(7, aug).batch(epoch: 2, index: 1), y = try make(7, aug).batch(epoch: 2, index: 1)
        #expect(x.inputs.isBitwiseEqual(to: y.inputs))
        #expect(!x.inputs.isBitwiseEqual(to: try make(8, aug).batch(epoch: 2, index: 1).inputs))
        let plain = try make(7, .none)
        #expect(plain.order(epoch: 2) == (try make(7, aug)).order(epoch: 2))
        #expect(!x.inputs.isBitwiseEqual(to: plain.batch(epoch: 2, index: 1).inputs))
        // Every augmented image is a shifted and/or mirrored copy of its source, with zeros outside.
        let clean = plain.batch(epoch: 2, index: 1)
        for b in 0..<16 {
            let src = (0..<16).map { clean.inputs[flat: b * 16 + $0] }
            let out = (0..<16).map { x.inputs[flat: b * 16 + $0] }
            let matches = (-1...1).contains { dy in (-1...1).contains { dx in [false, true].contains { flip in
                (0..<16).allSatisfy { k in
                    let (yy, xx) = (k / 4 + dy, (flip ? 3 - k % 4 : k % 4) + dx)
                    let expected: Float = (0..<4).contains(yy) && (0..<4).contains(xx) ? src[yy * 4 + xx] : 0
                    return out[k] == expected
                }
            } } }
            #expect(matches, "image \(b) is not a crop/flip of its source")
        }
    }

    @Test func validationCarvingIsDisjointAndStratified() throws {
        let split = toySplit(100, classes: 4)  // pixel value / 10 identifies the example
        func ids(_ s: ImageSplit) -> [Int] { (0..<s.count).map { Int(s.images[flat: $0 * 16] / 10) } }
        var random = SeededGenerator(seed: 5)
        let (train, validation) = try split.carveValidation(count: 21, random: &random)
        let (t, v) = (ids(train), ids(validation))
        #expect(v.count == 21 && t.count == 79)
        #expect(Set(t).isDisjoint(with: v))
        #expect(Set(t + v) == Set(0..<100))
        #expect(t == t.sorted() && v == v.sorted())
        #expect(validation.labels == v.map { Int32($0 % 4) })
        let perClass = (0..<4).map { c in validation.labels.filter { $0 == Int32(c) }.count }
        #expect(perClass.allSatisfy { $0 == 5 || $0 == 6 } && perClass.reduce(0, +) == 21)
        var again = SeededGenerator(seed: 5)
        #expect(ids(try split.carveValidation(count: 21, random: &again).validation) == v)
        var simple = SeededGenerator(seed: 5)
        let (t2, v2) = try split.carveValidation(fraction: 0.1, stratified: false, random: &simple)
        #expect(Set(ids(t2)).isDisjoint(with: ids(v2)) && v2.count == 10 && t2.count == 90)
        #expect(throws: BatchingError.self) { try split.carveValidation(count: 100, random: &random) }
    }
}
