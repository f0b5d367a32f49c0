"""Reference values for io.github.rollback4j.core.stats.classic: two-proportion z-test, Welch's t-test,
Mann-Whitney U (asymptotic, tie- and continuity-corrected) and the relative quantile comparison.

Run from anywhere: python3 classic_fixtures.py  (writes ../resources/fixtures/stats/classic-*.tsv)
"""
import numpy as np
from scipy import stats

from fixture_common import arr, num, write

SCRIPT = 'classic_fixtures.py'
ALTS = {'TWO_SIDED': 'two-sided', 'GREATER': 'greater', 'LESS': 'less'}


def ztest_cases():
    rows = []
    cases = [(30, 1000, 20, 1000), (5, 50, 1, 60), (0, 100, 3, 100), (100, 100, 97, 100),
             (1234, 10_000_000, 1000, 10_000_000), (51_000, 1_000_000, 50_000, 1_000_000), (7, 7, 3, 9),
             (1, 2, 0, 1), (480, 4_000, 4_900, 45_000), (0, 1, 1, 1), (250, 1000, 250, 1000), (2, 3, 2, 3),
             (3000, 10_000, 2000, 10_000)]
    for x1, n1, x2, n2 in cases:
        p1, p2 = x1 / n1, x2 / n2
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        for alt, scipy_alt in ALTS.items():
            z = (p1 - p2) / se
            if alt == 'GREATER':
                p = stats.norm.sf(z)
            elif alt == 'LESS':
                p = stats.norm.cdf(z)
            else:
                p = 2 * stats.norm.sf(abs(z))
                if x1 + x2 > 0 and x1 + x2 < n1 + n2:
                    # independent check: Pearson's chi-square without Yates' correction, z^2 = chi^2
                    chi2, pc, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
                    assert abs(chi2 - z * z) <= 1e-9 * max(1.0, chi2), (x1, n1, x2, n2, chi2, z * z)
                    assert abs(pc - p) <= 1e-9 * max(p, 1e-300) or abs(pc - p) < 1e-15, (pc, p)
            rows.append([x1, n1, x2, n2, alt, num(z), num(p)])
    write('classic-ztest.tsv', SCRIPT,
          'pooled two-proportion z-test: z = (x1/n1 - x2/n2) / sqrt(pp(1-pp)(1/n1+1/n2)); p from scipy.stats.norm;\n'
          'two-sided cases checked against scipy.stats.chi2_contingency(correction=False)',
          ['x1', 'n1', 'x2', 'n2', 'alternative', 'z', 'p'], rows)


def welch_cases():
    rng = np.random.default_rng(20240401)
    samples = [
        (rng.normal(10, 2, 40), rng.normal(10.5, 3, 55)),
        (rng.normal(0, 1, 2), rng.normal(0.3, 1, 3)),
        (rng.exponential(5, 300), rng.exponential(5.5, 280)),
        (rng.normal(100, 1, 1000), rng.normal(100.1, 5, 50)),
        (rng.normal(0, 1, 30), rng.normal(3, 1, 30)),
        (rng.normal(0, 1, 200) + 12, rng.normal(0, 1, 200) + 10),
        (np.round(rng.normal(5, 2, 25)), np.round(rng.normal(5, 2, 25))),
        (rng.lognormal(0, 1, 500), rng.lognormal(0.05, 1, 700)),
    ]
    samples = [(np.round(x, 4), np.round(y, 4)) for x, y in samples]
    rows = []
    for x, y in samples:
        r = {alt: stats.ttest_ind(x, y, equal_var=False, alternative=a) for alt, a in ALTS.items()}
        rows.append(['samples', arr(x), arr(y), '', num(r['TWO_SIDED'].statistic), num(r['TWO_SIDED'].df),
                     num(r['TWO_SIDED'].pvalue), num(r['GREATER'].pvalue), num(r['LESS'].pvalue)])
    summaries = [(50, 0.031, 0.0301, 48, 0.025, 0.0245), (10_000, 1.02, 4.0, 9_000, 1.0, 3.5),
                 (2, 1.0, 0.5, 2, 2.0, 0.5), (1_000_000, 0.1001, 0.09, 10_000, 0.1, 0.09), (3, 5.0, 0.0, 4, 4.0, 2.0),
                 (40, 3.0, 0.01, 40, 2.0, 0.02)]
    for n1, m1, v1, n2, m2, v2 in summaries:
        r = {alt: stats.ttest_ind_from_stats(m1, np.sqrt(v1), n1, m2, np.sqrt(v2), n2, equal_var=False, alternative=a)
             for alt, a in ALTS.items()}
        se1, se2 = v1 / n1, v2 / n2
        df = (se1 + se2) ** 2 / (se1 ** 2 / (n1 - 1) + se2 ** 2 / (n2 - 1))
        summary = f'{n1} {num(m1)} {num(v1)} {n2} {num(m2)} {num(v2)}'
        rows.append(['summary', '', '', summary, num(r['TWO_SIDED'].statistic), num(df), num(r['TWO_SIDED'].pvalue),
                     num(r['GREATER'].pvalue), num(r['LESS'].pvalue)])
    write('classic-welch.tsv', SCRIPT,
          "Welch's t-test: scipy.stats.ttest_ind(x, y, equal_var=False, alternative=...) for 'samples' rows,\n"
          'scipy.stats.ttest_ind_from_stats(..., equal_var=False) for summary rows (n1 mean1 var1 n2 mean2 var2,\n'
          'unbiased variances); df is the Welch-Satterthwaite value',
          ['kind', 'x', 'y', 'summary', 't', 'df', 'pTwoSided', 'pGreater', 'pLess'], rows)


