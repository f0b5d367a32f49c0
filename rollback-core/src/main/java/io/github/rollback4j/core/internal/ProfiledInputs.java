package io.github.rollback4j.core.internal;

import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.telemetry.RouterTelemetry;

import java.util.List;
import java.util.Optional;

/**
 * What a router's telemetry profiles of its calls: the input fields of its {@link InputProfile}, whether they
 * carry a schema, and whether prediction scores are extracted. The trigger engine reads it when it is built, to
 * refuse input-quality triggers that could never see data.
 *
 * @param fields the profiled input fields, in declaration order; empty without an input profile
 * @param schema whether the input profile declares a schema rule
 * @param scores whether a score extractor is configured
 */
public record ProfiledInputs(List<String> fields, boolean schema, boolean scores) {

    /**
     * @param telemetry a router's telemetry
     * @return what it profiles, or empty when the telemetry is not rollback4j's own (then nothing is known)
     */
    public static Optional<ProfiledInputs> of(RouterTelemetry telemetry) {
        return telemetry instanceof TelemetryHub<?, ?> hub ? Optional.of(hub.profiledInputs()) : Optional.empty();
    }
}
