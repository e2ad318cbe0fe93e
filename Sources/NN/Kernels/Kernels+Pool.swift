/// Pooling kernels over planes: max, average (no padding, floor output size) and global average.

/// The output extent of a pooling window of `kernel` with `stride` over `size` (no padding, floor mode).
package func pooledSize(_ size: Int, kernel: Int, stride: Int) -> Int { (size - kernel) / stride + 1 }

/// Max-pool forward. x `[planes, H, W]` -> y `[planes, OH, OW]`; `indices` `[planes, OH, OW]` receives
/// each maximum's flat position in its input plane (the first one on ties and NaN propagating, as PyTorch).
/// `indices` may be nil only for a 2×2, stride-2 window (an inference pass that keeps nothing for backward).
package func maxPool2dForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                              indices: UnsafeMutablePointer<Int32>?, planes: Int, height h: Int, width w: Int,
                              kernel k: Int, stride s: Int, threads: Int) {
    let (oh, ow) = (pooledSize(h, kernel: k, stride: s), pooledSize(w, kernel: k, stride: s))
    guard let indices else {
        precondition(k == 2 && s == 2, "maxPool2dForward needs indices for a \(k)×\(k)/\(s) window")
        let (px, py) = (SharedPointer(x), SharedPointer(y))
        let chunks = min(planes, 64)
        parallelFor(chunks: chunks, threads: threads) { chunk, _ in
            for plane in chunkRange(chunk, of: chunks, count: planes) {
                maxPool2x2Values(px[plane * h * w], py[plane * oh * ow], width: w, outHeight: oh, outWidth: ow)
            }
        }
        return
    }
    let (px, py, pi) = (SharedPointer(x), SharedPointer(y), SharedIndexPointer(indices))
    let chunks = min(planes, 64)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for plane in chunkRange(chunk, of: chunks, count: planes) {
            let xp = px[plane * h * w], yp = py[plane * oh * ow], ip = pi.base + plane * oh * ow
            if k == 2 && s == 2 {
                maxPool2x2(xp, yp, ip, width: w, outHeight: oh, outWidth: ow)
                continue
            }
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = i * s * w + j * s
                    var bestValue = xp[best]
                    for ki in 0..<k {
                        let row = (i * s + ki) * w + j * s
                        for kj in 0..<k where xp[row + kj] > bestValue || xp[row + kj].isNaN {
                            best = row + kj
                            bestValue = xp[best]
                        }
                    }
                    yp[i * ow + j] = bestValue
                    ip[i * ow + j] = Int32(best)
                }
            }
        }
    }
}

/// Branch-free 2×2, stride-2 max-pool of one plane (same first-maximum and NaN rule as the general loop).
@inline(__always)
private func maxPool2x2(_ xp: UnsafeMutablePointer<Float>, _ yp: UnsafeMutablePointer<Float>,
                        _ ip: UnsafeMutablePointer<Int32>, width w: Int, outHeight oh: Int, outWidth ow: Int) {
    for i in 0..<oh {
        let top = 2 * i * w, bottom = top + w
        for j in 0..<ow {
            var best = top + 2 * j
            var value = xp[best]
            @inline(__always) func consider(_ candidate: Int) {
                let v = xp[candidate]
                let take = v > value || v.isNaN
                best = take ? candidate : best
                value = take ? v : value
            }
            consider(top + 2 * j + 1)
            consider(bottom + 2 * j)
            consider(bottom + 2 * j + 1)
            yp[i * ow + j] = value
            ip[i * ow + j] = Int32(best)
        }
    }
}

/// The maxima of a 2×2, stride-2 max-pool of one plane, without their positions (NaN propagating, as PyTorch).
@inline(__always)
private func maxPool2x2Values(_ xp: UnsafeMutablePointer<Float>, _ yp: UnsafeMutablePointer<Float>,
                              width w: Int, outHeight oh: Int, outWidth ow: Int) {
    @inline(__always) func larger(_ a: Float, _ b: Float) -> Float { b > a || b.isNaN ? b : a }
    for i in 0..<oh {
        let top = xp + 2 * i * w, bottom = top + w, out = yp + i * ow
        for j in 0..<ow {
            out[j] = larger(larger(larger(top[2 * j], top[2 * j + 1]), bottom[2 * j]), bottom[2 * j + 1])
        }
    }
}

