package dev.river.mpi.impl;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * A user buffer (a Java primitive array or a {@link java.nio} buffer) seen as a sequence of base
 * elements, with bulk copies to and from packed data. Packed data is always in native byte order.
 *
 * <p>A typed array or typed buffer of another kind than the datatype's is seen as its memory (an
 * {@code int[]} sent as {@code MPI.CHAR}, see {@link Reinterpreted}), except for booleans, which must
 * match; {@code byte[]} and {@link ByteBuffer} are raw memory and take any datatype, as
 * in Open MPI (multi-byte values in a ByteBuffer are read in its own byte order, so use
 * {@code MPI.newByteBuffer}, which is native-ordered). Index 0 is the buffer's index 0 (its position
 * is ignored: slice the buffer to start elsewhere, as {@code MPI.slice} does).
 * The views of typed NIO buffers are in {@link NioBufs}.
 *
 * <p>Internal: the runtime behind package {@code mpi}.
 */
public abstract class Buf {
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Runs shorter than this are copied element by element (creating a view costs more). */
    private static final int BULK = 16;

    final Base base;

    Buf(Base base) {
        this.base = base;
    }

    /** Capacity in base elements. */
    public abstract int capacity();

    /** Copies base elements {@code [from, from+n)} into {@code out} (native order), advancing its position. */
    abstract void pack(int from, int n, ByteBuffer out);

    /** Copies {@code n} base elements from {@code in} (native order) to {@code [from, from+n)}, advancing its position. */
    abstract void unpack(ByteBuffer in, int from, int n);

    /**
     * Wraps a user buffer for datatypes of kind {@code base}.
     *
     * @throws MpiError ERR_BUFFER for null or an unsupported object, ERR_TYPE for a typed buffer of another kind
     */
    public static Buf of(Object buf, Base base) {
        if (buf == null) throw new MpiError(MpiError.ERR_BUFFER, "the buffer is null");
        if (buf instanceof byte[] a) return new RawArray(a, base);
        if (buf instanceof ByteBuffer b) return new RawBuffer(b, base);
        Base kind = kindOf(buf);
        if (kind == null) {
            throw new MpiError(MpiError.ERR_BUFFER, "unsupported buffer " + buf.getClass().getName()
                    + ": use a primitive array or a java.nio buffer (MPI.newDoubleBuffer(n), ...)");
        }
        if (kind != base) {
            if (kind == Base.BOOLEAN || base == Base.BOOLEAN) {
                throw new MpiError(MpiError.ERR_TYPE, "a " + describe(buf) + " cannot hold MPI." + base
                        + " data: use a " + base.name().toLowerCase() + "[] (or a ByteBuffer) with MPI." + base
                        + ", or the datatype MPI." + kind + " with this buffer");
            }
            return new Reinterpreted(of(buf, kind), base);   // its memory, as Open MPI sees it
        }
        if (buf instanceof double[] a) return new Doubles(a);
        if (buf instanceof int[] a) return new Ints(a);
        if (buf instanceof long[] a) return new Longs(a);
        if (buf instanceof float[] a) return new Floats(a);
        if (buf instanceof short[] a) return new Shorts(a);
        if (buf instanceof char[] a) return new Chars(a);
        if (buf instanceof boolean[] a) return new Booleans(a);
        if (buf instanceof DoubleBuffer b) return new NioBufs.DoubleBuf(b);
        if (buf instanceof IntBuffer b) return new NioBufs.IntBuf(b);
        if (buf instanceof LongBuffer b) return new NioBufs.LongBuf(b);
        if (buf instanceof FloatBuffer b) return new NioBufs.FloatBuf(b);
        if (buf instanceof ShortBuffer b) return new NioBufs.ShortBuf(b);
        return new NioBufs.CharBuf((CharBuffer) buf);
    }

    /** The base kind a typed buffer holds, null for raw or unsupported ones. */
    static Base kindOf(Object buf) {
        if (buf instanceof double[] || buf instanceof DoubleBuffer) return Base.DOUBLE;
        if (buf instanceof int[] || buf instanceof IntBuffer) return Base.INT;
        if (buf instanceof long[] || buf instanceof LongBuffer) return Base.LONG;
        if (buf instanceof float[] || buf instanceof FloatBuffer) return Base.FLOAT;
        if (buf instanceof short[] || buf instanceof ShortBuffer) return Base.SHORT;
        if (buf instanceof char[] || buf instanceof CharBuffer) return Base.CHAR;
        if (buf instanceof boolean[]) return Base.BOOLEAN;
        return null;
    }

