package dev.river.discovery;

import dev.river.core.VmInfo;
import dev.river.security.ClusterSecret;
import dev.river.security.FrameAuth;
import org.zeromq.ZBeacon;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds River VMs two ways and merges them into one table: UDP broadcast beacons (JeroMQ
 * {@link ZBeacon}) on a well-known port, and explicit peers ({@code host:port}) probed with a status
 * request, for networks that drop broadcast. A VM that neither beacons nor answers for
 * five intervals plus a second is dropped, and lost-listeners hear of it.
 *
 * <p>Internal. Threads: ZBeacon's own threads call {@link #seen}; one scheduler thread ("river-discovery")
 * refreshes our beacon, probes peers and expires entries. The table is a concurrent map.
 */
public final class Discovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Discovery.class.getName());

    /** Settings; {@code announce} is false for embedded VMs (clients), which listen but do not offer themselves. */
    public record Config(int port, String broadcastAddress, Duration interval, Set<String> peers, boolean announce) {}

    private record Entry(VmInfo info, long lastSeenNanos, int sightings) {}

    private final Config config;
    private final Supplier<VmInfo> self;
    private final boolean wildcardHost;
    private final Function<String, CompletableFuture<List<VmInfo>>> prober;
    private final Map<UUID, Entry> table = new ConcurrentHashMap<>();
    private final Set<String> peers = ConcurrentHashMap.newKeySet();
    private final List<Consumer<VmInfo>> lostListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<VmInfo>> foundListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();
    /** Some VM was seen twice: this listener has heard a whole beacon cycle (guarded by this). */
    private boolean cycleHeard;
    private final java.util.concurrent.atomic.AtomicLong rejectedBeacons = new java.util.concurrent.atomic.AtomicLong();
    private final ZBeacon beacon;
    private final FrameAuth beaconAuth;   // its own replay table: beacon stamps are not frame counters

    /**
     * @param self   this VM's current info (its load and allocation change), or null for a client
     * @param prober asks a peer {@code host:port} for its status and the VMs it knows
     */
    public Discovery(Config config, Supplier<VmInfo> self, boolean wildcardHost,
                     Function<String, CompletableFuture<List<VmInfo>>> prober) {
        this.config = config;
        this.self = self;
        this.wildcardHost = wildcardHost;
        this.prober = prober;
        this.peers.addAll(config.peers());
        this.beaconAuth = new FrameAuth(ClusterSecret.load().key());
        ZBeacon b = null;
        if (config.port() > 0) {
            byte[] payload = self != null ? Beacons.encode(self.get(), wildcardHost, beaconAuth) : Beacons.PREFIX;
            b = new ZBeacon.Builder()
                    .client(config.broadcastAddress())
                    .port(config.port())
                    .beacon(payload)
                    .prefix(Beacons.PREFIX)
                    .ignoreLocalAddress(false)
                    .blocking(false)
                    .broadcastInterval(config.interval().toMillis())
                    .listener(this::onBeacon)
                    .build();
            b.setUncaughtExceptionHandlers(
                    (t, e) -> LOG.log(System.Logger.Level.WARNING, "beacon broadcast failed: " + e),
                    (t, e) -> LOG.log(System.Logger.Level.WARNING, "beacon listener failed: " + e));
            if (config.announce()) b.start();
            else b.startServer();
        }
        this.beacon = b;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "river-discovery");
            t.setDaemon(true);
            return t;
        });
        long ms = config.interval().toMillis();
        timer.scheduleAtFixedRate(this::tick, 0, ms, TimeUnit.MILLISECONDS);
    }

    private void onBeacon(InetAddress sender, byte[] payload) {
        try {
            if (payload.length == Beacons.PREFIX.length) return;   // a client's silent beacon
            seen(Beacons.decode(payload, sender, beaconAuth));
        } catch (Beacons.ReplayedBeacon e) {
            // a repeat of the last beacon, or a replay: nothing new either way
        } catch (SecurityException e) {
            long n = rejectedBeacons.incrementAndGet();
            if (n <= 10 || n % 1000 == 0) LOG.log(System.Logger.Level.WARNING, "ignored a beacon: " + e.getMessage() + " [" + n + " so far]");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ignored a malformed beacon from " + sender + ": " + e.getMessage());
        }
    }

    /** Records that {@code vm} is alive now. */
    public void seen(VmInfo vm) {
        VmInfo me = self == null ? null : self.get();
        if (me != null && me.id().equals(vm.id())) return;
        long now = System.nanoTime();
        Entry old = table.get(vm.id());
        Entry e = new Entry(vm, now, old == null ? 1 : Math.min(old.sightings() + 1, 2));
        table.put(vm.id(), e);
        if (old == null) for (Consumer<VmInfo> l : foundListeners) l.accept(vm);
        if (old == null || (e.sightings() == 2 && old.sightings() < 2)) {
            synchronized (this) {
                if (e.sightings() == 2) cycleHeard = true;
                notifyAll();   // wakes awaitAtLeast and await
            }
        }
    }

    private void tick() {
        try {
            if (beacon != null && self != null && config.announce()) {
                beacon.setBeacon(Beacons.encode(self.get(), wildcardHost, beaconAuth));
            }
            for (String peer : peers) {
                prober.apply(peer).whenComplete((vms, err) -> {
                    if (err != null) {
                        LOG.log(System.Logger.Level.DEBUG, "peer " + peer + " did not answer: " + err.getMessage());
                    } else {
                        vms.forEach(this::seen);
                    }
                });
            }
            expire();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "discovery tick failed", e);
        }
    }

    private void expire() {
        // Five missed intervals plus a second: tolerant of GC pauses and a loaded 2-core machine, yet a
        // dead VM is gone within a few seconds (2 s with the tests' 200 ms beacons, 6 s by default).
        long limit = config.interval().toNanos() * 5 + TimeUnit.SECONDS.toNanos(1);
        long now = System.nanoTime();
        for (Entry e : List.copyOf(table.values())) {
            if (now - e.lastSeenNanos() > limit && table.remove(e.info().id(), e)) {
                LOG.log(System.Logger.Level.INFO, "VM " + e.info().name() + " (" + e.info().address() + ") stopped answering; dropped");
                for (Consumer<VmInfo> l : lostListeners) l.accept(e.info());
            }
        }
    }

    /** Adds explicit peers ({@code host:port}) to probe from now on. */
    public void addPeers(Set<String> more) {
        peers.addAll(more);
        timer.execute(this::tick);
    }

    /** The explicit peers being probed. */
    public Set<String> peers() {
        return new LinkedHashSet<>(peers);
    }

    /** Runs {@code listener} (on the discovery thread) whenever a VM is dropped. */
    public void onLost(Consumer<VmInfo> listener) {
        lostListeners.add(listener);
    }

    /** Runs {@code listener} (on the thread that saw it) whenever a VM enters the table, or comes back. */
    public void onFound(Consumer<VmInfo> listener) {
        foundListeners.add(listener);
    }

    /** Stops running a listener given to {@link #onLost}. */
    public void removeLost(Consumer<VmInfo> listener) {
        lostListeners.remove(listener);
    }

    /** Whether the VM is currently in the table. */
    public boolean isAlive(UUID vm) {
        return table.containsKey(vm);
    }

    /** The VMs known now, sorted by name. */
    public List<VmInfo> snapshot() {
        List<VmInfo> out = new ArrayList<>();
        for (Entry e : table.values()) out.add(e.info());
        out.sort(Comparator.comparing(VmInfo::name).thenComparing(VmInfo::address));
        return out;
    }

    /**
     * The VMs known once this discovery has heard a whole beacon cycle: one interval (plus slack for a
     * probe round trip) and some VM seen twice, so every VM beaconing at that interval had its turn.
     * On a loaded machine a fresh JVM's listener starts late and beacons arrive late, so a fixed wait
     * would miss VMs; with nobody beaconing it gives up after three intervals (after which a VM counts
     * as gone anyway). Once a cycle was heard it answers at once.
     */
    public List<VmInfo> await() throws InterruptedException {
        long interval = config.interval().toNanos();
        long earliest = startNanos + interval + TimeUnit.MILLISECONDS.toNanos(150);
        long latest = startNanos + 3 * interval + TimeUnit.MILLISECONDS.toNanos(150);
        synchronized (this) {
            while (true) {
                long now = System.nanoTime();
                if (now >= latest || (now >= earliest && cycleHeard)) break;
                TimeUnit.NANOSECONDS.timedWait(this, (cycleHeard ? earliest : latest) - now);
            }
        }
        return snapshot();
    }

    /** Waits until at least {@code n} VMs are known, or the timeout passes; returns what is known. */
    public List<VmInfo> awaitAtLeast(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (table.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return snapshot();
    }

    public Duration interval() {
        return config.interval();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (beacon != null) {
            try {
                beacon.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
