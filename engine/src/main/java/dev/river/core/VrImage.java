package dev.river.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import dev.river.sfm.Codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A VR as bytes, so it can be saved (checkpoints) or moved (migration), and brought back to life on
 * any VM: its identity, its fields (all but {@code transient} ones: state exclusion), its channel
 * counters, its safe-point count and its queue, still encoded.
 *
 * <pre>
 * image   := MAGIC:i32 VERSION:u16 class:utf uuid app parent? args:bytes
 *            style:u8 calls:i64 sent:counts delivered:counts queue:envs held:envs fields
 * counts  := n:i32 (uuid value:i64)*
 * envs    := n:i32 (src:uuid srcVm:utf seq:i64 body:bytes blobs:i32 bytes*)*
 * bytes   := length:i32 byte*
 * </pre>
 *
 * The fields come last, streamed by Kryo's field serializer in the VR's own class loader (no copy of
 * a VR's large arrays is made), with the same rules as message payloads ({@link Codec}); the VR must
 * be parked at a safe point while it is written.
 */
final class VrImage {
    private static final int MAGIC = 0x5256494D;   // "RVIM"
    private static final int VERSION = 1;

    private VrImage() {}

    /** The identity part of an image, readable without the VR's classes. */
    record Header(String className, UUID uuid, UUID app, VrId parent) {}

    /** Writes {@code vr}'s image; returns the envelopes it holds (migration forwards the others). */
    static List<Envelope> write(VirtualResource vr, OutputStream sink) throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeUTF(vr.getClass().getName());
        uuid(out, vr.uuid().uuid());
        uuid(out, vr.app());
        VrId parent = vr.parent();
        out.writeBoolean(parent != null);
        if (parent != null) {
            uuid(out, parent.uuid());
            out.writeUTF(parent.vm());
        }
        bytes(out, Codec.encode(vr.args(), vr.loader()));
        SafePoint.State sp = vr.queue().safePoint().state();
        out.writeByte(sp.style().ordinal());
        out.writeLong(sp.calls());
        counts(out, vr.channels().snapshot());
        MessageQueue.Image q = vr.queue().image();
        counts(out, q.delivered());
        envelopes(out, q.queued());
        envelopes(out, q.held());
        out.flush();
        writeFields(vr, sink);
        return q.queued();
    }

    private static void writeFields(VirtualResource vr, OutputStream sink) {
        Kryo kryo = Codec.obtain(vr.loader());
        Output o = new Output(sink, 1 << 16);   // not closed: the caller owns the stream
        try {
            kryo.writeObject(o, vr, new FieldSerializer<>(kryo, vr.getClass()));
            o.flush();
        } catch (KryoException e) {
            throw new RiverException("cannot save the state of " + vr + ": " + e.getMessage()
                    + ". A VR's fields must be serializable (records, collections, arrays, Serializable classes);"
                    + " mark the others transient", e);
        } finally {
            kryo.reset();
            Codec.release(vr.loader(), kryo);
        }
    }

    /** Reads the header, leaving the stream at the rest of the image. */
    static Header header(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) throw new IOException("not a River VR image (bad magic " + Integer.toHexString(magic) + ")");
        int version = in.readUnsignedShort();
        if (version != VERSION) throw new IOException("VR image version " + version + ", this River reads " + VERSION);
        String className = in.readUTF();
        UUID uuid = uuid(in);
        UUID app = uuid(in);
        VrId parent = in.readBoolean() ? new VrId(uuid(in), in.readUTF()) : null;
        return new Header(className, uuid, app, parent);
    }

    /**
     * Brings a VR back on {@code node}: loads its class through code shipping from {@code codeVm}/{@code codeRef},
     * restores fields, counters and queue. The VR is bound but neither registered nor started.
     *
     * @param parent           the parent to give it (null: the one in the image)
     * @param restoredTogether VRs restored with it; channels from all other senders restart (see
     *                         {@link MessageQueue#restore}). Null: none restart (a migration)
     */
    static VirtualResource read(Node node, InputStream source, String codeVm, UUID codeRef, VrId parent,
                                Set<UUID> restoredTogether) throws IOException {
        DataInputStream in = new DataInputStream(source);
        Header h = header(in);
        VrClassLoader loader = new VrClassLoader(node, codeVm, codeRef, Node.class.getClassLoader());
        Class<?> c;
        try {
            c = Class.forName(h.className(), false, loader);
        } catch (ClassNotFoundException e) {
            throw new RiverException("cannot restore VR " + h.uuid() + ": its class " + h.className()
                    + " cannot be loaded from " + codeVm + " (" + e.getMessage() + "). Restore from a program that has"
                    + " the application's classes", e);
        }
        if (!VirtualResource.class.isAssignableFrom(c)) throw new IOException(h.className() + " is not a VirtualResource");
        VirtualResource vr = Node.instantiate(c.asSubclass(VirtualResource.class));
        Object[] args = (Object[]) Codec.decode(bytes(in), loader);
        SafePoint.Style style = SafePoint.Style.values()[in.readUnsignedByte()];
        long calls = in.readLong();
        Map<UUID, Long> sent = counts(in);
        Map<UUID, Long> delivered = counts(in);
        VrId self = new VrId(h.uuid(), node.address);
        List<Envelope> queued = envelopes(in, self);
        List<Envelope> held = envelopes(in, self);
        UUID ownCode = node.registerForward(codeVm, codeRef);
        vr.bind(node, self, parent != null ? parent : h.parent(), h.app(), args, loader, ownCode);
        readFields(vr, in, loader);
        vr.channels().restore(sent);
        vr.queue().safePoint().restore(style, calls);
        Set<UUID> resyncing = new HashSet<>();
        if (restoredTogether != null) {
            for (UUID src : delivered.keySet()) if (!restoredTogether.contains(src)) resyncing.add(src);
        }
        vr.queue().restore(new MessageQueue.Image(queued, delivered, held), resyncing);
        return vr;
    }

    private static void readFields(VirtualResource vr, InputStream fields, ClassLoader loader) {
        Kryo kryo = Codec.obtain(loader);
        try (Input in = new Input(fields, 1 << 16)) {
            // Fill the instance made by the VR's constructor, so transient fields keep their initial values.
            FieldSerializer<VirtualResource> s = new FieldSerializer<>(kryo, vr.getClass()) {
                @Override protected VirtualResource create(Kryo k, Input input, Class<? extends VirtualResource> type) {
                    return vr;
                }
            };
            kryo.readObject(in, vr.getClass(), s);
        } catch (KryoException e) {
            throw new RiverException("cannot restore the fields of " + vr.getClass().getName() + " " + vr.uuid() + ": "
                    + e.getMessage() + " (did the class change since the checkpoint?)", e);
        } finally {
            kryo.reset();
            Codec.release(loader, kryo);
        }
    }

    // ---------------------------------------------------------------- encoding helpers

    private static void uuid(DataOutputStream out, UUID u) throws IOException {
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("negative length " + n + " in a VR image");
        byte[] b = in.readNBytes(n);   // grows as it reads: a corrupt length cannot allocate gigabytes up front
        if (b.length != n) throw new java.io.EOFException("VR image ends inside a " + n + "-byte field");
        return b;
    }

    private static void counts(DataOutputStream out, Map<UUID, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<UUID, Long> e : counts.entrySet()) {
            uuid(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static Map<UUID, Long> counts(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<UUID, Long> out = new HashMap<>();
        for (int i = 0; i < n; i++) out.put(uuid(in), in.readLong());
        return out;
    }

    private static void envelopes(DataOutputStream out, List<Envelope> envs) throws IOException {
        out.writeInt(envs.size());
        for (Envelope e : envs) {
            uuid(out, e.src.uuid());
            out.writeUTF(e.src.vm());
            out.writeLong(e.seq);
            bytes(out, e.body);
            out.writeInt(e.blobs.size());
            for (byte[] b : e.blobs) bytes(out, b);
        }
    }

    private static List<Envelope> envelopes(DataInputStream in, VrId dest) throws IOException {
        int n = in.readInt();
        List<Envelope> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VrId src = new VrId(uuid(in), in.readUTF());
            long seq = in.readLong();
            byte[] body = bytes(in);
            int blobs = in.readInt();
            List<byte[]> bs = new ArrayList<>(blobs);
            for (int j = 0; j < blobs; j++) bs.add(bytes(in));
            out.add(new Envelope(src, dest, body, bs, seq));
        }
        return out;
    }
}
