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
 * What every communicator has: its runtime core, error handler, name and attributes, the identity
 * queries, and the helpers that turn runtime errors into the error handler's answer. The public
 * methods appear on {@link Comm}; this class only keeps Comm's file to one job per file.
 */
abstract class CommBase {
    CommCore core;                        // null: MPI.COMM_NULL-like (split with UNDEFINED), freed, or before Init
    Errhandler errhandler = MPI.ERRORS_ARE_FATAL;
    String name;
    private Map<Integer, Object> attributes;

    CommBase(CommCore core, String name) {
        this.core = core;
        this.name = name;
    }


    /** This communicator as the public type (every CommBase is a Comm). */
    final Comm self() {
        return (Comm) this;
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

    // names a collective by the public MPI method that called blocking(): no name to pass at 60 call sites
    private static final StackWalker CALLER = StackWalker.getInstance();

    final void blocking(Body body) throws MPIException {
        MPI.check();
        String name = CALLER.walk(frames -> frames.skip(1).findFirst().map(StackWalker.StackFrame::getMethodName).orElse("collective"));
        try {
            CommCore c = core();
            c.run(name, tag -> body.run(c, tag));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    final Request start(Body body) throws MPIException {
        MPI.check();
        try {
            CommCore c = core();
            return new Request(c.start(tag -> body.run(c, tag)), self());
        } catch (MpiError e) {
            throw error(e);
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
}
