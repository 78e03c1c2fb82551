package dev.river.mapreduce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A map task's output buffer: collects emitted pairs in memory (folded per key with the combiner, if
 * the job has one), spills them as a sorted run per partition to local disk whenever the estimated
 * size passes the buffer limit, and at the end merges the spills into one output file with a sorted
 * segment per partition. Used by one task thread only.
 */
final class MapOutputBuffer implements Emitter<Object, Object> {
    private static final long ENTRY_OVERHEAD = 48;

    private final int partitions;
    private final Partitioner<Object> partitioner;
    private final Comparator<Object> order;
    private final Combiner<Object> combiner;
    private final Kryos kryos;
    private final Path dir;
    private final String name;
    private final long limit;

    // combine mode: key -> folded value; otherwise one list of pairs per partition
    private final HashMap<Object, Object> table;
    private final List<Pair>[] lists;
    private long estimate;
    private boolean trackGrowth;
    private boolean first = true;
    private final List<MapOutput> spills = new ArrayList<>();
    private long emitted;
    /** The combiner as HashMap.merge wants it: one instance for the task, not one per emit. */
    private final java.util.function.BiFunction<Object, Object, Object> folder = this::fold;

    private record Pair(Object key, Object value) {}

    @SuppressWarnings("unchecked")
    MapOutputBuffer(Spec spec, Kryos kryos, Path dir, String name, long limit) {
        this.partitions = spec.partitions();
        this.partitioner = spec.partitioner();
        this.order = KeyOrder.of(spec.keyOrder());
        this.combiner = spec.combiner();
        this.kryos = kryos;
        this.dir = dir;
        this.name = name;
        this.limit = limit;
        if (combiner != null) {
            table = new HashMap<>();
            lists = null;
        } else {
            table = null;
            lists = new List[partitions];
            for (int p = 0; p < partitions; p++) lists[p] = new ArrayList<>();
        }
    }

    @Override
    public void emit(Object key, Object value) {
        if (key == null) throw new NullPointerException("emit: the key is null; keys must be non-null values");
        if (value == null) throw new NullPointerException("emit: the value for key " + RecordWriter.describe(key)
                + " is null; emit a non-null value (e.g. Boolean.TRUE or \"\")");
        emitted++;
        if (table != null) {
            if (first) {
                first = false;
                trackGrowth = !(value instanceof Number || value instanceof Boolean || value instanceof Character);
            }
            int before = table.size();
            table.merge(key, value, folder);
            if (table.size() != before) estimate += Sizes.of(key) + Sizes.of(value) + ENTRY_OVERHEAD;
        } else {
            lists[partition(key)].add(new Pair(key, value));
            estimate += Sizes.of(key) + Sizes.of(value) + ENTRY_OVERHEAD;
        }
        if (estimate >= limit) spill();
    }

    private Object fold(Object a, Object b) {
        Object c = Merger.combine(combiner, a, b);
        if (trackGrowth) estimate += Sizes.of(c) - Sizes.of(a);
        return c;
    }

    private int partition(Object key) {
        int p;
        if (partitioner == null) {
            p = Math.floorMod(StableHash.of(key), partitions);
        } else {
            try {
                p = partitioner.partition(key, partitions);
            } catch (RuntimeException e) {
                throw new UserCodeException("partition", e);
            }
            if (p < 0 || p >= partitions) {
                throw new UserCodeException("partition", new IllegalArgumentException("the partitioner returned " + p
                        + " for key " + RecordWriter.describe(key) + "; it must lie in [0, " + partitions + ")"));
            }
        }
        return p;
    }

    /** Pairs emitted so far. */
    long emitted() {
        return emitted;
    }

    private boolean isEmpty() {
        if (table != null) return table.isEmpty();
        for (List<Pair> l : lists) if (!l.isEmpty()) return false;
        return true;
    }

    /** Writes the buffer as one sorted file (a segment per partition) and empties it. */
    private void spill() {
        spills.add(write(dir.resolve(name + ".spill" + spills.size())));
        estimate = 0;
    }

    @SuppressWarnings("unchecked")
    private MapOutput write(Path file) {
        List<Pair>[] byPartition = lists;
        if (table != null) {
            byPartition = new List[partitions];
            for (int p = 0; p < partitions; p++) byPartition[p] = new ArrayList<>();
            for (Map.Entry<Object, Object> e : table.entrySet()) byPartition[partition(e.getKey())].add(new Pair(e.getKey(), e.getValue()));
            table.clear();
        }
        long[] offsets = new long[partitions], lengths = new long[partitions], records = new long[partitions];
        try (RecordWriter w = RecordWriter.toFile(kryos, file)) {
            for (int p = 0; p < partitions; p++) {
                List<Pair> l = byPartition[p];
                l.sort((a, b) -> order.compare(a.key, b.key));
                w.beginSegment();
                for (Pair pair : l) w.write(pair.key, pair.value);
                offsets[p] = w.segmentStart();
                lengths[p] = w.segmentLength();
                records[p] = l.size();
                l.clear();
            }
        }
        return new MapOutput(file, offsets, lengths, records);
    }

    /** Spills what is left and merges every spill into the task's output file. */
    MapOutput finish() {
        Path out = dir.resolve(name + ".out");
        if (spills.isEmpty()) return write(out);
        if (!isEmpty()) spill();
        if (spills.size() == 1) {
            MapOutput only = spills.get(0);
            move(only.file(), out);
            return new MapOutput(out, only.offsets(), only.lengths(), only.records());
        }
        long[] offsets = new long[partitions], lengths = new long[partitions], records = new long[partitions];
        List<Path> temporary = new ArrayList<>();
        int[] seq = {0};
        try (RecordWriter w = RecordWriter.toFile(kryos, out)) {
            for (int p = 0; p < partitions; p++) {
                List<Run> runs = new ArrayList<>();
                for (MapOutput s : spills) if (s.lengths()[p] > 0) runs.add(s.run(p));
                runs = Merger.toFactor(runs, kryos, order, combiner, () -> dir.resolve(name + ".merge" + seq[0]++), temporary);
                w.beginSegment();
                if (!runs.isEmpty()) {
                    try (Cursor c = Merger.cursor(runs, kryos, order, combiner)) {
                        records[p] = Merger.copy(c, w);
                    }
                }
                offsets[p] = w.segmentStart();
                lengths[p] = w.segmentLength();
                for (Path t : temporary) delete(t);
                temporary.clear();
            }
        } finally {
            for (MapOutput s : spills) delete(s.file());
            for (Path t : temporary) delete(t);
        }
        return new MapOutput(out, offsets, lengths, records);
    }

    /** Deletes every file this buffer wrote (a failed or cancelled task). */
    void discard() {
        for (MapOutput s : spills) delete(s.file());
        delete(dir.resolve(name + ".out"));
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            System.getLogger(MapOutputBuffer.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + p + ": " + e.getMessage());
        }
    }
}
