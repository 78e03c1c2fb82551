package dev.river.core;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The VM's network thread and the only owner of its JeroMQ sockets: one ROUTER bound on the VM's port
 * receives everything; one cached DEALER per peer VM sends, so any number of VRs talking to one VM
 * share one connection, and order between a sender and a receiver is FIFO.
 *
 * <p>Other threads hand frames to {@link #send}, which queues them and rings a doorbell (a pipe the
 * poller watches) only when the network thread is parked. Received messages go to the handler, called
 * on the network thread; it must not block.
 *
 * <p><b>Links are verified before use.</b> JeroMQ 0.6 can lose or hold the first messages of a fresh
 * connection (zeromq/jeromq#849; seen here as a deploy answered 15 s late, or never). So a new DEALER
 * first sends a PING, which the peer's ROUTER answers with a PONG on the same connection; until the
 * PONG arrives, messages wait in the peer's backlog, and a PING unanswered for a while replaces the
 * connection with a fresh one. After each burst a few empty NUDGE frames follow, because the same
 * JeroMQ issue can leave a last message unread until another arrives behind it.
 */
final class Transport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());

    /** Kernel socket buffers: large arrays stream at a fraction of the speed with the small defaults. */
    private static final int SOCKET_BUFFER = 4 << 20;
    /** RIVER_TRACE=1: one stderr line per frame sent and received; RIVER_TRACE=control: requests, replies, events. */
    private static final String TRACE = System.getenv("RIVER_TRACE");
    /**
     * How long a PING may go unanswered before the connection is replaced (doubling up to the cap). A
     * replacement starts the handshake over, so the cap must exceed what a starved peer takes to answer:
     * at 2.4 s, engines on a machine with a load of 38 on 2 cores were replaced for ever and never
     * answered an allocate.
     */
    private static final long PING_TIMEOUT_NANOS = ms(300), PING_TIMEOUT_CAP_NANOS = ms(20_000);
    /** When empty NUDGE frames follow the last send to a peer. */
    private static final long[] NUDGE_AFTER_NANOS = {ms(20), ms(100), ms(400), ms(1500)};
    private static final byte[][] NUDGE = {Proto.control(Proto.NUDGE, 0)};

    record Outgoing(String address, byte[][] frames) {}

    /** A received multipart message (without the ROUTER's identity frame). */
    record Incoming(List<byte[]> frames) {}

    private final ZContext ctx = new ZContext(1);
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean parked = new AtomicBoolean();
    private final AtomicBoolean rung = new AtomicBoolean();
    /** Replaced by the network thread when an interrupt closed it mid-write (see {@link #ring}). */
    private volatile Pipe doorbell;
    private volatile boolean doorbellBroken;
    private final Consumer<Incoming> handler;
    private final Thread thread;
    private final CompletableFuture<String> bound = new CompletableFuture<>();
    private final Map<String, Peer> peerView = new ConcurrentHashMap<>();   // read-only view for describe()
    private volatile boolean running = true;

    // Owned by the network thread:
    private ZMQ.Socket router;
    private ZMQ.Poller poller;
    private int doorbellIndex;
    private final Map<String, Peer> peers = new HashMap<>();
    private boolean waiting;      // some peer has messages waiting for its link
    private boolean nudgeDue;     // some peer was sent to and not fully nudged since

    /**
     * A peer VM: its DEALER, whether the link answered a PING, the messages waiting for that, and when
     * we last sent to it. Fields are the network thread's; the volatile ones are read by describe().
     */
    private static final class Peer {
        final String address;
        ZMQ.Socket socket;
        final ArrayDeque<byte[][]> backlog = new ArrayDeque<>();
        volatile boolean verified;
        long pingNonce;
        long pingSentAt;
        long pingTimeout = PING_TIMEOUT_NANOS;
        volatile int replaced;                             // connections replaced for an unanswered PING
        volatile long lastSend;
        volatile int nudges = NUDGE_AFTER_NANOS.length;    // nudges sent since the last message
        volatile int backlogSize;
        volatile long sent;

        Peer(String address) {
            this.address = address;
        }
    }

    Transport(String bindHost, int port, String vmName, Consumer<Incoming> handler) {
        this.handler = handler;
        try {
            doorbell = Pipe.open();
            doorbell.source().configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the network thread's wake-up pipe", e);
        }
        thread = new Thread(() -> loop(bindHost, port), "river-net-" + vmName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the ROUTER is bound and returns {@code host:port}. */
    String address() {
        try {
            return bound.join();
        } catch (RuntimeException e) {
            throw new RiverException("could not bind the River VM's port: " + e.getCause().getMessage()
                    + " (is the port in use? choose another with --port)", e.getCause());
        }
    }

    /** Queues a multipart message for {@code address} ({@code host:port}); never blocks. */
    void send(String address, byte[]... frames) {
        outbox.add(new Outgoing(address, frames));
        if (parked.get() && rung.compareAndSet(false, true)) ring();
    }

    private void ring() {
        // A channel write from an interrupted thread would close the channel: write from a clean state.
        boolean interrupted = Thread.interrupted();
        try {
            doorbell.sink().write(ByteBuffer.wrap(new byte[]{1}));
        } catch (java.nio.channels.ClosedChannelException e) {
            // An interrupt that lands during the write (cancelled tasks are interrupted while they may be
            // sending) still closes the pipe, for every sender. The network thread replaces it; until then
            // it wakes on its poll timeout, so messages are delayed, never lost.
            if (running) doorbellBroken = true;
        } catch (IOException e) {
            if (running) throw new UncheckedIOException("waking the River network thread", e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void loop(String bindHost, int port) {
        try {
            router = ctx.createSocket(SocketType.ROUTER);
            router.setRcvHWM(0);
            router.setReceiveBufferSize(SOCKET_BUFFER);
            router.setMaxMsgSize(NodeConfig.maxFrameBytes());
            router.setLinger(0);
            router.bind("tcp://" + bindHost + ":" + (port == 0 ? "*" : Integer.toString(port)));
            String endpoint = router.getLastEndpoint();
            bound.complete(bindHost + ":" + endpoint.substring(endpoint.lastIndexOf(':') + 1));
        } catch (RuntimeException e) {
            bound.completeExceptionally(e);
            return;
        }
        poller = ctx.createPoller(8);
        poller.register(router, ZMQ.Poller.POLLIN);
        doorbellIndex = poller.register(doorbell.source(), ZMQ.Poller.POLLIN);
        ByteBuffer drain = ByteBuffer.allocate(64);
        List<byte[]> frames = new ArrayList<>();
        try {
            while (running) {
                if (doorbellBroken) renewDoorbell();
                flush();
                parked.set(true);
                if (outbox.isEmpty()) {
                    poller.poll(waiting ? 2 : nudgeDue ? 20 : 200);
                }
                parked.set(false);
                // Drain whenever the pipe is readable: a ring can land after the flag was cleared.
                if (rung.getAndSet(false) || poller.pollin(doorbellIndex)) {
                    try {
                        while (doorbell.source().read(drain.clear()) > 0) { /* emptied */ }
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "draining the wake-up pipe", e);
                    }
                }
                receiveRouter(frames);
                receivePongs();
            }
        } catch (RuntimeException e) {
            if (running) LOG.log(System.Logger.Level.ERROR, "River network thread failed", e);
        } finally {
            for (Peer p : peers.values()) p.socket.close();
            router.close();
            ctx.close();
        }
    }

    /** Replaces a wake-up pipe that an interrupted sender closed (network thread). */
    private void renewDoorbell() {
        Pipe old = doorbell;
        try {
            Pipe fresh = Pipe.open();
            fresh.source().configureBlocking(false);
            poller.unregister(old.source());
            doorbell = fresh;
            doorbellIndex = poller.register(fresh.source(), ZMQ.Poller.POLLIN);
            doorbellBroken = false;
            LOG.log(System.Logger.Level.INFO, "replaced the wake-up pipe, closed by a sender interrupted while writing to it");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot replace the wake-up pipe; the network thread wakes on its poll timeout", e);
            return;
        }
        try {
            old.sink().close();
            old.source().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the old wake-up pipe", e);
        }
    }

    private void receiveRouter(List<byte[]> frames) {
        while (true) {
            byte[] identity = router.recv(ZMQ.DONTWAIT);
            if (identity == null) return;
            frames.clear();
            while (router.hasReceiveMore()) frames.add(router.recv(0));
            if (frames.size() == 1 && frames.get(0).length > 1) {
                byte kind = frames.get(0)[1];
                if (kind == Proto.NUDGE) continue;
                if (kind == Proto.PING) {                       // answer on the same connection
                    router.send(identity, ZMQ.SNDMORE);
                    router.send(Proto.control(Proto.PONG, Proto.controlId(frames.get(0))), 0);
                    continue;
                }
            }
            if (TRACE != null) trace("recv", frames.isEmpty() ? null : frames.get(0), frames.size());
            try {
                handler.accept(new Incoming(List.copyOf(frames)));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "dropped a malformed or unhandled frame: " + e.getMessage(), e);
            }
        }
    }

    /** PONGs arrive on DEALERs (nothing else does): each verifies its link. */
    private void receivePongs() {
        for (Peer p : peers.values()) {
            byte[] f;
            while ((f = p.socket.recv(ZMQ.DONTWAIT)) != null) {
                while (p.socket.hasReceiveMore()) p.socket.recv(0);
                if (f.length > 1 && f[1] == Proto.PONG && Proto.controlId(f) == p.pingNonce && !p.verified) {
                    p.verified = true;
                }
            }
        }
    }

    /** Moves queued frames to their peers' sockets, verifying new links and nudging idle ones. */
    private void flush() {
        Outgoing o;
        while ((o = outbox.poll()) != null) {
            byte[][] f = o.frames();
            if (f == null) {                       // disconnect request
                Peer gone = peers.remove(o.address());
                peerView.remove(o.address());
                if (gone != null) {
                    closeSocket(gone);
                    if (!gone.backlog.isEmpty()) {
                        LOG.log(System.Logger.Level.INFO, "dropped " + gone.backlog.size() + " message(s) queued for " + o.address());
                    }
                }
                continue;
            }
            if (f.length == 0) continue;           // wake-up only
            Peer p = peers.computeIfAbsent(o.address(), this::connect);
            if (TRACE != null) trace("send " + o.address(), f[0], f.length);
            p.backlog.add(f);
        }
        waiting = false;
        nudgeDue = false;
        long now = System.nanoTime();
        for (Peer p : peers.values()) {
            if (!p.verified) {
                ping(p, now);
            } else {
                byte[][] frames;
                while ((frames = p.backlog.peek()) != null && trySend(p.socket, frames)) {
                    p.backlog.poll();
                    p.lastSend = now;
                    p.nudges = 0;
                    p.sent++;
                }
                if (p.nudges < NUDGE_AFTER_NANOS.length) {
                    if (now - p.lastSend >= NUDGE_AFTER_NANOS[p.nudges]) {
                        trySend(p.socket, NUDGE);
                        p.nudges++;
                    }
                    nudgeDue = true;
                }
            }
            p.backlogSize = p.backlog.size();
            if (!p.backlog.isEmpty()) waiting = true;
        }
    }

    /** Sends the link's PING, or replaces a connection whose PING went unanswered. */
    private void ping(Peer p, long now) {
        if (p.pingSentAt != 0 && now - p.pingSentAt > p.pingTimeout) {
            LOG.log(System.Logger.Level.DEBUG, "no PONG from " + p.address + " in " + p.pingTimeout / 1_000_000 + " ms; new connection");
            closeSocket(p);
            openSocket(p);
            p.replaced++;
            p.pingSentAt = 0;
            p.pingTimeout = Math.min(p.pingTimeout * 2, PING_TIMEOUT_CAP_NANOS);
        }
        if (p.pingSentAt == 0) {
            p.pingNonce = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            if (trySend(p.socket, new byte[][]{Proto.control(Proto.PING, p.pingNonce)})) p.pingSentAt = now;
        }
        waiting = true;   // poll briefly until the PONG is in
    }

    /** Sends a multipart message if the connection takes it; once the first frame is in, the rest are guaranteed. */
    private static boolean trySend(ZMQ.Socket s, byte[][] f) {
        if (!s.send(f[0], ZMQ.DONTWAIT | (f.length > 1 ? ZMQ.SNDMORE : 0))) return false;
        for (int i = 1; i < f.length; i++) s.send(f[i], i < f.length - 1 ? ZMQ.SNDMORE : 0);
        return true;
    }

    private Peer connect(String address) {
        Peer p = new Peer(address);
        openSocket(p);
        peerView.put(address, p);
        return p;
    }

    private void openSocket(Peer p) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setSndHWM(0);
        s.setImmediate(true);      // hand messages only to a connection that is up
        s.setSendBufferSize(SOCKET_BUFFER);
        s.setLinger(2000);
        s.connect("tcp://" + p.address);
        p.socket = s;
        p.verified = false;
        poller.register(s, ZMQ.Poller.POLLIN);
    }

    private void closeSocket(Peer p) {
        poller.unregister(p.socket);
        p.socket.setLinger(0);
        p.socket.close();
    }

    /** Forgets the cached connection to a VM that is gone, dropping what was queued for it. */
    void disconnect(String address) {
        send(address, (byte[][]) null);
    }

    /** A one-line account of the connection to {@code address}, for diagnosing a peer that does not answer. */
    String describe(String address) {
        Peer p = peerView.get(address);
        if (p == null) return "no connection to " + address;
        long now = System.nanoTime();
        return "connection to " + address + (p.verified ? " verified" : " not yet verified (no PONG)")
                + ", replaced " + p.replaced + " time(s), " + p.backlogSize + " message(s) waiting, last send "
                + (p.lastSend == 0 ? "never" : (now - p.lastSend) / 1_000_000 + " ms ago") + ", sent " + p.sent;
    }

    private void trace(String what, byte[] header, int frames) {
        String h;
        try {
            Proto.Header p = Proto.parse(header);
            if ("control".equals(TRACE) && p.kind() == Proto.MSG) return;
            h = "kind=" + p.kind() + " req=" + p.reqId() + " dest=" + p.dest().toString().substring(0, 8) + " from=" + p.srcVm();
        } catch (RuntimeException e) {
            h = "unparsable header";
        }
        System.err.println("TRACE " + System.nanoTime() / 1000 + " " + thread.getName() + " " + what + " " + h + " frames=" + frames);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Override
    public void close() {
        running = false;
        send("", new byte[0][]);   // ring the doorbell
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            doorbell.sink().close();
            doorbell.source().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the wake-up pipe", e);
        }
    }
}
