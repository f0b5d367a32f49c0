package io.github.rollback4j.spring;

import io.github.rollback4j.spring.autoconfigure.RollbackPropertyFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The startup failure of a context with bad {@code rollback4j.*} properties, as the starter's failure analyzer reports it. */
public final class PropertyFailures {

    private PropertyFailures() {
    }

    /**
     * Starts {@code runner} with {@code properties}, checks that startup failed with a {@link RollbackPropertyException}
     * in the cause chain, and returns the analyzer's report of it.
     *
     * @return the failure analysis, never {@code null}
     */
    public static FailureAnalysis analyze(ApplicationContextRunner runner, String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable t = context.getStartupFailure();
            while (t != null && !(t instanceof RollbackPropertyException)) {
                t = t.getCause();
            }
            assertThat(t).as("a RollbackPropertyException in the cause chain of %s", context.getStartupFailure()).isNotNull();
            analysis[0] = new RollbackPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("the analyzer recognises the failure").isNotNull();
        return analysis[0];
    }
}
