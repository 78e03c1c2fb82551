package dev.river.mapreduce;

import dev.river.bench.WordText;
import dev.river.core.RiverException;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MapReduce jobs on two real engines, checked against sequential computations of the same answers. */
class MapReduceTest {
    static Cluster cluster;
    static Trickle trickle;
    static Path work;
    static Path scratch;            // the engines' river.mapreduce.dir
    static List<Path> files = new ArrayList<>();
    static Map<String, Long> expected;

    @BeforeAll
    static void up() throws IOException {
        work = Files.createTempDirectory("mapreduce-test");
        scratch = Files.createDirectories(work.resolve("engine-scratch"));
        System.setProperty("river.engine.java.opts", "-Driver.mapreduce.dir=" + scratch);
        cluster = Cluster.start(2);
        trickle = Trickle.connect(2);
        Path input = Files.createDirectories(work.resolve("input"));
        files.add(input.resolve("a.txt"));
        WordText.write(files.get(0), 1_500_000, 1);
        files.add(input.resolve("b.txt"));
        WordText.write(files.get(1), 700_000, 2);
        files.add(input.resolve("c.txt"));                // CRLF line ends, no final newline, blank lines
        Files.writeString(files.get(2), "alpha beta\r\n\r\n  beta   gamma \r\nalpha", StandardCharsets.UTF_8);
        files.add(input.resolve("empty.txt"));
        Files.write(files.get(3), new byte[0]);
        expected = sequentialCount(files);
    }

    @AfterAll
    static void down() {
        if (trickle != null) trickle.close();
        if (cluster != null) cluster.close();
    }

