package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The collective algorithms of rMPI, on packed data over a communicator's collective context. Each
 * works for any number of ranks, powers of two or not:
 * <ul>
 *   <li>barrier: dissemination (ceil(log2 p) rounds);</li>
 *   <li>bcast, reduce, gather, scatter: binomial trees (log2 p rounds); reduce keeps rank order for
 *       non-commutative operators by reducing towards rank 0;</li>
 *   <li>allReduce: recursive doubling (small data, any operator), or a ring reduce-scatter plus ring
 *       allgather (large data, commutative operators: bandwidth-optimal);</li>
 *   <li>allGather: Bruck (small data, log2 p rounds) or ring (large data); allGatherv: ring;</li>
 *   <li>allToAll(v): pairwise exchange (p - 1 rounds, each rank sends and receives once per round);</li>
 *   <li>scan, exScan: recursive doubling; reduceScatter: reduce to rank 0, then scatterv;</li>
 *   <li>gatherv, scatterv: direct (the root talks to each rank).</li>
 * </ul>
 * A null send buffer means MPI_IN_PLACE. See docs/mpi.md for the reasoning and costs.
 * The reductions (reduce, allReduce, scan, exScan, reduceScatter) are implemented in
 * {@link ReduceCollectives}; their public entry points stay here.
 *
 * <p>Internal: called by {@code mpi.Comm} / {@code mpi.Intracomm}.
 */
public final class Collectives {
    /** allGather uses Bruck below this many bytes in total, the ring above. */
    static final int BRUCK_ALLGATHER_BYTES = 64 * 1024;

    private Collectives() {}

    // ---------------------------------------------------------------- barrier, bcast

