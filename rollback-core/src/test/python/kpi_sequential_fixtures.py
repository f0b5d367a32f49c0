"""Reference values for io.github.rollback4j.core.stats.SequentialKpiTest and FixedHorizonKpiTests: the
one-sided normal-mixture SPRT (always-valid p-value, e-value, confidence-sequence bound) of a candidate's KPI
drop against the baseline, and the fixed-horizon one-sided z-test and Welch t-test of the same hypotheses.

Computed independently of the Java code with numpy/scipy:
  * ln(mixture likelihood ratio) from the closed form with scipy.special.log_ndtr, and checked here against a
    direct numerical integration (scipy.integrate.quad) of the half-normal mixture of Gaussian likelihood
    ratios;
  * the confidence-sequence bound with scipy.optimize.brentq;
  * the z-test p-value with scipy.stats.norm, the Welch t-test with scipy.stats.ttest_ind_from_stats.

Run from anywhere: python3 kpi_sequential_fixtures.py  (writes ../resources/fixtures/stats/kpi-sequential.tsv)
"""
import math

import mpmath as mp
import numpy as np
from scipy import integrate, optimize, special, stats

from fixture_common import num, write

SCRIPT = 'kpi_sequential_fixtures.py'
SEED = 20260510


# ---------------------------------------------------------------------------------------------------------
# the test, from sufficient statistics per arm: n, a shift, and the sums of (x - shift) and (x - shift)^2
# (KpiStats' representation; plain sums are shift 0)


class Arm:
    def __init__(self, n, s1, s2, shift=0.0):
        self.n, self.s1, self.s2, self.shift = int(n), float(s1), float(s2), float(shift)

    @property
    def s(self):  # the plain sum, e.g. a proportion's successes
        return self.shift * self.n + self.s1

    @property
    def mean(self):
        return self.shift + self.s1 / self.n if self.n > 0 else math.nan

    @property
    def var(self):
        # unbiased sample variance from the shifted sums, as KpiStats.variance()
        if self.n < 2:
            return math.nan
        return max(0.0, self.s2 - self.s1 * self.s1 / self.n) / (self.n - 1)


def mean_difference(c, b):
    """mu_c - mu_b with the shifts cancelled first, as KpiContrast"""
    return (c.shift - b.shift) + (c.s1 / c.n - b.s1 / b.n)


def clamp01(p):
    return min(1.0, max(0.0, p))


def variance(kind, relative, c, b, t, floor):
    """Variance of the contrast under the null value t (threshold units)."""
    k = 1.0 + t if relative else 1.0
    if kind == 'PROPORTION':
        if relative:
            pb0 = (c.s + b.s) / (c.n * k + b.n)
        else:
            pb0 = (c.s + b.s - c.n * t) / (c.n + b.n)
        pb0 = clamp01(pb0)
        pc0 = clamp01(k * pb0 if relative else pb0 + t)
        return pc0 * (1 - pc0) / c.n + k * k * pb0 * (1 - pb0) / b.n
    vc = max(c.var, b.var) if floor else c.var
    return vc / c.n + k * k * b.var / b.n


def contrast(relative, c, b, t):
    d = mean_difference(c, b)
    return d - t * b.mean if relative else d - t


def log_lr(x, v, tau2):
    """ln of the one-sided (half-normal) normal-mixture likelihood ratio, closed form."""
    a = x * math.sqrt(tau2) / math.sqrt(v * (v + tau2))
    return math.log(2.0) + 0.5 * math.log(v / (v + tau2)) + 0.5 * a * a + float(special.log_ndtr(-a))


