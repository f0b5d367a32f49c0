package io.github.rollback4j.core.gameday;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.shadow.TimeOfDayBuckets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders shadow reports in headless Chromium and checks that no text of the chart (tick labels, axis titles)
 * lies outside the SVG's viewport, that the x tick labels do not overlap each other, and that the y tick labels
 * stay left of the plot. The boxes are the browser's own ({@code getBoundingClientRect} after layout, transforms
 * included), measured by a script injected into a copy of the page. Screenshots are kept as build artifacts in
 * {@code rollback-core/target/shadow-report/}.
 *
 * <p>Chromium is the Debian package {@code chromium} ({@code .ci/run} installs it); without it these tests are
 * skipped with a line saying so, never passed.
 */
class ShadowReportBrowserTest {

    private static final Path OUT = Path.of("target", "shadow-report");
    private static final Pattern BOX = Pattern.compile("([^|;]*)\\|(-?[\\d.]+)\\|(-?[\\d.]+)\\|(-?[\\d.]+)\\|(-?[\\d.]+)\\|([^|;]*)");
    /** Sub-pixel rounding of the boxes. */
    private static final double SLACK = 0.5;
    /**
     * Measures every text of the chart against the SVG and the plot rectangle, and writes them into the body's
     * {@code data-boxes} attribute: {@code text|left|right|top|bottom|class;...}, in SVG user units, the SVG's
     * viewport being {@code data-width × data-height}.
     */
    private static final String MEASURE = """
            <script>
            window.addEventListener('load', () => {
              const svg = document.getElementById('chart');
              const r = svg.getBoundingClientRect();
              const vb = svg.viewBox.baseVal;
              const sx = vb.width / r.width, sy = vb.height / r.height;
              const out = [];
              const box = (el, cls) => { const b = el.getBoundingClientRect();
                out.push([el.textContent || cls, (b.left - r.left) * sx, (b.right - r.left) * sx, (b.top - r.top) * sy,
                          (b.bottom - r.top) * sy, cls].join('|')); };
              for (const t of svg.querySelectorAll('text')) box(t, t.getAttribute('class') || '');
              box(svg.querySelector('rect'), 'plot');
              document.body.setAttribute('data-boxes', out.join(';'));
              document.body.setAttribute('data-width', vb.width);
              document.body.setAttribute('data-height', vb.height);
            });
            </script>
            """;

    private static Path chromium;

