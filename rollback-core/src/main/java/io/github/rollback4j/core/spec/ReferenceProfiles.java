package io.github.rollback4j.core.spec;

import io.github.rollback4j.core.internal.AtomicFiles;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Saves and loads drift reference profiles as JSON, so a reference captured from the
 * last-known-good (or computed offline) survives restarts and can be reviewed. Writes go to a
 * temporary file that is flushed to disk and then moved into place atomically, so a crash leaves the
 * old file or the new one.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReferenceProfiles {

    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReferenceProfiles() {
    }

    /**
     * @param file where to write
     * @param profiles the profiles
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<ReferenceProfile> profiles) throws IOException {
        AtomicFiles.write(file, MAPPER.writeValueAsString(profiles).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param file a file written by {@link #write}
     * @return the profiles
     * @throws SpecException naming the file and what is wrong, when it cannot be read or a profile is invalid
     */
    public static List<ReferenceProfile> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        try {
            return Arrays.asList(MAPPER.readValue(text, ReferenceProfile[].class));
        } catch (JacksonException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new SpecException(file.toString(), "is not a list of reference profiles: "
                    + (cause instanceof JacksonException j ? j.getOriginalMessage() : cause.getMessage()), e);
        }
    }
}