    static String describe(Object buf) {
        if (buf instanceof Buffer b) return (b.isDirect() ? "direct " : "heap ") + buf.getClass().getSimpleName().replaceAll("^(Direct|Heap)|[UR]$", "");
        return buf.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- raw memory

    private static final class RawArray extends Buf {
        private final byte[] a;
        private final int k;

        RawArray(byte[] a, Base base) {
            super(base);
            this.a = a;
            this.k = base.bytes;
        }

        @Override public int capacity() {
            return a.length / k;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.put(a, from * k, n * k);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            in.get(a, from * k, n * k);
        }
    }

    private static final class RawBuffer extends Buf {
        private final ByteBuffer b;
        private final int k;

        RawBuffer(ByteBuffer b, Base base) {
            super(base);
            this.b = b;
            this.k = base.bytes;
        }

        @Override public int capacity() {
            return b.capacity() / k;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            out.put(b.slice(from * k, n * k));
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            int len = n * k;
            ByteBuffer src = in.slice(in.position(), len);
            b.slice(from * k, len).put(src);
            in.position(in.position() + len);
        }
    }

    // ---------------------------------------------------------------- arrays

    private static final class Doubles extends Buf {
        private final double[] a;

        Doubles(double[] a) {
            super(Base.DOUBLE);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putDouble(a[i]);
            } else {
                out.asDoubleBuffer().put(a, from, n);
                out.position(out.position() + n * 8);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getDouble();
            } else {
                in.asDoubleBuffer().get(a, from, n);
                in.position(in.position() + n * 8);
            }
        }
    }

    private static final class Ints extends Buf {
        private final int[] a;

        Ints(int[] a) {
            super(Base.INT);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putInt(a[i]);
            } else {
                out.asIntBuffer().put(a, from, n);
                out.position(out.position() + n * 4);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getInt();
            } else {
                in.asIntBuffer().get(a, from, n);
                in.position(in.position() + n * 4);
            }
        }
    }

    private static final class Longs extends Buf {
        private final long[] a;

        Longs(long[] a) {
            super(Base.LONG);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putLong(a[i]);
            } else {
                out.asLongBuffer().put(a, from, n);
                out.position(out.position() + n * 8);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getLong();
            } else {
                in.asLongBuffer().get(a, from, n);
                in.position(in.position() + n * 8);
            }
        }
    }

    private static final class Floats extends Buf {
        private final float[] a;

        Floats(float[] a) {
            super(Base.FLOAT);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putFloat(a[i]);
            } else {
                out.asFloatBuffer().put(a, from, n);
                out.position(out.position() + n * 4);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getFloat();
            } else {
                in.asFloatBuffer().get(a, from, n);
                in.position(in.position() + n * 4);
            }
        }
    }

    private static final class Shorts extends Buf {
        private final short[] a;

        Shorts(short[] a) {
            super(Base.SHORT);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putShort(a[i]);
            } else {
                out.asShortBuffer().put(a, from, n);
                out.position(out.position() + n * 2);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getShort();
            } else {
                in.asShortBuffer().get(a, from, n);
                in.position(in.position() + n * 2);
            }
        }
    }

    private static final class Chars extends Buf {
        private final char[] a;

        Chars(char[] a) {
            super(Base.CHAR);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) out.putChar(a[i]);
            } else {
                out.asCharBuffer().put(a, from, n);
                out.position(out.position() + n * 2);
            }
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            if (n < BULK) {
                for (int i = from; i < from + n; i++) a[i] = in.getChar();
            } else {
                in.asCharBuffer().get(a, from, n);
                in.position(in.position() + n * 2);
            }
        }
    }

    private static final class Booleans extends Buf {
        private final boolean[] a;

        Booleans(boolean[] a) {
            super(Base.BOOLEAN);
            this.a = a;
        }

        @Override public int capacity() {
            return a.length;
        }

        @Override void pack(int from, int n, ByteBuffer out) {
            for (int i = from; i < from + n; i++) out.put(a[i] ? (byte) 1 : 0);
        }

        @Override void unpack(ByteBuffer in, int from, int n) {
            for (int i = from; i < from + n; i++) a[i] = in.get() != 0;
        }
    }
}
