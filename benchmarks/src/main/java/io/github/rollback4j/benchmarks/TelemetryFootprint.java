package io.github.rollback4j.benchmarks;

import io.github.rollback4j.core.telemetry.CallWindow;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Heap per release × segment of a router's telemetry, measured: used heap after full GCs, before and
 * after every pair of a {@link ScaleRouter} has served a call, divided by the pairs; then again after
 * two threads called the same segments at once, segment by segment (the windows' stripes are created
 * when threads collide on a word). Compared with {@link CallWindow#estimatedFootprintBytes} and {@link CallWindow#maxFootprintBytes}.
 *
 * <p>Run (after {@code mvn -B -ntp -q -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar io.github.rollback4j.benchmarks.TelemetryFootprint 10 100 60
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar io.github.rollback4j.benchmarks.TelemetryFootprint 10 1000 6
 * </pre>
 * Arguments: releases, segments, call-window sub-windows (span 10 min); optionally the calls per thread
 * and segment of the contended phase (default 20,000).
 */
public final class TelemetryFootprint {

    private TelemetryFootprint() {
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // a benchmark main, not a test: let the collector settle between rounds
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) throws Exception {
        int releases = Integer.parseInt(args[0]);
        int segments = Integer.parseInt(args[1]);
        int subWindows = Integer.parseInt(args[2]);
        int callsPerSegment = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        ScaleRouter scale = new ScaleRouter("footprint", releases, segments, subWindows);
        scale.touchEveryPair(); // warm the code paths and the default segment, then forget nothing: pairs stay
        ScaleRouter fresh = new ScaleRouter("footprint-fresh", releases, segments, subWindows);
        long before = usedHeapAfterGc();
        fresh.touchEveryPair();
        long after = usedHeapAfterGc();
        int pairs = fresh.pairsWithTelemetry();
        double perPair = (after - before) / (double) pairs;
        System.out.printf(Locale.ROOT, "footprint: %d releases × %d segments, call window %d × %s: %d pairs, %.0f bytes per pair"
                        + " measured (one thread); CallWindow.estimatedFootprintBytes %d, maxFootprintBytes %d%n",
                releases, segments, subWindows, ScaleRouter.CALL_SPAN.dividedBy(subWindows), pairs, perPair,
                CallWindow.estimatedFootprintBytes(fresh.telemetry.callWindow()), CallWindow.maxFootprintBytes(fresh.telemetry.callWindow()));

        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CyclicBarrier step = new java.util.concurrent.CyclicBarrier(2);
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                try {
                    fresh.callSegmentsInStep(step, callsPerSegment);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "footprint-caller-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        long contended = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "footprint: after 2 threads called each segment %d times at once: %.0f bytes per pair"
                + " measured%n", callsPerSegment, (contended - before) / (double) pairs);
        scale.router.close();
        fresh.router.close();
    }
}
