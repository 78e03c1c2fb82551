package dev.river.mpi.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The sending side of a {@link Fabric}: starting sends in their four modes, the attached buffer's
 * accounting for buffered sends, acknowledgements of synchronous sends, and writing queued frames to
 * the peers' connections (opening them, with the handshake, on first use).
 *
 * <p>Threads: every method runs under the fabric's lock, which guards every field here.
 */
final class Outbound {
    /** Bytes the implementation needs per buffered send besides the data (MPI.BSEND_OVERHEAD). */
    static final int BSEND_OVERHEAD = 32;

    /**
     * A buffered send this small that does not fit in the attached buffer (or with none attached) is
     * copied and sent anyway, as Open MPI does for messages within its TCP eager limit (64 KiB): its
     * ob1 layer copies them straight into a fragment without touching the attached buffer.
     */
    static final int EAGER_LIMIT = 64 * 1024;

    private final Fabric f;
    private final Map<Long, SendReq> awaitingAck = new HashMap<>();  // synchronous sends not yet matched
    private long nextSendId;
    private int bsendCapacity, bsendInUse;

    Outbound(Fabric f) {
        this.f = f;
    }

    /** See {@link Fabric#isend}. */
    Req isend(int ctx, int src, int tag, int dest, Cursor data, Fabric.Mode mode) {
        long id = ++nextSendId;
        boolean sync = mode == Fabric.Mode.SYNCHRONOUS;
        SendReq s = new SendReq(id, sync, dest);
        s.tag = tag;
        s.bytes = data.totalBytes();
        Peer p = f.peers[dest];
        if (p.lost != null) {
            s.finish(new MpiError(MpiError.ERR_OTHER, "world rank " + dest + " " + Fabric.UNREACHABLE + ": " + p.lost));
            return s;
        }
        if (sync) awaitingAck.put(id, s);
        if (p.local != null) {
            ByteBuffer payload = data.packAll();
            p.local.handOver(new Msg(Fabric.DATA, ctx, src, tag, id, sync, f.rank, payload));
            s.onWritten();
            return s;
        }
        OutFrame frame = new OutFrame(header(Fabric.DATA, sync, ctx, src, tag, id, data.totalBytes()));
        if (mode == Fabric.Mode.BUFFERED) {
            int need = Math.toIntExact(data.totalBytes());
            boolean fits = bsendInUse + need + BSEND_OVERHEAD <= bsendCapacity;
            if (!fits && need > EAGER_LIMIT) {
                s.finish(new MpiError(MpiError.ERR_BUFFER, "bSend of " + need + " bytes does not fit in the attached buffer ("
                        + bsendCapacity + " bytes, " + bsendInUse + " in use): attach a larger one with"
                        + " MPI.attachBuffer(new byte[size + MPI.BSEND_OVERHEAD])"));
                return s;
            }
            if (fits) {
                bsendInUse += need + BSEND_OVERHEAD;
                frame.bsendBytes = need + BSEND_OVERHEAD;
            }
            frame.body = data.packAll();
            s.finish(null);
        } else {
            frame.cursor = data;
            frame.req = s;
        }
        p.queue.add(frame);
        flush(p);
        return s;
    }

    void attachBuffer(int bytes) {
        if (bsendCapacity > 0) throw new MpiError(MpiError.ERR_BUFFER, "a buffer is already attached: detach it first");
        bsendCapacity = bytes;
    }

    /** Whether every buffered send that used the attached buffer has been written. */
    boolean buffersWritten() {
        return bsendInUse == 0;
    }

    void detachBuffer() {
        bsendCapacity = 0;
    }

    static ByteBuffer header(byte kind, boolean sync, int ctx, int src, int tag, long seq, long length) {
        ByteBuffer h = ByteBuffer.allocate(Fabric.HEADER).order(Buf.NATIVE);
        h.put(kind).put(sync ? (byte) 1 : 0).putShort((short) 0).putInt(ctx).putInt(src).putInt(tag).putLong(seq).putLong(length);
        return h.flip();
    }

    void sendAck(int toWorld, long seq) {
        Peer p = f.peers[toWorld];
        if (p.local != null) {
            p.local.handOver(new Msg(Fabric.ACK, 0, f.rank, 0, seq, false, f.rank, null));
        } else if (p.lost == null) {
            p.queue.add(new OutFrame(header(Fabric.ACK, false, 0, f.rank, 0, seq, 0)));
            flush(p);
        }
    }

    void acked(long seq) {
        SendReq s = awaitingAck.remove(seq);
        if (s != null) s.onAck();
    }

    /** Fails the synchronous sends to a lost peer that wait for its acknowledgement. */
    void failAwaiting(int world, MpiError e) {
        for (Iterator<SendReq> it = awaitingAck.values().iterator(); it.hasNext(); ) {
            SendReq s = it.next();
            if (s.destWorld == world) {
                s.finish(e);
                it.remove();
            }
        }
    }

    /** Writes what the socket takes; completes sends whose last byte went out. */
    void flush(Peer p) {
        try {
            if (p.out == null) connect(p);
            while (true) {
                if (p.staging != null && p.staging.hasRemaining()) {
                    p.out.write(p.staging);
                    if (p.staging.hasRemaining()) {
                        p.wantWrite(true);
                        f.wakeUpPoller();
                        return;
                    }
                }
                for (OutFrame frame : p.inStaging) written(frame);
                p.inStaging.clear();
                if (p.queue.isEmpty()) {
                    p.wantWrite(false);
                    return;
                }
                if (p.staging == null) p.staging = ByteBuffer.allocateDirect(Tuning.STAGING).order(Buf.NATIVE);
                p.staging.clear();
                while (!p.queue.isEmpty()) {
                    OutFrame frame = p.queue.peek();
                    if (!frame.fill(p.staging)) break;
                    p.queue.poll();
                    p.inStaging.add(frame);
                }
                p.staging.flip();
            }
        } catch (IOException e) {
            f.peerLost(p.world, "the connection to it failed: " + e.getMessage());
        }
    }

    private void written(OutFrame frame) {
        if (frame.req != null) frame.req.onWritten();
        if (frame.bsendBytes > 0) bsendInUse -= frame.bsendBytes;
    }

    private void connect(Peer p) throws IOException {
        if (p.address == null) throw new MpiError(MpiError.ERR_INTERN, "rank " + f.rank + " has no address for world rank " + p.world);
        int c = p.address.lastIndexOf(':');
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (Tuning.SOCKET_BUFFER > 0) ch.setOption(StandardSocketOptions.SO_SNDBUF, Tuning.SOCKET_BUFFER);
            ch.socket().connect(new InetSocketAddress(p.address.substring(0, c), Integer.parseInt(p.address.substring(c + 1))), 10_000);
            ByteBuffer hs = f.handshake.hello(p.world);
            while (hs.hasRemaining()) ch.write(hs);
            ch.configureBlocking(false);
            p.key = ch.register(f.selector, 0, p);
            p.out = ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to world rank " + p.world + " at " + p.address + ": " + e.getMessage(), e);
        }
    }
}
