package dev.river.magics;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.BaseStream;

/** The items of a magic's ITEMS argument as a list: a List, Collection, array, Stream, Iterable or Map (its entries). */
final class Items {
    private Items() {}

    static List<Object> toList(Object items, String expression) {
        List<Object> out = new ArrayList<>();
        if (items instanceof Collection<?> c) {
            out.addAll(c);
        } else if (items instanceof Map<?, ?> m) {
            out.addAll(m.entrySet());
        } else if (items != null && items.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(items); i < n; i++) out.add(Array.get(items, i));
        } else if (items instanceof BaseStream<?, ?> s) {
            s.iterator().forEachRemaining(out::add);
        } else if (items instanceof Iterable<?> it) {
            it.forEach(out::add);
        } else {
            throw new MagicException("ITEMS '" + expression + "' is " + (items == null ? "null" : "a " + items.getClass().getName())
                    + "; it must be a List, Collection, array, Stream or Iterable");
        }
        return out;
    }

    /** The canonical name of the class all items share (null for none, mixed classes, or classes cells cannot name). */
    static String commonType(List<Object> items) {
        Class<?> c = null;
        for (Object o : items) {
            if (o == null) continue;
            if (c == null) c = o.getClass();
            else if (c != o.getClass()) return null;
        }
        if (c == null || c.getCanonicalName() == null || !java.lang.reflect.Modifier.isPublic(c.getModifiers())) return null;
        return c.getCanonicalName();
    }
}
