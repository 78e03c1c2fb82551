package dev.river.mapreduce;

import dev.river.sfm.Codec;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default partitioner's hash: a function of a key's value that is the same in every JVM. Plain
 * {@code hashCode} is not always (an enum's is its identity, and so is that of a record holding
 * one); this one hashes enums by name, records and collections by their parts, and any other class
 * without a {@code hashCode} of its own by its serialized bytes.
 */
final class StableHash {
    private StableHash() {}

    private static final Map<Class<?>, Method[]> RECORD_PARTS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Boolean> OWN_HASH = new ConcurrentHashMap<>();

    static int of(Object o) {
        if (o == null) return 0;
        if (o instanceof String || o instanceof Number || o instanceof Character || o instanceof Boolean) return o.hashCode();
        if (o instanceof Enum<?> e) return e.getDeclaringClass().getName().hashCode() * 31 + e.name().hashCode();
        Class<?> c = o.getClass();
        if (c.isRecord()) {
            int h = c.getName().hashCode();
            for (Method m : RECORD_PARTS.computeIfAbsent(c, StableHash::accessors)) {
                try {
                    h = h * 31 + of(m.invoke(o));
                } catch (IllegalAccessException | InvocationTargetException ex) {
                    throw new IllegalStateException("cannot read component " + m.getName() + " of key " + c.getName(), ex);
                }
            }
            return h;
        }
        if (o instanceof List<?> l) {
            int h = 1;
            for (Object x : l) h = h * 31 + of(x);
            return h;
        }
        if (o instanceof Set<?> s) {
            int h = 0;
            for (Object x : s) h += of(x);
            return h;
        }
        if (o instanceof Map<?, ?> m) {
            int h = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) h += of(e.getKey()) ^ of(e.getValue());
            return h;
        }
        if (c.isArray()) {
            int h = 1;
            for (int i = 0, n = Array.getLength(o); i < n; i++) h = h * 31 + of(Array.get(o, i));
            return h;
        }
        if (OWN_HASH.computeIfAbsent(c, StableHash::declaresHashCode)) return o.hashCode();
        return Arrays.hashCode(Codec.encode(o, c.getClassLoader() != null ? c.getClassLoader() : StableHash.class.getClassLoader()));
    }

    private static Method[] accessors(Class<?> c) {
        RecordComponent[] parts = c.getRecordComponents();
        Method[] out = new Method[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].getAccessor();
            out[i].setAccessible(true);
        }
        return out;
    }

    private static boolean declaresHashCode(Class<?> c) {
        try {
            return c.getMethod("hashCode").getDeclaringClass() != Object.class && !Collection.class.isAssignableFrom(c);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
