package mpi;

import dev.river.mpi.impl.CommCore;
import dev.river.mpi.impl.Fabric;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.Msg;
import dev.river.mpi.impl.Req;

import java.nio.Buffer;

/**
 * MPI_Message: a message taken out of matching by a matched probe, so that exactly the receive made
 * with {@link #mRecv} or {@link #imRecv} gets it, even when other threads receive with the same
 * source and tag. A new Message is MPI_MESSAGE_NULL; {@link #mProbe} or {@link #imProbe} fills it;
 * receiving it makes it null again. A probe of {@code MPI.PROC_NULL} gives MPI_MESSAGE_NO_PROC
 * ({@link #isNoProc()}), whose receive completes at once with source {@code MPI.PROC_NULL}, tag
 * {@code MPI.ANY_TAG} and count 0.
 *
 * <pre>{@code
 * Message m = new Message();
 * Status s = m.mProbe(MPI.ANY_SOURCE, 5, MPI.COMM_WORLD);
 * int[] data = new int[s.getCount(MPI.INT)];       // sized to the message
 * m.mRecv(data, data.length, MPI.INT);
 * }</pre>
 */
public final class Message {
    private static final Object NO_PROC = new Object();

    private Object handle;       // null (MESSAGE_NULL), NO_PROC, or the matched Msg
    private Comm comm;           // where it was probed: receives use its error handler

    /** An MPI_MESSAGE_NULL. */
    public Message() {
    }

    /** Whether this is MPI_MESSAGE_NULL (not probed yet, or already received). */
    public boolean isNull() {
        return handle == null;
    }

    /** Whether this is MPI_MESSAGE_NO_PROC (the result of probing MPI.PROC_NULL). */
    public boolean isNoProc() {
        return handle == NO_PROC;
    }

    /** MPI_MPROBE: waits for a message matching {@code source} and {@code tag} on {@code comm}, takes it, and returns its status. */
    public Status mProbe(int source, int tag, Comm comm) throws MPIException {
        return probe(source, tag, comm, true);
    }

    /** MPI_IMPROBE: as {@link #mProbe}, but returns null at once (leaving this message null) when no matching message has arrived. */
    public Status imProbe(int source, int tag, Comm comm) throws MPIException {
        return probe(source, tag, comm, false);
    }

    private Status probe(int source, int tag, Comm comm, boolean wait) throws MPIException {
        MPI.check();
        try {
            CommCore c = comm.core();
            if (source == MPI.PROC_NULL) {
                c.checkRank(source, true, wait ? "mProbe" : "imProbe");
                take(NO_PROC, comm);
                return new Status(Req.completed(Req.PROC_NULL, Req.ANY), MPI.UNDEFINED);
            }
            Msg m = c.mprobe(source, tag, wait, wait ? "mProbe" : "imProbe");
            if (m == null) return null;
            take(m, comm);
            return new Status(Fabric.envelope(m), MPI.UNDEFINED);
        } catch (MpiError e) {
            throw comm.error(e);
        }
    }

    private void take(Object h, Comm c) {
        if (handle instanceof Msg) {
            throw new MpiError(MpiError.ERR_REQUEST, "this Message already holds a matched message that was not received:"
                    + " receive it with mRecv/imRecv first, or use another Message");
        }
        handle = h;
        comm = c;
    }

    /** MPI_MRECV: receives the matched message into {@code buf}; the message becomes null. */
    public Status mRecv(Object buf, int count, Datatype type) throws MPIException {
        MPI.check();
        Comm c = comm;
        try {
            Req r = start(buf, count, type, "mRecv");
            Comm.fabric().await(r);
            if (r.error() != null) throw r.error();
            return new Status(r, MPI.UNDEFINED);
        } catch (MpiError e) {
            throw c != null ? c.error(e) : MPI.worldError(e);
        }
    }

    /** MPI_IMRECV: starts receiving the matched message into {@code buf}; the message becomes null. */
    public Request imRecv(Buffer buf, int count, Datatype type) throws MPIException {
        MPI.check();
        Comm c = comm;
        try {
            return new Request(start(buf, count, type, "imRecv"), c);
        } catch (MpiError e) {
            throw c != null ? c.error(e) : MPI.worldError(e);
        }
    }

    private Req start(Object buf, int count, Datatype type, String what) {
        Object h = handle;
        if (h == null) {
            throw new MpiError(MpiError.ERR_REQUEST, what + ": the message is null (MPI_MESSAGE_NULL): match one first with"
                    + " mProbe or imProbe; a matched message is received once");
        }
        if (type == null) throw new MpiError(MpiError.ERR_TYPE, what + ": the datatype is null");
        Req r = h == NO_PROC ? Req.completed(Req.PROC_NULL, Req.ANY) : comm.core().mrecv((Msg) h, buf, count, type.use(), what);
        handle = null;
        return r;
    }

    @Override public String toString() {
        return handle == null ? "Message[null]" : handle == NO_PROC ? "Message[no proc]" : "Message[matched]";
    }
}
