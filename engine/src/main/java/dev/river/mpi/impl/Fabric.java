package dev.river.mpi.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p><b>Parts.</b> This class owns the lock, the peers, the local inbox and the lifetime, and is the
 * entry point of package {@code mpi}; {@link Outbound} sends, {@link Receiving} posts receives and
 * matches arrivals, {@link Inbound} reads the sockets, {@link Progress} is the progress engine (no
 * progress thread: threads waiting in MPI calls make progress).
 *
 * <p><b>Threads.</b> {@link #mu} guards the peers, the matcher, the connections' state, the
 * selector's key set and the parts' state; the poller runs {@code select} without it. The local inbox
 * is a lock-free queue that other ranks' threads append to.
 *
 * <p>Internal: the runtime behind package {@code mpi}.
 */
public final class Fabric implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Fabric.class.getName());

    static final int HEADER = 32;
    static final byte DATA = 1, ACK = 2, BYE = 3;
    static final Object ACCEPT = new Object();

    /** Marks errors that only follow from another rank's end (the launcher looks for the cause). */
    public static final String UNREACHABLE = "is unreachable";

    /** Send modes. */
    public enum Mode { STANDARD, SYNCHRONOUS, BUFFERED, READY }

    final String job;
    final int rank;
    final int size;
    final Handshake handshake;                   // checks under mu
    final Inbound inbound = new Inbound(this);           // reading sockets; runs under mu
    final Outbound outbound = new Outbound(this);         // sending; runs under mu
    /** What this rank sent and how long its collectives took (for mpirun's traffic picture). */
    public final TrafficCounter traffic;
    private final Receiving receiving = new Receiving(this);
    private final Progress progress = new Progress(this);
    final Selector selector;
    final ServerSocketChannel listener;          // null for a singleton
    private final String endpoint;
    final Peer[] peers;                          // guarded by mu
    private final ConcurrentLinkedQueue<Msg> inbox = new ConcurrentLinkedQueue<>();
    private volatile RankTermination killed;     // set by kill(): every wait ends by throwing it

    final ReentrantLock mu = new ReentrantLock();
    final Condition changed = mu.newCondition();
    final Matcher matcher = new Matcher();                          // guarded by mu
    final List<InConn> incoming = new ArrayList<>();                // guarded by mu
    private boolean closed;                                         // guarded by mu

    /**
     * Opens the fabric of rank {@code rank} of {@code size}: binds a listening port on {@code host}
     * (none for a job of one rank) and registers with the JVM's other ranks.
     */
    public Fabric(String job, int rank, int size, byte[] secret, String host) {
        this.traffic = new TrafficCounter(size);
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
            traffic.sent(dest, data.totalBytes());
            return outbound.isend(ctx, src, tag, dest, data, mode);
        } finally {
            mu.unlock();
        }
    }

    /** Bytes the implementation needs per buffered send besides the data (MPI.BSEND_OVERHEAD). */
    public static final int BSEND_OVERHEAD = Outbound.BSEND_OVERHEAD;

    /** MPI.attachBuffer: buffered sends may use {@code bytes} bytes. */
    public void attachBuffer(int bytes) {
        mu.lock();
        try {
            outbound.attachBuffer(bytes);
        } finally {
            mu.unlock();
        }
    }

    /** MPI.detachBuffer: waits until the buffered sends are on their way, then forgets the buffer. */
    public void detachBuffer() {
        await(outbound::buffersWritten);
        mu.lock();
        try {
            outbound.detachBuffer();
        } finally {
            mu.unlock();
        }
    }

    /** A message from a rank in this JVM; any thread. */
    void handOver(Msg m) {
        inbox.add(m);
        progress.wakeIfSleeping();
    }

    void sendAck(int toWorld, long seq) {
        outbound.sendAck(toWorld, seq);
    }

    /** A sender found the socket full: the poller must watch it for room (it already does if blocked). Under mu. */
    void wakeUpPoller() {
        progress.wakeUpPoller();
    }

    // ---------------------------------------------------------------- receiving (see Receiving)

    /**
     * Posts a receive on context {@code ctx} for communicator rank {@code src} (world rank
     * {@code srcWorld}; both {@link Req#ANY} for any source) and {@code tag} (or ANY). {@code sink}
     * null keeps the message in the request (for collectives).
     */
    public Req irecv(int ctx, int src, int srcWorld, int tag, Cursor sink, String what) {
        return receiving.irecv(ctx, src, srcWorld, tag, sink, what);
    }

    /** The data a receive posted with a null sink kept. */
    public static ByteBuffer kept(Req r) {
        return ((RecvReq) r).kept;
    }

    /** A whole message arrived from a socket. Under mu. */
    void arrived(Msg m) {
        receiving.arrived(m);
    }

    void acked(long seq) {
        outbound.acked(seq);
    }

    /** The envelope of the first queued message matching (ctx, src, tag) as a completed request, or null; makes progress first. */
    public Req iprobe(int ctx, int src, int tag) {
        return receiving.iprobe(ctx, src, tag);
    }

    /** Waits for a message matching (ctx, src, tag) and returns its envelope, leaving it queued. */
    public Req probe(int ctx, int src, int tag) {
        return receiving.probe(ctx, src, tag);
    }

    /**
     * MPI_MPROBE / MPI_IMPROBE: takes the first arrived message matching (ctx, src, tag) out of
     * matching, so that only {@link #mrecv} receives it; waits for one if {@code wait}, else returns
     * null when there is none.
     */
    public Msg mprobe(int ctx, int src, int tag, boolean wait) {
        return receiving.mprobe(ctx, src, tag, wait);
    }

    /** The envelope of a matched message, as a completed request (for its status). */
    public static Req envelope(Msg m) {
        return Receiving.probed(m);
    }

    /** MPI_MRECV: receives a message a matched probe took; the request is complete when this returns. */
    public Req mrecv(Msg m, Cursor sink, String what) {
        return receiving.mrecv(m, sink, what);
    }

    /** Cancels a receive that has not matched a message yet; returns whether it was cancelled. */
    public boolean cancel(Req r) {
        return receiving.cancel(r);
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
        progress.await(ready);
    }

    /** Hands the local inbox's messages and acknowledgements to matching. Under mu. */
    void drainInbox() {
        Msg m;
        boolean any = false;
        while ((m = inbox.poll()) != null) {
            any = true;
            if (m.kind == ACK) acked(m.seq);
            else arrived(m);
        }
        if (any) changed.signalAll();
    }

    boolean inboxEmpty() {
        return inbox.isEmpty();
    }

    boolean killed() {
        return killed != null;
    }

    /** One non-blocking round of progress. Under mu. */
    void progressNow() {
        progress.progressNow();
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
        progress.wakeIfSleeping();
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
        outbound.failAwaiting(world, e);
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

    void checkAlive() {
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
                    p.queue.add(new OutFrame(Outbound.header(BYE, false, 0, rank, 0, 0, 0)));
                    outbound.flush(p);
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
