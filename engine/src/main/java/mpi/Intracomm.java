package mpi;

import dev.river.mpi.impl.Collectives;
import dev.river.mpi.impl.CommCore;
import dev.river.mpi.impl.Layout;
import dev.river.mpi.impl.MpiError;

import java.nio.Buffer;

/**
 * An intra-communicator (every rMPI communicator is one): {@link MPI#COMM_WORLD}, {@link MPI#COMM_SELF}
 * and those made from them with {@link #dup}, {@link #split}, {@link #create} and {@link #createCart}.
 * Adds prefix reductions to {@link Comm}.
 *
 * <pre>{@code
 * int rank = MPI.COMM_WORLD.getRank();
 * Intracomm row = MPI.COMM_WORLD.split(rank / 4, rank % 4);   // rows of a 4-wide grid
 * int[] one = {1}, before = new int[1];
 * row.exScan(one, before, 1, MPI.INT, MPI.SUM);               // my position in the row
 * }</pre>
 */
public class Intracomm extends Comm {
    Intracomm(CommCore core, String name) {
        super(core, name);
    }

    @Override Intracomm wrap(CommCore c) {
        return new Intracomm(c, "");
    }

    /** MPI_COMM_DUP. */
    @Override public Intracomm dup() throws MPIException {
        return (Intracomm) super.dup();
    }

    @Override public Intracomm clone() {
        return (Intracomm) super.clone();
    }

    /**
     * MPI_COMM_SPLIT: ranks passing the same {@code colour} form a new communicator, ranked by
     * {@code key} (ties by their rank here). {@code MPI.UNDEFINED} as colour gives a null communicator
     * ({@link #isNull()}).
     */
    public final Intracomm split(int colour, int key) throws MPIException {
        MPI.check();
        try {
            return result(MPI.rank().split(core(), colour, key, MPI.UNDEFINED));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_COMM_CREATE: collective over this communicator; members of {@code group} get the new one, others a null one. */
    public final Intracomm create(Group group) throws MPIException {
        MPI.check();
        try {
            return result(MPI.rank().create(core(), group.members));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_COMM_CREATE_GROUP: collective over the members of {@code group} only. */
    public final Intracomm createGroup(Group group, int tag) throws MPIException {
        MPI.check();
        try {
            return result(MPI.rank().createGroup(core(), group.members, tag));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    private Intracomm result(CommCore c) {
        Intracomm out = new Intracomm(c, "");
        out.errhandler = errhandler;
        return out;
    }

    /**
     * MPI_CART_CREATE: a Cartesian grid of {@code dims} processes; ranks beyond the grid get a null
     * communicator. rMPI keeps rank order ({@code reorder} is accepted and ignored).
     */
    public final CartComm createCart(int[] dims, boolean[] periods, boolean reorder) throws MPIException {
        MPI.check();
        try {
            CartComm out = new CartComm(MPI.rank().createCart(core(), dims, periods), "");
            out.errhandler = errhandler;
            return out;
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_SCAN: rank i gets the reduction of ranks 0..i. */
    public final void scan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.scan(c, tag, inPlace(sendbuf), recvbuf, count, t, op.fn(type), false));
    }

    /** MPI_SCAN with MPI_IN_PLACE. */
    public final void scan(Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.scan(c, tag, null, recvbuf, count, t, op.fn(type), false));
    }

    /** MPI_ISCAN. */
    public final Request iScan(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.scan(c, tag, sendbuf, recvbuf, count, t, op.fn(type), false));
    }

    /** MPI_ISCAN with MPI_IN_PLACE. */
    public final Request iScan(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.scan(c, tag, null, buf, count, t, op.fn(type), false));
    }

    /** MPI_EXSCAN: rank i gets the reduction of ranks 0..i-1 (rank 0's recvbuf is left as it is). */
    public final void exScan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.scan(c, tag, inPlace(sendbuf), recvbuf, count, t, op.fn(type), true));
    }

    /** MPI_EXSCAN with MPI_IN_PLACE. */
    public final void exScan(Object buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        blocking((c, tag) -> Collectives.scan(c, tag, null, buf, count, t, op.fn(type), true));
    }

    /** MPI_IEXSCAN. */
    public final Request iExScan(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.scan(c, tag, sendbuf, recvbuf, count, t, op.fn(type), true));
    }

    /** MPI_IEXSCAN with MPI_IN_PLACE. */
    public final Request iExScan(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        Layout t = use(type);
        return start((c, tag) -> Collectives.scan(c, tag, null, buf, count, t, op.fn(type), true));
    }
}
