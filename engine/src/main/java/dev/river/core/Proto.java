package dev.river.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The frame header of River's wire protocol (see docs/protocol.md). Every River message on a socket is
 * one multipart ZeroMQ message: {@code [header][body][blob]*}.
 *
 * <pre>
 * header := version:u8 kind:u8 reqId:i64 dest:uuid(16) src:uuid(16) srcVmLen:u16 srcVm:utf8
 * </pre>
 */
final class Proto {
    static final byte VERSION = 2;   // 2: blobs travel in frames of at most 1 MiB (see Attributes)
    /** An SFM message from VR src to VR dest; body = encoded attributes. */
    static final byte MSG = 1;
    /** A request to the receiving VM's Control; body = encoded request object. */
    static final byte REQ = 2;
    /** The answer to REQ reqId; body = encoded {@link Control.Reply}. */
    static final byte REPLY = 3;
    /** A runtime notice for VR dest (undeliverable message, child failure); body = encoded {@link Control.Event}. */
    static final byte EVENT = 4;

    private static final UUID NIL = new UUID(0, 0);

    private Proto() {}

    record Header(byte kind, long reqId, UUID dest, UUID src, String srcVm) {
        VrId srcId() {
            return new VrId(src, srcVm);
        }
    }

    static byte[] header(byte kind, long reqId, UUID dest, UUID src, String srcVm) {
        byte[] vm = srcVm.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 32 + 2 + vm.length);
        b.put(VERSION).put(kind).putLong(reqId);
        uuid(b, dest);
        uuid(b, src);
        b.putShort((short) vm.length).put(vm);
        return b.array();
    }

    /** Parses a header; throws {@link IllegalArgumentException} on anything malformed. */
    static Header parse(byte[] frame) {
        if (frame == null || frame.length < 44) {
            throw new IllegalArgumentException("header frame too short (" + (frame == null ? 0 : frame.length) + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        byte version = b.get();
        if (version != VERSION) throw new IllegalArgumentException("protocol version " + version + ", expected " + VERSION);
        byte kind = b.get();
        if (kind < MSG || kind > EVENT) throw new IllegalArgumentException("unknown frame kind " + kind);
        long reqId = b.getLong();
        UUID dest = new UUID(b.getLong(), b.getLong());
        UUID src = new UUID(b.getLong(), b.getLong());
        int len = Short.toUnsignedInt(b.getShort());
        if (len != b.remaining()) throw new IllegalArgumentException("header VM address length " + len + " does not match frame");
        String vm = new String(frame, b.position(), len, StandardCharsets.UTF_8);
        return new Header(kind, reqId, dest, src, vm);
    }

    static UUID nil() {
        return NIL;
    }

    private static void uuid(ByteBuffer b, UUID u) {
        UUID x = u == null ? NIL : u;
        b.putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
    }
}
