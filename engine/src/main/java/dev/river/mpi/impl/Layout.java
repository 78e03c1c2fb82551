package dev.river.mpi.impl;

import java.util.Arrays;

/**
 * The type map of an rMPI datatype: which base elements of a buffer one item covers. Offsets,
 * lengths, lower bound and extent are in base elements (bytes for struct types), as the Open MPI Java
 * bindings count them. Immutable.
 *
 * <p>Internal: {@code mpi.Datatype} wraps one; the runtime packs and unpacks buffers with it.
 *
 * <pre>{@code
 * Layout column = Layout.vector(4, 1, 4, Layout.basic(Base.DOUBLE));   // one column of a 4x4 matrix
 * }</pre>
 */
public final class Layout {
    private static final int[] NO_BLOCKS = new int[0];

    /** The base element kind of buffers this type describes. */
    public final Base base;
    /** Blocks of one item: {@code [offset0, length0, offset1, length1, ...]} in base elements, in type-map order. */
    private final int[] blocks;
    /** Lower bound and extent of one item, in base elements. */
    public final int lb, extent;
    /** Base elements of data per item (the sum of the block lengths). */
    public final int size;
    /** Non-null when the packed data is a sequence of MAXLOC/MINLOC pairs (a pair type, or one built from it). */
    public final Pair pair;
    /** True when the data is a sequence of complex numbers (real, imaginary) of the base kind (FLOAT or DOUBLE). */
    public final boolean complex;
    /** The primitive elements of one item's packed data, for MPI_GET_ELEMENTS: {@code [bytes0, count0, bytes1, count1, ...]}. */
    private final int[] runs;
    private final boolean contiguous;

    private Layout(Base base, int[] blocks, int lb, int extent, Pair pair, boolean complex, int[] runs) {
        this.base = base;
        this.blocks = blocks;
        this.lb = lb;
        this.extent = extent;
        this.pair = pair;
        this.complex = complex;
        this.runs = runs;
        int s = 0;
        for (int i = 1; i < blocks.length; i += 2) s += blocks[i];
        this.size = s;
        this.contiguous = blocks.length == 2 && blocks[0] == 0 && lb == 0 && blocks[1] == extent
                || blocks.length == 0 && extent == 0;
    }

    /** A predefined type: one element of {@code base}. */
    public static Layout basic(Base base) {
        return new Layout(base, new int[]{0, 1}, 0, 1, null, false, new int[]{base.bytes, 1});
    }

    /** A predefined complex type (FLOAT_COMPLEX, DOUBLE_COMPLEX): two elements of {@code part}, real then imaginary, one MPI element. */
    public static Layout complex(Base part) {
        return new Layout(part, new int[]{0, 2}, 0, 2, null, true, new int[]{2 * part.bytes, 1});
    }

    /**
     * MPI_GET_ELEMENTS: the primitive elements in {@code bytes} of packed data of this type (whole items
     * and a partial last one), or -1 if the bytes end inside an element.
     */
    public long elements(long bytes) {
        long per = packedBytes();
        if (per == 0) return bytes == 0 ? 0 : -1;
        long perItem = 0;
        for (int i = 1; i < runs.length; i += 2) perItem += runs[i];
        long n = bytes / per * perItem, rem = bytes % per;
        for (int i = 0; i < runs.length && rem > 0; i += 2) {
            long all = (long) runs[i] * runs[i + 1];
            if (rem >= all) {
                n += runs[i + 1];
                rem -= all;
            } else {
                n += rem / runs[i];
                rem %= runs[i];
                break;
            }
        }
        return rem == 0 ? n : -1;
    }

    /** A predefined pair type (INT2, DOUBLE_INT, ...): a C struct of value and int index, in bytes. */
    public static Layout pair(Pair p) {
        return new Layout(Base.BYTE, new int[]{0, p.value.bytes, p.indexOffset, 4}, 0, p.extent, p, false, new int[]{p.value.bytes, 1, 4, 1});
    }

    /** Whether one item is a gap-free run starting at offset 0 (then count items are one run). */
    public boolean isContiguous() {
        return contiguous;
    }

    /** Bytes of packed data per item. */
    public int packedBytes() {
        return size * base.bytes;
    }

    /** Number of blocks in one item. */
    public int blockCount() {
        return blocks.length / 2;
    }

    public int blockOffset(int i) {
        return blocks[2 * i];
    }

    public int blockLength(int i) {
        return blocks[2 * i + 1];
    }

