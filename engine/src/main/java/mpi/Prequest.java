package mpi;

import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.Req;

/**
 * A persistent request (sendInit, recvInit, ...): set up once, then {@link #start()} it as often as
 * needed; each start runs the operation again, and waiting makes it inactive until the next start.
 *
 * <pre>{@code
 * Prequest halo = comm.sendInit(edge, n, MPI.DOUBLE, right, 0);
 * for (int step = 0; step < steps; step++) {
 *     halo.start();
 *     ...
 *     halo.waitFor();
 * }
 * halo.free();
 * }</pre>
 */
public final class Prequest extends Request {
    /** Starts the operation once more. */
    interface Operation {
        Req start();
    }

    private final Operation op;
    private boolean freed;

    Prequest(Operation op, Comm comm) {
        super(null, comm);
        this.op = op;
    }

    /** MPI_START: runs the operation; the request must be inactive. */
    public void start() throws MPIException {
        MPI.check();
        if (freed) throw comm.error(new MpiError(MpiError.ERR_REQUEST, "start: the persistent request has been freed"));
        if (req != null) throw comm.error(new MpiError(MpiError.ERR_REQUEST, "start: the persistent request is still active; wait for it first"));
        try {
            req = op.start();
        } catch (MpiError e) {
            throw comm.error(e);
        }
    }

    /** MPI_STARTALL. */
    public static void startAll(Prequest[] requests) throws MPIException {
        for (Prequest p : requests) p.start();
    }

    @Override boolean reusable() {
        return !freed;
    }

    @Override public void free() throws MPIException {
        super.free();
        freed = true;
    }
}