    static void words(String line, Emitter<String, Long> out) {
        for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L);
    }

    static Long sum(String word, Iterable<Long> counts) {
        long n = 0;
        for (long c : counts) n += c;
        return n;
    }

    static Map<String, Long> sequentialCount(List<Path> paths) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        for (Path p : paths) {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                for (String w : line.split("\\s+")) if (!w.isEmpty()) counts.merge(w, 1L, Long::sum);
            }
        }
        return counts;
    }

    static Job<String, Long> wordCount(boolean combine, int partitions, long splitSize) {
        Mapped<String, String, Long> m = MapReduce.fromFiles(files).splitSize(splitSize).map(MapReduceTest::words);
        if (combine) m = m.combine(Long::sum);
        return m.reduce(MapReduceTest::sum).partitions(partitions);
    }

    @Test
    void wordCountEqualsASequentialCountWithKeysInOrder() {
        Map<String, Long> counts = wordCount(true, 3, 256 * 1024).run(trickle);
        assertEquals(expected, counts);
        assertEquals(new ArrayList<>(new TreeSet<>(expected.keySet())), new ArrayList<>(counts.keySet()));
        assertEquals(2L, counts.get("alpha"));
        assertEquals(2L, counts.get("beta"));
    }

    @Test
    void theDesignExampleCompilesAndRuns() {
        Map<String, Long> counts = MapReduce.fromFiles(files)
                .map((String line, Emitter<String, Long> out) -> {
                    for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L);
                })
                .combine(Long::sum)
                .reduce((String word, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; })
                .partitions(4)
                .run(trickle);
        assertEquals(expected, counts);
    }

    @Test
    void combinerOnOrOffGivesTheSameAnswer() {
        Map<String, Long> without = wordCount(false, 2, 300_000).run(trickle);
        Map<String, Long> with = wordCount(true, 2, 300_000).run(trickle);
        assertEquals(expected, without);
        assertEquals(without, with);
    }

    @Test
    void partitionAndSplitCountsDoNotChangeTheAnswer() {
        assertEquals(expected, wordCount(true, 1, 10L << 20).run(trickle));
        assertEquals(expected, wordCount(false, 7, 100_000).run(trickle));
        Map<String, Long> bySplits = MapReduce.fromFiles(files).splits(13).map(MapReduceTest::words)
                .reduce(MapReduceTest::sum).partitions(5).run(trickle);
        assertEquals(expected, bySplits);
    }

    @Test
    void spillingWithATinyBufferGivesTheSameAnswer() {
        assertEquals(expected, wordCount(false, 3, 400_000).buffer(16 * 1024).run(trickle));
        assertEquals(expected, wordCount(true, 2, 400_000).buffer(8 * 1024).run(trickle));
    }

    @Test
    void aCollectionAsInput() {
        List<Integer> numbers = IntStream.range(0, 10_000).boxed().toList();
        Map<Integer, List<Integer>> byLastDigit = MapReduce.from(numbers).splits(9)
                .map((Integer n, Emitter<Integer, Integer> out) -> out.emit(n % 10, n))
                .reduce((Integer digit, Iterable<Integer> ns) -> {
                    List<Integer> all = new ArrayList<>();
                    ns.forEach(all::add);
                    all.sort(null);
                    return all;
                })
                .partitions(3)
                .run(trickle);
        assertEquals(10, byLastDigit.size());
        for (int d = 0; d < 10; d++) {
            int digit = d;
            assertEquals(IntStream.range(0, 10_000).filter(n -> n % 10 == digit).boxed().toList(), byLastDigit.get(d));
        }
    }

    @Test
    void fileLinesCarryTheirFileAndOffset() throws IOException {
        Map<String, Long> linesPerFile = MapReduce.fromFileLines(files.get(2).toString())
                .map((Line l, Emitter<String, Long> out) -> out.emit(l.file() + "@" + l.offset() + ":" + l.text(), 1L))
                .reduce((String k, Iterable<Long> ones) -> 1L)
                .run(trickle);
        String f = files.get(2).toString();
        assertEquals(new TreeSet<>(List.of(f + "@0:alpha beta", f + "@12:", f + "@14:  beta   gamma ", f + "@31:alpha")),
                linesPerFile.keySet());
    }

    @Test
    void runToFilesWritesOnePartFilePerPartition() throws IOException {
        Path out = work.resolve("out");
        List<Path> parts = wordCount(true, 3, 500_000).runToFiles(trickle, out);
        assertEquals(List.of(out.toAbsolutePath().resolve("part-00000"), out.toAbsolutePath().resolve("part-00001"),
                out.toAbsolutePath().resolve("part-00002")), parts);
        Map<String, Long> read = new HashMap<>();
        for (Path p : parts) {
            List<String> keys = new ArrayList<>();
            for (String line : Files.readAllLines(p)) {
                String[] kv = line.split("\t");
                keys.add(kv[0]);
                read.put(kv[0], Long.parseLong(kv[1]));
            }
            assertEquals(new ArrayList<>(new TreeSet<>(keys)), keys, "keys sorted within " + p);
        }
        assertEquals(expected, read);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(3, s.count(), "no temporary files left in " + out);
        }
        // a second run with fewer partitions replaces the part files
        assertEquals(1, wordCount(true, 1, 500_000).runToFiles(trickle, out).size());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("part-00000"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aMapExceptionNamesTheSplitAndLineWithTheRemoteStackTrace() {
        MapReduceException e = assertThrows(MapReduceException.class, () -> MapReduce.fromFiles(files.get(2))
                .map((String line, Emitter<String, Long> out) -> {
                    if (line.contains("gamma")) throw new IllegalStateException("no gamma here");
                    out.emit(line, 1L);
                })
                .reduce(MapReduceTest::sum)
                .run(trickle));
        assertEquals("map", e.function());
        assertTrue(e.where().contains("split 1 of 1"), e.where());
        assertTrue(e.where().contains(files.get(2).toString()), e.where());
        assertTrue(e.where().contains("the line at byte 14"), e.where());
        assertTrue(e.getMessage().contains("no gamma here"), e.getMessage());
        assertEquals(IllegalStateException.class.getName(), e.getCause().remoteClassName());
        assertTrue(Stream.of(e.getCause().getStackTrace()).anyMatch(f -> f.getClassName().startsWith(MapReduceTest.class.getName())),
                "the remote trace shows the lambda's frame");
        assertEquals(expected, wordCount(true, 2, 500_000).run(trickle), "the engines keep serving after a failed job");
    }

    @Test
    void aReduceExceptionNamesTheKey() {
        MapReduceException e = assertThrows(MapReduceException.class, () -> MapReduce.fromFiles(files.get(2))
                .map(MapReduceTest::words)
                .reduce((String w, Iterable<Long> ones) -> {
                    if (w.equals("beta")) throw new ArithmeticException("beta overflow");
                    return 1L;
                })
                .partitions(2)
                .run(trickle));
        assertEquals("reduce", e.function());
        assertTrue(e.where().contains("key beta"), e.where());
        assertEquals(ArithmeticException.class.getName(), e.getCause().remoteClassName());
    }

    @Test
    void nonComparableKeysFailClearlyAndAKeyOrderFixesThem() {
        record Point(int x, int y) {}
        MapReduceException e = assertThrows(MapReduceException.class, () -> MapReduce.from(List.of(1, 2, 3, 4))
                .map((Integer i, Emitter<Point, Integer> out) -> out.emit(new Point(i % 2, 0), i))
                .reduce((Point p, Iterable<Integer> is) -> 1)
                .run(trickle));
        assertTrue(e.getMessage().contains("not Comparable"), e.getMessage());

        Map<Point, Integer> sums = MapReduce.from(List.of(1, 2, 3, 4))
                .map((Integer i, Emitter<Point, Integer> out) -> out.emit(new Point(i % 2, 0), i))
                .reduce((Point p, Iterable<Integer> is) -> { int s = 0; for (int i : is) s += i; return s; })
                .keyOrder((java.util.Comparator<Point> & java.io.Serializable) (a, b) -> Integer.compare(a.x(), b.x()))
                .run(trickle);
        assertEquals(List.of(new Point(0, 0), new Point(1, 0)), new ArrayList<>(sums.keySet()));
        assertEquals(List.of(6, 4), new ArrayList<>(sums.values()));
    }

    @Test
    void progressIsReportedWhileTheJobRuns() {
        List<Progress> seen = new CopyOnWriteArrayList<>();
        Running<Map<String, Long>> r = wordCount(false, 2, 200_000).start(trickle).onProgress(seen::add);
        assertEquals(expected, r.result());
        Progress end = r.progress();
        assertEquals(Progress.State.DONE, end.state());
        assertEquals(end.mapsTotal(), end.mapsDone());
        assertTrue(end.mapsTotal() >= 10, "splits: " + end.mapsTotal());
        assertEquals(2, end.reducesDone());
        assertTrue(end.bytesShuffled() > 100_000, "shuffled " + end.bytesShuffled());
        assertEquals(end.inputTotal(), end.inputDone());
        assertTrue(seen.size() >= 2, "listener calls: " + seen);
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i).mapsDone() >= seen.get(i - 1).mapsDone(), seen.toString());
        assertEquals(Progress.State.DONE, seen.get(seen.size() - 1).state());
    }

    @Test
    void interruptingTheCallerCancelsTheJobOnEveryEngine() throws Exception {
        List<Integer> items = IntStream.range(0, 64).boxed().toList();
        Job<Integer, Integer> slow = MapReduce.from(items).splits(32)
                .map((Integer i, Emitter<Integer, Integer> out) -> {
                    Thread.sleep(250);
                    out.emit(i, i);
                })
                .reduce((Integer k, Iterable<Integer> v) -> k);
        AtomicReference<Progress> atInterrupt = new AtomicReference<>();
        RiverException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Thread caller = Thread.currentThread();
            Job<Integer, Integer> interrupting = slow.onProgress(p -> {
                if (p.mapsDone() >= 2 && atInterrupt.compareAndSet(null, p)) caller.interrupt();
            });
            RiverException thrown = assertThrows(RiverException.class, () -> interrupting.run(trickle));
            assertTrue(Thread.interrupted(), "the interrupt flag stays set");
            return thrown;
        });
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        assertNotNull(atInterrupt.get());
        assertNoJobFilesLeft();

        Running<Map<Integer, Integer>> r = slow.start(trickle);
        r.cancel();
        assertTrue(r.isDone());
        assertInstanceOf(CancellationException.class, assertThrows(CancellationException.class, r::result));
        assertEquals(Progress.State.CANCELLED, r.progress().state());
        assertNoJobFilesLeft();
        assertEquals(expected, wordCount(true, 2, 500_000).run(trickle), "the engines keep serving after a cancelled job");
        assertNoJobFilesLeft();
    }

    @Test
    void cancellingFromAProgressListenerStopsTheJob() throws IOException {
        AtomicReference<Running<Map<Integer, Integer>>> self = new AtomicReference<>();
        Running<Map<Integer, Integer>> r = MapReduce.from(IntStream.range(0, 64).boxed().toList()).splits(32)
                .map((Integer i, Emitter<Integer, Integer> out) -> {
                    Thread.sleep(250);
                    out.emit(i, i);
                })
                .reduce((Integer k, Iterable<Integer> v) -> k)
                .onProgress(p -> {
                    Running<Map<Integer, Integer>> me = self.get();
                    if (p.mapsDone() >= 1 && me != null) {
                        assertThrows(IllegalStateException.class, me::result, "waiting in a listener would wait forever");
                        me.cancel();
                    }
                })
                .start(trickle);
        self.set(r);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(CancellationException.class, r::result));
        assertEquals(Progress.State.CANCELLED, r.progress().state());
        assertTrue(r.progress().mapsDone() < 32, r.progress().toString());
        assertNoJobFilesLeft();
    }

    static void assertNoJobFilesLeft() throws IOException {
        Path base = scratch.resolve("river-mapreduce");
        if (!Files.exists(base)) return;
        try (Stream<Path> s = Files.walk(base)) {
            List<Path> left = s.filter(Files::isRegularFile).toList();
            assertTrue(left.isEmpty(), "files left on engines: " + left);
        }
    }

    @Test
    void twoJobsAtOnceOnOneSessionDoNotMix() {
        Running<Map<String, Long>> a = wordCount(true, 3, 300_000).start(trickle);
        Running<Map<Integer, Long>> b = MapReduce.fromFiles(files).splits(6)
                .map((String line, Emitter<Integer, Long> out) -> out.emit(line.length() % 7, 1L))
                .combine(Long::sum)
                .reduce((Integer k, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; })
                .partitions(2)
                .start(trickle);
        Map<Integer, Long> byLength = new TreeMap<>();
        for (Path p : files) {
            try {
                for (String line : Files.readAllLines(p)) byLength.merge(line.length() % 7, 1L, Long::sum);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertEquals(byLength, b.result());
        assertEquals(expected, a.result());
    }

    @Test
    void aJobOverNoInputReturnsAnEmptyResult() {
        assertTrue(MapReduce.fromFiles(files.get(3)).map(MapReduceTest::words).reduce(MapReduceTest::sum).run(trickle).isEmpty());
        assertTrue(MapReduce.from(List.<String>of()).map(MapReduceTest::words).reduce(MapReduceTest::sum).run(trickle).isEmpty());
    }

    @Test
    void badArgumentsFailAtTheCallSite() {
        assertThrows(IllegalArgumentException.class, () -> MapReduce.fromFiles(work.resolve("missing.txt")));
        Object notSerializable = new Object();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapReduce.from(List.of("x"))
                .map((String s, Emitter<String, Long> out) -> out.emit(s + notSerializable.hashCode(), 1L))
                .reduce(MapReduceTest::sum).run(trickle));
        assertTrue(e.getMessage().startsWith("map: the function cannot be sent"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> wordCount(true, 1, 1000).partitions(0));
        assertFalse(new TreeMap<>(expected).isEmpty());
    }

    static void writeLines(Path p, List<String> lines) throws IOException {
        try (OutputStream o = Files.newOutputStream(p)) {
            for (String l : lines) o.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