    /** Highest base-element index (exclusive) that {@code count} items starting at 0 touch, for bounds checks. */
    public long span(int count) {
        if (count == 0 || blocks.length == 0) return 0;
        long maxEnd = Long.MIN_VALUE;
        for (int i = 0; i < blocks.length; i += 2) maxEnd = Math.max(maxEnd, (long) blocks[i] + blocks[i + 1]);
        return (long) (count - 1) * extent + maxEnd;
    }

    /** Lowest base-element index that the items touch (negative for types with negative displacements). */
    public long lowest() {
        long min = 0;
        for (int i = 0; i < blocks.length; i += 2) min = Math.min(min, blocks[i]);
        return min;
    }

    // ---------------------------------------------------------------- type constructors (MPI_TYPE_*)

    /** {@code count} copies of {@code old}, one after the other. */
    public static Layout contiguous(int count, Layout old) {
        requireCount(count, "count");
        Builder b = new Builder(old.base);
        for (int i = 0; i < count; i++) b.addAll(old, (long) i * old.extent);
        return b.build(old.lb, (long) count * old.extent, old.pair);
    }

    /** {@code count} blocks of {@code blockLength} copies of {@code old}, block starts {@code stride} items apart. */
    public static Layout vector(int count, int blockLength, int stride, Layout old) {
        return hvectorElems(count, blockLength, (long) stride * old.extent, old);
    }

    /** As {@link #vector} with the stride in bytes. */
    public static Layout hvector(int count, int blockLength, int strideBytes, Layout old) {
        return hvectorElems(count, blockLength, toElems(strideBytes, old.base, "stride"), old);
    }

