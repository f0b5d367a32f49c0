package io.github.rollback4j.core.stats.errors;

import org.apache.commons.math3.special.Beta;

import java.util.Objects;

/**
 * A sequential count test of the candidate's errors against the baseline's, conditioned on the traffic
 * share, that stays valid when it is looked at after every tick for as long as a rollout step lasts.
 *
 * <h2>Model</h2>
 * Errors are rare events. Given the requests each arm served, and the total number of errors
 * {@code N = x_c + x_b} since the (re)start, each error is the candidate's with probability
 * {@code p = s·r_c / (s·r_c + (1 − s)·r_b)}, where {@code r_c}, {@code r_b} are the error rates (errors per
 * request) and {@code s = n_c / (n_c + n_b)} is the candidate's share of the requests of the two arms.
 * The null hypothesis is "the candidate's error rate is at most {@code (1 + margin)} times the
 * baseline's", which is {@code p <= p0} with
 * <pre>{@code   p0 = s(1+m) / (s(1+m) + (1 − s))      (nullProbability)}</pre>
 * The candidate's error count is then (approximately, see below) binomial {@code Bin(N, p)}.
 *
 * <h2>Statistic</h2>
 * The e-value is a one-sided mixture sequential probability ratio: the likelihood of {@code x_c} of
 * {@code N} under a Beta prior over {@code p > p0}, divided by the likelihood under {@code p0},
 * <pre>{@code   E = ∫_{p0}^1 p^x (1−p)^(N−x) π(p) dp  /  (p0^x (1−p0)^(N−x)),
 *   π = Beta(k·p0, k·(1−p0)) truncated to (p0, 1), k = priorStrength (default 10),
 *   log E = ln B(x+a, N−x+b) − ln B(a, b) + ln Q(x+a, N−x+b) − ln Q(a, b) − x ln p0 − (N−x) ln(1−p0),
 *   Q(a, b) = P(p > p0 | p ~ Beta(a, b)) = I_{1−p0}(b, a).}</pre>
 * Because every component of the mixture has {@code p > p0}, E is a nonnegative martingale when
 * {@code p = p0} and a supermartingale when {@code p < p0}, so by Ville's inequality
 * {@code P(sup_t E_t >= 1/alpha) <= alpha} under the null, at any number of looks. The always-valid
 * p-value is {@code min(1, 1 / max_t E_t)}; the test rejects (the candidate's error rate is higher than
 * allowed) as soon as it drops to {@code alpha}, and stays rejected until {@link #restart()}.
 *
 * <h2>Approximations</h2>
 * The binomial model of the split of errors is exact for Poisson errors and for equal-rate Bernoulli
 * errors a little conservative (the exact split is hypergeometric, less variable); {@code s} is the
 * realised share of requests since the (re)start, which is what the routing actually did (a sticky
 * rollout's request share can differ from its weight). The simulation test ({@code docs/statistics.md})
 * measures the false-positive rate under the null with the realised share: well below alpha.
 *
 * <h2>Use</h2>
 * Feed {@link #observe(long, long, long, long)} the cumulative counts of both arms (monotone counters, not
 * sliding-window counts) at each look. When the weights change, call {@link #restart()} (counts fed
 * afterwards count from zero) or {@link #restart(long, long, long, long)} (counts fed afterwards are
 * the same cumulative counters, and the values given become the origin): the share, and so {@code p0},
 * is only constant within one step.
 *
 * <p>Thread-safe: the methods that read or change the state are synchronized. The results are immutable.
 */
public final class SequentialErrorTest {

    /** Default significance level: 0.05 (reject when the e-value reaches 20). */
    public static final double DEFAULT_ALPHA = 0.05;
    /** Default relative margin: 0.0, the candidate may not have a higher error rate than the baseline. */
    public static final double DEFAULT_MARGIN = 0.0;
    /** Default prior strength {@code k = a + b} of the Beta mixture: 10 pseudo-errors. */
    public static final double DEFAULT_PRIOR_STRENGTH = 10.0;
    /** Largest margin accepted: 100 (a 101-fold rate). */
    public static final double MAX_MARGIN = 100.0;
    /** Smallest prior strength accepted: 0.01. */
    public static final double MIN_PRIOR_STRENGTH = 0.01;
    /** Largest prior strength accepted: 1e6. */
    public static final double MAX_PRIOR_STRENGTH = 1e6;

