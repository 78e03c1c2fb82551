package dev.river.mapreduce;

import java.io.Serializable;

/**
 * Chooses the reduce partition of a key: every pair with that key goes to the reducer of partition
 * {@code partition(key, partitions)}, which must lie in {@code [0, partitions)} and be the same on
 * every engine. The default hashes the key's value (strings, numbers, enums by name, records, lists
 * and other data), never its identity.
 *
 * <pre>{@code
 * .partitioner((String word, int n) -> word.isEmpty() ? 0 : Character.toLowerCase(word.charAt(0)) % n)
 * }</pre>
 */
@FunctionalInterface
public interface Partitioner<K> extends Serializable {
    int partition(K key, int partitions);
}