    private static Layout hvectorElems(int count, int blockLength, long stride, Layout old) {
        requireCount(count, "count");
        requireCount(blockLength, "blockLength");
        Builder b = new Builder(old.base);
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < blockLength; j++) b.addAll(old, i * stride + (long) j * old.extent);
        }
        return b.buildBounds(old, count == 0 || blockLength == 0 ? new long[0] : starts(count, stride), blockLength);
    }

    private static long[] starts(int count, long stride) {
        long[] s = new long[count];
        for (int i = 0; i < count; i++) s[i] = i * stride;
        return s;
    }

    /** Blocks of copies of {@code old} at displacements counted in extents of {@code old}. */
    public static Layout indexed(int[] blockLengths, int[] displacements, Layout old) {
        long[] d = new long[displacements.length];
        for (int i = 0; i < d.length; i++) d[i] = (long) displacements[i] * old.extent;
        return indexedElems(blockLengths, d, old);
    }

    /** As {@link #indexed} with displacements in bytes. */
    public static Layout hindexed(int[] blockLengths, int[] displacementBytes, Layout old) {
        long[] d = new long[displacementBytes.length];
        for (int i = 0; i < d.length; i++) d[i] = toElems(displacementBytes[i], old.base, "displacement");
        return indexedElems(blockLengths, d, old);
    }

    private static Layout indexedElems(int[] blockLengths, long[] displs, Layout old) {
        if (blockLengths.length != displs.length) {
            throw new MpiError(MpiError.ERR_ARG, "blockLengths has " + blockLengths.length + " entries but displacements has " + displs.length);
        }
        Builder b = new Builder(old.base);
        int used = 0;
        for (int i = 0; i < blockLengths.length; i++) {
            requireCount(blockLengths[i], "blockLengths[" + i + "]");
            for (int j = 0; j < blockLengths[i]; j++) b.addAll(old, displs[i] + (long) j * old.extent);
            if (blockLengths[i] > 0) used++;
        }
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (int i = 0; i < blockLengths.length; i++) {
            if (blockLengths[i] == 0) continue;
            lo = Math.min(lo, displs[i] + old.lb);
            hi = Math.max(hi, displs[i] + old.lb + (long) blockLengths[i] * old.extent);
        }
        if (used == 0) return b.build(0, 0, old.pair);
        return b.build(lo, hi - lo, old.pair);
    }

    /** The general constructor: blocks of different types at byte displacements; the result's base is BYTE. */
    public static Layout struct(int[] blockLengths, int[] displacementBytes, Layout[] types) {
        if (blockLengths.length != displacementBytes.length || blockLengths.length != types.length) {
            throw new MpiError(MpiError.ERR_ARG, "createStruct needs as many displacements and types as block lengths ("
                    + blockLengths.length + ", " + displacementBytes.length + ", " + types.length + ")");
        }
        Builder b = new Builder(Base.BYTE);
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (int i = 0; i < types.length; i++) {
            requireCount(blockLengths[i], "blockLengths[" + i + "]");
            Layout t = types[i].inBytes();
            for (int j = 0; j < blockLengths[i]; j++) b.addAll(t, displacementBytes[i] + (long) j * t.extent);
            if (blockLengths[i] > 0) {
                lo = Math.min(lo, displacementBytes[i] + (long) t.lb);
                hi = Math.max(hi, displacementBytes[i] + (long) t.lb + (long) blockLengths[i] * t.extent);
            }
        }
        if (lo == Long.MAX_VALUE) return b.build(0, 0, null);
        // C alignment: the extent is rounded up to the largest alignment of a member
        int align = 1;
        for (Layout t : types) align = Math.max(align, t.base.bytes);
        long extent = hi - lo;
        if (extent % align != 0) extent += align - extent % align;
        return b.build(lo, extent, null);
    }

    /** This type with a new lower bound and extent, both in bytes (as Open MPI's createResized takes them). */
    public static Layout resized(Layout old, int lbBytes, int extentBytes) {
        long lb = toElems(lbBytes, old.base, "lb");
        long extent = toElems(extentBytes, old.base, "extent");
        return new Layout(old.base, old.blocks, checkedInt(lb), checkedInt(extent), old.pair, old.complex, old.runs);
    }

    /** The same type map in bytes (for struct members). */
    private Layout inBytes() {
        if (base == Base.BYTE) return this;
        int k = base.bytes;
        int[] b = new int[blocks.length];
        for (int i = 0; i < b.length; i++) b[i] = blocks[i] * k;
        return new Layout(Base.BYTE, b, lb * k, extent * k, null, false, runs);
    }

    private static long toElems(long bytes, Base base, String what) {
        if (bytes % base.bytes != 0) {
            throw new MpiError(MpiError.ERR_ARG, what + " of " + bytes + " bytes is not a multiple of the " + base
                    + " element size (" + base.bytes + " bytes)");
        }
        return bytes / base.bytes;
    }

    private static void requireCount(int n, String what) {
        if (n < 0) throw new MpiError(MpiError.ERR_COUNT, what + " must not be negative, got " + n);
    }

    private static int checkedInt(long v) {
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new MpiError(MpiError.ERR_ARG, "datatype too large: " + v + " elements");
        }
        return (int) v;
    }

    /** Collects blocks, merging a block that continues the previous one. */
    private static final class Builder {
        private final Base base;
        private int[] b = new int[8];
        private int n;
        private int[] r = new int[4];    // element runs, as Layout.runs
        private int rn;
        private boolean complex = true, any;

        Builder(Base base) {
            this.base = base;
        }

        void addAll(Layout t, long at) {
            for (int i = 0; i < t.blocks.length; i += 2) add(at + t.blocks[i], t.blocks[i + 1]);
            complex &= t.complex;
            any = true;
            for (int i = 0; i < t.runs.length; i += 2) {
                if (rn > 0 && r[rn - 2] == t.runs[i]) {
                    r[rn - 1] = checkedInt((long) r[rn - 1] + t.runs[i + 1]);
                    continue;
                }
                if (rn + 2 > r.length) r = Arrays.copyOf(r, r.length * 2);
                r[rn++] = t.runs[i];
                r[rn++] = t.runs[i + 1];
            }
        }

        void add(long offset, int length) {
            if (length == 0) return;
            int off = checkedInt(offset);
            if (n > 0 && b[n - 2] + b[n - 1] == off) {
                b[n - 1] = checkedInt((long) b[n - 1] + length);
                return;
            }
            if (n + 2 > b.length) b = Arrays.copyOf(b, b.length * 2);
            b[n++] = off;
            b[n++] = length;
        }

        Layout build(long lb, long extent, Pair pair) {
            return new Layout(base, n == 0 ? NO_BLOCKS : Arrays.copyOf(b, n), checkedInt(lb), checkedInt(extent), pair, complex && any, Arrays.copyOf(r, rn));
        }

        /** Bounds of vector-like types: blocks of {@code blockLength} old items at {@code starts}. */
        Layout buildBounds(Layout old, long[] starts, int blockLength) {
            if (starts.length == 0) return build(0, 0, old.pair);
            long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
            for (long s : starts) {
                lo = Math.min(lo, s + old.lb);
                hi = Math.max(hi, s + old.lb + (long) blockLength * old.extent);
            }
            return build(lo, hi - lo, old.pair);
        }
    }

    @Override
    public String toString() {
        return (pair != null ? pair.name() : base.name()) + "{size=" + size + ", extent=" + extent + ", blocks=" + blockCount() + "}";
    }
}
