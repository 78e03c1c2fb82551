package dev.river.mapreduce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The map output buffer, spills, multi-pass merging and the reducer's store, without engines. */
class SortedRunsTest {
    @TempDir
    Path dir;

    final Kryos kryos = new Kryos(getClass().getClassLoader());
    final Comparator<Object> order = KeyOrder.of(null);

    Spec spec(int partitions, Combiner<Object> combiner) {
        return new Spec(UUID.randomUUID(), partitions, 1, Spec.Input.ITEMS, null, combiner, null, null, null, 0, 0, null);
    }

    /** Reads partition {@code p} of a map output as (key, values in order). */
    List<Object[]> read(Run run) {
        List<Object[]> out = new ArrayList<>();
        try (RecordReader r = run.open(kryos)) {
            while (r.next()) out.add(new Object[]{r.key(), r.value()});
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @Test
    void spilledAndMergedOutputIsSortedPartitionedAndComplete() {
        for (boolean combine : new boolean[]{false, true}) {
            Combiner<Object> sum = combine ? (a, b) -> (Long) a + (Long) b : null;
            int partitions = 3;
            // a tiny buffer: hundreds of spills, so the final merge needs more than one pass
            MapOutputBuffer buf = new MapOutputBuffer(spec(partitions, sum), kryos, dir, "t" + combine, 2048);
            Map<String, Long> expected = new TreeMap<>();
            Random r = new Random(5);
            for (int i = 0; i < 40_000; i++) {
                String k = "k" + r.nextInt(3000);
                buf.emit(k, 1L);
                expected.merge(k, 1L, Long::sum);
            }
            MapOutput out = buf.finish();
            Map<String, Long> seen = new TreeMap<>();
            for (int p = 0; p < partitions; p++) {
                String last = null;
                for (Object[] kv : read(out.run(p))) {
                    String k = (String) kv[0];
                    assertEquals(p, Math.floorMod(StableHash.of(k), partitions), "key in its partition");
                    if (last != null) assertTrue(combine ? last.compareTo(k) < 0 : last.compareTo(k) <= 0, "sorted (combined: distinct)");
                    last = k;
                    seen.merge(k, (Long) kv[1], Long::sum);
                }
            }
            assertEquals(expected, seen, "combine=" + combine);
            assertEquals(1, dir.toFile().list((d, n) -> n.startsWith("t" + combine)).length, "spills and merge files deleted");
        }
    }

    @Test
    void theReducerStoreSpillsMergesAndKeepsAtMostFactorRuns() {
        Combiner<Object> sum = (a, b) -> (Long) a + (Long) b;
        ShuffleStore store = new ShuffleStore(kryos, order, sum, dir, 4096);
        Map<String, Long> expected = new TreeMap<>();
        Random r = new Random(9);
        for (int seg = 0; seg < 200; seg++) {
            Map<String, Long> part = new TreeMap<>();
            for (int i = 0; i < 50; i++) part.merge("w" + r.nextInt(500), 1L, Long::sum);
            part.forEach((k, v) -> expected.merge(k, v, Long::sum));
            RecordWriter w = RecordWriter.inMemory(kryos);
            w.beginSegment();
            part.forEach(w::write);
            byte[] bytes = w.bytes();
            w.close();
            // big segments stream to disk, small ones stay in memory: deliver in two chunks either way
            ShuffleStore.Incoming in = store.receive(bytes.length);
            int half = bytes.length / 2;
            in.append(java.util.Arrays.copyOfRange(bytes, 0, half));
            in.append(java.util.Arrays.copyOfRange(bytes, half, bytes.length));
            assertTrue(in.complete());
            store.add(in);
        }
        List<Run> runs = store.runs();
        assertTrue(runs.size() <= Merger.FACTOR, runs.size() + " runs");
        Map<String, Long> seen = new TreeMap<>();
        try (Cursor c = Merger.merge(runs, kryos, order)) {
            boolean more = c.next();
            while (more) {
                Group g = new Group(c, order);
                long n = 0;
                for (Object v : g) n += (Long) v;
                seen.put((String) g.key(), n);
                more = g.skipRest();
            }
        }
        assertEquals(expected, seen);
        store.deleteFiles();
    }
}
