package dev.river.mpi.impl;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datatype type maps and the packing of buffers through them, including piecewise packing. */
class LayoutTest {
    private static final Layout INT = Layout.basic(Base.INT), DOUBLE = Layout.basic(Base.DOUBLE);

    @Test
    void vectorSelectsAStridedColumn() {
        Layout col = Layout.vector(3, 1, 4, DOUBLE);
        assertEquals(3, col.size);
        assertEquals(9, col.extent);
        double[] m = new double[12];
        for (int i = 0; i < 12; i++) m[i] = i;
        ByteBuffer packed = new Cursor(Buf.of(m, Base.DOUBLE), 1, 1, col, "t").packAll();
        assertArrayEquals(new double[]{1, 5, 9}, doubles(packed));
        double[] back = new double[12];
        new Cursor(Buf.of(back, Base.DOUBLE), 2, 1, col, "t").unpack(packed);
        assertEquals(1, back[2]);
        assertEquals(5, back[6]);
        assertEquals(9, back[10]);
    }

    @Test
    void indexedHindexedContiguousAndResized() {
        Layout idx = Layout.indexed(new int[]{2, 1}, new int[]{3, 0}, INT);
        assertEquals(3, idx.size);
        assertEquals(0, idx.lb);
        assertEquals(5, idx.extent);
        int[] a = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        assertArrayEquals(new int[]{13, 14, 10, 18, 19, 15}, ints(new Cursor(Buf.of(a, Base.INT), 0, 2, idx, "t").packAll()),
                "type-map order, second item one extent later");
        Layout h = Layout.hindexed(new int[]{1}, new int[]{8}, INT);
        assertEquals(2, h.blockOffset(0), "8 bytes = 2 ints");
        assertThrows(MpiError.class, () -> Layout.hindexed(new int[]{1}, new int[]{6}, INT), "6 bytes is not a whole number of ints");
        Layout pair = Layout.contiguous(2, INT);
        Layout spread = Layout.resized(pair, 0, 16);
        assertEquals(4, spread.extent);
        assertArrayEquals(new int[]{10, 11, 14, 15}, ints(new Cursor(Buf.of(a, Base.INT), 0, 2, spread, "t").packAll()));
    }

    @Test
    void structsAreLaidOutInBytesWithCAlignment() {
        Layout s = Layout.struct(new int[]{1, 1}, new int[]{0, 8}, new Layout[]{DOUBLE, INT});
        assertEquals(Base.BYTE, s.base);
        assertEquals(12, s.size);
        assertEquals(16, s.extent);
        Layout pair = Layout.pair(Pair.DOUBLE_INT);
        assertEquals(16, pair.extent);
        assertEquals(12, pair.packedBytes());
    }

    @Test
    void largeItemsPackAndUnpackInPieces() {
        int n = 10_001;
        double[] src = new double[2 * n];
        for (int i = 0; i < src.length; i++) src[i] = i;
        Layout every2 = Layout.vector(n, 1, 2, DOUBLE);
        Cursor out = new Cursor(Buf.of(src, Base.DOUBLE), 0, 1, every2, "t");
        double[] dst = new double[n];
        Cursor in = new Cursor(Buf.of(DoubleBuffer.wrap(dst), Base.DOUBLE), 0, n, DOUBLE, "t");
        ByteBuffer chunk = ByteBuffer.allocate(1000).order(Buf.NATIVE);   // 125 doubles at a time
        while (out.remainingBytes() > 0) {
            chunk.clear();
            out.pack(chunk);
            chunk.flip();
            in.unpack(chunk);
        }
        assertEquals(0, in.remainingBytes());
        for (int i = 0; i < n; i++) assertEquals(2.0 * i, dst[i]);
    }

    @Test
    void buffersThatDoNotFitOrDoNotMatchAreRefused() {
        MpiError small = assertThrows(MpiError.class, () -> new Cursor(Buf.of(new int[4], Base.INT), 0, 2, Layout.vector(2, 1, 3, INT), "send"));
        assertEquals(MpiError.ERR_BUFFER, small.errorClass());
        MpiError type = assertThrows(MpiError.class, () -> Buf.of(new boolean[1], Base.INT));
        assertEquals(MpiError.ERR_TYPE, type.errorClass());
        assertTrue(type.getMessage().contains("boolean[]") && type.getMessage().contains("MPI.BOOLEAN"), type.getMessage());
        MpiError beyond = assertThrows(MpiError.class, () -> new Cursor(Buf.of(new int[3], Base.DOUBLE), 0, 2, DOUBLE, "send"));
        assertEquals(MpiError.ERR_BUFFER, beyond.errorClass());
        MpiError none = assertThrows(MpiError.class, () -> Buf.of("text", Base.BYTE));
        assertEquals(MpiError.ERR_BUFFER, none.errorClass());
    }

