package dev.river.mapreduce;

import java.io.Serializable;

/**
 * Merges two values of one key into one, on the mapper's side, before the shuffle (and again when
 * sorted runs are merged), so that less data travels. It must be associative and commutative, and
 * the reduce function must give the same answer on combined values as on the originals: a sum, a
 * maximum, a set union.
 *
 * <pre>{@code
 * .combine(Long::sum)
 * .combine((Set<String> a, Set<String> b) -> { a.addAll(b); return a; })
 * }</pre>
 */
@FunctionalInterface
public interface Combiner<V> extends Serializable {
    V combine(V a, V b) throws Exception;
}
