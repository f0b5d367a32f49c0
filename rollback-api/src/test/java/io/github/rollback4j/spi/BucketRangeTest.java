package io.github.rollback4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.github.rollback4j.ReleaseId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketRangeTest {

    private static final ReleaseId CANDIDATE = ReleaseId.of("rel-00000000000000c1");

    @Test
    void countsOneBucketPerBasisPoint() {
        assertThat(BucketRange.BUCKETS).isEqualTo(10_000);
        assertThat(new BucketRange(CANDIDATE, 0, 10_000).size()).isEqualTo(10_000);
        assertThat(new BucketRange(CANDIDATE, 0, 1).size()).isEqualTo(1);
        assertThat(new BucketRange(CANDIDATE, 9_999, 10_000).size()).isEqualTo(1);
        assertThat(new BucketRange(CANDIDATE, 9_500, 10_000).size()).isEqualTo(500);
    }

    @ParameterizedTest(name = "from={0}, to={1}")
    @CsvSource({"-1, 100", "0, 10001", "5000, 5000", "5000, 4999", "10000, 10000", "-5, -1", "10000, 10001",
            "0, 0", "2147483647, -2147483648"})
    void refusesEmptyOrOutOfBoundsRange(int from, int to) {
        assertThatIllegalArgumentException().isThrownBy(() -> new BucketRange(CANDIDATE, from, to))
                .withMessage("BucketRange must satisfy 0 <= from < to <= 10000, but was from=" + from + ", to=" + to);
    }

    @Test
    void refusesRangeWithoutRelease() {
        assertThatNullPointerException().isThrownBy(() -> new BucketRange(null, 0, 10_000))
                .withMessage("BucketRange.release must not be null");
    }
}
