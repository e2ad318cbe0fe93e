/// The reference convolution the fast kernels are tested against.

/// Direct convolution with `Double` sums (PyTorch `F.conv2d` semantics; test reference, slow).
///
/// input `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, bias `[OC]` or nil -> `[N, OC, OH, OW]`.
public func naiveConv2d(input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                        groups: Int = 1) -> Tensor {
    precondition(input.shape.count == 4 && weight.shape.count == 4, "naiveConv2d needs 4-D input and weight")
    let g = ConvGeometry(batch: input.shape[0], inChannels: input.shape[1], height: input.shape[2],
                         width: input.shape[3], outChannels: weight.shape[0], kernel: weight.shape[2],
                         stride: stride, padding: padding, groups: groups)
    precondition(weight.shape == [g.outChannels, g.groupInChannels, g.kernel, g.kernel], "weight \(weight.shape)")
    let output = Tensor(zeros: g.outputShape)
    let (x, w, y) = (input.data, weight.data, output.data)
    let (h, wd, k) = (g.height, g.width, g.kernel)
    for n in 0..<g.batch {
        for oc in 0..<g.outChannels {
            let group = oc / g.groupOutChannels
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var sum = bias.map { Double($0.data[oc]) } ?? 0
                    for c in 0..<g.groupInChannels {
                        let ic = group * g.groupInChannels + c
                        for ki in 0..<k {
                            let ih = oh * stride - padding + ki
                            guard ih >= 0 && ih < h else { continue }
                            for kj in 0..<k {
                                let iw = ow * stride - padding + kj
                                guard iw >= 0 && iw < wd else { continue }
                                sum += Double(x[((n * g.inChannels + ic) * h + ih) * wd + iw])
                                    * Double(w[((oc * g.groupInChannels + c) * k + ki) * k + kj])
                            }
                        }
                    }
                    y[((n * g.outChannels + oc) * g.outHeight + oh) * g.outWidth + ow] = Float(sum)
                }
            }
        }
    }
    return output
}

/// The gradients of `naiveConv2d` with `Double` sums (test reference, slow): given dy `[N, OC, OH, OW]`,
/// returns dx `[N, C, H, W]`, dw `[OC, C/groups, k, k]` and db `[OC]`.
public func naiveConv2dBackward(input: Tensor, weight: Tensor, gradOutput: Tensor, stride: Int = 1, padding: Int = 0,
                                groups: Int = 1) -> (input: Tensor, weight: Tensor, bias: Tensor) {
    let g = ConvGeometry(batch: input.shape[0], inChannels: input.shape[1], height: input.shape[2],
                         width: input.shape[3], outChannels: weight.shape[0], kernel: weight.shape[2],
                         stride: stride, padding: padding, groups: groups)
    precondition(gradOutput.shape == g.outputShape, "gradOutput \(gradOutput.shape), expected \(g.outputShape)")
    var dx = [Double](repeating: 0, count: input.count), dw = [Double](repeating: 0, count: weight.count)
    var db = [Double](repeating: 0, count: g.outChannels)
    let (x, w, dy) = (input.data, weight.data, gradOutput.data)
    let (h, wd, k) = (g.height, g.width, g.kernel)
    for n in 0..<g.batch {
        for oc in 0..<g.outChannels {
            let group = oc / g.groupOutChannels
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let d = Double(dy[((n * g.outChannels + oc) * g.outHeight + oh) * g.outWidth + ow])
                    db[oc] += d
                    for c in 0..<g.groupInChannels {
                        let ic = group * g.groupInChannels + c
                        for ki in 0..<k {
                            let ih = oh * stride - padding + ki
                            guard ih >= 0 && ih < h else { continue }
                            for kj in 0..<k {
                                let iw = ow * stride - padding + kj
                                guard iw >= 0 && iw < wd else { continue }
                                let xi = ((n * g.inChannels + ic) * h + ih) * wd + iw
                                let wi = ((oc * g.groupInChannels + c) * k + ki) * k + kj
                                dw[wi] += d * Double(x[xi])
                                dx[xi] += d * Double(w[wi])
                            }
                        }
                    }
                }
            }
        }
    }
    func tensor(_ values: [Double], _ shape: [Int]) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in values.indices { t.data[i] = Float(values[i]) }
        return t
    }
    return (tensor(dx, input.shape), tensor(dw, weight.shape), tensor(db, [g.outChannels]))
}
