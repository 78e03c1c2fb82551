package dev.river.mapreduce;

import dev.river.core.ClassSource;
import dev.river.core.Message;
import dev.river.core.RemoteVrException;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.mapreduce.Placement.MapperRef;
import dev.river.mapreduce.Placement.ReducerRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The driver side of one job and its loop: schedules map tasks, tells reducers where map outputs are,
 * collects results, publishes progress, and ends the job. Where the VRs run is {@link Placement}'s
 * job; surviving lost engines and crashed VRs is {@link Recovery}'s.
 *
 * <p>Threads: one coordinator thread owns all job state (the fields below, which Placement and
 * Recovery work on from that same thread) and is the only one receiving on the driver VR. Other
 * threads talk to it only through {@link #post} (a second VR sends to the driver, so an alert meant
 * for the coordinator is never consumed by them): the discovery thread posts lost engines, a
 * cancelling caller posts CANCEL. Progress is published through a volatile snapshot.
 */
final class Coordinator {
    // Placement and Recovery log under this name too, so logging set up for the coordinator still covers them.
    static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    private static final long PUBLISH_EVERY_NS = 100_000_000L;
    static final int PENDING = 0, RUNNING = 1, DONE = 2;

    // ---------------------------------------------------------------- fixed at start (any thread)
    final Spec spec;
    final List<Split> splits;
    final List<VmInfo> engines;
    private final Path outputDir;
    private final Comparator<Object> order;
    private final long inputTotal;
    private final long started = System.nanoTime();
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private volatile Progress progress;
    private volatile Timeline timeline;
    final VirtualResource driver;              // received on by the coordinator thread only
    private final VirtualResource signal;      // sends to the driver from other threads
    private final Consumer<VmInfo> lostListener;
    final Placement placement;
    final Recovery recovery;
    private final Thread thread;

    // ---------------------------------------------------------------- coordinator thread only
    // Package-private for Placement and Recovery, which run on the coordinator thread as well.
    final int[] taskState;
    final int[] taskAttempt;
    final MapperRef[] taskMapper;
    final long[][] taskLengths;
    final ArrayDeque<Integer> pending = new ArrayDeque<>();
    final Map<String, MapperRef> mappers = new LinkedHashMap<>();   // by engine address
    final ReducerRef[] reducers;
    final Set<String> lost = new HashSet<>();
    Progress.State state = Progress.State.STARTING;
    int mapsDone, reducesDone, tasksRerun, reducersRestarted;
    long inputDone;
    private long bytesShuffled;
    final TimelineLog timelineLog;
    private long lastPublished;

    /** The job failed (a user function threw, or no engine is left); carries what the caller sees. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final RuntimeException error;

        Failure(RuntimeException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    /** The job was cancelled by its caller. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    // ---------------------------------------------------------------- starting (caller thread)

    /** Validates the plan, cuts the input and starts the coordinator thread; input errors throw here. */
    static Running<?> start(Plan plan, List<VmInfo> engines, Path outputDir) {
        Running<?> r = new Running<>(new Coordinator(plan, engines, outputDir));
        Running.latest = r;
        return r;
    }

