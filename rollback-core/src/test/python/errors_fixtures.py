"""Reference values for io.github.rollback4j.core.stats.errors: the Beta-mixture sequential count test,
one-sided Wilson and Clopper-Pearson bounds of a rate, and multi-window burn rates.

Run from anywhere: python3 errors_fixtures.py  (writes ../resources/fixtures/stats/errors-*.tsv)
"""
import mpmath as mp
import numpy as np
from scipy import integrate, special, stats

from fixture_common import num, write

SCRIPT = 'errors_fixtures.py'


def null_probability(share, margin):
    w = share * (1 + margin)
    return w / (w + (1 - share))


def log_regularized_beta(z, a, b):
    """ln I_z(a, b) in 60-digit arithmetic. mpmath.betainc's hypergeometric series does not converge for z
    near 1 with a large a (e.g. I_0.99(1e6, 0.1)); there, below the mode, the integral
    int_0^z t^(a-1) (1-t)^(b-1) dt peaks at its upper end and mpmath.quad (tanh-sinh) of the integrand scaled
    by its value at z gives it directly. Where both work they are checked against each other."""
    # the integrand rises over [0, z] when a >= 1 and z lies below its mode (or it has none, b <= 1)
    rising = a >= 1 and (b <= 1 or z < (a - 1) / (a + b - 2))
    if not rising:
        return mp.log(mp.betainc(a, b, 0, z, regularized=True))

    def log_f(t):
        return (a - 1) * mp.log(t) + (b - 1) * mp.log(1 - t)

    peak = log_f(z)
    width = z / a
    points = sorted({mp.mpf(0)} | {max(mp.mpf(0), z - width * c) for c in (1e3, 1e2, 30, 10, 3, 1)} | {z})
    by_quadrature = peak + mp.log(mp.quad(lambda t: mp.exp(log_f(t) - peak), points)) - mp.log(mp.beta(a, b))
    if a < 1e4:  # the series is quick there: check one against the other
        direct = mp.betainc(a, b, 0, z, regularized=True)
        assert abs(mp.log(direct) - by_quadrature) <= mp.mpf(10) ** -15 * max(1, abs(by_quadrature)), (z, a, b)
    return by_quadrature


def log_e_value(x, n, p0, k):
    """ln of the truncated Beta(k p0, k (1-p0)) mixture over p in (p0, 1) of the Bin(n, p) likelihood of x,
    divided by the likelihood at p0; in 60-digit arithmetic (mpmath), so no tail underflows: P(p > p0) under
    the posterior can be far below the smallest double while ln E is moderate."""
    if n == 0:
        return 0.0
    with mp.workdps(60):
        p0m, km = mp.mpf(p0), mp.mpf(k)
        a, b = km * p0m, km * (1 - p0m)
        y = n - x
        # P(p > p0) under Beta(a, b) is the regularized incomplete beta I_{1-p0}(b, a)
        log_post = log_regularized_beta(1 - p0m, y + b, x + a)
        log_prior = log_regularized_beta(1 - p0m, b, a)
        value = (mp.log(mp.beta(x + a, y + b)) - mp.log(mp.beta(a, b)) + log_post - log_prior
                 - x * mp.log(p0m) - y * mp.log(1 - p0m))
        return float(value)


def log_e_value_scipy(x, n, p0, k):
    """The same in double precision with scipy, where nothing underflows: a cross-check."""
    a, b = k * p0, k * (1 - p0)
    y = n - x
    post = special.betaincc(x + a, y + b, p0)
    prior = special.betaincc(a, b, p0)
    if post == 0.0:
        return None
    return (special.betaln(x + a, y + b) - special.betaln(a, b) + np.log(post) - np.log(prior)
            - x * np.log(p0) - y * np.log1p(-p0))


def log_e_value_by_quadrature(x, n, p0, k):
    """Independent check: integrate the likelihood ratio against the truncated prior numerically."""
    a, b = k * p0, k * (1 - p0)
    y = n - x
    log_null = x * np.log(p0) + y * np.log1p(-p0)
    prior_mass = special.betaincc(a, b, p0)
    # scale by the maximum of the integrand's log on (p0, 1) to avoid overflow
    grid = np.linspace(p0, 1, 20001)[1:-1]
    logf = (x + a - 1) * np.log(grid) + (y + b - 1) * np.log1p(-grid) - special.betaln(a, b) - log_null
    m = logf.max()
    if y + b - 1 < 0:
        # integrable singularity at p = 1: let quad's algebraic weight (1 - p)^(y + b - 1) carry it
        f = lambda p: np.exp((x + a - 1) * np.log(p) - special.betaln(a, b) - log_null - m)
        val, _ = integrate.quad(f, p0, 1, weight='alg', wvar=(0, y + b - 1), limit=500, epsabs=0, epsrel=1e-12)
    else:
        f = lambda p: np.exp((x + a - 1) * np.log(p) + (y + b - 1) * np.log1p(-p) - special.betaln(a, b)
                             - log_null - m)
        mode = grid[logf.argmax()]
        val, _ = integrate.quad(f, p0, 1, points=[mode], limit=500, epsabs=0, epsrel=1e-12)
    return np.log(val) + m - np.log(prior_mass)


