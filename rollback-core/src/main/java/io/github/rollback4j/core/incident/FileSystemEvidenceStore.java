package io.github.rollback4j.core.incident;

import io.github.rollback4j.core.internal.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps each incident's files in {@code <root>/<incident id>/}. Every write is atomic and durable:
 * the content goes to a temporary file in the same directory, is forced to disk
 * ({@code FileChannel.force(true)}), renamed over the target with {@code ATOMIC_MOVE}, and the
 * directory is fsynced (where the OS can open a directory). A process killed at any moment leaves the
 * previous complete file or the new complete file. Temporary files ({@code *.tmp}) that a killed
 * writer left behind are never read and are deleted when a store is opened.
 *
 * <p>Bundles hold request samples, so the directories this store creates (the root when it does not
 * exist yet, and each incident's) are owner-only ({@code rwx------}) on file systems with POSIX
 * permissions, whatever the process umask; the files are owner-only ({@code rw-------}) too. A root
 * that already exists keeps its permissions. On other file systems (Windows) the directory's
 * inherited ACL applies.
 *
 * <p>Thread-safe; several processes may write different incidents into one root.
 */
public final class FileSystemEvidenceStore implements EvidenceStore {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,199}");

    private final Path root;

    private FileSystemEvidenceStore(Path root) {
        this.root = root;
    }

    /**
     * Opens (and creates) a store, deleting temporary files of writes that never finished.
     *
     * @param root the directory that holds one directory per incident
     * @return the store
     * @throws UncheckedIOException when the directory cannot be created or cleaned
     */
    public static FileSystemEvidenceStore of(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        try {
            createOwnerOnly(dir);
            AtomicFiles.deleteTemporaryFiles(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("evidence store " + dir + " cannot be opened: " + e.getMessage(), e);
        }
        return new FileSystemEvidenceStore(dir);
    }

    /** @return the root directory */
    public Path root() {
        return root;
    }

    /**
     * @param incidentId an incident's id
     * @return its directory
     */
    public Path directory(String incidentId) {
        return root.resolve(check("incidentId", incidentId));
    }

    @Override
    public void write(String incidentId, String name, byte[] content) throws IOException {
        Path dir = directory(incidentId);
        createOwnerOnly(dir);
        AtomicFiles.write(dir.resolve(checkFile(name)), content); // its temporary file is created owner-only
    }

    /** Creates the directory and any missing parents rwx------ where the file system has POSIX permissions. */
    private static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createDirectories(dir);
        }
    }

    @Override
    public Optional<byte[]> read(String incidentId, String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(directory(incidentId).resolve(checkFile(name))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> incidentIds() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path entry : entries) {
                ids.add(entry.getFileName().toString());
            }
        }
        Collections.sort(ids);
        return ids;
    }

    @Override
    public String location(String incidentId) {
        return directory(incidentId).toString();
    }

    @Override
    public String toString() {
        return "FileSystemEvidenceStore{" + root + '}';
    }

    private static String checkFile(String name) {
        String checked = check("name", name);
        if (AtomicFiles.isTemporary(Path.of(checked))) {
            throw new IllegalArgumentException("evidence file name must not end in " + AtomicFiles.TEMP_SUFFIX
                    + " (reserved for unfinished writes), but was '" + name + "'");
        }
        return checked;
    }

    private static String check(String field, String value) {
        if (value == null || !SAFE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("evidence " + field + " must be 1 to 200 characters of letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit, but was '" + value + "'");
        }
        return value;
    }
}
