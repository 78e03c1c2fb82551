package dev.river.core;

import dev.river.discovery.Discovery;
import dev.river.security.ClusterSecret;
import dev.river.sfm.Attributes;
import dev.river.sfm.Codec;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One River VM: the runtime of an engine, or embedded in a program or the kernel.
 *
 * <p>Threads: {@link Transport}'s reader threads call {@link #onIncoming} (one per connection, so
 * concurrently for different peers); senders write to sockets themselves or leave it to the network
 * thread; control threads ("river-control", a cached pool: the Control VR) serve requests, which may block on
 * class fetches; each VR runs main on its own thread; one timer thread renews allocations. Shared
 * tables are concurrent maps.
 */
final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(Long.getLong("river.request.timeout.s", 15));
    private static final long LEASE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static volatile Node embedded;
    /** Quiet by default: River logs warnings only, unless the application configured "dev.river" itself. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.river");

    static {
        if (QUIET.getLevel() == null && System.getProperty("java.util.logging.config.file") == null) {
            QUIET.setLevel(java.util.logging.Level.WARNING);
        }
    }

    final UUID id = UUID.randomUUID();
    final NodeConfig config;
    final String address;
    final String name;
    private final Transport transport;
    final Discovery discovery;
    private final ClassLoader engineLoader = Node.class.getClassLoader();
    private final Map<UUID, VirtualResource> vrs = new ConcurrentHashMap<>();
    private final Map<UUID, Object> codeSources = new ConcurrentHashMap<>();      // ClassSource or Control.Forward
    private final Map<ClassSource, UUID> refsBySource = new java.util.IdentityHashMap<>();   // guarded by itself
    private final Map<String, CompletableFuture<byte[]>> codeCache = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicLong counter = new AtomicLong();            // numbers every frame this VM sends (diagnostics)
    private final AtomicLong rejected = new AtomicLong();           // connections and frames dropped: unauthenticated, malformed, over limits
    private final long queueLimit = NodeConfig.queueLimitBytes();

    /** A request waiting for its reply, and where it went (so a lost VM fails its requests at once). */
    private record Pending(String vm, CompletableFuture<byte[]> reply) {}
    private final Set<String> lostVms = ConcurrentHashMap.newKeySet();
    private final Map<String, UUID> heldAllocations = new ConcurrentHashMap<>();   // vm address -> owner
    /** Where VRs that are not here live now, as Route notices said (after a migration or a restore). */
    private final Map<UUID, String> routes = new ConcurrentHashMap<>();
    /** Forwarding pointers: VRs that moved away from this VM, and where to. */
    private final Map<UUID, String> moved = new ConcurrentHashMap<>();
    /** Route notices sent ("senderVm|vr|newVm"), so that each sender VM is told once. */
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    /** Applications frozen here (a checkpoint is under way): VRs registered meanwhile are frozen too. */
    private final Map<UUID, AppFreeze> freezes = new ConcurrentHashMap<>();
    /** Channel counters of ended VRs, per application, until a checkpoint has accounted for them. */
    private final Map<UUID, Map<UUID, Map<UUID, Long>>> endedChannels = new ConcurrentHashMap<>();
    /**
     * Applications whose initiator has ended (it released this VM): nobody will checkpoint them, so
     * their ended VRs' counters are not kept. The most recent 1,024, as a VR may end just after.
     */
    private final Set<UUID> endedApps = java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>() {
                @Override protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> e) {
                    return size() > 1024;
                }
            }));
    /** VRs being moved away from this VM (guards against a checkpoint thawing them midway). */
    private final Set<UUID> moving = ConcurrentHashMap.newKeySet();

    /** A freeze of one application on this VM: who asked ({@code token}) and the loop VRs' target call. */
    record AppFreeze(String token, long target) {}
    private final ExecutorService control;
    private final ScheduledExecutorService timer;
    private final AtomicInteger vrCount = new AtomicInteger();
    // Allocation of this VM (engines): owner and the time of its last renewal; guarded by this.
    private UUID allocatedTo;
    private long allocationRenewed;
    private volatile boolean closed;

    Node(NodeConfig config) {
        this.config = config;
        this.transport = new Transport(config.bind(), config.port(), config.name() == null ? "vm" : config.name(),
                ClusterSecret.load().key(), this::onIncoming, this::reject);
        String bound = transport.address();
        this.address = config.wildcard() ? advertisedHost() + bound.substring(bound.lastIndexOf(':')) : bound;
        this.name = config.name() != null ? config.name() : address;
        this.control = Executors.newCachedThreadPool(daemon("river-control"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("river-timer"));
        this.discovery = new Discovery(
                new Discovery.Config(config.discoveryPort(), config.broadcastAddress(), config.beaconInterval(),
                        config.peers(), config.announce()),
                config.announce() ? this::info : null, config.wildcard(), this::probe);
        discovery.onLost(vm -> {
            lostVms.add(vm.address());
            transport.disconnect(vm.address());
            failPending(vm.address(), "VM " + vm.name() + " (" + vm.address() + ") stopped answering and was dropped by discovery");
        });
        discovery.onFound(vm -> lostVms.remove(vm.address()));
        timer.scheduleAtFixedRate(this::renewAllocations, 3, 3, TimeUnit.SECONDS);
    }

    /** The VM embedded in this JVM (a client: it listens for beacons but is not offered as an engine). */
    static Node embedded() {
        Node n = embedded;
        if (n == null) {
            synchronized (Node.class) {
                n = embedded;
                if (n == null) {
                    n = new Node(NodeConfig.client().withName("client-" + ProcessHandle.current().pid()));
                    embedded = n;
                }
            }
        }
        return n;
    }

    /** Makes {@code node} this JVM's embedded VM (an engine process is its own). */
    static void setEmbedded(Node node) {
        synchronized (Node.class) {
            embedded = node;
        }
    }

    // ---------------------------------------------------------------- status

    VmInfo info() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        boolean alloc;
        synchronized (this) {
            alloc = allocatedTo != null && System.nanoTime() - allocationRenewed < LEASE_NANOS;
        }
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        return new VmInfo(id, name, address.substring(0, address.lastIndexOf(':')), port, config.cores(),
                Runtime.getRuntime().maxMemory(), load, vrCount.get(), alloc, config.tags());
    }

    private CompletableFuture<List<VmInfo>> probe(String peer) {
        if (peer.equals(address)) return CompletableFuture.completedFuture(List.of());
        return requestAsync(peer, new Control.Status(), Duration.ofMillis(Math.max(500, config.beaconInterval().toMillis() * 2)))
                .thenApply(v -> {
                    @SuppressWarnings("unchecked") List<VmInfo> vms = (List<VmInfo>) v;
                    return vms;
                });
    }

    // ---------------------------------------------------------------- VRs

    void register(VirtualResource vr) {
        UUID u = vr.uuid().uuid();
        moved.remove(u);      // back here (a restore), or here for the first time
        routes.remove(u);
        vrs.put(u, vr);
        vrCount.incrementAndGet();
        AppFreeze f = freezes.get(vr.app());
        if (f != null && !River.isDriver(vr)) vr.queue().safePoint().freeze(f.target());
    }

    void unregister(VirtualResource vr) {
        // By identity: a VR that moved away is already gone, and a copy restored here must stay.
        if (vrs.remove(vr.uuid().uuid(), vr)) {
            vrCount.decrementAndGet();
            if (vr.started() && !River.isDriver(vr)) recordEnded(vr);
        }
    }

    /** Keeps an ended VR's channel counters: its last messages may still be on the wire when its application is checkpointed. */
    private void recordEnded(VirtualResource vr) {
        if (endedApps.contains(vr.app())) return;
        Map<UUID, Map<UUID, Long>> app = endedChannels.computeIfAbsent(vr.app(), k -> java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>() {
                    @Override protected boolean removeEldestEntry(Map.Entry<UUID, Map<UUID, Long>> e) {
                        return size() > 4096;   // bounded: an application that never checkpoints must not grow this
                    }
                }));
        app.put(vr.uuid().uuid(), vr.channels().snapshot());
    }

    /**
     * The code ref engines fetch {@code source}'s classes under. One source registered by several VRs
     * (a kernel's drivers, successive Trickle sessions) keeps one ref, so classes engines cached or were
     * injected with serve them all.
     */
    UUID registerCode(ClassSource source) {
        synchronized (refsBySource) {
            UUID ref = refsBySource.get(source);
            if (ref == null) {
                ref = UUID.randomUUID();
                refsBySource.put(source, ref);
                codeSources.put(ref, source);
            }
            return ref;
        }
    }

    /** A code source that forwards to {@code vm}/{@code ref}, for a VR whose own children fetch through this VM. */
    UUID registerForward(String vm, UUID ref) {
        UUID own = UUID.randomUUID();
        codeSources.put(own, new Control.Forward(vm, ref));
        return own;
    }

    List<VirtualResource> localVrs() {
        return new ArrayList<>(vrs.values());
    }

    // ---------------------------------------------------------------- messaging

    /**
     * Routes an encoded message: straight into a local queue, or to the network thread. The message
     * takes the next sequence number of the channel {@code from -> dest} only once it is sure to leave,
     * so a refused send leaves no gap in the channel.
     */
    void route(VirtualResource from, VrId dest, Attributes.Encoded msg) {
        VrId src = from.uuid();
        VirtualResource local = vrs.get(dest.uuid());
        String vm = local != null ? address : locate(dest);
        if (vm.equals(address)) {
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
        if (lostVms.contains(vm)) {
            throw new UndeliverableException(dest, "cannot send to " + dest + ": its VM " + vm
                    + " stopped answering and was dropped by discovery");
        }
        // A MSG header's request-id field carries the channel sequence number.
        post(vm, Proto.MSG, from.channels().next(dest.uuid()), dest.uuid(), src.uuid(), msg.body(), msg.blobs());
    }

    /** Frames a message (numbered, stamped) and queues it for {@code vm}; the connection is authenticated, not each frame. */
    private void post(String vm, byte kind, long reqId, UUID dest, UUID src, byte[] body, List<byte[]> blobs) {
        post(vm, kind, reqId, dest, src, address, body, blobs);
    }

    /** As above, naming {@code srcVm} as the sender's VM: a forwarded message keeps its sender's. */
    private void post(String vm, byte kind, long reqId, UUID dest, UUID src, String srcVm, byte[] body, List<byte[]> blobs) {
        byte[][] frames = new byte[2 + blobs.size()][];
        frames[0] = Proto.header(kind, reqId, dest, src, id, counter.incrementAndGet(), System.currentTimeMillis(), srcVm);
        frames[1] = body;
        for (int i = 0; i < blobs.size(); i++) frames[2 + i] = blobs.get(i);
        transport.send(vm, kind == Proto.MSG ? src : null, frames);
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
        if (vrs.containsKey(vr)) return;
        if (vm.equals(address)) {
            routes.remove(vr);
        } else {
            routes.put(vr, vm);
            moved.computeIfPresent(vr, (k, old) -> vm);   // shortcut a chain of moves
        }
    }

    /**
     * Sends a message that arrived for a VR that moved away on to where it went, with its sender and
     * sequence number (sealed afresh by this VM); tells its sender's VM the new route, once.
     */
    private void forward(Proto.Header h, List<byte[]> frames, String to) {
        post(to, h.kind(), h.reqId(), h.dest(), h.src(), h.srcVm(), frames.get(1), List.copyOf(frames.subList(2, frames.size())));
        if (h.kind() == Proto.MSG) tellRoute(h.srcVm(), h.dest(), to);
    }

    /** As {@link #forward}, for a message taken out of the queue of a VR that is leaving. */
    private void forward(Envelope env, String to) {
        post(to, Proto.MSG, env.seq, env.dest.uuid(), env.src.uuid(), env.src.vm(), env.body, env.blobs);
        tellRoute(env.src.vm(), env.dest.uuid(), to);
    }

    private void tellRoute(String senderVm, UUID vr, String to) {
        if (senderVm.equals(address)) {
            learnRoute(vr, to);
        } else if (told.add(senderVm + "|" + vr + "|" + to)) {
            requestAsync(senderVm, new Control.Route(vr, to), Duration.ofSeconds(5)).exceptionally(e -> {
                LOG.log(System.Logger.Level.DEBUG, "could not tell " + senderVm + " that " + vr + " moved to " + to + ": " + e);
                return null;
            });
        }
    }

    /** VRs in {@code restarted} resumed from a checkpoint: every queue here restarts their channels (see MessageQueue#restart). */
    void restartChannels(Set<UUID> restarted) {
        for (VirtualResource vr : vrs.values()) {
            if (!restarted.contains(vr.uuid().uuid())) vr.queue().restart(restarted);
        }
    }

    /** Tells every VM discovery knows where {@code vr} lives now. */
    void announceRoute(UUID vr, String vm) {
        learnRoute(vr, vm);
        for (VmInfo peer : discovery.snapshot()) {
            if (peer.address().equals(address)) continue;
            requestAsync(peer.address(), new Control.Route(vr, vm), Duration.ofSeconds(5)).exceptionally(e -> null);
        }
    }

    private void sendEvent(VrId dest, Control.Event event) {
        VirtualResource local = vrs.get(dest.uuid());
        if (local != null) {
            deliverEvent(local, event);
            return;
        }
        post(locate(dest), Proto.EVENT, 0, dest.uuid(), Proto.nil(), Codec.encode(event, engineLoader), List.of());
    }

    /** Called on a reader thread for every received message (concurrently for different peers); must not block. */
    private void onIncoming(Transport.Incoming in) {
        // Only connections that passed the cluster-key handshake reach here (see Inbound); still, check everything.
        List<byte[]> frames = in.frames();
        if (frames.size() < 2) {
            reject("a message of " + frames.size() + " part(s); River messages have a header and a body");
            return;
        }
        Proto.Header h;
        try {
            h = Proto.parse(frames.get(0));
        } catch (IllegalArgumentException e) {
            reject("an authenticated but malformed header: " + e.getMessage());
            return;
        }
        byte[] body = frames.get(1);
        switch (h.kind()) {
            case Proto.MSG -> {
                VirtualResource vr = vrs.get(h.dest());
                VrId dest = new VrId(h.dest(), address);
                String to;
                if (vr != null) {
                    Envelope env = new Envelope(h.srcId(), dest, body, frames.size() > 2 ? List.copyOf(frames.subList(2, frames.size())) : List.of(), h.reqId());
                    if (!vr.queue().offer(env, queueLimit)) {
                        sendEvent(h.srcId(), new Control.Event("undeliverable", "a message to " + dest + " was refused: its queue holds "
                                + (vr.queue().bytes() >> 20) + " MiB of unread messages (limit RIVER_QUEUE_MB=" + (queueLimit >> 20)
                                + "); the receiver is not keeping up", null));
                    }
                } else if ((to = moved.get(h.dest())) != null) {
                    forward(h, frames, to);
                } else {
                    sendEvent(h.srcId(), new Control.Event("undeliverable", "a message to " + dest + " could not be delivered: no such VR on VM "
                            + name + " (it has ended, or the id is wrong)", null));
                }
            }
            case Proto.REQ -> control.execute(() -> serve(h, body));
            case Proto.REPLY -> {
                Pending p = pending.remove(h.reqId());
                if (p != null) p.reply().complete(body);
            }
            case Proto.EVENT -> control.execute(() -> {
                VirtualResource vr = vrs.get(h.dest());
                String to;
                if (vr != null) deliverEvent(vr, (Control.Event) Codec.decode(body, engineLoader));
                else if ((to = moved.get(h.dest())) != null) forward(h, frames, to);
            });
            default -> throw new IllegalArgumentException("unknown kind " + h.kind());
        }
    }

    /** Drops a frame, logging the first few and then one in a thousand, so a flood cannot fill the log. */
    private void reject(String why) {
        long n = rejected.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "dropped " + why + " [" + n + " dropped so far]");
        }
    }

    /** Frames dropped so far (unauthenticated, replayed, malformed). */
    long rejectedFrames() {
        return rejected.get();
    }

    private void deliverEvent(VirtualResource vr, Control.Event e) {
        if ("failed".equals(e.kind())) {
            vr.queue().alert(e.error());
        } else {
            vr.queue().alert(new UndeliverableException(null, e.reason()));
        }
    }

    // ---------------------------------------------------------------- requests

    /** Sends a request to the Control of {@code vm} and waits for the answer. */
    Object request(String vm, Object req) {
        try {
            return requestAsync(vm, req, REQUEST_TIMEOUT).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for VM " + vm + " to answer " + Control.describe(req), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RiverException re) throw re;
            throw new RiverException(e.getCause().getMessage(), e.getCause());
        }
    }

    CompletableFuture<Object> requestAsync(String vm, Object req, Duration timeout) {
        if (vm.equals(address)) {
            return CompletableFuture.supplyAsync(() -> handle(req), control);
        }
        if (lostVms.contains(vm) && !(req instanceof Control.Status)) {
            return CompletableFuture.failedFuture(new RiverException("VM " + vm + " is gone (discovery dropped it); "
                    + Control.describe(req) + " was not sent. Call discover() for the VMs that are alive"));
        }
        long id = requestIds.incrementAndGet();
        CompletableFuture<byte[]> raw = new CompletableFuture<>();
        pending.put(id, new Pending(vm, raw));
        post(vm, Proto.REQ, id, Proto.nil(), Proto.nil(), Codec.encode(req, engineLoader), List.of());
        return raw.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((bytes, err) -> {
            pending.remove(id);
            if (err != null) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                if (cause instanceof TimeoutException) {
                    LOG.log(System.Logger.Level.WARNING, "no answer to " + Control.describe(req) + " #" + id + " from " + vm
                            + "; " + transport.describe(vm));
                    throw new RiverException("VM " + vm + " did not answer " + Control.describe(req) + " within "
                            + timeout.toMillis() + " ms; it may have stopped or be unreachable. Check `river status`", cause);
                }
                if (cause instanceof RiverException re) throw re;
                throw new RiverException(Control.describe(req) + " to " + vm + " failed: " + cause, cause);
            }
            Control.Reply reply = (Control.Reply) Codec.decode(bytes, engineLoader);
            if (reply.error() != null) throw reply.error();
            return reply.value();
        });
    }

    private void serve(Proto.Header h, byte[] body) {
        Control.Reply reply;
        try {
            Object req = Codec.decode(body, engineLoader);
            reply = new Control.Reply(handle(req), null);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError) LOG.log(System.Logger.Level.ERROR, "serving a request", t);
            reply = new Control.Reply(null, RemoteVrException.of(t, null, "VM " + name));
        }
        byte[] bytes;
        try {
            bytes = Codec.encode(reply, engineLoader);
        } catch (RuntimeException e) {
            bytes = Codec.encode(new Control.Reply(null, RemoteVrException.of(e, null, "VM " + name + " could not encode its answer")), engineLoader);
        }
        post(h.srcVm(), Proto.REPLY, h.reqId(), Proto.nil(), id, bytes, List.of());
    }

    private Object handle(Object req) {
        if (req instanceof Control.Deploy d) return deployHere(d);
        if (req instanceof Control.Fetch f) return serveCode(f.codeRef(), f.path());
        if (req instanceof Control.Status) {
            List<VmInfo> out = new ArrayList<>();
            if (config.announce()) out.add(info());
            out.addAll(discovery.snapshot());
            return out;
        }
        if (req instanceof Control.Allocate a) return allocate(a);
        if (req instanceof Control.Push p) {
            p.files().forEach((path, bytes) -> codeCache.put(codeKey(p.codeVm(), p.codeRef(), path), CompletableFuture.completedFuture(bytes)));
            return p.files().size();
        }
        if (req instanceof Control.Route r) {
            learnRoute(r.vr(), r.vm());
            return true;
        }
        if (req instanceof Control.Install i) {
            VirtualResource vr = install(new java.io.ByteArrayInputStream(i.image()), i.codeVm(), i.codeRef(), null, null);
            vr.start();
            return vr.uuid();
        }
        if (req instanceof VmTask<?> t) {
            try {
                return t.run(new VmContext(this));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RiverException(e.getMessage(), e);
            }
        }
        if (req instanceof Control.Stop s) {
            VirtualResource vr = vrs.get(s.vr());
            if (vr != null) vr.interruptThreads();
            return vr != null;
        }
        throw new IllegalArgumentException("unknown request " + req.getClass().getName());
    }

    private synchronized boolean allocate(Control.Allocate a) {
        long now = System.nanoTime();
        boolean free = allocatedTo == null || allocatedTo.equals(a.owner()) || now - allocationRenewed > LEASE_NANOS;
        if (a.release()) {
            if (a.owner().equals(allocatedTo)) allocatedTo = null;
            endedApps.add(a.owner());        // its initiator ended: forget what only a checkpoint of it would need
            endedChannels.remove(a.owner());
            return true;
        }
        if (!free) return false;
        allocatedTo = a.owner();
        allocationRenewed = now;
        return true;
    }

    void holdAllocation(String vm, UUID owner) {
        heldAllocations.put(vm, owner);
    }

    /**
     * Gives back the VMs {@code owner} holds and waits (a round trip, at most 2 s) until they have taken
     * note, so that an application allocating right after finds them free.
     */
    void releaseAllocations(UUID owner) {
        List<CompletableFuture<Object>> acks = new ArrayList<>();
        heldAllocations.entrySet().removeIf(e -> {
            if (!e.getValue().equals(owner)) return false;
            acks.add(requestAsync(e.getKey(), new Control.Allocate(owner, true), Duration.ofSeconds(2)));
            return true;
        });
        for (CompletableFuture<Object> ack : acks) {
            try {
                ack.join();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "a VM did not confirm a release (its lease expires on its own): " + e.getMessage());
            }
        }
    }

    private void renewAllocations() {
        heldAllocations.forEach((vm, owner) -> requestAsync(vm, new Control.Allocate(owner, false), Duration.ofSeconds(2)));
    }

    // ---------------------------------------------------------------- creation and code shipping

    private VrId deployHere(Control.Deploy d) {
        VrClassLoader loader = new VrClassLoader(this, d.codeVm(), d.codeRef(), engineLoader);
        Class<?> c;
        try {
            c = Class.forName(d.className(), false, loader);
        } catch (ClassNotFoundException e) {
            throw new RiverException("cannot load VR class " + d.className() + " on VM " + name + ": " + e.getMessage(), e);
        }
        if (!VirtualResource.class.isAssignableFrom(c)) {
            throw new RiverException(d.className() + " does not extend dev.river.core.VirtualResource");
        }
        VirtualResource vr = instantiate(c.asSubclass(VirtualResource.class));
        Object[] args = d.args() == null ? new Object[0] : (Object[]) Codec.decode(d.args(), loader);
        UUID codeRef = UUID.randomUUID();
        codeSources.put(codeRef, new Control.Forward(d.codeVm(), d.codeRef()));
        VrId self = new VrId(d.vr(), address);
        vr.bind(this, self, d.parent(), d.app(), args, loader, codeRef);
        register(vr);
        vr.start();
        return self;
    }

    // ---------------------------------------------------------------- images: freeze, install, move

    /**
     * Freezes application {@code app} here: every VR of it (and any registered later) parks at its next
     * safe point; loop VRs at call {@code target} (0: not chosen yet). {@code token} names the checkpoint,
     * so a second one cannot interleave. Returns the VRs' safe-point states.
     */
    Map<VirtualResource, SafePoint.State> freeze(UUID app, String token, long target) {
        AppFreeze f = freezes.compute(app, (k, old) -> {
            if (old != null && !old.token().equals(token)) {
                throw new RiverException("application " + app + " is being checkpointed already (" + old.token()
                        + "); wait for that checkpoint to finish");
            }
            return new AppFreeze(token, target);
        });
        List<VirtualResource> members = appVrs(app);
        for (VirtualResource vr : members) {
            // The freeze is registered first and a move registers itself first, so one of the two sees the other.
            if (moving.contains(vr.uuid().uuid())) {
                freezes.remove(app, f);
                throw new RiverException(vr + " is being moved to another VM; checkpoint again once it has moved");
            }
        }
        Map<VirtualResource, SafePoint.State> out = new java.util.LinkedHashMap<>();
        for (VirtualResource vr : members) out.put(vr, vr.queue().safePoint().freeze(target));
        return out;
    }

    /** Ends the freeze {@code token} of {@code app}: its VRs run on. */
    void thaw(UUID app, String token) {
        AppFreeze f = freezes.get(app);
        if (f == null || !f.token().equals(token)) return;
        freezes.remove(app, f);
        for (VirtualResource vr : appVrs(app)) vr.queue().safePoint().thaw();
    }

    /** The VRs of {@code app} on this VM, drivers excluded (they have no main to freeze). */
    List<VirtualResource> appVrs(UUID app) {
        List<VirtualResource> out = new ArrayList<>();
        for (VirtualResource vr : vrs.values()) if (app.equals(vr.app()) && !River.isDriver(vr)) out.add(vr);
        return out;
    }

    VirtualResource localVr(UUID uuid) {
        return vrs.get(uuid);
    }

    /** Ended VRs of {@code app}: uuid -> its channel counters. */
    Map<UUID, Map<UUID, Long>> endedChannels(UUID app) {
        Map<UUID, Map<UUID, Long>> m = endedChannels.get(app);
        if (m == null) return Map.of();
        synchronized (m) {
            return new java.util.HashMap<>(m);
        }
    }

    void forgetEnded(UUID app, java.util.Collection<UUID> uuids) {
        Map<UUID, Map<UUID, Long>> m = endedChannels.get(app);
        if (m != null) m.keySet().removeAll(uuids);
    }

    /** Brings a VR back from its image and registers it (not started). */
    VirtualResource install(java.io.InputStream image, String codeVm, UUID codeRef, VrId parent,
                            Set<UUID> restoredTogether) {
        VirtualResource vr;
        try {
            vr = VrImage.read(this, image, codeVm, codeRef, parent, restoredTogether);
        } catch (java.io.IOException e) {
            throw new RiverException("VM " + name + " cannot read a VR image: " + e.getMessage(), e);
        }
        VirtualResource there = vrs.get(vr.uuid().uuid());
        if (there != null) {
            throw new RiverException("VR " + vr.uuid().uuid() + " already runs on VM " + name + " (" + there
                    + "); it cannot be restored there a second time");
        }
        register(vr);
        return vr;
    }

    /**
     * Moves a deployed VR to {@code target} while its peers keep sending: freezes it at a safe point,
     * installs its image there, then forwards what arrives here (in order, then every later arrival)
     * and tells the senders' VMs the new route. The old copy's thread ends at its safe point.
     */
    VrId move(VirtualResource vr, String target, Duration timeout) {
        UUID u = vr.uuid().uuid();
        if (target.equals(address)) throw new IllegalArgumentException(vr + " already runs on " + target);
        if (vr.parent() == null || River.isDriver(vr)) {
            throw new IllegalArgumentException(vr + " is an initiator or driver: it runs in the program that started it and cannot move");
        }
        if (!(vr.loader() instanceof VrClassLoader code)) throw new IllegalStateException(vr + " has no shipped code");
        if (!moving.add(u)) throw new RiverException(vr + " is already being moved");
        if (freezes.containsKey(vr.app())) {
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
            Duration installTimeout = timeout.compareTo(REQUEST_TIMEOUT) > 0 ? timeout : REQUEST_TIMEOUT;
            try {
                requestAsync(target, new Control.Install(buf.toByteArray(), code.originVm(), code.originRef()), installTimeout).join();
            } catch (java.util.concurrent.CompletionException e) {
                // It may have been installed after all (a late answer): make sure no second copy runs there.
                requestAsync(target, new Control.Stop(u), Duration.ofSeconds(2)).exceptionally(x -> null);
                Throwable c = e.getCause();
                throw new RiverException("moving " + vr + " to " + target + " failed: " + c.getMessage(), c);
            }
            // Switch: the queue forwards (its late arrivals first, in order), then the pointer takes over.
            moved.put(u, target);
            vr.queue().forwardTo(env -> forward(env, target), inImage);
            vrs.remove(u, vr);
            vrCount.decrementAndGet();
            sp.evict(new Relocated(vr + " moved to " + target));
            announceRoute(u, target);
            return vr.uuid().at(target);
        } catch (RuntimeException e) {
            if (!moved.containsKey(u)) sp.thaw();
            throw e;
        } finally {
            moving.remove(u);
        }
    }

    /** Thrown at the old copy of a VR that moved, at its safe point; ends its thread quietly. */
    static final class Relocated extends Error {
        Relocated(String message) {
            super(message, null, false, false);
        }
    }

    static <T extends VirtualResource> T instantiate(Class<T> c) {
        try {
            Constructor<T> k = c.getDeclaredConstructor();
            k.setAccessible(true);
            return k.newInstance();
        } catch (NoSuchMethodException e) {
            throw new RiverException(c.getName() + " needs a constructor without arguments (pass data with deploy's args)", e);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RiverException("creating " + c.getName() + " failed: " + cause, cause);
        }
    }

    /** Bytes of a shipped class or resource from code source {@code ref} on {@code vm}; null if it has none. */
    byte[] fetchCode(String vm, UUID ref, String path) {
        if (vm.equals(address)) return serveCode(ref, path);
        String key = codeKey(vm, ref, path);
        CompletableFuture<byte[]> f = codeCache.computeIfAbsent(key, k ->
                requestAsync(vm, new Control.Fetch(ref, path), REQUEST_TIMEOUT).thenApply(v -> (byte[]) v));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while fetching " + path + " from " + vm, e);
        } catch (ExecutionException e) {
            codeCache.remove(key, f);   // a failed fetch may be retried
            Throwable c = e.getCause();
            throw c instanceof RiverException re ? re : new RiverException("fetching " + path + " from " + vm + " failed: " + c, c);
        }
    }

    private byte[] serveCode(UUID ref, String path) {
        Object src = codeSources.get(ref);
        if (src instanceof ClassSource cs) return cs.find(path);
        if (src instanceof Control.Forward fw) return fetchCode(fw.vm(), fw.ref(), path);
        throw new RiverException("VM " + name + " has no code source " + ref + " (the VR that deployed this code has gone?)");
    }

    void push(String vm, String codeVm, UUID codeRef, Map<String, byte[]> files) {
        request(vm, new Control.Push(codeVm, codeRef, files));
    }

    private static String codeKey(String vm, UUID ref, String path) {
        return vm + "|" + ref + "|" + path;
    }

    // ---------------------------------------------------------------- VR lifecycle events

    void vrFailed(VirtualResource vr, Throwable t) {
        RemoteVrException ex = RemoteVrException.of(t, vr.uuid(),
                "VR " + vr.getClass().getName() + " " + vr.uuid() + " on VM " + name + " failed");
        LOG.log(System.Logger.Level.WARNING, ex.getMessage(), t);
        if (vr.parent() != null) {
            try {
                sendEvent(vr.parent(), new Control.Event("failed", ex.getMessage(), ex));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not tell the parent " + vr.parent() + " of the failure", e);
            }
        }
    }

    private void failPending(String vm, String why) {
        pending.values().removeIf(p -> {
            if (!p.vm().equals(vm)) return false;
            p.reply().completeExceptionally(new RiverException(why));
            return true;
        });
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (VirtualResource vr : vrs.values()) vr.interruptThreads();
        timer.shutdownNow();
        discovery.close();
        control.shutdownNow();
        transport.close();
    }

    private static String advertisedHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
