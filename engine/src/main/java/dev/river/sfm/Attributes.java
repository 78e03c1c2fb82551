package dev.river.sfm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of an SFM message's attributes: a Kryo-encoded body plus, for each large primitive
 * array, one raw frame ("blob") that the transport hands to the socket as it is.
 *
 * <p>Internal. A {@code byte[]} blob is the array's copy taken at send time (sends are asynchronous,
 * so the caller may reuse its array at once); other primitive arrays are converted to bytes in one
 * copy, and converted back in one copy on the receiving side.
 */
public final class Attributes {
    /** Arrays at least this large (in bytes) travel as their own frame. */
    public static final int BLOB_THRESHOLD = 32 * 1024;

    private static final byte OBJECT = 0, BLOB = 1;
    private static final byte T_BYTE = 1, T_INT = 2, T_LONG = 3, T_DOUBLE = 4, T_FLOAT = 5, T_SHORT = 6, T_CHAR = 7;

    private Attributes() {}

    /** Encoded attributes: the body frame and the blob frames, in order. */
    public record Encoded(byte[] body, List<byte[]> blobs) {
        public long size() {
            long n = body.length;
            for (byte[] b : blobs) n += b.length;
            return n;
        }
    }

    /**
     * Encodes name/value pairs. Fails with {@link IllegalArgumentException} naming the attribute and
     * the class that cannot be serialized, so the error is raised at the sender.
     */
    public static Encoded encode(Map<String, Object> attrs, ClassLoader loader) {
        Kryo kryo = Codec.obtain(loader);
        List<byte[]> blobs = new ArrayList<>(0);
        try (Output out = new Output(128, -1)) {
            out.writeVarInt(attrs.size(), true);
            for (Map.Entry<String, Object> e : attrs.entrySet()) {
                out.writeString(e.getKey());
                Object v = e.getValue();
                byte[] blob = toBlob(v, out);
                if (blob != null) {
                    blobs.add(blob);
                    continue;
                }
                out.writeByte(OBJECT);
                try {
                    kryo.writeClassAndObject(out, v);
                } catch (RuntimeException | StackOverflowError ex) {
                    throw new IllegalArgumentException("attribute '" + e.getKey() + "' (" + className(v)
                            + ") cannot be serialized: " + rootMessage(ex), ex);
                }
            }
            return new Encoded(out.toBytes(), blobs);
        } finally {
            kryo.reset();
            Codec.release(loader, kryo);
        }
    }

    /** Decodes attributes, resolving user classes in {@code loader}. */
    public static Map<String, Object> decode(byte[] body, List<byte[]> blobs, ClassLoader loader) {
        Kryo kryo = Codec.obtain(loader);
        try (Input in = new Input(body)) {
            int n = in.readVarInt(true);
            Map<String, Object> attrs = new LinkedHashMap<>(Math.max(4, n * 2));
            int blob = 0;
            for (int i = 0; i < n; i++) {
                String name = in.readString();
                byte kind = in.readByte();
                if (kind == BLOB) {
                    byte type = in.readByte();
                    attrs.put(name, fromBlob(type, blobs.get(blob++)));
                } else {
                    attrs.put(name, kryo.readClassAndObject(in));
                }
            }
            return attrs;
        } finally {
            kryo.reset();
            Codec.release(loader, kryo);
        }
    }

    private static byte[] toBlob(Object v, Output out) {
        byte type;
        byte[] bytes;
        if (v instanceof byte[] a && a.length >= BLOB_THRESHOLD) {
            type = T_BYTE;
            bytes = a.clone();
        } else if (v instanceof double[] a && a.length * 8L >= BLOB_THRESHOLD) {
            type = T_DOUBLE;
            bytes = new byte[a.length * 8];
            buffer(bytes).asDoubleBuffer().put(a);
        } else if (v instanceof int[] a && a.length * 4L >= BLOB_THRESHOLD) {
            type = T_INT;
            bytes = new byte[a.length * 4];
            buffer(bytes).asIntBuffer().put(a);
        } else if (v instanceof long[] a && a.length * 8L >= BLOB_THRESHOLD) {
            type = T_LONG;
            bytes = new byte[a.length * 8];
            buffer(bytes).asLongBuffer().put(a);
        } else if (v instanceof float[] a && a.length * 4L >= BLOB_THRESHOLD) {
            type = T_FLOAT;
            bytes = new byte[a.length * 4];
            buffer(bytes).asFloatBuffer().put(a);
        } else if (v instanceof short[] a && a.length * 2L >= BLOB_THRESHOLD) {
            type = T_SHORT;
            bytes = new byte[a.length * 2];
            buffer(bytes).asShortBuffer().put(a);
        } else if (v instanceof char[] a && a.length * 2L >= BLOB_THRESHOLD) {
            type = T_CHAR;
            bytes = new byte[a.length * 2];
            buffer(bytes).asCharBuffer().put(a);
        } else {
            return null;
        }
        out.writeByte(BLOB);
        out.writeByte(type);
        return bytes;
    }

    private static Object fromBlob(byte type, byte[] b) {
        ByteBuffer buf = buffer(b);
        switch (type) {
            case T_BYTE: return b;
            case T_DOUBLE: { double[] a = new double[b.length / 8]; buf.asDoubleBuffer().get(a); return a; }
            case T_INT: { int[] a = new int[b.length / 4]; buf.asIntBuffer().get(a); return a; }
            case T_LONG: { long[] a = new long[b.length / 8]; buf.asLongBuffer().get(a); return a; }
            case T_FLOAT: { float[] a = new float[b.length / 4]; buf.asFloatBuffer().get(a); return a; }
            case T_SHORT: { short[] a = new short[b.length / 2]; buf.asShortBuffer().get(a); return a; }
            case T_CHAR: { char[] a = new char[b.length / 2]; buf.asCharBuffer().get(a); return a; }
            default: throw new IllegalArgumentException("unknown blob type " + type + " in message");
        }
    }

    private static ByteBuffer buffer(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String className(Object v) {
        return v == null ? "null" : v.getClass().getName();
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage();
        return m == null ? c.toString() : m;
    }
}
