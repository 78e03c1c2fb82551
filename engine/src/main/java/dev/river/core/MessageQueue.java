package dev.river.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One VR's message queue with selective receive.
 *
 * <p>Threads: the VM's reader threads (and local senders) append; the VR's own threads take. Takers
 * decode and match messages <em>without</em> holding the lock, because decoding may fetch classes over
 * the network, which needs the network thread, which needs this lock to append. The list is singly
 * linked with lazy removal: a taken node is marked, and unlinked only while it has a successor, so a
 * taker parked at the tail never loses its place.
 *
 * <p>Messages carry their position on the channel from their sender ({@link Channels}); a
 * {@link ChannelOrder} puts each sender's messages through in that order and exactly once.
 */
final class MessageQueue {

    private static final class Node {
        /** Null once taken: a taken node may stay linked for a while, its payload must not. */
        volatile Envelope env;
        volatile Node next;
        final AtomicBoolean taken = new AtomicBoolean();

        Node(Envelope env) {
            this.env = env;
        }
    }

    /** About 20 µs of spinning on current x86 cores (one onSpinWait is a PAUSE, ~40-140 cycles). */
    private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 200 : 0;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Node head = new Node(null);       // sentinel, never taken
    private Node tail = head;                        // guarded by lock
    private int size;                                // guarded by lock
    private int garbage;                             // taken but still linked; guarded by lock
    private long bytes;                              // encoded size of queued messages; guarded by lock
    private final List<RiverException> alerts = new ArrayList<>();   // guarded by lock
    /** Each sender's order (seq numbers, copies, gaps). Guarded by lock. */
    private final ChannelOrder order = new ChannelOrder(this::link);
    /** Once the owner has moved to another VM: where arriving messages go instead. Guarded by lock. */
    private Consumer<Envelope> forward;
    private final ClassLoader loader;

    private final SafePoint safePoint = new SafePoint(this::wake);
    private int waiters;                             // takers waiting for a message; guarded by lock
    private int sleepers;                            // threads awaiting `changed` (takers and awaitDelivered); guarded by lock
    private volatile int alertCount;                 // alerts.size(), read without the lock on every send and receive

    MessageQueue(ClassLoader loader) {
        this.loader = loader;
    }