def log_lr_quad(x, v, tau2):
    """The same by integrating  int_{u<0} 2/tau phi(u/tau) exp(x u / v - u^2 / (2 v)) du  numerically."""
    tau = math.sqrt(tau2)

    def f(u):  # log integrand
        return math.log(2.0 / tau) + float(stats.norm.logpdf(u / tau)) + x * u / v - u * u / (2 * v)

    peak = min(x * tau2 / (v + tau2), 0.0)
    spread = math.sqrt(v * tau2 / (v + tau2))
    fmax = f(peak)
    lo = peak - 60 * spread
    val, _ = integrate.quad(lambda u: math.exp(f(u) - fmax), lo, 0.0, points=[peak] if peak < 0 else None,
                            epsabs=0.0, epsrel=1e-12, limit=500)
    return fmax + math.log(val)


def bound(kind, relative, c, b, tau2, alpha, side=1):
    """side +1: upper end of the one-sided confidence sequence, the smallest null value above the estimate that
    the test of H0 effect >= t rejects; side -1: lower end, the largest null value below the estimate that the
    mirrored test of H0 effect <= t (evidence from an estimate above t) rejects."""
    d = mean_difference(c, b)
    est = d / b.mean if relative else d
    target = -math.log(alpha)

    def g(t):
        v = variance(kind, relative, c, b, t, True)
        x = side * contrast(relative, c, b, t)
        if v == 0:  # a degenerate null (clamped rates): any move beyond it is conclusive
            return -math.inf if x < 0 else math.nan
        return target - log_lr(x, v, tau2)

    # a relative effect is at least -1 (mu_c >= 0): the lower end is searched above -1 only
    floor = -1.0 if relative and side < 0 else -math.inf
    if est <= floor:
        return -math.inf
    scale = math.sqrt(variance(kind, relative, c, b, est, True)) / (b.mean if relative else 1.0)
    if not scale > 0:  # no variance at the estimate itself (e.g. a candidate rate of 0 with k = 0)
        scale = max(abs(est), 1e-12)
    lo, hi = est, est + side * scale
    if hi <= floor:
        hi = 0.5 * (lo + floor)
    for _ in range(80):
        if g(hi) <= 0:
            break
        lo, step = hi, 2 * (hi - est)
        hi = est + step
        if hi <= floor:
            hi = 0.5 * (lo + floor)
    else:
        return side * math.inf
    # a degenerate end (zero variance: the ratio is 0 or infinite there) cannot seed brentq: bisect
    for _ in range(200):
        if math.isfinite(g(lo)) and math.isfinite(g(hi)):
            break
        mid = 0.5 * (lo + hi)
        gm = g(mid)
        if gm > 0 or math.isnan(gm):
            lo = mid
        else:
            hi = mid
    return optimize.brentq(g, min(lo, hi), max(lo, hi), xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)


