package dev.river.core;

import dev.river.discovery.Discovery;
import dev.river.security.ClusterSecret;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One River VM: the runtime of an engine, or embedded in a program or the kernel. This class holds
 * the VM's identity, its VRs and its lifecycle (start, allocation lease, checkpoint freezes, close),
 * and is the facade the rest of the core calls; {@link Router} moves messages and VRs,
 * {@link ControlService} serves and sends Control requests (deploy, code shipping, status...).
 *
 * <p>Threads: {@link Transport}'s reader threads call {@link Router#onIncoming} (one per connection, so
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
    // Built before the transport: its reader threads may call the router as soon as it is bound.
    final Router router = new Router(this);
    final ControlService controls = new ControlService(this);
    final Transport transport;
    final Discovery discovery;
    final ClassLoader engineLoader = Node.class.getClassLoader();
    private final Map<UUID, VirtualResource> vrs = new ConcurrentHashMap<>();
    /** VMs discovery dropped: sends and requests to them fail at once instead of timing out. */
    final Set<String> lostVms = ConcurrentHashMap.newKeySet();
    private final Map<String, UUID> heldAllocations = new ConcurrentHashMap<>();   // vm address -> owner
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

    /** A freeze of one application on this VM: who asked ({@code token}) and the loop VRs' target call. */
    record AppFreeze(String token, long target) {}
    final ExecutorService control;
    private final ScheduledExecutorService timer;
    private final AtomicInteger vrCount = new AtomicInteger();
    // Allocation of this VM (engines): owner and the time of its last renewal; guarded by this.
    private UUID allocatedTo;
    private long allocationRenewed;
    private volatile boolean closed;

    Node(NodeConfig config) {
        this.config = config;
        this.transport = new Transport(config.bind(), config.port(), config.name() == null ? "vm" : config.name(),
                ClusterSecret.load().key(), router::onIncoming, router::endOfBatch, router::reject);
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
            controls.failPending(vm.address(), "VM " + vm.name() + " (" + vm.address() + ") stopped answering and was dropped by discovery");
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
        router.arrived(u);      // back here (a restore), or here for the first time
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

    List<VirtualResource> localVrs() {
        return new ArrayList<>(vrs.values());
    }

    /** VRs in {@code restarted} resumed from a checkpoint: every queue here restarts their channels (see MessageQueue#restart). */
    void restartChannels(Set<UUID> restarted) {
        for (VirtualResource vr : vrs.values()) {
            if (!restarted.contains(vr.uuid().uuid())) vr.queue().restart(restarted);
        }
    }

    // ---------------------------------------------------------------- messaging and routes: see Router

    void route(VirtualResource from, VrId dest, Map<String, Object> attrs) {
        router.route(from, dest, attrs);
    }

    String locate(VrId vr) {
        return router.locate(vr);
    }

    void learnRoute(UUID vr, String vm) {
        router.learnRoute(vr, vm);
    }

    void announceRoute(UUID vr, String vm) {
        router.announceRoute(vr, vm);
    }

    VrId move(VirtualResource vr, String target, Duration timeout) {
        return router.move(vr, target, timeout);
    }

    /** The old copy of {@code vr} has moved to another VM (see Router#move): it no longer counts here. */
    void movedAway(VirtualResource vr) {
        vrs.remove(vr.uuid().uuid(), vr);
        vrCount.decrementAndGet();
    }

    long rejectedFrames() {
        return router.rejectedFrames();
    }

    // ---------------------------------------------------------------- requests and code shipping: see ControlService

    Object request(String vm, Object req) {
        return controls.request(vm, req);
    }

    CompletableFuture<Object> requestAsync(String vm, Object req, Duration timeout) {
        return controls.requestAsync(vm, req, timeout);
    }

    UUID registerCode(ClassSource source) {
        return controls.registerCode(source);
    }

    UUID registerForward(String vm, UUID ref) {
        return controls.registerForward(vm, ref);
    }

    byte[] fetchCode(String vm, UUID ref, String path) {
        return controls.fetchCode(vm, ref, path);
    }

    void push(String vm, String codeVm, UUID codeRef, Map<String, byte[]> files) {
        controls.push(vm, codeVm, codeRef, files);
    }

    static <T extends VirtualResource> T instantiate(Class<T> c) {
        return ControlService.instantiate(c);
    }

    // ---------------------------------------------------------------- allocation lease

    synchronized boolean allocate(Control.Allocate a) {
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

    // ---------------------------------------------------------------- checkpoints: freeze, thaw, install (moves: see Router)

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
            if (router.moving(vr.uuid().uuid())) {
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

    /** Whether a checkpoint of {@code app} has frozen it here. */
    boolean freezing(UUID app) {
        return freezes.containsKey(app);
    }

    /** Thrown at the old copy of a VR that moved, at its safe point; ends its thread quietly. */
    static final class Relocated extends Error {
        Relocated(String message) {
            super(message, null, false, false);
        }
    }

    // ---------------------------------------------------------------- VR lifecycle events

    void vrFailed(VirtualResource vr, Throwable t) {
        RemoteVrException ex = RemoteVrException.of(t, vr.uuid(),
                "VR " + vr.getClass().getName() + " " + vr.uuid() + " on VM " + name + " failed");
        LOG.log(System.Logger.Level.WARNING, ex.getMessage(), t);
        if (vr.parent() != null) {
            try {
                router.sendEvent(vr.parent(), new Control.Event("failed", ex.getMessage(), ex));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not tell the parent " + vr.parent() + " of the failure", e);
            }
        }
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