    @SuppressWarnings("unchecked")
    private Coordinator(Plan plan, List<VmInfo> engines, Path outputDir) {
        this.engines = List.copyOf(engines);
        this.timelineLog = new TimelineLog(started, this.engines);
        ClassLoader loader = Placement.userLoader(plan);
        Placement.checkSendable(plan, loader);
        int cores = 0;
        for (VmInfo vm : engines) cores += Math.max(1, vm.cores());
        if (plan.input == Spec.Input.ITEMS) {
            splits = Splitter.itemSplits(plan.items, plan.splits > 0 ? plan.splits : 4 * cores);
            inputTotal = plan.items.size();
        } else {
            inputTotal = Splitter.totalSize(plan.files);
            splits = plan.splits > 0 ? Splitter.fileSplitsByCount(plan.files, plan.splits)
                    : Splitter.fileSplits(plan.files, plan.splitSize > 0 ? plan.splitSize : Splitter.autoSplitSize(inputTotal, cores));
        }
        int partitions = plan.partitions > 0 ? plan.partitions : cores;
        this.outputDir = outputDir == null ? null : prepareOutput(outputDir);
        this.spec = new Spec(UUID.randomUUID(), partitions, splits.size(), plan.input,
                (Mapper<Object, Object, Object>) plan.mapper, (Combiner<Object>) plan.combiner,
                (Partitioner<Object>) plan.partitioner, (Reducer<Object, Object, Object>) plan.reducer,
                (Comparator<Object>) plan.keyOrder, plan.mapBuffer, plan.reduceBuffer,
                this.outputDir == null ? null : this.outputDir.toString());
        this.order = KeyOrder.of(plan.keyOrder);
        this.listeners.addAll(plan.listeners);

        taskState = new int[splits.size()];
        taskAttempt = new int[splits.size()];
        taskMapper = new MapperRef[splits.size()];
        taskLengths = new long[splits.size()][];
        for (int t = 0; t < splits.size(); t++) pending.add(t);
        reducers = new ReducerRef[partitions];
        for (int p = 0; p < partitions; p++) reducers[p] = new ReducerRef(p);
        progress = snapshot();
        timeline = timelineLog.snapshot();

        String name = "mapreduce-" + spec.shortId();
        ClassSource code = Placement.codeSource(plan);
        driver = River.attach(name, code, loader);
        signal = River.attach(name + "-signal", code, loader);
        placement = new Placement(this);
        recovery = new Recovery(this);
        lostListener = vm -> post(Wire.LOSTVM, "vm", vm.address());
        River.onEngineLost(lostListener);
        thread = new Thread(this::coordinate, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        thread.start();
    }

    /** Creates the output directory and removes part files of an earlier run. */
    private static Path prepareOutput(Path dir) {
        Path abs = dir.toAbsolutePath();
        try {
            Files.createDirectories(abs);
            try (Stream<Path> s = Files.list(abs)) {
                for (Path f : (Iterable<Path>) s::iterator) {
                    if (f.getFileName().toString().matches("part-\\d{5}")) Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("runToFiles: cannot prepare the output directory " + abs + ": " + e.getMessage(), e);
        }
        return abs;
    }

    // ---------------------------------------------------------------- other threads

    /** Fails fast where waiting for the result would wait forever: on the job's own thread (in a listener). */
    void checkNotCoordinator(String what) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException(what + " called from a progress listener, which runs on the job's own thread:"
                    + " it would wait for itself. Wait for the result elsewhere, or use future()");
        }
    }

    Progress progress() {
        return progress;
    }

    Timeline timeline() {
        return timeline;
    }

    void addListener(Consumer<Progress> listener) {
        listeners.add(listener);
        tell(listener, progress);
    }

    /** Cancels the job and waits until it has stopped (a bounded time). */
    void cancel() {
        if (result.isDone()) return;
        post(Wire.CANCEL);
        if (Thread.currentThread() == thread) return;      // from a progress listener: the job ends after it returns
        try {
            result.handle((v, e) -> null).get(Placement.END_WAIT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + " did not confirm its cancellation in time");
        }
    }

    /** Sends {@code (mr, attrs...)} to the coordinator from any thread. */
    private void post(Object... attrs) {
        Object[] msg = new Object[attrs.length + 1];
        msg[0] = Wire.KIND;
        System.arraycopy(attrs, 0, msg, 1, attrs.length);
        try {
            signal.send(driver.uuid(), msg);
        } catch (RiverException e) {
            LOG.log(System.Logger.Level.DEBUG, "job " + spec.shortId() + " has ended: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- the coordinator thread

    private void coordinate() {
        try {
            placement.deploy();
            state = splits.isEmpty() ? Progress.State.REDUCING : Progress.State.MAPPING;
            schedule();
            publish(true);
            while (reducesDone < reducers.length) handle(receive());
            Object value = outputDir == null ? merged() : partFiles();
            placement.shutdown();
            finish(Progress.State.DONE);
            result.complete(value);
        } catch (Failure f) {
            placement.shutdown();
            finish(Progress.State.FAILED);
            result.completeExceptionally(f.error);
        } catch (Cancelled c) {
            placement.shutdown();
            finish(Progress.State.CANCELLED);
            result.completeExceptionally(new CancellationException("the MapReduce job was cancelled (" + progress + ")"));
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "MapReduce job " + spec.shortId() + " failed", t);
            try {
                placement.shutdown();
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
            finish(Progress.State.FAILED);
            result.completeExceptionally(t instanceof RiverException ? t : new RiverException("MapReduce job failed: " + t, t));
        } finally {
            River.removeEngineLostListener(lostListener);
            River.detach(signal);
            River.detach(driver);
        }
    }

    private Message receive() {
        while (true) {
            try {
                return driver.recv();
            } catch (RemoteVrException e) {
                recovery.vrFailed(e);
            } catch (UndeliverableException e) {
                LOG.log(System.Logger.Level.DEBUG, "undeliverable: " + e.getMessage());
            }
        }
    }

    private void handle(Message m) {
        switch (m.getInt(Wire.KIND)) {
            case Wire.MAPPED -> mapped(m);
            case Wire.MAPFAIL -> {
                int t = m.getInt("task");
                if (taskState[t] == RUNNING && taskAttempt[t] == m.getInt("attempt")) {
                    timelineLog.mapEnded(t, false);
                    throw new Failure(new MapReduceException(m.getString("function"), m.getString("where"), m.get("error")));
                }
            }
            case Wire.FETCHED -> {
                if (recovery.current(m)) {
                    bytesShuffled += m.getLong("bytes");
                    timelineLog.fetched(placement.engineOf(m.get("mapper")), reducers[m.getInt("part")].vm, m.getLong("bytes"));
                    publish(false);
                }
            }
            case Wire.RESULT -> {
                if (recovery.current(m)) {
                    ReducerRef r = reducers[m.getInt("part")];
                    r.keys.addAll(m.get("keys"));
                    r.vals.addAll(m.get("vals"));
                }
            }
            case Wire.REDUCED -> {
                if (recovery.current(m)) {
                    reducers[m.getInt("part")].done = true;
                    timelineLog.reduced(m.getInt("part"), m.getLong("reduceNanos"));
                    reducesDone++;
                    publish(reducesDone == reducers.length);
                }
            }
            case Wire.REDFAIL -> {
                if (recovery.current(m)) {
                    reducers[m.getInt("part")].done = true;     // it has ended
                    timelineLog.reduceFailed(m.getInt("part"));
                    throw new Failure(new MapReduceException(m.getString("function"), m.getString("where"), m.get("error")));
                }
            }
            case Wire.PING -> Sends.quiet(driver, m.src(), Wire.KIND, recovery.isCurrent(m.src()) ? Wire.PONG : Wire.END);
            case Wire.LOSTVM -> recovery.engineLost(m.getString("vm"));
            case Wire.CANCEL -> throw new Cancelled();
            default -> { }                    // a late ENDED
        }
    }

    private void mapped(Message m) {
        int t = m.getInt("task");
        MapperRef mapper = taskMapper[t];
        if (taskState[t] != RUNNING || taskAttempt[t] != m.getInt("attempt") || mapper == null || !mapper.vr.equals(m.src())) return;
        taskState[t] = DONE;
        timelineLog.mapEnded(t, true);
        taskLengths[t] = m.get("lengths");
        mapper.running--;
        mapsDone++;
        inputDone += splits.get(t).size();
        for (ReducerRef r : reducers) if (!r.done) announce(r, t);
        if (mapsDone == splits.size()) state = Progress.State.REDUCING;
        schedule();
        publish(mapsDone == splits.size());
    }

    /** Tells reducer {@code r} where task {@code t}'s output is. */
    void announce(ReducerRef r, int t) {
        Sends.quiet(driver, r.vr, Wire.KIND, Wire.AVAIL, "task", t, "attempt", taskAttempt[t], "mapper", taskMapper[t].vr,
                "len", taskLengths[t][r.partition]);
    }

    /** Gives pending tasks to mappers with free slots, one per mapper in turn. */
    void schedule() {
        boolean assigned = true;
        while (!pending.isEmpty() && assigned) {
            assigned = false;
            for (MapperRef m : mappers.values()) {
                if (pending.isEmpty()) break;
                if (!m.alive || m.running >= m.slots) continue;
                int t = pending.poll();
                taskAttempt[t]++;
                if (Sends.quiet(driver, m.vr, Wire.KIND, Wire.TASK, "task", t, "attempt", taskAttempt[t], "split", splits.get(t))) {
                    taskState[t] = RUNNING;
                    taskMapper[t] = m;
                    m.running++;
                    timelineLog.mapSent(t, taskAttempt[t], m.vm.address());
                    assigned = true;
                } else {
                    pending.addFirst(t);
                    m.alive = false;          // its engine is gone; the LOSTVM notice follows
                }
            }
        }
    }

    // ---------------------------------------------------------------- results and the end

    /** The partitions' results merged into one map in key order. */
    private Map<Object, Object> merged() {
        int total = 0;
        for (ReducerRef r : reducers) total += r.keys.size();
        Map<Object, Object> out = new LinkedHashMap<>(Math.max(16, (int) (total / 0.75f) + 1));
        if (reducers.length == 1) {
            ReducerRef r = reducers[0];
            for (int i = 0; i < r.keys.size(); i++) out.put(r.keys.get(i), r.vals.get(i));
            return out;
        }
        int[] next = new int[reducers.length];
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> {
            int c = order.compare(reducers[a].keys.get(next[a]), reducers[b].keys.get(next[b]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int p = 0; p < reducers.length; p++) if (!reducers[p].keys.isEmpty()) heap.add(p);
        while (!heap.isEmpty()) {
            int p = heap.poll();
            ReducerRef r = reducers[p];
            out.put(r.keys.get(next[p]), r.vals.get(next[p]));
            if (++next[p] < r.keys.size()) heap.add(p);
        }
        for (ReducerRef r : reducers) {
            r.keys.clear();
            r.vals.clear();
        }
        return out;
    }

    private List<Path> partFiles() {
        List<Path> out = new ArrayList<>();
        for (int p = 0; p < reducers.length; p++) out.add(outputDir.resolve(ReducerVr.partFile(p)));
        return out;
    }

    private void finish(Progress.State end) {
        state = end;
        timelineLog.ended(end == Progress.State.DONE);
        publish(true);
    }

    // ---------------------------------------------------------------- progress

    private Progress snapshot() {
        return new Progress(state, mapsDone, splits.size(), inputDone, inputTotal, bytesShuffled, reducesDone, reducers.length,
                tasksRerun, reducersRestarted, Duration.ofNanos(System.nanoTime() - started));
    }

    void publish(boolean force) {
        long now = System.nanoTime();
        progress = snapshot();
        if (!force && now - lastPublished < PUBLISH_EVERY_NS) return;
        lastPublished = now;
        timeline = timelineLog.snapshot();     // only at the throttled pace: it copies every interval
        for (Consumer<Progress> l : listeners) tell(l, progress);
    }

    private void tell(Consumer<Progress> listener, Progress p) {
        try {
            listener.accept(p);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a MapReduce progress listener threw; ignored", e);
        }
    }
}