def sequential_cases():
    rows = []
    grid = [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (5, 40), (12, 40), (20, 100), (3, 100), (60, 300),
            (150, 1000), (400, 5000), (0, 50), (2, 2000), (900, 10_000), (30_000, 100_000),
            # far tails, where P(p > p0 | data) underflows a double but ln E is moderate
            (0, 100_000), (5, 200_000), (0, 1_000_000), (1_000, 1_000_000)]
    for p0 in (0.0101, 0.05, 0.1, 0.5, 0.8):
        for k in (1.0, 10.0, 100.0):
            for x, n in grid:
                value = log_e_value(x, n, p0, k)
                assert np.isfinite(value), (x, n, p0, k, value)
                double = log_e_value_scipy(x, n, p0, k)
                if double is not None and np.isfinite(double):
                    assert abs(double - value) <= 1e-8 * max(1.0, abs(value)), (x, n, p0, k, value, double)
                if -200 < value < 200 and n <= 10_000:
                    check = log_e_value_by_quadrature(x, n, p0, k)
                    assert abs(check - value) <= 1e-7 * max(1.0, abs(value)), (x, n, p0, k, value, check)
                rows.append([x, n, num(p0), num(k), num(value)])
    write('errors-sequential-logE.tsv', SCRIPT,
          'ln E of the truncated Beta(k p0, k(1-p0)) mixture on (p0, 1) against Bin(n, p0), x of n errors the\n'
          "candidate's; closed form in 60-digit arithmetic (mpmath.betainc, mpmath.quad in far tails, mpmath.beta), cross-checked by\n"
          'scipy.special.betaln / betaincc where those do not underflow (relative 1e-8) and by scipy.integrate.quad\n'
          '(relative 1e-7) where n <= 10000; always finite (the far-tail rows underflow in double precision)',
          ['x', 'n', 'p0', 'k', 'logE'], rows)


def look_sequence_cases():
    """Cumulative counts at each look of a few scripted rollouts, with the expected state of the test."""
    rng = np.random.default_rng(12345)
    rows = []
    scenarios = [
        # name, looks, candidate share, baseline rate, candidate rate multiple, margin, k, alpha
        ('healthy 5 percent', 60, 0.05, 0.01, 1.0, 0.0, 10.0, 0.05),
        ('3x errors 5 percent', 60, 0.05, 0.01, 3.0, 0.0, 10.0, 0.05),
        ('2x errors with margin 0.5', 120, 0.2, 0.002, 2.0, 0.5, 10.0, 0.01),
        ('better candidate', 40, 0.5, 0.02, 0.5, 0.0, 1.0, 0.05),
    ]
    for name, looks, share, rate, multiple, margin, k, alpha in scenarios:
        ce = cr = be = br = 0
        max_log = 0.0
        for look in range(1, looks + 1):
            c = rng.binomial(1000, share)
            b = 1000 - c
            cr += c
            br += b
            ce += rng.binomial(c, min(1.0, rate * multiple))
            be += rng.binomial(b, rate)
            s = cr / (cr + br)
            p0 = null_probability(s, margin)
            log_e = log_e_value(ce, ce + be, p0, k)
            max_log = max(max_log, log_e)
            p_value = min(1.0, np.exp(-max_log))
            rejected = max_log >= np.log(1 / alpha)
            rows.append([name, num(margin), num(k), num(alpha), look, ce, cr, be, br, num(s), num(p0), num(log_e),
                         num(p_value), str(bool(rejected)).lower()])
    write('errors-sequential-looks.tsv', SCRIPT,
          'scripted rollouts, one row per look with cumulative counts (1000 requests per look split binomially by the\n'
          'share); share = cr / (cr + br), p0 = s(1+m) / (s(1+m) + 1 - s), logE as in errors-sequential-logE.tsv,\n'
          'pValue = min(1, exp(-max logE so far)), rejected = max logE >= ln(1/alpha)',
          ['scenario', 'margin', 'k', 'alpha', 'look', 'candidateErrors', 'candidateRequests', 'baselineErrors',
           'baselineRequests', 'share', 'p0', 'logE', 'pValue', 'rejected'], rows)


