package mpi;

import dev.river.mpi.impl.Base;
import dev.river.mpi.impl.Fabric;
import dev.river.mpi.impl.Layout;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.Pair;
import dev.river.mpi.impl.Rank;
import dev.river.mpi.impl.Reductions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MPI environment of River MPI (rMPI), with the API of the Open MPI Java bindings: initialization,
 * the predefined communicators, datatypes, operators and constants, time, and direct buffers.
 *
 * <pre>{@code
 * import mpi.*;
 *
 * public class Hello {
 *     public static void main(String[] args) throws MPIException {
 *         MPI.Init(args);
 *         int rank = MPI.COMM_WORLD.getRank(), size = MPI.COMM_WORLD.getSize();
 *         System.out.println("Hello from rank " + rank + " of " + size + " on " + MPI.getProcessorName());
 *         MPI.Finalize();
 *     }
 * }
 * }</pre>
 *
 * Run it with {@code river mpirun -np 4 Hello.java}: each rank runs on a River engine, in a class loader
 * of its own, so these statics (COMM_WORLD and the rest) belong to one rank. A program that calls
 * {@code MPI.Init} outside {@code river mpirun} runs as a job of one rank.
 */
public final class MPI {
    private static volatile Rank rank;
    private static volatile Thread initThread;
    private static volatile boolean initialized, finalized;
    private static final AtomicInteger KEYVALS = new AtomicInteger(100);
    private static byte[] attached;

    // ---------------------------------------------------------------- constants (Open MPI's values)

    public static final int THREAD_SINGLE = 0, THREAD_FUNNELED = 1, THREAD_SERIALIZED = 2, THREAD_MULTIPLE = 3;
    public static final int GRAPH = 2, DIST_GRAPH = 3, CART = 1;
    public static final int ANY_SOURCE = -1, ANY_TAG = -1;
    public static final int PROC_NULL = -2, ROOT = -4, UNDEFINED = -32766;
    public static final int IDENT = 0, CONGRUENT = 1, SIMILAR = 2, UNEQUAL = 3;
    /** Predefined attribute keys for {@link Comm#getAttr}. */
    public static final int TAG_UB = 0, HOST = 1, IO = 2, WTIME_IS_GLOBAL = 3, APPNUM = 4, LASTUSEDCODE = 5, UNIVERSE_SIZE = 6;
    public static final int KEYVAL_INVALID = -1;
    public static final int VERSION = 3, SUBVERSION = 1;
    /** Extra bytes each buffered send needs in the attached buffer. */
    public static final int BSEND_OVERHEAD = Fabric.BSEND_OVERHEAD;
    public static final int MAX_PROCESSOR_NAME = 256, MAX_OBJECT_NAME = 64, MAX_INFO_KEY = 36, MAX_INFO_VAL = 256;
    public static final int ORDER_C = 0, ORDER_FORTRAN = 1;

    public static final int SUCCESS = MpiError.SUCCESS, ERR_BUFFER = MpiError.ERR_BUFFER, ERR_COUNT = MpiError.ERR_COUNT,
            ERR_TYPE = MpiError.ERR_TYPE, ERR_TAG = MpiError.ERR_TAG, ERR_COMM = MpiError.ERR_COMM, ERR_RANK = MpiError.ERR_RANK,
            ERR_REQUEST = MpiError.ERR_REQUEST, ERR_ROOT = MpiError.ERR_ROOT, ERR_GROUP = MpiError.ERR_GROUP, ERR_OP = MpiError.ERR_OP,
            ERR_TOPOLOGY = MpiError.ERR_TOPOLOGY, ERR_DIMS = MpiError.ERR_DIMS, ERR_ARG = MpiError.ERR_ARG,
            ERR_UNKNOWN = MpiError.ERR_UNKNOWN, ERR_TRUNCATE = MpiError.ERR_TRUNCATE, ERR_OTHER = MpiError.ERR_OTHER,
            ERR_INTERN = MpiError.ERR_INTERN, ERR_IN_STATUS = MpiError.ERR_IN_STATUS, ERR_PENDING = MpiError.ERR_PENDING,
            ERR_NO_MEM = MpiError.ERR_NO_MEM, ERR_UNSUPPORTED_OPERATION = MpiError.ERR_UNSUPPORTED_OPERATION,
            ERR_LASTCODE = MpiError.ERR_LASTCODE;

