package dev.river.mapreduce;

import dev.river.trickle.Trickle;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A complete MapReduce job: its options, and the ways to run it on a {@link Trickle} session's engines.
 *
 * <pre>{@code
 * Job<String, Long> wordCount = MapReduce.fromFiles("books/")
 *     .map((String line, Emitter<String, Long> out) -> { for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L); })
 *     .combine(Long::sum)
 *     .reduce((String w, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; })
 *     .partitions(4);
 *
 * Map<String, Long> counts = wordCount.run(trickle);                 // waits; keys in order
 * List<Path> parts = wordCount.runToFiles(trickle, Path.of("out"));  // out/part-00000 ... part-00003
 * Running<Map<String, Long>> r = wordCount.start(trickle);          // progress, cancel, result later
 * }</pre>
 *
 * <p>{@code run} blocks; interrupting the calling thread cancels the job on every engine. A failing
 * map, combine or reduce function raises a {@link MapReduceException} naming the split and line (or
 * the key) with the engine's stack trace. An engine lost mid-job has its map tasks re-run and its
 * reducers restarted elsewhere; the answer is the same.
 *
 * @param <K> the keys
 * @param <R> the reduce function's result per key
 */
public final class Job<K, R> {
    private final Plan plan;

    Job(Plan plan) {
        this.plan = plan;
    }

    private Job<K, R> with(Consumer<Plan> change) {
        Plan p = plan.copy();
        change.accept(p);
        return new Job<>(p);
    }

    /** The number of reduce partitions (reducers, and output files); default: one per engine core. */
    public Job<K, R> partitions(int n) {
        if (n < 1) throw new IllegalArgumentException("partitions: need at least 1, got " + n);
        return with(p -> p.partitions = n);
    }

    /**
     * The order of keys within a partition (and of the result map); default: their natural order. It
     * travels to the engines, so it must be serializable:
     * {@code .keyOrder((Comparator<String> & Serializable) (a, b) -> b.compareTo(a))}.
     */
    public Job<K, R> keyOrder(Comparator<? super K> order) {
        Objects.requireNonNull(order, "keyOrder: the comparator is null");
        if (!KeyOrder.sendable(order)) {
            throw new IllegalArgumentException("keyOrder: the comparator must be Serializable to travel to the engines;"
                    + " write it as (Comparator<K> & Serializable) (a, b) -> ...");
        }
        return with(p -> p.keyOrder = order);
    }

    /**
     * Memory for map outputs per map task and for fetched segments per reducer, in bytes (estimated);
     * beyond it they spill to sorted runs on the engine's local disk. Default: a share of each engine's
     * heap (a quarter, split between its tasks), at most 128 MiB per map task and 256 MiB per reducer.
     */
    public Job<K, R> buffer(long bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("buffer: need at least 1024 bytes, got " + bytes);
        return with(p -> {
            p.mapBuffer = bytes;
            p.reduceBuffer = bytes;
        });
    }

    /** Listens to progress while the job runs (also for {@link #run}); see {@link Running#onProgress}. */
    public Job<K, R> onProgress(Consumer<Progress> listener) {
        Objects.requireNonNull(listener, "onProgress: the listener is null");
        return with(p -> p.listeners.add(listener));
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the job on the session's engines and returns every key's result, iterating in key order.
     * Keys whose reduce function returned null are left out.
     *
     * @throws MapReduceException if a map, combine or reduce function threw
     * @throws dev.river.core.RiverException if it could not complete (every engine lost), or on interrupt
     */
    public Map<K, R> run(Trickle trickle) {
        return start(trickle).result();
    }

    /**
     * Runs the job and writes each partition's results as lines {@code key<TAB>result} to
     * {@code dir/part-NNNNN} (written by the reducers, so {@code dir} must be writable at the same path
     * on every engine); returns the files, one per partition. Part files already in {@code dir} are
     * replaced.
     */
    public List<Path> runToFiles(Trickle trickle, Path dir) {
        return startToFiles(trickle, dir).result();
    }

    /** Starts {@link #run}, returning at once. */
    @SuppressWarnings("unchecked")
    public Running<Map<K, R>> start(Trickle trickle) {
        return (Running<Map<K, R>>) (Running<?>) Coordinator.start(plan, engines(trickle), null);
    }

    /** Starts {@link #runToFiles}, returning at once. */
    @SuppressWarnings("unchecked")
    public Running<List<Path>> startToFiles(Trickle trickle, Path dir) {
        Objects.requireNonNull(dir, "runToFiles: the directory is null");
        return (Running<List<Path>>) (Running<?>) Coordinator.start(plan, engines(trickle), dir);
    }

    private static List<dev.river.core.VmInfo> engines(Trickle trickle) {
        Objects.requireNonNull(trickle, "the Trickle session is null: connect one with Trickle.connect()");
        List<dev.river.core.VmInfo> out = new java.util.ArrayList<>();
        for (dev.river.trickle.Vm vm : trickle.vms()) out.add(vm.info());
        if (out.isEmpty()) throw new IllegalStateException("the Trickle session has no live engine to run the job on");
        return out;
    }
}
