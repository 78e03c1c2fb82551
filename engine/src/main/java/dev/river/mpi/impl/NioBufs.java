package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * The {@link Buf} views of typed {@link java.nio} buffers ({@code DoubleBuffer}, {@code IntBuffer},
 * ...) whose kind matches the datatype's; {@link Buf#of} picks one. They are separate from the
 * primitive-array and raw-memory views in {@link Buf} because they copy differently: always in bulk,
 * through slices of the user buffer and typed views of the packed data, with no element-by-element
 * path for short runs. Like the others they ignore the buffer's position (index 0 is its index 0).
 */
final class NioBufs {
    private NioBufs() {}

    static final class DoubleBuf extends Buf {
        private final DoubleBuffer b;

        DoubleBuf(DoubleBuffer b) {
            super(Base.DOUBLE);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asDoubleBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 8);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asDoubleBuffer().limit(n));
            in.position(in.position() + n * 8);
        }
    }

    static final class IntBuf extends Buf {
        private final IntBuffer b;

        IntBuf(IntBuffer b) {
            super(Base.INT);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asIntBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 4);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asIntBuffer().limit(n));
            in.position(in.position() + n * 4);
        }
    }

    static final class LongBuf extends Buf {
        private final LongBuffer b;

        LongBuf(LongBuffer b) {
            super(Base.LONG);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asLongBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 8);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asLongBuffer().limit(n));
            in.position(in.position() + n * 8);
        }
    }

    static final class FloatBuf extends Buf {
        private final FloatBuffer b;

        FloatBuf(FloatBuffer b) {
            super(Base.FLOAT);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asFloatBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 4);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asFloatBuffer().limit(n));
            in.position(in.position() + n * 4);
        }
    }

    static final class ShortBuf extends Buf {
        private final ShortBuffer b;

        ShortBuf(ShortBuffer b) {
            super(Base.SHORT);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asShortBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 2);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asShortBuffer().limit(n));
            in.position(in.position() + n * 2);
        }
    }

    static final class CharBuf extends Buf {
        private final CharBuffer b;

        CharBuf(CharBuffer b) {
            super(Base.CHAR);
            this.b = b;
        }

        @Override public int capacity() {
            return b.capacity();
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.asCharBuffer().put(b.slice(from, n));
            out.position(out.position() + n * 2);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            b.slice(from, n).put(in.asCharBuffer().limit(n));
            in.position(in.position() + n * 2);
        }
    }
}
