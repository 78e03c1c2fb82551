package dev.river.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
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
 *
 * <p>Messages carry their position on the channel from their sender ({@link Channels}). The queue
 * appends each sender's messages in that order and drops copies of ones it already has, so a sender's
 * messages arrive in order and exactly once even when some take a detour (forwarded from the old VM of
 * a VR that migrated) and later ones the direct route. A message that arrives ahead of a missing one is
 * held back until the gap fills; a gap that stays open for {@link #GAP_NANOS} (the missing message was
 * lost with a VM) is skipped with a warning, so one lost message never blocks a channel for good.
 */
final class MessageQueue {
    private static final System.Logger LOG = System.getLogger(MessageQueue.class.getName());
    static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("river.gap.timeout.ms", 10_000));

    /** Messages from one sender that arrived ahead of a missing predecessor, by sequence number. */
    private static final class Holdback {
        final TreeMap<Long, Envelope> waiting = new TreeMap<>();
        long since;   // System.nanoTime() when the current gap opened
    }

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
    /** Per sender UUID: the highest sequence number appended in order. Guarded by lock. */
    private final Map<UUID, Long> delivered = new HashMap<>();
    /** Per sender UUID: messages held back behind a gap. Guarded by lock. */
    private final Map<UUID, Holdback> held = new HashMap<>();
    /** Senders whose next message starts a new count, whatever its number (see {@link #restore}). Guarded by lock. */
    private final Set<UUID> resync = new HashSet<>();
    /** Once the owner has moved to another VM: where arriving messages go instead. Guarded by lock. */
    private Consumer<Envelope> forward;
    private final ClassLoader loader;

    private final SafePoint safePoint = new SafePoint(this::wake);
    private int waiters;                             // takers waiting for a message; guarded by lock

    MessageQueue(ClassLoader loader) {
        this.loader = loader;
    }

    /** Appends; false (and nothing queued) when the message would take the queue past {@code limitBytes}. */
    boolean offer(Envelope env, long limitBytes) {
        lock.lock();
        try {
            if (forward == null && bytes + env.size() > limitBytes && size > 0) {
                skip(env);
                return false;
            }
            append(env);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A refused message is gone for good: its sender's later messages must not wait for it. Under lock. */
    private void skip(Envelope env) {
        if (env.seq == 0) return;
        UUID src = env.src.uuid();
        if (env.seq != delivered.getOrDefault(src, 0L) + 1) return;   // early or a copy: never counted anyway
        long last = env.seq;
        Holdback h = held.get(src);
        if (h != null) {
            Envelope next;
            while ((next = h.waiting.remove(last + 1)) != null) {
                link(next);
                last++;
            }
            if (h.waiting.isEmpty()) held.remove(src);
        }
        delivered.put(src, last);
        changed.signalAll();
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
        lock.lock();
        try {
            if (forward != null) {
                forward.accept(env);   // under the lock, so forwarded messages keep their arrival order
                return;
            }
            releaseExpiredGaps();
            if (env.seq == 0) {
                link(env);
            } else {
                sequence(env);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code env} in its sender's order: drops a copy, holds back one that is early. Under lock. */
    private void sequence(Envelope env) {
        UUID src = env.src.uuid();
        long last = delivered.getOrDefault(src, 0L);
        boolean restart = resync.remove(src);
        if (restart) last = env.seq - 1;
        if (env.seq <= last) {
            LOG.log(System.Logger.Level.DEBUG, "dropped a second copy of message " + env.seq + " from " + env.src);
            return;
        }
        if (env.seq != last + 1) {
            Holdback h = held.computeIfAbsent(src, k -> new Holdback());
            if (h.waiting.isEmpty()) h.since = System.nanoTime();
            h.waiting.put(env.seq, env);
            return;
        }
        link(env);
        last = env.seq;
        Holdback h = held.get(src);
        if (h != null) {
            Envelope next;
            while ((next = h.waiting.remove(last + 1)) != null) {
                link(next);
                last++;
            }
            if (h.waiting.isEmpty()) {
                held.remove(src);
            } else if (h.waiting.firstKey() <= last) {
                h.waiting.headMap(last, true).clear();   // copies of messages just appended
            }
        }
        delivered.put(src, last);
    }

    /** Skips gaps that stayed open too long: their missing messages were lost (with a VM), later ones must flow. Under lock. */
    private void releaseExpiredGaps() {
        if (held.isEmpty()) return;
        long now = System.nanoTime();
        for (Iterator<Map.Entry<UUID, Holdback>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Holdback> e = it.next();
            Holdback h = e.getValue();
            if (now - h.since < GAP_NANOS) continue;
            long last = delivered.getOrDefault(e.getKey(), 0L);
            LOG.log(System.Logger.Level.WARNING, "messages " + (last + 1) + ".." + (h.waiting.firstKey() - 1) + " from "
                    + h.waiting.firstEntry().getValue().src + " never arrived (lost with a VM?); delivering the "
                    + h.waiting.size() + " that followed them");
            for (Envelope env : h.waiting.values()) link(env);
            delivered.put(e.getKey(), h.waiting.lastKey());
            it.remove();
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
            try {
                while (prev.next == null && alerts.isEmpty() && !safePoint.receivesFrozen()) {
                    releaseExpiredGaps();
                    if (prev.next != null) break;
                    // While messages are held back behind a gap, wake now and then to skip it if it expires.
                    long bound = held.isEmpty() ? Long.MAX_VALUE : GAP_NANOS / 4 + 1;
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
            List<Envelope> heldNow = new ArrayList<>();
            for (Holdback h : held.values()) heldNow.addAll(h.waiting.values());
            return new Image(snapshot(), new HashMap<>(delivered), heldNow);
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
            delivered.putAll(image.delivered());
            for (Envelope env : image.queued()) link(env);
            for (Envelope env : image.held()) sequence(env);
            resync.addAll(resyncing);
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
            for (UUID src : srcs) {
                if (delivered.containsKey(src) || held.containsKey(src)) resync.add(src);
                held.remove(src);
            }
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
            for (Holdback h : held.values()) for (Envelope env : h.waiting.values()) if (!sent.contains(env)) to.accept(env);
            held.clear();
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
            return new HashMap<>(delivered);
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
                boolean all = true;
                for (Map.Entry<UUID, Long> c : counts.entrySet()) {
                    if (delivered.getOrDefault(c.getKey(), 0L) < c.getValue()) {
                        all = false;
                        break;
                    }
                }
                if (all) return true;
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
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
