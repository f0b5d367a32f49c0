package io.github.rollback4j.core.incident;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.runbook.Runbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What of a request may reach an incident: samples and the messages of the exceptions models threw
 * pass the redactor before they are kept or written; evidence is owner-only; webhook secrets never
 * show.
 */
class IncidentPrivacyTest {

    private static final String EMAIL = "ana.lopez@example.org";
    private static final String CARD = "4111 1111 1111 1111";
    private static final Pattern EMAILS = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern CARDS = Pattern.compile("\\b\\d{4}( ?\\d{4}){3}\\b");

    @TempDir
    Path evidence;

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Release v1 = Release.of(ModelVersion.of("card-model", "1.0.0", "sha256:" + "1a".repeat(32)));
    private final Release v2 = Release.of(ModelVersion.of("card-model", "2.0.0", "sha256:" + "2b".repeat(32)));

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** v2 refuses every card and quotes the input in its message, as models do. */
    private ManagedModelRouter<Map<String, Object>, Double> routerWithFailedCalls() {
        Model<Map<String, Object>, Double> good = in -> 0.1;
        Model<Map<String, Object>, Double> quoting = in -> {
            if (in.containsKey("probe")) {
                return 0.0;
            }
            throw new IllegalArgumentException("card " + in.get("card") + " of " + in.get("email") + " declined");
        };
        ManagedModelRouter<Map<String, Object>, Double> router = ModelRouters.builder("cards",
                        ReleaseSpec.builder(v1, good).sampleInputs(List.of(Map.of("probe", true))).build())
                .release(ReleaseSpec.builder(v2, quoting).sampleInputs(List.of(Map.of("probe", true))).build())
                .timeSource(clock).probeExecutor(Runnable::run).randomBuckets(() -> 0).samples(64, 1.0).build();
        closing.add(router);
        router.setWeights(io.github.rollback4j.Segment.DEFAULT, Map.of(v2.id(), 10_000), Cause.operator("ana", "all on v2"));
        for (int i = 0; i < 10; i++) {
            try {
                router.invoke(Map.of("email", EMAIL, "card", CARD, "amount", 10.0 + i), RequestContext.of("user-" + i));
            } catch (Exception expected) {
                // the model's own exception reaches the caller
            }
        }
        return router;
    }

    private static String mask(String text) {
        return CARDS.matcher(EMAILS.matcher(text).replaceAll("<email>")).replaceAll("<card>");
    }

    /** Masks the input's e-mail and card fields; the Redactor a user writes for samples. */
    private static final Redactor SAMPLES = sample -> {
        Map<String, Object> input = new HashMap<>((Map<String, Object>) sample.input());
        input.replaceAll((k, v) -> v instanceof String s ? mask(s) : v);
        return sample.with("pseudonym", input, sample.output());
    };

    private Incident rollBack(ManagedModelRouter<Map<String, Object>, Double> router, Redactor redactor) throws InterruptedException {
        Incidents incidents = Incidents.builder(router).timeSource(clock).evidenceStore(FileSystemEvidenceStore.of(evidence))
                .redactor(redactor).samples(5, 0).build();
        closing.add(incidents);
        router.rollbackToLastKnownGood(Cause.operator("ana", "declines"));
        assertThat(incidents.flush(Duration.ofSeconds(10))).isTrue();
        return incidents.incidents().get(0);
    }

    private String bundle(Incident incident) throws Exception {
        Path dir = evidence.resolve(incident.id());
        return Files.readString(dir.resolve(EvidenceStore.BUNDLE_JSON)) + "\n" + Files.readString(dir.resolve(EvidenceStore.SUMMARY_MD));
    }

    @Test
    void aModelsExceptionMessagePassesTheRedactorIntoTheBundleTheSummaryAndTheIncident() throws Exception {
        Incident incident = rollBack(routerWithFailedCalls(), Redactor.of(SAMPLES, IncidentPrivacyTest::mask));

        assertThat(incident.samplesBefore()).hasSize(5).allSatisfy(s -> {
            assertThat(s.error()).isInstanceOf(RedactedError.class).hasMessage("card <card> of <email> declined").hasNoCause();
            assertThat(((RedactedError) s.error()).type()).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(s.error().getStackTrace()).isEmpty();
        });
        String files = bundle(incident);
        assertThat(files).contains("java.lang.IllegalArgumentException: card <card> of <email> declined")
                .doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("4111");
    }

