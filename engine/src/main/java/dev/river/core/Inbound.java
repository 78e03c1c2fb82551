package dev.river.core;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The receiving half of a VM's transport: a listener on the VM's port and one reader thread per
 * connection that passed the cluster-key handshake ({@link Wire}). A reader parses chunks and hands
 * each complete message to the handler on its own thread, so a message reaches its VR's queue with no
 * other hand-off. Connections that fail the handshake, send malformed chunks or frames over the size
 * limit are closed and counted; nothing of theirs reaches the handler.
 */
final class Inbound implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Inbound.class.getName());
    /** How long a new connection may take to complete its handshake. */
    /** As {@link Link}'s connect timeout: a starved peer must be able to finish its handshake. */
    private static final int HANDSHAKE_TIMEOUT_MS = 20_000;
    /** Connections handshaking at once; more are closed at once (a connection flood cannot pin threads). */
    private static final int MAX_HANDSHAKING = 64;
    /** A reader's buffer: a batch of small messages arrives in one read. */
    private static final int READ_BUFFER = 128 * 1024;

    private final ServerSocket server;
    private final byte[] key;
    private final long maxFrame = NodeConfig.maxFrameBytes();
    private final Consumer<Transport.Incoming> handler;
    private final Runnable endOfBatch;
    private final Consumer<String> reject;
    private final String vmName;
    private final Semaphore handshaking = new Semaphore(MAX_HANDSHAKING);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    /** Thrown for a chunk that breaks the format or a limit: the connection is closed. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    Inbound(String bindHost, int port, String vmName, byte[] key, Consumer<Transport.Incoming> handler, Runnable endOfBatch,
            Consumer<String> reject) throws IOException {
        this.key = key;
        this.handler = handler;
        this.endOfBatch = endOfBatch;
        this.reject = reject;
        this.vmName = vmName;
        server = new ServerSocket();
        server.setReceiveBufferSize(Transport.SOCKET_BUFFER);   // inherited by accepted sockets
        server.bind(new InetSocketAddress(bindHost, port), 128);
        Thread t = new Thread(this::acceptLoop, "river-accept-" + vmName);
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (running) LOG.log(System.Logger.Level.WARNING, "accepting a connection failed: " + e.getMessage());
                continue;
            }
            if (!handshaking.tryAcquire()) {
                reject.accept("a connection from " + s.getRemoteSocketAddress() + ": " + MAX_HANDSHAKING + " others are still handshaking");
                closeQuietly(s);
                continue;
            }
            open.add(s);
            Thread t = new Thread(() -> serve(s), "river-in-" + vmName);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        String from = String.valueOf(s.getRemoteSocketAddress());
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());   // unbuffered: the Reader goes on reading this stream
            boolean ok;
            try {
                ok = handshake(in, s.getOutputStream(), from);
            } finally {
                handshaking.release();
            }
            if (!ok) return;
            s.setSoTimeout(0);
            try {
                new Reader(s.getInputStream(), from).run();
            } finally {
                endOfBatch.run();   // what arrived whole before the connection ended (or broke the format) is delivered
            }
        } catch (Refused e) {
            reject.accept(e.getMessage() + " from " + from + "; connection closed");
        } catch (EOFException | SocketException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection from " + from + " ended: " + e);
        } catch (java.net.SocketTimeoutException e) {
            reject.accept("a connection from " + from + " that did not complete the handshake in " + HANDSHAKE_TIMEOUT_MS + " ms");
        } catch (IOException e) {
            if (running) LOG.log(System.Logger.Level.INFO, "connection from " + from + " failed: " + e);
        } finally {
            open.remove(s);
            closeQuietly(s);
        }
    }

    /** The server side of the challenge-response: true once the peer proved it holds the cluster key. */
    private boolean handshake(DataInputStream in, OutputStream out, String from) throws IOException {
        if (in.readInt() != Wire.MAGIC) {
            reject.accept("a connection from " + from + " that is not a River VM of this version");
            return false;
        }
        byte[] clientNonce = new byte[Wire.NONCE];
        in.readFully(clientNonce);
        byte[] serverNonce = Wire.nonce();
        out.write(ByteBuffer.allocate(Wire.NONCE + Wire.MAC).put(serverNonce).put(Wire.mac(key, 'S', clientNonce, serverNonce)).array());
        out.flush();
        byte[] proof = new byte[Wire.MAC];
        in.readFully(proof);
        if (!MessageDigest.isEqual(proof, Wire.mac(key, 'C', serverNonce, clientNonce))) {
            reject.accept("a connection from " + from + " that failed the cluster-key handshake (another cluster's secret, or none)");
            return false;
        }
        return true;
    }

    /**
     * Reads one authenticated connection's chunks until it ends. One read fills a buffer with as many
     * chunks as the socket holds (a batch of small messages costs one system call), and small messages
     * are parsed where they lie: only each message's body is copied out. A large message's bytes are
     * read straight into its frames.
     *
     * <p>Thread: the connection's reader thread only.
     */
    private final class Reader {
        private final InputStream in;
        private final String from;
        private byte[] buf = new byte[READ_BUFFER];
        private int pos, lim;           // unparsed bytes are buf[pos, lim)
        private byte[][] bulk;          // the large message being received, frames allocated as their bytes arrive
        private int[] lens;
        private int frame, off;
        private long left;

        Reader(InputStream in, String from) {
            this.in = in;
            this.from = from;
        }

        void run() throws IOException, Refused {
            while (running) {
                if (!fill(Wire.CHUNK_HEADER)) {
                    if (bulk != null) LOG.log(System.Logger.Level.DEBUG, "connection from " + from + " ended inside a large message; dropped it");
                    if (pos != lim) LOG.log(System.Logger.Level.DEBUG, "connection from " + from + " ended inside a chunk");
                    return;
                }
                int type = buf[pos];
                int len = ByteBuffer.wrap(buf, pos + 1, 4).getInt();
                pos += Wire.CHUNK_HEADER;
                switch (type) {
                    case Wire.SMALL -> {
                        if (len < 2 || len > Wire.MAX_SMALL_CHUNK) throw new Refused("a message chunk of " + len + " bytes");
                        need(len);
                        small(ByteBuffer.wrap(buf, pos, len));
                        pos += len;
                    }
                    case Wire.BULK_START -> {
                        if (bulk != null) throw new Refused("a large message starting inside another");
                        if (len < 2 || len > 2 + 4 * Wire.MAX_FRAMES) throw new Refused("a large message header of " + len + " bytes");
                        need(len);
                        bulkStart(ByteBuffer.wrap(buf, pos, len));
                        pos += len;
                    }
                    case Wire.BULK_DATA -> {
                        if (bulk == null || len <= 0 || len > left) throw new Refused("large-message data out of place (" + len + " bytes)");
                        bulkData(len);
                    }
                    default -> throw new Refused("an unknown chunk type " + type);
                }
            }
        }

        /** Makes {@code n} bytes available at pos; false if the connection ended before the first of them. */
        private boolean fill(int n) throws IOException {
            if (lim - pos >= n) return true;
            if (buf.length - pos < n) {   // move the partial chunk to the front, growing for a chunk larger than the buffer
                byte[] to = n > buf.length ? new byte[Math.max(n, buf.length * 2)] : buf;
                System.arraycopy(buf, pos, to, 0, lim - pos);
                lim -= pos;
                pos = 0;
                buf = to;
            }
            while (lim - pos < n) {
                endOfBatch.run();   // everything parsed so far is delivered: wake its receivers before waiting for more
                int r = in.read(buf, lim, buf.length - lim);
                if (r < 0) {
                    if (lim == pos) return false;
                    throw new EOFException("connection ended inside a chunk");
                }
                lim += r;
            }
            return true;
        }

        private void need(int n) throws IOException {
            if (!fill(n)) throw new EOFException("connection ended inside a chunk");
        }

        /** A SMALL chunk: frame count, then length-prefixed frames; the first (the header) is handed over in place. */
        private void small(ByteBuffer b) throws Refused {
            int n = Short.toUnsignedInt(b.getShort());
            if (n == 0) throw new Refused("a message without frames");
            ByteBuffer head = null;
            byte[][] rest = new byte[n - 1][];
            for (int i = 0; i < n; i++) {
                if (b.remaining() < 4) throw new Refused("a truncated message chunk");
                int l = b.getInt();
                if (l < 0 || l > b.remaining()) throw new Refused("a frame length " + l + " past its chunk");
                if (i == 0) {
                    head = b.slice(b.position(), l);
                } else {
                    rest[i - 1] = new byte[l];
                    b.get(b.position(), rest[i - 1]);
                }
                b.position(b.position() + l);
            }
            if (b.hasRemaining()) throw new Refused("a message chunk with " + b.remaining() + " stray bytes");
            deliver(head, Arrays.asList(rest));
        }

        private void bulkStart(ByteBuffer b) throws Refused {
            int n = Short.toUnsignedInt(b.getShort());
            if (b.remaining() != 4 * n || n == 0) {
                throw new Refused("a large message header that does not match its length");
            }
            lens = new int[n];
            left = 0;
            for (int i = 0; i < n; i++) {
                lens[i] = b.getInt();
                if (lens[i] < 0 || lens[i] > maxFrame) throw new Refused("a frame of " + lens[i] + " bytes (limit RIVER_MAX_FRAME_MB)");
                left += lens[i];
            }
            if (left == 0) throw new Refused("an empty large message");
            bulk = new byte[n][];
            frame = 0;
            off = 0;
        }

        /** {@code len} bytes of the large message: what the buffer holds is copied, the rest read straight into the frames. */
        private void bulkData(int len) throws IOException {
            left -= len;
            while (len > 0) {   // len <= left: the frames ahead hold at least len bytes
                while (lens[frame] == 0) frame++;
                if (bulk[frame] == null) bulk[frame] = new byte[lens[frame]];
                int take = Math.min(len, lens[frame] - off);
                int buffered = Math.min(take, lim - pos);
                System.arraycopy(buf, pos, bulk[frame], off, buffered);
                pos += buffered;
                if (buffered < take) endOfBatch.run();
                for (int got = buffered; got < take; ) {
                    int r = in.read(bulk[frame], off + got, take - got);
                    if (r < 0) throw new EOFException("connection ended inside a large message");
                    got += r;
                }
                off += take;
                len -= take;
                if (off == lens[frame]) {
                    frame++;
                    off = 0;
                }
            }
            if (left == 0) {
                for (int i = 0; i < bulk.length; i++) if (bulk[i] == null) bulk[i] = new byte[0];
                deliver(ByteBuffer.wrap(bulk[0]), List.of(bulk).subList(1, bulk.length));
                bulk = null;
            }
        }
    }

    private void deliver(ByteBuffer head, List<byte[]> rest) {
        try {
            handler.accept(new Transport.Incoming(head, rest));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dropped a malformed or unhandled message: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection", e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener", e);
        }
        for (Socket s : open) closeQuietly(s);
    }
}
