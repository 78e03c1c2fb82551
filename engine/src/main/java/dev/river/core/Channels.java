package dev.river.core;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending side of one VR's channels: the sequence number of the last message it sent to each
 * destination VR. Receivers use these numbers (see {@link MessageQueue#append}) to keep each sender's
 * messages in order and to deliver each exactly once, also when a message reaches a migrated VR by a
 * detour through its old VM while later ones take the direct route. Checkpoints read them to know
 * how many messages each channel must have delivered before its receiver's queue is saved.
 *
 * <p>Threads: any thread of the owning VR may send; the counters are atomic.
 */
final class Channels {
    private final Map<UUID, AtomicLong> sent = new ConcurrentHashMap<>();

    /** The next sequence number on the channel to {@code dest}; numbers start at 1 and never skip. */
    long next(UUID dest) {
        return sent.computeIfAbsent(dest, d -> new AtomicLong()).incrementAndGet();
    }

    /** Destination -> number of messages sent to it so far. */
    Map<UUID, Long> snapshot() {
        Map<UUID, Long> out = new HashMap<>();
        sent.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Continues from saved counters (a VR restored from a checkpoint, or migrated). */
    void restore(Map<UUID, Long> counters) {
        sent.clear();
        counters.forEach((k, v) -> sent.put(k, new AtomicLong(v)));
    }
}
