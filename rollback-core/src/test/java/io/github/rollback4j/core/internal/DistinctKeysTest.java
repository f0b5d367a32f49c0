package io.github.rollback4j.core.internal;

import io.github.rollback4j.core.StickyBuckets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DistinctKeysTest {

    private static final int SALT = 0x5eed_2026;

    @ParameterizedTest
    @ValueSource(ints = {10_000, 100_000, 1_000_000})
    void estimatesDistinctKeysWithinThreePercent(int distinct) {
        DistinctKeys keys = new DistinctKeys();
        for (int i = 0; i < distinct; i++) {
            int hash = StickyBuckets.murmur3x86_32Utf8("user-" + i, SALT);
            keys.offer(hash);
            keys.offer(hash); // a key served twice counts once
        }

        assertThat((double) keys.estimate()).isCloseTo(distinct, within(distinct * 0.03));
    }

    @Test
    void aReleaseWithANarrowBucketRangeIsNotOverestimated() {
        // Keys that reach buckets 0..99 (a 1 % canary) share hash mod 10000, hence their low bits mod 16.
        DistinctKeys keys = new DistinctKeys();
        int served = 0;
        for (int i = 0; served < 20_000; i++) {
            int hash = StickyBuckets.murmur3x86_32Utf8("user-" + i, SALT);
            if (Integer.remainderUnsigned(hash, StickyBuckets.BUCKETS) < 100) {
                keys.offer(hash);
                served++;
            }
        }

        assertThat((double) keys.estimate()).isCloseTo(served, within(served * 0.03));
    }

    @Test
    void nothingOfferedEstimatesZero() {
        assertThat(new DistinctKeys().estimate()).isZero();
    }

    @Test
    void concurrentOffersGiveTheSameRegistersAsSequentialOnes() throws InterruptedException {
        int distinct = 200_000;
        int[] hashes = new int[distinct];
        for (int i = 0; i < distinct; i++) {
            hashes[i] = StickyBuckets.murmur3x86_32Utf8("session-" + i, SALT);
        }
        DistinctKeys sequential = new DistinctKeys();
        for (int hash : hashes) {
            sequential.offer(hash);
        }
        DistinctKeys shared = new DistinctKeys();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int offset = t;
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // Every thread offers every hash, in a different order: registers must end at the same maxima.
                for (int i = 0; i < distinct; i++) {
                    shared.offer(hashes[(i + offset * 50_000) % distinct]);
                }
            });
            threads[t].start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(shared.estimate()).isEqualTo(sequential.estimate());
    }
}
