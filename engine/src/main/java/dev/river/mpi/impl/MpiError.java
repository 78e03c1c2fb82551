package dev.river.mpi.impl;

/**
 * An MPI error raised by the rMPI runtime: an MPI error class (one of the {@code ERR_*} codes below,
 * which equal Open MPI's) and a message that says what went wrong and what to do. The {@code mpi}
 * facade turns it into an {@code mpi.MPIException} or, under {@code MPI.ERRORS_ARE_FATAL}, into a job
 * abort.
 *
 * <p>Internal: part of the runtime behind package {@code mpi}; applications use {@code mpi.MPIException}.
 *
 * <pre>{@code
 * throw new MpiError(MpiError.ERR_RANK, "send to rank 7, but the communicator has 4 ranks (0..3)");
 * }</pre>
 */
public final class MpiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int SUCCESS = 0, ERR_BUFFER = 1, ERR_COUNT = 2, ERR_TYPE = 3, ERR_TAG = 4, ERR_COMM = 5,
            ERR_RANK = 6, ERR_REQUEST = 7, ERR_ROOT = 8, ERR_GROUP = 9, ERR_OP = 10, ERR_TOPOLOGY = 11, ERR_DIMS = 12,
            ERR_ARG = 13, ERR_UNKNOWN = 14, ERR_TRUNCATE = 15, ERR_OTHER = 16, ERR_INTERN = 17, ERR_IN_STATUS = 18,
            ERR_PENDING = 19, ERR_NO_MEM = 34, ERR_UNSUPPORTED_OPERATION = 52, ERR_LASTCODE = 92;

    private final int errorClass;

    public MpiError(int errorClass, String message) {
        super(message);
        this.errorClass = errorClass;
    }

    public MpiError(int errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    /** The MPI error class (and code: rMPI uses one code per class). */
    public int errorClass() {
        return errorClass;
    }

    /** The MPI name of an error class, e.g. "MPI_ERR_TRUNCATE". */
    public static String name(int errorClass) {
        return switch (errorClass) {
            case SUCCESS -> "MPI_SUCCESS";
            case ERR_BUFFER -> "MPI_ERR_BUFFER";
            case ERR_COUNT -> "MPI_ERR_COUNT";
            case ERR_TYPE -> "MPI_ERR_TYPE";
            case ERR_TAG -> "MPI_ERR_TAG";
            case ERR_COMM -> "MPI_ERR_COMM";
            case ERR_RANK -> "MPI_ERR_RANK";
            case ERR_REQUEST -> "MPI_ERR_REQUEST";
            case ERR_ROOT -> "MPI_ERR_ROOT";
            case ERR_GROUP -> "MPI_ERR_GROUP";
            case ERR_OP -> "MPI_ERR_OP";
            case ERR_TOPOLOGY -> "MPI_ERR_TOPOLOGY";
            case ERR_DIMS -> "MPI_ERR_DIMS";
            case ERR_ARG -> "MPI_ERR_ARG";
            case ERR_TRUNCATE -> "MPI_ERR_TRUNCATE";
            case ERR_OTHER -> "MPI_ERR_OTHER";
            case ERR_INTERN -> "MPI_ERR_INTERN";
            case ERR_IN_STATUS -> "MPI_ERR_IN_STATUS";
            case ERR_PENDING -> "MPI_ERR_PENDING";
            case ERR_NO_MEM -> "MPI_ERR_NO_MEM";
            case ERR_UNSUPPORTED_OPERATION -> "MPI_ERR_UNSUPPORTED_OPERATION";
            default -> "MPI_ERR_UNKNOWN";
        };
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " (" + name(errorClass) + ")";
    }
}
