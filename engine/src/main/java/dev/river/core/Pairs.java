package dev.river.core;

import dev.river.sfm.AttributeMap;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Name/value varargs ({@code "tag", "x", "items", list}) to an ordered map, with clear errors. */
final class Pairs {
    private Pairs() {}

    static Map<String, Object> toMap(Object[] pairs, String what) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException(what + " needs name/value pairs, but got " + pairs.length
                    + " arguments; the last name has no value");
        }
        int n = pairs.length / 2;
        String[] names = new String[n];
        Object[] values = new Object[n];
        Set<String> seen = n > 16 ? new HashSet<>() : null;   // a few names: comparing each pair is cheaper than hashing
        for (int i = 0; i < n; i++) {
            if (!(pairs[2 * i] instanceof String name)) {
                throw new IllegalArgumentException(what + ": argument " + 2 * i + " must be an attribute name (a String), not "
                        + (pairs[2 * i] == null ? "null" : pairs[2 * i].getClass().getSimpleName() + " " + pairs[2 * i]));
            }
            boolean twice = seen != null ? !seen.add(name) : contains(names, i, name);
            if (twice) throw new IllegalArgumentException(what + ": attribute '" + name + "' is given twice");
            names[i] = name;
            values[i] = pairs[2 * i + 1];
        }
        return AttributeMap.of(names, values, n);
    }

    private static boolean contains(String[] names, int n, String name) {
        for (int i = 0; i < n; i++) if (names[i].equals(name)) return true;
        return false;
    }
}