    // ---------------------------------------------------------------- error handlers (before the communicators use them)

    /** The default: an MPI error ends the job, naming the rank and the error. */
    public static final Errhandler ERRORS_ARE_FATAL = new Errhandler(true, "MPI.ERRORS_ARE_FATAL");
    /** MPI errors are thrown as {@link MPIException}. */
    public static final Errhandler ERRORS_RETURN = new Errhandler(false, "MPI.ERRORS_RETURN");

    // ---------------------------------------------------------------- datatypes

    public static final Datatype DATATYPE_NULL = new Datatype(Layout.contiguous(0, Layout.basic(Base.BYTE)), "MPI.DATATYPE_NULL");
    public static final Datatype BYTE = new Datatype(Layout.basic(Base.BYTE), "MPI.BYTE");
    public static final Datatype CHAR = new Datatype(Layout.basic(Base.CHAR), "MPI.CHAR");
    public static final Datatype SHORT = new Datatype(Layout.basic(Base.SHORT), "MPI.SHORT");
    public static final Datatype BOOLEAN = new Datatype(Layout.basic(Base.BOOLEAN), "MPI.BOOLEAN");
    public static final Datatype INT = new Datatype(Layout.basic(Base.INT), "MPI.INT");
    public static final Datatype LONG = new Datatype(Layout.basic(Base.LONG), "MPI.LONG");
    public static final Datatype FLOAT = new Datatype(Layout.basic(Base.FLOAT), "MPI.FLOAT");
    public static final Datatype DOUBLE = new Datatype(Layout.basic(Base.DOUBLE), "MPI.DOUBLE");
    /** Data made by {@link Comm#pack}: send and receive it as bytes. */
    public static final Datatype PACKED = new Datatype(Layout.basic(Base.BYTE), "MPI.PACKED");
    /** Complex numbers of two floats (real, imaginary) in a float[] or FloatBuffer; SUM and PROD reduce them. See {@link FloatComplex}. */
    public static final Datatype FLOAT_COMPLEX = new Datatype(Layout.complex(Base.FLOAT), "MPI.FLOAT_COMPLEX");
    /** Complex numbers of two doubles (real, imaginary) in a double[] or DoubleBuffer; SUM and PROD reduce them. See {@link DoubleComplex}. */
    public static final Datatype DOUBLE_COMPLEX = new Datatype(Layout.complex(Base.DOUBLE), "MPI.DOUBLE_COMPLEX");
    /** MPI_C_FLOAT_COMPLEX: the same as {@link #FLOAT_COMPLEX}. */
    public static final Datatype C_FLOAT_COMPLEX = new Datatype(Layout.complex(Base.FLOAT), "MPI.C_FLOAT_COMPLEX");
    /** MPI_C_DOUBLE_COMPLEX: the same as {@link #DOUBLE_COMPLEX}. */
    public static final Datatype C_DOUBLE_COMPLEX = new Datatype(Layout.complex(Base.DOUBLE), "MPI.C_DOUBLE_COMPLEX");
    /** Pair types for MAXLOC / MINLOC, used with byte buffers through {@link #int2}, {@link #doubleInt}, ... */
    public static final Datatype INT2 = new Datatype(Layout.pair(Pair.INT2), "MPI.INT2");
    public static final Datatype SHORT_INT = new Datatype(Layout.pair(Pair.SHORT_INT), "MPI.SHORT_INT");
    public static final Datatype LONG_INT = new Datatype(Layout.pair(Pair.LONG_INT), "MPI.LONG_INT");
    public static final Datatype FLOAT_INT = new Datatype(Layout.pair(Pair.FLOAT_INT), "MPI.FLOAT_INT");
    public static final Datatype DOUBLE_INT = new Datatype(Layout.pair(Pair.DOUBLE_INT), "MPI.DOUBLE_INT");

    public static final Int2 int2 = new Int2();
    public static final ShortInt shortInt = new ShortInt();
    public static final LongInt longInt = new LongInt();
    public static final FloatInt floatInt = new FloatInt();
    public static final DoubleInt doubleInt = new DoubleInt();

