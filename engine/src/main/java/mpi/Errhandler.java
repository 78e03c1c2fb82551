package mpi;

/**
 * An error handler: {@link MPI#ERRORS_ARE_FATAL} (the default: an MPI error ends the job, naming the
 * rank and the error) or {@link MPI#ERRORS_RETURN} (MPI calls throw {@link MPIException}).
 *
 * <pre>{@code
 * MPI.COMM_WORLD.setErrhandler(MPI.ERRORS_RETURN);
 * }</pre>
 */
public final class Errhandler implements Freeable {
    final boolean fatal;
    private final String name;

    Errhandler(boolean fatal, String name) {
        this.fatal = fatal;
        this.name = name;
    }

    /** Predefined handlers cannot be freed; this does nothing. */
    @Override public void free() {
        // predefined
    }

    public boolean isNull() {
        return false;
    }

    @Override public String toString() {
        return name;
    }
}
