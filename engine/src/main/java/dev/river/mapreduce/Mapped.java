package dev.river.mapreduce;

import java.util.Objects;

/**
 * A job with its map function: add an optional combiner and partitioner, then the reduce function.
 *
 * <pre>{@code
 * Job<String, Long> job = MapReduce.fromFiles(paths)
 *     .map((String line, Emitter<String, Long> out) -> out.emit(line.isEmpty() ? "empty" : "text", 1L))
 *     .combine(Long::sum)
 *     .reduce((String kind, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; });
 * }</pre>
 *
 * @param <I> the input record
 * @param <K> the keys the map function emits
 * @param <V> the values it emits
 */
public final class Mapped<I, K, V> {
    private final Plan plan;

    Mapped(Plan plan) {
        this.plan = plan;
    }

    /**
     * Folds the values of one key on the mapper's side before the shuffle (see {@link Combiner}):
     * optional, and the answer must not depend on it.
     */
    public Mapped<I, K, V> combine(Combiner<V> combiner) {
        Plan p = plan.copy();
        p.combiner = Objects.requireNonNull(combiner, "combine: the function is null");
        return new Mapped<>(p);
    }

    /** Chooses each key's reduce partition (default: a hash of the key's value). */
    public Mapped<I, K, V> partitioner(Partitioner<? super K> partitioner) {
        Plan p = plan.copy();
        p.partitioner = Objects.requireNonNull(partitioner, "partitioner: the function is null");
        return new Mapped<>(p);
    }

    /** The reduce function: called once per distinct key with all its values; gives the key's result. */
    public <R> Job<K, R> reduce(Reducer<K, V, R> reducer) {
        Plan p = plan.copy();
        p.reducer = Objects.requireNonNull(reducer, "reduce: the function is null");
        return new Job<>(p);
    }
}
