package mpi;

import dev.river.mpi.impl.AllToAllw;
import dev.river.mpi.impl.Base;
import dev.river.mpi.impl.Collectives;
import dev.river.mpi.impl.CommCore;
import dev.river.mpi.impl.Fabric;
import dev.river.mpi.impl.Layout;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.Packing;
import dev.river.mpi.impl.Req;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A communicator: a group of ranks and a private space for their messages. Point-to-point and
 * collective operations are its methods, with the names, signatures and argument order of the Open
 * MPI Java bindings. Blocking operations take Java arrays or {@link java.nio} buffers; non-blocking
 * ones take buffers ({@code MPI.newDoubleBuffer(n)} and friends).
 *
 * <pre>{@code
 * int rank = MPI.COMM_WORLD.getRank(), size = MPI.COMM_WORLD.getSize();
 * int[] token = {rank};
 * if (rank == 0) {
 *     MPI.COMM_WORLD.send(token, 1, MPI.INT, 1 % size, 7);
 *     MPI.COMM_WORLD.recv(token, 1, MPI.INT, size - 1, 7);
 * } else {
 *     MPI.COMM_WORLD.recv(token, 1, MPI.INT, rank - 1, 7);
 *     MPI.COMM_WORLD.send(token, 1, MPI.INT, (rank + 1) % size, 7);
 * }
 * }</pre>
 *
 * <p>Errors go to the communicator's error handler: by default {@link MPI#ERRORS_ARE_FATAL} ends the
 * job with a message naming the rank and the error; {@link MPI#ERRORS_RETURN} makes the calls throw
 * {@link MPIException}.
 */
public class Comm extends RootedCollectives implements Freeable {
    Comm(CommCore core, String name) {
        super(core, name);
    }

    /** Makes a communicator of the same class around a new core (dup, split, create). */
    Comm wrap(CommCore c) {
        return new Comm(c, "");
    }

    // ---------------------------------------------------------------- identity

    /** MPI_COMM_DUP: the same group with a new context. */
    public Comm dup() throws MPIException {
        MPI.check();
        try {
            Comm c = wrap(MPI.rank().dup(core()));
            c.errhandler = errhandler;
            return c;
        } catch (MpiError e) {
            throw error(e);
        }
    }

    @Override public Comm clone() {
        try {
            return dup();
        } catch (MPIException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * MPI_COMM_COMPARE: IDENT (the same communicator), CONGRUENT (same group, order and members, another
     * context), SIMILAR (same members in another order) or UNEQUAL.
     */
    public static int compare(Comm comm1, Comm comm2) throws MPIException {
        MPI.check();
        if (comm1 == comm2 || (comm1.core != null && comm1.core == comm2.core)) return MPI.IDENT;
        if (comm1.core == null || comm2.core == null) return MPI.UNEQUAL;
        int groups = Group.compare(new Group(comm1.core.group()), new Group(comm2.core.group()));
        return groups == MPI.IDENT ? MPI.CONGRUENT : groups;
    }

    /** MPI_COMM_FREE: the communicator becomes null. */
    @Override public void free() throws MPIException {
        MPI.check();
        if (this == MPI.COMM_WORLD || this == MPI.COMM_SELF) {
            throw error(new MpiError(MpiError.ERR_COMM, "cannot free " + describe()));
        }
        if (core != null) MPI.rank().release(core);
        core = null;
    }

    // ---------------------------------------------------------------- collectives without a root

    /** MPI_BARRIER (dissemination algorithm). */
    public final void barrier() throws MPIException {
        blocking(Collectives::barrier);
    }

    /** MPI_IBARRIER. */
    public final Request iBarrier() throws MPIException {
        return start(Collectives::barrier);
    }

    /** MPI_ALLGATHER: every rank gets every rank's block, in rank order (Bruck or ring algorithm). */
    public final void allGather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.allGather(c, tag, inPlace(sendbuf), sendcount, st, recvbuf, recvcount, rt));
    }

    /** MPI_ALLGATHER with MPI_IN_PLACE: each rank's own block is already in place in {@code buf}. */
    public final void allGather(Object buf, int count, Datatype type) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.allGather(c, tag, null, 0, t, buf, count, t));
    }

    /** MPI_IALLGATHER. */
    public final Request iAllGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.allGather(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, rt));
    }

    /** MPI_IALLGATHER with MPI_IN_PLACE. */
    public final Request iAllGather(Buffer buf, int count, Datatype type) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.allGather(c, tag, null, 0, t, buf, count, t));
    }

    /** MPI_ALLGATHERV (ring algorithm). */
    public final void allGatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int[] recvcount, int[] displs,
                                 Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.allGatherv(c, tag, inPlace(sendbuf), sendcount, st, recvbuf, recvcount, displs, rt));
    }

    /** MPI_ALLGATHERV with MPI_IN_PLACE. */
    public final void allGatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype) throws MPIException {
        Layout rt = use(recvtype);
        blocking((c, tag) -> Collectives.allGatherv(c, tag, null, 0, rt, recvbuf, recvcount, displs, rt));
    }

    /** MPI_IALLGATHERV. */
    public final Request iAllGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int[] recvcount, int[] displs,
                                     Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.allGatherv(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, displs, rt));
    }

    /** MPI_IALLGATHERV with MPI_IN_PLACE. */
    public final Request iAllGatherv(Buffer buf, int[] count, int[] displs, Datatype type) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.allGatherv(c, tag, null, 0, t, buf, count, displs, t));
    }

    /** MPI_ALLTOALL: block j of sendbuf goes to rank j; block i of recvbuf comes from rank i (pairwise exchange). */
    public final void allToAll(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.allToAll(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, rt));
    }

    /** MPI_IALLTOALL. */
    public final Request iAllToAll(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.allToAll(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, rt));
    }

    /** MPI_ALLTOALLV. */
    public final void allToAllv(Object sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype,
                                Object recvbuf, int[] recvcount, int[] rdispls, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.allToAllv(c, tag, sendbuf, sendcount, sdispls, st, recvbuf, recvcount, rdispls, rt));
    }

    /** MPI_IALLTOALLV. */
    public final Request iAllToAllv(Buffer sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype,
                                    Buffer recvbuf, int[] recvcount, int[] rdispls, Datatype recvtype) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.allToAllv(c, tag, sendbuf, sendcount, sdispls, st, recvbuf, recvcount, rdispls, rt));
    }

    /** MPI_ALLREDUCE: every rank gets the reduction (recursive doubling, or ring for large data). */
    public final void allReduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.allReduce(c, tag, inPlace(sendbuf), recvbuf, count, t, op.fn(type)));
    }

    /** MPI_ALLREDUCE with MPI_IN_PLACE. */
    public final void allReduce(Object buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.allReduce(c, tag, null, buf, count, t, op.fn(type)));
    }

    /** MPI_IALLREDUCE. */
    public final Request iAllReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.allReduce(c, tag, sendbuf, recvbuf, count, t, op.fn(type)));
    }

    /** MPI_IALLREDUCE with MPI_IN_PLACE. */
    public final Request iAllReduce(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.allReduce(c, tag, null, buf, count, t, op.fn(type)));
    }

    /**
     * MPI_ALLTOALLW: as allToAllv, with a datatype per peer and displacements in <em>bytes</em> (as in C),
     * from direct buffers.
     */
    public final void allToAllw(Buffer sendBuf, int[] sendCount, int[] sDispls, Datatype[] sendTypes,
                                Buffer recvBuf, int[] recvCount, int[] rDispls, Datatype[] recvTypes) throws MPIException {
        Layout[] st = uses(sendTypes), rt = uses(recvTypes);
        blocking((c, tag) -> AllToAllw.run(c, tag, sendBuf, sendCount, sDispls, st, recvBuf, recvCount, rDispls, rt));
    }

    /** MPI_IALLTOALLW. */
    public final Request iAllToAllw(Buffer sendBuf, int[] sendCount, int[] sDispls, Datatype[] sendTypes,
                                    Buffer recvBuf, int[] recvCount, int[] rDispls, Datatype[] recvTypes) throws MPIException {
        Layout[] st = uses(sendTypes), rt = uses(recvTypes);
        return start((c, tag) -> AllToAllw.run(c, tag, sendBuf, sendCount, sDispls, st, recvBuf, recvCount, rDispls, rt));
    }

    private Layout[] uses(Datatype[] types) throws MPIException {
        if (types == null) throw error(new MpiError(MpiError.ERR_TYPE, "allToAllw: the datatype array is null"));
        Layout[] out = new Layout[types.length];
        for (int i = 0; i < types.length; i++) out[i] = use(types[i]);
        return out;
    }

    /** MPI_REDUCE_SCATTER: block i (recvcounts[i] items) of the reduced vector ends at rank i. */
    public final void reduceScatter(Object sendbuf, Object recvbuf, int[] recvcounts, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduceScatter(c, tag, inPlace(sendbuf), recvbuf, recvcounts, t, op.fn(type)));
    }

    /** MPI_REDUCE_SCATTER with MPI_IN_PLACE: {@code buf} holds the whole vector in, this rank's block out (at its start). */
    public final void reduceScatter(Object buf, int[] counts, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduceScatter(c, tag, null, buf, counts, t, op.fn(type)));
    }

    /** MPI_IREDUCE_SCATTER. */
    public final Request iReduceScatter(Buffer sendbuf, Buffer recvbuf, int[] recvcounts, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduceScatter(c, tag, sendbuf, recvbuf, recvcounts, t, op.fn(type)));
    }

    /** MPI_IREDUCE_SCATTER with MPI_IN_PLACE. */
    public final Request iReduceScatter(Buffer buf, int[] counts, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduceScatter(c, tag, null, buf, counts, t, op.fn(type)));
    }

    /** MPI_REDUCE_SCATTER_BLOCK: every rank gets {@code recvcount} items of the reduced vector. */
    public final void reduceScatterBlock(Object sendbuf, Object recvbuf, int recvcount, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduceScatter(c, tag, inPlace(sendbuf), recvbuf, blocks(c, recvcount), t, op.fn(type)));
    }

    /** MPI_REDUCE_SCATTER_BLOCK with MPI_IN_PLACE. */
    public final void reduceScatterBlock(Object buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduceScatter(c, tag, null, buf, blocks(c, count), t, op.fn(type)));
    }

    /** MPI_IREDUCE_SCATTER_BLOCK. */
    public final Request iReduceScatterBlock(Buffer sendbuf, Buffer recvbuf, int recvcount, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduceScatter(c, tag, sendbuf, recvbuf, blocks(c, recvcount), t, op.fn(type)));
    }

    /** MPI_IREDUCE_SCATTER_BLOCK with MPI_IN_PLACE. */
    public final Request iReduceScatterBlock(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduceScatter(c, tag, null, buf, blocks(c, count), t, op.fn(type)));
    }

    private static int[] blocks(CommCore c, int count) {
        int[] b = new int[c.size()];
        java.util.Arrays.fill(b, count);
        return b;
    }

    /** MPI_REDUCE_LOCAL: {@code inOutBuf = inBuf op inOutBuf}, on this rank only. */
    public static void reduceLocal(Object inBuf, Object inOutBuf, int count, Datatype type, Op op) throws MPIException {
        MPI.check();
        try {
            Packing.reduceLocal(inBuf, inOutBuf, count, type.use(), op.fn(type));
        } catch (MpiError e) {
            throw MPI.worldError(e);
        }
    }


    @Override public String toString() {
        return (name == null || name.isEmpty() ? "Comm" : name) + (core == null ? "[null]" : "[rank " + core.me + " of " + core.size() + "]");
    }
}
