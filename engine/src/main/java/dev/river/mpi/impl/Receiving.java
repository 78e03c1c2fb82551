package dev.river.mpi.impl;

/**
 * The receiving side of a {@link Fabric}: posting receives, matching arrived messages to them (or
 * queueing them as unexpected), probes and matched probes, and cancelling receives. The socket
 * reading that produces arrivals is {@link Inbound}'s.
 *
 * <p>Threads: methods take the fabric's lock themselves, except those marked "under mu"; the
 * matcher they use is guarded by that lock.
 */
final class Receiving {
    private final Fabric f;

    Receiving(Fabric f) {
        this.f = f;
    }

    Req irecv(int ctx, int src, int srcWorld, int tag, Cursor sink, String what) {
        RecvReq r = new RecvReq(ctx, src, srcWorld, tag, sink, what);
        f.mu.lock();
        try {
            f.checkAlive();
            f.drainInbox();
            Msg m = f.matcher.takeUnexpected(ctx, src, tag);
            Peer from = srcWorld == Req.ANY ? null : f.peers[srcWorld];
            if (m != null) {
                receive(r, m);
            } else if (from != null && from.lost != null) {
                r.finish(new MpiError(MpiError.ERR_OTHER, what + ": world rank " + srcWorld + " " + Fabric.UNREACHABLE + ": " + from.lost));
            } else {
                f.matcher.post(r);
            }
            return r;
        } finally {
            f.mu.unlock();
        }
    }

    /** Under mu. */
    private void receive(RecvReq r, Msg m) {
        r.deliver(m.src, m.tag, m.data.duplicate().order(Buf.NATIVE));
        if (m.sync) f.sendAck(m.fromWorld, m.seq);
    }

    /** A whole message arrived: to the first matching posted receive, else to the unexpected queue. Under mu. */
    void arrived(Msg m) {
        RecvReq r = f.matcher.takePosted(m.ctx, m.src, m.tag);
        if (r != null) receive(r, m);
        else f.matcher.addUnexpected(m);
    }

    Req iprobe(int ctx, int src, int tag) {
        f.mu.lock();
        try {
            f.checkAlive();
            f.progressNow();
            return probed(f.matcher.peekUnexpected(ctx, src, tag));
        } finally {
            f.mu.unlock();
        }
    }

    Req probe(int ctx, int src, int tag) {
        Msg[] found = new Msg[1];
        f.await(() -> (found[0] = f.matcher.peekUnexpected(ctx, src, tag)) != null);
        return probed(found[0]);
    }

    /** A message's envelope as a completed request (for its status), or null for none. */
    static Req probed(Msg m) {
        if (m == null) return null;
        Req r = Req.completed(m.src, m.tag);
        r.bytes = m.data.remaining();
        return r;
    }

    Msg mprobe(int ctx, int src, int tag, boolean wait) {
        if (wait) {
            Msg[] found = new Msg[1];
            f.await(() -> (found[0] = f.matcher.takeUnexpected(ctx, src, tag)) != null);
            return found[0];
        }
        f.mu.lock();
        try {
            f.checkAlive();
            f.progressNow();
            return f.matcher.takeUnexpected(ctx, src, tag);
        } finally {
            f.mu.unlock();
        }
    }

    Req mrecv(Msg m, Cursor sink, String what) {
        RecvReq r = new RecvReq(m.ctx, m.src, m.fromWorld, m.tag, sink, what);
        f.mu.lock();
        try {
            f.checkAlive();
            receive(r, m);
            f.changed.signalAll();
            return r;
        } finally {
            f.mu.unlock();
        }
    }

    boolean cancel(Req r) {
        f.mu.lock();
        try {
            if (r instanceof RecvReq rr && !rr.done && f.matcher.removePosted(rr)) {
                rr.cancelled = true;
                rr.finish(null);
                f.changed.signalAll();
                return true;
            }
            return false;
        } finally {
            f.mu.unlock();
        }
    }
}
