package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The first bytes of every rank-to-rank connection: magic, version, sender rank, sender clock (ms),
 * a fresh nonce and an HMAC-SHA256 with the job secret over (job, sender, receiver, clock, nonce).
 * The receiver accepts a handshake once, and only within five minutes of its own clock.
 *
 * <p>Threads: {@link #check} runs under the fabric's lock (it owns the set of seen nonces).
 */
final class Handshake {
    private static final int MAGIC = 0x524d5049, VERSION = 2, NONCE = 16, MAC = 32;
    /** Bytes of a handshake. */
    static final int LENGTH = 4 + 4 + 4 + 8 + NONCE + MAC;
    private static final long CLOCK_SKEW_MS = TimeUnit.MINUTES.toMillis(5);

    private final String job;
    private final int me, size;
    private final SecretKeySpec key;
    private final Set<String> seenNonces = new HashSet<>();   // guarded by the fabric's lock
    private final SecureRandom random = new SecureRandom();

    Handshake(String job, int me, int size, byte[] secret) {
        this.job = job;
        this.me = me;
        this.size = size;
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** The handshake this rank sends to world rank {@code to} (read mode). */
    ByteBuffer hello(int to) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        long now = System.currentTimeMillis();
        ByteBuffer hs = ByteBuffer.allocate(LENGTH).order(Buf.NATIVE);
        hs.putInt(MAGIC).putInt(VERSION).putInt(me).putLong(now).put(nonce).put(mac(me, to, now, nonce));
        return hs.flip();
    }

    /** Reads a handshake ({@link #LENGTH} bytes of {@code in}) and returns the sender's world rank; refuses anything else. */
    int check(ByteBuffer in) {
        if (in.getInt() != MAGIC || in.getInt() != VERSION) throw new Refused("not an rMPI connection of this version");
        int from = in.getInt();
        long clock = in.getLong();
        byte[] nonce = new byte[NONCE], got = new byte[MAC];
        in.get(nonce).get(got);
        if (from < 0 || from >= size) throw new Refused("unknown rank " + from);
        if (!MessageDigest.isEqual(got, mac(from, me, clock, nonce))) {
            throw new Refused("wrong handshake MAC (a rank of another job, or a stranger)");
        }
        long off = System.currentTimeMillis() - clock;
        if (Math.abs(off) > CLOCK_SKEW_MS) throw new Refused("handshake clock " + off + " ms off (a replay, or clocks too far apart)");
        if (!seenNonces.add(HexFormat.of().formatHex(nonce))) throw new Refused("a replayed handshake");
        return from;
    }

    /** HMAC-SHA256 with the job secret over (job, sender, receiver, clock, nonce). */
    byte[] mac(int from, int to, long clock, byte[] nonce) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(job.getBytes(StandardCharsets.UTF_8));
            m.update(ByteBuffer.allocate(16).putInt(from).putInt(to).putLong(clock).array());
            m.update(nonce);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** A connection that is not a rank of this job; it is closed. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