def mannwhitney_cases():
    rng = np.random.default_rng(7)
    samples = [
        ('no ties', rng.normal(0, 1, 30), rng.normal(0.5, 1, 40)),
        ('integer ties', np.round(rng.normal(10, 3, 60)), np.round(rng.normal(11, 3, 45))),
        ('heavy ties', rng.integers(0, 4, 200).astype(float), rng.integers(0, 5, 150).astype(float)),
        ('rounded latencies', np.round(rng.lognormal(3, 0.5, 500)), np.round(rng.lognormal(3.05, 0.5, 400))),
        ('one each', np.array([1.0]), np.array([2.0])),
        ('n1 = 1', np.array([5.0]), np.array([1.0, 2.0, 3.0, 4.0, 6.0])),
        ('mostly tied', np.array([1.0] * 20 + [2.0]), np.array([1.0] * 30)),
        ('identical', np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
        ('separated', np.arange(50, dtype=float), np.arange(50, dtype=float) + 100),
        ('large shifted', rng.normal(0.2, 1, 3000), rng.normal(0, 1, 2500)),
        ('binary', rng.integers(0, 2, 400).astype(float), rng.integers(0, 2, 300).astype(float)),
    ]
    rows = []
    samples.append(('all tied', np.array([3.0, 3.0, 3.0]), np.array([3.0, 3.0])))
    # -0.0 and 0.0 are one value: scipy ties them; a ranking by Double.compare would not
    samples.append(('signed zeros', np.array([-0.0, 0.0, 1.5, -0.0, 2.0]), np.array([0.0, -0.0, 0.0, 1.0])))
    samples.append(('signed zeros mixed', np.array([-0.0, -0.0, -0.0, 0.5, -1.0, 0.0]),
                    np.array([0.0, 0.0, -0.0, 0.0, 0.25, -0.5, 0.0])))
    for name, x, y in samples:
        x, y = np.round(x, 4), np.round(y, 4)
        cells = [name, arr(x), arr(y)]
        u1 = None
        for continuity in (True, False):
            for alt, scipy_alt in ALTS.items():
                r = stats.mannwhitneyu(x, y, alternative=scipy_alt, method='asymptotic', use_continuity=continuity)
                u1 = r.statistic
                cells.append(num(r.pvalue))
        rows.append(cells[:3] + [num(u1)] + cells[3:])
    write('classic-mannwhitney.tsv', SCRIPT,
          "Mann-Whitney U: scipy.stats.mannwhitneyu(x, y, alternative=..., method='asymptotic', use_continuity=...);\n"
          "u1 is scipy's statistic (U of x); p-values with use_continuity=True (cc) and False (nocc) per alternative;\n"
          "'all tied' has sigma = 0: scipy gives p = 1 with the continuity correction and NaN without (Java: 1);\n"
          "'signed zeros' cases mix -0.0 and 0.0, which are one tied value",
          ['case', 'x', 'y', 'u1', 'pTwoSidedCc', 'pGreaterCc', 'pLessCc', 'pTwoSidedNoCc', 'pGreaterNoCc', 'pLessNoCc'],
          rows)


def quantile_cases():
    rng = np.random.default_rng(99)
    rows = []
    def lat(mu, n):
        return np.round(rng.lognormal(mu, 0.4, n), 2)
    cases = [
        # (candidate sample, baseline sample, q, ratio, minTail)
        (lat(3.0, 2000), lat(3.0, 2500), 0.95, 1.3, 100),
        (lat(3.4, 2000), lat(3.0, 2500), 0.95, 1.3, 100),
        (lat(3.4, 1999), lat(3.0, 2500), 0.95, 1.3, 100),
        (lat(3.4, 1999), lat(3.0, 2000), 0.99, 1.3, 20),
        (lat(3.4, 2000), lat(3.0, 2000), 0.99, 1.3, 20),
        (lat(3.1, 1000), lat(3.0, 1000), 0.9, 1.05, 100),
        (lat(3.1, 999), lat(3.0, 1000), 0.9, 1.05, 100),
        (lat(3.0, 500), lat(3.0, 500), 0.5, 1.1, 250),
        (lat(3.0, 500), lat(3.0, 499), 0.5, 1.1, 250),
        (lat(3.0, 300), lat(3.0, 300), 0.93, 1.2, 21),
    ]
    for c, b, q, ratio, min_tail in cases:
        qc = float(np.quantile(c, q, method='inverted_cdf'))
        qb = float(np.quantile(b, q, method='inverted_cdf'))
        enough = len(c) * (1 - q) >= min_tail * (1 - 1e-9) and len(b) * (1 - q) >= min_tail * (1 - 1e-9)
        verdict = 'INCONCLUSIVE' if not enough else ('BREACH' if qc > ratio * qb else 'HEALTHY')
        rows.append([arr(c), arr(b), num(q), num(ratio), min_tail, num(qc), num(qb), verdict])
    write('classic-quantile.tsv', SCRIPT,
          "relative quantile comparison: quantiles by numpy.quantile(method='inverted_cdf') (lower nearest rank);\n"
          'decided only when n(1-q) >= minTail in both arms (relative slack 1e-9), breach when cq > ratio * bq',
          ['candidate', 'baseline', 'q', 'ratio', 'minTail', 'candidateQuantile', 'baselineQuantile', 'verdict'], rows)


if __name__ == '__main__':
    ztest_cases()
    welch_cases()
    mannwhitney_cases()
    quantile_cases()
