package dev.river.core;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
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
    private final Map<String, ZMQ.Socket> dealers = new HashMap<>();

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
            // The pipe is an interruptible channel: a write by a thread whose interrupt flag is set (a VR
            // that was stopped and still reports) would close it for the whole VM. Write uninterrupted.
            boolean interrupted = Thread.interrupted();
            try {
                doorbell.sink().write(ByteBuffer.wrap(new byte[]{1}));
            } catch (IOException e) {
                if (running) throw new UncheckedIOException("waking the River network thread", e);
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

    private void loop(String bindHost, int port) {
        try {
            router = ctx.createSocket(SocketType.ROUTER);
            router.setRcvHWM(0);
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
                    poller.poll(200);
                }
                parked.set(false);
                if (rung.getAndSet(false)) {
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
            for (ZMQ.Socket s : dealers.values()) s.close();
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
            try {
                handler.accept(new Incoming(List.copyOf(frames)));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "dropped a malformed or unhandled frame: " + e.getMessage(), e);
            }
        }
    }

    private void flushOutbox() {
        Outgoing o;
        while ((o = outbox.poll()) != null) {
            byte[][] f = o.frames();
            if (f == null) {                       // disconnect request
                ZMQ.Socket gone = dealers.remove(o.address());
                if (gone != null) {
                    gone.setLinger(0);
                    gone.close();
                }
                continue;
            }
            if (f.length == 0) continue;           // wake-up only
            ZMQ.Socket s = dealers.computeIfAbsent(o.address(), this::connect);
            for (int i = 0; i < f.length; i++) {
                s.send(f[i], i < f.length - 1 ? ZMQ.SNDMORE : 0);
            }
        }
    }

    private ZMQ.Socket connect(String address) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setSndHWM(0);
        s.setLinger(2000);
        s.connect("tcp://" + address);
        return s;
    }

    /** Forgets the cached connection to a VM that is gone, dropping what was queued for it. */
    void disconnect(String address) {
        send(address, (byte[][]) null);
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
