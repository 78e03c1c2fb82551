package dev.river.mapreduce;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * MapReduce on River engines: the input of a job, and where a job definition starts.
 *
 * <pre>{@code
 * try (Trickle trickle = Trickle.connect()) {
 *     Map<String, Long> counts = MapReduce.fromFiles(paths)                 // or MapReduce.from(collection)
 *         .map((String line, Emitter<String, Long> out) -> {
 *             for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L);
 *         })
 *         .combine(Long::sum)                                                // optional, on the mappers
 *         .reduce((String word, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; })
 *         .partitions(4)
 *         .run(trickle);                                                     // or runToFiles(trickle, dir)
 * }
 * }</pre>
 *
 * <p>How it runs: the input is cut into splits (files by size on line boundaries, collections by
 * count). One mapper VR per engine runs map tasks, as many at once as the engine has cores, and
 * keeps each task's output on local disk, sorted by key, one segment per reduce partition; outputs
 * beyond the buffer spill to sorted runs and are merged. One reducer VR per partition fetches its
 * segments straight from the mappers over SFM, merges them (spilling to disk beyond its buffer) and
 * calls the reduce function per key in key order. The caller's driver only coordinates: it schedules
 * tasks, tells reducers where outputs are, re-runs the tasks of an engine that is lost and restarts
 * its reducers, and collects the results. See {@link Job} for the options and {@link Running} for
 * progress and cancelling.
 *
 * <p>Files are read by the engines themselves, so they must be visible at the same path on every
 * engine (local engines, or a shared file system). Collections travel in their splits.
 *
 * @param <I> the input record: a line ({@code String}), a {@link Line}, or a collection's element
 */
public final class MapReduce<I> {
    private final Plan plan;

    private MapReduce(Plan plan) {
        this.plan = plan;
    }

    /** The lines of text files (UTF-8; directories stand for the files in them, hidden ones excepted). */
    public static MapReduce<String> fromFiles(Collection<?> paths) {
        return files(paths, Spec.Input.LINES);
    }

    /** As {@link #fromFiles(Collection)}. */
    public static MapReduce<String> fromFiles(String... paths) {
        return fromFiles(Arrays.asList(paths));
    }

    /** As {@link #fromFiles(Collection)}. */
    public static MapReduce<String> fromFiles(Path... paths) {
        return fromFiles(Arrays.asList(paths));
    }

    /**
     * The lines of text files, each with its file and byte offset: for inverted indexes, and joins that
     * tell their inputs apart by file.
     */
    public static MapReduce<Line> fromFileLines(Collection<?> paths) {
        return files(paths, Spec.Input.FILE_LINES);
    }

    /** As {@link #fromFileLines(Collection)}. */
    public static MapReduce<Line> fromFileLines(String... paths) {
        return fromFileLines(Arrays.asList(paths));
    }

    private static <T> MapReduce<T> files(Collection<?> paths, Spec.Input kind) {
        Objects.requireNonNull(paths, "paths");
        Plan p = new Plan();
        p.input = kind;
        p.files = Splitter.files(paths);
        return new MapReduce<>(p);
    }

    /** The elements of a collection (copied now; they must be serializable, and travel to engines in their splits). */
    public static <T> MapReduce<T> from(Collection<? extends T> items) {
        Objects.requireNonNull(items, "items");
        Plan p = new Plan();
        p.input = Spec.Input.ITEMS;
        p.items = List.copyOf(new ArrayList<>(items));
        return new MapReduce<>(p);
    }

    /**
     * Cut the input into about {@code n} splits (map tasks). Default: about four per engine core, and
     * for files between 1 MiB and 128 MiB each.
     */
    public MapReduce<I> splits(int n) {
        if (n < 1) throw new IllegalArgumentException("splits: need at least 1, got " + n);
        Plan p = plan.copy();
        p.splits = n;
        p.splitSize = 0;
        return new MapReduce<>(p);
    }

    /** Cut input files into splits of about {@code bytes} each (on line boundaries). */
    public MapReduce<I> splitSize(long bytes) {
        if (plan.input == Spec.Input.ITEMS) throw new IllegalStateException("splitSize is for file inputs; use splits(n) for a collection");
        if (bytes < 1) throw new IllegalArgumentException("splitSize: need at least 1 byte, got " + bytes);
        Plan p = plan.copy();
        p.splitSize = bytes;
        p.splits = 0;
        return new MapReduce<>(p);
    }

    /** The map function: called once per input record on the engines, it emits key/value pairs. */
    public <K, V> Mapped<I, K, V> map(Mapper<I, K, V> mapper) {
        Plan p = plan.copy();
        p.mapper = Objects.requireNonNull(mapper, "map: the function is null");
        return new Mapped<>(p);
    }

    @Override public String toString() {
        return "MapReduce[" + (plan.files != null ? plan.files.size() + " file(s)" : plan.items.size() + " item(s)") + "]";
    }
}
