package dev.river.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One VR's message queue with selective receive.
 *
 * <p>Threads: the VM's network thread (and local senders) append; the VR's own threads take. Takers
 * decode and match messages <em>without</em> holding the lock, because decoding may fetch classes over
 * the network, which needs the network thread, which needs this lock to append. The list is singly
 * linked with lazy removal: a taken node is marked, and unlinked only while it has a successor, so a
 * taker parked at the tail never loses its place.
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
    private final ClassLoader loader;

    MessageQueue(ClassLoader loader) {
        this.loader = loader;
    }

    /** Appends; false (and nothing queued) when the message would take the queue past {@code limitBytes}. */
    boolean offer(Envelope env, long limitBytes) {
        lock.lock();
        try {
            if (bytes + env.size() > limitBytes && size > 0) return false;
            append(env);
            return true;
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

    void append(Envelope env) {
        Node n = new Node(env);
        lock.lock();
        try {
            bytes += env.size();
            tail.next = n;
            tail = n;
            size++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Raises {@code e} in the next (or current) receive of this queue's owner. */
    void alert(RiverException e) {
        lock.lock();
        try {
            alerts.add(e);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Throws the oldest pending alert, if any. */
    void checkAlerts() {
        lock.lock();
        try {
            if (!alerts.isEmpty()) throw alerts.remove(0);
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
            if (timeoutNanos == 0) return null;
            // A reply often follows within microseconds: spin briefly before parking the thread,
            // which saves the wake-up latency of a ping-pong exchange.
            for (int spin = 0; spin < SPINS && prev.next == null; spin++) Thread.onSpinWait();
            if (prev.next != null) {
                cur = prev.next;
                continue;
            }
            lock.lock();
            try {
                while (prev.next == null && alerts.isEmpty()) {
                    if (timeoutNanos < 0) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) return null;
                        changed.awaitNanos(left);
                    }
                }
            } finally {
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