/// Max-pool backward: dx `[planes, H, W]` = dy `[planes, OH, OW]` routed to the recorded maxima.
package func maxPool2dBackward(_ dy: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
                               _ dx: UnsafeMutablePointer<Float>, planes: Int, height h: Int, width w: Int,
                               outHeight oh: Int, outWidth ow: Int, threads: Int) {
    let (pdy, pdx) = (SharedPointer(dy), SharedPointer(dx))
    let pi = SharedIndexPointer(UnsafeMutablePointer(mutating: indices))
    let chunks = min(planes, 64)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for plane in chunkRange(chunk, of: chunks, count: planes) {
            let dxp = pdx[plane * h * w], dyp = pdy[plane * oh * ow], ip = pi.base + plane * oh * ow
            dxp.update(repeating: 0, count: h * w)
            for o in 0..<(oh * ow) { dxp[Int(ip[o])] += dyp[o] }
        }
    }
}

/// Average-pool forward. x `[planes, H, W]` -> y `[planes, OH, OW]`, each output the mean of its k×k window.
package func avgPool2dForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Int,
                              height h: Int, width w: Int, kernel k: Int, stride s: Int, threads: Int) {
    let (oh, ow) = (pooledSize(h, kernel: k, stride: s), pooledSize(w, kernel: k, stride: s))
    let (px, py) = (SharedPointer(x), SharedPointer(y))
    let scale = 1 / Float(k * k), chunks = min(planes, 64)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for plane in chunkRange(chunk, of: chunks, count: planes) {
            let xp = px[plane * h * w], yp = py[plane * oh * ow]
            for i in 0..<oh {
                for j in 0..<ow {
                    var sum: Float = 0
                    for ki in 0..<k {
                        let row = xp + (i * s + ki) * w + j * s
                        for kj in 0..<k { sum += row[kj] }
                    }
                    yp[i * ow + j] = sum * scale
                }
            }
        }
    }
}

/// Average-pool backward: each dy `[planes, OH, OW]` entry spread evenly over its window of dx `[planes, H, W]`.
package func avgPool2dBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, planes: Int,
                               height h: Int, width w: Int, kernel k: Int, stride s: Int, threads: Int) {
    let (oh, ow) = (pooledSize(h, kernel: k, stride: s), pooledSize(w, kernel: k, stride: s))
    let (pdy, pdx) = (SharedPointer(dy), SharedPointer(dx))
    let scale = 1 / Float(k * k), chunks = min(planes, 64)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for plane in chunkRange(chunk, of: chunks, count: planes) {
            let dxp = pdx[plane * h * w], dyp = pdy[plane * oh * ow]
            dxp.update(repeating: 0, count: h * w)
            for i in 0..<oh {
                for j in 0..<ow {
                    let g = dyp[i * ow + j] * scale
                    for ki in 0..<k {
                        let row = dxp + (i * s + ki) * w + j * s
                        for kj in 0..<k { row[kj] += g }
                    }
                }
            }
        }
    }
}

/// Global average pool forward: x `[planes, S]` -> y `[planes]` (mean over each plane of S elements).
package func globalAvgPoolForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Int,
                                  size: Int) {
    let scale = 1 / Float(size)
    for plane in 0..<planes { y[plane] = sumOf(x + plane * size, count: size) * scale }
}

/// Global average pool backward: dx `[planes, S]` = dy `[planes]` / S.
package func globalAvgPoolBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, planes: Int,
                                   size: Int) {
    let scale = 1 / Float(size)
    for plane in 0..<planes { (dx + plane * size).update(repeating: dy[plane] * scale, count: size) }
}

/// Max-pool gather (the forward tangent): y `[planes, OH, OW]` = x `[planes, H, W]` at the maxima that
/// `maxPool2dForward` recorded in `indices`.
package func maxPool2dGather(_ x: UnsafePointer<Float>, indices: UnsafePointer<Int32>, _ y: UnsafeMutablePointer<Float>,
                             planes: Int, height h: Int, width w: Int, outHeight oh: Int, outWidth ow: Int, threads: Int) {
    let (px, py) = (SharedPointer(x), SharedPointer(y))
    let pi = SharedIndexPointer(UnsafeMutablePointer(mutating: indices))
    let chunks = min(planes, 64)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for plane in chunkRange(chunk, of: chunks, count: planes) {
            let xp = px[plane * h * w], yp = py[plane * oh * ow], ip = pi.base + plane * oh * ow
            for o in 0..<(oh * ow) { yp[o] = xp[Int(ip[o])] }
        }
    }
}
