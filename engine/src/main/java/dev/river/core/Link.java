package dev.river.core;

import dev.river.sfm.BlobBuffers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>Small messages are copied into one direct staging buffer and leave in one write per batch. A
 * lone message is written at once by its sender; the messages of a burst wait for the end of the burst
 * (see {@link #offer}), so that a stream costs one system call per batch rather than per message.
 * Frames taken from {@link BlobBuffers} go back there once their message is written (or dropped).
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
     * A VR's message sent sooner than this after the previous one to the same peer ({@code -Driver.burst.ns})
     * is part of a burst: it is not written at once but batched (see {@link #offer}). A loopback write
     * costs 6-7 µs of system call on the development machine, whatever its size up to a few KiB, so a
     * stream of small messages written one by one is bound by system calls, not by the wire. A
     * request-response exchange is never a burst: the answer takes longer than this to come back.
     */
    private static final long BURST_NANOS = Long.getLong("river.burst.ns", 20_000);
    /** A batch is written once its first message has waited this long, even while its sender keeps sending. */
    static final long MAX_BATCH_NANOS = 200_000;
    /** A batch is written once this many bytes of small messages wait, without waiting for its sender to block. */
    private static final int BATCH_BYTES = 32 * 1024;
    /** Staging buffer for small messages: one direct buffer, so a batch is one write of one buffer. */
    private static final int OUT_CAPACITY = 256 * 1024;

    final String address;
    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock:
    private SocketChannel ch;              // null until connected and authenticated
    private SelectionKey key;              // the network thread's registration, once it had to finish a write
    private boolean connecting;
    private boolean closed;
    private final ArrayDeque<ByteBuffer[]> small = new ArrayDeque<>();     // small messages not yet staged, in order
    private int smallBytes;                                             // their size on the wire
    private final ArrayDeque<ByteBuffer[]> staged = new ArrayDeque<>();     // small messages copied into out, not all written yet
    private int headWritten;                                            // bytes of staged.peek() already written
    private ByteBuffer out;                                             // write mode: staged bytes not yet written; made on first use
    private final ArrayDeque<ChunkedMessage> bulk = new ArrayDeque<>();
    private final Map<Object, Integer> bulkChannels = new HashMap<>();   // channel -> its messages in the bulk queue
    private ByteBuffer[] chunk;            // a large message's chunk being written, possibly in part (the wire is mid-chunk)
    private boolean netWriting;            // the network thread is to write what is queued: senders only queue
    private boolean deferred;              // a burst's batch waits for its sender to block, to fill, or for the Flusher
    private boolean watched;               // the Flusher has this link on its list
    private long lastOffer;                // System.nanoTime() when a message was last queued
    private long deferredSince;            // System.nanoTime() when the deferred batch started
    private long retryMs = RETRY_FIRST_MS;

    /** Per thread: links holding a batch this thread deferred, written before the thread waits (see {@link #flushOwed}). */
    private static final ThreadLocal<ArrayList<Link>> OWED = ThreadLocal.withInitial(() -> new ArrayList<>(2));

    private volatile int queued;
    private volatile long sent;
    private volatile long writes;          // write system calls that carried small messages
    private volatile int failures;
    private volatile String lastFailure = "";

    Link(String address, Transport transport) {
        this.address = address;
        this.transport = transport;
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
     *
     * <p>A VR's small message in a burst (see {@link #BURST_NANOS}) is batched instead: it waits until the
     * sending thread is about to wait for a message itself ({@link #flushOwed}), until {@link #BATCH_BYTES}
     * are waiting, until the batch is {@link #MAX_BATCH_NANOS} old, or until the {@link Flusher} finds
     * the sender paused, whichever comes first; then the whole batch goes in one write. So a stream of
     * sends costs one system call per batch, and an exchange of requests and answers none extra: the
     * sender writes its last request when it waits for an answer.
     */
    void offer(Object channel, ByteBuffer[] frames) {
        boolean isSmall = Wire.size(frames) <= Wire.SMALL_LIMIT;
        lock.lock();
        try {
            if (closed) return;
            if (isSmall && (channel == null || !bulkChannels.containsKey(channel))) {
                small.add(frames);
                smallBytes += Wire.smallSize(frames);
            } else {
                bulk.add(new ChunkedMessage(channel, frames, isSmall ? Wire.small(frames) : null));
                if (channel != null) bulkChannels.merge(channel, 1, Integer::sum);
                isSmall = false;
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
            if (isSmall && channel != null && burst && smallBytes < BATCH_BYTES && (!deferred || now - deferredSince < MAX_BATCH_NANOS)) {
                if (!deferred) defer(now);
                return;
            }
            write();
        } finally {
            lock.unlock();
        }
    }

    /** Holds this burst's batch back until its sender waits, it fills, or the Flusher comes round. Under lock. */
    private void defer(long now) {
        deferred = true;
        deferredSince = now;
        ArrayList<Link> owed = OWED.get();
        if (!owed.contains(this)) owed.add(this);
        if (!watched) {
            watched = true;
            transport.flusher().watch(this);
        }
    }

    /** Writes what is queued now, on the calling thread. Under lock, connected, network thread not writing. */
    private void write() {
        deferred = false;
        // An interrupted thread would close the channel by writing to it: leave that to the network thread.
        if (Thread.currentThread().isInterrupted() || !pump()) needNetwork();
    }

    /**
     * Writes the batches the calling thread deferred: called before a thread waits for a message, so a
     * burst's last messages leave when the sender has nothing more to send.
     */
    static void flushOwed() {
        ArrayList<Link> owed = OWED.get();
        if (owed.isEmpty()) return;
        for (Link l : owed) l.flush();
        owed.clear();
    }

    /** Writes the batch the calling thread deferred, now. */
    private void flush() {
        lock.lock();
        try {
            if (!deferred || closed) return;
            deferred = false;
            if (ch != null && !netWriting) write();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The Flusher's round: writes a deferred batch whose sender has paused, or that has waited
     * {@link #MAX_BATCH_NANOS}; true to be looked at again next round. While the sender is still
     * sending it writes its own batches, and the Flusher keeps off its lock.
     */
    boolean flushRound(long now) {
        if (!lock.tryLock()) return true;
        try {
            if (!deferred || closed) {
                watched = false;
                return false;
            }
            if (now - lastOffer < Flusher.ROUND_NANOS / 2 && now - deferredSince < MAX_BATCH_NANOS) return true;
            watched = false;
            deferred = false;
            if (ch != null && !netWriting) write();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued units until the socket is full or nothing is left; true when all is written. Under lock. */
    private boolean pump() {
        try {
            while (true) {
                if (chunk != null) {   // the wire is inside a large message's chunk: finish it first
                    ch.write(chunk);
                    if (chunk[chunk.length - 1].hasRemaining()) return false;
                    chunk = null;
                    ChunkedMessage owner = bulk.peek();
                    if (owner.done()) {
                        bulk.poll();
                        release(owner.frames);
                        if (owner.channel != null) bulkChannels.computeIfPresent(owner.channel, (k, n) -> n == 1 ? null : n - 1);
                        finished(1);
                    }
                }
                stage();
                if (out != null && out.position() > 0) {   // every waiting small message in one write
                    out.flip();
                    int n = ch.write(out);
                    writes++;
                    boolean rest = out.hasRemaining();
                    out.compact();
                    written(n);
                    if (rest) return false;
                    continue;
                }
                if (bulk.isEmpty()) return true;
                chunk = bulk.peek().next();   // then one chunk of a large message, so both make progress
            }
        } catch (IOException e) {
            broken(e);
            return true;   // nothing to write until the new connection is up
        }
    }

    /** Copies waiting small messages into the staging buffer while they fit. Under lock. */
    private void stage() {
        if (small.isEmpty()) return;
        if (out == null) out = ByteBuffer.allocateDirect(OUT_CAPACITY);
        ByteBuffer[] m;
        while ((m = small.peek()) != null) {
            int size = Wire.smallSize(m);
            if (size > out.remaining()) {
                if (out.position() == 0) throw new IllegalStateException("a small message of " + size + " bytes exceeds the staging buffer");
                return;
            }
            Wire.putSmall(out, m);
            staged.add(small.poll());
            smallBytes -= size;
        }
    }

    /** {@code n} more staged bytes reached the socket: retires the messages now written whole. Under lock. */
    private void written(int n) {
        int left = headWritten + n;
        ByteBuffer[] m;
        while ((m = staged.peek()) != null && Wire.smallSize(m) <= left) {
            left -= Wire.smallSize(m);
            staged.poll();
            release(m);
            finished(1);
        }
        headWritten = left;
    }

    /** A message is on the wire (or dropped): its pooled frames go back (see {@link BlobBuffers}). */
    private static void release(ByteBuffer[] frames) {
        for (ByteBuffer f : frames) BlobBuffers.release(f);
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

    /**
     * The connection failed: put the message written in part (and those staged after it) back in front,
     * whole, and connect again; the peer drops what it got of a message in part. Messages the socket
     * took whole are not sent again: those still in the kernel's buffers are lost with the connection,
     * as before batching, and the receiver's gap timeout lets their channel go on. Under lock.
     */
    private void broken(IOException e) {
        lastFailure = e.toString();
        failures++;
        LOG.log(System.Logger.Level.DEBUG, "connection to " + address + " failed: " + e + "; reconnecting");
        while (!staged.isEmpty()) {   // back in front, in order
            ByteBuffer[] m = staged.pollLast();
            small.addFirst(m);
            smallBytes += Wire.smallSize(m);
        }
        headWritten = 0;
        if (out != null) out.clear();
        chunk = null;
        for (ChunkedMessage b : bulk) b.restart();   // only the head can have started; restarting the rest is harmless
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
            Wire.clientHandshake(c, transport.key(), address);
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
            small.forEach(Link::release);
            staged.forEach(Link::release);
            for (ChunkedMessage b : bulk) release(b.frames);
            small.clear();
            staged.clear();
            bulk.clear();
            chunk = null;
            deferred = false;
            closeChannel();
        } finally {
            lock.unlock();
        }
    }

    /** Writes that carried small messages so far (a batch is one). */
    long writes() {
        return writes;
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
                + " in " + writes + " write(s)"
                + ", " + failures + " failure(s)" + (failures > 0 ? " (last: " + lastFailure + ")" : "");
    }
}
