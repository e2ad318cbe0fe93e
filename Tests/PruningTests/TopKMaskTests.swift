import NN
import Pruning
import Testing

@Suite struct TopKMaskTests {
    @Test func keepsExactlyTheLargestWithTiesByPosition() {
        let a = Tensor(shape: [2, 2], values: [3, 1, 2, 2])
        let b = Tensor(shape: [3], values: [2, 5, .nan])
        let masks = Mask.keepingTop([("a", a), ("b", b)], count: 3)
        // 5 and 3 first; three scores tie at 2: the first in position order (a[2]) wins.
        #expect(masks.map(\.name) == ["a", "b"])
        #expect(masks[0].mask.values == [1, 0, 1, 0])
        #expect(masks[1].mask.values == [0, 1, 0])
        #expect(Mask.keepingTop([("a", a), ("b", b)], count: 7).allSatisfy { Mask.keptCount($0.mask) == $0.mask.count })
        #expect(Mask.keepingTop([("a", a)], count: 0).allSatisfy { Mask.keptCount($0.mask) == 0 })
    }
}