def evaluate(case, c, b):
    kind, form, delta, alpha = case['kind'], case['form'], case['delta'], case['alpha']
    relative = form == 'RELATIVE'
    planned = case['planned']
    t0 = -delta
    tau = planned * b.mean if relative else planned
    tau2 = tau * tau if (not relative or b.mean > 0) else math.nan
    d = mean_difference(c, b)
    out = dict(estimated_effect=d,
               estimated_relative_effect=d / b.mean if b.mean > 0 else math.nan,
               mixture_scale=math.sqrt(tau2) if tau2 == tau2 else math.nan,
               evaluated=False, contrast=math.nan, standard_error=math.nan, statistic=math.nan,
               log_lr=0.0, bound=math.inf, lower_bound=-math.inf)
    if c.n >= case['min_samples'] and b.n >= case['min_samples'] and tau2 > 0:
        v = variance(kind, relative, c, b, t0, True)
        if v > 0:
            x = contrast(relative, c, b, t0)
            out.update(evaluated=True, contrast=x, standard_error=math.sqrt(v), statistic=x / math.sqrt(v),
                       log_lr=log_lr(x, v, tau2), bound=bound(kind, relative, c, b, tau2, alpha),
                       lower_bound=bound(kind, relative, c, b, tau2, alpha, side=-1))
            if out['log_lr'] > -600:  # the quadrature check, where exp() of the result is representable
                q = log_lr_quad(x, v, tau2)
                assert abs(q - out['log_lr']) <= 1e-8 * max(1.0, abs(q)), (case['name'], q, out['log_lr'])
    # fixed-horizon tests (textbook: plain sample variances for means, score-type variance for proportions)
    z_stat = z_p = w_t = w_df = w_p = math.nan
    if c.n >= 2 and b.n >= 2:
        vz = variance(kind, relative, c, b, t0, False)
        if vz > 0:
            z_stat = contrast(relative, c, b, t0) / math.sqrt(vz)
            z_p = float(stats.norm.cdf(z_stat))
        k = 1.0 - delta if relative else 1.0
        if c.var / c.n + k * k * b.var / b.n > 0:
            # Welch's t depends on the means through their difference only: pass the contrast (the difference
            # computed around the shifts, as KpiContrast) against 0, so a large mean loses no digits here
            res = stats.ttest_ind_from_stats(contrast(relative, c, b, t0), math.sqrt(c.var), c.n, 0.0,
                                             k * math.sqrt(b.var), b.n, equal_var=False, alternative='less')
            w_t, w_p = float(res.statistic), float(res.pvalue)
            a1, a2 = c.var / c.n, k * k * b.var / b.n
            w_df = (a1 + a2) ** 2 / (a1 * a1 / (c.n - 1) + a2 * a2 / (b.n - 1))
    if kind == 'PROPORTION' and not relative and delta == 0 and c.n >= 2 and b.n >= 2:
        # cross-check: the classic pooled two-proportion z-test
        p = (c.s + b.s) / (c.n + b.n)
        if 0 < p < 1:
            zc = (c.mean - b.mean) / math.sqrt(p * (1 - p) * (1 / c.n + 1 / b.n))
            assert abs(zc - z_stat) <= 1e-12 * max(1, abs(zc)), (case['name'], zc, z_stat)
    out.update(z_stat=z_stat, z_p=z_p, welch_t=w_t, welch_df=w_df, welch_p=w_p)
    return out


# ---------------------------------------------------------------------------------------------------------
# cases


def proportion(n, successes):
    return Arm(n, successes, successes)


def sums(n, s, q):
    """An arm from plain sums (shift 0)."""
    return Arm(n, s, q)


def large_mean(rng, n, mean, sd, effect=0.0):
    """n draws around a large mean with a small spread (latency in ns, revenue in cents), kept as sums around
    the first value; the mean and variance are checked against 50-digit arithmetic on the raw values."""
    x = mean + effect + sd * rng.normal(0.0, 1.0, n)
    shift = float(x[0])
    d = x - shift  # exact: every x is within a factor 2 of the shift (Sterbenz)
    arm = Arm(n, float(np.sum(d)), float(np.sum(d * d)), shift)
    with mp.workdps(50):
        xs = [mp.mpf(float(v)) for v in x]
        m = mp.fsum(xs) / n
        v = mp.fsum((xi - m) ** 2 for xi in xs) / (n - 1)
        assert abs(arm.mean - float(m)) <= 4 * np.spacing(abs(float(m))), (arm.mean, m)
        assert abs(arm.var - float(v)) <= 1e-10 * float(v), (arm.var, v)
    return arm


def sample_mean(rng, n, dist, effect=0.0):
    """Sufficient statistics of n draws of a synthetic KPI, the mean scaled by (1 + effect)."""
    if dist == 'normal':
        x = rng.normal(100.0, 20.0, n)
    elif dist == 'revenue':  # 5 % of requests convert, lognormal order value around 20
        x = np.where(rng.random(n) < 0.05, rng.lognormal(3.0, 1.0, n), 0.0)
    elif dist == 'score':  # centred near 0: an absolute threshold is the natural form
        x = rng.normal(0.1, 1.0, n)
    else:
        raise ValueError(dist)
    x = x * (1.0 + effect)
    return sums(n, float(np.sum(x)), float(np.sum(x * x)))