    // ---------------------------------------------------------------- operators

    public static final Op MAX = new Op(Reductions.Kind.MAX), MIN = new Op(Reductions.Kind.MIN), SUM = new Op(Reductions.Kind.SUM),
            PROD = new Op(Reductions.Kind.PROD), LAND = new Op(Reductions.Kind.LAND), BAND = new Op(Reductions.Kind.BAND),
            LOR = new Op(Reductions.Kind.LOR), BOR = new Op(Reductions.Kind.BOR), LXOR = new Op(Reductions.Kind.LXOR),
            BXOR = new Op(Reductions.Kind.BXOR);
    /** The minimum value and the smallest index having it; use with the pair types. */
    public static final Op MINLOC = new Op(Reductions.Kind.MINLOC);
    /** The maximum value and the smallest index having it; use with the pair types. */
    public static final Op MAXLOC = new Op(Reductions.Kind.MAXLOC);

    // ---------------------------------------------------------------- communicators and other handles

    /** All ranks of the job. */
    public static final Intracomm COMM_WORLD = new Intracomm(null, "MPI_COMM_WORLD");
    /** This rank alone. */
    public static final Intracomm COMM_SELF = new Intracomm(null, "MPI_COMM_SELF");
    public static final Request REQUEST_NULL = new Request(null, null);
    public static final Group GROUP_EMPTY = new Group(new int[0]);
    public static final Info INFO_NULL = new Info(true);
    public static final Info INFO_ENV = new Info();
    /**
     * MPI_IN_PLACE, as the send buffer of a collective (the receive buffer of scatter/scatterv at the
     * root). The Open MPI bindings' in-place overloads ({@code allReduce(buf, count, type, op)}, ...) do
     * the same.
     */
    public static final Object IN_PLACE = new Object() {
        @Override public String toString() {
            return "MPI.IN_PLACE";
        }
    };

    private MPI() {}

    // ---------------------------------------------------------------- init and finalize

    /** MPI_INIT: joins the job (or starts a job of one rank outside {@code river mpirun}); returns the arguments. */
    public static String[] Init(String[] args) throws MPIException {
        InitThread(args, THREAD_SINGLE);
        return args;
    }

    /**
     * MPI_INIT_THREAD: rMPI supports MPI.THREAD_MULTIPLE (any thread may call MPI at any time);
     * returns the level provided, which is the level required.
     */
    public static int InitThread(String[] args, int required) throws MPIException {
        synchronized (MPI.class) {
            if (initialized) throw new MPIException("MPI is already initialized.");
            try {
                Rank r = Rank.init(MPI.class.getClassLoader());
                COMM_WORLD.core = r.worldComm;
                COMM_SELF.core = r.selfComm;
                rank = r;
                initThread = Thread.currentThread();
                initialized = true;
            } catch (MpiError e) {
                throw new MPIException(e.errorClass(), e.errorClass(), "MPI.Init failed: " + e.getMessage());
            }
        }
        return Math.max(THREAD_SINGLE, Math.min(required, THREAD_MULTIPLE));
    }

    /** MPI_QUERY_THREAD. */
    public static int queryThread() throws MPIException {
        check();
        return THREAD_MULTIPLE;
    }

    /** MPI_IS_THREAD_MAIN: whether the caller is the thread that called MPI.Init. */
    public static boolean isThreadMain() throws MPIException {
        check();
        return Thread.currentThread() == initThread;
    }

    /** MPI_FINALIZE: waits for every rank, delivers what is pending, and ends MPI on this rank. */
    public static void Finalize() throws MPIException {
        check();
        try {
            rank.finalizeRank();
        } catch (MpiError e) {
            throw COMM_WORLD.error(e);
        }
        finalized = true;
    }

    /** MPI_INITIALIZED. */
    public static boolean isInitialized() throws MPIException {
        return initialized;
    }

    /** MPI_FINALIZED. */
    public static boolean isFinalized() throws MPIException {
        return finalized;
    }

