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
public class Comm implements Freeable {
    private static final Layout BYTES = Layout.basic(Base.BYTE);

    CommCore core;                        // null: MPI.COMM_NULL-like (split with UNDEFINED), freed, or before Init
    Errhandler errhandler = MPI.ERRORS_ARE_FATAL;
    private String name;
    private Map<Integer, Object> attributes;

    Comm(CommCore core, String name) {
        this.core = core;
        this.name = name;
    }

    /** Makes a communicator of the same class around a new core (dup, split, create). */
    Comm wrap(CommCore c) {
        return new Comm(c, "");
    }

    final CommCore core() {
        CommCore c = core;
        if (c == null) {
            throw new MpiError(MpiError.ERR_COMM, "the communicator is null (freed, or this rank is not a member)");
        }
        return c;
    }

    /** An error on this communicator: fatal (the job ends) or returned as an MPIException. */
    final MPIException error(MpiError e) {
        if (errhandler.fatal && MPI.isLive()) throw MPI.rank().fatal(e, " on " + describe());
        return new MPIException(e.errorClass(), e.errorClass(), e.getMessage());
    }

    final String describe() {
        return name == null || name.isEmpty() ? "a communicator" : name;
    }

    static Fabric fabric() {
        return MPI.rank().fabric();
    }

    /** Waits for an internal request and raises its error. */
    static Req complete(Req r) {
        fabric().await(r);
        if (r.error() != null) throw r.error();
        return r;
    }

