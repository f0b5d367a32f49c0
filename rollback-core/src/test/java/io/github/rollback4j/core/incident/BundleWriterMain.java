package io.github.rollback4j.core.incident;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The writer process of {@link EvidenceStoreCrashTest}: rewrites one large bundle in a loop through
 * {@link FileSystemEvidenceStore}, each revision with a checksum of its payload, until it is killed.
 * Arguments: evidence root, incident id, first revision.
 */
public final class BundleWriterMain {

    static final int PAYLOAD_LINES = 40_000;

    private BundleWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        FileSystemEvidenceStore store = FileSystemEvidenceStore.of(Path.of(args[0]));
        for (long revision = Long.parseLong(args[2]); ; revision++) {
            store.write(args[1], EvidenceStore.BUNDLE_JSON, bundle(revision));
        }
    }

    /** About 2 MB of JSON: the revision, a payload that differs per revision, and the payload's SHA-256. */
    static byte[] bundle(long revision) throws Exception {
        StringBuilder payload = new StringBuilder();
        for (int line = 0; line < PAYLOAD_LINES; line++) {
            payload.append("revision ").append(revision).append(" line ").append(line).append(" of the evidence;");
        }
        String text = payload.toString();
        return ("{\"revision\":" + revision + ",\"checksum\":\"" + sha256(text) + "\",\"payload\":\"" + text + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
