"""Reference values for io.github.rollback4j.core.stats.drift: PSI over reference-quantile bins,
Jensen-Shannon distance (base 2) and the normalised Wasserstein-1 distance.

Run from anywhere: python3 drift_fixtures.py  (writes ../resources/fixtures/stats/drift-*.tsv)
"""
import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

from fixture_common import arr, counts, num, write

SCRIPT = 'drift_fixtures.py'


def psi_edges(reference, bins):
    """Lower nearest-rank j/bins quantiles of the reference, ranks ceil(j*n/bins) in exact integer arithmetic,
    duplicates removed."""
    ref = np.sort(np.asarray(reference, dtype=float))
    n = len(ref)
    edges = []
    for j in range(1, bins):
        rank = max(1, -(-(j * n) // bins))  # integer ceil
        edge = ref[rank - 1]
        if not edges or edge > edges[-1]:
            edges.append(edge)
    # independent check: numpy's inverted_cdf quantile is the same lower nearest-rank definition
    np_edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins, method='inverted_cdf'))
    if not np.array_equal(np.asarray(edges), np_edges):
        print(f'note: numpy inverted_cdf edges differ (binary rounding of j/bins*n) for n={n}, bins={bins}')
    return np.asarray(edges)


def psi(reference, current, bins=10, eps=1e-4):
    edges = psi_edges(reference, bins)
    # bins (-inf, e1], (e1, e2], ..., (e_last, inf): index = number of edges strictly below the value
    r_idx = np.searchsorted(edges, reference, side='left')
    c_idx = np.searchsorted(edges, current, side='left')
    r = np.bincount(r_idx, minlength=len(edges) + 1) / len(reference)
    c = np.bincount(c_idx, minlength=len(edges) + 1) / len(current)
    re, ce = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((ce - re) * np.log(ce / re))), edges, r, c


def psi_cases():
    rng = np.random.default_rng(2025)
    def rnd(x):
        return np.round(x, 4)
    cases = [
        ('same distribution', rnd(rng.normal(0, 1, 2000)), rnd(rng.normal(0, 1, 1500)), 10, 1e-4),
        ('shift 0.2 sd', rnd(rng.normal(0, 1, 2000)), rnd(rng.normal(0.2, 1, 2000)), 10, 1e-4),
        ('shift 0.5 sd', rnd(rng.normal(0, 1, 2000)), rnd(rng.normal(0.5, 1, 2000)), 10, 1e-4),
        ('scale x2', rnd(rng.normal(0, 1, 3000)), rnd(rng.normal(0, 2, 1000)), 10, 1e-4),
        ('scores beta', rnd(rng.beta(2, 5, 5000)), rnd(rng.beta(2.5, 5, 4000)), 10, 1e-4),
        ('heavy ties (duplicate edges)', rng.integers(0, 4, 1000).astype(float), rng.integers(0, 5, 800).astype(float),
         10, 1e-4),
        ('mostly zero', np.concatenate([np.zeros(700), rnd(rng.exponential(3, 300))]),
         np.concatenate([np.zeros(500), rnd(rng.exponential(3, 500))]), 10, 1e-4),
        ('current beyond reference (empty bins)', rnd(rng.uniform(0, 1, 1000)), rnd(rng.uniform(2, 3, 100)), 10, 1e-4),
        ('constant reference', np.full(50, 7.0), np.array([7.0] * 40 + [8.0] * 10), 10, 1e-4),
        ('tiny samples', np.array([3.0, 1.0, 2.0, 5.0, 4.0]), np.array([1.0, 1.0, 6.0]), 10, 1e-4),
        ('n not a multiple of 10', rnd(rng.lognormal(0, 1, 1237)), rnd(rng.lognormal(0.1, 1, 999)), 10, 1e-4),
        ('5 bins', rnd(rng.normal(0, 1, 1000)), rnd(rng.normal(0.3, 1, 1000)), 5, 1e-4),
        ('20 bins', rnd(rng.normal(0, 1, 1000)), rnd(rng.normal(0.3, 1, 1000)), 20, 1e-4),
        ('epsilon 1e-6', rnd(rng.uniform(0, 1, 1000)), rnd(rng.uniform(0.5, 1.5, 500)), 10, 1e-6),
        ('negative values', rnd(rng.normal(-50, 10, 1000)), rnd(rng.normal(-48, 12, 1000)), 10, 1e-4),
    ]
    rows = []
    for name, ref, cur, bins, eps in cases:
        value, edges, r, c = psi(ref, cur, bins, eps)
        rows.append([name, arr(ref), arr(cur), bins, num(eps), num(value), arr(edges), arr(r), arr(c)])
    write('drift-psi.tsv', SCRIPT,
          'PSI = sum((c - r) * ln(c / r)) with r, c = max(share, epsilon) per bin; bin edges = the reference\'s lower\n'
          'nearest-rank j/bins quantiles (rank ceil(j*n/bins)), duplicates removed; bins right-closed, assigned with\n'
          "numpy.searchsorted(edges, x, side='left'); shares before epsilon",
          ['case', 'reference', 'current', 'bins', 'epsilon', 'psi', 'edges', 'referenceShares', 'currentShares'], rows)


