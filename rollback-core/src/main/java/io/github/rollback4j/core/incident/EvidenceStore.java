package io.github.rollback4j.core.incident;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where incident bundles are kept: per incident, named files ({@value #BUNDLE_JSON} and
 * {@value #SUMMARY_MD}). {@link FileSystemEvidenceStore} is the default; an object store or a
 * database can implement the same contract.
 *
 * <p>Contract: {@link #write} replaces a file atomically, so a reader (or a process after a crash)
 * sees the previous complete content or the new complete content, never a mix. Implementations must
 * be thread-safe.
 */
public interface EvidenceStore {

    /** The bundle's JSON file. */
    String BUNDLE_JSON = "incident.json";
    /** The bundle's human-readable summary. */
    String SUMMARY_MD = "summary.md";

    /**
     * @param incidentId the incident's id (letters, digits, '.', '_', '-')
     * @param name the file's name, e.g. {@value #BUNDLE_JSON}
     * @param content the new content
     * @throws IOException when it cannot be stored; the previous content is then unchanged
     */
    void write(String incidentId, String name, byte[] content) throws IOException;

    /**
     * @param incidentId the incident's id
     * @param name the file's name
     * @return the content, or empty when there is none
     * @throws IOException when it cannot be read
     */
    Optional<byte[]> read(String incidentId, String name) throws IOException;

    /**
     * @return the ids of the incidents with stored files, sorted
     * @throws IOException when the store cannot be listed
     */
    List<String> incidentIds() throws IOException;

    /**
     * @param incidentId the incident's id
     * @return where its files are, for people (a directory, a URL)
     */
    String location(String incidentId);
}
