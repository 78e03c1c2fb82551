package dev.river.mpi.impl;

/**
 * A pending operation of the rMPI runtime (a send, a receive, or a non-blocking collective) and,
 * once done, its status: source, tag, bytes, whether it was cancelled, and the error it ended with.
 *
 * <p>Threads: completed by whichever thread makes progress (under the fabric's lock) or by a
 * collective's worker; {@link #done} is volatile so any thread may test it.
 *
 * <p>Internal: {@code mpi.Request} wraps one.
 */
public abstract class Req {
    /** Source and tag values of a status with nothing in it (MPI's empty status). */
    public static final int ANY = -1, PROC_NULL = -2;

    volatile boolean done;
    int source = ANY;
    int tag = ANY;
    long bytes;
    boolean cancelled;
    MpiError error;

    public final boolean isDone() {
        return done;
    }

    /** The communicator rank that sent the message (receives), or the rank it was sent to (sends). */
    public final int source() {
        return source;
    }

    public final int tag() {
        return tag;
    }

    /** Packed bytes received (receives) or sent (sends). */
    public final long bytes() {
        return bytes;
    }

    public final boolean cancelled() {
        return cancelled;
    }

    /** The error the operation ended with, or null. */
    public final MpiError error() {
        return error;
    }

    /** Marks the operation done; callers hold the fabric lock or call {@link Fabric#completed}. */
    final void finish(MpiError e) {
        if (e != null && error == null) error = e;
        done = true;
    }

    /** A request that is already complete (MPI.PROC_NULL operations, zero-size collectives). */
    public static Req completed(int source, int tag) {
        Req r = new Req() {};
        r.source = source;
        r.tag = tag;
        r.done = true;
        return r;
    }
}
