package dev.river.mpi.impl;

/**
 * A Cartesian process grid: dimensions, periodicity, and the row-major mapping between ranks and
 * coordinates (rank 0 at the origin, the last dimension varying fastest), as MPI defines it.
 *
 * <p>Internal: the topology of an {@code mpi.CartComm}.
 */
public final class Cartesian {
    public final int[] dims;
    public final boolean[] periods;

    public Cartesian(int[] dims, boolean[] periods) {
        if (dims.length != periods.length) {
            throw new MpiError(MpiError.ERR_DIMS, "dims has " + dims.length + " entries but periods has " + periods.length);
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) throw new MpiError(MpiError.ERR_DIMS, "dims[" + i + "] = " + dims[i] + ": every dimension needs at least one process");
        }
        this.dims = dims.clone();
        this.periods = periods.clone();
    }

    /** Processes in the grid. */
    public int size() {
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE) throw new MpiError(MpiError.ERR_DIMS, "the grid has more than 2^31 processes");
        return (int) n;
    }

    public int[] coords(int rank) {
        if (rank < 0 || rank >= size()) throw new MpiError(MpiError.ERR_RANK, "rank " + rank + " is not in the grid of " + size());
        int[] c = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            c[i] = rank % dims[i];
            rank /= dims[i];
        }
        return c;
    }

    /** The rank at {@code coords}; periodic dimensions wrap, others must be in range. */
    public int rank(int[] coords) {
        if (coords.length != dims.length) {
            throw new MpiError(MpiError.ERR_DIMS, "coordinates have " + coords.length + " dimensions, the grid " + dims.length);
        }
        int r = 0;
        for (int i = 0; i < dims.length; i++) {
            int c = coords[i];
            if (periods[i]) c = Math.floorMod(c, dims[i]);
            else if (c < 0 || c >= dims[i]) {
                throw new MpiError(MpiError.ERR_ARG, "coordinate " + coords[i] + " is outside dimension " + i + " (0.." + (dims[i] - 1) + ", not periodic)");
            }
            r = r * dims[i] + c;
        }
        return r;
    }

    /** {source, dest} of a shift by {@code disp} along {@code direction}; PROC_NULL off a non-periodic edge. */
    public int[] shift(int me, int direction, int disp) {
        if (direction < 0 || direction >= dims.length) {
            throw new MpiError(MpiError.ERR_DIMS, "direction " + direction + " is not a dimension of the grid (0.." + (dims.length - 1) + ")");
        }
        int[] c = coords(me);
        return new int[]{neighbour(c, direction, -disp), neighbour(c, direction, disp)};
    }

    private int neighbour(int[] c, int direction, int disp) {
        int[] n = c.clone();
        n[direction] += disp;
        if (!periods[direction] && (n[direction] < 0 || n[direction] >= dims[direction])) return Req.PROC_NULL;
        return rank(n);
    }

    /** MPI_Dims_create: fills the zero entries of {@code dims} with a balanced factorization of {@code nnodes}. */
    public static void dimsCreate(int nnodes, int[] dims) {
        if (nnodes <= 0) throw new MpiError(MpiError.ERR_DIMS, "nnodes must be positive, got " + nnodes);
        long fixed = 1;
        int free = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) throw new MpiError(MpiError.ERR_DIMS, "dims[" + i + "] = " + dims[i] + " is negative");
            if (dims[i] == 0) free++;
            else fixed *= dims[i];
        }
        if (nnodes % fixed != 0) {
            throw new MpiError(MpiError.ERR_DIMS, nnodes + " processes cannot fill the fixed dimensions (their product is " + fixed + ")");
        }
        if (free == 0) {
            if (fixed != nnodes) throw new MpiError(MpiError.ERR_DIMS, "dims multiply to " + fixed + ", not " + nnodes);
            return;
        }
        int rest = (int) (nnodes / fixed);
        int[] f = new int[free];
        java.util.Arrays.fill(f, 1);
        // assign prime factors, largest first, to the currently smallest dimension
        java.util.List<Integer> primes = new java.util.ArrayList<>();
        for (int p = 2; (long) p * p <= rest; p++) while (rest % p == 0) {
            primes.add(p);
            rest /= p;
        }
        if (rest > 1) primes.add(rest);
        primes.sort(java.util.Comparator.reverseOrder());
        for (int p : primes) {
            int min = 0;
            for (int i = 1; i < free; i++) if (f[i] < f[min]) min = i;
            f[min] *= p;
        }
        java.util.Arrays.sort(f);
        for (int i = 0, j = free - 1; i < dims.length; i++) if (dims[i] == 0) dims[i] = f[j--];
    }
}
