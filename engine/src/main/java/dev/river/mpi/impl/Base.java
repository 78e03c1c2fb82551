package dev.river.mpi.impl;

/**
 * The primitive element kinds of rMPI datatypes, with their size in bytes. Every datatype is built
 * from one base kind (struct types from {@link #BYTE}); buffers are indexed in base elements.
 *
 * <p>Internal: the runtime behind package {@code mpi}.
 */
public enum Base {
    BYTE(1), CHAR(2), SHORT(2), BOOLEAN(1), INT(4), LONG(8), FLOAT(4), DOUBLE(8);

    /** Bytes per element on the wire (booleans travel as one byte, 0 or 1). */
    public final int bytes;

    Base(int bytes) {
        this.bytes = bytes;
    }
}