    @Test
    void aTypedArrayOfAnotherKindIsSeenAsItsMemory() {
        int[] a = {0x01020304, 0x05060708, 0x090a0b0c};
        ByteBuffer memory = ByteBuffer.allocate(12).order(Buf.NATIVE);
        for (int v : a) memory.putInt(v);
        assertEquals(6, Buf.of(a, Base.CHAR).capacity());
        assertEquals(1, Buf.of(a, Base.DOUBLE).capacity());
        // int[] as 5 chars from char 1: starts and ends inside ints
        ByteBuffer packed = new Cursor(Buf.of(a, Base.CHAR), 1, 5, Layout.basic(Base.CHAR), "t").packAll();
        assertEquals(memory.slice(2, 10), packed);
        // receiving into the middle keeps the bytes around it
        int[] back = {-1, -1, -1};
        new Cursor(Buf.of(back, Base.SHORT), 1, 4, Layout.basic(Base.SHORT), "t").unpack(memory.slice(2, 8).order(Buf.NATIVE));
        ByteBuffer expect = memory.duplicate().order(Buf.NATIVE);
        expect.putShort(0, (short) -1).putShort(10, (short) -1);
        assertArrayEquals(new int[]{expect.getInt(0), expect.getInt(4), expect.getInt(8)}, back);
        // aligned: double[] as longs, both ways
        double[] d = {1.5, -2.25};
        ByteBuffer asLongs = new Cursor(Buf.of(d, Base.LONG), 0, 2, Layout.basic(Base.LONG), "t").packAll();
        assertEquals(Double.doubleToRawLongBits(-2.25), asLongs.getLong(8));
        double[] d2 = new double[2];
        new Cursor(Buf.of(d2, Base.LONG), 0, 2, Layout.basic(Base.LONG), "t").unpack(asLongs.rewind());
        assertArrayEquals(d, d2);
    }

    @Test
    void predefinedReductions() {
        ByteBuffer a = ByteBuffer.allocate(16).order(Buf.NATIVE).putDouble(0, 1.5).putDouble(8, -2);
        ByteBuffer b = ByteBuffer.allocate(16).order(Buf.NATIVE).putDouble(0, 2.5).putDouble(8, 7);
        Reductions.of(Reductions.Kind.MAX).reduce(a, b, 2, DOUBLE);
        assertEquals(2.5, b.getDouble(0));
        assertEquals(7, b.getDouble(8));
        Reductions.of(Reductions.Kind.PROD).reduce(a, b, 2, DOUBLE);
        assertEquals(3.75, b.getDouble(0));
        MpiError e = assertThrows(MpiError.class, () -> Reductions.of(Reductions.Kind.BAND).reduce(a, b, 2, DOUBLE));
        assertEquals(MpiError.ERR_OP, e.errorClass());
        MpiError loc = assertThrows(MpiError.class, () -> Reductions.of(Reductions.Kind.MAXLOC).reduce(a, b, 2, DOUBLE));
        assertTrue(loc.getMessage().contains("pair type"), loc.getMessage());
    }

    @Test
    void cartesianCoordinatesRanksShiftsAndDims() {
        Cartesian c = new Cartesian(new int[]{2, 3}, new boolean[]{true, false});
        assertArrayEquals(new int[]{1, 2}, c.coords(5));
        assertEquals(5, c.rank(new int[]{1, 2}));
        assertEquals(2, c.rank(new int[]{-2, 2}), "periodic dimension wraps");
        assertArrayEquals(new int[]{Req.PROC_NULL, 1}, c.shift(0, 1, 1), "shift along the open dimension");
        assertArrayEquals(new int[]{3, 3}, c.shift(0, 0, 1), "periodic: both neighbours are the other row");
        int[] d = {0, 0, 0};
        Cartesian.dimsCreate(24, d);
        assertArrayEquals(new int[]{4, 3, 2}, d);
        assertThrows(MpiError.class, () -> Cartesian.dimsCreate(7, new int[]{2, 0}));
    }

    private static double[] doubles(ByteBuffer b) {
        double[] d = new double[b.remaining() / 8];
        b.duplicate().order(Buf.NATIVE).asDoubleBuffer().get(d);
        return d;
    }

    private static int[] ints(ByteBuffer b) {
        int[] d = new int[b.remaining() / 4];
        b.duplicate().order(Buf.NATIVE).asIntBuffer().get(d);
        return d;
    }
}
