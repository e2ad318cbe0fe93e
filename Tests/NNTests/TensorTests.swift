import Testing
@testable import NN

@Suite struct TensorTests {
    @Test func reshapedSharesStorage() {
        let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let v = t.reshaped([3, 2])
        v[flat: 0] = 9
        #expect(t[flat: 0] == 9)
        #expect(v.shape == [3, 2])
        let c = t.copy()
        c[flat: 1] = -1
        #expect(t[flat: 1] == 2)
    }

    @Test func derivedStreamsAreStableAndIndependent() {
        let root = SeededGenerator(seed: 42)
        var a = root.derived("init"), b = root.derived("init"), c = root.derived("data")
        let xa = (0..<4).map { _ in a.next() }
        #expect(xa == (0..<4).map { _ in b.next() })
        #expect(xa != (0..<4).map { _ in c.next() })
        var g = SeededGenerator(seed: 0)
        #expect(g.permutation(10).sorted() == Array(0..<10))
    }

    @Test func maskedParameterStaysZero() {
        let p = Parameter(Tensor(shape: [4], values: [1, 2, 3, 4]))
        p.mask = Tensor(shape: [4], values: [1, 0, 1, 0])
        p.applyMask()
        #expect(p.value.values == [1, 0, 3, 0])
    }
}