    /** Throws unless MPI is initialized and not finalized (as every MPI call does first). */
    static void check() throws MPIException {
        if (!initialized) throw new MPIException(ERR_OTHER, ERR_OTHER, "MPI is not initialized: call MPI.Init(args) first.");
        if (finalized) throw new MPIException(ERR_OTHER, ERR_OTHER, "MPI is finalized: no MPI call may follow MPI.Finalize().");
    }

    static boolean isLive() {
        return initialized && !finalized;
    }

    static Rank rank() {
        Rank r = rank;
        if (r == null) throw new MpiError(ERR_OTHER, "MPI is not initialized: call MPI.Init(args) first");
        return r;
    }

    /** An error not tied to a communicator goes to COMM_WORLD's error handler. */
    static MPIException worldError(MpiError e) {
        return COMM_WORLD.error(e);
    }

    static int newKeyval() {
        return KEYVALS.incrementAndGet();
    }

    // ---------------------------------------------------------------- environment

    /** MPI_WTIME: seconds since an arbitrary moment (monotonic, nanosecond resolution). */
    public static double wtime() throws MPIException {
        check();
        return rank.wtime();
    }

    /** MPI_WTICK: the resolution of {@link #wtime()}. */
    public static double wtick() throws MPIException {
        check();
        return rank.wtick();
    }

    /** MPI_GET_PROCESSOR_NAME: the name of the node (engine host) this rank runs on. */
    public static String getProcessorName() throws MPIException {
        check();
        return rank.processorName();
    }

    /** MPI_BUFFER_ATTACH: space for buffered sends ({@link Comm#bSend}); include {@link #BSEND_OVERHEAD} per message. */
    public static void attachBuffer(byte[] buffer) throws MPIException {
        check();
        try {
            rank.fabric().attachBuffer(buffer.length);
            attached = buffer;
        } catch (MpiError e) {
            throw worldError(e);
        }
    }

    /** MPI_BUFFER_DETACH: waits until the buffered sends are out, then returns the buffer. */
    public static byte[] detachBuffer() throws MPIException {
        check();
        rank.fabric().detachBuffer();
        byte[] b = attached;
        attached = null;
        return b;
    }

    /** MPI_PCONTROL: profiling control; does nothing. */
    public static void pControl(int level, Object obj) {
        // no profiling layer
    }

    // ---------------------------------------------------------------- direct buffers

    /** A direct byte buffer in native byte order (the order rMPI sends in). */
    public static ByteBuffer newByteBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    public static CharBuffer newCharBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 2)).asCharBuffer();
    }

    public static ShortBuffer newShortBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 2)).asShortBuffer();
    }

    public static IntBuffer newIntBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 4)).asIntBuffer();
    }

    public static LongBuffer newLongBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 8)).asLongBuffer();
    }

    public static FloatBuffer newFloatBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 4)).asFloatBuffer();
    }

    public static DoubleBuffer newDoubleBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 8)).asDoubleBuffer();
    }

    // ---------------------------------------------------------------- slices: a buffer starting at an offset

    public static ByteBuffer slice(ByteBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset).order(buf.order());
    }

    public static CharBuffer slice(CharBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    public static ShortBuffer slice(ShortBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    public static IntBuffer slice(IntBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    public static LongBuffer slice(LongBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    public static FloatBuffer slice(FloatBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    public static DoubleBuffer slice(DoubleBuffer buf, int offset) {
        return buf.slice(offset, buf.capacity() - offset);
    }

    /** The array from {@code offset} on, as a buffer (like {@code &buf[offset]} in C). */
    public static ByteBuffer slice(byte[] buf, int offset) {
        return ByteBuffer.wrap(buf, offset, buf.length - offset).slice().order(ByteOrder.nativeOrder());
    }

    public static CharBuffer slice(char[] buf, int offset) {
        return CharBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    public static ShortBuffer slice(short[] buf, int offset) {
        return ShortBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    public static IntBuffer slice(int[] buf, int offset) {
        return IntBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    public static LongBuffer slice(long[] buf, int offset) {
        return LongBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    public static FloatBuffer slice(float[] buf, int offset) {
        return FloatBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    public static DoubleBuffer slice(double[] buf, int offset) {
        return DoubleBuffer.wrap(buf, offset, buf.length - offset).slice();
    }
}
