package dev.river.mpi.impl;

/**
 * MPI_ALLTOALLW: the most general all-to-all; the block for each peer has its own count, datatype and
 * displacement, displacements in bytes (as in C). Pairwise exchange: in step i a rank sends to
 * {@code me+i} and receives from {@code me-i}, so every pair talks once and nobody waits on a cycle.
 *
 * <p>Internal: the runtime behind {@code mpi.Comm.allToAllw} and {@code iAllToAllw}.
 */
public final class AllToAllw {
    private AllToAllw() {
    }

    public static void run(CommCore c, int tag, Object sendbuf, int[] sendcounts, int[] sdispls, Layout[] sendtypes,
                           Object recvbuf, int[] recvcounts, int[] rdispls, Layout[] recvtypes) {
        int p = c.size(), me = c.me;
        check(sendcounts, sdispls, sendtypes, p, "allToAllw send");
        check(recvcounts, rdispls, recvtypes, p, "allToAllw receive");
        for (int i = 0; i < p; i++) {
            int dst = (me + i) % p, src = (me - i + p) % p;
            Req r = c.fabric.irecv(c.coll, src, c.group[src], tag, cursor(recvbuf, rdispls[src], recvcounts[src], recvtypes[src], src), "allToAllw");
            Req s = c.fabric.isend(c.coll, me, tag, c.group[dst], cursor(sendbuf, sdispls[dst], sendcounts[dst], sendtypes[dst], dst),
                    Fabric.Mode.STANDARD);
            c.await(r);
            c.await(s);
        }
    }

    private static Cursor cursor(Object buf, int displBytes, int count, Layout type, int peer) {
        int k = type.base.bytes;
        if (displBytes < 0 || displBytes % k != 0) {
            throw new MpiError(MpiError.ERR_ARG, "allToAllw: displacement " + displBytes + " bytes for rank " + peer
                    + " is not a non-negative multiple of the " + type.base + " element size (" + k + " bytes)");
        }
        return new Cursor(Buf.of(buf, type.base), displBytes / k, count, type, "allToAllw");
    }

    private static void check(int[] counts, int[] displs, Layout[] types, int p, String what) {
        if (counts == null || displs == null || types == null || counts.length < p || displs.length < p || types.length < p) {
            throw new MpiError(MpiError.ERR_COUNT, what + ": counts, displacements and datatypes need one entry per rank (" + p + ")");
        }
    }
}
