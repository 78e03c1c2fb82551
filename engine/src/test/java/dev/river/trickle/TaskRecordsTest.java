package dev.river.trickle;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Work.tasks(): where and when each task of a forkwork or map ran, for task-stream pictures. */
class TaskRecordsTest {
    static Cluster cluster;
    static Trickle t;

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

    static long slowSum(List<Integer> chunk) throws InterruptedException {
        if (chunk.contains(77)) throw new IllegalArgumentException("no 77s");
        Thread.sleep(10);
        return chunk.stream().mapToLong(i -> i).sum();
    }

    @Test
    void forkworkRecordsEveryChunkWithItsEngineLaneAndStatus() {
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        Work<Long> w = t.forkworkAsync(TaskRecordsTest::slowSum, items, 10);
        assertSame(w, Work.latest(), "the newest work is the one %river timeline draws");
        assertThrows(TaskFailedException.class, w::results);
        List<TaskRecord> tasks = w.tasks();
        assertEquals("forkwork", w.operation());
        assertEquals(20, tasks.size());
        assertEquals(IntStream.range(0, 20).boxed().toList(), tasks.stream().map(TaskRecord::task).sorted().toList());
        for (TaskRecord r : tasks) {
            assertEquals(r.task() * 10, r.firstItem(), r.toString());
            assertEquals(r.task() * 10 + 9, r.lastItem(), r.toString());
            assertTrue(r.startNanos() >= 0 && r.startNanos() <= r.endNanos() && r.endNanos() <= w.elapsedNanos(), r.toString());
            assertEquals(r.task() == 7 ? TaskRecord.Status.FAILED : TaskRecord.Status.OK, r.status(), r.toString());
        }
        assertEquals(2, tasks.stream().map(TaskRecord::engine).distinct().count(), "both engines ran chunks: " + tasks);
        assertNoOverlapInALane(tasks);
    }

    @Test
    void mapRecordsCoverEveryItemOnce() {
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        Work<Integer> w = t.mapAsync(x -> x * 2, items);
        assertEquals(500, w.results().size());
        long end = w.elapsedNanos();
        assertEquals(end, w.elapsedNanos(), "a finished work's time stops at its end");
        List<TaskRecord> tasks = w.tasks();
        assertEquals("map", w.operation());
        boolean[] seen = new boolean[500];
        for (TaskRecord r : tasks) {
            for (int i = r.firstItem(); i <= r.lastItem(); i++) {
                assertFalse(seen[i], "item " + i + " in two tasks");
                seen[i] = true;
            }
            assertEquals(TaskRecord.Status.OK, r.status());
        }
        for (int i = 0; i < seen.length; i++) assertTrue(seen[i], "item " + i + " in no task");
        assertNoOverlapInALane(tasks);
    }

    private static void assertNoOverlapInALane(List<TaskRecord> tasks) {
        int cores = Runtime.getRuntime().availableProcessors();   // the local engines' too
        for (TaskRecord a : tasks) {
            assertTrue(a.core() >= 0 && a.core() < cores, "one lane per core: " + a);
            for (TaskRecord b : tasks) {
                if (a == b || !a.engine().equals(b.engine()) || a.core() != b.core()) continue;
                assertTrue(a.endNanos() <= b.startNanos() || b.endNanos() <= a.startNanos(), "overlap in one lane: " + a + " and " + b);
            }
        }
    }
}