    /**
     * The settings of one test.
     *
     * @param alpha         the significance level, strictly between 0 and 1 (default {@value #DEFAULT_ALPHA})
     * @param margin        the relative margin {@code m}: the null allows a candidate error rate up to
     *                      {@code (1 + m)} times the baseline's; 0..{@value #MAX_MARGIN} (default 0)
     * @param priorStrength {@code k}, the Beta prior's {@code a + b}, in pseudo-errors;
     *                      {@value #MIN_PRIOR_STRENGTH}..{@value #MAX_PRIOR_STRENGTH} (default 10). Smaller
     *                      values favour large effects, larger ones small effects.
     *                      The constructor refuses a component out of its range with an
     *                      {@code IllegalArgumentException} naming it, its value and the range.
     */
    public record Config(double alpha, double margin, double priorStrength) {

        /**
         * Validates every component.
         *
         * @param alpha         the significance level, strictly between 0 and 1 (default {@value #DEFAULT_ALPHA})
         * @param margin        the relative margin {@code m}: the null allows a candidate error rate up to
         *                      {@code (1 + m)} times the baseline's; 0..{@value #MAX_MARGIN} (default 0)
         * @param priorStrength {@code k}, the Beta prior's {@code a + b}, in pseudo-errors;
         *                      {@value #MIN_PRIOR_STRENGTH}..{@value #MAX_PRIOR_STRENGTH} (default 10)
         * @throws IllegalArgumentException naming the component, its value and its allowed range
         */
        public Config {
            Args.probabilityOpen(alpha, "SequentialErrorTest.Config", "alpha");
            if (!(margin >= 0.0 && margin <= MAX_MARGIN)) {
                throw new IllegalArgumentException("SequentialErrorTest.Config: margin must be between 0.0 and " + MAX_MARGIN
                        + ", but was " + margin);
            }
            if (!(priorStrength >= MIN_PRIOR_STRENGTH && priorStrength <= MAX_PRIOR_STRENGTH)) {
                throw new IllegalArgumentException("SequentialErrorTest.Config: priorStrength must be between "
                        + MIN_PRIOR_STRENGTH + " and " + MAX_PRIOR_STRENGTH + ", but was " + priorStrength);
            }
        }

        /** @return alpha 0.05, margin 0, prior strength 10 */
        public static Config defaults() {
            return new Config(DEFAULT_ALPHA, DEFAULT_MARGIN, DEFAULT_PRIOR_STRENGTH);
        }

        /** @param alpha see {@link Config}
         *  @return a copy with this alpha */
        public Config withAlpha(double alpha) {
            return new Config(alpha, margin, priorStrength);
        }

        /** @param margin see {@link Config}
         *  @return a copy with this margin */
        public Config withMargin(double margin) {
            return new Config(alpha, margin, priorStrength);
        }

        /** @param priorStrength see {@link Config}
         *  @return a copy with this prior strength */
        public Config withPriorStrength(double priorStrength) {
            return new Config(alpha, margin, priorStrength);
        }
    }

    private final Config config;
    private final double logThreshold;

    private long originCandidateErrors;
    private long originCandidateRequests;
    private long originBaselineErrors;
    private long originBaselineRequests;
    private SequentialErrorResult current;
    private double maxLogE;

    /**
     * @param config the settings
     */
    public SequentialErrorTest(Config config) {
        this.config = Objects.requireNonNull(config, "SequentialErrorTest(config) needs a Config, but was null");
        this.logThreshold = Math.log(1.0 / config.alpha());
        restart();
    }

    /** @return a test with {@link Config#defaults()} */
    public static SequentialErrorTest withDefaults() {
        return new SequentialErrorTest(Config.defaults());
    }

    /** @return the settings */
    public Config config() {
        return config;
    }

    /**
     * Starts over: forgets every look and the running maximum of the e-value. Counts fed afterwards are
     * counted from zero.
     */
    public synchronized void restart() {
        restart(0, 0, 0, 0);
    }

