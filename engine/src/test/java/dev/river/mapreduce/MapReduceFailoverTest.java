package dev.river.mapreduce;

import dev.river.bench.WordText;
import dev.river.core.RiverException;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import dev.river.trickle.Vm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engines killed with SIGKILL while a job runs: the answer is the same as without failures, or the job fails clearly. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapReduceFailoverTest {
    static Cluster cluster;
    static Trickle trickle;
    static Path input;
    static Map<String, Long> expected;

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(3);
        trickle = Trickle.connect(3);
        input = Files.createTempFile("mapreduce-failover", ".txt");
        WordText.write(input, 3_000_000, 7);
        expected = MapReduceTest.sequentialCount(List.of(input));
    }

    @AfterAll
    static void down() throws IOException {
        if (trickle != null) trickle.close();
        if (cluster != null) cluster.close();
        if (input != null) Files.deleteIfExists(input);
    }

    /** Word count whose map takes a while (about 1 ms per 4 lines), so that a kill lands mid-map. */
    static void slowWords(String line, Emitter<String, Long> out) throws InterruptedException {
        if (line.length() % 4 == 0) Thread.sleep(1);
        MapReduceTest.words(line, out);
    }

    /** A sum that takes a while for one key in 40, so that a kill lands mid-reduce. */
    static Long slowSum(String word, Iterable<Long> counts) throws InterruptedException {
        if (Math.floorMod(word.hashCode(), 40) == 0) Thread.sleep(3);
        return MapReduceTest.sum(word, counts);
    }

    static void kill(Vm vm) {
        int i = cluster.engines().names().indexOf(vm.name());
        assertTrue(i >= 0, "no local engine named " + vm.name());
        cluster.engines().kill(i);
    }

    @Test
    @Order(1)
    void killingAnEngineMidMapGivesTheSameAnswer() {
        Vm victim = trickle.vms().get(0);
        AtomicBoolean killed = new AtomicBoolean();
        Running<Map<String, Long>> r = MapReduce.fromFiles(input).splits(24).map(MapReduceFailoverTest::slowWords)
                .combine(Long::sum).reduce(MapReduceTest::sum).partitions(3)
                .start(trickle)
                .onProgress(p -> {
                    if (p.mapsDone() >= 3 && killed.compareAndSet(false, true)) kill(victim);
                });
        Map<String, Long> counts = assertTimeoutPreemptively(Duration.ofSeconds(120), r::result);
        assertTrue(killed.get());
        assertEquals(expected, counts);
        Progress p = r.progress();
        assertTrue(p.tasksRerun() > 0, p.toString());
        assertEquals(1, p.reducersRestarted(), p.toString());
        assertEquals(p.mapsTotal(), p.mapsDone());
    }

    @Test
    @Order(2)
    void killingAnEngineMidReduceGivesTheSameAnswer() {
        List<Vm> vms = trickle.vms();
        assertEquals(2, vms.size());
        AtomicBoolean killed = new AtomicBoolean();
        Running<Map<String, Long>> r = MapReduce.fromFiles(input).splits(8).map(MapReduceTest::words)
                .reduce(MapReduceFailoverTest::slowSum).partitions(4)
                .start(trickle)
                .onProgress(p -> {
                    if (p.state() == Progress.State.REDUCING && p.reducesDone() == 0 && killed.compareAndSet(false, true)) kill(vms.get(1));
                });
        Map<String, Long> counts = assertTimeoutPreemptively(Duration.ofSeconds(120), r::result);
        assertTrue(killed.get());
        assertEquals(expected, counts);
        Progress p = r.progress();
        assertTrue(p.reducersRestarted() >= 1, p.toString());
        assertTrue(p.tasksRerun() >= 1, p.toString());
    }

    @Test
    @Order(3)
    void withNoEngineLeftTheJobFailsClearly() {
        List<Vm> vms = trickle.vms();
        assertEquals(1, vms.size());
        AtomicBoolean killed = new AtomicBoolean();
        Running<Map<String, Long>> r = MapReduce.fromFiles(input).splits(16).map(MapReduceFailoverTest::slowWords)
                .reduce(MapReduceTest::sum).start(trickle)
                .onProgress(p -> {
                    if (p.mapsDone() >= 1 && killed.compareAndSet(false, true)) kill(vms.get(0));
                });
        RiverException e = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertThrows(RiverException.class, r::result));
        assertTrue(e.getMessage().contains("every engine of the job was lost"), e.getMessage());
        assertEquals(Progress.State.FAILED, r.progress().state());
    }
}
