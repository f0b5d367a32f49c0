package io.github.rollback4j.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TelemetrySnapshotTest {

    private static ReleaseId release(int i) {
        return ReleaseId.of("rel-" + String.format("%016x", i));
    }

    private static ReleaseTelemetry telemetry(ReleaseId release, Segment segment, long successes) {
        return new ReleaseTelemetry(release, segment, null, Map.of(Outcome.SUCCESS, successes), Map.of(), null, Map.of(),
                SchemaStats.NONE);
    }

    private static Optional<ReleaseTelemetry> scan(List<ReleaseTelemetry> list, ReleaseId release, Segment segment) {
        return list.stream().filter(t -> t.release().equals(release) && t.segment().equals(segment)).findFirst();
    }

    @Test
    void getFindsWhatAScanInListOrderFindsForEveryPairPresentOrNot() {
        Random random = new Random(16);
        List<ReleaseTelemetry> pairs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // duplicates on purpose: get() must return the first in list order, as the scan it replaces did
            pairs.add(telemetry(release(random.nextInt(12)), Segment.of("snapshot-test-" + random.nextInt(300)), i));
        }
        TelemetrySnapshot snapshot = new TelemetrySnapshot("r", Instant.EPOCH, Instant.EPOCH.plusSeconds(1), pairs, List.of());

        for (int r = 0; r < 14; r++) {
            for (int s = 0; s < 310; s++) {
                ReleaseId release = release(r);
                Segment segment = Segment.of("snapshot-test-" + s);
                assertThat(snapshot.get(release, segment)).as("%s in %s", release, segment).isEqualTo(scan(pairs, release, segment));
            }
        }
        assertThat(snapshot.get(release(1), null)).isEmpty();
    }

    @Test
    void bySegmentIsAnImmutableCopyThatEqualsTheListGiven() {
        List<ReleaseTelemetry> given = new ArrayList<>(List.of(telemetry(release(1), Segment.DEFAULT, 3),
                telemetry(release(2), Segment.DEFAULT, 4)));
        TelemetrySnapshot snapshot = new TelemetrySnapshot("r", Instant.EPOCH, Instant.EPOCH, given, List.of());
        List<ReleaseTelemetry> copy = List.copyOf(given);
        given.clear();

        assertThat(snapshot.bySegment()).isEqualTo(copy).hasSameHashCodeAs(copy);
        assertThat(snapshot).isEqualTo(new TelemetrySnapshot("r", Instant.EPOCH, Instant.EPOCH, copy, List.of()));
        assertThatThrownBy(() -> snapshot.bySegment().add(copy.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(snapshot.get(release(2), Segment.DEFAULT)).contains(copy.get(1));
    }

    @Test
    void refusesNullElementsNamingTheirPosition() {
        assertThatNullPointerException()
                .isThrownBy(() -> new TelemetrySnapshot("r", Instant.EPOCH, Instant.EPOCH,
                        Arrays.asList(telemetry(release(1), Segment.DEFAULT, 1), null), List.of()))
                .withMessageContaining("bySegment").withMessageContaining("element 1");
    }
}
