import mpi.MPI;
import mpi.MPIException;

/**
 * The seed's rMPI hello world, in Java: every rank says hello; rank 0 receives a value (rank * 100.0)
 * from each other rank and prints it.
 *
 *   river mpirun -np 4 examples/mpi/Hello.java
 */
public class Hello {
    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int np = MPI.COMM_WORLD.getSize();
        double[] recvbuf = {0.0};
        double[] sendbuf = {rank * 100.0};

        System.out.println("Hello from rank " + rank);

        if (rank == 0) {
            for (int i = 1; i < np; i++) {
                MPI.COMM_WORLD.recv(recvbuf, 1, MPI.DOUBLE, i, 0);
                System.out.println("From rank " + i + ": " + recvbuf[0]);
            }
        } else {
            // if not rank 0, send value to rank 0
            System.out.println("Rank " + rank + " sending " + sendbuf[0]);
            MPI.COMM_WORLD.send(sendbuf, 1, MPI.DOUBLE, 0, 0);
        }

        MPI.Finalize();
    }
}
