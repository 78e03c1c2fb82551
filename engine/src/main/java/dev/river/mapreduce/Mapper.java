package dev.river.mapreduce;

import java.io.Serializable;

/**
 * The map function of a job: called once per input record (a line of a file, or an element of a
 * collection) on an engine, it emits any number of key/value pairs. Serializable, so a lambda or a
 * method reference travels to the engines with what it captures; its classes arrive by code shipping.
 *
 * <pre>{@code
 * Mapper<String, String, Long> words = (line, out) -> {
 *     for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L);
 * };
 * }</pre>
 *
 * <p>It may throw: the job then fails with a {@link MapReduceException} naming the split and the record.
 *
 * @param <I> the input record
 * @param <K> the keys it emits
 * @param <V> the values it emits
 */
@FunctionalInterface
public interface Mapper<I, K, V> extends Serializable {
    void map(I input, Emitter<K, V> out) throws Exception;
}
