import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

/**
 * The seed's rMPI benchmark: the conjugate gradient method on the 2-D Poisson equation (the 5-point
 * Laplacian on an m x m grid, zero boundary), with the grid rows split into blocks across the ranks.
 * Every iteration exchanges the boundary rows with the neighbouring ranks (sendRecv, MPI.PROC_NULL at
 * the ends) and computes two dot products with allReduce. The right-hand side is A * 1, so the exact
 * solution is all ones and the program checks it.
 *
 *   river mpirun -np 4 examples/mpi/ConjugateGradient.java [m] [maxIterations]
 */
public class ConjugateGradient {
    private static Intracomm world;
    private static int m, rows, up, down;       // grid size, my rows, neighbour ranks

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        world = MPI.COMM_WORLD;
        int rank = world.getRank(), size = world.getSize();
        m = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int maxIterations = args.length > 1 ? Integer.parseInt(args[1]) : 10 * m;
        int first = (int) ((long) m * rank / size), last = (int) ((long) m * (rank + 1) / size);
        rows = last - first;
        up = rank == 0 ? MPI.PROC_NULL : rank - 1;
        down = rank == size - 1 ? MPI.PROC_NULL : rank + 1;

        // vectors hold my rows plus one halo row above and one below: index (row + 1) * m + column
        double[] ones = new double[(rows + 2) * m];
        for (int i = m; i < (rows + 1) * m; i++) ones[i] = 1;
        double[] b = new double[(rows + 2) * m];
        multiply(ones, b);

        double[] x = new double[(rows + 2) * m], r = b.clone(), p = b.clone(), ap = new double[(rows + 2) * m];
        double rr = dot(r, r), bb = rr;
        double t0 = MPI.wtime();
        int k = 0;
        while (k < maxIterations && Math.sqrt(rr / bb) > 1e-10) {
            multiply(p, ap);
            double alpha = rr / dot(p, ap);
            for (int i = m; i < (rows + 1) * m; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = m; i < (rows + 1) * m; i++) p[i] = r[i] + beta * p[i];
            rr = rrNew;
            k++;
        }
        double t = MPI.wtime() - t0;

        double err = 0;
        for (int i = m; i < (rows + 1) * m; i++) err = Math.max(err, Math.abs(x[i] - 1));
        double[] maxErr = new double[1];
        world.reduce(new double[]{err}, maxErr, 1, MPI.DOUBLE, MPI.MAX, 0);
        if (rank == 0) {
            System.out.printf("CG on a %dx%d grid (%d unknowns), %d ranks: %d iterations, relative residual %.1e,"
                    + " max error %.1e, %.3f s (%.2f ms per iteration)%n", m, m, (long) m * m, size, k, Math.sqrt(rr / bb),
                    maxErr[0], t, t / Math.max(1, k) * 1e3);
            if (maxErr[0] > 1e-6) throw new IllegalStateException("CG did not converge to the exact solution");
        }
        MPI.Finalize();
    }

    /** y = A v on my rows, after fetching v's boundary rows from the neighbours into the halo rows. */
    private static void multiply(double[] v, double[] y) throws MPIException {
        // my first row goes up, the row below me comes from down; then the other way round
        world.sendRecv(MPI.slice(v, m), m, MPI.DOUBLE, up, 1, MPI.slice(v, (rows + 1) * m), m, MPI.DOUBLE, down, 1);
        world.sendRecv(MPI.slice(v, rows * m), m, MPI.DOUBLE, down, 2, v, m, MPI.DOUBLE, up, 2);
        if (up == MPI.PROC_NULL) java.util.Arrays.fill(v, 0, m, 0);
        if (down == MPI.PROC_NULL) java.util.Arrays.fill(v, (rows + 1) * m, (rows + 2) * m, 0);
        for (int row = 1; row <= rows; row++) {
            for (int c = 0; c < m; c++) {
                int i = row * m + c;
                double s = 4 * v[i] - v[i - m] - v[i + m];
                if (c > 0) s -= v[i - 1];
                if (c < m - 1) s -= v[i + 1];
                y[i] = s;
            }
        }
    }

    /** The dot product over all ranks. */
    private static double dot(double[] a, double[] b) throws MPIException {
        double s = 0;
        for (int i = m; i < (rows + 1) * m; i++) s += a[i] * b[i];
        double[] total = {s};
        world.allReduce(total, 1, MPI.DOUBLE, MPI.SUM);
        return total[0];
    }
}
