package dev.river.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the batches that senders deferred ({@link Link#offer}) when their senders do not: a VR that
 * sends a burst and then computes for a while, rather than waiting for a message, still has its burst
 * on the wire within about {@link #ROUND_NANOS} of its last send.
 *
 * <p>Threads: one "river-flush-…" thread per VM. It sleeps until a link asks to be watched, then comes
 * round every {@link #ROUND_NANOS} while any link is on its list. Senders only add to the list, and wake
 * the thread when it sleeps: one wake-up per burst that starts on an idle VM, none per message.
 */
final class Flusher implements AutoCloseable {
    /** How long a deferred batch waits at most for its sender (plus the scheduler's timer slack, ~50 µs on Linux). */
    static final long ROUND_NANOS = Long.getLong("river.flush.ns", 100_000);

    private final ConcurrentLinkedQueue<Link> watched = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running = true;

    Flusher(String vmName) {
        thread = new Thread(this::loop, "river-flush-" + vmName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Puts {@code link} on the list (it keeps itself from being added twice). */
    void watch(Link link) {
        watched.add(link);
        if (sleeping) LockSupport.unpark(thread);
    }

    private void loop() {
        while (running) {
            if (watched.isEmpty()) {
                sleeping = true;   // then look again: a sender adds first and checks sleeping second
                if (watched.isEmpty() && running) LockSupport.park(this);
                sleeping = false;
                continue;
            }
            LockSupport.parkNanos(this, ROUND_NANOS);
            long now = System.nanoTime();
            for (int n = watched.size(); n > 0; n--) {
                Link l = watched.poll();
                if (l == null) break;
                if (l.flushRound(now)) watched.add(l);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
