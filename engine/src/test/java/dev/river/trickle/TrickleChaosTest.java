package dev.river.trickle;

import dev.river.core.RiverException;
import dev.river.testing.Chaos;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 of random engines at random moments of forkwork and map, round after round, each round on
 * three fresh engines: the result equals the sequential computation (every task's result exactly
 * once, in order), or, when every engine died, the call fails naming what was unfinished. Never a
 * hang, never a short result.
 */
class TrickleChaosTest {
    static final Duration NO_HANG = Duration.ofSeconds(180);   // a liveness bound, far above any round's run time
    static Chaos chaos;

    @BeforeAll
    static void up() {
        Cluster.configureThisJvm();
        chaos = Chaos.fromSystemProperties("trickle");
    }

    @AfterAll
    static void down() {
        System.out.println("chaos trickle: " + chaos.kills() + " engines killed (seed " + chaos.seed() + ")");
    }

    static long chunkSum(List<Integer> chunk) throws InterruptedException {
        Thread.sleep(8);   // long enough that kills land while chunks run
        return sumOfSquares(chunk);
    }

    /** As chunkSum, but the last quarter of the items never finishes: only kills end the work. */
    static long stuckAtTheEnd(List<Integer> chunk) throws InterruptedException {
        Thread.sleep(chunk.get(0) >= 270 ? 600_000 : 8);
        return sumOfSquares(chunk);
    }

    static long sumOfSquares(List<Integer> chunk) {
        long s = 0;
        for (int x : chunk) s += (long) x * x;
        return s;
    }

    static List<Long> sequential(List<Integer> items, int chunksize) {
        List<Long> out = new ArrayList<>();
        for (int c = 0; c < items.size(); c += chunksize) out.add(sumOfSquares(items.subList(c, Math.min(items.size(), c + chunksize))));
        return out;
    }

    /**
     * Kills {@code victims} engines of {@code t} when progress reaches random moments (items done, below
     * {@code before} of them). The kill runs inside the progress listener, on the thread that reports
     * progress, so it lands before the work can finish.
     */
    static <R> void strike(Trickle t, Work<R> w, int victims, int before) {
        List<String> names = new ArrayList<>();
        for (Vm vm : t.vms()) names.add(vm.name());
        java.util.Collections.shuffle(names, new java.util.Random(chaos.nextInt(Integer.MAX_VALUE)));
        List<Integer> at = chaos.moments(victims, Math.max(victims, before));
        int[] next = {0};
        w.onProgress((done, total, failed) -> {
            synchronized (next) {
                while (next[0] < at.size() && done >= at.get(next[0])) {
                    assertTrue(chaos.kill(names.get(next[0]++)), "the victim engine was running");
                }
            }
        });
    }

    @Test
    void forkworkUnderKillsGivesTheSequentialAnswer() throws Exception {
        List<Integer> items = IntStream.range(0, 360).boxed().toList();
        List<Long> expected = sequential(items, 3);
        int rounds = Chaos.rounds(4);
        int before = chaos.kills();
        for (int round = 0; round < rounds; round++) {
            try (Trickle t = Trickle.builder().local(3).connect()) {
                Work<Long> w = t.forkworkAsync(TrickleChaosTest::chunkSum, items, 3);
                strike(t, w, 2, w.total() * 3 / 4);
                List<Long> got = assertTimeoutPreemptively(NO_HANG, w::results, "round " + round);
                assertEquals(expected, got, "round " + round + " (seed " + chaos.seed() + ")");
            }
        }
        assertEquals(2 * rounds, chaos.kills() - before, "two engines killed in each round");
    }

    @Test
    void mapUnderKillsGivesTheSequentialAnswer() throws Exception {
        List<Integer> items = IntStream.range(0, 150).boxed().toList();
        List<Long> expected = new ArrayList<>();
        for (int x : items) expected.add(sumOfSquares(List.of(x)));
        int rounds = Chaos.rounds(3);
        for (int round = 0; round < rounds; round++) {
            try (Trickle t = Trickle.builder().local(3).connect()) {
                Work<Long> w = t.mapAsync(x -> chunkSum(List.of(x)), items);
                strike(t, w, 2, w.total() * 3 / 4);
                List<Long> got = assertTimeoutPreemptively(NO_HANG, w::results, "round " + round);
                assertEquals(expected, got, "round " + round + " (seed " + chaos.seed() + ")");
            }
        }
    }

    @Test
    void whenEveryEngineDiesTheWorkFailsNamingWhatIsUnfinished() {
        List<Integer> items = IntStream.range(0, 360).boxed().toList();
        try (Trickle t = Trickle.builder().local(3).connect()) {
            Work<Long> w = t.forkworkAsync(TrickleChaosTest::stuckAtTheEnd, items, 3);
            // Every kill before a quarter is done: later, the tasks that never end may hold every core of the
            // last engine (the dead ones' tasks move to it), no more progress comes, and its kill never would.
            strike(t, w, 3, w.total() / 4);
            RiverException e = assertTimeoutPreemptively(NO_HANG, () -> assertThrows(RiverException.class, w::results));
            assertTrue(e.getMessage().contains("every engine of this Trickle session is gone") && e.getMessage().contains("unfinished"),
                    e.getMessage());
        }
    }
}
