import Foundation
import Data
import Testing

/// Imports the real Fashion-MNIST files from Debian's dataset-fashion-mnist package.
@Suite struct FashionMNISTTests {
    /// The decompressed bytes of a file, by the system's gzip (independent of our zlib reader).
    private func gunzip(_ name: String) throws -> [UInt8] {
        let path = FashionMNIST.defaultDirectory + "/" + name
        return [UInt8](try run("/usr/bin/env", ["gzip", "-dc", path]).output)
    }

    @Test func importIsByteExactThroughTheHDF5File() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("fashion-mnist.h5")
        try DatasetFile.write(try FashionMNIST.load(), to: path)
        let dataset = try DatasetFile.read(path: path)
        #expect(dataset.train.images.shape == [60000, 1, 28, 28])
        #expect(dataset.test.images.shape == [10000, 1, 28, 28])
        #expect(dataset.classNames.count == 10 && dataset.classNames[0] == "T-shirt/top" && dataset.classNames[9] == "Ankle boot")
        #expect(dataset.normalization == Normalization(scale: 1 / 255, mean: [0.2860], std: [0.3530]))

        let trainImages = try gunzip("train-images-idx3-ubyte.gz")
        #expect(Array(trainImages.prefix(4)) == [0, 0, 8, 3])
        let pixels = dataset.train.images.values
        #expect(pixels.count == trainImages.count - 16)
        #expect(zip(pixels, trainImages.dropFirst(16)).allSatisfy { $0 == Float($1) })
        let testLabels = try gunzip("t10k-labels-idx1-ubyte.gz")
        #expect(dataset.test.labels == testLabels.dropFirst(8).map { Int32($0) })
        let trainLabels = dataset.train.labels
        #expect((0..<10).allSatisfy { label in trainLabels.filter { $0 == label }.count == 6000 })
        let meanPixel = pixels.reduce(0.0) { $0 + Double($1) } / Double(pixels.count)
        #expect(abs(meanPixel - 72.94) < 0.01)
    }
}
