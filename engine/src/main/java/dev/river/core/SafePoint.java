package dev.river.core;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where and when one VR may be frozen (for a checkpoint or a migration). Java cannot save a thread's
 * stack, so a VR is frozen only at a <em>safe point</em>, where its fields hold all its progress and a
 * copy restored from them resumes by re-entering {@code main}:
 *
 * <ul>
 *   <li>an "event loop" VR (one that never called {@link VirtualResource#checkpoint()}) at each
 *       receive ({@code recv} or {@code poll}), before it takes a message;</li>
 *   <li>a "loop" VR (one that did) only in {@code checkpoint()}, and only at the call whose number the
 *       coordinator chose (the <em>target</em>): every VR of a lockstep computation then stops at the
 *       same iteration, so none waits for a message that a frozen neighbour would send later.</li>
 * </ul>
 *
 * <p>Threads: the VR's own threads pass safe points ({@link #atReceive}, {@link #atCall}); control
 * threads request and release freezes. All state is guarded by {@link #lock}; the VR's queue reads
 * {@link #receivesFrozen} without it and is woken through {@code wakeQueue}.
 */
final class SafePoint {
    /** How a VR is frozen: at receives, or at checkpoint() calls. */
    enum Style { EVENT_LOOP, LOOP }

    /** A snapshot for the coordinator and status displays. */
    record State(Style style, long calls, boolean requested, long target, boolean parked, boolean ended) {
        /** A loop VR that already made the target call (or more) without parking: it needs a later target. */
        boolean passed(long wanted) {
            return style == Style.LOOP && wanted > 0 && calls >= wanted && !(parked && calls == wanted);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Runnable wakeQueue;
    private boolean requested;     // a freeze is asked for
    private long target;           // LOOP: park at this call number; 0 = none chosen yet
    private long calls;            // checkpoint() calls so far (carried over by restores)
    private Style style = Style.EVENT_LOOP;
    private boolean parked;        // the VR's thread waits at a safe point
    private boolean ended;         // main returned (or failed)
    private volatile Error evicted;   // thrown at the parked thread: the VR now lives elsewhere
    private volatile boolean receivesFrozen;   // requested && EVENT_LOOP: receives must park

    SafePoint(Runnable wakeQueue) {
        this.wakeQueue = wakeQueue;
    }

    // ---------------------------------------------------------------- the VR's side

    /**
     * A receive is about to look at the queue: an event-loop VR parks here while a freeze is requested.
     * Returns the nanoseconds spent parked, by which the receive extends its timeout (a freeze stops
     * the VR's clock).
     */
    long atReceive() throws InterruptedException {
        if (!receivesFrozen && evicted == null) return 0;
        long t0 = System.nanoTime();
        lock.lock();
        try {
            park(() -> requested && style == Style.EVENT_LOOP);
        } finally {
            lock.unlock();
        }
        return System.nanoTime() - t0;
    }

    /** A call to checkpoint(): counts it, and parks if it is the target call of a requested freeze. */
    void atCall() throws InterruptedException {
        lock.lock();
        try {
            calls++;
            if (style != Style.LOOP) {
                style = Style.LOOP;
                receivesFrozen = false;
            }
            park(() -> requested && target > 0 && calls >= target);
        } finally {
            lock.unlock();
        }
    }

    /** Waits while {@code hold} is true; throws the eviction if the VR moved meanwhile. Under lock. */
    private void park(java.util.function.BooleanSupplier hold) throws InterruptedException {
        try {
            while (hold.getAsBoolean() && evicted == null) {
                if (!parked) {
                    parked = true;
                    changed.signalAll();
                }
                changed.await();
            }
        } finally {
            parked = false;
        }
        if (evicted != null) throw evicted;
    }

    /** Main has returned: nobody will park any more. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the coordinator's side

    /**
     * Requests a freeze. {@code wantedCall} is the target for a loop VR (0: none yet). A loop VR that
     * has not passed it adopts it (a parked one below it resumes, to park again there); one that has
     * passed it keeps running and reports so in the returned state.
     */
    State freeze(long wantedCall) {
        return freeze(wantedCall, false);
    }

    /** Requests a freeze at the next safe point, whatever the style (moving one VR). */
    State freezeAtNext() {
        return freeze(0, true);
    }

    private State freeze(long wantedCall, boolean next) {
        State st;
        lock.lock();
        try {
            if (next) wantedCall = calls + 1;
            requested = true;
            if (style == Style.LOOP && wantedCall > 0 && (calls < wantedCall || (parked && calls == wantedCall))) {
                target = wantedCall;
                // Parked below the new target: it runs on. Say so now, so nobody mistakes it for parked.
                if (calls < target) parked = false;
            }
            receivesFrozen = style == Style.EVENT_LOOP;
            changed.signalAll();
            st = state();
        } finally {
            lock.unlock();
        }
        wakeQueue.run();   // a receiver waiting for messages parks at once
        return st;
    }

    /** Lets the VR run on. */
    void thaw() {
        lock.lock();
        try {
            requested = false;
            target = 0;
            receivesFrozen = false;
            parked = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeQueue.run();
    }

    /** Makes the parked thread (if any, and any later one at a safe point) throw {@code e}: the VR moved. */
    void evict(Error e) {
        lock.lock();
        try {
            evicted = e;
            receivesFrozen = true;   // sends the queue's waiters through atReceive, which throws
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeQueue.run();
    }

    /** Waits until the VR parks at a safe point or ends; false if the deadline passed first. */
    boolean awaitParked(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!parked && !ended) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    State state() {
        lock.lock();
        try {
            return new State(style, calls, requested, target, parked, ended);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a freeze holds receives (read by the queue's waiters without this lock). */
    boolean receivesFrozen() {
        return receivesFrozen;
    }

    /** Continues a restored VR's count and style. */
    void restore(Style style, long calls) {
        lock.lock();
        try {
            this.style = style;
            this.calls = calls;
        } finally {
            lock.unlock();
        }
    }
}
