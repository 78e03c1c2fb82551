package dev.river.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The cluster's shared secret: every River frame and beacon is authenticated with it, so only holders
 * of the secret can make an engine run code. One per user, created on first use.
 *
 * <p>Where it comes from, first match wins: {@code RIVER_SECRET} (64 hex digits), the file named by
 * {@code RIVER_SECRET_FILE}, or {@code ~/.river/secret} (created with permissions 0600 when absent).
 * Engines on other hosts need the same file: {@code river cluster start} copies it.
 *
 * <pre>{@code
 * byte[] key = ClusterSecret.load().key();
 * }</pre>
 */
public final class ClusterSecret {
    private static final int BYTES = 32;
    private final byte[] key;
    private final String origin;

    private ClusterSecret(byte[] key, String origin) {
        this.key = key;
        this.origin = origin;
    }

    /** Loads (or creates) the secret as described above. */
    public static ClusterSecret load() {
        String inline = setting("RIVER_SECRET");
        if (inline != null) return new ClusterSecret(parse(inline, "RIVER_SECRET"), "RIVER_SECRET");
        String file = setting("RIVER_SECRET_FILE");
        Path path = file != null ? Path.of(file) : defaultFile();
        return fromFile(path, true);
    }

    /** The default location, {@code ~/.river/secret}. */
    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".river", "secret");
    }

    /** Reads {@code path}; creates it with a fresh random key (mode 0600) when absent and {@code create} is set. */
    public static ClusterSecret fromFile(Path path, boolean create) {
        try {
            if (!Files.exists(path)) {
                if (!create) throw new IllegalStateException("cluster secret file " + path + " does not exist");
                createFile(path);
            }
            checkPermissions(path);
            return new ClusterSecret(parse(Files.readString(path, StandardCharsets.US_ASCII).strip(), path.toString()), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster secret " + path + ": " + e.getMessage(), e);
        }
    }

    private static void createFile(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp" + ProcessHandle.current().pid());
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(owner));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);   // not a POSIX file system
        }
        Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
        try {
            // Publish only if absent (a hard link fails when the name exists): when several processes
            // start at once, exactly one key wins and every process reads that one.
            Files.createLink(path, tmp);
        } catch (FileAlreadyExistsException e) {
            // another process published first: use its key
        } catch (UnsupportedOperationException e) {
            try {
                Files.move(tmp, path);   // no hard links here: fails if the file appeared meanwhile
            } catch (FileAlreadyExistsException raced) {
                // another process published first
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkPermissions(Path path) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalStateException("cluster secret " + path + " is readable by other users; run: chmod 600 " + path);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static byte[] parse(String hex, String where) {
        try {
            byte[] key = HexFormat.of().parseHex(hex);
            if (key.length < 16) throw new IllegalArgumentException("too short");
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the cluster secret in " + where + " must be at least 32 hex digits (64 recommended): " + e.getMessage());
        }
    }

    private static String setting(String name) {
        String v = System.getenv(name);
        if (v == null) v = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The key bytes (a copy). */
    public byte[] key() {
        return key.clone();
    }

    /** Where the secret was read from, for messages. */
    public String origin() {
        return origin;
    }
}
