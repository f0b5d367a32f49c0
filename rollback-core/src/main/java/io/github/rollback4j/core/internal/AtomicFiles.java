package io.github.rollback4j.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces files atomically: a crash at any moment leaves the previous complete file or the new
 * complete one, never a torn one. Used by reference profiles and the filesystem evidence store; not
 * part of the public API.
 *
 * <p>Steps: write a temporary file ({@value #TEMP_SUFFIX}) in the target's directory (same file
 * system, so the rename is atomic), {@code FileChannel.force(true)} it, {@code ATOMIC_MOVE} it over the
 * target, then fsync the directory so the rename itself survives a power cut (where the OS allows
 * opening a directory; on Windows this last step is skipped). Stateless and thread-safe; two writers
 * of the same file race, and the last rename wins whole.
 */
public final class AtomicFiles {

    /** Suffix of temporary files; readers skip them and {@link #deleteTemporaryFiles} removes them. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /**
     * @param file the file to replace (its directory is created when missing)
     * @param content the new content
     * @throws IOException when it cannot be written; the previous file is then untouched
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + target.getFileName(), TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: the file system does not support an atomic"
                        + " rename within " + dir, e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Makes a rename durable: fsync of the directory, where the platform can open one. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its rename is durable through NTFS's journal instead.
        }
    }

    /**
     * @param file a file name
     * @return whether it is a temporary file of an unfinished write
     */
    public static boolean isTemporary(Path file) {
        return file.getFileName().toString().endsWith(TEMP_SUFFIX);
    }

    /**
     * Deletes the temporary files a crashed writer left in a directory and its subdirectories.
     *
     * @param dir the directory; nothing happens when it does not exist
     * @return how many were deleted
     * @throws IOException when the directory cannot be listed
     */
    public static int deleteTemporaryFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry)) {
                    deleted += deleteTemporaryFiles(entry);
                } else if (isTemporary(entry) && Files.deleteIfExists(entry)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
