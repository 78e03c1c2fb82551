import mpi.MPI;
import mpi.MPIException;

/**
 * Computes pi by integrating 4 / (1 + x^2) over [0, 1] with the midpoint rule: rank 0 broadcasts the
 * number of intervals, each rank sums every size-th interval, and a reduction adds the parts.
 *
 *   river mpirun -np 4 examples/mpi/Pi.java [intervals]
 */
public class Pi {
    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank(), size = MPI.COMM_WORLD.getSize();
        long[] n = {rank == 0 && args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L};
        MPI.COMM_WORLD.bcast(n, 1, MPI.LONG, 0);

        double t0 = MPI.wtime();
        double h = 1.0 / n[0], sum = 0;
        for (long i = rank; i < n[0]; i += size) {
            double x = h * (i + 0.5);
            sum += 4.0 / (1.0 + x * x);
        }
        double[] part = {h * sum}, pi = new double[1];
        MPI.COMM_WORLD.reduce(part, pi, 1, MPI.DOUBLE, MPI.SUM, 0);

        if (rank == 0) {
            System.out.printf("pi ~ %.15f (error %.2e) with %d intervals on %d ranks in %.3f s%n",
                    pi[0], Math.abs(pi[0] - Math.PI), n[0], size, MPI.wtime() - t0);
        }
        MPI.Finalize();
    }
}
