package dev.river.mpi.impl;

/**
 * The value/index pair types that {@code MAXLOC} and {@code MINLOC} reduce. In user buffers they are
 * C structs (value, then an int index, with C alignment); packed they are value bytes followed by four
 * index bytes, without padding.
 *
 * <p>Internal: the runtime behind package {@code mpi}.
 */
public enum Pair {
    INT2(Base.INT, 4, 8), SHORT_INT(Base.SHORT, 4, 8), LONG_INT(Base.LONG, 8, 16),
    FLOAT_INT(Base.FLOAT, 4, 8), DOUBLE_INT(Base.DOUBLE, 8, 16);

    /** Kind of the value field. */
    public final Base value;
    /** Byte offset of the int index in the struct. */
    public final int indexOffset;
    /** Struct extent in bytes (C layout). */
    public final int extent;

    Pair(Base value, int indexOffset, int extent) {
        this.value = value;
        this.indexOffset = indexOffset;
        this.extent = extent;
    }

    /** Packed bytes per pair. */
    public int packedBytes() {
        return value.bytes + 4;
    }
}
