package dev.river.mapreduce;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cheap estimates of the heap an emitted key or value occupies, so that map and reduce buffers spill
 * at about their configured size. Exact for strings, boxes and primitive arrays; collections count
 * their first element times their size; other objects count their fields once per class (shallow),
 * plus a share for what they reference. Estimates, not measurements: the buffers are soft limits.
 */
final class Sizes {
    private Sizes() {}

    /** Per-class shallow estimate of objects we know nothing else about. */
    private static final Map<Class<?>, Long> SHALLOW = new ConcurrentHashMap<>();

    static long of(Object o) {
        if (o == null) return 0;
        if (o instanceof String s) return 48 + s.length();
        if (o instanceof Long || o instanceof Double || o instanceof Integer || o instanceof Float
                || o instanceof Short || o instanceof Byte || o instanceof Character || o instanceof Boolean) return 16;
        Class<?> c = o.getClass();
        if (c.isArray()) {
            int n = Array.getLength(o);
            Class<?> e = c.getComponentType();
            if (e.isPrimitive()) return 16 + (long) n * primitiveSize(e);
            return 16 + 8L * n + (n == 0 ? 0 : n * of(Array.get(o, 0)));
        }
        if (o instanceof Collection<?> col) {
            int n = col.size();
            return 48 + (n == 0 ? 0 : n * (32 + of(col.iterator().next())));
        }
        if (o instanceof Map<?, ?> m) {
            int n = m.size();
            if (n == 0) return 48;
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            return 48 + n * (48 + of(e.getKey()) + of(e.getValue()));
        }
        if (o instanceof Enum<?>) return 0;         // shared constants
        return SHALLOW.computeIfAbsent(c, Sizes::shallow);
    }

    private static long shallow(Class<?> c) {
        long size = 16;
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                size += f.getType().isPrimitive() ? primitiveSize(f.getType()) : 8 + 48;   // a reference and a small object
            }
        }
        return size;
    }

    private static int primitiveSize(Class<?> t) {
        if (t == long.class || t == double.class) return 8;
        if (t == int.class || t == float.class) return 4;
        if (t == short.class || t == char.class) return 2;
        return 1;
    }
}
