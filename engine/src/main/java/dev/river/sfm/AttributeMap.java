package dev.river.sfm;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A message's attributes as an unmodifiable map in send order, backed by two arrays.
 *
 * <p>Internal. Messages carry a handful of attributes, so a linear scan with {@code equals} finds one
 * faster than hashing would (names decoded from the wire are fresh strings whose hash is not cached),
 * and building one costs two small arrays instead of a hash table and an entry per attribute.
 *
 * <pre>{@code
 * Map<String, Object> m = AttributeMap.of(new String[]{"tag", "n"}, new Object[]{"x", 1}, 2);
 * }</pre>
 */
public final class AttributeMap extends AbstractMap<String, Object> {
    private final String[] names;
    private final Object[] values;
    private final int size;

    private AttributeMap(String[] names, Object[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    /** The first {@code size} names and values; the arrays are taken over, not copied, and names must be distinct. */
    public static AttributeMap of(String[] names, Object[] values, int size) {
        return new AttributeMap(names, values, size);
    }

    /** The {@code i}-th name, in send order. */
    public String name(int i) {
        return names[i];
    }

    /** The {@code i}-th value, in send order. */
    public Object value(int i) {
        return values[i];
    }

    private int indexOf(Object name) {
        for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
        return -1;
    }

    @Override public int size() {
        return size;
    }

    @Override public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override public int size() {
                return size;
            }

            @Override public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override public boolean hasNext() {
                        return next < size;
                    }

                    @Override public Entry<String, Object> next() {
                        if (next >= size) throw new NoSuchElementException();
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }
        };
    }

    /** Copies any map in its iteration order (for callers that built a map themselves). */
    static AttributeMap copyOf(Map<String, Object> m) {
        if (m instanceof AttributeMap a) return a;
        String[] n = new String[m.size()];
        Object[] v = new Object[m.size()];
        int i = 0;
        for (Entry<String, Object> e : m.entrySet()) {
            n[i] = e.getKey();
            v[i++] = e.getValue();
        }
        return new AttributeMap(n, v, i);
    }
}
