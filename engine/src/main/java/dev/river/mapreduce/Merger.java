package dev.river.mapreduce;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * Merging sorted runs: a k-way merge cursor, a combining view that folds equal keys with the
 * combiner, and multi-pass merging that keeps the number of runs open at once under a factor.
 */
final class Merger {
    private Merger() {}

    /** At most this many runs are read at once; more are first merged into larger runs. */
    static final int FACTOR = 32;

    /** A cursor over the records of {@code runs} in key order (equal keys adjacent). */
    static Cursor merge(List<Run> runs, Kryos kryos, Comparator<Object> order) {
        List<RecordReader> readers = new ArrayList<>(runs.size());
        try {
            for (Run r : runs) readers.add(r.open(kryos));
        } catch (RuntimeException e) {
            readers.forEach(RecordReader::close);
            throw e;
        }
        if (readers.size() == 1) return single(readers.get(0));
        return new MergeCursor(readers, order);
    }

    private static Cursor single(RecordReader r) {
        return new Cursor() {
            @Override public boolean next() { return r.next(); }
            @Override public Object key() { return r.key(); }
            @Override public Object value() { return r.value(); }
            @Override public void close() { r.close(); }
        };
    }

    /** Folds each run of equal keys in {@code in} into one record with {@code combiner}. */
    static Cursor combining(Cursor in, Comparator<Object> order, Combiner<Object> combiner) {
        return new Cursor() {
            private boolean pending = in.next();
            private Object key;
            private Object value;

            @Override public boolean next() {
                if (!pending) return false;
                key = in.key();
                value = in.value();
                while ((pending = in.next()) && order.compare(key, in.key()) == 0) {
                    value = combine(combiner, value, in.value());
                }
                return true;
            }

            @Override public Object key() { return key; }
            @Override public Object value() { return value; }
            @Override public void close() { in.close(); }
        };
    }

    static Object combine(Combiner<Object> combiner, Object a, Object b) {
        try {
            Object c = combiner.combine(a, b);
            if (c == null) throw new NullPointerException("the combiner returned null");
            return c;
        } catch (Exception e) {
            throw new UserCodeException("combine", e);
        }
    }

    /** Writes every record of {@code in} into {@code out}'s current segment; returns the count. */
    static long copy(Cursor in, RecordWriter out) {
        long n = 0;
        while (in.next()) {
            out.write(in.key(), in.value());
            n++;
        }
        return n;
    }

    /**
     * Merges the smallest runs together until at most {@link #FACTOR} remain; each merged run is a new
     * file from {@code newFile}. Returns the runs to read, in place of {@code runs}; the caller owns
     * (and deletes) every file, old and new.
     */
    static List<Run> toFactor(List<Run> runs, Kryos kryos, Comparator<Object> order, Combiner<Object> combiner,
                              Supplier<Path> newFile, List<Path> created) {
        List<Run> left = new ArrayList<>(runs);
        while (left.size() > FACTOR) {
            left.sort(Comparator.comparingLong(r -> r.length));
            // merge just enough that the next pass could finish: the classic first-pass size
            int take = Math.min(FACTOR, left.size() - FACTOR + 1);
            List<Run> group = new ArrayList<>(left.subList(0, take));
            left.subList(0, take).clear();
            Path f = newFile.get();
            created.add(f);
            try (Cursor c = cursor(group, kryos, order, combiner); RecordWriter w = RecordWriter.toFile(kryos, f)) {
                w.beginSegment();
                copy(c, w);
                w.close();
                left.add(Run.inFile(f, 0, w.position()));
            }
        }
        return left;
    }

    /** A merged cursor over {@code runs}, combining equal keys when there is a combiner. */
    static Cursor cursor(List<Run> runs, Kryos kryos, Comparator<Object> order, Combiner<Object> combiner) {
        Cursor c = merge(runs, kryos, order);
        return combiner == null ? c : combining(c, order, combiner);
    }

    private static final class MergeCursor implements Cursor {
        private final List<RecordReader> readers;
        private final PriorityQueue<Head> heap;
        private Head current;
        private Object key;
        private Object value;

        /** A reader and its index (ties go to the earlier run, so merging is stable). */
        private record Head(RecordReader reader, int index) {}

        MergeCursor(List<RecordReader> readers, Comparator<Object> order) {
            this.readers = readers;
            this.heap = new PriorityQueue<>(Math.max(1, readers.size()), (a, b) -> {
                int c = order.compare(a.reader.key(), b.reader.key());
                return c != 0 ? c : Integer.compare(a.index, b.index);
            });
            for (int i = 0; i < readers.size(); i++) {
                if (readers.get(i).next()) heap.add(new Head(readers.get(i), i));
            }
        }

        @Override public boolean next() {
            if (current != null && current.reader.next()) heap.add(current);
            current = heap.poll();
            if (current == null) return false;
            key = current.reader.key();
            value = current.reader.value();
            return true;
        }

        @Override public Object key() { return key; }
        @Override public Object value() { return value; }

        @Override public void close() {
            for (RecordReader r : readers) r.close();
        }
    }
}
