package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * A typed array or buffer seen as the memory it holds, in elements of another base kind: an
 * {@code int[10]} sent as {@code MPI.CHAR} is 40 bytes, so 20 chars. Open MPI's Java bindings hand a
 * primitive array's memory to MPI whatever its element type (its own {@code Rsend} test sends an
 * {@code int[]} as {@code MPI.CHAR}); this view gives the same bytes, in native order, without a
 * copy of the whole array. It never reads or writes past the array's end.
 *
 * <p>Elements of the view need not align with the array's: the edges of a range are packed into a
 * small scratch buffer and, when receiving, the array elements they straddle are read, patched and
 * written back.
 */
final class Reinterpreted extends Buf {
    private final Buf inner;
    private final int k;      // bytes per element of the view
    private final int e;      // bytes per element of the array

    Reinterpreted(Buf inner, Base as) {
        super(as);
        this.inner = inner;
        this.k = as.bytes;
        this.e = inner.base.bytes;
    }

    @Override public int capacity() {
        return (int) ((long) inner.capacity() * e / k);
    }

    @Override void pack(int from, int n, ByteBuffer out) {
        long start = (long) from * k, end = start + (long) n * k;
        if (start % e == 0 && end % e == 0) {
            inner.pack((int) (start / e), (int) ((end - start) / e), out);
            return;
        }
        ByteBuffer covering = covering(start, end);
        int skip = (int) (start - start / e * e);
        out.put(covering.slice(skip, (int) (end - start)));
    }

    @Override void unpack(ByteBuffer in, int from, int n) {
        long start = (long) from * k, end = start + (long) n * k;
        int len = (int) (end - start);
        if (start % e == 0 && end % e == 0) {
            inner.unpack(in, (int) (start / e), len / e);
            return;
        }
        ByteBuffer covering = covering(start, end);
        int skip = (int) (start - start / e * e);
        covering.put(skip, in, in.position(), len);
        in.position(in.position() + len);
        inner.unpack(covering.rewind(), (int) (start / e), covering.capacity() / e);
    }

    /** The array elements that bytes {@code [start, end)} lie in, packed (native order). */
    private ByteBuffer covering(long start, long end) {
        int first = (int) (start / e), last = (int) ((end + e - 1) / e);
        ByteBuffer b = ByteBuffer.allocate((last - first) * e).order(NATIVE);
        inner.pack(first, last - first, b);
        return b.flip();
    }
}