    /**
     * Starts over from an origin: counts fed afterwards are the same cumulative counters as these, and
     * only what they add to these values counts. Call it with the counters' values at the moment the
     * weights changed.
     *
     * @param candidateErrors   the candidate's cumulative errors at the origin, {@code 0..candidateRequests}
     * @param candidateRequests the candidate's cumulative requests at the origin, at least 0
     * @param baselineErrors    the baseline's cumulative errors at the origin, {@code 0..baselineRequests}
     * @param baselineRequests  the baseline's cumulative requests at the origin, at least 0
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public synchronized void restart(long candidateErrors, long candidateRequests, long baselineErrors, long baselineRequests) {
        String method = "SequentialErrorTest.restart";
        Args.atMost(candidateErrors, candidateRequests, method, "candidateErrors", "candidateRequests");
        Args.atMost(baselineErrors, baselineRequests, method, "baselineErrors", "baselineRequests");
        originCandidateErrors = candidateErrors;
        originCandidateRequests = candidateRequests;
        originBaselineErrors = baselineErrors;
        originBaselineRequests = baselineRequests;
        maxLogE = 0.0;
        current = new SequentialErrorResult(0, 0, 0, 0, 0, Double.NaN, Double.NaN, config.margin(), 0.0, 1.0, 1.0,
                config.alpha(), false);
    }

    /**
     * One look: the cumulative counts of both arms, which never decrease between looks.
     *
     * @param candidateErrors   the candidate's cumulative errors (model errors, timeouts, fallbacks, as the
     *                          caller counts them), {@code 0..candidateRequests}
     * @param candidateRequests the candidate's cumulative requests
     * @param baselineErrors    the baseline's cumulative errors, {@code 0..baselineRequests}
     * @param baselineRequests  the baseline's cumulative requests
     * @return the result of this look, counts relative to the origin of the last restart
     * @throws IllegalArgumentException naming the parameter, its value and its range: an error count above
     *     its request count, or a count below its value at the previous look (or at the origin)
     */
    public synchronized SequentialErrorResult observe(long candidateErrors, long candidateRequests, long baselineErrors,
                                                      long baselineRequests) {
        String method = "SequentialErrorTest.observe";
        Args.atMost(candidateErrors, candidateRequests, method, "candidateErrors", "candidateRequests");
        Args.atMost(baselineErrors, baselineRequests, method, "baselineErrors", "baselineRequests");
        long ce = since(candidateErrors, originCandidateErrors, current.candidateErrors(), "candidateErrors");
        long cr = since(candidateRequests, originCandidateRequests, current.candidateRequests(), "candidateRequests");
        long be = since(baselineErrors, originBaselineErrors, current.baselineErrors(), "baselineErrors");
        long br = since(baselineRequests, originBaselineRequests, current.baselineRequests(), "baselineRequests");
        double share = cr == 0 || br == 0 ? Double.NaN : (double) cr / ((double) cr + (double) br);
        double p0 = Double.isNaN(share) ? Double.NaN : nullProbability(share, config.margin());
        double logE = Double.isNaN(p0) ? 0.0 : logEValue(ce, ce + be, p0, config.priorStrength());
        if (logE > maxLogE) {
            maxLogE = logE;
        }
        double pValue = Math.min(1.0, Math.exp(-maxLogE));
        current = new SequentialErrorResult(current.looks() + 1, ce, cr, be, br, share, p0, config.margin(), logE,
                Math.exp(logE), pValue, config.alpha(), maxLogE >= logThreshold);
        return current;
    }

    /** @return the result of the last look, or of no look (e-value 1, p-value 1) right after a restart */
    public synchronized SequentialErrorResult current() {
        return current;
    }

    private long since(long cumulative, long origin, long previous, String name) {
        long delta = cumulative - origin;
        if (delta < previous) {
            throw new IllegalArgumentException("SequentialErrorTest.observe: " + name + " is cumulative and must be at least "
                    + (origin + previous) + " (its value at the previous look or the origin), but was " + cumulative);
        }
        return delta;
    }

