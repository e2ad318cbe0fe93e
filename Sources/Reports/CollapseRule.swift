/// When a seed counts as collapsed: its training ended at chance, so its accuracy says nothing about the method
/// except that this seed failed to train.
///
/// A completed run is collapsed when its final test top-1 (%) is not a finite number (the run diverged), or
///     top-1 ≤ c + min(c / 2, 5 points),   c = 100 / classes  (chance: always predicting one class),
/// i.e. within half the chance level of it, at most 5 points: ≤ 15 % on a 10-class dataset, ≤ 1.5 % on a
/// 100-class one. A run that learned anything real sits far above that (LeNet-5 on Fashion-MNIST: ~89 %).
/// Without a class count in the record (records written before it was stored) only non-finite
/// accuracies count.
public enum CollapseRule {
    /// Chance top-1 (%) for `classes` classes.
    public static func chance(classes: Int) -> Double { 100 / Double(classes) }

    /// The highest top-1 (%) that still counts as collapsed for `classes` classes.
    public static func threshold(classes: Int) -> Double {
        let chance = chance(classes: classes)
        return chance + min(chance / 2, 5)
    }

    /// Whether a final test top-1 of `top1` (%) on a `classes`-class dataset is a collapse.
    public static func isCollapsed(top1: Double, classes: Int?) -> Bool {
        guard top1.isFinite else { return true }
        guard let classes, classes > 1 else { return false }
        return top1 <= threshold(classes: classes)
    }
}
