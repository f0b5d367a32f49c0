package io.github.rollback4j.examples.service;

import io.github.rollback4j.Model;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The two toy model versions the service serves, as {@link Model} beans that
 * {@code rollback4j.routers.scorer.releases[*].model-bean} names, and the sample inputs the router
 * warms and probes them with.
 *
 * <p>For game days, {@code example.fault.v2-error-rate} (0..1, default 0) makes v2 fail that share of
 * the calls whose merchant category its new encoder has not seen (7..9; the sample inputs never use
 * them, so warm-up and health probes pass), and {@code example.fault.v2-latency} (default 0) adds
 * latency to each of its calls: the regression the triggers must catch.
 */
@Configuration(proxyBeanMethods = false)
public class ScoringModels {

    /** The first merchant category v2's encoder was not trained on. */
    static final int UNSEEN_CATEGORY = 7;

    /** v1: a linear score of the amount, capped at 1. */
    @Bean
    public Model<Transaction, Double> scorerV1() {
        return tx -> Math.min(1.0, tx.amount() / 10_000.0);
    }

    /**
     * v2: weighs risky merchant categories higher; with the injected fault it fails or slows down.
     *
     * @param errorRate share of calls with an unseen merchant category (7..9) that throw, 0..1
     * @param latency extra latency per call
     * @return the model
     */
    @Bean
    public Model<Transaction, Double> scorerV2(@Value("${example.fault.v2-error-rate:0}") double errorRate,
                                               @Value("${example.fault.v2-latency:0ms}") Duration latency) {
        if (errorRate < 0 || errorRate > 1) {
            throw new IllegalArgumentException("example.fault.v2-error-rate must be between 0 and 1, but was " + errorRate);
        }
        long pauseNanos = latency.toNanos();
        return tx -> {
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
            if (errorRate > 0 && tx.merchantCategory() >= UNSEEN_CATEGORY && ThreadLocalRandom.current().nextDouble() < errorRate) {
                throw new IllegalStateException("v2: unseen merchant category encoding for " + tx.merchantCategory());
            }
            double risk = tx.merchantCategory() >= 7 ? 1.5 : 1.0;
            return Math.min(1.0, risk * tx.amount() / 9_000.0);
        };
    }

    /** @return inputs for warm-up and health probes (the router never sends them to users) */
    @Bean
    public List<Transaction> scorerSamples() {
        return List.of(new Transaction("probe-1", 120.0, 3), new Transaction("probe-2", 9_800.0, 1));
    }
}
