package dev.river.mapreduce;

import java.io.Serializable;
import java.util.Comparator;

/** Key ordering for sorted runs: the job's comparator, or the keys' natural order with a clear error where there is none. */
final class KeyOrder {
    private KeyOrder() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Comparator<Object> of(Comparator<?> user) {
        if (user == null) return NATURAL;
        Comparator<Object> c = (Comparator<Object>) user;
        return (a, b) -> {
            try {
                return c.compare(a, b);
            } catch (RuntimeException e) {
                throw new UserCodeException("the key order", e);
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<Object> NATURAL = (a, b) -> {
        try {
            return ((Comparable) a).compareTo(b);
        } catch (ClassCastException e) {
            throw new UserCodeException("the key order", new IllegalArgumentException("keys must be sorted, but " + a.getClass().getName()
                    + (a.getClass() == b.getClass() ? " is not Comparable" : " and " + b.getClass().getName() + " cannot be compared")
                    + ": make the key type Comparable, or give the job a key order with"
                    + " .keyOrder((Comparator<K> & Serializable) (a, b) -> ...)", e));
        }
    };

    /** Whether a user comparator can travel to engines (it must be Serializable). */
    static boolean sendable(Comparator<?> c) {
        return c == null || c instanceof Serializable;
    }
}
