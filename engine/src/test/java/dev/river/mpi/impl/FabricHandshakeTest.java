package dev.river.mpi.impl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A rank accepts connections only with a fresh, correct handshake: strangers, other jobs and replayed
 * handshakes are closed, and the rank keeps working. The peer here is a raw socket playing rank 1.
 */
class FabricHandshakeTest {
    Fabric rank0;
    byte[] secret = new byte[16];

    @BeforeEach
    void up() {
        new SecureRandom().nextBytes(secret);
        rank0 = new Fabric("job-handshake", 0, 2, secret, "127.0.0.1");
        rank0.wire(List.of(rank0.endpoint(), "127.0.0.1:9"));
    }

    @AfterEach
    void down() {
        rank0.shutdown();
    }

    @Test
    void strangersAndReplaysAreClosedAGenuinePeerIsHeard() throws Exception {
        assertEquals(-1, sendAndAwaitClose(new byte[68]), "garbage is closed");
        Fabric otherJob = new Fabric("another-job", 1, 2, secret, "127.0.0.1");
        try {
            assertEquals(-1, sendAndAwaitClose(handshake(otherJob, System.currentTimeMillis())), "another job's handshake is closed");
        } finally {
            otherJob.shutdown();
        }
        assertEquals(-1, sendAndAwaitClose(handshake(rank0, System.currentTimeMillis() - 3_600_000)), "an hour-old handshake is closed");

        byte[] genuine = handshake(rank0, System.currentTimeMillis());
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(genuine);
            out.write(dataFrame(7, new int[]{42, 43}));
            out.flush();
            Req seen = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (seen == null && System.nanoTime() < deadline) seen = rank0.iprobe(0, 1, 7);   // each call makes progress
            assertNotNull(seen, "the genuine peer's message arrived");
            assertEquals(8, seen.bytes());
        }
        assertEquals(-1, sendAndAwaitClose(genuine), "the same handshake again is a replay");
        assertNull(rank0.iprobe(0, 1, 8), "nothing else arrived");
    }

    /** rank 1's handshake to rank 0, MAC'd with {@code keyOwner}'s job and secret. */
    private static byte[] handshake(Fabric keyOwner, long clock) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        ByteBuffer b = ByteBuffer.allocate(68).order(Buf.NATIVE);
        b.putInt(0x524d5049).putInt(2).putInt(1).putLong(clock).put(nonce).put(keyOwner.mac(1, 0, clock, nonce));
        return b.array();
    }

    private static byte[] dataFrame(int tag, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(32 + 4 * values.length).order(Buf.NATIVE);
        b.put(Fabric.DATA).put((byte) 0).putShort((short) 0).putInt(0).putInt(1).putInt(tag).putLong(1).putLong(4L * values.length);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    private Socket connect() throws IOException {
        String ep = rank0.endpoint();
        return new Socket("127.0.0.1", Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1)));
    }

    /** Sends {@code bytes}, lets the rank make progress, and returns what a read then gives (-1: closed). */
    private int sendAndAwaitClose(byte[] bytes) throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            s.setSoTimeout(20);
            InputStream in = s.getInputStream();
            for (int i = 0; i < 500; i++) {
                rank0.iprobe(0, Req.ANY, Req.ANY);              // the rank's progress: accept and read
                try {
                    return in.read();
                } catch (SocketTimeoutException e) {
                    // still open: the rank has not looked yet
                }
            }
            return 0;
        }
    }
}
