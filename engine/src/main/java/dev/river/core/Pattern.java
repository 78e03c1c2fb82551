package dev.river.core;

import java.lang.reflect.Array;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** A compiled {@code recv} pattern: name/value pairs where a value is a constant, {@link Match#ANY} or a predicate. */
final class Pattern {
    static final Pattern ANYTHING = new Pattern(Map.of());

    private final Map<String, Object> terms;

    private Pattern(Map<String, Object> terms) {
        this.terms = terms;
    }

    static Pattern of(Object... pairs) {
        if (pairs.length == 0) return ANYTHING;
        return new Pattern(Pairs.toMap(pairs, "recv pattern"));
    }

    boolean matches(Message m) {
        for (Map.Entry<String, Object> t : terms.entrySet()) {
            String name = t.getKey();
            boolean present = m.has(name) || "src".equals(name) || "dest".equals(name);
            if (!present) return false;
            Object actual = m.get(name);
            Object want = t.getValue();
            if (want == Match.ANY) continue;
            if (want instanceof Predicate<?> p) {
                if (!test(p, actual)) return false;
            } else if (!equal(want, actual)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean test(Predicate p, Object actual) {
        try {
            return p.test(actual);
        } catch (ClassCastException | NullPointerException e) {
            return false; // a predicate written for another type simply does not match
        }
    }

    private static boolean equal(Object want, Object actual) {
        if (want instanceof Number a && actual instanceof Number b && a.getClass() != b.getClass()) {
            return integral(a) && integral(b) ? a.longValue() == b.longValue() : a.doubleValue() == b.doubleValue();
        }
        return Objects.deepEquals(want, actual);
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
    }

    @Override public String toString() {
        if (terms.isEmpty()) return "{any message}";
        Map<String, String> shown = new LinkedHashMap<>();
        terms.forEach((k, v) -> shown.put(k, v instanceof Predicate ? "<predicate>" : describe(v)));
        return shown.toString();
    }

    static String describe(Object v) {
        if (v != null && v.getClass().isArray()) {
            return v.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(v) + "]";
        }
        String s = String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
