package dev.river.mapreduce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A job's scratch space on an engine: {@code <river.mapreduce.dir or java.io.tmpdir>/river-mapreduce/<job>/},
 * one directory per mapper and per reducer attempt, deleted when they end.
 */
final class LocalFiles {
    private LocalFiles() {}

    static Path create(Spec spec, String name) {
        String base = System.getProperty("river.mapreduce.dir", System.getProperty("java.io.tmpdir"));
        Path dir = Path.of(base, "river-mapreduce", spec.job().toString(), name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job's local directory " + dir + " on this engine: " + e.getMessage()
                    + " (set river.mapreduce.dir to a writable local disk)", e);
        }
    }

    /** Deletes {@code dir} with everything in it, and the job directory above it once empty. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(MapOutputBuffer::delete);
        } catch (IOException e) {
            System.getLogger(LocalFiles.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + dir + ": " + e.getMessage());
        }
        try {
            Files.deleteIfExists(dir.getParent());      // only succeeds when the last VR of the job has cleaned up
        } catch (IOException e) {
            // another VR of the job still has files there; it deletes the directory when it ends
        }
    }

    /** Auto-sized buffer: a share of the engine's heap, within [1 MiB, cap]. */
    static long autoBuffer(int sharers, long cap) {
        long share = Runtime.getRuntime().maxMemory() / (4L * Math.max(1, sharers));
        return Math.max(1 << 20, Math.min(cap, share));
    }
}