def bound_cases():
    rows = []
    cases = [(0, 10), (1, 10), (5, 10), (10, 10), (0, 1), (1, 1), (3, 1000), (50, 1000), (999, 1000),
             (1, 1_000_000), (120, 2_000_000), (7, 30), (4500, 100_000), (500_000, 1_000_000)]
    for x, n in cases:
        for conf in (0.9, 0.95, 0.99, 0.999):
            cp_lo = 0.0 if x == 0 else stats.beta.ppf(1 - conf, x, n - x + 1)
            cp_hi = 1.0 if x == n else stats.beta.ppf(conf, x + 1, n - x)
            # independent check: scipy's binomtest interval at two-sided level 2c - 1 has one-sided c bounds
            ci = stats.binomtest(x, n).proportion_ci(confidence_level=2 * conf - 1, method='exact')
            assert abs(ci.low - cp_lo) <= 1e-8 * cp_lo + 1e-12, (x, n, conf, ci.low, cp_lo)
            assert abs(ci.high - cp_hi) <= 1e-8 * cp_hi + 1e-12, (x, n, conf, ci.high, cp_hi)
            wi = stats.binomtest(x, n).proportion_ci(confidence_level=2 * conf - 1, method='wilson')
            z = stats.norm.ppf(conf)
            p = x / n
            center = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
            w_lo, w_hi = max(0.0, center - half), min(1.0, center + half)
            if x == 0:
                w_lo = 0.0
            if x == n:
                w_hi = 1.0
            assert abs(wi.low - w_lo) <= 1e-9 * max(w_lo, 1e-12) + 1e-14, (x, n, conf, wi.low, w_lo)
            assert abs(wi.high - w_hi) <= 1e-9 * w_hi + 1e-14, (x, n, conf, wi.high, w_hi)
            rows.append([x, n, num(conf), num(cp_lo), num(cp_hi), num(w_lo), num(w_hi)])
    write('errors-rate-bounds.tsv', SCRIPT,
          'one-sided bounds at confidence c of a rate x/n: Clopper-Pearson lower = beta.ppf(1-c, x, n-x+1), upper =\n'
          'beta.ppf(c, x+1, n-x) (0 / 1 at the ends); Wilson with z = norm.ppf(c) (no continuity correction); both\n'
          "checked against scipy.stats.binomtest(x, n).proportion_ci(2c-1, method='exact' / 'wilson')",
          ['x', 'n', 'confidence', 'cpLower', 'cpUpper', 'wilsonLower', 'wilsonUpper'], rows)


def burn_rate_cases():
    rows = []
    # slo, long errors/requests, short errors/requests, factor
    cases = [(0.999, 150, 10_000, 20, 1_000, 14.4), (0.999, 100, 10_000, 20, 1_000, 14.4),
             (0.999, 150, 10_000, 10, 1_000, 14.4), (0.999, 70, 10_000, 8, 1_000, 6.0),
             (0.99, 1_000, 60_000, 200, 5_000, 14.4), (0.9995, 0, 3_600_000, 0, 300_000, 14.4),
             (0.95, 40, 100, 6, 10, 6.0), (0.999, 5, 0, 0, 0, 14.4), (0.999, 1441, 100_000, 145, 10_000, 14.4)]
    for slo, le, lr, se, sr, factor in cases:
        if lr == 0:
            le = 0
        lb = le / lr / (1 - slo) if lr else float('nan')
        sb = se / sr / (1 - slo) if sr else float('nan')
        breached = bool(lr and sr and lb > factor and sb > factor)
        rows.append([num(slo), le, lr, se, sr, num(factor), num(lb), num(sb), str(breached).lower()])
    write('errors-burn-rate.tsv', SCRIPT,
          'burn rate = (errors / requests) / (1 - slo), NaN without requests; breached when both windows are above\n'
          'the factor (strictly)',
          ['slo', 'longErrors', 'longRequests', 'shortErrors', 'shortRequests', 'factor', 'longBurnRate',
           'shortBurnRate', 'breached'], rows)


if __name__ == '__main__':
    sequential_cases()
    look_sequence_cases()
    bound_cases()
    burn_rate_cases()
