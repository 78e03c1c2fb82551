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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The per-sender order of one {@link MessageQueue}'s arrivals. Messages carry their position on the
 * channel from their sender ({@link Channels}); this puts each sender's messages through to the queue
 * in that order and exactly once, dropping copies, even when some take a detour (forwarded from the old
 * VM of a VR that migrated) and later ones the direct route. A message that arrives ahead of a missing
 * one is held back until the gap fills; a gap that stays open for {@link #GAP_NANOS} (the missing
 * message was lost with a VM) is skipped with a warning, so one lost message never blocks a channel
 * for good.
 *
 * <p>Not thread-safe: the owning queue's lock guards every call.
 */
final class ChannelOrder {
    private static final System.Logger LOG = System.getLogger(ChannelOrder.class.getName());
    static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("river.gap.timeout.ms", 10_000));

    /** Messages from one sender that arrived ahead of a missing predecessor, by sequence number. */
    private static final class Holdback {
        final TreeMap<Long, Envelope> waiting = new TreeMap<>();
        long since;   // System.nanoTime() when the current gap opened
    }

    /** The highest sequence number of one sender put through in order (a mutable cell: one lookup per message). */
    private static final class Last {
        long seq;

        Last(long seq) {
            this.seq = seq;
        }
    }

    private final Map<UUID, Last> delivered = new HashMap<>();
    private final Map<UUID, Holdback> held = new HashMap<>();
    /** Senders whose next message starts a new count, whatever its number (see {@link #resync}). */
    private final Set<UUID> resync = new HashSet<>();
    /** Puts a message through to the queue, receivable. */
    private final Consumer<Envelope> link;

    ChannelOrder(Consumer<Envelope> link) {
        this.link = link;
    }

    private long last(UUID src) {
        Last l = delivered.get(src);
        return l == null ? 0 : l.seq;
    }

    private void setLast(UUID src, long seq) {
        Last l = delivered.get(src);
        if (l == null) delivered.put(src, new Last(seq));
        else l.seq = seq;
    }

    /** Puts {@code env} (sequenced: seq > 0) through in its sender's order: drops a copy, holds back one that is early. */
    void arrive(Envelope env) {
        UUID src = env.src.uuid();
        Last cell = delivered.get(src);
        long last = cell == null ? 0 : cell.seq;
        if (!resync.isEmpty() && resync.remove(src)) last = env.seq - 1;
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
        link.accept(env);
        last = env.seq;
        Holdback h = held.isEmpty() ? null : held.get(src);
        if (h != null) {
            Envelope next;
            while ((next = h.waiting.remove(last + 1)) != null) {
                link.accept(next);
                last++;
            }
            if (h.waiting.isEmpty()) {
                held.remove(src);
            } else if (h.waiting.firstKey() <= last) {
                h.waiting.headMap(last, true).clear();   // copies of messages just put through
            }
        }
        if (cell == null) delivered.put(src, new Last(last));
        else cell.seq = last;
    }

    /** A refused message is gone for good: its sender's later messages must not wait for it. */
    void skip(Envelope env) {
        if (env.seq == 0) return;
        UUID src = env.src.uuid();
        if (env.seq != last(src) + 1) return;   // early or a copy: never counted anyway
        long last = env.seq;
        Holdback h = held.get(src);
        if (h != null) {
            Envelope next;
            while ((next = h.waiting.remove(last + 1)) != null) {
                link.accept(next);
                last++;
            }
            if (h.waiting.isEmpty()) held.remove(src);
        }
        setLast(src, last);
    }

    /** Skips gaps that stayed open too long: their missing messages were lost (with a VM), later ones must flow. */
    void releaseExpiredGaps() {
        if (held.isEmpty()) return;
        long now = System.nanoTime();
        for (Iterator<Map.Entry<UUID, Holdback>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Holdback> e = it.next();
            Holdback h = e.getValue();
            if (now - h.since < GAP_NANOS) continue;
            long last = last(e.getKey());
            LOG.log(System.Logger.Level.WARNING, "messages " + (last + 1) + ".." + (h.waiting.firstKey() - 1) + " from "
                    + h.waiting.firstEntry().getValue().src + " never arrived (lost with a VM?); delivering the "
                    + h.waiting.size() + " that followed them");
            for (Envelope env : h.waiting.values()) link.accept(env);
            setLast(e.getKey(), h.waiting.lastKey());
            it.remove();
        }
    }

    /** Whether messages wait behind a gap (a waiting taker must look again when the gap may expire). */
    boolean holding() {
        return !held.isEmpty();
    }

    /** Per sender, the highest sequence number put through in order (a copy). */
    Map<UUID, Long> delivered() {
        Map<UUID, Long> out = new HashMap<>();
        delivered.forEach((k, v) -> out.put(k, v.seq));
        return out;
    }

    /** The messages held back behind gaps (a copy). */
    List<Envelope> held() {
        List<Envelope> out = new ArrayList<>();
        for (Holdback h : held.values()) out.addAll(h.waiting.values());
        return out;
    }

    /** Continues from saved positions (a restored image). */
    void restore(Map<UUID, Long> positions) {
        positions.forEach(this::setLast);
    }

    /** The next message from each of {@code srcs} starts a new count, whatever its number. */
    void resync(Collection<UUID> srcs) {
        resync.addAll(srcs);
    }

    /** Senders restored from a checkpoint: a known sender's next message starts a new count; what it had held back is dropped. */
    void restart(Collection<UUID> srcs) {
        for (UUID src : srcs) {
            if (delivered.containsKey(src) || held.containsKey(src)) resync.add(src);
            held.remove(src);
        }
    }

    /** Drops what is held back (it went elsewhere). */
    void clearHeld() {
        held.clear();
    }

    /** Whether, for each sender in {@code counts}, every message up to that number has been put through. */
    boolean reached(Map<UUID, Long> counts) {
        for (Map.Entry<UUID, Long> c : counts.entrySet()) {
            if (last(c.getKey()) < c.getValue()) return false;
        }
        return true;
    }
}
