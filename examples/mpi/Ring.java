import mpi.MPI;
import mpi.MPIException;
import mpi.Status;

/**
 * A token travels around the ring of ranks: rank 0 starts it, every rank passes it to the next, for a
 * number of laps; each rank adds its rank to the token as it passes. At the end rank 0 checks the sum
 * and prints the time per hop.
 *
 *   river mpirun -np 4 examples/mpi/Ring.java [laps]
 */
public class Ring {
    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank(), size = MPI.COMM_WORLD.getSize();
        int laps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
        long[] token = {0};

        MPI.COMM_WORLD.barrier();
        double t0 = MPI.wtime();
        for (int lap = 0; lap < laps; lap++) {
            if (rank == 0) {
                token[0] += rank;
                MPI.COMM_WORLD.send(token, 1, MPI.LONG, next, lap);
                Status s = MPI.COMM_WORLD.recv(token, 1, MPI.LONG, prev, lap);
                if (s.getSource() != prev) throw new IllegalStateException("token from " + s.getSource());
            } else {
                MPI.COMM_WORLD.recv(token, 1, MPI.LONG, prev, lap);
                token[0] += rank;
                MPI.COMM_WORLD.send(token, 1, MPI.LONG, next, lap);
            }
        }
        double t = MPI.wtime() - t0;

        if (rank == 0) {
            long expected = (long) laps * size * (size - 1) / 2;
            System.out.printf("%d laps around %d ranks: token %d (expected %d), %.1f us per hop%n",
                    laps, size, token[0], expected, t / laps / size * 1e6);
            if (token[0] != expected) throw new IllegalStateException("the token is wrong");
        }
        MPI.Finalize();
    }
}