    static Object inPlace(Object buf) {
        return buf == MPI.IN_PLACE ? null : buf;
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

    /** MPI_COMM_SIZE. */
    public final int getSize() throws MPIException {
        MPI.check();
        try {
            return core().size();
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_COMM_RANK. */
    public final int getRank() throws MPIException {
        MPI.check();
        try {
            return core().me;
        } catch (MpiError e) {
            throw error(e);
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

    /** Whether the communicator is null (split with MPI.UNDEFINED, not a member of create's group, or freed). */
    public final boolean isNull() {
        return core == null;
    }

    /** MPI_COMM_GROUP. */
    public final Group getGroup() throws MPIException {
        MPI.check();
        try {
            return new Group(core().group());
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_COMM_TEST_INTER: rMPI communicators are intra-communicators. */
    public final boolean isInter() throws MPIException {
        MPI.check();
        return false;
    }

    /** MPI_TOPO_TEST: MPI.CART for Cartesian communicators, else MPI.UNDEFINED. */
    public final int getTopology() throws MPIException {
        MPI.check();
        return core != null && core.cart != null ? MPI.CART : MPI.UNDEFINED;
    }

    /** MPI_ABORT: ends every rank of the job; the launcher exits with {@code errorcode}. Never returns. */
    public final void abort(int errorcode) throws MPIException {
        MPI.check();
        throw MPI.rank().abort(errorcode, " on " + describe());
    }

    /** MPI_COMM_SET_ERRHANDLER. */
    public final void setErrhandler(Errhandler errhandler) throws MPIException {
        MPI.check();
        this.errhandler = errhandler;
    }

    /** MPI_COMM_GET_ERRHANDLER. */
    public final Errhandler getErrhandler() throws MPIException {
        MPI.check();
        return errhandler;
    }

    public final void setName(String name) throws MPIException {
        MPI.check();
        this.name = name;
    }

    public final String getName() throws MPIException {
        MPI.check();
        return name;
    }

    // ---------------------------------------------------------------- blocking point to point

    /** MPI_SEND: returns when the buffer may be reused (the data is copied out or on its way). */
    public final void send(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        sendMode(buf, count, type, dest, tag, Fabric.Mode.STANDARD, "send");
    }

    /** MPI_BSEND: copies the message into the attached buffer ({@link MPI#attachBuffer}) and returns. */
    public final void bSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        sendMode(buf, count, type, dest, tag, Fabric.Mode.BUFFERED, "bSend");
    }

    /** MPI_SSEND: returns only once the matching receive has started. */
    public final void sSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        sendMode(buf, count, type, dest, tag, Fabric.Mode.SYNCHRONOUS, "sSend");
    }

    /** MPI_RSEND: a send whose matching receive must already be posted (rMPI sends it as a standard send). */
    public final void rSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        sendMode(buf, count, type, dest, tag, Fabric.Mode.READY, "rSend");
    }

    private void sendMode(Object buf, int count, Datatype type, int dest, int tag, Fabric.Mode mode, String what) throws MPIException {
        MPI.check();
        try {
            complete(core().isend(buf, count, type.use(), dest, tag, mode, what));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_RECV: waits for a matching message; {@code source} may be MPI.ANY_SOURCE, {@code tag} MPI.ANY_TAG. */
    public final Status recv(Object buf, int count, Datatype type, int source, int tag) throws MPIException {
        MPI.check();
        try {
            return new Status(complete(core().irecv(buf, count, type.use(), source, tag, "recv")), MPI.UNDEFINED);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_SENDRECV: a send and a receive at once (no deadlock when two ranks exchange). */
    public final Status sendRecv(Object sendbuf, int sendcount, Datatype sendtype, int dest, int sendtag,
                                 Object recvbuf, int recvcount, Datatype recvtype, int source, int recvtag) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            Req r = c.irecv(recvbuf, recvcount, recvtype.use(), source, recvtag, "sendRecv");
            Req s = c.isend(sendbuf, sendcount, sendtype.use(), dest, sendtag, Fabric.Mode.STANDARD, "sendRecv");
            complete(s);
            return new Status(complete(r), MPI.UNDEFINED);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_SENDRECV_REPLACE: sends the buffer's content and receives into the same buffer. */
    public final Status sendRecvReplace(Object buf, int count, Datatype type, int dest, int sendtag, int source, int recvtag) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            Layout t = type.use();
            ByteBuffer out = Packing.pack(buf, count, t);
            Req r = c.irecv(buf, count, t, source, recvtag, "sendRecvReplace");
            Req s = c.isend(out, out.remaining(), BYTES, dest, sendtag, Fabric.Mode.STANDARD, "sendRecvReplace");
            complete(s);
            return new Status(complete(r), MPI.UNDEFINED);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    // ---------------------------------------------------------------- non-blocking point to point

    /** MPI_ISEND. Leave the buffer alone until the request completes. */
    public final Request iSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSendMode(buf, count, type, dest, tag, Fabric.Mode.STANDARD, "iSend");
    }

    /** MPI_IBSEND. */
    public final Request ibSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSendMode(buf, count, type, dest, tag, Fabric.Mode.BUFFERED, "ibSend");
    }

    /** MPI_ISSEND: completes once the matching receive has started. */
    public final Request isSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSendMode(buf, count, type, dest, tag, Fabric.Mode.SYNCHRONOUS, "isSend");
    }

    /** MPI_IRSEND. */
    public final Request irSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSendMode(buf, count, type, dest, tag, Fabric.Mode.READY, "irSend");
    }

    private Request iSendMode(Buffer buf, int count, Datatype type, int dest, int tag, Fabric.Mode mode, String what) throws MPIException {
        MPI.check();
        try {
            return new Request(core().isend(buf, count, type.use(), dest, tag, mode, what), this);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_IRECV. */
    public final Request iRecv(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        MPI.check();
        try {
            return new Request(core().irecv(buf, count, type.use(), source, tag, "iRecv"), this);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    // ---------------------------------------------------------------- persistent requests

    /** MPI_SEND_INIT. */
    public final Prequest sendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistentSend(buf, count, type, dest, tag, Fabric.Mode.STANDARD, "sendInit");
    }

    /** MPI_BSEND_INIT. */
    public final Prequest bSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistentSend(buf, count, type, dest, tag, Fabric.Mode.BUFFERED, "bSendInit");
    }

    /** MPI_SSEND_INIT. */
    public final Prequest sSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistentSend(buf, count, type, dest, tag, Fabric.Mode.SYNCHRONOUS, "sSendInit");
    }

    /** MPI_RSEND_INIT. */
    public final Prequest rSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistentSend(buf, count, type, dest, tag, Fabric.Mode.READY, "rSendInit");
    }

    private Prequest persistentSend(Buffer buf, int count, Datatype type, int dest, int tag, Fabric.Mode mode, String what) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            Layout t = type.use();
            c.checkRank(dest, false, what);
            return new Prequest(() -> c.isend(buf, count, t, dest, tag, mode, what), this);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_RECV_INIT. */
    public final Prequest recvInit(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            Layout t = type.use();
            c.checkRank(source, true, "recvInit");
            return new Prequest(() -> c.irecv(buf, count, t, source, tag, "recvInit"), this);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    // ---------------------------------------------------------------- probe

    /** MPI_IPROBE: the status of a matching message that has arrived, or null. */
    public final Status iProbe(int source, int tag) throws MPIException {
        MPI.check();
        try {
            Req r = core().iprobe(source, tag);
            return r == null ? null : new Status(r, MPI.UNDEFINED);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_PROBE: waits for a matching message and returns its status; the message stays to be received. */
    public final Status probe(int source, int tag) throws MPIException {
        MPI.check();
        try {
            return new Status(core().probe(source, tag), MPI.UNDEFINED);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    // ---------------------------------------------------------------- pack

    /** MPI_PACK: packs into {@code outbuf} at {@code position}; returns the new position. */
    public final int pack(Object inbuf, int incount, Datatype type, byte[] outbuf, int position) throws MPIException {
        MPI.check();
        try {
            return Packing.pack(inbuf, incount, type.use(), outbuf, position);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_UNPACK: unpacks from {@code inbuf} at {@code position}; returns the new position. */
    public final int unpack(byte[] inbuf, int position, Object outbuf, int outcount, Datatype type) throws MPIException {
        MPI.check();
        try {
            return Packing.unpack(inbuf, position, outbuf, outcount, type.use());
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_PACK_SIZE. */
    public final int packSize(int incount, Datatype type) throws MPIException {
        MPI.check();
        return Packing.packSize(incount, type.layout());
    }

    // ---------------------------------------------------------------- attributes

    /** MPI_COMM_CREATE_KEYVAL. */
    public static int createKeyval() throws MPIException {
        MPI.check();
        return MPI.newKeyval();
    }

    /** MPI_COMM_FREE_KEYVAL. */
    public static void freeKeyval(int keyval) throws MPIException {
        MPI.check();
    }

    /** MPI_COMM_SET_ATTR. */
    public final void setAttr(int keyval, Object value) throws MPIException {
        MPI.check();
        if (attributes == null) attributes = new HashMap<>();
        attributes.put(keyval, value);
    }

    /**
     * MPI_COMM_GET_ATTR: user attributes, and the predefined MPI.TAG_UB, MPI.HOST, MPI.IO,
     * MPI.WTIME_IS_GLOBAL, MPI.APPNUM, MPI.UNIVERSE_SIZE, MPI.LASTUSEDCODE.
     */
    public final Object getAttr(int keyval) throws MPIException {
        MPI.check();
        if (keyval == MPI.TAG_UB) return Integer.MAX_VALUE;
        if (keyval == MPI.HOST) return MPI.PROC_NULL;
        if (keyval == MPI.IO) return MPI.ANY_SOURCE;
        if (keyval == MPI.WTIME_IS_GLOBAL) return false;
        if (keyval == MPI.APPNUM) return 0;
        if (keyval == MPI.UNIVERSE_SIZE) return MPI.rank().size;
        if (keyval == MPI.LASTUSEDCODE) return MPI.ERR_LASTCODE;
        return attributes == null ? null : attributes.get(keyval);
    }

    /** MPI_COMM_DELETE_ATTR. */
    public final void deleteAttr(int keyval) throws MPIException {
        MPI.check();
        if (attributes != null) attributes.remove(keyval);
    }

    // ---------------------------------------------------------------- collectives

    /** A collective body that may throw the runtime's errors. */
    @FunctionalInterface
    interface Body {
        void run(CommCore c, int tag);
    }

    final void blocking(Body body) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            c.run(tag -> body.run(c, tag));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    final Request start(Body body) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            return new Request(c.start(tag -> body.run(c, tag)), this);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_BARRIER (dissemination algorithm). */
    public final void barrier() throws MPIException {
        blocking(Collectives::barrier);
    }

    /** MPI_IBARRIER. */
    public final Request iBarrier() throws MPIException {
        return start(Collectives::barrier);
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

    /** The checked type map of a datatype (errors raised on this communicator). */
    final Layout use(Datatype type) throws MPIException {
        MPI.check();
        try {
            if (type == null) throw new MpiError(MpiError.ERR_TYPE, "the datatype is null");
            return type.use();
        } catch (MpiError e) {
            throw error(e);
        }
    }

    @Override public String toString() {
        return (name == null || name.isEmpty() ? "Comm" : name) + (core == null ? "[null]" : "[rank " + core.me + " of " + core.size() + "]");
    }
}
