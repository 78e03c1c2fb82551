package dev.river.mpi.impl;

/**
 * Unwinds the threads of a rank that ends: the rank called {@code System.exit} (rewritten to end the
 * rank, not the engine), {@code MPI.COMM_WORLD.abort}, hit a fatal MPI error, or the job was stopped
 * because another rank failed. It is an {@link Error} so that ordinary {@code catch (Exception e)}
 * blocks in user code let it pass.
 *
 * <pre>{@code
 * try { comm.recv(buf, 1, MPI.INT, 0, 0); }
 * catch (RankTermination t) { throw t; }   // never swallow it: the rank is ending
 * }</pre>
 */
public final class RankTermination extends Error {
    private static final long serialVersionUID = 1L;
    private final int status;

    public RankTermination(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** The exit status the rank ends with. */
    public int status() {
        return status;
    }
}