    @BeforeAll
    static void findChromium() throws IOException {
        chromium = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .flatMap(p -> Stream.of("chromium", "chromium-browser", "google-chrome").map(n -> Path.of(p, n)))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            System.out.println("ShadowReportBrowserTest SKIPPED: no chromium on the PATH (Debian package 'chromium'; .ci/run"
                    + " installs it); the shadow report's axis labels were NOT checked in a browser");
        }
        Files.createDirectories(OUT);
    }

    record Box(String text, double left, double right, double top, double bottom, String kind) {
    }

    record Layout(double width, double height, List<Box> boxes) {
    }

    @Test
    void theAxisLabelsOfAGameDaysShadowReportAreNotClipped() throws Exception {
        assumeTrue(chromium != null, "no chromium on the PATH (Debian package 'chromium'); skipping the browser check");
        Scenario scenario = Scenarios.load(Path.of("..", "examples", "scenarios", "shadow-noisy-baseline.yaml"));
        Path evidence = OUT.resolve("evidence");
        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        Layout layout = measure(result.evidence().shadowReport(), "shadow-noisy-baseline");

        assertNoClipping(layout);
        screenshot(result.evidence().shadowReport(), OUT.resolve("shadow-noisy-baseline.png"));
    }

    @Test
    void theLongestLabelsOfAThreeDayReportAtFullMismatchAreNotClippedEither() throws Exception {
        assumeTrue(chromium != null, "no chromium on the PATH (Debian package 'chromium'); skipping the browser check");
        // every call mismatches: the y axis runs to 100.00 %; three days: the x labels carry the date
        VirtualTimeSource clock = VirtualTimeSource.startingAt(Instant.parse("2026-03-01T00:00:00Z"));
        ShadowReport report;
        try (ShadowRunner<Integer, Integer> runner = ShadowRunner.<Integer, Integer>builder(x -> x + 1).executor(Runnable::run)
                .timeSource(clock).sampleRate(1.0).attribute("tenant-with-a-long-name")
                .timeOfDay(TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 6).otherwise("day").build()).build()) {
            for (int minute = 0; minute < 3 * 24 * 60; minute += 10) {
                for (String segment : List.of("eu-west-with-a-rather-long-segment-name", "us-east")) {
                    runner.offer(minute, minute, RequestContext.builder().segment(segment)
                            .attribute("tenant-with-a-long-name", "tenant-" + (minute % 3)).build(), clock.currentTimeMillis());
                }
                clock.advance(Duration.ofMinutes(10));
            }
            report = runner.report();
        }
        Path page = OUT.resolve("full-mismatch.html");
        Files.writeString(page, report.toHtml("v2 (a candidate with a long label)", "v1", ShadowGate.builder().build()));

        Layout layout = measure(page, "full-mismatch");

        assertThat(layout.boxes()).anySatisfy(b -> assertThat(b.text()).isEqualTo("100.00%"));
        assertThat(layout.boxes()).anySatisfy(b -> assertThat(b.text()).contains("03-0"));
        assertNoClipping(layout);
        screenshot(page, OUT.resolve("full-mismatch.png"));
    }

    @Test
    void theCheckFindsALabelThatIsClipped() throws Exception {
        assumeTrue(chromium != null, "no chromium on the PATH (Debian package 'chromium'); skipping the browser check");
        // what the check must catch: a right-aligned tick label too long for the margin, and a title past the bottom
        Path page = OUT.resolve("clipped-on-purpose.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><body>
                <svg id="chart" xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
                <rect x="40" y="10" width="340" height="150" fill="#fafafa"/>
                <text class="tick y" x="34" y="20" font-size="11" text-anchor="end">100.000000%</text>
                <text class="tick x" x="40" y="175" font-size="11">00:00</text>
                <text class="tick x" x="60" y="175" font-size="11">01:00</text>
                <text class="axis-title x" x="200" y="205" font-size="11" text-anchor="middle">time</text>
                </svg></body></html>
                """);

        Layout layout = measure(page, "clipped-on-purpose");

        assertThat(problems(layout)).anySatisfy(p -> assertThat(p).contains("100.000000%", "outside"))
                .anySatisfy(p -> assertThat(p).contains("'time'", "outside"))
                .anySatisfy(p -> assertThat(p).contains("overlaps", "00:00", "01:00"));
    }

    private static void assertNoClipping(Layout layout) {
        assertThat(layout.boxes()).as("the chart's texts were measured").hasSizeGreaterThan(8);
        assertThat(problems(layout)).as("labels clipped or overlapping in " + layout).isEmpty();
    }

    /** What is wrong with the layout: texts outside the viewport, x ticks overlapping, y ticks reaching into the plot. */
    static List<String> problems(Layout layout) {
        List<String> problems = new ArrayList<>();
        Box plot = layout.boxes().stream().filter(b -> b.kind().equals("plot")).findFirst().orElseThrow();
        List<Box> xTicks = new ArrayList<>();
        for (Box b : layout.boxes()) {
            if (b.kind().equals("plot")) {
                continue;
            }
            if (b.left() < -SLACK || b.top() < -SLACK || b.right() > layout.width() + SLACK || b.bottom() > layout.height() + SLACK) {
                problems.add("'" + b.text() + "' lies outside the " + layout.width() + " x " + layout.height() + " viewport: " + b);
            }
            if (b.kind().equals("tick y") && b.right() > plot.left() + SLACK) {
                problems.add("'" + b.text() + "' reaches into the plot (right " + b.right() + " > " + plot.left() + ")");
            }
            if (b.kind().equals("tick x")) {
                xTicks.add(b);
            }
        }
        xTicks.sort(java.util.Comparator.comparingDouble(Box::left));
        for (int i = 1; i < xTicks.size(); i++) {
            if (xTicks.get(i).left() < xTicks.get(i - 1).right() - SLACK) {
                problems.add("'" + xTicks.get(i).text() + "' overlaps '" + xTicks.get(i - 1).text() + "'");
            }
        }
        return problems;
    }

    /** Loads a copy of the page with the measuring script in headless Chromium and reads the boxes it wrote. */
    private static Layout measure(Path page, String name) throws Exception {
        String html = Files.readString(page);
        Path probe = OUT.resolve(name + "-measured.html").toAbsolutePath();
        Files.writeString(probe, html.replace("</body>", MEASURE + "</body>"));
        String dom = chromium(probe, "--dump-dom");
        Matcher attr = Pattern.compile("data-boxes=\"([^\"]*)\"").matcher(dom);
        assertThat(attr.find()).as("the measuring script ran in Chromium:\n" + dom.substring(0, Math.min(500, dom.length())))
                .isTrue();
        String text = attr.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        List<Box> boxes = new ArrayList<>();
        for (String entry : text.split(";")) {
            Matcher m = BOX.matcher(entry);
            assertThat(m.matches()).as(entry).isTrue();
            boxes.add(new Box(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), m.group(6)));
        }
        double width = Double.parseDouble(value(dom, "data-width"));
        double height = Double.parseDouble(value(dom, "data-height"));
        return new Layout(width, height, boxes);
    }

    private static String value(String dom, String attribute) {
        Matcher m = Pattern.compile(attribute + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as(attribute).isTrue();
        return m.group(1);
    }

    private static void screenshot(Path page, Path png) throws Exception {
        Files.deleteIfExists(png);
        chromium(page.toAbsolutePath(), "--screenshot=" + png.toAbsolutePath(), "--window-size=1200,2600", "--hide-scrollbars");
        assertThat(png).isRegularFile();
        byte[] header = new byte[24];
        try (InputStream in = Files.newInputStream(png)) {
            assertThat(in.read(header)).isEqualTo(24);
        }
        assertThat(new String(header, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        int width = ((header[16] & 0xff) << 24) | ((header[17] & 0xff) << 16) | ((header[18] & 0xff) << 8) | (header[19] & 0xff);
        assertThat(width).isEqualTo(1200);
        System.out.println("ShadowReportBrowserTest: screenshot kept at " + png.toAbsolutePath());
    }

    /** Runs headless Chromium on a file with a fresh profile, no network services; returns what it printed. */
    private static String chromium(Path file, String... args) throws Exception {
        Path profile = Files.createTempDirectory(OUT, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath()));
        command.addAll(List.of(args));
        command.add(file.toUri().toString());
        Path stderr = OUT.resolve("chromium-stderr.log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(process.exitValue()).as("chromium's exit status; its stderr is in " + stderr).isZero();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
