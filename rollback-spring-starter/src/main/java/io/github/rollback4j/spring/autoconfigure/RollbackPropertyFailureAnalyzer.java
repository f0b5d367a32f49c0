package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.RollbackPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused {@code rollback4j.*} property into Spring Boot's startup failure report: the
 * property path, the value, what is wrong, and the fix (allowed values or range). Registered in
 * {@code META-INF/spring.factories} under {@code org.springframework.boot.diagnostics.FailureAnalyzer}.
 */
public final class RollbackPropertyFailureAnalyzer extends AbstractFailureAnalyzer<RollbackPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RollbackPropertyException cause) {
        String description = "Invalid rollback4j configuration:\n\n"
                + "    Property: " + cause.property() + "\n"
                + "    Value:    " + (cause.value() == null ? "(not set)" : "\"" + cause.value() + "\"") + "\n"
                + "    Problem:  " + cause.problem() + "\n";
        String action = "Update " + cause.property() + " in your application configuration. " + cause.fix() + ".";
        return new FailureAnalysis(description, action.replace("..", "."), cause);
    }
}
