package dev.river.mapreduce;

/**
 * Where a {@link Mapper} puts its output: every emitted pair goes to the reduce partition of its key.
 *
 * <pre>{@code
 * .map((String line, Emitter<String, Long> out) -> out.emit(line.length() > 80 ? "long" : "short", 1L))
 * }</pre>
 *
 * <p>Neither key nor value may be null. Both must be serializable data (no cycles): they are written
 * to local disk and sent to reducers.
 */
public interface Emitter<K, V> {
    void emit(K key, V value);
}
