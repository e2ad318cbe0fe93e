import NN

extension BatchLoader {
    /// Gathers `indices` into a normalised batch, applying each image's augmentation draw.
    func assemble(_ indices: [Int], draws: [AugmentationDraw]) -> Batch {
        let shape = split.imageShape
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let inputs = Tensor(zeros: [indices.count, channels, height, width])
        let plane = height * width, image = channels * plane
        let source = split.images.data, target = inputs.data
        let scale = normalization.scale, padding = augmentation.cropPadding
        var labels = [Int32](repeating: 0, count: indices.count)
        for (b, index) in indices.enumerated() {
            labels[b] = split.labels[index]
            for c in 0..<channels {
                let src = source + index * image + c * plane
                let dst = target + b * image + c * plane
                let mean = normalization.mean[c], std = normalization.std[c]
                let draw = draws[b]
                if draw.dx == padding && draw.dy == padding && !draw.flip {
                    for k in 0..<plane { dst[k] = (src[k] * scale - mean) / std }
                } else {
                    transform(src, into: dst, height: height, width: width,
                              shiftY: draw.dy - padding, shiftX: draw.dx - padding, flip: draw.flip,
                              scale: scale, mean: mean, std: std)
                }
            }
        }
        return Batch(inputs: inputs, labels: labels)
    }

    /// Writes the normalised `src[y + shiftY][x' + shiftX]` (`x' = flip ? W−1−x : x`) to `dst[y][x]`,
    /// or the normalised pixel 0 where the source falls outside the image (the zero padding).
    private func transform(_ src: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                           height: Int, width: Int, shiftY: Int, shiftX: Int, flip: Bool,
                           scale: Float, mean: Float, std: Float) {
        let fill = (0 * scale - mean) / std
        for y in 0..<height {
            let sy = y + shiftY
            let row = dst + y * width
            guard sy >= 0 && sy < height else {
                for x in 0..<width { row[x] = fill }
                continue
            }
            let srcRow = src + sy * width
            for x in 0..<width {
                let sx = (flip ? width - 1 - x : x) + shiftX
                row[x] = sx >= 0 && sx < width ? (srcRow[sx] * scale - mean) / std : fill
            }
        }
    }
}