    /** Appends; false (and nothing queued) when the message would take the queue past {@code limitBytes}. */
    boolean offer(Envelope env, long limitBytes) {
        lock.lock();
        try {
            if (admit(env, limitBytes, false)) return true;
            changed.signalAll();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code env} unless it would take the queue past {@code limitBytes}; then its channel skips it. Under lock. */
    private boolean admit(Envelope env, long limitBytes, boolean quiet) {
        if (forward == null && bytes + env.size() > limitBytes && size > 0) {
            order.skip(env);
            return false;
        }
        append(env, quiet);
        return true;
    }

    /**
     * Appends a batch from one reader thread under one lock acquisition, and wakes a parked taker once;
     * returns the messages refused for the queue limit (see {@link #offer(Envelope, long)}), usually none.
     */
    List<Envelope> offerAll(List<Envelope> batch, long limitBytes) {
        List<Envelope> refused = List.of();
        lock.lock();
        try {
            for (Envelope env : batch) {
                if (admit(env, limitBytes, true)) continue;
                if (refused.isEmpty()) refused = new ArrayList<>(2);
                refused.add(env);
            }
            if (sleepers > 0) changed.signalAll();
            return refused;
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Where the owning VR may be frozen; receives are safe points of event-loop VRs. */
    SafePoint safePoint() {
        return safePoint;
    }

    /** Wakes waiting takers so they look at the safe point again. */
    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a thread of the owner waits for a message (status displays). */
    boolean hasWaiters() {
        lock.lock();
        try {
            return waiters > 0;
        } finally {
            lock.unlock();
        }
    }

    void append(Envelope env) {
        append(env, false);
    }

    /** {@code quiet}: the caller signals takers itself, once for a batch. */
    private void append(Envelope env, boolean quiet) {
        lock.lock();
        try {
            if (forward != null) {
                forward.accept(env);   // under the lock, so forwarded messages keep their arrival order
                return;
            }
            order.releaseExpiredGaps();
            if (env.seq == 0) {
                link(env);
            } else {
                order.arrive(env);
            }
            // A taker that is not parked finds the message by itself (it reads the list without the lock).
            if (!quiet && sleepers > 0) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code env} receivable. Under lock. */
    private void link(Envelope env) {
        Node n = new Node(env);
        bytes += env.size();
        tail.next = n;
        tail = n;
        size++;
    }

    /** Raises {@code e} in the next (or current) receive of this queue's owner. */
    void alert(RiverException e) {
        lock.lock();
        try {
            alerts.add(e);
            alertCount = alerts.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Throws the oldest pending alert, if any. */
    void checkAlerts() {
        if (alertCount == 0) return;
        lock.lock();
        try {
            if (!alerts.isEmpty()) {
                RiverException e = alerts.remove(0);
                alertCount = alerts.size();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the first message matching {@code p}; waits up to {@code timeoutNanos} (negative: forever,
     * zero: do not wait). Returns null on timeout.
     */
    Message take(Pattern p, long timeoutNanos) throws InterruptedException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        Node prev = head;
        Node cur = head.next;
        while (true) {
            long frozen = safePoint.atReceive();
            if (deadline != 0) deadline += frozen;
            checkAlerts();
            while (cur != null) {
                Envelope env = cur.env;
                if (env != null && !cur.taken.get()) {
                    Message m = decode(prev, cur, env);
                    if (p.matches(m) && cur.taken.compareAndSet(false, true)) {
                        cur.env = null;
                        unlink(prev, cur, env.size());
                        return m;
                    }
                }
                prev = cur;
                cur = cur.next;
            }
            Link.flushOwed();   // about to wait or give up: the batch this thread deferred goes now
            if (timeoutNanos == 0) return null;
            // A reply often follows within microseconds: spin briefly before parking the thread,
            // which saves the wake-up latency of a ping-pong exchange.
            for (int spin = 0; spin < SPINS && prev.next == null; spin++) Thread.onSpinWait();
            if (prev.next != null) {
                cur = prev.next;
                continue;
            }
            lock.lock();
            waiters++;
            sleepers++;
            try {
                while (prev.next == null && alerts.isEmpty() && !safePoint.receivesFrozen()) {
                    order.releaseExpiredGaps();
                    if (prev.next != null) break;
                    // While messages are held back behind a gap, wake now and then to skip it if it expires.
                    long bound = order.holding() ? ChannelOrder.GAP_NANOS / 4 + 1 : Long.MAX_VALUE;
                    if (timeoutNanos < 0) {
                        if (bound == Long.MAX_VALUE) changed.await();
                        else changed.awaitNanos(bound);
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) return null;
                        changed.awaitNanos(Math.min(left, bound));
                    }
                }
            } finally {
                waiters--;
                sleepers--;
                lock.unlock();
            }
            cur = prev.next;
        }
    }

    /** Decodes a queued message; one that cannot be decoded is removed and reported, so it never blocks the queue. */
    private Message decode(Node prev, Node cur, Envelope env) {
        try {
            return env.message(loader);
        } catch (RuntimeException | LinkageError e) {
            if (cur.taken.compareAndSet(false, true)) {
                cur.env = null;
                unlink(prev, cur, env.size());
            }
            throw new RiverException("a message from " + env.src + " could not be decoded and was dropped: "
                    + e + ". Is the sender's class available to this VR (code shipping), and are both on the same River version?", e);
        }
    }

    /** Removes and returns every queued message, encoded (for checkpoints and migration). */
    List<Envelope> drain() {
        lock.lock();
        try {
            List<Envelope> out = new ArrayList<>();
            for (Node n = head.next; n != null; n = n.next) {
                Envelope env = n.env;
                if (env != null && n.taken.compareAndSet(false, true)) {
                    n.env = null;
                    out.add(env);
                }
            }
            head.next = null;
            tail = head;
            size = 0;
            bytes = 0;
            garbage = 0;
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void unlink(Node prev, Node cur, long envBytes) {
        lock.lock();
        try {
            size--;
            bytes -= envBytes;
            if (prev.next == cur && cur.next != null) {
                prev.next = cur.next;
            } else if (++garbage > 64) {
                sweep();
            }
        } finally {
            lock.unlock();
        }
    }

    private void sweep() {
        Node p = head;
        for (Node n = head.next; n != null && n.next != null; n = p.next) {
            if (n.taken.get()) p.next = n.next;
            else p = n;
        }
        garbage = 0;
    }

    // ---------------------------------------------------------------- images (checkpoints, migration)

    /**
     * What a queue holds, for a VR's image: receivable messages in order, the in-order position of each
     * sender's channel, and messages held back behind a gap.
     */
    record Image(List<Envelope> queued, Map<UUID, Long> delivered, List<Envelope> held) {}

    /** A copy of the queue's contents; the queue is unchanged (its owner is frozen, so nothing is taken meanwhile). */
    Image image() {
        lock.lock();
        try {
            return new Image(snapshot(), order.delivered(), order.held());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fills a new queue from an image. Senders in {@code resyncing} continue from whatever number they
     * send next: after a restore they are the VRs outside the restored application, whose counts went
     * on after the checkpoint was taken.
     */
    void restore(Image image, Collection<UUID> resyncing) {
        lock.lock();
        try {
            order.restore(image.delivered());
            for (Envelope env : image.queued()) link(env);
            for (Envelope env : image.held()) order.arrive(env);
            order.resync(resyncing);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Senders in {@code srcs} were restored from a checkpoint: their counts went back to what the
     * checkpoint saved, so the next message from each starts a new count here (and what was held back
     * from their lost run is dropped).
     */
    void restart(Collection<UUID> srcs) {
        lock.lock();
        try {
            order.restart(srcs);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The owner now lives on another VM: hands every message not in {@code moved} (the image the new VM
     * got) to {@code to}, in order, and from now on every arriving message too.
     */
    void forwardTo(Consumer<Envelope> to, Collection<Envelope> moved) {
        lock.lock();
        try {
            Set<Envelope> sent = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            sent.addAll(moved);
            for (Envelope env : snapshot()) if (!sent.contains(env)) to.accept(env);
            for (Envelope env : order.held()) if (!sent.contains(env)) to.accept(env);
            order.clearHeld();
            drain();
            forward = to;
        } finally {
            lock.unlock();
        }
    }

    /** Per sender, the highest sequence number appended in order. */
    Map<UUID, Long> delivered() {
        lock.lock();
        try {
            return order.delivered();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until, for each sender in {@code counts}, every message up to that number has been appended
     * (a checkpoint's "the wire is empty" condition); false if the deadline passed first.
     */
    boolean awaitDelivered(Map<UUID, Long> counts, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (order.reached(counts)) return true;
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                sleepers++;
                try {
                    changed.awaitNanos(left);
                } finally {
                    sleepers--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the queued messages, decoded, for status displays. */
    List<Envelope> snapshot() {
        List<Envelope> out = new ArrayList<>();
        for (Node n = head.next; n != null; n = n.next) {
            Envelope env = n.env;
            if (env != null && !n.taken.get()) out.add(env);
        }
        return out;
    }
}