def case(name, kind, form, delta, alpha=0.05, planned=None, min_samples=100):
    if planned is None:
        planned = delta if delta > 0 else 0.02
    return dict(name=name, kind=kind, form=form, delta=delta, alpha=alpha, planned=planned,
                min_samples=min_samples)


def single_cases(rng):
    P, M, A, R = 'PROPORTION', 'MEAN', 'ABSOLUTE', 'RELATIVE'
    out = []

    def add(cs, c, b):
        out.append((cs, [(c, b)]))

    # proportions
    add(case('p-rel0-aa-small', P, R, 0.0), proportion(400, 21), proportion(7600, 380))
    add(case('p-rel0-aa-large', P, R, 0.0), proportion(250_000, 12_480), proportion(4_750_000, 237_650))
    add(case('p-rel0-drop2-large', P, R, 0.0), proportion(1_500_000, 73_400), proportion(1_500_000, 75_000))
    add(case('p-rel0-drop10-mid', P, R, 0.0), proportion(20_000, 900), proportion(20_000, 1_000))
    add(case('p-rel2-drop5', P, R, 0.02), proportion(200_000, 9_500), proportion(200_000, 10_000))
    add(case('p-rel5-nodrop', P, R, 0.05, alpha=0.01), proportion(50_000, 2_490), proportion(60_000, 3_000))
    add(case('p-rel0-zero-candidate', P, R, 0.0, planned=0.5), proportion(150, 0), proportion(2_850, 140))
    add(case('p-rel0-zero-baseline', P, R, 0.0), proportion(500, 3), proportion(500, 0))
    add(case('p-abs0-planned', P, A, 0.0, planned=0.002), proportion(100_000, 4_800), proportion(100_000, 5_000))
    add(case('p-abs-1pp-drop', P, A, 0.01), proportion(30_000, 5_700), proportion(30_000, 6_300))
    add(case('p-abs-small-n', P, A, 0.005, alpha=0.1), proportion(120, 4), proportion(2_280, 118))
    add(case('p-abs-below-min', P, A, 0.005), proportion(60, 2), proportion(1_140, 57))
    add(case('p-abs-strong-drop', P, A, 0.0, planned=0.01), proportion(2_000_000, 80_000),
        proportion(2_000_000, 100_000))
    add(case('p-abs-improvement-asymptotic', P, A, 0.0, planned=0.001), proportion(3_000_000, 180_000),
        proportion(3_000_000, 150_000))
    add(case('p-rel0-alpha-half', P, R, 0.0, alpha=0.5), proportion(10_000, 480), proportion(10_000, 500))
    add(case('p-rel0-high-rate', P, R, 0.0, planned=0.05), proportion(5_000, 3_400), proportion(5_000, 3_550))
    # means
    add(case('m-rel0-normal-aa', M, R, 0.0), sample_mean(rng, 1_000, 'normal'), sample_mean(rng, 19_000, 'normal'))
    add(case('m-rel0-normal-drop2', M, R, 0.0), sample_mean(rng, 20_000, 'normal', -0.02),
        sample_mean(rng, 20_000, 'normal'))
    add(case('m-rel1-normal-drop5', M, R, 0.01, alpha=0.01), sample_mean(rng, 5_000, 'normal', -0.05),
        sample_mean(rng, 5_000, 'normal'))
    add(case('m-abs-normal-2', M, A, 2.0), sample_mean(rng, 3_000, 'normal', -0.03), sample_mean(rng, 3_000, 'normal'))
    add(case('m-abs-normal-small', M, A, 1.0, planned=5.0), sample_mean(rng, 150, 'normal', -0.05),
        sample_mean(rng, 180, 'normal'))
    add(case('m-rel0-revenue-aa', M, R, 0.0), sample_mean(rng, 10_000, 'revenue'),
        sample_mean(rng, 190_000, 'revenue'))
    add(case('m-rel0-revenue-drop10', M, R, 0.0, planned=0.1), sample_mean(rng, 200_000, 'revenue', -0.10),
        sample_mean(rng, 200_000, 'revenue'))
    add(case('m-rel3-revenue-floor', M, R, 0.03), sample_mean(rng, 400, 'revenue', -0.3),
        sample_mean(rng, 40_000, 'revenue'))
    add(case('m-abs0-score', M, A, 0.0, planned=0.05), sample_mean(rng, 50_000, 'score', -0.5),
        sample_mean(rng, 50_000, 'score'))
    add(case('m-abs-score-improve', M, A, 0.02, alpha=0.2), sample_mean(rng, 8_000, 'score', 1.0),
        sample_mean(rng, 8_000, 'score'))
    add(case('m-rel0-negative-baseline', M, R, 0.0), sums(500, -300.0, 900.0), sums(500, -250.0, 800.0))
    add(case('m-abs-below-min', M, A, 1.0, min_samples=1_000), sample_mean(rng, 999, 'normal'),
        sample_mean(rng, 5_000, 'normal'))
    add(case('m-abs-min-2', M, A, 0.5, planned=1.0, min_samples=2), sums(2, 10.0, 52.0), sums(3, 18.0, 110.0))
    add(case('m-rel0-zero-variance', M, R, 0.0), sums(200, 200.0, 200.0), sums(300, 300.0, 300.0))
    # a large mean with a small spread: plain sums lose the variance (the p-value came out 0.30 for 0.39 at
    # mean 1e8 and NaN at 1e9); shifted sums keep it
    add(case('m-abs-mean1e8-sd1', M, A, 0.0, planned=0.1), large_mean(rng, 2_000, 1e8, 1.0, -0.02),
        large_mean(rng, 2_000, 1e8, 1.0))
    add(case('m-abs-mean1e9-sd1', M, A, 0.05, planned=0.1), large_mean(rng, 5_000, 1e9, 1.0, -0.1),
        large_mean(rng, 5_000, 1e9, 1.0))
    add(case('m-rel0-mean1e9-sd1', M, R, 0.0, planned=1e-10), large_mean(rng, 3_000, 1e9, 1.0),
        large_mean(rng, 3_000, 1e9, 1.0, 0.05))
    add(case('m-abs-mean1e12-sd2', M, A, 0.0, planned=0.5), large_mean(rng, 1_000, 1e12, 2.0, 0.3),
        large_mean(rng, 1_500, 1e12, 2.0))
    return out


