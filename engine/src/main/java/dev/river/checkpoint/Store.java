package dev.river.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where an application's checkpoints live: {@code <root>/<app>/<epoch>/}, six-digit epochs, each
 * holding one state file per VR and the MANIFEST. The root is an absolute path that every engine
 * writes to, so with engines on several hosts it must be a shared directory (NFS, say) or the
 * checkpoints must be collected by the coordinator ({@link Checkpoints#collected}).
 */
final class Store {
    private final Path root;

    Store(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path appDir(UUID app) {
        return root.resolve(app.toString());
    }

    Path epochDir(UUID app, long epoch) {
        return appDir(app).resolve(String.format("%06d", epoch));
    }

    /** The epoch after every one that has a directory (complete or not), so a failed one is never reused. */
    long nextEpoch(UUID app) {
        return epochs(app).stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    }

    /** Complete checkpoints, oldest first; epochs without a valid manifest are left out. */
    List<Checkpoint> list(UUID app) {
        List<Checkpoint> out = new ArrayList<>();
        for (long e : epochs(app)) {
            try {
                out.add(Manifest.read(epochDir(app, e), e).checkpoint());
            } catch (CheckpointException skipped) {
                // incomplete (a checkpoint that failed or is being written) or corrupt: not listed
            }
        }
        return out;
    }

    Optional<Checkpoint> latest(UUID app) {
        List<Checkpoint> all = list(app);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Reads epoch {@code epoch}'s manifest; fails clearly if it is not a complete checkpoint. */
    Manifest.Read read(UUID app, long epoch) {
        Path dir = epochDir(app, epoch);
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(epoch, "application " + app + " has no checkpoint epoch " + epoch + " in "
                    + appDir(app) + (epochs(app).isEmpty() ? " (it has none)" : "; epochs there: " + epochs(app)));
        }
        return Manifest.read(dir, epoch);
    }

    /** Deletes an epoch: the manifest first, so a deletion cut short never leaves a checkpoint that looks whole. */
    void delete(UUID app, long epoch) {
        Path dir = epochDir(app, epoch);
        if (!Files.isDirectory(dir)) return;
        try {
            Files.deleteIfExists(dir.resolve(Manifest.NAME));
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Epoch numbers that have a directory, ascending. */
    List<Long> epochs(UUID app) {
        Path dir = appDir(app);
        if (!Files.isDirectory(dir)) return List.of();
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p) && n.matches("\\d{6,}")) out.add(Long.parseLong(n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }
}
