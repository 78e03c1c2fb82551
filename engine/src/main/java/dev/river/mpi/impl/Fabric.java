package dev.river.mpi.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One rank's message transport, matching and progress engine.
 *
 * <p><b>Data path.</b> Ranks talk directly, not through the engines' SFM queues: each rank listens on
 * a TCP port of its engine's address, and sends to a peer over one connection it opens itself (so
 * every connection carries data one way, and messages between two ranks keep their order). Ranks in
 * the same JVM hand each other packed messages through memory ({@link LocalHub}). A message is a
 * 32-byte header (kind, flags, context, source, tag, sequence, length) and the packed data. Large
 * messages are packed and unpacked in chunks as the socket takes and delivers them, so they never
 * exist as a whole in an intermediate buffer when the receive is already posted. Connections open with
 * a handshake proving knowledge of the job's secret (an HMAC over the ranks, the sender's clock and a
 * fresh nonce, accepted once and within five minutes of the receiver's clock); anything else is closed.
 *
 * <p><b>Progress.</b> There is no progress thread: threads that wait in an MPI call make progress.
 * One of them at a time is the poller: it spins briefly on a non-blocking select (latency), then blocks
 * in {@code select()}; the others wait on a condition the poller signals after every round. A thread
 * that posts a send writes to the socket itself when nothing is queued before it.
 *
 * <p><b>Threads.</b> {@link #mu} guards every field below marked so, the matcher, the connections'
 * state and the selector's key set; the poller runs {@code select} without it. The local inbox is a
 * lock-free queue that other ranks' threads append to.
 *
 * <p>Internal: the runtime behind package {@code mpi}.
 */
public final class Fabric implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Fabric.class.getName());

    static final int HEADER = 32;
    static final byte DATA = 1, ACK = 2, BYE = 3;
    private static final Object ACCEPT = new Object();

    /** Marks errors that only follow from another rank's end (the launcher looks for the cause). */
    public static final String UNREACHABLE = "is unreachable";

    /** Send modes. */
    public enum Mode { STANDARD, SYNCHRONOUS, BUFFERED, READY }

    final String job;
    final int rank;
    final int size;
    final Handshake handshake;                   // checks under mu
    private final Inbound inbound = new Inbound(this);   // runs under mu
    final Selector selector;
    final ServerSocketChannel listener;          // null for a singleton
    private final String endpoint;
    final Peer[] peers;                          // guarded by mu
    private final ConcurrentLinkedQueue<Msg> inbox = new ConcurrentLinkedQueue<>();
    private volatile boolean sleeping;           // the poller is (about to be) blocked in select()
    private volatile RankTermination killed;     // set by kill(): every wait ends by throwing it

    private final ReentrantLock mu = new ReentrantLock();
    private final Condition changed = mu.newCondition();
    private boolean polling;                                        // guarded by mu
    final Matcher matcher = new Matcher();                          // guarded by mu
    private final Map<Long, SendReq> awaitingAck = new HashMap<>(); // guarded by mu
    final List<InConn> incoming = new ArrayList<>();                // guarded by mu
    private long nextSendId;                                        // guarded by mu
    private int bsendCapacity, bsendInUse;                          // guarded by mu
    private boolean closed;                                         // guarded by mu

    /**
     * Opens the fabric of rank {@code rank} of {@code size}: binds a listening port on {@code host}
     * (none for a job of one rank) and registers with the JVM's other ranks.
     */
    public Fabric(String job, int rank, int size, byte[] secret, String host) {
        this.job = job;
        this.rank = rank;
        this.size = size;
        this.handshake = new Handshake(job, rank, size, secret);
        this.peers = new Peer[size];
        for (int i = 0; i < size; i++) peers[i] = new Peer(i);
        try {
            selector = Selector.open();
            if (size > 1) {
                listener = ServerSocketChannel.open();
                if (Tuning.SOCKET_BUFFER > 0) listener.setOption(StandardSocketOptions.SO_RCVBUF, Tuning.SOCKET_BUFFER);
                listener.bind(new InetSocketAddress(host, 0), 256);
                listener.configureBlocking(false);
                listener.register(selector, SelectionKey.OP_ACCEPT, ACCEPT);
                endpoint = host + ":" + ((InetSocketAddress) listener.getLocalAddress()).getPort();
            } else {
                listener = null;
                endpoint = host + ":0";
            }
        } catch (IOException e) {
            throw new MpiError(MpiError.ERR_OTHER, "rank " + rank + " cannot listen on " + host + ": " + e.getMessage(), e);
        }
        peers[rank].local = this;
        LocalHub.register(job, rank, this);
    }

    /** {@code host:port} where this rank accepts connections. */
    public String endpoint() {
        return endpoint;
    }

    /** Learns every rank's endpoint; ranks in this JVM are reached through memory. */
    public void wire(List<String> endpoints) {
        if (endpoints.size() != size) throw new IllegalArgumentException("expected " + size + " endpoints, got " + endpoints.size());
        mu.lock();
        try {
            for (int i = 0; i < size; i++) {
                peers[i].address = endpoints.get(i);
                Fabric f = LocalHub.find(job, i);
                if (f != null) peers[i].local = f;
            }
        } finally {
            mu.unlock();
        }
    }

    /** Whether world rank {@code world} runs in this JVM. */
    public boolean isLocal(int world) {
        return peers[world].local != null;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Starts sending {@code data} to world rank {@code dest}, as rank {@code src} of context
     * {@code ctx}. The data is read (packed) while the send progresses, so a standard send of a large
     * message must not have its buffer modified until it completes, as MPI requires.
     */
    public Req isend(int ctx, int src, int tag, int dest, Cursor data, Mode mode) {
        mu.lock();
        try {
            checkAlive();
            long id = ++nextSendId;
            boolean sync = mode == Mode.SYNCHRONOUS;
            SendReq s = new SendReq(id, sync, dest);
            s.tag = tag;
            s.bytes = data.totalBytes();
            Peer p = peers[dest];
            if (p.lost != null) {
                s.finish(new MpiError(MpiError.ERR_OTHER, "world rank " + dest + " " + UNREACHABLE + ": " + p.lost));
                return s;
            }
            if (sync) awaitingAck.put(id, s);
            if (p.local != null) {
                ByteBuffer payload = data.packAll();
                p.local.handOver(new Msg(DATA, ctx, src, tag, id, sync, rank, payload));
                s.onWritten();
                return s;
            }
            OutFrame f = new OutFrame(header(DATA, sync, ctx, src, tag, id, data.totalBytes()));
            if (mode == Mode.BUFFERED) {
                int need = Math.toIntExact(data.totalBytes());
                boolean fits = bsendInUse + need + BSEND_OVERHEAD <= bsendCapacity;
                if (!fits && need > EAGER_LIMIT) {
                    s.finish(new MpiError(MpiError.ERR_BUFFER, "bSend of " + need + " bytes does not fit in the attached buffer ("
                            + bsendCapacity + " bytes, " + bsendInUse + " in use): attach a larger one with"
                            + " MPI.attachBuffer(new byte[size + MPI.BSEND_OVERHEAD])"));
                    awaitingAck.remove(id);
                    return s;
                }
                if (fits) {
                    bsendInUse += need + BSEND_OVERHEAD;
                    f.bsendBytes = need + BSEND_OVERHEAD;
                }
                f.body = data.packAll();
                s.finish(null);
            } else {
                f.cursor = data;
                f.req = s;
            }
            p.queue.add(f);
            flush(p);
            return s;
        } finally {
            mu.unlock();
        }
    }

    /** Bytes the implementation needs per buffered send besides the data (MPI.BSEND_OVERHEAD). */
    public static final int BSEND_OVERHEAD = 32;

    /**
     * A buffered send this small that does not fit in the attached buffer (or with none attached) is
     * copied and sent anyway, as Open MPI does for messages within its TCP eager limit (64 KiB): its
     * ob1 layer copies them straight into a fragment without touching the attached buffer.
     */
    static final int EAGER_LIMIT = 64 * 1024;

    /** MPI.attachBuffer: buffered sends may use {@code bytes} bytes. */
    public void attachBuffer(int bytes) {
        mu.lock();
        try {
            if (bsendCapacity > 0) throw new MpiError(MpiError.ERR_BUFFER, "a buffer is already attached: detach it first");
            bsendCapacity = bytes;
        } finally {
            mu.unlock();
        }
    }

    /** MPI.detachBuffer: waits until the buffered sends are on their way, then forgets the buffer. */
    public void detachBuffer() {
        await(() -> bsendInUse == 0);
        mu.lock();
        try {
            bsendCapacity = 0;
        } finally {
            mu.unlock();
        }
    }

    private static ByteBuffer header(byte kind, boolean sync, int ctx, int src, int tag, long seq, long length) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(Buf.NATIVE);
        h.put(kind).put(sync ? (byte) 1 : 0).putShort((short) 0).putInt(ctx).putInt(src).putInt(tag).putLong(seq).putLong(length);
        return h.flip();
    }

    /** A message from a rank in this JVM; any thread. */
    private void handOver(Msg m) {
        inbox.add(m);
        if (sleeping) selector.wakeup();
    }

    void sendAck(int toWorld, long seq) {
        Peer p = peers[toWorld];
        if (p.local != null) {
            p.local.handOver(new Msg(ACK, 0, rank, 0, seq, false, rank, null));
        } else if (p.lost == null) {
            p.queue.add(new OutFrame(header(ACK, false, 0, rank, 0, seq, 0)));
            flush(p);
        }
    }

    /** Writes what the socket takes; completes sends whose last byte went out. Under mu. */
    private void flush(Peer p) {
        try {
            if (p.out == null) connect(p);
            while (true) {
                if (p.staging != null && p.staging.hasRemaining()) {
                    p.out.write(p.staging);
                    if (p.staging.hasRemaining()) {
                        p.wantWrite(true);
                        if (polling) selector.wakeup();
                        return;
                    }
                }
                for (OutFrame f : p.inStaging) written(f);
                p.inStaging.clear();
                if (p.queue.isEmpty()) {
                    p.wantWrite(false);
                    return;
                }
                if (p.staging == null) p.staging = ByteBuffer.allocateDirect(Tuning.STAGING).order(Buf.NATIVE);
                p.staging.clear();
                while (!p.queue.isEmpty()) {
                    OutFrame f = p.queue.peek();
                    if (!f.fill(p.staging)) break;
                    p.queue.poll();
                    p.inStaging.add(f);
                }
                p.staging.flip();
            }
        } catch (IOException e) {
            peerLost(p.world, "the connection to it failed: " + e.getMessage());
        }
    }

    private void written(OutFrame f) {
        if (f.req != null) f.req.onWritten();
        if (f.bsendBytes > 0) bsendInUse -= f.bsendBytes;
    }

    private void connect(Peer p) throws IOException {
        if (p.address == null) throw new MpiError(MpiError.ERR_INTERN, "rank " + rank + " has no address for world rank " + p.world);
        int c = p.address.lastIndexOf(':');
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (Tuning.SOCKET_BUFFER > 0) ch.setOption(StandardSocketOptions.SO_SNDBUF, Tuning.SOCKET_BUFFER);
            ch.socket().connect(new InetSocketAddress(p.address.substring(0, c), Integer.parseInt(p.address.substring(c + 1))), 10_000);
            ByteBuffer hs = handshake.hello(p.world);
            while (hs.hasRemaining()) ch.write(hs);
            ch.configureBlocking(false);
            p.key = ch.register(selector, 0, p);
            p.out = ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to world rank " + p.world + " at " + p.address + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Posts a receive on context {@code ctx} for communicator rank {@code src} (world rank
     * {@code srcWorld}; both {@link Req#ANY} for any source) and {@code tag} (or ANY). {@code sink}
     * null keeps the message in the request (for collectives).
     */
    public Req irecv(int ctx, int src, int srcWorld, int tag, Cursor sink, String what) {
        RecvReq r = new RecvReq(ctx, src, srcWorld, tag, sink, what);
        mu.lock();
        try {
            checkAlive();
            drainInbox();
            Msg m = matcher.takeUnexpected(ctx, src, tag);
            if (m != null) {
                receive(r, m);
            } else if (srcWorld != Req.ANY && peers[srcWorld].lost != null) {
                r.finish(new MpiError(MpiError.ERR_OTHER, what + ": world rank " + srcWorld + " " + UNREACHABLE + ": " + peers[srcWorld].lost));
            } else {
                matcher.post(r);
            }
            return r;
        } finally {
            mu.unlock();
        }
    }

    /** The data a receive posted with a null sink kept. */
    public static ByteBuffer kept(Req r) {
        return ((RecvReq) r).kept;
    }

    private void receive(RecvReq r, Msg m) {
        r.deliver(m.src, m.tag, m.data.duplicate().order(Buf.NATIVE));
        if (m.sync) sendAck(m.fromWorld, m.seq);
    }

    /** A whole message arrived: to the first matching posted receive, else to the unexpected queue. Under mu. */
    void arrived(Msg m) {
        RecvReq r = matcher.takePosted(m.ctx, m.src, m.tag);
        if (r != null) receive(r, m);
        else matcher.addUnexpected(m);
    }

    private void drainInbox() {
        Msg m;
        boolean any = false;
        while ((m = inbox.poll()) != null) {
            any = true;
            if (m.kind == ACK) acked(m.seq);
            else arrived(m);
        }
        if (any) changed.signalAll();
    }

    void acked(long seq) {
        SendReq s = awaitingAck.remove(seq);
        if (s != null) s.onAck();
    }

    /**
     * The envelope of the first queued message matching (ctx, src, tag) as a completed request, or
     * null; makes progress first.
     */
    public Req iprobe(int ctx, int src, int tag) {
        mu.lock();
        try {
            checkAlive();
            progressNow();
            return probed(matcher.peekUnexpected(ctx, src, tag));
        } finally {
            mu.unlock();
        }
    }

    /** Waits for a message matching (ctx, src, tag) and returns its envelope, leaving it queued. */
    public Req probe(int ctx, int src, int tag) {
        Msg[] found = new Msg[1];
        await(() -> (found[0] = matcher.peekUnexpected(ctx, src, tag)) != null);
        return probed(found[0]);
    }

    private static Req probed(Msg m) {
        if (m == null) return null;
        Req r = Req.completed(m.src, m.tag);
        r.bytes = m.data.remaining();
        return r;
    }

    /**
     * MPI_MPROBE / MPI_IMPROBE: takes the first arrived message matching (ctx, src, tag) out of
     * matching, so that only {@link #mrecv} receives it; waits for one if {@code wait}, else returns
     * null when there is none.
     */
    public Msg mprobe(int ctx, int src, int tag, boolean wait) {
        if (wait) {
            Msg[] found = new Msg[1];
            await(() -> (found[0] = matcher.takeUnexpected(ctx, src, tag)) != null);
            return found[0];
        }
        mu.lock();
        try {
            checkAlive();
            progressNow();
            return matcher.takeUnexpected(ctx, src, tag);
        } finally {
            mu.unlock();
        }
    }

    /** The envelope of a matched message, as a completed request (for its status). */
    public static Req envelope(Msg m) {
        return probed(m);
    }

    /** MPI_MRECV: receives a message a matched probe took; the request is complete when this returns. */
    public Req mrecv(Msg m, Cursor sink, String what) {
        RecvReq r = new RecvReq(m.ctx, m.src, m.fromWorld, m.tag, sink, what);
        mu.lock();
        try {
            checkAlive();
            receive(r, m);
            changed.signalAll();
            return r;
        } finally {
            mu.unlock();
        }
    }

    /** Cancels a receive that has not matched a message yet; returns whether it was cancelled. */
    public boolean cancel(Req r) {
        mu.lock();
        try {
            if (r instanceof RecvReq rr && !rr.done && matcher.removePosted(rr)) {
                rr.cancelled = true;
                rr.finish(null);
                changed.signalAll();
                return true;
            }
            return false;
        } finally {
            mu.unlock();
        }
    }

    // ---------------------------------------------------------------- progress

    /** Whether {@code r} is done, after making whatever progress is possible without waiting. */
    public boolean test(Req r) {
        if (r.done) return true;
        mu.lock();
        try {
            checkAlive();
            progressNow();
            return r.done;
        } finally {
            mu.unlock();
        }
    }

    /**
     * Makes whatever progress is possible without waiting (MPI_TESTALL/ANY/SOME over several
     * requests: testing only one that is already done would leave the others where they are).
     */
    public void progress() {
        mu.lock();
        try {
            checkAlive();
            progressNow();
        } finally {
            mu.unlock();
        }
    }

    /** Waits until {@code r} is done. */
    public void await(Req r) {
        if (!r.done) await((BooleanSupplier) r::isDone);
    }

    /**
     * Waits until {@code ready} holds; it is evaluated under the fabric's lock, after each round of
     * progress. Throws {@link RankTermination} if the rank is being stopped.
     */
    public void await(BooleanSupplier ready) {
        long start = System.nanoTime();
        mu.lock();
        try {
            while (true) {
                checkAlive();
                drainInbox();
                if (ready.getAsBoolean()) return;
                if (polling) {
                    changed.await(1, TimeUnit.SECONDS);
                    continue;
                }
                polling = true;
                try {
                    long waited = System.nanoTime() - start;
                    poll(waited < Tuning.SPIN_NANOS ? 0 : waited < Tuning.YIELD_NANOS ? 1 : 2);
                } finally {
                    polling = false;
                    changed.signalAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RankTermination(1, "interrupted while waiting in an MPI call");
        } finally {
            mu.unlock();
        }
    }

    /**
     * One round as the poller: select (without mu), then handle the ready channels (with mu).
     * {@code phase} 0 spins, 1 spins but lets other threads run between polls, 2 blocks.
     */
    private void poll(int phase) {
        int n;
        mu.unlock();
        try {
            if (phase < 2) {
                n = selector.selectNow();
                if (n == 0 && inbox.isEmpty()) {
                    if (phase == 0) Thread.onSpinWait();
                    else Thread.yield();
                }
            } else {
                sleeping = true;
                try {
                    n = inbox.isEmpty() && killed == null ? selector.select(1000) : selector.selectNow();
                } finally {
                    sleeping = false;
                }
            }
        } catch (IOException e) {
            throw new MpiError(MpiError.ERR_OTHER, "rank " + rank + ": selecting ready connections failed: " + e.getMessage(), e);
        } finally {
            mu.lock();
        }
        if (n > 0) handleSelected();
    }

    /** Non-blocking progress by whoever holds mu: the inbox, and ready sockets unless a poller is at them. */
    private void progressNow() {
        drainInbox();
        if (polling) return;
        polling = true;
        try {
            int n;
            mu.unlock();
            try {
                n = selector.selectNow();
            } catch (IOException e) {
                throw new MpiError(MpiError.ERR_OTHER, "rank " + rank + ": selecting ready connections failed: " + e.getMessage(), e);
            } finally {
                mu.lock();
            }
            if (n > 0) handleSelected();
            drainInbox();
        } finally {
            polling = false;
            changed.signalAll();
        }
    }

    private void handleSelected() {
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            if (!k.isValid()) continue;
            Object a = k.attachment();
            if (a == ACCEPT) inbound.accept();
            else if (a instanceof InConn c) inbound.read(c);
            else if (a instanceof Peer p && k.isWritable()) flush(p);
        }
        changed.signalAll();
    }

    /** Signals waiters that a request completed outside the progress engine (a collective's worker). */
    public void completed(Req r, MpiError error) {
        mu.lock();
        try {
            r.finish(error);
            changed.signalAll();
        } finally {
            mu.unlock();
        }
        if (sleeping) selector.wakeup();
    }

    /** A peer is gone: fail what waits for it, so that nothing hangs. Under mu. */
    void peerLost(int world, String why) {
        Peer p = peers[world];
        if (p.lost != null) return;
        p.lost = why;
        MpiError e = new MpiError(MpiError.ERR_OTHER, "world rank " + world + " " + UNREACHABLE + ": " + why);
        for (RecvReq r : matcher.takePostedFrom(world)) r.finish(e);
        for (OutFrame f : p.queue) if (f.req != null) f.req.finish(e);
        for (OutFrame f : p.inStaging) if (f.req != null) f.req.finish(e);
        p.queue.clear();
        p.inStaging.clear();
        for (Iterator<SendReq> it = awaitingAck.values().iterator(); it.hasNext(); ) {
            SendReq s = it.next();
            if (s.destWorld == world) {
                s.finish(e);
                it.remove();
            }
        }
        if (p.key != null) p.key.cancel();
        if (p.out != null) {
            try {
                p.out.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        changed.signalAll();
    }

    private void checkAlive() {
        RankTermination k = killed;
        if (k != null) throw k;
        if (closed) throw new MpiError(MpiError.ERR_OTHER, "MPI has been finalized on rank " + rank);
    }

    // ---------------------------------------------------------------- lifetime

    /** Ends every wait of this rank with {@code why} (the job is being stopped); any thread. */
    public void kill(RankTermination why) {
        killed = why;
        selector.wakeup();
        mu.lock();
        try {
            changed.signalAll();
        } finally {
            mu.unlock();
        }
    }

    /**
     * Finalize: delivers what is still queued, says goodbye to the peers it talked to and closes
     * every connection.
     */
    @Override
    public void close() {
        mu.lock();
        try {
            if (closed) return;
            for (Peer p : peers) {
                if (p.out != null && p.lost == null) {
                    p.queue.add(new OutFrame(header(BYE, false, 0, rank, 0, 0, 0)));
                    flush(p);
                }
            }
        } finally {
            mu.unlock();
        }
        try {
            await(() -> {
                for (Peer p : peers) if (p.lost == null && (!p.queue.isEmpty() || (p.staging != null && p.staging.hasRemaining()))) return false;
                return true;
            });
        } finally {
            shutdown();
        }
    }

    /** Closes everything at once, without flushing (after kill, or after close flushed). */
    public void shutdown() {
        mu.lock();
        try {
            closed = true;
            for (Peer p : peers) {
                if (p.out != null) {
                    try {
                        p.out.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
            for (InConn c : new ArrayList<>(incoming)) inbound.drop(c);
            try {
                if (listener != null) listener.close();
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the fabric", e);
            }
        } finally {
            mu.unlock();
            LocalHub.unregister(job, rank, this);
        }
    }

    /** Messages received but not matched yet (for diagnostics). */
    public int unexpectedCount() {
        mu.lock();
        try {
            return matcher.unexpectedCount();
        } finally {
            mu.unlock();
        }
    }

    /** HMAC of a handshake (tests forge handshakes with it). */
    byte[] mac(int from, int to, long clock, byte[] nonce) {
        return handshake.mac(from, to, clock, nonce);
    }
}
