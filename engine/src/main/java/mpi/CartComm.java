package mpi;

import dev.river.mpi.impl.Cartesian;
import dev.river.mpi.impl.CommCore;
import dev.river.mpi.impl.MpiError;

/**
 * A communicator with a Cartesian topology (from {@link Intracomm#createCart}): coordinates, ranks of
 * coordinates, shifts to neighbours, and sub-grids.
 *
 * <pre>{@code
 * int[] dims = {0, 0};
 * CartComm.createDims(MPI.COMM_WORLD.getSize(), dims);
 * CartComm grid = MPI.COMM_WORLD.createCart(dims, new boolean[]{true, true}, false);
 * ShiftParms east = grid.shift(1, 1);
 * grid.sendRecv(out, n, MPI.DOUBLE, east.getRankDest(), 0, in, n, MPI.DOUBLE, east.getRankSource(), 0);
 * }</pre>
 */
public final class CartComm extends Intracomm {
    CartComm(CommCore core, String name) {
        super(core, name);
    }

    @Override CartComm wrap(CommCore c) {
        return new CartComm(c, "");
    }

    @Override public CartComm dup() throws MPIException {
        return (CartComm) super.dup();
    }

    @Override public CartComm clone() {
        return (CartComm) super.clone();
    }

    private Cartesian cart() {
        return core().cart;
    }

    /** MPI_CART_GET: dimensions, periods and this process's coordinates. */
    public CartParms getTopo() throws MPIException {
        MPI.check();
        try {
            Cartesian c = cart();
            return new CartParms(c.dims.clone(), c.periods.clone(), c.coords(core().me));
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_CART_RANK: the rank at {@code coords}. */
    public int getRank(int[] coords) throws MPIException {
        MPI.check();
        try {
            return cart().rank(coords);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_CART_COORDS: the coordinates of {@code rank}. */
    public int[] getCoords(int rank) throws MPIException {
        MPI.check();
        try {
            return cart().coords(rank);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_CART_SHIFT: the ranks to receive from and send to for a shift of {@code disp} along {@code direction}. */
    public ShiftParms shift(int direction, int disp) throws MPIException {
        MPI.check();
        try {
            int[] sd = cart().shift(core().me, direction, disp);
            return new ShiftParms(sd[0], sd[1]);
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_CART_SUB: the sub-grid through this process that keeps the dimensions where {@code remainDims} is true. */
    public CartComm sub(boolean[] remainDims) throws MPIException {
        MPI.check();
        try {
            CartComm out = new CartComm(MPI.rank().cartSub(core(), remainDims), "");
            out.errhandler = errhandler;
            return out;
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_CART_MAP: the rank this process would have in such a grid (no reordering: its rank, or UNDEFINED). */
    public int map(int[] dims, boolean[] periods) throws MPIException {
        MPI.check();
        try {
            int n = new Cartesian(dims, periods).size();
            return core().me < n ? core().me : MPI.UNDEFINED;
        } catch (MpiError e) {
            throw error(e);
        }
    }

    /** MPI_DIMS_CREATE: fills the zero entries of {@code dims} with a balanced factorization of {@code nnodes}. */
    public static void createDims(int nnodes, int[] dims) throws MPIException {
        MPI.check();
        try {
            Cartesian.dimsCreate(nnodes, dims);
        } catch (MpiError e) {
            throw MPI.worldError(e);
        }
    }
}
