package dev.river.sfm;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reusable direct buffers for the blob frames of messages that leave the VM.
 *
 * <p>Internal. A large array sent to another VM is copied once, at send time (SFM's contract), into
 * one of these; the transport writes it to the socket as it is and gives it back here. A fresh 64 MiB
 * heap array per send cost more than the transfer on the development machine: first-touch page
 * faults of memory the heap had just grown into took up to 250 ms per 64 MiB, and the JDK copies a
 * heap array into a direct buffer once more to write it (docs/benchmarks.md). A reused direct buffer
 * is already backed by memory and is written without that copy.
 *
 * <p>Threads: any. Buffers come in power-of-two capacities; at most {@link #IDLE_BYTES} wait idle, and
 * at most {@link #IN_FLIGHT_BYTES} are out at once: beyond that {@link #take} returns null and the
 * caller uses a heap array, so a burst of large sends can never exhaust direct memory.
 *
 * <pre>{@code
 * ByteBuffer b = BlobBuffers.take(1 << 20);   // null: use a heap array
 * ... fill b, hand it to the transport, which calls BlobBuffers.release(b) once written ...
 * }</pre>
 */
public final class BlobBuffers {
    /** Smaller blobs are copied into the transport's staging buffer anyway: no pooling. */
    static final int MIN = 64 * 1024;
    static final long IDLE_BYTES = 256L << 20;
    static final long IN_FLIGHT_BYTES = 512L << 20;

    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedQueue<ByteBuffer>[] IDLE = new ConcurrentLinkedQueue[32];
    private static final AtomicLong idleBytes = new AtomicLong();
    private static final AtomicLong outBytes = new AtomicLong();

    static {
        for (int i = 0; i < IDLE.length; i++) IDLE[i] = new ConcurrentLinkedQueue<>();
    }

    private BlobBuffers() {}

    /** A buffer with position 0 and limit {@code bytes}, or null (too small to pool, too many out, or no direct memory left). */
    public static ByteBuffer take(int bytes) {
        if (bytes < MIN) return null;
        int cls = 32 - Integer.numberOfLeadingZeros(bytes - 1);   // capacity 2^cls >= bytes
        if (cls >= IDLE.length) return null;
        long cap = 1L << cls;
        if (outBytes.addAndGet(cap) > IN_FLIGHT_BYTES) {
            outBytes.addAndGet(-cap);
            return null;
        }
        ByteBuffer b = IDLE[cls].poll();
        if (b != null) {
            idleBytes.addAndGet(-cap);
        } else {
            try {
                b = ByteBuffer.allocateDirect((int) cap);
            } catch (OutOfMemoryError e) {   // -XX:MaxDirectMemorySize reached: the caller falls back to the heap
                outBytes.addAndGet(-cap);
                return null;
            }
        }
        return b.clear().limit(bytes);
    }

    /** Bytes of capacity taken and not yet given back (diagnostics, tests). */
    public static long inFlightBytes() {
        return outBytes.get();
    }

    /** Gives back a buffer from {@link #take}; anything else (a heap buffer, a slice) is ignored. */
    public static void release(ByteBuffer b) {
        if (b == null || !b.isDirect() || Integer.bitCount(b.capacity()) != 1 || b.capacity() < MIN) return;
        int cls = Integer.numberOfTrailingZeros(b.capacity());
        outBytes.addAndGet(-b.capacity());
        if (idleBytes.addAndGet(b.capacity()) <= IDLE_BYTES) {
            IDLE[cls].add(b);
        } else {
            idleBytes.addAndGet(-b.capacity());   // dropped: the garbage collector frees its memory
        }
    }
}