def sequence_cases(rng):
    """Cumulative looks of one test: running p-value and bound."""
    out = []
    # proportion, relative, 2 % drop, 5 % canary at 5000 req/s, one look every 60 s
    c = np.cumsum(rng.binomial(250 * 60, 0.049, 8))
    b = np.cumsum(rng.binomial(4750 * 60, 0.05, 8))
    looks = [(proportion(250 * 60 * (i + 1), c[i]), proportion(4750 * 60 * (i + 1), b[i])) for i in range(8)]
    out.append((case('seq-p-rel0-drop2', 'PROPORTION', 'RELATIVE', 0.0), looks))
    # mean, absolute, normal KPI with a 1.5 % drop, 50 % split, 400 observations per arm per look
    looks = []
    cc, bb = sums(0, 0, 0), sums(0, 0, 0)
    for _ in range(8):
        dc, db = sample_mean(rng, 400, 'normal', -0.015), sample_mean(rng, 400, 'normal')
        cc = sums(cc.n + dc.n, cc.s1 + dc.s1, cc.s2 + dc.s2)
        bb = sums(bb.n + db.n, bb.s1 + db.s1, bb.s2 + db.s2)
        looks.append((cc, bb))
    out.append((case('seq-m-abs-drop', 'MEAN', 'ABSOLUTE', 0.5, planned=1.5, min_samples=500), looks))
    return out


