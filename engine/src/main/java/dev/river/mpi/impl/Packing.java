package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * MPI_Pack / MPI_Unpack / MPI_Reduce_local on user buffers.
 *
 * <p>Internal: used by {@code mpi.Comm}.
 */
public final class Packing {
    private Packing() {}

    /** Packs {@code count} items into {@code out} from {@code position}; returns the position after them. */
    public static int pack(Object buf, int count, Layout type, byte[] out, int position) {
        Cursor c = new Cursor(Buf.of(buf, type.base), 0, count, type, "pack");
        if (position < 0 || position + c.totalBytes() > out.length) {
            throw new MpiError(MpiError.ERR_TRUNCATE, "pack: " + c.totalBytes() + " bytes do not fit in the output buffer of "
                    + out.length + " bytes at position " + position);
        }
        ByteBuffer b = ByteBuffer.wrap(out, position, out.length - position).order(Buf.NATIVE);
        c.pack(b);
        return b.position();
    }

    /** Unpacks {@code count} items from {@code in} at {@code position}; returns the position after them. */
    public static int unpack(byte[] in, int position, Object buf, int count, Layout type) {
        Cursor c = new Cursor(Buf.of(buf, type.base), 0, count, type, "unpack");
        if (position < 0 || position + c.totalBytes() > in.length) {
            throw new MpiError(MpiError.ERR_TRUNCATE, "unpack: " + c.totalBytes() + " bytes wanted but the input buffer has only "
                    + Math.max(0, in.length - position) + " from position " + position);
        }
        ByteBuffer b = ByteBuffer.wrap(in, position, in.length - position).order(Buf.NATIVE);
        c.unpack(b);
        return b.position();
    }

    /** Packed bytes of {@code count} items. */
    public static int packSize(int count, Layout type) {
        return Math.toIntExact((long) count * type.packedBytes());
    }

    /** Packs into a new buffer (native order, flipped). */
    public static ByteBuffer pack(Object buf, int count, Layout type) {
        return new Cursor(Buf.of(buf, type.base), 0, count, type, "pack").packAll();
    }

    /** MPI_Reduce_local: {@code inOut = in op inOut}, item by item. */
    public static void reduceLocal(Object in, Object inOut, int count, Layout type, ReduceFn op) {
        ByteBuffer a = pack(in, count, type), b = pack(inOut, count, type);
        op.reduce(a, b, count, type);
        new Cursor(Buf.of(inOut, type.base), 0, count, type, "reduceLocal").unpack(b.clear());
    }
}
