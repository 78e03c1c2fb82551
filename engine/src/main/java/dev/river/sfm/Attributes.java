package dev.river.sfm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire form of an SFM message's attributes: a Kryo-encoded body plus, for each large primitive
 * array, one raw frame ("blob") that the transport hands to the socket as it is.
 *
 * <p>Internal. A blob is the array's copy taken at send time (sends are asynchronous, so the caller
 * may reuse its array at once), cut into frames of at most 64 MiB; the receiver puts the frames back
 * into one array in one copy (none for a byte[] of one frame: the transport reads the bytes straight
 * into it).
 */
public final class Attributes {
    /** Arrays at least this large (in bytes) travel as their own frame. */
    public static final int BLOB_THRESHOLD = 32 * 1024;
    /**
     * Larger arrays are cut into frames of this many bytes. Large, because each frame is one allocation
     * on both sides: a few big arrays go straight to the old generation, where many 1 MiB ones (the
     * size JeroMQ preferred) were copied by young collections, which cost more than the transfer.
     * The transport streams a frame in chunks, so its size does not hold up small messages.
     */
    static final int FRAME = 64 << 20;

    private static final byte OBJECT = 0, BLOB = 1;
    private static final byte T_BYTE = 1, T_INT = 2, T_LONG = 3, T_DOUBLE = 4, T_FLOAT = 5, T_SHORT = 6, T_CHAR = 7;

    private Attributes() {}

    /**
     * Encoded attributes: the body frame and the blob frames, in order. A blob frame is a heap buffer
     * over exactly its array, or (encoded {@link #encodeForWire for the wire}) a direct buffer from
     * {@link BlobBuffers}, which whoever writes it gives back.
     */
    public record Encoded(byte[] body, List<ByteBuffer> frames) {
        public long size() {
            long n = body.length;
            for (ByteBuffer b : frames) n += b.remaining();
            return n;
        }

        /** The blob frames as arrays, for a message encoded by {@link #encode} (its frames are whole heap arrays). */
        public List<byte[]> blobs() {
            if (frames.isEmpty()) return List.of();
            List<byte[]> out = new ArrayList<>(frames.size());
            for (ByteBuffer f : frames) {
                if (!f.hasArray()) throw new IllegalStateException("a message encoded for the wire has no blob arrays");
                out.add(f.array());
            }
            return out;
        }
    }

    /**
     * Encodes name/value pairs. Fails with {@link IllegalArgumentException} naming the attribute and
     * the class that cannot be serialized, so the error is raised at the sender.
     */
    public static Encoded encode(Map<String, Object> attrs, ClassLoader loader) {
        return encode(attrs, loader, FRAME, false);
    }

    /**
     * As {@link #encode(Map, ClassLoader)} for a message that leaves this VM: large arrays are copied into
     * reusable direct buffers ({@link BlobBuffers}) when there are any to spare.
     */
    public static Encoded encodeForWire(Map<String, Object> attrs, ClassLoader loader) {
        return encode(attrs, loader, FRAME, true);
    }

    static Encoded encode(Map<String, Object> attrs, ClassLoader loader, int frame) {
        return encode(attrs, loader, frame, false);
    }

    /** As {@link #encode(Map, ClassLoader)}, cutting arrays into frames of {@code frame} bytes, direct ones if {@code wire}. */
    private static Encoded encode(Map<String, Object> attrs, ClassLoader loader, int frame, boolean wire) {
        AttributeMap a = AttributeMap.copyOf(attrs);
        Kryo kryo = Codec.obtain(loader);
        List<ByteBuffer> blobs = new ArrayList<>(0);
        try (Output out = new Output(128, -1)) {
            out.writeVarInt(a.size(), true);
            for (int i = 0; i < a.size(); i++) {
                writeName(out, a.name(i));
                Object v = a.value(i);
                if (addBlob(v, out, blobs, frame, wire)) continue;
                out.writeByte(OBJECT);
                try {
                    kryo.writeClassAndObject(out, v);
                } catch (RuntimeException | StackOverflowError ex) {
                    throw new IllegalArgumentException("attribute '" + a.name(i) + "' (" + className(v)
                            + ") cannot be serialized: " + rootMessage(ex), ex);
                }
            }
            return new Encoded(out.toBytes(), blobs);
        } catch (RuntimeException | Error e) {
            for (ByteBuffer b : blobs) BlobBuffers.release(b);   // nothing will be sent
            throw e;
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
            if (n < 0 || n > in.limit()) throw new IllegalArgumentException("a message claiming " + n + " attributes");
            String[] names = new String[n];
            Object[] values = new Object[n];
            int blob = 0;
            for (int i = 0; i < n; i++) {
                String name = readName(in);
                byte kind = in.readByte();
                if (kind == BLOB) {
                    byte type = in.readByte();
                    int parts = in.readVarInt(true);
                    if (parts < 1 || blob + parts > blobs.size()) {
                        throw new IllegalArgumentException("attribute '" + name + "' claims " + parts + " blob frames; the message has "
                                + (blobs.size() - blob) + " left");
                    }
                    values[i] = fromBlob(type, blobs, blob, parts);
                    blob += parts;
                } else {
                    values[i] = kryo.readClassAndObject(in);
                }
                names[i] = name;
            }
            return AttributeMap.of(names, values, n);
        } finally {
            kryo.reset();
            Codec.release(loader, kryo);
        }
    }

    /** Recently decoded names by a hash of their bytes: a message's names come back as the same few strings. */
    private static final String[] NAMES = new String[256];

