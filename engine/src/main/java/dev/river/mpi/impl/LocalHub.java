package dev.river.mpi.impl;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The fabrics of the ranks running in this JVM, by job and world rank: ranks on the same engine
 * exchange messages through memory instead of TCP. One per JVM (loaded once, by the engine's loader).
 */
final class LocalHub {
    private static final ConcurrentHashMap<String, Fabric> FABRICS = new ConcurrentHashMap<>();

    private LocalHub() {}

    static void register(String job, int rank, Fabric f) {
        FABRICS.put(job + "/" + rank, f);
    }

    static void unregister(String job, int rank, Fabric f) {
        FABRICS.remove(job + "/" + rank, f);
    }

    static Fabric find(String job, int rank) {
        return FABRICS.get(job + "/" + rank);
    }
}
