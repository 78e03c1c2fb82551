package dev.river.trickle;

import dev.river.core.RiverException;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engines killed with SIGKILL while Trickle work runs on them: the work completes elsewhere, or fails clearly. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrickleFailoverTest {
    static Cluster cluster;
    static Trickle t;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(4);
        t = Trickle.builder().engines(4).heartbeat(Duration.ofSeconds(2)).connect();
    }

    @AfterAll
    static void down() {
        if (t != null) t.close();
        if (cluster != null) cluster.close();
    }

    static long slowSum(List<Integer> chunk) throws InterruptedException {
        Thread.sleep(20);                 // the work: long enough that a kill lands mid-forkwork
        long s = 0;
        for (int x : chunk) s += x;
        return s;
    }

    static void kill(Vm vm) {
        int i = cluster.engines().names().indexOf(vm.name());
        assertTrue(i >= 0, "no local engine named " + vm.name());
        cluster.engines().kill(i);
    }

    @Test
    @Order(1)
    void forkworkCompletesCorrectlyWhenAnEngineIsKilledMidway() {
        List<Integer> items = IntStream.range(0, 400).boxed().toList();
        List<Long> expected = new ArrayList<>();
        for (int c = 0; c < items.size(); c += 5) expected.add(items.subList(c, c + 5).stream().mapToLong(x -> x).sum());

        Vm victim = t.vms().get(0);
        AtomicBoolean killed = new AtomicBoolean();
        Work<Long> w = t.forkworkAsync(TrickleFailoverTest::slowSum, items, 5);
        w.onProgress((done, total, failed) -> {
            if (done >= 40 && killed.compareAndSet(false, true)) kill(victim);
        });
        List<Long> sums = assertTimeoutPreemptively(Duration.ofSeconds(60), w::results);
        assertTrue(killed.get());
        assertEquals(expected, sums);
        assertFalse(victim.isAlive());
        assertEquals(3, t.vms().size());
        assertTrue(victim.toString().contains("lost"), victim.toString());
    }

    @Test
    @Order(2)
    void aCallWhoseEngineIsKilledIsAnsweredByAnother() {
        Vm doomed = t.vms().get(0);
        kill(doomed);     // the call below goes to a dying (or dead) engine, and waits for its answer itself
        String answer = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> doomed.call(x -> {
            Thread.sleep(300);
            return x + "!";
        }, "again"));
        assertEquals("again!", answer);
        assertFalse(doomed.isAlive());
        assertEquals(2, t.vms().size());
    }

    @Test
    @Order(3)
    void forkedTaskOfAKilledEngineRunsOnAnother() {
        List<Vm> vms = t.vms();
        assertEquals(2, vms.size());
        List<Handle<Integer>> hs = t.fork(vms, x -> {
            Thread.sleep(300);
            return x * 2;
        }, List.of(1, 2));
        kill(vms.get(0));
        assertEquals(List.of(2, 4), assertTimeoutPreemptively(Duration.ofSeconds(60), () -> t.join(hs)));
        assertEquals(1, t.vms().size());
    }

    @Test
    @Order(4)
    void withNoEngineLeftWorkFailsClearlyInsteadOfHanging() {
        Vm last = t.vms().get(0);
        AtomicBoolean killed = new AtomicBoolean();
        Work<Long> w = t.forkworkAsync(TrickleFailoverTest::slowSum, IntStream.range(0, 400).boxed().toList(), 5);
        w.onProgress((done, total, failed) -> {
            if (done >= 10 && killed.compareAndSet(false, true)) kill(last);
        });
        RiverException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(RiverException.class, w::results));
        assertTrue(e.getMessage().contains("every engine of this Trickle session is gone"), e.getMessage());
        assertTrue(e.getMessage().contains("unfinished"), e.getMessage());
        assertTrue(t.vms().isEmpty());

        RiverException again = assertThrows(RiverException.class, () -> t.map(x -> x, List.of(1)));
        assertTrue(again.getMessage().contains("every engine"), again.getMessage());
    }
}
