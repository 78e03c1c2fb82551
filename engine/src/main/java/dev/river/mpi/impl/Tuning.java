package dev.river.mpi.impl;

import java.util.concurrent.TimeUnit;

/**
 * The fabric's tunable sizes and wait times, read once from system properties or environment
 * variables (property first); a value that is not a number is reported and the default used.
 */
final class Tuning {
    private static final System.Logger LOG = System.getLogger(Tuning.class.getName());

    /** Read buffer of a connection; grown to {@link #LARGE_IN} once a large message arrives. */
    static final int SMALL_IN = 64 * 1024;
    static final int LARGE_IN = (int) setting("river.mpi.inbuf.kb", "RIVER_MPI_INBUF_KB", 1024) * 1024;
    /** Bytes packed per socket write. */
    static final int STAGING = (int) setting("river.mpi.staging.kb", "RIVER_MPI_STAGING_KB", 1024) * 1024;
    /** A waiting thread first spins on a non-blocking select, then also yields the CPU between polls, then blocks. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(setting("river.mpi.spin.us", "RIVER_MPI_SPIN_US", 50));
    static final long YIELD_NANOS = TimeUnit.MILLISECONDS.toNanos(setting("river.mpi.yield.ms", "RIVER_MPI_YIELD_MS", 20));
    /** Socket send/receive buffer size (the kernel caps it at net.core.wmem_max / rmem_max); 0 leaves it to the kernel. */
    static final int SOCKET_BUFFER = (int) setting("river.mpi.sockbuf.kb", "RIVER_MPI_SOCKBUF_KB", 4096) * 1024;

    private Tuning() {
    }

    private static long setting(String property, String env, long dflt) {
        String v = System.getProperty(property, System.getenv(env));
        try {
            return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, property + "=" + v + " is not a number; using " + dflt);
            return dflt;
        }
    }
}
