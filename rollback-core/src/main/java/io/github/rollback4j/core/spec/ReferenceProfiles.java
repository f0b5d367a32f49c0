package io.github.rollback4j.core.spec;

import io.github.rollback4j.core.internal.AtomicFiles;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** Largest profile file read: 16 MiB (a profile of 10,000 categories is about 0.5 MB), checked before parsing. */
    public static final int MAX_SIZE = 16 << 20;

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
     * Reads profiles written by {@link #write}. The file must be at most {@link #MAX_SIZE} bytes
     * (checked before it is parsed), nest no deeper than {@link SpecNode#MAX_DEPTH} and give no key
     * twice; each profile is checked by {@link ReferenceProfile}'s constructor.
     *
     * @param file a file written by {@link #write}
     * @return the profiles
     * @throws SpecException naming the file and the field path (e.g. {@code refs.json[2].counts[0]}) of what is wrong
     */
    public static List<ReferenceProfile> read(Path file) {
        String source = file.toString();
        SpecNode root = SpecNode.parse(SpecNode.readBounded(file, MAX_SIZE), source, MAPPER, "JSON", MAX_SIZE);
        List<ReferenceProfile> profiles = new ArrayList<>();
        for (SpecNode element : root.elements()) {
            element.requireObject();
            try {
                profiles.add(MAPPER.treeToValue(element.tree(), ReferenceProfile.class));
            } catch (JacksonException e) {
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    if (cause instanceof IllegalArgumentException) {
                        // The constructor's own check, which names the component.
                        throw new SpecException(element.path(), cause.getMessage(), e);
                    }
                }
                throw new SpecException(element.path() + fieldPath(e), e.getOriginalMessage(), e);
            }
        }
        return List.copyOf(profiles);
    }

    /** The path inside one profile of a binding error, e.g. {@code .counts[0]}. */
    private static String fieldPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append('.').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
