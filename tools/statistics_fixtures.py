#!/usr/bin/env python3
"""Reference values for the leaderboard's statistics (Sources/Reports/StudentT.swift, WelchTest.swift).

Writes Tests/ReportsTests/Reference/statistics.json with SciPy's answers:
  - "cdf":      Student-t cumulative distribution  scipy.stats.t.cdf(x, df)
  - "quantile": Student-t quantile function        scipy.stats.t.ppf(p, df)
  - "welch":    Welch's unequal-variance t-test     scipy.stats.ttest_ind(a, b, equal_var=False)
                (t statistic, Welch–Satterthwaite degrees of freedom, two-sided p-value)
The degrees of freedom include fractional values, as Welch's test produces them.

Usage: tools/statistics_fixtures.py [-o Tests/ReportsTests/Reference/statistics.json]
"""
import argparse
import json
import os

import numpy as np
import scipy
from scipy import stats

DFS = [0.6, 1, 1.5, 2, 2.7, 3, 4.2, 5, 7.5, 10, 30, 100, 1000, 1e5]
XS = [-200, -50, -10, -3, -1.5, -0.5, 0, 0.3, 1, 2.5, 6, 40, 1000]
PS = [1e-6, 0.001, 0.025, 0.05, 0.1, 0.4, 0.5, 0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 0.999999]

# Seed samples of test top-1 (%) such as a leaderboard cell holds: 2 or 3 seeds, one collapsed seed,
# near-identical seeds, very different spreads.
WELCH = [
    ([89.1, 89.5, 88.9], [88.2, 88.7, 88.4]),
    ([89.1, 89.5, 88.9], [89.0, 89.3]),
    ([90.2, 89.8], [85.1, 86.0]),
    ([89.4, 89.0, 89.8], [89.2, 10.0, 88.9]),
    ([91.0, 91.01, 90.99], [90.5, 90.52, 90.49]),
    ([84.0, 86.0], [80.0, 81.0, 85.0, 79.5]),
    ([88.0, 88.4, 88.2, 87.9, 88.1], [87.6, 88.5, 87.0, 88.9, 87.2]),
    ([75.3, 60.2, 81.9], [74.1, 73.8, 74.4]),
    # The report fixture's columns (Tests/ReportsTests/Fixtures.swift): best method against another.
    ([90.9, 91.1, 91.0], [90.8, 90.5, 90.9]),
    ([89.0, 89.8, 89.4], [84.0, 86.0]),
    ([90.5, 90.7, 90.6], [90.0, 10.0, 89.8]),
    ([90.5, 90.7, 90.6], [88.0, 89.0, 88.5]),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "Tests", "ReportsTests", "Reference", "statistics.json")
    parser.add_argument("-o", "--output", default=default)
    args = parser.parse_args()

    cdf = [{"x": x, "df": df, "cdf": float(stats.t.cdf(x, df))} for df in DFS for x in XS]
    quantile = [{"p": p, "df": df, "quantile": float(stats.t.ppf(p, df))} for df in DFS for p in PS]
    welch = []
    for a, b in WELCH:
        result = stats.ttest_ind(np.array(a), np.array(b), equal_var=False)
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        welch.append({"a": a, "b": b, "t": float(result.statistic), "df": float(df), "p": float(result.pvalue)})
    document = {"generator": f"tools/statistics_fixtures.py, scipy {scipy.__version__}",
                "cdf": cdf, "quantile": quantile, "welch": welch}
    with open(args.output, "w") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")
    print(f"wrote {args.output}: {len(cdf)} cdf, {len(quantile)} quantile, {len(welch)} welch values")


if __name__ == "__main__":
    main()
