package dev.river.trickle;

import dev.river.core.RiverException;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trickle against two real engine processes: the test classes reach them by code shipping only. */
class TrickleTest {
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

    static int plusTen(int x) {
        return x + 10;
    }

    static long sum(List<Integer> chunk) {
        long s = 0;
        for (int x : chunk) s += x;
        return s;
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void connectFindsTheClusterEngines() {
        assertEquals(2, t.vms().size());
        Set<String> names = new HashSet<>();
        for (Vm vm : t.vms()) names.add(vm.name());
        Set<String> expected = new HashSet<>(cluster.engines().names());
        assertEquals(expected, names);
    }

    @Test
    void callRunsMethodReferencesAndCapturingLambdasOnEachEngine() {
        int offset = 32;
        for (Vm vm : t.vms()) {
            assertEquals(20, vm.<Integer, Integer>call(TrickleTest::plusTen, 10));
            int shifted = vm.call(x -> x + offset, 10);
            assertEquals(42, shifted);
            String where = vm.call(x -> System.getProperty("java.class.path").contains("test-classes") ? "test" : "engine", 0);
            assertEquals("engine", where, "test classes must reach engines by code shipping, not the class path");
        }
    }

    @Test
    void callPassesNullAndReturnsNull() {
        Vm vm = t.vms().get(0);
        assertNull(vm.call(x -> x, null));
    }

    @Test
    void forkAndJoinKeepArgumentOrder() {
        List<Handle<Integer>> hs = t.fork(t.vms(), TrickleTest::plusTen, List.of(1, 2));
        assertEquals(List.of(11, 12), t.join(hs));
        assertEquals(t.vms().get(1), hs.get(1).vm());
    }

    @Test
    void forkNeedsOneArgumentPerEngine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.fork(t.vms(), TrickleTest::plusTen, List.of(1, 2, 3)));
        assertTrue(e.getMessage().contains("one argument per engine"), e.getMessage());
    }

    @Test
    void joinAnyReturnsTheTaskThatFinishesFirst() throws Exception {
        CountDownLatch never = new CountDownLatch(1);   // not shipped: the slow task sleeps on its engine
        List<Handle<String>> hs = t.fork(t.vms(), x -> {
            if (x == 0) Thread.sleep(60_000);
            return "fast" + x;
        }, List.of(0, 1));
        Handle<String> first = t.joinAny(hs);
        assertEquals(1, first.index());
        assertEquals("fast1", first.get());
        assertFalse(hs.get(0).isDone());
        hs.get(0).cancel();
        assertThrows(RiverException.class, () -> hs.get(0).get());
        assertEquals(1, never.getCount());
    }

    @Test
    void forkworkReturnsOneResultPerChunkInOrder() {
        List<Integer> items = range(1003);
        List<Long> sums = t.forkwork(TrickleTest::sum, items, 10);
        assertEquals(101, sums.size());
        for (int c = 0; c < sums.size(); c++) {
            assertEquals(sum(items.subList(c * 10, Math.min(items.size(), c * 10 + 10))), sums.get(c), "chunk " + c);
        }
    }

    @Test
    void forkworkUsesEveryEngine() {
        List<String> where = t.forkwork(chunk -> {
            Thread.sleep(5);   // work long enough that one engine cannot take everything
            return System.getProperty("river.engine.name", ProcessHandle.current().pid() + "");
        }, range(40), 1);
        assertEquals(2, new HashSet<>(where).size(), "chunks ran on " + new HashSet<>(where));
    }

    @Test
    void forkworkOfNothingIsEmpty() {
        assertEquals(List.of(), t.forkwork(TrickleTest::sum, List.of(), 5));
        assertThrows(IllegalArgumentException.class, () -> t.forkwork(TrickleTest::sum, range(3), 0));
    }

    @Test
    void mapAppliesPerItemInOrder() {
        List<Integer> items = range(20_000);
        List<Long> squares = t.map(x -> (long) x * x, items);
        assertEquals(items.size(), squares.size());
        for (int i = 0; i < items.size(); i++) assertEquals((long) i * i, squares.get(i));
    }

    @Test
    void aTaskExceptionNamesTheItemCarriesTheRemoteTraceAndTheOthersComplete() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> t.map(x -> 100 / (x - 7), range(50)));
        assertEquals(1, e.failures().size());
        TaskFailedException.Failure f = e.failures().get(0);
        assertEquals(7, f.index());
        assertEquals("java.lang.ArithmeticException", f.error().remoteClassName());
        assertTrue(Arrays.stream(f.error().getStackTrace()).anyMatch(s -> s.getClassName().equals(TrickleTest.class.getName())),
                "remote stack trace should show the lambda in TrickleTest: " + Arrays.toString(f.error().getStackTrace()));
        assertTrue(e.getMessage().contains("item 7"), e.getMessage());
        assertEquals(50, e.partialResults().size());
        assertNull(e.partialResults().get(7));
        assertEquals(100 / (8 - 7), e.partialResults().get(8));
    }

    @Test
    void forkworkExceptionIsAttributedToItsChunk() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> t.forkwork(chunk -> {
            if (chunk.contains(25)) throw new IOException("bad chunk " + chunk.get(0));
            return chunk.size();
        }, range(40), 10));
        TaskFailedException.Failure f = e.failures().get(0);
        assertEquals(2, f.index());
        assertEquals(20, f.firstItem());
        assertEquals(29, f.lastItem());
        assertEquals("bad chunk 20", f.error().remoteMessage());
        assertEquals(Arrays.asList(10, 10, null, 10), e.partialResults());
    }

    @Test
    void callExceptionReachesTheCaller() {
        Vm vm = t.vms().get(1);
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> vm.call(x -> { throw new IllegalStateException("no " + x); }, "way"));
        assertEquals("no way", e.failures().get(0).error().remoteMessage());
        assertEquals(vm.name(), e.failures().get(0).engine());
    }

    @Test
    void nonSerializableCaptureFailsAtTheCaller() {
        Object notSerializable = new Object();
        IllegalArgumentException call = assertThrows(IllegalArgumentException.class,
                () -> t.vms().get(0).call(x -> notSerializable.hashCode() + x, 1));
        assertTrue(call.getMessage().contains("java.lang.Object is not serializable"), call.getMessage());
        IllegalArgumentException map = assertThrows(IllegalArgumentException.class,
                () -> t.map(x -> notSerializable.hashCode() + x, range(10)));
        assertTrue(map.getMessage().startsWith("map: the function cannot be sent"), map.getMessage());
        assertEquals(List.of(1), t.map(x -> x, List.of(1)));     // the session is unharmed
    }

    @Test
    void progressReachesTheTotal() {
        List<int[]> seen = new ArrayList<>();
        Work<Long> w = t.forkworkAsync(TrickleTest::sum, range(500), 7);
        w.onProgress((done, total, failed) -> {
            synchronized (seen) {
                seen.add(new int[]{done, total, failed});
            }
        });
        w.results();
        assertEquals(500, w.done());
        assertEquals(500, w.total());
        synchronized (seen) {
            int[] last = seen.get(seen.size() - 1);
            assertEquals(500, last[0]);
            assertEquals(500, last[1]);
        }
    }

    @Test
    void interruptingTheCallerCancelsTheWork() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Work<?>[] work = new Work<?>[1];
        Thread caller = new Thread(() -> {
            Work<Integer> w = t.forkworkAsync(chunk -> {
                Thread.sleep(30_000);
                return 0;
            }, range(100), 1);
            work[0] = w;
            w.onProgress((d, tot, f) -> started.countDown());
            try {
                w.results();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        caller.start();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(30_000);
        assertFalse(caller.isAlive());
        assertInstanceOf(RiverException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("interrupted"), thrown.get().getMessage());
        assertTrue(work[0].isCancelled());
        assertThrows(CancellationException.class, () -> work[0].results());
        // the engines are free again at once: the sleeping tasks were interrupted, the queued ones dropped
        assertEquals(List.of(11, 12), t.join(t.fork(t.vms(), TrickleTest::plusTen, List.of(1, 2))));
    }

    @Test
    void injectReportsWhatItShipped() {
        Injected report = t.inject(TrickleTest.class);
        assertTrue(report.classes().contains(TrickleTest.class.getName()));
        assertTrue(report.bytes() > 1000);
        assertEquals(2, report.engines().size());
        assertTrue(report.toString().startsWith("injected "), report.toString());
    }
}
