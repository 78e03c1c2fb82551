package dev.river.mapreduce;

import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The values of one key, streamed from a merged cursor positioned on the key's first record: the
 * {@code Iterable} a reduce function receives. It can be iterated once.
 */
final class Group implements Iterable<Object>, Iterator<Object> {
    private final Cursor cursor;
    private final Comparator<Object> order;
    private final Object key;
    private boolean pending = true;     // the cursor's record belongs to this key and was not handed out yet
    private boolean valid = true;       // the cursor is on a record
    private boolean iterated;

    Group(Cursor cursor, Comparator<Object> order) {
        this.cursor = cursor;
        this.order = order;
        this.key = cursor.key();
    }

    Object key() {
        return key;
    }

    @Override
    public Iterator<Object> iterator() {
        if (iterated) {
            throw new IllegalStateException("the values of key " + RecordWriter.describe(key) + " can be iterated once (they are"
                    + " streamed from sorted runs); copy them into a list to go over them again");
        }
        iterated = true;
        return this;
    }

    @Override
    public boolean hasNext() {
        return pending;
    }

    @Override
    public Object next() {
        if (!pending) throw new NoSuchElementException("no more values for key " + RecordWriter.describe(key));
        Object v = cursor.value();
        valid = cursor.next();
        pending = valid && order.compare(key, cursor.key()) == 0;
        return v;
    }

    /** Skips the values the reduce function did not read; returns whether the cursor is on a next key. */
    boolean skipRest() {
        while (pending) next();
        return valid;
    }
}
