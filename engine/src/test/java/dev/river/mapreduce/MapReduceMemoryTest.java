package dev.river.mapreduce;

import dev.river.bench.WordText;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job larger than the engine's heap: one engine with a 32 MiB heap counts the words of 40 MiB of
 * text without a combiner, so every word travels as its own record (some hundreds of MB as objects):
 * mappers and the reducers must spill sorted runs to disk and merge them.
 */
class MapReduceMemoryTest {
    static final long HEAP = 32L << 20;
    static Cluster cluster;
    static Trickle trickle;
    static Path input;

    @BeforeAll
    static void up() throws IOException {
        System.setProperty("river.engine.java.opts", "-Xmx" + (HEAP >> 20) + "m");
        cluster = Cluster.start(1);
        trickle = Trickle.connect(1);
        input = Files.createTempFile("mapreduce-memory", ".txt");
        WordText.write(input, 40L << 20, 11);
    }

    @AfterAll
    static void down() throws IOException {
        if (trickle != null) trickle.close();
        if (cluster != null) cluster.close();
        if (input != null) Files.deleteIfExists(input);
    }

    @Test
    void aJobLargerThanTheHeapCompletesWithTheRightAnswer() throws IOException {
        assertTrue(Files.size(input) > HEAP);
        assertTrue(trickle.vms().get(0).info().memory() <= HEAP + (4 << 20), "engine heap: " + trickle.vms().get(0).info().memory());
        Running<Map<String, Long>> r = MapReduce.fromFiles(input).map(MapReduceTest::words)
                .reduce(MapReduceTest::sum).partitions(2).start(trickle);
        Map<String, Long> counts = r.result();
        assertEquals(MapReduceTest.sequentialCount(List.of(input)), counts);
        assertTrue(r.progress().bytesShuffled() > HEAP / 2, r.progress().toString());
    }
}
