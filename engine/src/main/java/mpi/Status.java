package mpi;

import dev.river.mpi.impl.Req;

/**
 * The status of a completed receive (or probe): source, tag, and how much data arrived.
 *
 * <pre>{@code
 * Status s = MPI.COMM_WORLD.recv(buf, buf.length, MPI.DOUBLE, MPI.ANY_SOURCE, MPI.ANY_TAG);
 * System.out.println(s.getCount(MPI.DOUBLE) + " doubles from rank " + s.getSource() + ", tag " + s.getTag());
 * }</pre>
 */
public final class Status {
    private final int source, tag, error, index;
    private final long bytes;
    private final boolean cancelled;

    Status(Req r, int index) {
        this.source = r.source();
        this.tag = r.tag();
        this.bytes = r.bytes();
        this.cancelled = r.cancelled();
        this.error = r.error() == null ? MPI.SUCCESS : r.error().errorClass();
        this.index = index;
    }

    /** MPI_GET_COUNT: items of {@code datatype} received, or {@code MPI.UNDEFINED} if not a whole number. */
    public int getCount(Datatype datatype) throws MPIException {
        MPI.check();
        long per = datatype.layout().packedBytes();
        if (per == 0) return bytes == 0 ? 0 : MPI.UNDEFINED;
        return bytes % per == 0 ? (int) (bytes / per) : MPI.UNDEFINED;
    }

    /**
     * MPI_GET_ELEMENTS: primitive elements received, counting those of a partly filled last item (a
     * struct of a double and an int has two per item; a complex number is one), or {@code MPI.UNDEFINED}
     * if the data ends inside an element.
     */
    public int getElements(Datatype datatype) throws MPIException {
        MPI.check();
        long n = datatype.layout().elements(bytes);
        return n < 0 || n > Integer.MAX_VALUE ? MPI.UNDEFINED : (int) n;
    }

    /** MPI_TEST_CANCELLED. */
    public boolean isCancelled() throws MPIException {
        MPI.check();
        return cancelled;
    }

    /** The rank that sent the message ({@code MPI.PROC_NULL} for a receive from PROC_NULL). */
    public int getSource() {
        return source;
    }

    public int getTag() {
        return tag;
    }

    /** MPI_ERROR: the error class the operation ended with ({@code MPI.SUCCESS} if none). */
    public int getError() {
        return error;
    }

    /** For statuses returned by waitAny/waitSome/testAny/testSome: the index of the request in the array. */
    public int getIndex() {
        return index;
    }

    @Override public String toString() {
        return "Status[source=" + source + ", tag=" + tag + ", bytes=" + bytes + (cancelled ? ", cancelled" : "") + "]";
    }
}
