package dev.river.checkpoint;

import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmContext;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Coordinated checkpoints of one application (all VRs deployed from the same initiator or driver),
 * restart from them on any VMs, and migration of single live VRs.
 *
 * <pre>{@code
 * VirtualResource driver = River.attach("heat");
 * List<VrId> ranks = driver.deploy(engines, Heat.class);           // VRs written as in VirtualResource#checkpoint()
 * Checkpoints cps = Checkpoints.of(driver);                          // the driver's application
 *
 * Checkpoint c = cps.save();                                         // freeze, settle, save, thaw: whole or absent
 * try (Periodic p = cps.retain(3).every(Duration.ofSeconds(10))) {   // or every 10 s, keeping the last 3
 *     ...
 * }
 * cps.list().forEach(System.out::println);                           // epoch, time, VRs, bytes
 *
 * // all engines lost: resume the last checkpoint on other engines (any number of them)
 * Restored r = cps.restore(River.awaitEngines(3, Duration.ofSeconds(30)));
 *
 * VrId moved = cps.migrate(ranks.get(0), otherEngine);               // move one live VR; peers keep sending
 * }</pre>
 *
 * <p>Where files go: {@code <directory>/<app>/<epoch>/}, by default under {@code ~/.river/checkpoints}
 * (or {@code $RIVER_CHECKPOINT_DIR}). Each engine writes its own VRs' state files there, so with
 * engines on several hosts the directory must be shared (NFS, say), or use {@link #collected()} to have
 * the coordinator write them all. The coordinator writes the MANIFEST last.
 *
 * <p>An instance is immutable and thread-safe; the configuring methods return new instances. The
 * coordinator is the VM of the VR given to {@link #of}; call {@link #save} from a driver or from a
 * thread other than the application's VRs' own (a VR cannot wait for its own freeze).
 */
public final class Checkpoints {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final VirtualResource driver;
    private final UUID app;
    private final Path root;
    private final Duration timeout;
    private final boolean collect;
    private final int retain;

    private Checkpoints(VirtualResource driver, UUID app, Path root, Duration timeout, boolean collect, int retain) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.app = Objects.requireNonNull(app, "app");
        this.root = root;
        this.timeout = timeout;
        this.collect = collect;
        this.retain = retain;
    }

    /** Checkpoints of {@code vr}'s own application (a driver: the VRs it deployed, and theirs). */
    public static Checkpoints of(VirtualResource vr) {
        return of(vr, vr.app());
    }

    /** Checkpoints of application {@code app}, coordinated from {@code vr}'s VM (e.g. a new driver after a crash). */
    public static Checkpoints of(VirtualResource vr, UUID app) {
        return new Checkpoints(vr, app, defaultRoot(), DEFAULT_TIMEOUT, false, 0);
    }

    static Path defaultRoot() {
        String env = System.getenv("RIVER_CHECKPOINT_DIR");
        if (env == null) env = System.getProperty("river.checkpoint.dir");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".river", "checkpoints");
    }

    /** The same, storing under {@code root} (absolute on every host; shared when engines are on several hosts). */
    public Checkpoints directory(Path root) {
        return new Checkpoints(driver, app, root, timeout, collect, retain);
    }

    /** The same, waiting at most {@code t} for VRs to freeze and messages to settle (default 60 s). */
    public Checkpoints timeout(Duration t) {
        if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + t);
        return new Checkpoints(driver, app, root, t, collect, retain);
    }

    /** The same, with engines sending their state to the coordinator, which writes every file: no shared directory needed. */
    public Checkpoints collected() {
        return new Checkpoints(driver, app, root, timeout, true, retain);
    }

    /** The same, deleting all but the newest {@code n} checkpoints after each save (0 keeps all). */
    public Checkpoints retain(int n) {
        if (n < 0) throw new IllegalArgumentException("retain needs n >= 0, got " + n);
        return new Checkpoints(driver, app, root, timeout, collect, n);
    }

    /** The application's UUID. */
    public UUID app() {
        return app;
    }

    /** Where this application's checkpoints are: {@code <root>/<app>}. */
    public Path directory() {
        return store().appDir(app);
    }

    // ---------------------------------------------------------------- taking checkpoints

    /**
     * Takes a coordinated checkpoint now: freezes every VR of the application at its next safe point,
     * lets the messages in flight settle into their receivers' queues, writes each VR's state and
     * queue, thaws. Loop VRs (those that call {@code checkpoint()}) all stop at the same iteration.
     *
     * @return the checkpoint, complete on disk
     * @throws CheckpointException if it could not be taken; then nothing was saved and the application runs on
     */
    public Checkpoint save() {
        return saveAt(0);
    }

    /**
     * As {@link #save}, freezing loop VRs when they call {@code checkpoint()} for the {@code call}-th
     * time (or later, if one of them has already passed it): a checkpoint at a chosen iteration.
     */
    public Checkpoint saveAt(long call) {
        if (call < 0) throw new IllegalArgumentException("call must be >= 0, got " + call);
        if (VmContext.isVrThread(driver) && here().vr(driver.uuid().uuid()).isPresent() && driver.app().equals(app)) {
            throw new IllegalStateException(driver + " is a VR of the application it checkpoints and called save() on its own"
                    + " thread: it cannot be frozen while it waits for the checkpoint. Checkpoint from a driver"
                    + " (River.attach), or use every(...), which saves from a thread of its own");
        }
        Checkpoint c = coordinator().save(call);
        if (retain > 0) prune(retain);
        return c;
    }

    /**
     * Takes a checkpoint every {@code interval} (the first one interval from now) until the returned
     * handle is closed or the application has ended. Failures are counted and logged, not thrown.
     */
    public Periodic every(Duration interval) {
        return new Periodic(this, interval);
    }

    // ---------------------------------------------------------------- listing and deleting

    /** Complete checkpoints of the application, oldest first. */
    public List<Checkpoint> list() {
        return store().list(app);
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Checkpoint> latest() {
        return store().latest(app);
    }

    /** Epoch {@code epoch}, read from its manifest. @throws CheckpointException if it is absent, incomplete or corrupt */
    public Checkpoint get(long epoch) {
        return store().read(app, epoch).checkpoint();
    }

    /**
     * Checks every state file of epoch {@code epoch} against the manifest's checksums (from this VM,
     * so the directory must be visible here). A restore does the same on each target before starting anything.
     *
     * @throws CheckpointException naming the first file that is missing or corrupt
     */
    public Checkpoint verify(long epoch) {
        Checkpoint c = get(epoch);
        for (Checkpoint.SavedVr v : c.vrs()) StateFile.open(c.directory().resolve(v.file()), app, epoch, v.vr(), v.crc());
        return c;
    }

    /** Deletes epoch {@code epoch} (its manifest first, so it never looks whole while half deleted). */
    public void delete(long epoch) {
        store().delete(app, epoch);
    }

    /**
     * Deletes all but the newest {@code keep} complete checkpoints, and the remains of failed ones older
     * than the newest complete one; returns how many epochs were deleted.
     */
    public int prune(int keep) {
        Store s = store();
        List<Checkpoint> complete = s.list(app);
        long newest = complete.isEmpty() ? 0 : complete.get(complete.size() - 1).epoch();
        java.util.Set<Long> kept = new java.util.HashSet<>();
        for (int i = Math.max(0, complete.size() - keep); i < complete.size(); i++) kept.add(complete.get(i).epoch());
        int deleted = 0;
        for (long e : s.epochs(app)) {
            if (kept.contains(e) || e > newest) continue;   // newer incomplete ones may be checkpoints under way
            s.delete(app, e);
            deleted++;
        }
        return deleted;
    }

    // ---------------------------------------------------------------- restart and migration

    /** Resumes the application from its newest checkpoint on {@code vms} (any number of them). */
    public Restored restore(List<VmInfo> vms) {
        Checkpoint c = latest().orElseThrow(() -> new CheckpointException(0, "application " + app + " has no complete checkpoint in "
                + directory()));
        return restore(c.epoch(), vms);
    }

    /** Resumes the application from checkpoint {@code epoch} on {@code vms}. */
    public Restored restore(long epoch, List<VmInfo> vms) {
        List<String> addresses = new ArrayList<>();
        for (VmInfo vm : vms) addresses.add(vm.address());
        return restoreTo(epoch, addresses, null);
    }

    /**
     * Resumes the application from checkpoint {@code epoch} on the VMs at {@code vms} ({@code host:port}).
     * The restored VRs ship their code from this VM (the driver's class loader must have the
     * application's classes). VRs whose parent was not saved (a driver that is gone) get
     * {@code adopter} as parent when it is not null, so their results and failures reach it.
     *
     * @throws CheckpointException if the checkpoint is absent, incomplete or corrupt, if the application
     *         still runs, or if a target cannot install its part; then nothing was started
     */
    public Restored restoreTo(long epoch, List<String> vms, VirtualResource adopter) {
        return new Restorer(here(), VmContext.codeOf(driver), app, store(), coordinator())
                .restore(epoch, vms, adopter == null ? null : adopter.uuid());
    }

    /**
     * Moves one live VR to {@code to} while its peers keep sending to it: it is frozen at its next safe
     * point, its image is installed on {@code to}, and what arrives at its old VM is forwarded until
     * the senders' VMs learn the new route. Each sender's messages arrive exactly once and in order.
     *
     * @return its id on the new VM (equal to {@code vr}: same UUID)
     */
    public VrId migrate(VrId vr, VmInfo to) {
        return migrateTo(vr, to.address());
    }

    /** As {@link #migrate}, to the VM at {@code to} ({@code host:port}). */
    public VrId migrateTo(VrId vr, String to) {
        VmContext here = here();
        String from = here.locate(vr);
        java.time.Instant begun = java.time.Instant.now();
        VrId now;
        try {
            now = here.callAndWait(from, new Tasks.Move(vr.uuid(), to, timeout.toMillis()), timeout.plusSeconds(30));
        } catch (RiverException e) {
            throw new RiverException("migrating " + vr + " from " + from + " to " + to + " failed: " + e.getMessage(), e);
        }
        here.learnRoute(vr.uuid(), to);
        new EventLog(directory()).append(CheckpointHistory.Kind.MIGRATE, 0, begun, Map.of(vr.uuid(), now.vm()));
        return now;
    }

    // ---------------------------------------------------------------- inline state

    /**
     * The application's VRs now: where each runs, what it is doing, its queue, and what the newest
     * checkpoint holds of it. VRs saved in that checkpoint but not running (the application was
     * stopped) are listed with state "saved".
     */
    public List<VrStatus> show() {
        Optional<Checkpoint> last = latest();
        Map<UUID, Checkpoint.SavedVr> saved = new HashMap<>();
        last.ifPresent(c -> c.vrs().forEach(v -> saved.put(v.vr(), v)));
        long epoch = last.map(Checkpoint::epoch).orElse(0L);
        List<VrStatus> out = new ArrayList<>();
        java.util.Set<UUID> seen = new java.util.HashSet<>();
        for (Map.Entry<String, CompletableFuture<List<VmContext.Status>>> e : coordinator().statuses().entrySet()) {
            List<VmContext.Status> statuses;
            try {
                statuses = VmContext.await(e.getValue());
            } catch (RiverException unreachable) {
                continue;
            }
            for (VmContext.Status s : statuses) {
                Checkpoint.SavedVr sv = saved.get(s.id().uuid());
                seen.add(s.id().uuid());
                out.add(new VrStatus(s.id().uuid(), e.getKey(), s.className(), s.state(), s.style(), s.calls(), s.queued(),
                        sv == null ? 0 : sv.bytes(), sv == null ? 0 : epoch));
            }
        }
        for (Checkpoint.SavedVr v : saved.values()) {
            if (!seen.contains(v.vr())) {
                out.add(new VrStatus(v.vr(), v.vm(), v.className(), "saved", v.style(), v.calls(), -1, v.bytes(), epoch));
            }
        }
        out.sort(java.util.Comparator.comparing(VrStatus::vm).thenComparing(s -> s.uuid().toString()));
        return out;
    }

    /**
     * The application's checkpoint history: the saves still on disk, the restores and migrations done
     * (recorded next to the checkpoints), and where each VR runs now.
     */
    public CheckpointHistory history() {
        List<CheckpointHistory.Event> events = new ArrayList<>();
        Map<UUID, String> classes = new HashMap<>();
        for (Checkpoint c : list()) {
            Map<UUID, String> vms = new HashMap<>();
            Map<UUID, Long> bytes = new HashMap<>();
            for (Checkpoint.SavedVr v : c.vrs()) {
                vms.put(v.vr(), v.vm());
                bytes.put(v.vr(), v.bytes());
                classes.put(v.vr(), v.className());
            }
            events.add(new CheckpointHistory.Event(CheckpointHistory.Kind.SAVE, c.epoch(), c.time(), c.frozen(), vms, bytes));
        }
        events.addAll(new EventLog(directory()).read());
        events.sort(java.util.Comparator.comparing(CheckpointHistory.Event::time));
        Map<UUID, String> running = new HashMap<>();
        for (VrStatus s : show()) {
            classes.put(s.uuid(), s.className());
            if (!s.state().equals("saved") && !s.state().equals("ended")) running.put(s.uuid(), s.vm());
        }
        return new CheckpointHistory(app, events, running, classes);
    }

    // ---------------------------------------------------------------- plumbing

    private Store store() {
        return new Store(root);
    }

    private VmContext here() {
        return VmContext.of(driver);
    }

    private Coordinator coordinator() {
        return new Coordinator(here(), app, store(), timeout, collect);
    }

    @Override public String toString() {
        return "Checkpoints[app " + app + " in " + directory() + "]";
    }
}
