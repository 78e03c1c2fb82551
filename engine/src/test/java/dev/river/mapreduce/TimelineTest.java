package dev.river.mapreduce;

import dev.river.core.VmInfo;
import dev.river.mapreduce.Timeline.Interval;
import dev.river.mapreduce.Timeline.Phase;
import dev.river.mapreduce.Timeline.Status;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** A job's timeline: recorded from real jobs on two engines, and the recorder's rules on their own. */
class TimelineTest {
    static Cluster cluster;
    static Trickle trickle;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
        trickle = Trickle.connect(2);
    }

    @AfterAll
    static void down() {
        if (trickle != null) trickle.close();
        if (cluster != null) cluster.close();
    }

    static Job<Integer, Long> digitSums(int splits, int partitions) {
        return MapReduce.from(IntStream.range(0, 20_000).boxed().toList()).splits(splits)
                .map((Integer n, Emitter<Integer, Long> out) -> out.emit(n % 10, (long) n))
                .reduce((Integer d, Iterable<Long> ns) -> {
                    long s = 0;
                    for (long n : ns) s += n;
                    return s;
                })
                .partitions(partitions);
    }

    @Test
    void aFinishedJobHasOneMapPerSplitAShuffleAndReducePerPartitionAndTheShuffledBytes() {
        Running<Map<Integer, Long>> r = digitSums(6, 3).start(trickle);
        assertEquals(10, r.result().size());
        assertSame(r, Running.latest(), "the newest job");
        Timeline tl = r.timeline();
        assertEquals(2, tl.engines().size(), tl.engines().toString());

        List<Interval> maps = tl.intervals(Phase.MAP);
        assertEquals(6, maps.size(), maps.toString());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), indices(maps));
        for (Phase p : List.of(Phase.SHUFFLE, Phase.REDUCE)) assertEquals(Set.of(0, 1, 2), indices(tl.intervals(p)), p.name());
        assertEquals(12, tl.intervals().size());
        for (Interval i : tl.intervals()) {
            assertEquals(Status.OK, i.status(), i.toString());
            assertEquals(1, i.attempt(), i.toString());
            assertTrue(tl.engines().contains(i.engine()), i.toString());
            assertTrue(0 <= i.startNanos() && i.startNanos() <= i.endNanos() && i.endNanos() <= tl.elapsedNanos(), i.toString());
        }
        for (int p = 0; p < 3; p++) {
            Interval shuffle = tl.intervals(Phase.SHUFFLE).stream().filter(hasIndex(p)).findFirst().orElseThrow();
            Interval reduce = tl.intervals(Phase.REDUCE).stream().filter(hasIndex(p)).findFirst().orElseThrow();
            assertEquals(shuffle.endNanos(), reduce.startNanos(), "the reduce starts when the shuffle ends");
            assertEquals(shuffle.engine(), reduce.engine());
        }
        // the last map ends before any reduce starts: a reducer needs every map output
        long lastMap = maps.stream().mapToLong(Interval::endNanos).max().orElseThrow();
        for (Interval red : tl.intervals(Phase.REDUCE)) assertTrue(red.startNanos() >= lastMap, red + " vs map end " + lastMap);

        assertTrue(tl.totalShuffled() > 0);
        assertEquals(r.progress().bytesShuffled(), tl.totalShuffled(), "the matrix adds up to the job's bytes shuffled");
        long[][] m = tl.shuffleMatrix();
        m[0][0] = -1;
        assertNotEquals(-1, tl.shuffleMatrix()[0][0], "the matrix is a copy");
        long sum = 0;
        for (String from : tl.engines()) for (String to : tl.engines()) sum += tl.shuffledBytes(from, to);
        assertEquals(tl.totalShuffled(), sum);
        assertThrows(IllegalArgumentException.class, () -> tl.shuffledBytes("nowhere", tl.engines().get(0)));
    }

    @Test
    void aFailingMapEndsFailedAndTheJobsOpenIntervalsAreClosed() {
        Running<Map<Integer, Long>> r = MapReduce.from(IntStream.range(0, 100).boxed().toList()).splits(4)
                .map((Integer n, Emitter<Integer, Long> out) -> {
                    if (n == 77) throw new IllegalStateException("no 77");
                    out.emit(n % 2, 1L);
                })
                .reduce((Integer k, Iterable<Long> ones) -> 0L)
                .partitions(2)
                .start(trickle);
        assertThrows(MapReduceException.class, r::result);
        Timeline tl = r.timeline();
        List<Interval> failed = tl.intervals().stream().filter(i -> i.status() == Status.FAILED).toList();
        assertTrue(failed.stream().anyMatch(i -> i.phase() == Phase.MAP && i.index() == 3), "split 3 holds item 77: " + tl.intervals());
        assertTrue(tl.intervals().stream().noneMatch(i -> i.status() == Status.RUNNING), "nothing runs after the end: " + tl.intervals());
    }

    // ---------------------------------------------------------------- the recorder alone

    private static VmInfo vm(String name, int port) {
        return new VmInfo(UUID.randomUUID(), name, "h", port, 2, 1 << 30, 0, 0, false, Set.of());
    }

    @Test
    void theRecorderMarksLostAttemptsAndShowsOpenIntervalsAsRunning() {
        TimelineLog log = new TimelineLog(System.nanoTime(), List.of(vm("a", 1), vm("b", 2)));
        log.mapSent(0, 1, "h:1");
        log.mapSent(1, 1, "h:2");
        log.reducerStarted(0, 1, "h:2");
        log.mapLost(1);                    // engine h:2 lost
        log.reducerStarted(0, 2, "h:1");   // its reducer restarted on h:1
        log.mapSent(1, 2, "h:1");
        log.fetched("h:1", "h:1", 100);
        log.fetched("h:2", "h:1", 50);

        Timeline open = log.snapshot();
        assertEquals(List.of(Status.RUNNING, Status.LOST, Status.LOST, Status.RUNNING, Status.RUNNING),
                open.intervals().stream().map(Interval::status).toList());
        assertEquals(150, open.totalShuffled());
        assertEquals(50, open.shuffledBytes("b", "a"));

        log.mapEnded(0, true);
        log.mapEnded(1, true);
        log.reduced(0, 0);
        Timeline done = log.snapshot();
        assertEquals(1, done.intervals(Phase.REDUCE).size());
        Interval reduce = done.intervals(Phase.REDUCE).get(0);
        assertEquals("a", reduce.engine());
        assertEquals(2, reduce.attempt());
        assertTrue(done.intervals().stream().noneMatch(i -> i.status() == Status.RUNNING), done.intervals().toString());
        assertEquals(Status.RUNNING, open.intervals().get(0).status(), "a snapshot does not change");
    }

    @Test
    void enginesOfOneNameStayApart() {
        TimelineLog log = new TimelineLog(System.nanoTime(), List.of(vm("node", 1), vm("node", 2)));
        assertEquals(List.of("node (h:1)", "node (h:2)"), log.snapshot().engines());
    }

    private static Set<Integer> indices(List<Interval> intervals) {
        Set<Integer> s = new HashSet<>();
        for (Interval i : intervals) s.add(i.index());
        return s;
    }

    private static java.util.function.Predicate<Interval> hasIndex(int index) {
        return i -> i.index() == index;
    }
}
