package dev.river.core;

import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A Super Flexible Messaging message: a set of named attributes plus its sender and receiver.
 *
 * <pre>{@code
 * Message m = recv("tag", "inputlist");
 * List<Integer> items = m.get("items");
 * System.out.println(m.src() + " sent " + items.size() + " items");
 * }</pre>
 */
public final class Message {
    private final VrId src;
    private final VrId dest;
    private final Map<String, Object> attributes;

    Message(VrId src, VrId dest, Map<String, Object> attributes) {
        this.src = src;
        this.dest = dest;
        this.attributes = attributes instanceof dev.river.sfm.AttributeMap ? attributes : Collections.unmodifiableMap(attributes);
    }

    /** The sending VR. */
    public VrId src() {
        return src;
    }

    /** The receiving VR. */
    public VrId dest() {
        return dest;
    }

    /** All attributes, in the order they were sent (without the pseudo-attributes src and dest). */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Whether the message carries the attribute. */
    public boolean has(String name) {
        return attributes.containsKey(name);
    }

    /** The attribute's value, cast to what the caller expects; null when absent. */
    @SuppressWarnings("unchecked")
    public <T> T get(String name) {
        if ("src".equals(name) && !attributes.containsKey(name)) return (T) src;
        if ("dest".equals(name) && !attributes.containsKey(name)) return (T) dest;
        return (T) attributes.get(name);
    }

    /** The attribute as {@code type}; fails with a clear message when absent or of another type. */
    public <T> T get(String name, Class<T> type) {
        Object v = require(name);
        if (!type.isInstance(v)) {
            throw new ClassCastException("attribute '" + name + "' is a " + v.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(v);
    }

    public String getString(String name) {
        return get(name, String.class);
    }

    public int getInt(String name) {
        return get(name, Number.class).intValue();
    }

    public long getLong(String name) {
        return get(name, Number.class).longValue();
    }

    public double getDouble(String name) {
        return get(name, Number.class).doubleValue();
    }

    public boolean getBoolean(String name) {
        return get(name, Boolean.class);
    }

    private Object require(String name) {
        Object v = get(name);
        if (v == null) {
            throw new NoSuchElementException("message from " + src + " has no attribute '" + name
                    + "'; it has " + attributes.keySet());
        }
        return v;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Message{src=").append(src);
        attributes.forEach((k, v) -> sb.append(", ").append(k).append('=').append(Pattern.describe(v)));
        return sb.append('}').toString();
    }
}
