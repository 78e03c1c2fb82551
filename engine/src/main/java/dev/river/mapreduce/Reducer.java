package dev.river.mapreduce;

import java.io.Serializable;

/**
 * The reduce function of a job: called once per distinct key, in key order within each partition,
 * with every value emitted for that key (streamed from sorted runs, so a key may have more values
 * than fit in memory: they can be iterated once). Returning null leaves the key out of the result.
 *
 * <pre>{@code
 * Reducer<String, Long, Long> sum = (word, ones) -> { long n = 0; for (long c : ones) n += c; return n; };
 * }</pre>
 *
 * <p>It may throw: the job then fails with a {@link MapReduceException} naming the key.
 *
 * @param <K> the key
 * @param <V> the values emitted by the map function (or combined)
 * @param <R> the result for the key
 */
@FunctionalInterface
public interface Reducer<K, V, R> extends Serializable {
    R reduce(K key, Iterable<V> values) throws Exception;
}
