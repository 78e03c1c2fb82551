package dev.river.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The frame header of River's wire protocol (see docs/protocol.md). Every River message on a socket is
 * one multipart ZeroMQ message: {@code [header][body][blob]*}.
 *
 * <pre>
 * header := version:u8 kind:u8 reqId:i64 dest:uuid(16) src:uuid(16) vm:uuid(16) counter:i64 stamp:i64
 *           srcVmLen:u16 srcVm:utf8
 * </pre>
 * {@code vm}, {@code counter} and {@code stamp} (sender VM, its message counter, its clock in ms) are
 * diagnostics; authentication is the connection's (a cluster-key handshake, see Wire), not per frame.
 */
final class Proto {
    static final byte VERSION = 4;   // 4: plain TCP, authenticated per connection (no MAC frame)
    private static final int FIXED = 2 + 8 + 16 + 16 + 16 + 8 + 8 + 2;
    /** An SFM message from VR src to VR dest; body = encoded attributes. */
    static final byte MSG = 1;
    /** A request to the receiving VM's Control; body = encoded request object. */
    static final byte REQ = 2;
    /** The answer to REQ reqId; body = encoded {@link Control.Reply}. */
    static final byte REPLY = 3;
    /** A runtime notice for VR dest (undeliverable message, child failure); body = encoded {@link Control.Event}. */
    static final byte EVENT = 4;

    /** Nothing: sent after a burst to work around a JeroMQ stall (see Transport); dropped on receipt. */
    static final byte NUDGE = 5;
    /** Link check of a new connection (reqId = nonce); the ROUTER answers PONG on the same connection. */
    static final byte PING = 6;
    static final byte PONG = 7;

    private static final UUID NIL = new UUID(0, 0);

    private Proto() {}

    /** A parsed header; {@code sender} is the sending VR at its VM (a reader sees the same few senders over and over). */
    record Header(byte kind, long reqId, UUID dest, UUID vm, long counter, long stamp, VrId sender) {
        UUID src() {
            return sender.uuid();
        }

        String srcVm() {
            return sender.vm();
        }

        VrId srcId() {
            return sender;
        }
    }

    /** The sender last parsed: its id is reused while the same VR keeps sending from the same VM. Replaced whole, so threads may race on it. */
    private static volatile VrId lastSender;

    private static VrId sender(long msb, long lsb, String vm) {
        VrId last = lastSender;
        if (last != null && last.uuid().getMostSignificantBits() == msb && last.uuid().getLeastSignificantBits() == lsb
                && last.vm().equals(vm)) {
            return last;
        }
        VrId id = new VrId(new UUID(msb, lsb), vm);
        lastSender = id;
        return id;
    }

    /**
     * The VM address last written or read, with its UTF-8 bytes: nearly every header a VM writes names
     * itself, and nearly every header a reader parses names the same sender, so neither side encodes or
     * decodes the address per message. One immutable pair, replaced whole, so threads may race on it.
     */
    private record VmName(String name, byte[] utf8) {}

    private static volatile VmName lastVm = new VmName("", new byte[0]);

    private static byte[] utf8(String vm) {
        VmName last = lastVm;
        if (last.name.equals(vm)) return last.utf8;
        byte[] b = vm.getBytes(StandardCharsets.UTF_8);
        lastVm = new VmName(vm, b);
        return b;
    }

    private static String vmName(ByteBuffer b, int at, int len) {
        VmName last = lastVm;
        if (last.utf8.length == len && b.hasArray()
                && java.util.Arrays.equals(b.array(), b.arrayOffset() + at, b.arrayOffset() + at + len, last.utf8, 0, len)) {
            return last.name;
        }
        byte[] bytes = new byte[len];
        b.get(at, bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        lastVm = new VmName(name, bytes);
        return name;
    }

    static byte[] header(byte kind, long reqId, UUID dest, UUID src, UUID vm, long counter, long stamp, String srcVm) {
        byte[] vmAddr = utf8(srcVm);
        ByteBuffer b = ByteBuffer.allocate(FIXED + vmAddr.length);
        b.put(VERSION).put(kind).putLong(reqId);
        uuid(b, dest);
        uuid(b, src);
        uuid(b, vm);
        b.putLong(counter).putLong(stamp);
        b.putShort((short) vmAddr.length).put(vmAddr);
        return b.array();
    }

    /** Parses a header; throws {@link IllegalArgumentException} on anything malformed. */
    static Header parse(byte[] frame) {
        if (frame == null) throw new IllegalArgumentException("no header frame");
        return parse(ByteBuffer.wrap(frame));
    }

    /** Parses the header in {@code b}'s remaining bytes (its position is left as it was). */
    static Header parse(ByteBuffer frame) {
        if (frame.remaining() < FIXED) {
            throw new IllegalArgumentException("header frame too short (" + frame.remaining() + " bytes)");
        }
        ByteBuffer b = frame.duplicate();
        byte version = b.get();
        if (version != VERSION) throw new IllegalArgumentException("protocol version " + version + ", expected " + VERSION);
        byte kind = b.get();
        if (kind < MSG || kind > PONG) throw new IllegalArgumentException("unknown frame kind " + kind);
        long reqId = b.getLong();
        UUID dest = new UUID(b.getLong(), b.getLong());
        long srcMsb = b.getLong(), srcLsb = b.getLong();
        UUID vm = new UUID(b.getLong(), b.getLong());
        long counter = b.getLong();
        long stamp = b.getLong();
        int len = Short.toUnsignedInt(b.getShort());
        if (len != b.remaining()) throw new IllegalArgumentException("header VM address length " + len + " does not match frame");
        return new Header(kind, reqId, dest, vm, counter, stamp, sender(srcMsb, srcLsb, vmName(b, b.position(), len)));
    }

    /** A transport-level frame (NUDGE, PING, PONG): a header with {@code id} in the reqId field, nothing else. */
    static byte[] control(byte kind, long id) {
        return header(kind, id, NIL, NIL, NIL, 0, 0, "");
    }

    /** The id of a control frame (0 if it is too short to have one). */
    static long controlId(byte[] frame) {
        return frame.length >= 10 ? ByteBuffer.wrap(frame, 2, 8).getLong() : 0;
    }

    static UUID nil() {
        return NIL;
    }

    private static void uuid(ByteBuffer b, UUID u) {
        UUID x = u == null ? NIL : u;
        b.putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
    }
}
