package dev.river.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A VM's messaging transport: plain TCP connections, authenticated once each with the cluster key
 * ({@link Wire}): per peer VM and direction an express one and, once a large message is sent, a bulk
 * one (see {@link Peer}). Order between a sender and a receiver is FIFO.
 *
 * <p><b>Threads</b> (the successor of one network thread owning JeroMQ sockets, which cost six thread
 * hand-offs per message; see docs/architecture.md):
 * <ul>
 * <li>Sending: the sender's own thread writes its message to the peer's socket when nobody else is
 * writing to it (a non-blocking write, under that {@link Link}'s lock); what the socket does not take
 * at once stays queued and the network thread ("river-net-…") finishes it when the socket drains.
 * In a burst of sends, a VR's messages are batched instead: its thread writes the batch before it waits
 * for a message, and a {@link Flusher} thread ("river-flush-…") writes what is left waiting after
 * that. {@link #send} never blocks on the receiver.
 * <li>Connecting and the client side of the handshake: a connector thread, so a slow or absent peer
 * holds up no sender.
 * <li>Receiving: one reader thread per accepted connection ({@link Inbound}) parses messages and calls
 * the handler, which puts them in the VR's queue: one hand-off (reader to VR) per message.
 * </ul>
 */
final class Transport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());

    /** Kernel socket buffers: large arrays stream at a fraction of the speed with the small defaults. */
    static final int SOCKET_BUFFER = 4 << 20;

    /**
     * A received message: its first frame (the header), a view that is valid only while the handler
     * runs, and the frames after it, which the handler may keep.
     */
    record Incoming(ByteBuffer head, List<byte[]> rest) {}

    private final byte[] key;
    private final String bindHost;
    private final Inbound inbound;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Selector selector;
    private final ConcurrentLinkedQueue<Link> wantWrite = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService connector;
    private final Flusher flusher;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Binds {@code bindHost:port} (0: any free port) and starts the threads. {@code handler} is called on
     * reader threads, concurrently for different peers, and must not block; {@code endOfBatch} on a
     * reader thread after a run of messages, before it waits for more bytes; {@code reject} is told of
     * every connection or chunk refused (unauthenticated, malformed, over limits).
     */
    Transport(String bindHost, int port, String vmName, byte[] key, Consumer<Incoming> handler, Runnable endOfBatch,
              Consumer<String> reject) {
        this.key = key.clone();
        this.bindHost = bindHost;
        try {
            inbound = new Inbound("*".equals(bindHost) ? "0.0.0.0" : bindHost, port, vmName, this.key, handler, endOfBatch, reject);
            selector = Selector.open();
        } catch (IOException e) {
            throw new RiverException("could not bind the River VM's port " + bindHost + ":" + port + ": " + e.getMessage()
                    + " (is the port in use? choose another with --port)", e);
        }
        connector = Executors.newScheduledThreadPool(1, Node.daemon("river-connect-" + vmName));
        flusher = new Flusher(vmName);
        thread = new Thread(this::loop, "river-net-" + vmName);
        thread.setDaemon(true);
        thread.start();
    }

    byte[] key() {
        return key;
    }

    Flusher flusher() {
        return flusher;
    }

    /** {@code host:port} as bound. */
    String address() {
        return bindHost + ":" + inbound.port();
    }

    /** Queues a message for {@code address} ({@code host:port}) and writes what the socket takes now; never blocks. */
    void send(String address, byte[]... frames) {
        send(address, null, frames);
    }

    /** As {@link #send(String, Object, ByteBuffer...)}, for frames that are whole arrays. */
    void send(String address, Object channel, byte[]... frames) {
        send(address, channel, Wire.wrap(frames));
    }

    /**
     * Queues a message of {@code frames} (each frame's remaining bytes) for {@code address}; {@code channel}
     * (the sending VR, or null) keeps the messages of one sender in order when a large one is streamed in
     * chunks. Frames from {@link dev.river.sfm.BlobBuffers} go back there once written.
     */
    void send(String address, Object channel, ByteBuffer... frames) {
        if (!running) return;
        peers.computeIfAbsent(address, a -> new Peer(a, this)).send(channel, frames);
    }

    /**
     * The two connections to one peer VM: small messages take the express one; large ones (and a small
     * one whose sender still has a large one queued there) the bulk one. So small messages never wait
     * behind a large one's bytes in the socket buffers or in the receiver's reader thread. A sender's
     * small message may still overtake the last bytes of its own large one in the kernel's buffers;
     * the receiving queue puts a sender's messages back in order by their sequence numbers.
     */
    private static final class Peer {
        final Link express;
        private Link bulk;   // created on the first large message; guarded by this

        Peer(String address, Transport t) {
            express = new Link(address, t);
        }

        synchronized void send(Object channel, ByteBuffer[] frames) {
            boolean large = Wire.size(frames) > Wire.SMALL_LIMIT;
            if (large && bulk == null) bulk = new Link(express.address, express.transport());
            if (large || (bulk != null && channel != null && bulk.holds(channel))) bulk.offer(channel, frames);
            else express.offer(channel, frames);
        }

        synchronized void close() {
            express.close();
            if (bulk != null) bulk.close();
        }

        synchronized String describe() {
            return express.describe() + (bulk == null ? "" : "; bulk " + bulk.describe());
        }
    }

    /** Asks the network thread to finish writing to {@code link} when its socket can take more. */
    void wantWrite(Link link) {
        wantWrite.add(link);
        selector.wakeup();
    }

    void schedule(Runnable task, long delayMs) {
        if (running) connector.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    private void loop() {
        try {
            while (running) {
                selector.select();
                Link l;
                while ((l = wantWrite.poll()) != null) l.registerWrite(selector);
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.isValid() && k.isWritable()) ((Link) k.attachment()).onWritable();
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (running) LOG.log(System.Logger.Level.ERROR, "River network thread failed", e);
        }
    }

    /** Forgets the connection to a VM that is gone, dropping what was queued for it. */
    void disconnect(String address) {
        Peer p = peers.remove(address);
        if (p != null) p.close();
    }

    /** Writes of small messages to {@code address} so far (tests and diagnostics: batching makes them fewer than messages). */
    long writes(String address) {
        Peer p = peers.get(address);
        return p == null ? 0 : p.express.writes();
    }

    /** A one-line account of the connection to {@code address}, for diagnosing a peer that does not answer. */
    String describe(String address) {
        Peer p = peers.get(address);
        return p == null ? "no connection to " + address : p.describe();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connector.shutdownNow();
        flusher.close();
        peers.values().forEach(Peer::close);
        inbound.close();
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the network thread's selector", e);
        }
    }
}
