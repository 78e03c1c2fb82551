package dev.river.sfm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * Kryo serializers for {@code double[]}, {@code long[]}, {@code int[]} and {@code float[]} that copy
 * the array in bulk (little-endian, through a per-thread scratch buffer) instead of element by
 * element: several times faster for large arrays inside objects, such as a VR's fields in a
 * checkpoint or an array nested in a message attribute. (Top-level array attributes already travel
 * as raw frames, see {@link Attributes}.)
 *
 * <p>Internal. Format: {@code varint(length + 1)} (0 for null), then the elements' bytes.
 */
final class BulkArraySerializers {
    private static final int SCRATCH = 64 * 1024;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    private BulkArraySerializers() {}

    /** Replaces Kryo's element-by-element serializers for the four numeric array types. */
    static void register(Kryo kryo) {
        kryo.register(double[].class, new Bulk<double[]>(8, double[]::new, a -> a.length, double[]::clone,
                (b, a, off, n) -> b.asDoubleBuffer().put(a, off, n), (b, a, off, n) -> b.asDoubleBuffer().get(a, off, n)));
        kryo.register(long[].class, new Bulk<long[]>(8, long[]::new, a -> a.length, long[]::clone,
                (b, a, off, n) -> b.asLongBuffer().put(a, off, n), (b, a, off, n) -> b.asLongBuffer().get(a, off, n)));
        kryo.register(int[].class, new Bulk<int[]>(4, int[]::new, a -> a.length, int[]::clone,
                (b, a, off, n) -> b.asIntBuffer().put(a, off, n), (b, a, off, n) -> b.asIntBuffer().get(a, off, n)));
        kryo.register(float[].class, new Bulk<float[]>(4, float[]::new, a -> a.length, float[]::clone,
                (b, a, off, n) -> b.asFloatBuffer().put(a, off, n), (b, a, off, n) -> b.asFloatBuffer().get(a, off, n)));
    }

    /** Moves {@code n} elements from index {@code off} between an array and a little-endian buffer. */
    @FunctionalInterface
    private interface Copy<A> {
        void copy(ByteBuffer buffer, A array, int off, int n);
    }

    /** One primitive array type, {@code width} bytes per element. */
    private static final class Bulk<A> extends Serializer<A> {
        private final int width;
        private final IntFunction<A> make;
        private final ToIntFunction<A> length;
        private final UnaryOperator<A> clone;
        private final Copy<A> toBytes;
        private final Copy<A> fromBytes;

        Bulk(int width, IntFunction<A> make, ToIntFunction<A> length, UnaryOperator<A> clone, Copy<A> toBytes, Copy<A> fromBytes) {
            this.width = width;
            this.make = make;
            this.length = length;
            this.clone = clone;
            this.toBytes = toBytes;
            this.fromBytes = fromBytes;
            setAcceptsNull(true);
        }

        @Override public void write(Kryo kryo, Output out, A a) {
            if (a == null) {
                out.writeVarInt(0, true);
                return;
            }
            int len = length.applyAsInt(a);
            out.writeVarInt(len + 1, true);
            ByteBuffer b = ByteBuffer.wrap(BUFFER.get()).order(ByteOrder.LITTLE_ENDIAN);
            int step = SCRATCH / width;
            for (int off = 0; off < len; off += step) {
                int n = Math.min(step, len - off);
                toBytes.copy(b, a, off, n);
                out.writeBytes(b.array(), 0, n * width);
            }
        }

        @Override public A read(Kryo kryo, Input in, Class<? extends A> type) {
            int len = in.readVarInt(true) - 1;
            if (len < 0) return null;
            A a = make.apply(len);
            ByteBuffer b = ByteBuffer.wrap(BUFFER.get()).order(ByteOrder.LITTLE_ENDIAN);
            int step = SCRATCH / width;
            for (int off = 0; off < len; off += step) {
                int n = Math.min(step, len - off);
                in.readBytes(b.array(), 0, n * width);
                fromBytes.copy(b, a, off, n);
            }
            return a;
        }

        @Override public A copy(Kryo kryo, A original) {
            return clone.apply(original);
        }
    }
}
