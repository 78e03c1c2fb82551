package mpi;

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
 * The collectives with a root (bcast, gather, scatter and their v and non-blocking forms, reduce).
 * The public methods appear on {@link Comm}.
 */
abstract class RootedCollectives extends PointToPoint {
    RootedCollectives(CommCore core, String name) {
        super(core, name);
    }

    /** MPI_BCAST from {@code root} (binomial tree). */
    public final void bcast(Object buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.bcast(c, tag, buf, count, t, root));
    }

    /** MPI_IBCAST. */
    public final Request iBcast(Buffer buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.bcast(c, tag, buf, count, t, root));
    }

    /** MPI_GATHER to {@code root}: block i of recvbuf (at the root) comes from rank i. */
    public final void gather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.gather(c, tag, inPlace(sendbuf), sendcount, st, recvbuf, recvcount, rt, root));
    }

    /** MPI_GATHER with MPI_IN_PLACE: the root receives into {@code buf} (its own block in place), others send from it. */
    public final void gather(Object buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> {
            if (c.me == root) Collectives.gather(c, tag, null, 0, t, buf, count, t, root);
            else Collectives.gather(c, tag, buf, count, t, null, count, t, root);
        });
    }

    /** MPI_IGATHER. */
    public final Request iGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.gather(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
    }

    /** MPI_IGATHER with MPI_IN_PLACE. */
    public final Request iGather(Buffer buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> {
            if (c.me == root) Collectives.gather(c, tag, null, 0, t, buf, count, t, root);
            else Collectives.gather(c, tag, buf, count, t, null, count, t, root);
        });
    }

    /** MPI_GATHERV: rank i's data lands at displs[i] (in items of recvtype) of the root's recvbuf. */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int[] recvcount, int[] displs,
                              Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.gatherv(c, tag, inPlace(sendbuf), sendcount, st, recvbuf, recvcount, displs, rt, root));
    }

    /** MPI_GATHERV with MPI_IN_PLACE, at the root. */
    public final void gatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root) throws MPIException {
        Layout rt = use(recvtype);
        blocking((c, tag) -> Collectives.gatherv(c, tag, null, 0, rt, recvbuf, recvcount, displs, rt, root));
    }

    /** MPI_GATHERV with MPI_IN_PLACE, at the other ranks. */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        Layout st = use(sendtype);
        blocking((c, tag) -> Collectives.gatherv(c, tag, sendbuf, sendcount, st, null, null, null, st, root));
    }

    /** MPI_IGATHERV. */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int[] recvcount, int[] displs,
                                  Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.gatherv(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, displs, rt, root));
    }

    /** MPI_IGATHERV with MPI_IN_PLACE, at the root. */
    public final Request iGatherv(Buffer recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root) throws MPIException {
        Layout rt = use(recvtype);
        return start((c, tag) -> Collectives.gatherv(c, tag, null, 0, rt, recvbuf, recvcount, displs, rt, root));
    }

    /** MPI_IGATHERV with MPI_IN_PLACE, at the other ranks. */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        Layout st = use(sendtype);
        return start((c, tag) -> Collectives.gatherv(c, tag, sendbuf, sendcount, st, null, null, null, st, root));
    }

    /** MPI_SCATTER from {@code root}: block i of sendbuf goes to rank i. */
    public final void scatter(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.scatter(c, tag, sendbuf, sendcount, st, inPlace(recvbuf), recvcount, rt, root));
    }

    /** MPI_SCATTER with MPI_IN_PLACE: the root sends from {@code buf} (keeping its block), others receive into it. */
    public final void scatter(Object buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> {
            if (c.me == root) Collectives.scatter(c, tag, buf, count, t, null, count, t, root);
            else Collectives.scatter(c, tag, null, count, t, buf, count, t, root);
        });
    }

    /** MPI_ISCATTER. */
    public final Request iScatter(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.scatter(c, tag, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
    }

    /** MPI_ISCATTER with MPI_IN_PLACE. */
    public final Request iScatter(Buffer buf, int count, Datatype type, int root) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> {
            if (c.me == root) Collectives.scatter(c, tag, buf, count, t, null, count, t, root);
            else Collectives.scatter(c, tag, null, count, t, buf, count, t, root);
        });
    }

    /** MPI_SCATTERV: rank i gets sendcount[i] items from displs[i] of the root's sendbuf. */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype,
                               Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        blocking((c, tag) -> Collectives.scatterv(c, tag, sendbuf, sendcount, displs, st, inPlace(recvbuf), recvcount, rt, root));
    }

    /** MPI_SCATTERV with MPI_IN_PLACE, at the root. */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root) throws MPIException {
        Layout st = use(sendtype);
        blocking((c, tag) -> Collectives.scatterv(c, tag, sendbuf, sendcount, displs, st, null, 0, st, root));
    }

    /** MPI_SCATTERV with MPI_IN_PLACE, at the other ranks. */
    public final void scatterv(Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout rt = use(recvtype);
        blocking((c, tag) -> Collectives.scatterv(c, tag, null, null, null, rt, recvbuf, recvcount, rt, root));
    }

    /** MPI_ISCATTERV. */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype,
                                   Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout st = use(sendtype), rt = use(recvtype);
        return start((c, tag) -> Collectives.scatterv(c, tag, sendbuf, sendcount, displs, st, recvbuf, recvcount, rt, root));
    }

    /** MPI_ISCATTERV with MPI_IN_PLACE, at the root. */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root) throws MPIException {
        Layout st = use(sendtype);
        return start((c, tag) -> Collectives.scatterv(c, tag, sendbuf, sendcount, displs, st, null, 0, st, root));
    }

    /** MPI_ISCATTERV with MPI_IN_PLACE, at the other ranks. */
    public final Request iScatterv(Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        Layout rt = use(recvtype);
        return start((c, tag) -> Collectives.scatterv(c, tag, null, null, null, rt, recvbuf, recvcount, rt, root));
    }

    /** MPI_REDUCE to {@code root} (binomial tree; rank order kept for non-commutative operators). */
    public final void reduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op, int root) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduce(c, tag, inPlace(sendbuf), recvbuf, count, t, op.fn(type), root));
    }

    /** MPI_REDUCE with MPI_IN_PLACE: the root's data and result are in {@code buf}; other ranks send from it. */
    public final void reduce(Object buf, int count, Datatype type, Op op, int root) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.reduce(c, tag, c.me == root ? null : buf, c.me == root ? buf : null, count, t, op.fn(type), root));
    }

    /** MPI_IREDUCE. */
    public final Request iReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op, int root) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduce(c, tag, sendbuf, recvbuf, count, t, op.fn(type), root));
    }

    /** MPI_IREDUCE with MPI_IN_PLACE. */
    public final Request iReduce(Buffer buf, int count, Datatype type, Op op, int root) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.reduce(c, tag, c.me == root ? null : buf, c.me == root ? buf : null, count, t, op.fn(type), root));
    }
}