COLUMNS = ['case', 'look', 'kind', 'form', 'delta', 'alpha', 'plannedEffect', 'minSamplesPerArm',
           'candidateCount', 'candidateShift', 'candidateShiftedSum', 'candidateShiftedSumOfSquares',
           'baselineCount', 'baselineShift', 'baselineShiftedSum', 'baselineShiftedSumOfSquares',
           'evaluated', 'estimatedEffect', 'estimatedRelativeEffect', 'contrast', 'standardError', 'statistic',
           'mixtureScale', 'logLikelihoodRatio', 'pValue', 'effectBound', 'effectLowerBound', 'rejected',
           'zStatistic', 'zPValue', 'welchT', 'welchDf', 'welchPValue']

DESCRIPTION = """
One-sided normal-mixture SPRT of a KPI drop: H0 mu_c >= mu_b - delta (ABSOLUTE) or mu_c >= (1 - delta) mu_b
(RELATIVE). One row per look; a case with several looks is one test fed cumulative statistics, and its
pValue (min(1, exp(-max logLikelihoodRatio))), effectBound (min over looks) and effectLowerBound (max over
looks: the lower end of the confidence sequence, the mirrored test of H0 effect <= t) are running values.
Arms are KpiStats: count, shift, sum of (x - shift), sum of (x - shift)^2; the large-mean rows (mean 1e8..1e12,
sd 1..2) are checked against 50-digit mpmath means and variances of the raw values.
Variance of the contrast: PROPORTION, Bernoulli at the null-boundary rates closest to the data;
MEAN, max(var_c, var_b)/n_c + k^2 var_b/n_b (sequential) or var_c/n_c + k^2 var_b/n_b (z, Welch).
tau = plannedEffect (ABSOLUTE) or plannedEffect * baseline mean (RELATIVE).
logLikelihoodRatio = ln 2 + ln(V/(V+tau^2))/2 + a^2/2 + log_ndtr(-a), a = x tau / sqrt(V (V + tau^2)),
checked against quadrature; effectBound by brentq; zPValue = norm.cdf(z);
Welch = scipy.stats.ttest_ind_from_stats(equal_var=False, alternative='less') with the baseline scaled by
k = 1 - delta (RELATIVE) or the candidate shifted by +delta (ABSOLUTE).
"""


def main():
    rng = np.random.default_rng(SEED)
    rows = []
    for cs, looks in single_cases(rng) + sequence_cases(rng):
        max_log_lr, min_bound, max_lower = 0.0, math.inf, -math.inf
        for i, (c, b) in enumerate(looks, start=1):
            r = evaluate(cs, c, b)
            if r['evaluated']:
                max_log_lr = max(max_log_lr, r['log_lr'])
                min_bound = min(min_bound, r['bound'])
                max_lower = max(max_lower, r['lower_bound'])
            p = min(1.0, math.exp(-max_log_lr))
            rows.append([cs['name'], i, cs['kind'], cs['form'], num(cs['delta']), num(cs['alpha']),
                         num(cs['planned']), cs['min_samples'],
                         c.n, num(c.shift), num(c.s1), num(c.s2), b.n, num(b.shift), num(b.s1), num(b.s2),
                         str(r['evaluated']).lower(), num(r['estimated_effect']),
                         num(r['estimated_relative_effect']), num(r['contrast']), num(r['standard_error']),
                         num(r['statistic']), num(r['mixture_scale']), num(r['log_lr']), num(p), num(min_bound), num(max_lower),
                         str(p <= cs['alpha']).lower(),
                         num(r['z_stat']), num(r['z_p']), num(r['welch_t']), num(r['welch_df']),
                         num(r['welch_p'])])
    write('kpi-sequential.tsv', SCRIPT, DESCRIPTION, COLUMNS, rows)


if __name__ == '__main__':
    main()
