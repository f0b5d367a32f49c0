package io.github.rollback4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java snippets compile as written. Every {@code ```java} block of README.md, in order,
 * becomes the body of one method, compiled with {@code javax.tools} against the test classpath (the
 * published modules). The README says so and lists the stand-ins this test declares for the reader's
 * own things ({@link #STAND_INS}); a snippet may use nothing else that it does not declare itself.
 */
class ReadmeSnippetsTest {

    /** The packages a reader imports; the README names them. */
    static final String IMPORTS = """
            import io.github.rollback4j.*;
            import io.github.rollback4j.trigger.*;
            import io.github.rollback4j.core.*;
            import io.github.rollback4j.core.guard.*;
            import io.github.rollback4j.core.incident.*;
            import io.github.rollback4j.core.spec.*;
            import io.github.rollback4j.core.strategy.*;
            import java.net.URI;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.util.List;
            import java.util.Map;
            import java.util.concurrent.ScheduledExecutorService;
            """;

    /** What the README's snippets take as the reader's own; the README lists exactly these. */
    static final String STAND_INS = """
                /** Your model's input. */
                record Features(double amount, String country) {
                }

                /** Your loaded model. */
                interface Scorer {
                    double score(Features features);
                }

                final Scorer scorerV1 = f -> 0.1;
                final Scorer scorerV2 = f -> 0.2;
                final List<Features> samples = List.of(new Features(42.0, "de"));
                final Features features = new Features(120.0, "fr");
                final String userId = "user-42";
                final boolean converted = true;
                final ScheduledExecutorService scheduler = null;
                final String slackWebhookUrl = "https://hooks.slack.com/services/T000/B000/XXXX";
            """;

    @Test
    void theReadmesJavaSnippetsCompileAsWritten(@TempDir Path classes) throws IOException {
        Path readme = readme();
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        StringBuilder source = new StringBuilder("package readme;\n\n").append(IMPORTS)
                .append("\n@SuppressWarnings(\"unused\")\nclass ReadmeSnippets {\n\n").append(STAND_INS)
                .append("\n    void snippets() throws Exception {\n");
        // readmeLine.get(i) is the README line of the source's line i + 1, or -1 for the test's own lines.
        List<Integer> readmeLine = new ArrayList<>();
        source.chars().filter(c -> c == '\n').forEach(c -> readmeLine.add(-1));
        int blocks = 0;
        boolean inJava = false;
        List<String> placeholders = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!inJava && line.strip().equals("```java")) {
                inJava = true;     // no scope per block: later snippets use what earlier ones declared
                blocks++;
            } else if (inJava && line.strip().equals("```")) {
                inJava = false;
            } else if (inJava) {
                if (line.contains("…") || line.contains("...")) {
                    placeholders.add("README.md:" + (i + 1) + ": " + line.strip());
                }
                source.append("        ").append(line).append('\n');
                readmeLine.add(i + 1);
            }
        }
        source.append("    }\n}\n");
        assertThat(blocks).as("```java blocks in " + readme).isGreaterThanOrEqualTo(4);
        assertThat(placeholders).as("placeholders in the README's Java snippets; write real code").isEmpty();

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                "-proc:none", "-Xlint:all", "-Xlint:-processing");
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///readme/ReadmeSnippets.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean compiled;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            compiled = javac.getTask(null, files, diagnostics, options, null, List.of(file)).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
                int at = (int) d.getLineNumber();
                int line = at >= 1 && at <= readmeLine.size() ? readmeLine.get(at - 1) : -1;
                problems.add((line > 0 ? "README.md:" + line : "the test's preamble, line " + at) + ": " + d.getKind() + ": "
                        + d.getMessage(Locale.ROOT));
            }
        }
        assertThat(problems).as("javac on the README's Java snippets (classpath entries: %d)",
                System.getProperty("java.class.path").split(File.pathSeparator).length).isEmpty();
        assertThat(compiled).isTrue();
        assertThat(classes.resolve("readme").resolve("ReadmeSnippets.class")).exists();
    }

    /** README.md of the repository: the examples module's parent directory holds it. */
    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("README.md");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("rollback-core"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("README.md beside rollback-core not found above " + Path.of("").toAbsolutePath());
    }
}
