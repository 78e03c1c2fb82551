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
 * Point-to-point communication of a communicator (sends in the four modes, receives, persistent
 * requests, probes, pack/unpack). The public methods appear on {@link Comm}.
 */
abstract class PointToPoint extends CommBase {
    private static final Layout BYTES = Layout.basic(Base.BYTE);

    PointToPoint(CommCore core, String name) {
        super(core, name);
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
            return new Request(core().isend(buf, count, type.use(), dest, tag, mode, what), self());
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_IRECV. */
    public final Request iRecv(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        MPI.check();
        try {
            return new Request(core().irecv(buf, count, type.use(), source, tag, "iRecv"), self());
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
            return new Prequest(() -> c.isend(buf, count, t, dest, tag, mode, what), self());
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
            return new Prequest(() -> c.irecv(buf, count, t, source, tag, "recvInit"), self());
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

}
