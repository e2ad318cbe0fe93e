import NN
import Training

/// A `Model` is what the `Trainer` and `evaluate` train and measure.
extension Model: Network {}
