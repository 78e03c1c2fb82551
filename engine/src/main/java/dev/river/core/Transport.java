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
import java.util.concurrent.ConcurrentLinkedQueue;
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
 */
final class Transport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());

    /** Kernel socket buffers: large arrays stream at a fraction of the speed with the small defaults. */
    private static final int SOCKET_BUFFER = 4 << 20;
    /** RIVER_TRACE=1: one stderr line per frame sent and received (protocol debugging). */
    private static final boolean TRACE = System.getenv("RIVER_TRACE") != null;
    /** RIVER_TRACE=control: only requests, replies and events. */
    private static final boolean TRACE_CONTROL_ONLY = "control".equals(System.getenv("RIVER_TRACE"));

    record Outgoing(String address, byte[][] frames) {}

    /** A received multipart message (without the ROUTER's identity frame). */
    record Incoming(List<byte[]> frames) {}

    private final ZContext ctx = new ZContext(1);
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean parked = new AtomicBoolean();
    private final AtomicBoolean rung = new AtomicBoolean();
    private final Pipe doorbell;
    private final Consumer<Incoming> handler;
    private final Thread thread;
    private final CompletableFuture<String> bound = new CompletableFuture<>();
    private volatile boolean running = true;

    // Owned by the network thread:
    private ZMQ.Socket router;
    private final Map<String, Peer> peers = new HashMap<>();
    private final Map<String, Peer> peerView = new java.util.concurrent.ConcurrentHashMap<>();   // read-only view for describe()
    private boolean backlogged;   // some peer has messages waiting for its connection
    private boolean nudgeDue;     // some peer was sent to and not nudged since

    /**
     * JeroMQ 0.6 can leave the last message written to a pipe unread until another message follows it
     * on the same connection (zeromq/jeromq#849; seen here as a deploy answered 15 s late). So after the
     * last send to a peer, a few empty NUDGE frames follow at growing intervals (the first may itself
     * meet a connection still settling); the receiver drops them. Four tiny frames per idle peer.
     */
    private static final long[] NUDGE_AFTER_NANOS = {ms(20), ms(100), ms(400), ms(1500)};

    private static long ms(long millis) {
        return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static final byte[][] NUDGE = {Proto.nudge()};

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
        if (parked.get() && rung.compareAndSet(false, true)) {
            try {
                doorbell.sink().write(ByteBuffer.wrap(new byte[]{1}));
            } catch (IOException e) {
                if (running) throw new UncheckedIOException("waking the River network thread", e);
            }
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
        ZMQ.Poller poller = ctx.createPoller(2);
        poller.register(router, ZMQ.Poller.POLLIN);
        poller.register(doorbell.source(), ZMQ.Poller.POLLIN);
        ByteBuffer drain = ByteBuffer.allocate(64);
        List<byte[]> frames = new ArrayList<>();
        try {
            while (running) {
                flushOutbox();
                parked.set(true);
                if (outbox.isEmpty()) {
                    poller.poll(backlogged ? 1 : nudgeDue ? 20 : 200);
                }
                parked.set(false);
                // Drain whenever the pipe is readable: a ring can land after the flag was cleared.
                if (rung.getAndSet(false) || poller.pollin(1)) {
                    try {
                        while (doorbell.source().read(drain.clear()) > 0) { /* emptied */ }
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "draining the wake-up pipe", e);
                    }
                }
                receiveAll(frames);
            }
        } catch (RuntimeException e) {
            if (running) LOG.log(System.Logger.Level.ERROR, "River network thread failed", e);
        } finally {
            for (Peer p : peers.values()) p.socket.close();
            router.close();
            ctx.close();
        }
    }

    private void receiveAll(List<byte[]> frames) {
        while (true) {
            byte[] identity = router.recv(ZMQ.DONTWAIT);
            if (identity == null) return;
            frames.clear();
            while (router.hasReceiveMore()) frames.add(router.recv(0));
            if (frames.size() == 1 && frames.get(0).length > 1 && frames.get(0)[1] == Proto.NUDGE) continue;
            if (TRACE) trace("recv", frames.isEmpty() ? null : frames.get(0), frames.size());
            try {
                handler.accept(new Incoming(List.copyOf(frames)));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "dropped a malformed or unhandled frame: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Moves queued frames to their peers' sockets. DEALERs use ZMQ_IMMEDIATE, so a message is only
     * handed to a connection that is up (a message queued on a connection still being set up can
     * stall until the next send); until then it waits in the peer's backlog, in order, and the loop
     * polls briefly so it goes out as soon as the connection is ready.
     */
    private void flushOutbox() {
        Outgoing o;
        while ((o = outbox.poll()) != null) {
            byte[][] f = o.frames();
            if (f == null) {                       // disconnect request
                Peer gone = peers.remove(o.address());
                peerView.remove(o.address());
                if (gone != null) {
                    gone.socket.setLinger(0);
                    gone.socket.close();
                    if (!gone.backlog.isEmpty()) {
                        LOG.log(System.Logger.Level.INFO, "dropped " + gone.backlog.size() + " message(s) queued for " + o.address());
                    }
                }
                continue;
            }
            if (f.length == 0) continue;           // wake-up only
            Peer p = peers.computeIfAbsent(o.address(), this::connect);
            peerView.put(o.address(), p);
            if (TRACE) trace("send " + o.address(), f[0], f.length);
            p.backlog.add(f);
        }
        backlogged = false;
        nudgeDue = false;
        long now = System.nanoTime();
        for (Peer p : peers.values()) {
            byte[][] frames;
            while ((frames = p.backlog.peek()) != null && trySend(p.socket, frames)) {
                p.backlog.poll();
                p.lastSend = now;
                p.nudges = 0;
                p.sent++;
            }
            p.backlogSize = p.backlog.size();
            if (!p.backlog.isEmpty()) backlogged = true;
            if (p.nudges < NUDGE_AFTER_NANOS.length) {
                if (now - p.lastSend >= NUDGE_AFTER_NANOS[p.nudges]) {
                    trySend(p.socket, NUDGE);
                    p.nudges++;
                }
                nudgeDue = true;
            }
        }
    }

    /** Sends a multipart message if the connection takes it; once the first frame is in, the rest are guaranteed. */
    private static boolean trySend(ZMQ.Socket s, byte[][] f) {
        if (!s.send(f[0], ZMQ.DONTWAIT | (f.length > 1 ? ZMQ.SNDMORE : 0))) return false;
        for (int i = 1; i < f.length; i++) s.send(f[i], i < f.length - 1 ? ZMQ.SNDMORE : 0);
        return true;
    }

    private void trace(String what, byte[] header, int frames) {
        String h;
        try {
            Proto.Header p = Proto.parse(header);
            if (TRACE_CONTROL_ONLY && (p.kind() == Proto.MSG || p.kind() == Proto.NUDGE)) return;
            h = "kind=" + p.kind() + " req=" + p.reqId() + " dest=" + p.dest().toString().substring(0, 8) + " from=" + p.srcVm();
        } catch (RuntimeException e) {
            h = "unparsable header";
        }
        System.err.println("TRACE " + System.nanoTime() / 1000 + " " + thread.getName() + " " + what + " " + h + " frames=" + frames);
    }

    private Peer connect(String address) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setSndHWM(0);
        s.setImmediate(true);
        s.setSendBufferSize(SOCKET_BUFFER);
        s.setLinger(2000);
        s.connect("tcp://" + address);
        return new Peer(s);
    }

    /**
     * A peer VM: its DEALER, the messages waiting for the connection to come up, and when we last sent
     * to it and last nudged it.
     */
    private static final class Peer {
        final ZMQ.Socket socket;
        final ArrayDeque<byte[][]> backlog = new ArrayDeque<>();
        volatile long lastSend;
        volatile int nudges = NUDGE_AFTER_NANOS.length;   // nudges sent since the last message
        volatile int backlogSize;                          // for describe(), read by other threads
        volatile long sent;

        Peer(ZMQ.Socket socket) {
            this.socket = socket;
        }
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
        return "connection to " + address + ": " + p.backlogSize + " message(s) waiting for the connection, last send "
                + (p.lastSend == 0 ? "never" : (now - p.lastSend) / 1_000_000 + " ms ago") + ", nudges since " + p.nudges
                + ", sent " + p.sent + " message(s)";
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
