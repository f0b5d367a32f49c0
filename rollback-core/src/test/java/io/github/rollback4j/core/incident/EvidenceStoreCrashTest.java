package io.github.rollback4j.core.incident;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills a process that rewrites a large bundle in a loop, at different moments, and checks that the
 * bundle is always one complete revision: never torn, never older than one already seen.
 */
class EvidenceStoreCrashTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ID = "inc-20260101-000000-crash-g1";

    @TempDir
    Path root;

    /** When to kill the writer in each round: while a temporary file exists (mid-write), or after n more revisions. */
    private static final int[] SCHEDULE = {0, 1, 0, 2, 0, 3, 0, 1};

    @Test
    void aWriterKilledAtAnyMomentLeavesThePreviousOrTheNewCompleteBundle() throws Exception {
        long seen = 0;
        int killedMidWrite = 0;
        for (int round = 0; round < SCHEDULE.length; round++) {
            long startedAt = seen;
            Process writer = start(seen + 1);
            try {
                if (SCHEDULE[round] == 0) {
                    // Mid-write: a temporary file is there while the next revision is being written.
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> hasTemporaryFile());
                    killedMidWrite++;
                } else {
                    long target = startedAt + SCHEDULE[round];
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> revision().orElse(0L) >= target);
                }
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Optional<Long> now = revision();
            if (now.isPresent()) {
                assertThat(now.get()).as("round %d: never older than what was seen", round).isGreaterThanOrEqualTo(seen);
                seen = now.get();
            }
            // Reopening the store removes what the killed writer left half done.
            FileSystemEvidenceStore.of(root);
            assertThat(hasTemporaryFile()).as("round %d: temporary files cleaned", round).isFalse();
        }
        assertThat(seen).as("the writer made progress").isPositive();
        assertThat(killedMidWrite).isEqualTo(4);
    }

    @Test
    void readersIgnoreTemporaryFilesAndStrayOnesAreCleanedAtStart() throws Exception {
        FileSystemEvidenceStore store = FileSystemEvidenceStore.of(root);
        store.write(ID, EvidenceStore.BUNDLE_JSON, BundleWriterMain.bundle(7));
        Path stray = root.resolve(ID).resolve(".incident.json123.tmp");
        Files.writeString(stray, "{\"revision\":8,\"checksum\":\"to");

        assertThat(parse(store.read(ID, EvidenceStore.BUNDLE_JSON).orElseThrow())).isEqualTo(7);
        assertThat(store.incidentIds()).containsExactly(ID);
        FileSystemEvidenceStore.of(root);
        assertThat(stray).doesNotExist();
        assertThat(parse(store.read(ID, EvidenceStore.BUNDLE_JSON).orElseThrow())).isEqualTo(7);
    }

    private Process start(long firstRevision) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                BundleWriterMain.class.getName(), root.toString(), ID, Long.toString(firstRevision))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private boolean hasTemporaryFile() throws IOException {
        Path dir = root.resolve(ID);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    /** The stored revision after checking the bundle is complete; empty before the first write finished. */
    private Optional<Long> revision() throws Exception {
        Optional<byte[]> bytes = FileSystemEvidenceStoreReader.read(root, ID);
        return bytes.map(b -> {
            try {
                return parse(b);
            } catch (Exception e) {
                throw new AssertionError("torn bundle: " + e, e);
            }
        });
    }

    private static long parse(byte[] bytes) throws Exception {
        JsonNode node = JSON.readTree(bytes);
        String payload = node.get("payload").asString();
        assertThat(BundleWriterMain.sha256(payload)).as("checksum of revision %s", node.get("revision")).isEqualTo(node.get("checksum").asString());
        assertThat(payload).startsWith("revision " + node.get("revision").asLong() + " line 0 ");
        return node.get("revision").asLong();
    }

    /** Reads without opening a store (opening one cleans temporary files, which would race the writer). */
    private static final class FileSystemEvidenceStoreReader {
        static Optional<byte[]> read(Path root, String id) throws IOException {
            Path file = root.resolve(id).resolve(EvidenceStore.BUNDLE_JSON);
            try {
                return Optional.of(Files.readAllBytes(file));
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty();
            }
        }
    }
}