def js_cases():
    cases = [
        ('identical', {'a': 10, 'b': 20, 'c': 30}, {'a': 10, 'b': 20, 'c': 30}),
        ('proportional', {'a': 1, 'b': 2, 'c': 3}, {'a': 100, 'b': 200, 'c': 300}),
        ('disjoint', {'a': 5, 'b': 5}, {'c': 1, 'd': 9}),
        ('one unseen category', {'us': 500, 'eu': 300, 'apac': 200}, {'us': 450, 'eu': 280, 'apac': 190, 'latam': 80}),
        ('shifted mass', {'x': 400, 'y': 300, 'z': 200, 'w': 100}, {'x': 320, 'y': 240, 'z': 160, 'w': 280}),
        ('single category each', {'only': 7}, {'only': 1}),
        ('with other bucket', {'a': 1000, 'b': 10, '__other__': 5}, {'a': 900, 'b': 50, '__other__': 60}),
        ('small counts', {'a': 1, 'b': 1}, {'a': 2}),
        ('many categories', {f'c{i}': (i * 7919) % 97 + 1 for i in range(60)},
         {f'c{i}': (i * 104729) % 89 + 1 for i in range(10, 70)}),
        ('zero counts present', {'a': 10, 'b': 0}, {'a': 5, 'b': 5}),
        # totals above 2^63 - 1 (a long counter would overflow): the shares are computed in double
        ('huge counts', {'a': 4_000_000_000_000_000_000, 'b': 5_000_000_000_000_000_000, 'c': 3_000_000_000_000_000_000},
         {'a': 2_000_000_000_000_000_000, 'b': 9_000_000_000_000_000_000, 'c': 1}),
    ]
    rows = []
    for name, ref, cur in cases:
        keys = sorted(set(ref) | set(cur))
        p = np.array([ref.get(k, 0) for k in keys], dtype=float)
        q = np.array([cur.get(k, 0) for k in keys], dtype=float)
        d = float(jensenshannon(p, q, base=2))
        rows.append([name, counts(ref), counts(cur), num(d)])
    write('drift-js.tsv', SCRIPT,
          'Jensen-Shannon distance: scipy.spatial.distance.jensenshannon(p, q, base=2) over the union of categories\n'
          '(counts, normalised by scipy), range 0..1',
          ['case', 'reference', 'current', 'distance'], rows)


def wasserstein_cases():
    rng = np.random.default_rng(31)
    def rnd(x):
        return np.round(x, 4)
    cases = [
        ('same distribution', rnd(rng.normal(0, 1, 1000)), rnd(rng.normal(0, 1, 800))),
        ('shift 0.3 sd', rnd(rng.normal(10, 2, 1000)), rnd(rng.normal(10.6, 2, 1000))),
        ('scale change', rnd(rng.normal(0, 1, 1000)), rnd(rng.normal(0, 1.5, 1000))),
        ('exponential', rnd(rng.exponential(100, 2000)), rnd(rng.exponential(120, 1500))),
        ('ties', rng.integers(0, 5, 300).astype(float), rng.integers(1, 6, 200).astype(float)),
        ('single values', np.array([1.0]), np.array([4.0])),
        ('constant reference, moved', np.full(20, 3.0), np.array([3.0, 4.0])),
        ('constant reference, same', np.full(20, 3.0), np.full(5, 3.0)),
        ('large magnitude', rnd(rng.normal(1e6, 1e3, 500)), rnd(rng.normal(1e6 + 200, 1e3, 500))),
    ]
    rows = []
    for name, ref, cur in cases:
        w = float(wasserstein_distance(ref, cur))
        sd = float(np.std(ref))
        norm = w / sd if sd > 0 else (0.0 if w == 0 else float('inf'))
        rows.append(['samples', name, arr(ref), arr(cur), '', '', num(w), num(sd), num(norm)])
    # weighted values, the form a histogram takes (bucket representatives and counts)
    values_u = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    values_v = np.array([1.0, 2.0, 3.0, 8.0, 16.0])
    cu = np.array([10, 40, 30, 15, 5])
    cv = np.array([5, 20, 40, 30, 5])
    w = float(wasserstein_distance(values_u, values_v, cu, cv))
    mean = np.average(values_u, weights=cu)
    sd = float(np.sqrt(np.average((values_u - mean) ** 2, weights=cu)))
    rows.append(['weighted', 'histogram-like', arr(values_u), arr(values_v), ' '.join(map(str, cu)),
                 ' '.join(map(str, cv)), num(w), num(sd), num(w / sd)])
    write('drift-wasserstein.tsv', SCRIPT,
          'Wasserstein-1: scipy.stats.wasserstein_distance(reference, current[, weights]); scale = numpy.std(reference)\n'
          '(population, ddof=0; weighted for the weighted row); normalised = distance / scale (0 or inf when scale is 0)',
          ['kind', 'case', 'reference', 'current', 'referenceCounts', 'currentCounts', 'distance', 'scale', 'normalized'],
          rows)


if __name__ == '__main__':
    psi_cases()
    js_cases()
    wasserstein_cases()
