package mpi;

/**
 * An MPI object that can be freed ({@code Comm}, {@code Datatype}, {@code Group}, {@code Request},
 * {@code Op}, {@code Info}). rMPI objects are garbage collected, so freeing only marks them unusable
 * (and stops a communicator's worker thread), but programs written for Open MPI call it and may rely
 * on the object becoming null.
 *
 * <pre>{@code
 * Intracomm row = MPI.COMM_WORLD.split(rank / 4, rank);
 * ...
 * row.free();
 * }</pre>
 */
public interface Freeable {
    void free() throws MPIException;
}
