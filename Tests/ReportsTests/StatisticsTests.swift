import Foundation
import Testing
@testable import Reports

/// The Student-t distribution and Welch's test against SciPy (tools/statistics_fixtures.py wrote the
/// reference values into Reference/statistics.json).
@Suite struct StatisticsTests {
    struct Reference: Decodable {
        struct CDF: Decodable { var x, df, cdf: Double }
        struct Quantile: Decodable { var p, df, quantile: Double }
        struct Welch: Decodable { var a, b: [Double]; var t, df, p: Double }
        var cdf: [CDF]
        var quantile: [Quantile]
        var welch: [Welch]
    }

    static func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/statistics.json")
        return try JSONDecoder().decode(Reference.self, from: try Data(contentsOf: url))
    }

    /// Whether `value` is within `relative` of `expected` (or `absolute` of it, for values near 0).
    static func close(_ value: Double, _ expected: Double, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
        abs(value - expected) <= absolute + relative * abs(expected)
    }

    @Test func cdfMatchesSciPy() throws {
        let reference = try StatisticsTests.reference()
        #expect(reference.cdf.count == 182)
        for item in reference.cdf {
            let value = StudentT.cdf(item.x, degreesOfFreedom: item.df)
            #expect(StatisticsTests.close(value, item.cdf), "cdf(\(item.x), ν = \(item.df)) = \(value), SciPy \(item.cdf)")
        }
    }

    @Test func quantileMatchesSciPy() throws {
        let reference = try StatisticsTests.reference()
        #expect(reference.quantile.count == 210)
        for item in reference.quantile {
            let value = StudentT.quantile(item.p, degreesOfFreedom: item.df)
            #expect(StatisticsTests.close(value, item.quantile, relative: 1e-8),
                    "quantile(\(item.p), ν = \(item.df)) = \(value), SciPy \(item.quantile)")
        }
        #expect(StudentT.quantile(0, degreesOfFreedom: 3) == -.infinity && StudentT.quantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
        #expect(StudentT.quantile(0.9, degreesOfFreedom: 0).isNaN && StudentT.cdf(1, degreesOfFreedom: -1).isNaN)
    }

    @Test func welchMatchesSciPy() throws {
        for item in try StatisticsTests.reference().welch {
            let test = try #require(WelchTest(item.a, item.b))
            #expect(StatisticsTests.close(test.t, item.t, relative: 1e-9), "\(item.a) vs \(item.b): t")
            #expect(StatisticsTests.close(test.degreesOfFreedom, item.df, relative: 1e-9), "\(item.a) vs \(item.b): ν")
            #expect(StatisticsTests.close(test.p, item.p, relative: 1e-8), "\(item.a) vs \(item.b): p \(test.p), SciPy \(item.p)")
            // The quantile decision and the p-value agree: different at 95 % exactly when p < 0.05.
            #expect(test.differs(atLevel: 0.95) == (item.p < 0.05), "\(item.a) vs \(item.b)")
        }
        // Nothing to test: a single value on a side, or no spread on either.
        #expect(WelchTest([1], [1, 2]) == nil && WelchTest([3, 3], [4, 4]) == nil)
    }

    @Test func confidenceIntervalOfTheMeanUsesTheStudentQuantile() throws {
        // s = 0.4, n = 3: t_{0.975, 2} · 0.4 / √3 with SciPy's quantile.
        let quantile = try #require(try StatisticsTests.reference().quantile.first { $0.p == 0.975 && $0.df == 2 })
        let aggregate = Aggregate([89.0, 89.8, 89.4])
        #expect(StatisticsTests.close(try #require(aggregate.confidence95), quantile.quantile * 0.4 / 3.0.squareRoot()))
        #expect(Aggregate([89.0]).confidence95 == nil)
        #expect(Aggregate([90.0, 10.0, 89.8]).median == 89.8 && Aggregate([1, 4, 2, 3]).median == 2.5)
    }
}
