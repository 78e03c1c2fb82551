package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * A posted receive: what it matches (context, source, tag) and where the data goes. Data arrives
 * in chunks ({@link #consume}); whatever exceeds the receive buffer is dropped and the receive ends with
 * MPI_ERR_TRUNCATE.
 *
 * <p>Threads: touched only under the owning fabric's lock.
 */
final class RecvReq extends Req {
    final int ctx;
    final int wantSource;
    final int wantTag;
    final int wantWorld;           // the source's world rank, or ANY
    private final Cursor sink;     // null: a receive that keeps the message (internal collectives)
    private final String what;
    private long capacity;
    private boolean truncated;
    ByteBuffer kept;               // when sink == null: the whole message

    RecvReq(int ctx, int source, int sourceWorld, int tag, Cursor sink, String what) {
        this.ctx = ctx;
        this.wantSource = source;
        this.wantWorld = sourceWorld;
        this.wantTag = tag;
        this.sink = sink;
        this.what = what;
    }

    boolean matches(int c, int src, int t) {
        return c == ctx && (wantSource == ANY || wantSource == src) && (wantTag == ANY || wantTag == t);
    }

    /** The envelope of the message this receive got. */
    void begin(int src, int t, long length) {
        source = src;
        tag = t;
        bytes = length;
        if (sink == null) {
            kept = ByteBuffer.allocate(Math.toIntExact(length)).order(Buf.NATIVE);
            capacity = length;
        } else {
            capacity = sink.totalBytes();
            truncated = length > capacity;
        }
    }

    /** Takes the next piece of the message (whole elements, except possibly at the very end). */
    void consume(ByteBuffer chunk) {
        if (sink == null) {
            kept.put(chunk);
            return;
        }
        if (sink.remainingBytes() > 0) sink.unpack(chunk);
        chunk.position(chunk.limit());    // past the end of the receive buffer: dropped
    }

    /** The whole message at once (local delivery or an unexpected message). */
    void deliver(int src, int t, ByteBuffer data) {
        begin(src, t, data.remaining());
        consume(data);
        end();
    }

    void end() {
        if (kept != null) kept.flip();
        finish(truncated ? new MpiError(MpiError.ERR_TRUNCATE, what + ": the message from rank " + source + " (tag " + tag + ") has "
                + bytes + " bytes but the receive buffer holds " + capacity + " (increase the receive count)") : null);
    }
}
