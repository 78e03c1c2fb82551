package dev.river.mpi.impl;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The progress engine of a {@link Fabric}. There is no progress thread: threads that wait in an MPI
 * call make progress. One of them at a time is the poller: it spins briefly on a non-blocking select
 * (latency), then yields between polls, then blocks in {@code select()}; the others wait on the
 * fabric's condition, which the poller signals after every round. Tests make one non-blocking round.
 *
 * <p>Threads: {@link #polling} is guarded by the fabric's lock; the poller runs {@code select}
 * without it. {@link #sleeping} is read by any thread that must wake a blocked poller.
 */
final class Progress {
    private final Fabric f;
    private boolean polling;                    // some thread is the poller; guarded by mu
    private volatile boolean sleeping;          // the poller is (about to be) blocked in select()

    Progress(Fabric f) {
        this.f = f;
    }

    /** See {@link Fabric#await(BooleanSupplier)}. */
    void await(BooleanSupplier ready) {
        long start = System.nanoTime();
        f.mu.lock();
        try {
            while (true) {
                f.checkAlive();
                f.drainInbox();
                if (ready.getAsBoolean()) return;
                if (polling) {
                    f.changed.await(1, TimeUnit.SECONDS);
                    continue;
                }
                polling = true;
                try {
                    long waited = System.nanoTime() - start;
                    poll(waited < Tuning.SPIN_NANOS ? 0 : waited < Tuning.YIELD_NANOS ? 1 : 2);
                } finally {
                    polling = false;
                    f.changed.signalAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RankTermination(1, "interrupted while waiting in an MPI call");
        } finally {
            f.mu.unlock();
        }
    }

    /**
     * One round as the poller: select (without mu), then handle the ready channels (with mu).
     * {@code phase} 0 spins, 1 spins but lets other threads run between polls, 2 blocks.
     */
    private void poll(int phase) {
        int n;
        f.mu.unlock();
        try {
            if (phase < 2) {
                n = f.selector.selectNow();
                if (n == 0 && f.inboxEmpty()) {
                    if (phase == 0) Thread.onSpinWait();
                    else Thread.yield();
                }
            } else {
                sleeping = true;
                try {
                    n = f.inboxEmpty() && !f.killed() ? f.selector.select(1000) : f.selector.selectNow();
                } finally {
                    sleeping = false;
                }
            }
        } catch (IOException e) {
            throw selectFailed(e);
        } finally {
            f.mu.lock();
        }
        if (n > 0) handleSelected();
    }

    /** Non-blocking progress by whoever holds mu: the inbox, and ready sockets unless a poller is at them. */
    void progressNow() {
        f.drainInbox();
        if (polling) return;
        polling = true;
        try {
            int n;
            f.mu.unlock();
            try {
                n = f.selector.selectNow();
            } catch (IOException e) {
                throw selectFailed(e);
            } finally {
                f.mu.lock();
            }
            if (n > 0) handleSelected();
            f.drainInbox();
        } finally {
            polling = false;
            f.changed.signalAll();
        }
    }

    private MpiError selectFailed(IOException e) {
        return new MpiError(MpiError.ERR_OTHER, "rank " + f.rank + ": selecting ready connections failed: " + e.getMessage(), e);
    }

    private void handleSelected() {
        for (Iterator<SelectionKey> it = f.selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            if (!k.isValid()) continue;
            Object a = k.attachment();
            if (a == Fabric.ACCEPT) f.inbound.accept();
            else if (a instanceof InConn c) f.inbound.read(c);
            else if (a instanceof Peer p && k.isWritable()) f.outbound.flush(p);
        }
        f.changed.signalAll();
    }

    /** A sender found a socket full: a poller in select must start watching it for room. Under mu. */
    void wakeUpPoller() {
        if (polling) f.selector.wakeup();
    }

    /** Something arrived outside the sockets (local inbox, a collective's worker); any thread. */
    void wakeIfSleeping() {
        if (sleeping) f.selector.wakeup();
    }
}
