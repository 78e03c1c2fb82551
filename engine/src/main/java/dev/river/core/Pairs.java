package dev.river.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** Name/value varargs ({@code "tag", "x", "items", list}) to an ordered map, with clear errors. */
final class Pairs {
    private Pairs() {}

    static Map<String, Object> toMap(Object[] pairs, String what) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException(what + " needs name/value pairs, but got " + pairs.length
                    + " arguments; the last name has no value");
        }
        Map<String, Object> map = new LinkedHashMap<>(pairs.length);
        for (int i = 0; i < pairs.length; i += 2) {
            if (!(pairs[i] instanceof String name)) {
                throw new IllegalArgumentException(what + ": argument " + i + " must be an attribute name (a String), not "
                        + (pairs[i] == null ? "null" : pairs[i].getClass().getSimpleName() + " " + pairs[i]));
            }
            if (map.containsKey(name)) {
                throw new IllegalArgumentException(what + ": attribute '" + name + "' is given twice");
            }
            map.put(name, pairs[i + 1]);
        }
        return map;
    }
}
