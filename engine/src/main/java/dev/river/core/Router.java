package dev.river.core;

import dev.river.sfm.Attributes;
import dev.river.sfm.Codec;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where each VR lives and how messages reach it: local delivery, framing for the network, the
 * dispatch of received frames, and the forwarding pointers and route notices that a migration
 * ({@link #move}) leaves behind.
 *
 * <p>Threads: {@link #onIncoming} runs on {@link Transport}'s reader threads (concurrently for
 * different peers) and must not block; {@link #route} runs on the sending VR's thread. All tables
 * here are concurrent.
 */
final class Router {
    // Logs under Node's name: log configurations that name it keep working.
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final Node node;
    private final AtomicLong counter = new AtomicLong();            // numbers every frame this VM sends (diagnostics)
    private final AtomicLong rejected = new AtomicLong();           // connections and frames dropped: unauthenticated, malformed, over limits
    private final long queueLimit = NodeConfig.queueLimitBytes();
    /** Where VRs that are not here live now, as Route notices said (after a migration or a restore). */
    private final Map<UUID, String> routes = new ConcurrentHashMap<>();
    /** Forwarding pointers: VRs that moved away from this VM, and where to. */
    private final Map<UUID, String> moved = new ConcurrentHashMap<>();
    /** Route notices sent ("senderVm|vr|newVm"), so that each sender VM is told once. */
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    /** VRs being moved away from this VM (guards against a checkpoint thawing them midway). */
    private final Set<UUID> moving = ConcurrentHashMap.newKeySet();

    /** Must not read {@code node}'s fields yet: it is built before the node has finished constructing. */
    Router(Node node) {
        this.node = node;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Routes an encoded message: straight into a local queue, or to the network thread. The message
     * takes the next sequence number of the channel {@code from -> dest} only once it is sure to leave,
     * so a refused send leaves no gap in the channel.
     */
    void route(VirtualResource from, VrId dest, Map<String, Object> attrs) {
        VrId src = from.uuid();
        VirtualResource local = node.localVr(dest.uuid());
        String vm = local != null ? node.address : locate(dest);
        // Encoded on the sender's thread, so a value that cannot be serialized fails here. A message for
        // another VM copies its large arrays into reusable direct buffers, written to the socket as they are.
        Attributes.Encoded msg = vm.equals(node.address) ? Attributes.encode(attrs, from.loader()) : Attributes.encodeForWire(attrs, from.loader());
        if (vm.equals(node.address)) {
            VirtualResource vr = local;
            if (vr == null) {
                throw new UndeliverableException(dest, "cannot send to " + dest + ": no such VR on this VM (it has ended, or the id is wrong)");
            }
            if (!vr.queue().offer(new Envelope(src, dest, msg.body(), msg.blobs(), from.channels().next(dest.uuid())), queueLimit)) {
                throw new UndeliverableException(dest, "cannot send to " + dest + ": its queue holds " + (vr.queue().bytes() >> 20)
                        + " MiB of unread messages (limit RIVER_QUEUE_MB=" + (queueLimit >> 20) + "); the receiver is not keeping up");
            }
            return;
        }
        if (node.lostVms.contains(vm)) {
            for (ByteBuffer f : msg.frames()) dev.river.sfm.BlobBuffers.release(f);
            throw new UndeliverableException(dest, "cannot send to " + dest + ": its VM " + vm
                    + " stopped answering and was dropped by discovery");
        }
        // A MSG header's request-id field carries the channel sequence number.
        post(vm, Proto.MSG, from.channels().next(dest.uuid()), dest.uuid(), src.uuid(), node.address, msg.body(), msg.frames());
    }

    /** Frames a message (numbered, stamped) and queues it for {@code vm}; the connection is authenticated, not each frame. */
    void post(String vm, byte kind, long reqId, UUID dest, UUID src, byte[] body, List<byte[]> blobs) {
        post(vm, kind, reqId, dest, src, node.address, body, wrap(blobs));
    }

    private static List<ByteBuffer> wrap(List<byte[]> arrays) {
        if (arrays.isEmpty()) return List.of();
        List<ByteBuffer> out = new java.util.ArrayList<>(arrays.size());
        for (byte[] a : arrays) out.add(ByteBuffer.wrap(a));
        return out;
    }

    /** As above, naming {@code srcVm} as the sender's VM: a forwarded message keeps its sender's. */
    private void post(String vm, byte kind, long reqId, UUID dest, UUID src, String srcVm, byte[] body, List<ByteBuffer> blobs) {
        ByteBuffer[] frames = new ByteBuffer[2 + blobs.size()];
        frames[0] = ByteBuffer.wrap(Proto.header(kind, reqId, dest, src, node.id, counter.incrementAndGet(), System.currentTimeMillis(), srcVm));
        frames[1] = ByteBuffer.wrap(body);
        for (int i = 0; i < blobs.size(); i++) frames[2 + i] = blobs.get(i);
        node.transport.send(vm, kind == Proto.MSG ? src : null, frames);
    }

    void sendEvent(VrId dest, Control.Event event) {
        VirtualResource local = node.localVr(dest.uuid());
        if (local != null) {
            deliverEvent(local, event);
            return;
        }
        post(locate(dest), Proto.EVENT, 0, dest.uuid(), Proto.nil(), Codec.encode(event, node.engineLoader), List.of());
    }

    private void deliverEvent(VirtualResource vr, Control.Event e) {
        if ("failed".equals(e.kind())) {
            vr.queue().alert(e.error());
        } else {
            vr.queue().alert(new UndeliverableException(null, e.reason()));
        }
    }

    // ---------------------------------------------------------------- receiving

    /** Called on a reader thread for every received message (concurrently for different peers); must not block. */
    void onIncoming(Transport.Incoming in) {
        // Only connections that passed the cluster-key handshake reach here (see Inbound); still, check everything.
        List<byte[]> rest = in.rest();
        if (rest.isEmpty()) {
            reject("a message of 1 part; River messages have a header and a body");
            return;
        }
        Proto.Header h;
        try {
            h = Proto.parse(in.head());
        } catch (IllegalArgumentException e) {
            reject("an authenticated but malformed header: " + e.getMessage());
            return;
        }
        byte[] body = rest.get(0);
        List<byte[]> blobs = rest.size() > 1 ? rest.subList(1, rest.size()) : List.of();
        switch (h.kind()) {
            case Proto.MSG -> {
                VirtualResource vr = node.localVr(h.dest());
                VrId dest = vr != null ? vr.uuid() : new VrId(h.dest(), node.address);
                String to;
                if (vr != null) {
                    PENDING.get().add(this, vr.queue(), new Envelope(h.srcId(), dest, body, blobs, h.reqId()));
                } else if ((to = moved.get(h.dest())) != null) {
                    forward(h, body, blobs, to);
                } else {
                    sendEvent(h.srcId(), new Control.Event("undeliverable", "a message to " + dest + " could not be delivered: no such VR on VM "
                            + node.name + " (it has ended, or the id is wrong)", null));
                }
            }
            case Proto.REQ -> node.control.execute(() -> node.controls.serve(h, body));
            case Proto.REPLY -> node.controls.replied(h.reqId(), body);
            case Proto.EVENT -> node.control.execute(() -> {
                VirtualResource vr = node.localVr(h.dest());
                String to;
                if (vr != null) deliverEvent(vr, (Control.Event) Codec.decode(body, node.engineLoader));
                else if ((to = moved.get(h.dest())) != null) forward(h, body, blobs, to);
            });
            default -> throw new IllegalArgumentException("unknown kind " + h.kind());
        }
    }

    /**
     * Called on a reader thread before it waits for more bytes: wakes the receivers of the messages it
     * just delivered, once each for the whole batch, and writes what it forwarded (moved VRs).
     */
    void endOfBatch() {
        PENDING.get().flush(this);
        Link.flushOwed();
    }

    /** Refuses a message its VR's queue had no room for, telling its sender. */
    private void refused(MessageQueue q, Envelope env) {
        sendEvent(env.src, new Control.Event("undeliverable", "a message to " + env.dest + " was refused: its queue holds "
                + (q.bytes() >> 20) + " MiB of unread messages (limit RIVER_QUEUE_MB=" + (queueLimit >> 20)
                + "); the receiver is not keeping up", null));
    }

    /**
     * Per reader thread: received messages not yet appended, by queue. A reader appends a queue's messages
     * in one go (one lock acquisition, one wake-up of its VR) at the end of what one read brought, or every
     * {@link Pending#MAX} messages, rather than contending with the receiving VR for the queue's lock per message.
     */
    private static final ThreadLocal<Pending> PENDING = ThreadLocal.withInitial(Pending::new);

    private static final class Pending {
        static final int MAX = 64;
        private final List<MessageQueue> queues = new java.util.ArrayList<>(2);
        private final List<List<Envelope>> batches = new java.util.ArrayList<>(2);

        void add(Router r, MessageQueue q, Envelope env) {
            int i = queues.indexOf(q);
            if (i < 0) {
                queues.add(q);
                batches.add(new java.util.ArrayList<>(MAX));
                i = queues.size() - 1;
            }
            List<Envelope> b = batches.get(i);
            b.add(env);
            if (b.size() >= MAX) append(r, q, b);
        }

        void flush(Router r) {
            for (int i = 0; i < queues.size(); i++) append(r, queues.get(i), batches.get(i));
            queues.clear();   // a reader must not keep an ended VR's queue (and its class loader) reachable
            batches.clear();
        }

        private static void append(Router r, MessageQueue q, List<Envelope> b) {
            if (b.isEmpty()) return;
            for (Envelope env : q.offerAll(b, r.queueLimit)) r.refused(q, env);
            b.clear();
        }
    }

    /** Drops a frame, logging the first few and then one in a thousand, so a flood cannot fill the log. */
    void reject(String why) {
        long n = rejected.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "dropped " + why + " [" + n + " dropped so far]");
        }
    }

    /** Frames dropped so far (unauthenticated, replayed, malformed). */
    long rejectedFrames() {
        return rejected.get();
    }

    // ---------------------------------------------------------------- routes (migration, restore)

    /**
     * The VM where {@code vr} lives: the one its id names, unless it moved away from here (forwarding
     * pointer) or a Route notice said where it went. VrId equality is by UUID, so peers keep their ids.
     */
    String locate(VrId vr) {
        String m = moved.get(vr.uuid());
        if (m != null) return m;
        return routes.getOrDefault(vr.uuid(), vr.vm());
    }

    /** Records that {@code vr} now lives on {@code vm} (a Route notice, or this VM's own restore). */
    void learnRoute(UUID vr, String vm) {
        if (node.localVr(vr) != null) return;
        if (vm.equals(node.address)) {
            routes.remove(vr);
        } else {
            routes.put(vr, vm);
            moved.computeIfPresent(vr, (k, old) -> vm);   // shortcut a chain of moves
        }
    }

    /** {@code vr} is registered here (back after a restore, or for the first time): no pointer or route elsewhere holds. */
    void arrived(UUID vr) {
        moved.remove(vr);
        routes.remove(vr);
    }

    /** Tells every VM discovery knows where {@code vr} lives now. */
    void announceRoute(UUID vr, String vm) {
        learnRoute(vr, vm);
        for (VmInfo peer : node.discovery.snapshot()) {
            if (peer.address().equals(node.address)) continue;
            node.requestAsync(peer.address(), new Control.Route(vr, vm), Duration.ofSeconds(5)).exceptionally(e -> null);
        }
    }

    /**
     * Sends a message that arrived for a VR that moved away on to where it went, with its sender and
     * sequence number (sealed afresh by this VM); tells its sender's VM the new route, once.
     */
    private void forward(Proto.Header h, byte[] body, List<byte[]> blobs, String to) {
        post(to, h.kind(), h.reqId(), h.dest(), h.src(), h.srcVm(), body, wrap(blobs));
        if (h.kind() == Proto.MSG) tellRoute(h.srcVm(), h.dest(), to);
    }

    /** As {@link #forward(Proto.Header, byte[], List, String)}, for a message taken out of the queue of a VR that is leaving. */
    private void forward(Envelope env, String to) {
        post(to, Proto.MSG, env.seq, env.dest.uuid(), env.src.uuid(), env.src.vm(), env.body, wrap(env.blobs));
        tellRoute(env.src.vm(), env.dest.uuid(), to);
    }

    private void tellRoute(String senderVm, UUID vr, String to) {
        if (senderVm.equals(node.address)) {
            learnRoute(vr, to);
        } else if (told.add(senderVm + "|" + vr + "|" + to)) {
            node.requestAsync(senderVm, new Control.Route(vr, to), Duration.ofSeconds(5)).exceptionally(e -> {
                LOG.log(System.Logger.Level.DEBUG, "could not tell " + senderVm + " that " + vr + " moved to " + to + ": " + e);
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- migration

    /** Whether {@code vr} is being moved away from this VM right now. */
    boolean moving(UUID vr) {
        return moving.contains(vr);
    }

    /**
     * Moves a deployed VR to {@code target} while its peers keep sending: freezes it at a safe point,
     * installs its image there, then forwards what arrives here (in order, then every later arrival)
     * and tells the senders' VMs the new route. The old copy's thread ends at its safe point.
     */
    VrId move(VirtualResource vr, String target, Duration timeout) {
        UUID u = vr.uuid().uuid();
        if (target.equals(node.address)) throw new IllegalArgumentException(vr + " already runs on " + target);
        if (vr.parent() == null || River.isDriver(vr)) {
            throw new IllegalArgumentException(vr + " is an initiator or driver: it runs in the program that started it and cannot move");
        }
        if (!(vr.loader() instanceof VrClassLoader code)) throw new IllegalStateException(vr + " has no shipped code");
        if (!moving.add(u)) throw new RiverException(vr + " is already being moved");
        if (node.freezing(vr.app())) {
            moving.remove(u);
            throw new RiverException("a checkpoint of " + vr.app() + " is under way; move " + vr + " after it");
        }
        SafePoint sp = vr.queue().safePoint();
        try {
            sp.freezeAtNext();
            try {
                if (!sp.awaitParked(System.nanoTime() + timeout.toNanos())) {
                    throw new RiverException(vr + " did not reach a safe point within " + timeout.toMillis()
                            + " ms (it is computing, or waits outside recv/checkpoint()); it was not moved");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RiverException("interrupted while moving " + vr, e);
            }
            if (sp.state().ended()) throw new RiverException(vr + " ended before it could be moved");
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            List<Envelope> inImage;
            try {
                inImage = VrImage.write(vr, buf);
            } catch (java.io.IOException e) {
                throw new RiverException("writing the image of " + vr + " failed: " + e.getMessage(), e);
            }
            Duration installTimeout = timeout.compareTo(Node.REQUEST_TIMEOUT) > 0 ? timeout : Node.REQUEST_TIMEOUT;
            try {
                node.requestAsync(target, new Control.Install(buf.toByteArray(), code.originVm(), code.originRef()), installTimeout).join();
            } catch (java.util.concurrent.CompletionException e) {
                // It may have been installed after all (a late answer): make sure no second copy runs there.
                node.requestAsync(target, new Control.Stop(u), Duration.ofSeconds(2)).exceptionally(x -> null);
                Throwable c = e.getCause();
                throw new RiverException("moving " + vr + " to " + target + " failed: " + c.getMessage(), c);
            }
            // Switch: the queue forwards (its late arrivals first, in order), then the pointer takes over.
            moved.put(u, target);
            vr.queue().forwardTo(env -> forward(env, target), inImage);
            node.movedAway(vr);
            sp.evict(new Node.Relocated(vr + " moved to " + target));
            announceRoute(u, target);
            return vr.uuid().at(target);
        } catch (RuntimeException e) {
            if (!moved.containsKey(u)) sp.thaw();
            throw e;
        } finally {
            moving.remove(u);
        }
    }
}
