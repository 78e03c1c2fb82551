package dev.river.mapreduce;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/** Cuts a job's input into splits, on the driver: files by size on line boundaries, collections by count. */
final class Splitter {
    private Splitter() {}

    static final long MIN_AUTO_SPLIT = 1 << 20;
    static final long MAX_AUTO_SPLIT = 128L << 20;

    /** The input files: paths as given (Path, File or String), directories replaced by their visible files. */
    static List<String> files(Collection<?> paths) {
        if (paths.isEmpty()) throw new IllegalArgumentException("fromFiles: no input files given");
        List<String> out = new ArrayList<>();
        for (Object p : paths) {
            Path path;
            if (p instanceof Path x) path = x;
            else if (p instanceof File f) path = f.toPath();
            else if (p instanceof String s) path = Path.of(s);
            else throw new IllegalArgumentException("fromFiles: " + p + " (a " + (p == null ? "null" : p.getClass().getName())
                    + ") is not a path; give Path, File or String");
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.list(path)) {
                    s.filter(f -> Files.isRegularFile(f) && !hidden(f)).sorted().forEach(f -> out.add(f.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException("fromFiles: cannot list directory " + path + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(path)) {
                out.add(path.toString());
            } else {
                throw new IllegalArgumentException("fromFiles: no such file or directory: " + path.toAbsolutePath());
            }
        }
        return out;
    }

    private static boolean hidden(Path f) {
        String n = f.getFileName().toString();
        return n.startsWith(".") || n.startsWith("_");
    }

    /**
     * Splits of about {@code target} bytes (the last of a file may be smaller, or up to an eighth
     * larger rather than leave a sliver), each starting at a line's first byte; empty files give none.
     */
    static List<Split> fileSplits(List<String> files, long target) {
        return cut(files, size -> target);
    }

    /** About {@code count} splits in all: each file gets a share in proportion to its size (at least one). */
    static List<Split> fileSplitsByCount(List<String> files, int count) {
        long total = totalSize(files);
        return cut(files, size -> {
            long share = Math.max(1, Math.round((double) count * size / Math.max(1, total)));
            return Math.max(1, (size + share - 1) / share);
        });
    }

    private static List<Split> cut(List<String> files, java.util.function.LongUnaryOperator targetForSize) {
        List<Split> out = new ArrayList<>();
        for (String file : files) {
            Path path = Path.of(file);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                long target = Math.max(1, targetForSize.applyAsLong(size));
                long start = 0;
                while (start < size) {
                    long end = size - (start + target) <= target / 8 ? size : lineStartAtOrAfter(ch, start + target, size);
                    out.add(new Split.FileRange(out.size(), file, start, end - start));
                    start = end;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read input file " + path.toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The first line start at or after {@code pos} (the byte after a '\n' at pos-1 or later), or {@code size}. */
    private static long lineStartAtOrAfter(FileChannel ch, long pos, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long p = pos - 1;
        while (p < size) {
            b.clear();
            int n = ch.read(b, p);
            if (n <= 0) return size;
            for (int i = 0; i < n; i++) if (b.get(i) == '\n') return p + i + 1;
            p += n;
        }
        return size;
    }

    /** Total bytes of the files. */
    static long totalSize(List<String> files) {
        long total = 0;
        for (String f : files) {
            try {
                total += Files.size(Path.of(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read input file " + f + ": " + e.getMessage(), e);
            }
        }
        return total;
    }

    /** The automatic split size: about four splits per core, within [1 MiB, 128 MiB]. */
    static long autoSplitSize(long totalBytes, int cores) {
        long s = totalBytes / (4L * Math.max(1, cores));
        return Math.max(MIN_AUTO_SPLIT, Math.min(MAX_AUTO_SPLIT, s));
    }

    /** {@code items} in {@code count} slices of nearly equal size (fewer if there are fewer items). */
    static List<Split> itemSplits(List<?> items, int count) {
        List<Split> out = new ArrayList<>();
        int n = items.size();
        int k = Math.max(1, Math.min(count, n));
        if (n == 0) return out;
        for (int i = 0; i < k; i++) {
            int from = (int) ((long) n * i / k);
            int to = (int) ((long) n * (i + 1) / k);
            out.add(new Split.Items(i, from, new ArrayList<>(items.subList(from, to))));
        }
        return out;
    }
}