    /**
     * @param candidateShare the candidate's share of the requests of the two arms, strictly between 0 and 1
     * @param margin         the relative margin, 0..{@value #MAX_MARGIN}
     * @return {@code p0 = s(1+m) / (s(1+m) + (1−s))}: the largest probability, under the null, that an error
     *     is the candidate's
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static double nullProbability(double candidateShare, double margin) {
        Args.probabilityOpen(candidateShare, "SequentialErrorTest.nullProbability", "candidateShare");
        if (!(margin >= 0.0 && margin <= MAX_MARGIN)) {
            throw new IllegalArgumentException("SequentialErrorTest.nullProbability: margin must be between 0.0 and "
                    + MAX_MARGIN + ", but was " + margin);
        }
        double weighted = candidateShare * (1.0 + margin);
        return weighted / (weighted + (1.0 - candidateShare));
    }

    /**
     * The natural logarithm of the mixture e-value (see the class comment) after {@code totalErrors}
     * errors of which {@code candidateErrors} were the candidate's. A pure function.
     *
     * @param candidateErrors the candidate's errors, {@code 0..totalErrors}
     * @param totalErrors     the errors of both arms, at least 0
     * @param nullProbability {@code p0}, strictly between 0 and 1
     * @param priorStrength   {@code k}, {@value #MIN_PRIOR_STRENGTH}..{@value #MAX_PRIOR_STRENGTH}
     * @return {@code ln E}: 0 without errors; finite otherwise, computed in logarithms so that no tail
     *     probability underflows (ln E of 0 candidate errors in 10⁵ at {@code p0} 1/2 is about −10.6)
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static double logEValue(long candidateErrors, long totalErrors, double nullProbability, double priorStrength) {
        String method = "SequentialErrorTest.logEValue";
        Args.atMost(candidateErrors, totalErrors, method, "candidateErrors", "totalErrors");
        Args.probabilityOpen(nullProbability, method, "nullProbability");
        if (!(priorStrength >= MIN_PRIOR_STRENGTH && priorStrength <= MAX_PRIOR_STRENGTH)) {
            throw new IllegalArgumentException(method + ": priorStrength must be between " + MIN_PRIOR_STRENGTH + " and "
                    + MAX_PRIOR_STRENGTH + ", but was " + priorStrength);
        }
        if (totalErrors == 0) {
            return 0.0;
        }
        double p0 = nullProbability;
        double a = priorStrength * p0;
        double b = priorStrength * (1.0 - p0);
        double x = candidateErrors;
        double y = (double) totalErrors - candidateErrors;
        double logP0 = Math.log(p0);
        double logQ0 = Math.log1p(-p0);
        // The posterior part ln B(x+a, y+b) + ln Q(x+a, y+b) − x ln p0 − y ln(1−p0), where
        // Q(x+a, y+b) = I_{1−p0}(y+b, x+a). Its terms are of order N and, in the tail, Q underflows a double
        // (0 errors of 1e5 at p0 = 1/2: Q ≈ e^−69 300) while the sum stays moderate. Everything is in logs:
        double alpha = y + b;
        double beta = x + a;
        double posterior;
        if (1.0 - p0 <= (alpha + 1.0) / (alpha + beta + 2.0)) {
            // Q by the continued fraction: ln B + ln Q = (y+b) ln(1−p0) + (x+a) ln p0 − ln(y+b) − ln F, and the
            // x and y terms cancel exactly against the likelihood's, leaving no large terms at all.
            posterior = b * logQ0 + a * logP0 - Math.log(alpha) - Math.log(LogBeta.fraction(1.0 - p0, alpha, beta));
        } else {
            // Q is large (the candidate's share of errors is above p0): no underflow, log1p of its complement.
            double complement = Math.exp(LogBeta.logTail(p0, beta, alpha));
            posterior = Beta.logBeta(beta, alpha) + Math.log1p(-complement) - x * logP0 - y * logQ0;
        }
        return posterior - Beta.logBeta(a, b) - LogBeta.logRegularizedBeta(1.0 - p0, b, a);
    }

    @Override
    public synchronized String toString() {
        return "SequentialErrorTest{" + config + ", " + current + "}";
    }
}
