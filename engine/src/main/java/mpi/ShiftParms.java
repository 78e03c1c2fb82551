package mpi;

/**
 * The result of {@link CartComm#shift}: the rank to receive from and the rank to send to
 * ({@code MPI.PROC_NULL} off the edge of a non-periodic dimension).
 *
 * <pre>{@code
 * ShiftParms s = grid.shift(0, 1);
 * grid.sendRecv(a, n, MPI.INT, s.getRankDest(), 0, b, n, MPI.INT, s.getRankSource(), 0);
 * }</pre>
 */
public final class ShiftParms {
    private final int source, dest;

    ShiftParms(int source, int dest) {
        this.source = source;
        this.dest = dest;
    }

    public int getRankSource() {
        return source;
    }

    public int getRankDest() {
        return dest;
    }
}
