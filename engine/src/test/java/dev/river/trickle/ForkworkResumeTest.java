package dev.river.trickle;

import dev.river.checkpoint.Journal;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** forkwork with a progress journal: a resumed job skips the chunks an interrupted run finished. */
class ForkworkResumeTest {
    static Cluster cluster;
    static Trickle t;

    @TempDir
    Path dir;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
        t = Trickle.connect(2);
    }

    @AfterAll
    static void down() {
        if (t != null) t.close();
        if (cluster != null) cluster.close();
    }

    /** A chunk's sum, tagged with the run that computed it; run 1 "is interrupted" on the chunks from 600 on. */
    static String sumIn(String run, List<Integer> chunk) {
        if (run.equals("first") && chunk.get(0) >= 600) throw new IllegalStateException("interrupted before chunk " + chunk.get(0));
        long s = 0;
        for (int x : chunk) s += x;
        return run + ":" + s;
    }

    @Test
    void aResumedForkworkSkipsFinishedChunks() {
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        Path file = dir.resolve("sums.journal");

        try (Journal journal = Journal.open(file)) {
            TaskFailedException e = assertThrows(TaskFailedException.class,
                    () -> t.forkwork(chunk -> sumIn("first", chunk), items, 50, journal));
            assertFalse(e.getMessage().isEmpty());
            assertEquals(12, journal.size(), "the 12 chunks below 600 finished and were recorded");
        }

        // A new driver session (the first one "crashed"): the same job, resumed from the journal on disk.
        List<String> sums;
        try (Journal journal = Journal.open(file)) {
            Work<String> w = t.forkworkAsync(chunk -> sumIn("second", chunk), items, 50, journal);
            sums = w.results();
            assertEquals(20, journal.size(), "the 8 chunks run now were recorded too");
        }
        assertEquals(20, sums.size());
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            long s = 0;
            for (int x = c * 50; x < c * 50 + 50; x++) s += x;
            expected.add((c < 12 ? "first:" : "second:") + s);
        }
        assertEquals(expected, sums, "finished chunks came from the journal, not run again; results in input order");

        // Everything recorded: a third run runs nothing (its function would fail on every chunk).
        try (Journal journal = Journal.open(file)) {
            assertEquals(expected, t.forkwork(chunk -> sumIn("first", List.of(1000)), items, 50, journal));
            IllegalStateException other = assertThrows(IllegalStateException.class,
                    () -> t.forkwork(chunk -> sumIn("second", chunk), items.subList(0, 999), 50, journal));
            assertTrue(other.getMessage().contains("another job"), other.getMessage());
        }
    }
}
