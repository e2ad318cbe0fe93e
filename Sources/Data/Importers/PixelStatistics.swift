import NN

/// Pixel conversion and per-channel statistics for importers.
enum PixelStatistics {
    /// Copies bytes into a float tensor of the same element count.
    static func copy(_ bytes: [UInt8], into tensor: Tensor) {
        let target = tensor.buffer
        bytes.withUnsafeBufferPointer { source in
            for index in 0..<min(source.count, target.count) { target[index] = Float(source[index]) }
        }
    }

    /// Per-channel mean and (population) standard deviation of `images [N, C, H, W]` times `scale`.
    static func normalization(of images: Tensor, scale: Float) -> Normalization {
        let channels = images.shape[1]
        let plane = images.shape[2] * images.shape[3]
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        let pixels = images.buffer
        for image in 0..<images.shape[0] {
            for channel in 0..<channels {
                let base = (image * channels + channel) * plane
                var sum = 0.0, square = 0.0
                for index in base..<(base + plane) {
                    let value = Double(pixels[index]) * Double(scale)
                    sum += value
                    square += value * value
                }
                sums[channel] += sum
                squares[channel] += square
            }
        }
        let count = Double(max(images.shape[0] * plane, 1))
        let mean = sums.map { $0 / count }
        let std = zip(squares, mean).map { (max($0 / count - $1 * $1, 0)).squareRoot() }
        return Normalization(scale: scale, mean: mean.map { Float($0) }, std: std.map { Float($0) })
    }
}
