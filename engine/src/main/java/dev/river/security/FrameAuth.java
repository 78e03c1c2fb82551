package dev.river.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HMAC-SHA256 authentication of River frames and beacons, with replay protection.
 *
 * <p>A sealed message is its frames plus one last frame: the HMAC of every frame (each prefixed by its
 * length, so frames cannot be re-split). Every sender VM numbers what it sends (a counter that only
 * grows) and stamps it with its clock; a receiver accepts a (VM, counter) pair once, inside a sliding
 * window that tolerates the small reordering of concurrent senders, and refuses stamps more than
 * {@link #MAX_SKEW_MS} away from its own clock, so its replay table can forget silent VMs.
 *
 * <p>Thread-safe: {@link #seal} runs on sending threads, {@link #accept} on a VM's network thread (and
 * the beacon listener).
 */
public final class FrameAuth {
    /** Clock skew tolerated between VMs (and the age after which a frame is refused as stale). */
    public static final long MAX_SKEW_MS = TimeUnit.MINUTES.toMillis(5);
    public static final int MAC_BYTES = 32;
    private static final int WINDOW = 4096;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final Map<UUID, Window> seen = new ConcurrentHashMap<>();

    public FrameAuth(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** The MAC of {@code frames[0..n)}. */
    public byte[] mac(byte[][] frames, int n) {
        Mac m = macs.get();
        byte[] len = new byte[4];
        for (int i = 0; i < n; i++) {
            int l = frames[i].length;
            len[0] = (byte) (l >>> 24);
            len[1] = (byte) (l >>> 16);
            len[2] = (byte) (l >>> 8);
            len[3] = (byte) l;
            m.update(len);
            m.update(frames[i]);
        }
        return m.doFinal();
    }

    /** The MAC of one byte array (beacons). */
    public byte[] mac(byte[] data) {
        return macs.get().doFinal(data);
    }

    /** Frames plus their MAC frame. */
    public byte[][] seal(byte[][] frames) {
        byte[][] out = java.util.Arrays.copyOf(frames, frames.length + 1);
        out[frames.length] = mac(frames, frames.length);
        return out;
    }

    /** Whether the last frame is the MAC of the others (constant-time comparison). */
    public boolean verify(byte[][] frames) {
        if (frames.length < 2) return false;
        byte[] got = frames[frames.length - 1];
        return got.length == MAC_BYTES && MessageDigest.isEqual(got, mac(frames, frames.length - 1));
    }

    /** Whether the bytes end with the MAC of what precedes it. */
    public boolean verify(byte[] data, byte[] mac) {
        return mac.length == MAC_BYTES && MessageDigest.isEqual(mac, mac(data));
    }

    /**
     * Records (vm, counter, stamp) if fresh; false for a replay, a counter too old for the window, or a
     * stamp outside the clock skew allowed. Call only after {@link #verify} succeeded.
     */
    public boolean accept(UUID vm, long counter, long stampMillis) {
        long now = System.currentTimeMillis();
        if (Math.abs(now - stampMillis) > MAX_SKEW_MS) return false;
        Window w = seen.computeIfAbsent(vm, k -> new Window());
        boolean fresh = w.accept(counter, now);
        if (seen.size() > 4096) forgetSilent(now);
        return fresh;
    }

    private void forgetSilent(long now) {
        // A VM silent for twice the skew window cannot be replayed: its stamps are stale by then.
        seen.values().removeIf(w -> now - w.lastMillis > 2 * MAX_SKEW_MS);
    }

    /** Anti-replay bitmap over the last {@link #WINDOW} counters of one sender. */
    private static final class Window {
        private long highest = -1;
        private final long[] bits = new long[WINDOW / 64];
        private volatile long lastMillis;

        synchronized boolean accept(long c, long now) {
            if (c < 0) return false;
            if (c > highest) {
                long shift = c - highest;
                if (shift >= WINDOW) {
                    java.util.Arrays.fill(bits, 0);
                } else {
                    for (long i = highest + 1; i <= c; i++) clear(i);
                }
                highest = c;
                set(c);
                lastMillis = now;
                return true;
            }
            if (highest - c >= WINDOW || isSet(c)) return false;
            set(c);
            lastMillis = now;
            return true;
        }

        private void set(long c) {
            int i = (int) (c % WINDOW);
            bits[i >>> 6] |= 1L << (i & 63);
        }

        private void clear(long c) {
            int i = (int) (c % WINDOW);
            bits[i >>> 6] &= ~(1L << (i & 63));
        }

        private boolean isSet(long c) {
            int i = (int) (c % WINDOW);
            return (bits[i >>> 6] & (1L << (i & 63))) != 0;
        }
    }
}
