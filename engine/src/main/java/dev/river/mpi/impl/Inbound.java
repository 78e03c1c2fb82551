package dev.river.mpi.impl;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The receiving side of a fabric: accepts connections, checks their handshake, and parses the frames
 * they carry, streaming a message's data into the posted receive it matches or keeping it whole for
 * the unexpected queue.
 *
 * <p>Threads: every method runs under the fabric's lock, on the thread that is polling.
 */
final class Inbound {
    private static final System.Logger LOG = System.getLogger(Inbound.class.getName());

    private final Fabric f;

    Inbound(Fabric f) {
        this.f = f;
    }

    void accept() {
        try {
            SocketChannel ch;
            while ((ch = f.listener.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InConn c = new InConn(ch);
                c.key = ch.register(f.selector, SelectionKey.OP_READ, c);
                f.incoming.add(c);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "rank " + f.rank + ": accepting a connection failed: " + e.getMessage());
        }
    }

    void read(InConn c) {
        try {
            int n;
            while ((n = c.ch.read(c.in)) > 0) {
                c.in.flip();
                parse(c);
                c.in.compact();
                if (c.growTo > 0 && c.in.position() == 0) {
                    c.in = ByteBuffer.allocateDirect(c.growTo).order(Buf.NATIVE);
                    c.growTo = 0;
                }
            }
            if (n < 0) closedByPeer(c);
        } catch (IOException e) {
            closedByPeer(c);
        } catch (Handshake.Refused e) {
            LOG.log(System.Logger.Level.WARNING, "rank " + f.rank + ": refused a connection from "
                    + remote(c) + ": " + e.getMessage());
            drop(c);
        }
    }

    /** Parses whole headers and payload pieces from the connection's buffer (read mode). */
    private void parse(InConn c) {
        ByteBuffer in = c.in;
        while (true) {
            if (c.from < 0) {
                if (in.remaining() < Handshake.LENGTH) return;
                c.from = f.handshake.check(in);
                continue;
            }
            if (!c.inMessage) {
                if (in.remaining() < Fabric.HEADER) return;
                byte kind = in.get();
                boolean sync = in.get() != 0;
                in.getShort();
                int ctx = in.getInt(), src = in.getInt(), tag = in.getInt();
                long seq = in.getLong(), length = in.getLong();
                switch (kind) {
                    case Fabric.ACK -> f.acked(seq);
                    case Fabric.BYE -> f.peers[c.from].finished = true;
                    case Fabric.DATA -> begin(c, ctx, src, tag, seq, sync, length);
                    default -> throw new Handshake.Refused("unknown frame kind " + kind);
                }
                continue;
            }
            int avail = in.remaining();
            if (avail == 0) return;
            int take = (int) Math.min(avail, c.left);
            if (c.target != null && take < c.left) take -= take % 8;   // whole elements until the end
            if (take == 0) return;
            ByteBuffer chunk = in.slice(in.position(), take).order(Buf.NATIVE);
            in.position(in.position() + take);
            if (c.target != null) c.target.consume(chunk);
            else c.keep.put(chunk);
            c.left -= take;
            if (c.left == 0) end(c);
        }
    }

    private void begin(InConn c, int ctx, int src, int tag, long seq, boolean sync, long length) {
        c.inMessage = true;
        c.ctx = ctx;
        c.src = src;
        c.tag = tag;
        c.seq = seq;
        c.sync = sync;
        c.left = length;
        RecvReq r = f.matcher.takePosted(ctx, src, tag);
        if (r != null) {
            r.begin(src, tag, length);
            c.target = r;
        } else {
            c.keep = ByteBuffer.allocate(Math.toIntExact(length)).order(Buf.NATIVE);
        }
        if (length > Tuning.SMALL_IN && c.in.capacity() < Tuning.LARGE_IN) c.growTo = Tuning.LARGE_IN;
        if (length == 0) end(c);
    }

    private void end(InConn c) {
        c.inMessage = false;
        if (c.target != null) {
            RecvReq r = c.target;
            c.target = null;
            r.end();
            if (c.sync) f.sendAck(c.from, c.seq);
        } else {
            Msg m = new Msg(Fabric.DATA, c.ctx, c.src, c.tag, c.seq, c.sync, c.from, c.keep.flip());
            c.keep = null;
            f.arrived(m);
        }
    }

    private void closedByPeer(InConn c) {
        drop(c);
        if (c.from >= 0 && !f.peers[c.from].finished) {
            f.peerLost(c.from, "world rank " + c.from + " closed its connection without finalizing (its program failed,"
                    + " or its engine stopped)");
        }
    }

    void drop(InConn c) {
        f.incoming.remove(c);
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection", e);
        }
    }

    private static String remote(InConn c) {
        try {
            return String.valueOf(c.ch.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }
}
