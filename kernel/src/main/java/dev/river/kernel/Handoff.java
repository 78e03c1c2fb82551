package dev.river.kernel;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kernel plumbing, public only because code compiled from cells calls it: hands an object from the
 * kernel (a magic's result) to a cell variable. Cells share this class with the kernel (it is on the
 * cells' parent class path), so the object passes by reference. Not for use in cells.
 */
public final class Handoff {
    private static final Map<String, Object> PENDING = new ConcurrentHashMap<>();

    private Handoff() {}

    /** Parks {@code value}; returns the key {@link #take} gives it back for. */
    static String put(Object value) {
        String key = UUID.randomUUID().toString();
        PENDING.put(key, value == null ? NULL : value);
        return key;
    }

    /** Takes the object parked under {@code key}; called by the snippet the kernel writes. */
    public static Object take(String key) {
        Object v = PENDING.remove(key);
        if (v == null) throw new IllegalStateException("nothing was handed over under " + key);
        return v == NULL ? null : v;
    }

    private static final Object NULL = new Object();
}
