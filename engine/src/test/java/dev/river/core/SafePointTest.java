package dev.river.core;

import dev.river.sfm.Attributes;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Freezing one VR's thread at its safe points, without any network. */
class SafePointTest {
    private final ClassLoader loader = getClass().getClassLoader();
    private final VrId a = new VrId(UUID.randomUUID(), "h:1");
    private final VrId me = new VrId(UUID.randomUUID(), "h:3");

    private Envelope env(long seq, int n) {
        Attributes.Encoded e = Attributes.encode(Map.of("n", n), loader);
        return new Envelope(a, me, e.body(), e.blobs(), seq);
    }

    private static long in(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void aFrozenReceiverTakesNothingUntilThawed() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        SafePoint sp = q.safePoint();
        CompletableFuture<Message> got = CompletableFuture.supplyAsync(() -> {
            try {
                return q.take(Pattern.ANYTHING, -1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        SafePoint.State st = sp.freeze(0);
        assertEquals(SafePoint.Style.EVENT_LOOP, st.style());
        assertTrue(sp.awaitParked(in(20)), "a waiting receiver parks at once");
        q.append(env(1, 7));
        assertEquals(1, q.size(), "the message waits in the queue while its receiver is frozen");
        assertFalse(got.isDone());
        sp.thaw();
        assertEquals(7, got.get(20, TimeUnit.SECONDS).getInt("n"));
    }

    @Test
    void aLoopVrParksOnlyAtTheTargetCallAndAPassedTargetIsReported() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        SafePoint sp = q.safePoint();
        sp.atCall();                                   // call 1: the VR is now loop style
        sp.atCall();                                   // call 2
        SafePoint.State passed = sp.freeze(2);
        assertTrue(passed.passed(2), "call 2 is behind it");
        assertEquals(2, passed.calls());
        assertFalse(passed.parked());
        q.append(env(1, 1));
        assertNotNull(q.take(Pattern.ANYTHING, 0), "receives are not safe points of a loop VR");
        SafePoint.State accepted = sp.freeze(4);
        assertFalse(accepted.passed(4));
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            try {
                sp.atCall();                           // 3: runs on
                sp.atCall();                           // 4: parks
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(sp.awaitParked(in(20)));
        SafePoint.State parked = sp.state();
        assertEquals(4, parked.calls());
        assertFalse(parked.passed(4), "parked exactly at the target");
        sp.thaw();
        loop.get(20, TimeUnit.SECONDS);
        assertFalse(sp.state().parked());
    }

    @Test
    void aLaterTargetReleasesAVrParkedAtAnEarlierOne() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        SafePoint sp = q.safePoint();
        sp.atCall();
        sp.freeze(2);
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 2; i++) sp.atCall();   // parks at 2, then (moved on) at 3
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(sp.awaitParked(in(20)));
        assertEquals(2, sp.state().calls());
        assertFalse(sp.freeze(3).parked(), "released from call 2 at once");
        assertTrue(sp.awaitParked(in(20)));
        assertEquals(3, sp.state().calls(), "parked again, at the new target");
        assertFalse(loop.isDone());
        sp.thaw();
        loop.get(20, TimeUnit.SECONDS);
    }

    @Test
    void anEvictedVrThrowsAtItsSafePoint() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        SafePoint sp = q.safePoint();
        CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() -> {
            try {
                q.take(Pattern.ANYTHING, -1);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        sp.freeze(0);
        assertTrue(sp.awaitParked(in(20)));
        Error moved = new Error("moved");
        sp.evict(moved);
        assertSame(moved, thrown.get(20, TimeUnit.SECONDS));
        assertThrows(Error.class, sp::atCall, "and at every later safe point");
    }
}
