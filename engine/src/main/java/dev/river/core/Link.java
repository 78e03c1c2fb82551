package dev.river.core;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a VM's connection to one peer VM: the messages queued for it and the socket
 * they leave by (see {@link Transport} for who writes when).
 *
 * <p>Two queues: small messages, and large ones cut into {@link Wire#BULK_CHUNK} chunks. Between two
 * chunks of a large message every waiting small message goes first, so a 64 MiB message holds a small
 * one up by one chunk, not by 64 MiB. A small message whose channel (its sending VR) has a large one
 * queued waits behind it instead, so each channel stays FIFO on the wire.
 *
 * <p>Everything mutable is guarded by {@link #lock}; the counters read by {@link #describe} are volatile.
 */
final class Link {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    /**
     * Connect and handshake timeout. Generous on purpose: a failed handshake starts over, so it must exceed
     * what a CPU-starved peer takes to answer (with a 2.4 s limit, engines on a machine with a load of 38 on
     * 2 cores retried for ever); a dead peer refuses the connection at once anyway.
     */
    private static final int CONNECT_TIMEOUT_MS = 20_000;
    private static final long RETRY_FIRST_MS = 20, RETRY_CAP_MS = 2000;
    /**
     * Messages queued closer together than this ({@code -Driver.burst.ns}) are a burst, written in batches
     * by the network thread. Off by default: on the 2-core machine the figures were measured on, the
     * extra thread cost more than the saved system calls (docs/benchmarks.md). Batching happens anyway
     * whenever the socket is full: then senders only queue and the network thread writes in batches.
     */
    private static final long BURST_NANOS = Long.getLong("river.burst.ns", 0);
    /** Small messages written in one gathering write at most. */
    private static final int MAX_BATCH = 256;

    final String address;
    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock:
    private SocketChannel ch;              // null until connected and authenticated
    private SelectionKey key;              // the network thread's registration, once it had to finish a write
    private boolean connecting;
    private boolean closed;
    private final ArrayDeque<ByteBuffer> small = new ArrayDeque<>();
    private final ArrayDeque<Bulk> bulk = new ArrayDeque<>();
    private final Map<Object, Integer> bulkChannels = new HashMap<>();   // channel -> its messages in the bulk queue
    private ByteBuffer[] current;          // the unit being written, possibly in part
    private Bulk currentOwner;             // the large message current belongs to (null: small messages)
    private int currentCount;              // small messages in current
    private boolean netWriting;            // the network thread is to write what is queued: senders only queue
    private long lastOffer;                // System.nanoTime() of the last message queued
    private long retryMs = RETRY_FIRST_MS;

    private volatile int queued;
    private volatile long sent;
    private volatile int failures;
    private volatile String lastFailure = "";

    Link(String address, Transport transport) {
        this.address = address;
        this.transport = transport;
    }

    /** A large message, or a small one queued behind its channel's large one, and how far it has been written. */
    private static final class Bulk {
        final Object channel;
        final byte[][] frames;
        final ByteBuffer whole;       // a small message: its SMALL chunk
        boolean started;
        int frame, off;

        Bulk(Object channel, byte[][] frames, ByteBuffer whole) {
            this.channel = channel;
            this.frames = frames;
            this.whole = whole;
        }

        /** The next chunk to write: the header, then data of at most BULK_CHUNK bytes, spanning frames. */
        ByteBuffer[] next() {
            if (!started) {
                started = true;
                return new ByteBuffer[]{whole != null ? whole : Wire.bulkStart(frames)};
            }
            java.util.List<ByteBuffer> parts = new java.util.ArrayList<>(4);
            parts.add(null);
            int room = Wire.BULK_CHUNK;
            while (room > 0 && frame < frames.length) {
                int take = Math.min(room, frames[frame].length - off);
                if (take > 0) parts.add(ByteBuffer.wrap(frames[frame], off, take));
                off += take;
                room -= take;
                if (off == frames[frame].length) {
                    frame++;
                    off = 0;
                }
            }
            parts.set(0, Wire.chunkHeader(Wire.BULK_DATA, Wire.BULK_CHUNK - room));
            return parts.toArray(ByteBuffer[]::new);
        }

        boolean done() {
            return started && (whole != null || frame == frames.length);
        }

        void restart() {
            started = false;
            frame = 0;
            off = 0;
            if (whole != null) whole.rewind();
        }
    }

    Transport transport() {
        return transport;
    }

    /** Whether a message of {@code channel} is queued here behind or as a large one. */
    boolean holds(Object channel) {
        lock.lock();
        try {
            return bulkChannels.containsKey(channel);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a message and, when the connection is up and no one else is writing, writes it at once on
     * the calling thread (non-blocking: what the socket does not take now, the network thread finishes).
     */
    void offer(Object channel, byte[][] frames) {
        long size = Wire.size(frames);
        ByteBuffer whole = size <= Wire.SMALL_LIMIT ? Wire.small(frames) : null;
        lock.lock();
        try {
            if (closed) return;
            if (whole != null && (channel == null || !bulkChannels.containsKey(channel))) {
                small.add(whole);
            } else {
                bulk.add(new Bulk(channel, frames, whole));
                if (channel != null) bulkChannels.merge(channel, 1, Integer::sum);
            }
            queued++;
            if (ch == null) {
                if (!connecting) connect(0);
                return;
            }
            if (netWriting) return;   // the network thread writes what is queued, in batches
            long now = System.nanoTime();
            boolean burst = now - lastOffer < BURST_NANOS;
            lastOffer = now;
            // In a burst (sends closer together than a write system call takes) the network thread writes
            // them in batches, one gathering write each; a lone message is written at once, here.
            // An interrupted thread would close the channel by writing to it: leave that to the network thread too.
            if (burst || Thread.currentThread().isInterrupted() || !pump()) needNetwork();
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued units until the socket is full or nothing is left; true when all is written. Under lock. */
    private boolean pump() {
        try {
            while (true) {
                if (current == null) {
                    if (!small.isEmpty()) {   // every waiting small message in one gathering write
                        currentCount = Math.min(small.size(), MAX_BATCH);
                        current = new ByteBuffer[currentCount];
                        for (int i = 0; i < currentCount; i++) current[i] = small.poll();
                        currentOwner = null;
                    } else if (!bulk.isEmpty()) {
                        currentOwner = bulk.peek();
                        current = currentOwner.next();
                    } else {
                        return true;
                    }
                }
                ch.write(current);
                if (current[current.length - 1].hasRemaining()) return false;
                if (currentOwner == null) {
                    finished(currentCount);
                } else if (currentOwner.done()) {
                    bulk.poll();
                    if (currentOwner.channel != null) bulkChannels.computeIfPresent(currentOwner.channel, (k, n) -> n == 1 ? null : n - 1);
                    finished(1);
                }
                current = null;
                currentOwner = null;
            }
        } catch (IOException e) {
            broken(e);
            return true;   // nothing to write until the new connection is up
        }
    }

    private void finished(int n) {
        queued -= n;
        sent += n;
    }

    /** Leaves the rest to the network thread until the socket drains. Under lock. */
    private void needNetwork() {
        if (netWriting) return;
        netWriting = true;
        transport.wantWrite(this);
    }

    /** The connection failed: put the unit in progress back whole, connect again (the peer drops what it got in part). Under lock. */
    private void broken(IOException e) {
        lastFailure = e.toString();
        failures++;
        LOG.log(System.Logger.Level.DEBUG, "connection to " + address + " failed: " + e + "; reconnecting");
        if (current != null) {
            if (currentOwner != null) {
                currentOwner.restart();
            } else {
                for (int i = current.length - 1; i >= 0; i--) {   // back in front, in order
                    current[i].rewind();
                    small.addFirst(current[i]);
                }
            }
            current = null;
            currentOwner = null;
        }
        for (Bulk b : bulk) b.restart();   // only the head can have started; restarting the rest is harmless
        netWriting = false;
        closeChannel();
        if (!closed) connect(retryMs);
    }

    /** Called by the network thread when the socket can take more. */
    void onWritable() {
        lock.lock();
        try {
            if (ch != null && pump()) {
                netWriting = false;
                if (key != null && key.isValid()) key.interestOps(0);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called by the network thread after {@link Transport#wantWrite}: writes, and registers for write readiness if the socket is full. */
    void registerWrite(Selector selector) {
        lock.lock();
        try {
            if (ch == null) return;
            if (pump()) {   // all written: nothing to wait for
                netWriting = false;
                return;
            }
            if (ch == null) return;
            if (key == null || !key.isValid() || key.channel() != ch) key = ch.register(selector, SelectionKey.OP_WRITE, this);
            else key.interestOps(SelectionKey.OP_WRITE);
        } catch (IOException e) {
            broken(e);
        } finally {
            lock.unlock();
        }
    }

    /** Starts connecting after {@code delayMs} on a connector thread (a blocking connect must not hold up senders). Under lock. */
    private void connect(long delayMs) {
        connecting = true;
        transport.schedule(this::connectNow, delayMs);
    }

    private void connectNow() {
        SocketChannel c = null;
        try {
            int colon = address.lastIndexOf(':');
            c = SocketChannel.open();
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.setOption(StandardSocketOptions.SO_SNDBUF, Transport.SOCKET_BUFFER);
            c.socket().connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), CONNECT_TIMEOUT_MS);
            c.socket().setSoTimeout(CONNECT_TIMEOUT_MS);
            handshake(c);
            c.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException x) {
                    e.addSuppressed(x);
                }
            }
            lock.lock();
            try {
                failures++;
                lastFailure = e.toString();
                if (e instanceof SecurityException && (failures == 1 || failures % 100 == 0)) {
                    LOG.log(System.Logger.Level.WARNING, e.getMessage() + " [" + failures + " failed attempts]");
                }
                connecting = false;
                if (!closed) {
                    retryMs = Math.min(retryMs * 2, RETRY_CAP_MS);
                    connect(retryMs);
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            connecting = false;
            if (closed) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a connection", e);
                }
                return;
            }
            ch = c;
            retryMs = RETRY_FIRST_MS;
            netWriting = false;
            if (!pump()) needNetwork();
        } finally {
            lock.unlock();
        }
    }

    /** The client side of the challenge-response (see {@link Wire}); the peer must prove the cluster key too. */
    private void handshake(SocketChannel c) throws IOException {
        byte[] clientNonce = Wire.nonce();
        var out = c.socket().getOutputStream();
        out.write(Wire.hello(clientNonce).array());
        out.flush();
        DataInputStream in = new DataInputStream(c.socket().getInputStream());
        byte[] serverNonce = new byte[Wire.NONCE], proof = new byte[Wire.MAC];
        in.readFully(serverNonce);
        in.readFully(proof);
        if (!MessageDigest.isEqual(proof, Wire.mac(transport.key(), 'S', clientNonce, serverNonce))) {
            throw new SecurityException("the VM at " + address + " did not prove it holds this cluster's secret; nothing is sent to it"
                    + " (is it started with the same RIVER_SECRET / ~/.river/secret?)");
        }
        out.write(Wire.mac(transport.key(), 'C', serverNonce, clientNonce));
        out.flush();
    }

    private void closeChannel() {
        if (ch == null) return;
        if (key != null) key.cancel();
        key = null;
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the connection to " + address, e);
        }
        ch = null;
    }

    /** Drops the connection and what is queued (the peer VM is gone). */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (queued > 0) LOG.log(System.Logger.Level.INFO, "dropped " + queued + " message(s) queued for " + address);
            small.clear();
            bulk.clear();
            current = null;
            closeChannel();
        } finally {
            lock.unlock();
        }
    }

    String describe() {
        boolean up;
        lock.lock();
        try {
            up = ch != null;
        } finally {
            lock.unlock();
        }
        return "connection to " + address + (up ? " up" : " not up") + ", " + queued + " message(s) waiting, sent " + sent
                + ", " + failures + " failure(s)" + (failures > 0 ? " (last: " + lastFailure + ")" : "");
    }
}