    /** A name: its length in UTF-8 bytes, then the bytes (ASCII names, nearly all of them, without a temporary array). */
    private static void writeName(Output out, String name) {
        int n = name.length();
        for (int i = 0; i < n; i++) {
            if (name.charAt(i) >= 0x80) {
                byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                out.writeVarInt(utf8.length, true);
                out.writeBytes(utf8);
                return;
            }
        }
        out.writeVarInt(n, true);
        for (int i = 0; i < n; i++) out.writeByte((byte) name.charAt(i));
    }

    /** Reads a name written by {@link #writeName}, reusing the string decoded last time for the same bytes. */
    private static String readName(Input in) {
        int len = in.readVarInt(true);
        if (len < 0 || len > in.limit() - in.position()) throw new IllegalArgumentException("an attribute name of " + len + " bytes past the message");
        byte[] b = in.getBuffer();
        int at = in.position();
        int h = len;
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            h = 31 * h + b[at + i];
            ascii &= b[at + i] >= 0;
        }
        int slot = (h ^ (h >>> 8)) & (NAMES.length - 1);
        String cached = NAMES[slot];
        in.setPosition(at + len);
        if (ascii && cached != null && cached.length() == len) {
            boolean same = true;
            for (int i = 0; i < len && same; i++) same = cached.charAt(i) == b[at + i];
            if (same) return cached;
        }
        String name = new String(b, at, len, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        if (ascii) NAMES[slot] = name;
        return name;
    }

    /**
     * Writes a large primitive array as blob frames of at most {@link #FRAME} bytes each (the array's
     * copy, taken now); returns false for any other value.
     */
    private static boolean addBlob(Object v, Output out, List<ByteBuffer> blobs, int frameBytes, boolean wire) {
        byte type;
        int elem;
        int length;
        if (v instanceof byte[] a) {
            type = T_BYTE; elem = 1; length = a.length;
        } else if (v instanceof double[] a) {
            type = T_DOUBLE; elem = 8; length = a.length;
        } else if (v instanceof int[] a) {
            type = T_INT; elem = 4; length = a.length;
        } else if (v instanceof long[] a) {
            type = T_LONG; elem = 8; length = a.length;
        } else if (v instanceof float[] a) {
            type = T_FLOAT; elem = 4; length = a.length;
        } else if (v instanceof short[] a) {
            type = T_SHORT; elem = 2; length = a.length;
        } else if (v instanceof char[] a) {
            type = T_CHAR; elem = 2; length = a.length;
        } else {
            return false;
        }
        long bytes = (long) length * elem;
        if (bytes < BLOB_THRESHOLD) return false;
        int parts = (int) ((bytes + frameBytes - 1) / frameBytes);
        out.writeByte(BLOB);
        out.writeByte(type);
        out.writeVarInt(parts, true);
        int perFrame = frameBytes / elem;
        for (int p = 0; p < parts; p++) {
            int from = p * perFrame;
            int n = Math.min(perFrame, length - from);
            ByteBuffer frame = wire ? BlobBuffers.take(n * elem) : null;
            if (frame == null) frame = ByteBuffer.wrap(new byte[n * elem]);
            ByteBuffer b = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case T_BYTE -> b.put((byte[]) v, from, n);
                case T_DOUBLE -> b.asDoubleBuffer().put((double[]) v, from, n);
                case T_INT -> b.asIntBuffer().put((int[]) v, from, n);
                case T_LONG -> b.asLongBuffer().put((long[]) v, from, n);
                case T_FLOAT -> b.asFloatBuffer().put((float[]) v, from, n);
                case T_SHORT -> b.asShortBuffer().put((short[]) v, from, n);
                default -> b.asCharBuffer().put((char[]) v, from, n);
            }
            blobs.add(frame);
        }
        return true;
    }

    /** Rebuilds an array from its {@code parts} frames starting at {@code first}, in one copy (none for a one-frame byte[]). */
    private static Object fromBlob(byte type, List<byte[]> blobs, int first, int parts) {
        if (type == T_BYTE && parts == 1) return blobs.get(first);
        long bytes = 0;
        for (int p = 0; p < parts; p++) bytes += blobs.get(first + p).length;
        int elem = switch (type) {
            case T_BYTE -> 1;
            case T_SHORT, T_CHAR -> 2;
            case T_INT, T_FLOAT -> 4;
            case T_LONG, T_DOUBLE -> 8;
            default -> throw new IllegalArgumentException("unknown blob type " + type + " in message");
        };
        if (bytes % elem != 0 || bytes / elem > Integer.MAX_VALUE) throw new IllegalArgumentException("malformed blob of " + bytes + " bytes");
        int length = (int) (bytes / elem);
        Object out = switch (type) {
            case T_BYTE -> new byte[length];
            case T_SHORT -> new short[length];
            case T_CHAR -> new char[length];
            case T_INT -> new int[length];
            case T_FLOAT -> new float[length];
            case T_LONG -> new long[length];
            default -> new double[length];
        };
        int pos = 0;
        for (int p = 0; p < parts; p++) {
            byte[] f = blobs.get(first + p);
            int n = f.length / elem;
            ByteBuffer b = buffer(f);
            switch (type) {
                case T_BYTE -> System.arraycopy(f, 0, out, pos, n);
                case T_SHORT -> b.asShortBuffer().get((short[]) out, pos, n);
                case T_CHAR -> b.asCharBuffer().get((char[]) out, pos, n);
                case T_INT -> b.asIntBuffer().get((int[]) out, pos, n);
                case T_FLOAT -> b.asFloatBuffer().get((float[]) out, pos, n);
                case T_LONG -> b.asLongBuffer().get((long[]) out, pos, n);
                default -> b.asDoubleBuffer().get((double[]) out, pos, n);
            }
            pos += n;
        }
        return out;
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