    @Test
    void aRedactorForSamplesOnlyWithholdsTheMessagesItCannotRedact() throws Exception {
        Incident incident = rollBack(routerWithFailedCalls(), SAMPLES);

        assertThat(incident.samplesBefore()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.error()).isInstanceOf(RedactedError.class).hasMessage(null);
            assertThat(s.error()).hasToString(IllegalArgumentException.class.getName());
        });
        assertThat(bundle(incident)).contains("\"error\" : \"java.lang.IllegalArgumentException\"").doesNotContain(EMAIL)
                .doesNotContain("4111").doesNotContain("declined");
    }

    @Test
    void withoutARedactorTheMessageIsKeptAsTheModelWroteIt() throws Exception {
        Incident incident = rollBack(routerWithFailedCalls(), Redactor.identity());

        CallSample<?, ?> first = incident.samplesBefore().get(0);
        assertThat(first.error()).hasMessage("card " + CARD + " of " + EMAIL + " declined");
        assertThat(bundle(incident)).contains(EMAIL);
    }

    @Test
    void evidenceDirectoriesAndFilesAreOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path root = evidence.resolve("new-root");
        FileSystemEvidenceStore store = FileSystemEvidenceStore.of(root);
        store.write("inc-1", EvidenceStore.BUNDLE_JSON, "{}".getBytes());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory("inc-1")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory("inc-1")
                .resolve(EvidenceStore.BUNDLE_JSON)))).isEqualTo("rw-------");
    }

    @Test
    void webhookAndSlackUrlsAreMaskedInDescriptionsErrorsAndTheRunbook() throws Exception {
        URI slack = URI.create("https://hooks.slack.com/services/T000/B000/XXXXSECRET");
        URI basic = URI.create("https://ops:hunter2@hooks.example.org:8443/rollback4j?token=SECRET");
        assertThat(MaskedUrls.of(slack)).isEqualTo("https://hooks.slack.com/****");
        assertThat(MaskedUrls.of(basic)).isEqualTo("https://hooks.example.org:8443/****");
        assertThat(MaskedUrls.of(URI.create("https://hooks.example.org"))).isEqualTo("https://hooks.example.org");
        assertThat(MaskedUrls.in("failed: " + basic + ", then " + slack + ".")).isEqualTo(
                "failed: https://hooks.example.org:8443/****, then https://hooks.slack.com/****.");
        assertThat(MaskedUrls.in("https://u:p@ss@host.example/x")).isEqualTo("https://host.example/****");
        assertThat(MaskedUrls.in("no url here")).isEqualTo("no url here");

        ManagedModelRouter<Map<String, Object>, Double> router = routerWithFailedCalls();
        Incidents incidents = Incidents.builder(router).timeSource(clock).notifier(SlackNotifier.of(slack))
                .notifier(WebhookNotifier.builder(basic).build()).notifier(new PagerNotifier()).build();
        closing.add(incidents);
        assertThat(incidents.notifierDescriptions()).containsExactly("SlackNotifier{https://hooks.slack.com/****}",
                "WebhookNotifier{https://hooks.example.org:8443/****}", "PagerNotifier{https://pager.example.org/****}");
        String runbook = Runbook.builder(router).incidents(incidents).build().toMarkdown();
        assertThat(runbook).contains("https://hooks.slack.com/****").doesNotContain("SECRET").doesNotContain("hunter2")
                .doesNotContain("T000");

        try (WebhookServer server = new WebhookServer(n -> 500)) {
            URI secret = URI.create(server.uri() + "/T000/SECRET");
            WebhookNotifier failing = WebhookNotifier.builder(secret).backoff(Duration.ofMillis(1)).maxAttempts(1).build();
            assertThatThrownBy(() -> failing.send(new IncidentNotice(IncidentNotice.Kind.OPENED, "inc-1", "cards",
                    IncidentStatus.OPEN, clock.now(), "t", "s", "", "", "")))
                    .hasMessageContaining("HTTP 500").hasMessageNotContaining("SECRET").hasMessageNotContaining("T000")
                    .hasMessageContaining("http://127.0.0.1:" + server.uri().getPort() + "/****");
        }
    }

    /** A user's notifier whose description names its URL with the key in it. */
    private static final class PagerNotifier implements Notifier {
        @Override
        public void send(IncidentNotice notice) {
        }

        @Override
        public String toString() {
            return "PagerNotifier{https://pager.example.org/v2/enqueue?routing_key=SECRET}";
        }
    }
}
