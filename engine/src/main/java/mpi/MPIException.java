package mpi;

/**
 * Signals that an MPI error occurred: {@link #getErrorClass()} is the MPI error class
 * ({@code MPI.ERR_TRUNCATE}, {@code MPI.ERR_RANK}, ...), {@link #getMessage()} says what went wrong.
 * MPI calls throw it when the communicator's error handler is {@link MPI#ERRORS_RETURN}; under the
 * default, {@link MPI#ERRORS_ARE_FATAL}, an error ends the job instead.
 *
 * <pre>{@code
 * MPI.COMM_WORLD.setErrhandler(MPI.ERRORS_RETURN);
 * try {
 *     MPI.COMM_WORLD.recv(small, 1, MPI.INT, 0, 0);
 * } catch (MPIException e) {
 *     if (e.getErrorClass() == MPI.ERR_TRUNCATE) System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public final class MPIException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errorCode, errorClass;

    MPIException(int code, int clazz, String message) {
        super(message);
        errorCode = code;
        errorClass = clazz;
    }

    /** An exception with a message (error class {@code MPI.ERR_OTHER}). */
    public MPIException(String message) {
        this(dev.river.mpi.impl.MpiError.ERR_OTHER, dev.river.mpi.impl.MpiError.ERR_OTHER, message);
    }

    /** An exception caused by {@code cause} (error class {@code MPI.ERR_OTHER}). */
    public MPIException(Throwable cause) {
        super(cause);
        errorCode = errorClass = dev.river.mpi.impl.MpiError.ERR_OTHER;
    }

    /** The MPI error code (rMPI uses one code per class). */
    public int getErrorCode() {
        return errorCode;
    }

    /** The MPI error class, e.g. {@code MPI.ERR_TRUNCATE}. */
    public int getErrorClass() {
        return errorClass;
    }
}
