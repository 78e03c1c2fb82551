package dev.river.mpi.impl;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one rank sent (messages and bytes per destination world rank, collectives' internal messages
 * included) and how long its blocking collectives took, by MPI method; reported to mpirun when the
 * rank ends. Thread-safe: sends count under the fabric's lock, collectives on whichever thread ran them.
 */
public final class TrafficCounter {
    private final long[] messages;
    private final long[] bytes;
    private final Map<String, long[]> collectives = new TreeMap<>();   // name -> {calls, nanos}

    TrafficCounter(int size) {
        messages = new long[size];
        bytes = new long[size];
    }

    synchronized void sent(int dest, long n) {
        messages[dest]++;
        bytes[dest] += n;
    }

    synchronized void collective(String name, long nanos) {
        long[] c = collectives.computeIfAbsent(name, k -> new long[2]);
        c[0]++;
        c[1] += nanos;
    }

    public synchronized long[] messages() {
        return messages.clone();
    }

    public synchronized long[] bytes() {
        return bytes.clone();
    }

    /** Collective names, in order; {@link #collectiveCalls()} and {@link #collectiveNanos()} match them. */
    public synchronized String[] collectiveNames() {
        return collectives.keySet().toArray(String[]::new);
    }

    public synchronized long[] collectiveCalls() {
        return collectives.values().stream().mapToLong(c -> c[0]).toArray();
    }

    public synchronized long[] collectiveNanos() {
        return collectives.values().stream().mapToLong(c -> c[1]).toArray();
    }
}