    public static void barrier(CommCore c, int tag) {
        int p = c.size(), me = c.me;
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int d = 1; d < p; d <<= 1) {
            Req r = c.recvBytes((me - d + p) % p, tag);
            Req s = c.sendBytes((me + d) % p, tag, empty);
            c.await(r);
            c.await(s);
        }
    }

    public static void bcast(CommCore c, int tag, Object buf, int count, Layout type, int root) {
        int p = c.size();
        c.checkRank(root, false, "bcast root");
        int vr = rel(c.me, root, p);
        ByteBuffer data = vr == 0 ? CommCore.pack(buf, 0, count, type, "bcast") : null;
        int mask = 1;
        while (mask < p) {
            if ((vr & mask) != 0) {
                Req r = c.recvBytes(abs(vr - mask, root, p), tag);
                c.await(r);
                data = Fabric.kept(r);
                break;
            }
            mask <<= 1;
        }
        List<Req> sends = new ArrayList<>();
        for (mask >>= 1; mask > 0; mask >>= 1) {
            if (vr + mask < p) sends.add(c.sendBytes(abs(vr + mask, root, p), tag, data.duplicate()));
        }
        if (vr != 0) unpackChecked(data, buf, 0, count, type, "bcast");
        for (Req s : sends) c.await(s);
    }

    // ---------------------------------------------------------------- reductions (in ReduceCollectives)

    /** MPI_Reduce; {@code sendbuf == null} is MPI_IN_PLACE at the root (its data is in recvbuf). */
    public static void reduce(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op, int root) {
        ReduceCollectives.reduce(c, tag, sendbuf, recvbuf, count, type, op, root);
    }

    /** MPI_Allreduce; {@code sendbuf == null} is MPI_IN_PLACE (the data is in recvbuf). */
    public static void allReduce(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op) {
        ReduceCollectives.allReduce(c, tag, sendbuf, recvbuf, count, type, op);
    }

    /** MPI_Scan (inclusive) or MPI_Exscan; {@code sendbuf == null} is MPI_IN_PLACE. */
    public static void scan(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op, boolean exclusive) {
        ReduceCollectives.scan(c, tag, sendbuf, recvbuf, count, type, op, exclusive);
    }

    /** MPI_Reduce_scatter: the reduced vector's block {@code i} ({@code counts[i]} items) ends at rank i. */
    public static void reduceScatter(CommCore c, int tag, Object sendbuf, Object recvbuf, int[] counts, Layout type, ReduceFn op) {
        ReduceCollectives.reduceScatter(c, tag, sendbuf, recvbuf, counts, type, op);
    }

    // ---------------------------------------------------------------- gather, scatter

    /**
     * MPI_Gather. {@code sendbuf == null} is MPI_IN_PLACE at the root (its block is already in place
     * in recvbuf).
     */
    public static void gather(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                              Object recvbuf, int recvcount, Layout recvtype, int root) {
        int p = c.size(), me = c.me;
        c.checkRank(root, false, "gather root");
        ByteBuffer mine = sendbuf != null ? CommCore.pack(sendbuf, 0, sendcount, sendtype, "gather")
                : CommCore.pack(recvbuf, me * recvcount, recvcount, recvtype, "gather");
        int blk = mine.remaining();
        int vr = rel(me, root, p);
        int have = subtree(vr, p);
        ByteBuffer tmp = ByteBuffer.allocate(have * blk).order(Buf.NATIVE);
        tmp.put(mine);
        for (int mask = 1; mask < p; mask <<= 1) {
            if ((vr & mask) != 0) {
                c.await(c.sendBytes(abs(vr - mask, root, p), tag, tmp.slice(0, have * blk)));
                return;
            }
            int child = vr + mask;
            if (child < p) {
                int n = Math.min(mask, p - child);
                c.await(c.recvInto(abs(child, root, p), tag, tmp.slice(mask * blk, n * blk)));
            }
        }
        for (int j = 0; j < p; j++) {
            int r = abs(j, root, p);
            if (sendbuf == null && r == root) continue;
            unpackChecked(tmp.slice(j * blk, blk).order(Buf.NATIVE), recvbuf, r * recvcount, recvcount, recvtype, "gather");
        }
    }

    /** MPI_Gatherv. {@code sendbuf == null} is MPI_IN_PLACE at the root. */
    public static void gatherv(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                               Object recvbuf, int[] recvcounts, int[] displs, Layout recvtype, int root) {
        int p = c.size(), me = c.me;
        c.checkRank(root, false, "gatherv root");
        if (me != root) {
            c.await(c.sendBytes(root, tag, CommCore.pack(sendbuf, 0, sendcount, sendtype, "gatherv")));
            return;
        }
        checkVector(recvcounts, displs, p, "gatherv");
        List<Req> recvs = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            if (r == me) continue;
            recvs.add(c.fabric.irecv(c.coll, r, c.group[r], tag,
                    new Cursor(Buf.of(recvbuf, recvtype.base), displs[r] * recvtype.extent, recvcounts[r], recvtype, "gatherv"), "gatherv"));
        }
        if (sendbuf != null) {
            ByteBuffer mine = CommCore.pack(sendbuf, 0, sendcount, sendtype, "gatherv");
            unpackChecked(mine, recvbuf, displs[me], recvcounts[me], recvtype, "gatherv");
        }
        for (Req r : recvs) c.await(r);
    }

    /** MPI_Scatter. {@code recvbuf == null} is MPI_IN_PLACE at the root (it keeps its block in sendbuf). */
    public static void scatter(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                               Object recvbuf, int recvcount, Layout recvtype, int root) {
        int p = c.size(), me = c.me;
        c.checkRank(root, false, "scatter root");
        int vr = rel(me, root, p);
        ByteBuffer tmp;
        int blk;
        if (vr == 0) {
            blk = sendcount * sendtype.packedBytes();
            tmp = ByteBuffer.allocate(p * blk).order(Buf.NATIVE);
            for (int j = 0; j < p; j++) tmp.put(CommCore.pack(sendbuf, abs(j, root, p) * sendcount, sendcount, sendtype, "scatter"));
            tmp.flip();
        } else {
            blk = recvcount * recvtype.packedBytes();
            tmp = ByteBuffer.allocate(subtree(vr, p) * blk).order(Buf.NATIVE);
        }
        int mask = 1;
        while (mask < p) {
            if ((vr & mask) != 0) {
                c.await(c.recvInto(abs(vr - mask, root, p), tag, tmp.duplicate().clear()));
                break;
            }
            mask <<= 1;
        }
        List<Req> sends = new ArrayList<>();
        for (mask >>= 1; mask > 0; mask >>= 1) {
            if (vr + mask < p) {
                int n = Math.min(mask, p - vr - mask);
                sends.add(c.sendBytes(abs(vr + mask, root, p), tag, tmp.slice(mask * blk, n * blk)));
            }
        }
        if (recvbuf != null) unpackChecked(tmp.slice(0, blk).order(Buf.NATIVE), recvbuf, 0, recvcount, recvtype, "scatter");
        for (Req s : sends) c.await(s);
    }

    /** MPI_Scatterv. {@code recvbuf == null} is MPI_IN_PLACE at the root. */
    public static void scatterv(CommCore c, int tag, Object sendbuf, int[] sendcounts, int[] displs, Layout sendtype,
                                Object recvbuf, int recvcount, Layout recvtype, int root) {
        int p = c.size(), me = c.me;
        c.checkRank(root, false, "scatterv root");
        if (me != root) {
            c.await(c.fabric.irecv(c.coll, root, c.group[root], tag,
                    new Cursor(Buf.of(recvbuf, recvtype.base), 0, recvcount, recvtype, "scatterv"), "scatterv"));
            return;
        }
        checkVector(sendcounts, displs, p, "scatterv");
        List<Req> sends = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            if (r == me) continue;
            sends.add(c.fabric.isend(c.coll, me, tag, c.group[r],
                    new Cursor(Buf.of(sendbuf, sendtype.base), displs[r] * sendtype.extent, sendcounts[r], sendtype, "scatterv"), Fabric.Mode.STANDARD));
        }
        if (recvbuf != null) {
            ByteBuffer mine = CommCore.pack(sendbuf, displs[me], sendcounts[me], sendtype, "scatterv");
            unpackChecked(mine, recvbuf, 0, recvcount, recvtype, "scatterv");
        }
        for (Req s : sends) c.await(s);
    }

    // ---------------------------------------------------------------- allgather, alltoall

    /** MPI_Allgather. {@code sendbuf == null} is MPI_IN_PLACE (every rank's block is in place in recvbuf). */
    public static void allGather(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                                 Object recvbuf, int recvcount, Layout recvtype) {
        int p = c.size(), me = c.me;
        ByteBuffer mine = sendbuf != null ? CommCore.pack(sendbuf, 0, sendcount, sendtype, "allGather")
                : CommCore.pack(recvbuf, me * recvcount, recvcount, recvtype, "allGather");
        int blk = mine.remaining();
        ByteBuffer all = ByteBuffer.allocate(p * blk).order(Buf.NATIVE);
        if ((long) p * blk < BRUCK_ALLGATHER_BYTES) {
            // Bruck: after round k each rank holds the blocks of ranks me .. me + 2^(k+1) - 1
            all.put(mine);
            for (int k = 1; k < p; k <<= 1) {
                int n = Math.min(k, p - k);
                c.exchange((me - k + p) % p, all.slice(0, n * blk), (me + k) % p, all.slice(k * blk, n * blk), tag);
            }
            for (int j = 0; j < p; j++) {
                int r = (me + j) % p;
                if (sendbuf == null && r == me) continue;
                unpackChecked(all.slice(j * blk, blk).order(Buf.NATIVE), recvbuf, r * recvcount, recvcount, recvtype, "allGather");
            }
            return;
        }
        int[] counts = new int[p], offsets = new int[p];
        for (int r = 0; r < p; r++) {
            counts[r] = blk;
            offsets[r] = r * blk;
        }
        all.put(me * blk, mine, 0, blk);
        ringGather(c, tag, all, counts, offsets);
        for (int r = 0; r < p; r++) {
            if (sendbuf == null && r == me) continue;
            unpackChecked(all.slice(r * blk, blk).order(Buf.NATIVE), recvbuf, r * recvcount, recvcount, recvtype, "allGather");
        }
    }

    /** MPI_Allgatherv. {@code sendbuf == null} is MPI_IN_PLACE. */
    public static void allGatherv(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                                  Object recvbuf, int[] recvcounts, int[] displs, Layout recvtype) {
        int p = c.size(), me = c.me;
        checkVector(recvcounts, displs, p, "allGatherv");
        int item = recvtype.packedBytes();
        int[] counts = new int[p], offsets = new int[p];
        int total = 0;
        for (int r = 0; r < p; r++) {
            counts[r] = recvcounts[r] * item;
            offsets[r] = total;
            total += counts[r];
        }
        ByteBuffer mine = sendbuf != null ? CommCore.pack(sendbuf, 0, sendcount, sendtype, "allGatherv")
                : CommCore.pack(recvbuf, displs[me], recvcounts[me], recvtype, "allGatherv");
        if (mine.remaining() != counts[me]) {
            throw new MpiError(MpiError.ERR_COUNT, "allGatherv: this rank sends " + mine.remaining() + " bytes but recvcounts["
                    + me + "] announces " + counts[me]);
        }
        ByteBuffer all = ByteBuffer.allocate(total).order(Buf.NATIVE);
        all.put(offsets[me], mine, 0, counts[me]);
        ringGather(c, tag, all, counts, offsets);
        for (int r = 0; r < p; r++) {
            if (sendbuf == null && r == me) continue;
            unpackChecked(all.slice(offsets[r], counts[r]).order(Buf.NATIVE), recvbuf, displs[r], recvcounts[r], recvtype, "allGatherv");
        }
    }

    /** Ring allgather of byte blocks: in step s each rank passes block (me - s) to its right neighbour. */
    private static void ringGather(CommCore c, int tag, ByteBuffer all, int[] counts, int[] offsets) {
        int p = c.size(), me = c.me, right = (me + 1) % p, left = (me - 1 + p) % p;
        for (int step = 0; step < p - 1; step++) {
            int send = Math.floorMod(me - step, p), recv = Math.floorMod(me - step - 1, p);
            c.exchange(right, all.slice(offsets[send], counts[send]), left, all.slice(offsets[recv], counts[recv]), tag);
        }
    }

    /** MPI_Alltoall: block r of sendbuf goes to rank r, whose block me lands in block me of its recvbuf. */
    public static void allToAll(CommCore c, int tag, Object sendbuf, int sendcount, Layout sendtype,
                                Object recvbuf, int recvcount, Layout recvtype) {
        int p = c.size();
        int[] sc = new int[p], sd = new int[p], rc = new int[p], rd = new int[p];
        for (int r = 0; r < p; r++) {
            sc[r] = sendcount;
            sd[r] = r * sendcount;
            rc[r] = recvcount;
            rd[r] = r * recvcount;
        }
        allToAllv(c, tag, sendbuf, sc, sd, sendtype, recvbuf, rc, rd, recvtype);
    }

    /** MPI_Alltoallv by pairwise exchange: in round i, send to me + i and receive from me - i. */
    public static void allToAllv(CommCore c, int tag, Object sendbuf, int[] sendcounts, int[] sdispls, Layout sendtype,
                                 Object recvbuf, int[] recvcounts, int[] rdispls, Layout recvtype) {
        int p = c.size(), me = c.me;
        checkVector(sendcounts, sdispls, p, "allToAllv send");
        checkVector(recvcounts, rdispls, p, "allToAllv receive");
        ByteBuffer self = CommCore.pack(sendbuf, sdispls[me], sendcounts[me], sendtype, "allToAll");
        unpackChecked(self, recvbuf, rdispls[me], recvcounts[me], recvtype, "allToAll");
        for (int i = 1; i < p; i++) {
            int dst = (me + i) % p, src = (me - i + p) % p;
            Req r = c.fabric.irecv(c.coll, src, c.group[src], tag,
                    new Cursor(Buf.of(recvbuf, recvtype.base), rdispls[src] * recvtype.extent, recvcounts[src], recvtype, "allToAll"), "allToAll");
            Req s = c.fabric.isend(c.coll, me, tag, c.group[dst],
                    new Cursor(Buf.of(sendbuf, sendtype.base), sdispls[dst] * sendtype.extent, sendcounts[dst], sendtype, "allToAll"), Fabric.Mode.STANDARD);
            c.await(r);
            c.await(s);
        }
    }

    // ---------------------------------------------------------------- communicator creation support

    /** Allgather of one int per rank (for split, createGroup-free agreements); returns them by rank. */
    static int[] allGatherInts(CommCore c, int[] mine) {
        int p = c.size(), n = mine.length;
        int[] all = new int[p * n];
        Layout ints = Layout.basic(Base.INT);
        System.arraycopy(mine, 0, all, c.me * n, n);
        allGather(c, c.nextTag(), null, 0, ints, all, n, ints);
        return all;
    }

    /** The maximum of one int over the communicator. */
    static int allMax(CommCore c, int value) {
        int[] v = {value};
        allReduce(c, c.nextTag(), null, v, 1, Layout.basic(Base.INT), Reductions.of(Reductions.Kind.MAX));
        return v[0];
    }

    // ---------------------------------------------------------------- helpers

    static int rel(int rank, int root, int p) {
        return (rank - root + p) % p;
    }

    static int abs(int vrank, int root, int p) {
        return (vrank + root) % p;
    }

    /** Ranks in the binomial subtree of relative rank {@code vr} (itself included). */
    private static int subtree(int vr, int p) {
        int low = vr == 0 ? Integer.highestOneBit(Math.max(1, p - 1)) << 1 : Integer.lowestOneBit(vr);
        return Math.min(low, p - vr);
    }

    static void unpackChecked(ByteBuffer data, Object buf, int at, int count, Layout type, String what) {
        long room = (long) count * type.packedBytes();
        if (data.remaining() > room) {
            throw new MpiError(MpiError.ERR_TRUNCATE, what + ": " + data.remaining() + " bytes arrived but the receive buffer holds "
                    + room + " (count " + count + " of " + type + "): every rank must pass matching counts");
        }
        CommCore.unpack(data, buf, at, count, type, what);
    }

    private static void checkVector(int[] counts, int[] displs, int p, String what) {
        if (counts == null || displs == null || counts.length < p || displs.length < p) {
            throw new MpiError(MpiError.ERR_COUNT, what + ": counts and displacements need one entry per rank (" + p + ")");
        }
    }
}
