package dev.river.core;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * The byte format of River's VM-to-VM TCP connections (see docs/protocol.md and docs/security.md).
 *
 * <p>A connection carries messages one way, from the VM that opened it to the VM that accepted it.
 * It starts with a challenge-response handshake that proves both ends hold the cluster key, so no
 * per-message MAC is needed afterwards:
 * <pre>
 * client -> server  MAGIC:i32 clientNonce:16
 * server -> client  serverNonce:16 HMAC(key, "S" clientNonce serverNonce):32
 * client -> server  HMAC(key, "C" serverNonce clientNonce):32
 * </pre>
 * Then chunks, {@code type:u8 length:i32 payload}:
 * <ul>
 * <li>{@link #SMALL}: one whole message, {@code n:u16 (len:i32 bytes)*n};
 * <li>{@link #BULK_START}: a large message's frame lengths, {@code n:u16 len:i32*n}; its bytes follow
 * in {@link #BULK_DATA} chunks, between which SMALL chunks of other senders may travel, so a 64 MiB
 * message never holds up small ones for its whole length.
 * </ul>
 */
final class Wire {
    static final int MAGIC = 0x52565232;   // "RVR2"
    static final int NONCE = 16, MAC = 32;
    static final byte SMALL = 1, BULK_START = 2, BULK_DATA = 3;
    static final int CHUNK_HEADER = 5;
    /** Messages up to this many bytes travel as one SMALL chunk (one write, one copy of the frames). */
    static final int SMALL_LIMIT = 64 * 1024;
    /** BULK_DATA chunks carry at most this much, so small messages wait at most one such chunk. */
    static final int BULK_CHUNK = 256 * 1024;
    /** The most a receiver accepts in one SMALL chunk (senders send at most SMALL_LIMIT plus lengths). */
    static final int MAX_SMALL_CHUNK = 1 << 20;
    static final int MAX_FRAMES = 0xFFFF;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Wire() {}

    static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    /** HMAC-SHA256 with the cluster key over a role label and the two nonces. */
    static byte[] mac(byte[] key, char role, byte[] first, byte[] second) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update((byte) role);
            m.update(first);
            m.update(second);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /**
     * The client side of the challenge-response on a blocking channel: sends the hello, checks that the
     * peer proved the cluster key, and proves it in turn. Throws {@link SecurityException} if the peer
     * could not prove it.
     */
    static void clientHandshake(SocketChannel c, byte[] key, String address) throws IOException {
        byte[] clientNonce = nonce();
        var out = c.socket().getOutputStream();
        out.write(hello(clientNonce).array());
        out.flush();
        DataInputStream in = new DataInputStream(c.socket().getInputStream());
        byte[] serverNonce = new byte[NONCE], proof = new byte[MAC];
        in.readFully(serverNonce);
        in.readFully(proof);
        if (!MessageDigest.isEqual(proof, mac(key, 'S', clientNonce, serverNonce))) {
            throw new SecurityException("the VM at " + address + " did not prove it holds this cluster's secret; nothing is sent to it"
                    + " (is it started with the same RIVER_SECRET / ~/.river/secret?)");
        }
        out.write(mac(key, 'C', serverNonce, clientNonce));
        out.flush();
    }

    /** The client's first bytes. */
    static ByteBuffer hello(byte[] clientNonce) {
        return ByteBuffer.allocate(4 + NONCE).putInt(MAGIC).put(clientNonce).flip();
    }

    /** Total bytes of a message's frames (each frame's remaining bytes). */
    static long size(ByteBuffer[] frames) {
        long n = 0;
        for (ByteBuffer f : frames) n += f.remaining();
        return n;
    }

    /** The bytes of a small message's SMALL chunk, header included. */
    static int smallSize(ByteBuffer[] frames) {
        return CHUNK_HEADER + 2 + 4 * frames.length + (int) size(frames);
    }

    /** Appends a small message's SMALL chunk to {@code out}, which has room for {@link #smallSize} bytes. */
    static void putSmall(ByteBuffer out, ByteBuffer[] frames) {
        out.put(SMALL).putInt(smallSize(frames) - CHUNK_HEADER).putShort((short) frames.length);
        for (ByteBuffer f : frames) out.putInt(f.remaining()).put(f.duplicate());
    }

    /** One SMALL chunk holding the whole message, ready to write. */
    static ByteBuffer small(ByteBuffer[] frames) {
        ByteBuffer b = ByteBuffer.allocate(smallSize(frames));
        putSmall(b, frames);
        return b.flip();
    }

    /** As {@link #small(ByteBuffer[])}, for frames that are whole arrays. */
    static ByteBuffer small(byte[][] frames) {
        return small(wrap(frames));
    }

    /** As {@link #bulkStart(ByteBuffer[])}, for frames that are whole arrays. */
    static ByteBuffer bulkStart(byte[][] frames) {
        return bulkStart(wrap(frames));
    }

    /** Frames that are whole arrays, as buffers. */
    static ByteBuffer[] wrap(byte[][] frames) {
        ByteBuffer[] b = new ByteBuffer[frames.length];
        for (int i = 0; i < frames.length; i++) b[i] = ByteBuffer.wrap(frames[i]);
        return b;
    }

    /** The BULK_START chunk of a large message. */
    static ByteBuffer bulkStart(ByteBuffer[] frames) {
        int payload = 2 + 4 * frames.length;
        ByteBuffer b = ByteBuffer.allocate(CHUNK_HEADER + payload);
        b.put(BULK_START).putInt(payload).putShort((short) frames.length);
        for (ByteBuffer f : frames) b.putInt(f.remaining());
        return b.flip();
    }

    static ByteBuffer chunkHeader(byte type, int length) {
        return ByteBuffer.allocate(CHUNK_HEADER).put(type).putInt(length).flip();
    }
}
