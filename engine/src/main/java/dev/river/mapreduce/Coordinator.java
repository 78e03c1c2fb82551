package dev.river.mapreduce;

import dev.river.core.ClassSource;
import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.sfm.Codec;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The driver side of one job: deploys a mapper per engine and a reducer per partition, schedules map
 * tasks, tells reducers where map outputs are, handles lost engines (re-runs their tasks, restarts
 * their reducers), collects results, and stops everything at the end.
 *
 * <p>Threads: one coordinator thread owns all job state and is the only one receiving on the driver
 * VR. Other threads talk to it only through {@link #post} (a second VR sends to the driver, so an
 * alert meant for the coordinator is never consumed by them): the discovery thread posts lost
 * engines, a cancelling caller posts CANCEL. Progress is published through a volatile snapshot.
 */
final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    private static final long PUBLISH_EVERY_NS = 100_000_000L;
    private static final Duration END_WAIT = Duration.ofSeconds(10);
    private static final int PENDING = 0, RUNNING = 1, DONE = 2;

    // ---------------------------------------------------------------- fixed at start (any thread)
    private final Spec spec;
    private final List<Split> splits;
    private final List<VmInfo> engines;
    private final Path outputDir;
    private final Comparator<Object> order;
    private final long inputTotal;
    private final long started = System.nanoTime();
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private volatile Progress progress;
    private final VirtualResource driver;      // received on by the coordinator thread only
    private final VirtualResource signal;      // sends to the driver from other threads
    private final Consumer<VmInfo> lostListener;
    private final Thread thread;

    // ---------------------------------------------------------------- coordinator thread only
    private final int[] taskState;
    private final int[] taskAttempt;
    private final MapperRef[] taskMapper;
    private final long[][] taskLengths;
    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
    private final Map<String, MapperRef> mappers = new LinkedHashMap<>();   // by engine address
    private final ReducerRef[] reducers;
    private final Set<String> lost = new HashSet<>();
    private Progress.State state = Progress.State.STARTING;
    private int mapsDone, reducesDone, tasksRerun, reducersRestarted;
    private long inputDone, bytesShuffled;
    private long lastPublished;

    /** A mapper VR: where it runs and how many tasks it runs now. */
    private static final class MapperRef {
        final VmInfo vm;
        final VrId vr;
        final int slots;
        int running;
        boolean alive = true;

        MapperRef(VmInfo vm, VrId vr) {
            this.vm = vm;
            this.vr = vr;
            this.slots = Math.max(1, vm.cores());
        }
    }

    /** A partition's reducer: its current attempt, where it runs, and the results it sent. */
    private static final class ReducerRef {
        final int partition;
        int attempt;
        VrId vr;
        String vm;
        boolean done;
        final List<Object> keys = new ArrayList<>();
        final List<Object> vals = new ArrayList<>();

        ReducerRef(int partition) {
            this.partition = partition;
        }
    }

    /** The job failed (a user function threw, or no engine is left); carries what the caller sees. */
    private static final class Failure extends RuntimeException {
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
        return new Running<>(new Coordinator(plan, engines, outputDir));
    }

    @SuppressWarnings("unchecked")
    private Coordinator(Plan plan, List<VmInfo> engines, Path outputDir) {
        this.engines = List.copyOf(engines);
        ClassLoader loader = userLoader(plan);
        checkSendable(plan, loader);
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

        String name = "mapreduce-" + spec.shortId();
        driver = River.attach(name, codeSource(plan), loader);
        signal = River.attach(name + "-signal", codeSource(plan), loader);
        lostListener = vm -> post(Wire.LOSTVM, "vm", vm.address());
        River.onEngineLost(lostListener);
        thread = new Thread(this::coordinate, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        thread.start();
    }

    /** Where results decode and shipped classes come from: the loader of the user's functions. */
    private static ClassLoader userLoader(Plan plan) {
        for (Object f : new Object[]{plan.reducer, plan.mapper}) {
            ClassLoader l = f.getClass().getClassLoader();
            if (l != null) return l;
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Coordinator.class.getClassLoader();
    }

    /** Classes are served from the loaders of every user function, then the caller's context loader. */
    private static ClassSource codeSource(Plan plan) {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        for (Object f : new Object[]{plan.mapper, plan.combiner, plan.partitioner, plan.reducer, plan.keyOrder}) {
            if (f != null && f.getClass().getClassLoader() != null) loaders.add(f.getClass().getClassLoader());
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl != null) loaders.add(cl);
        loaders.add(Coordinator.class.getClassLoader());
        List<ClassSource> sources = new ArrayList<>();
        for (ClassLoader l : loaders) sources.add(ClassSource.of(l));
        return path -> {
            for (ClassSource s : sources) {
                byte[] b = s.find(path);
                if (b != null) return b;
            }
            return null;
        };
    }

    /** Fails at the call site, naming the function, when one cannot travel to the engines. */
    private static void checkSendable(Plan plan, ClassLoader loader) {
        Object[][] named = {{"map", plan.mapper}, {"combine", plan.combiner}, {"partitioner", plan.partitioner},
                {"reduce", plan.reducer}, {"keyOrder", plan.keyOrder}};
        for (Object[] f : named) {
            if (f[1] == null) continue;
            try {
                Codec.encode(f[1], loader);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(f[0] + ": the function cannot be sent to engines: " + rootMessage(e), e);
            }
        }
        if (plan.items != null) {
            try {
                Codec.encode(plan.items.isEmpty() ? List.of() : List.of(plan.items.get(0)), loader);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("from: the collection's elements cannot be sent to engines: " + rootMessage(e), e);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.toString() : c.getMessage();
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
            result.handle((v, e) -> null).get(END_WAIT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
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
            deploy();
            state = splits.isEmpty() ? Progress.State.REDUCING : Progress.State.MAPPING;
            schedule();
            publish(true);
            while (reducesDone < reducers.length) handle(receive());
            Object value = outputDir == null ? merged() : partFiles();
            shutdown();
            finish(Progress.State.DONE);
            result.complete(value);
        } catch (Failure f) {
            shutdown();
            finish(Progress.State.FAILED);
            result.completeExceptionally(f.error);
        } catch (Cancelled c) {
            shutdown();
            finish(Progress.State.CANCELLED);
            result.completeExceptionally(new CancellationException("the MapReduce job was cancelled (" + progress + ")"));
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "MapReduce job " + spec.shortId() + " failed", t);
            try {
                shutdown();
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
                vrFailed(e);
            } catch (UndeliverableException e) {
                LOG.log(System.Logger.Level.DEBUG, "undeliverable: " + e.getMessage());
            }
        }
    }

    /** A mapper or reducer crashed outside user code (user code failures arrive as MAPFAIL/REDFAIL). */
    private void vrFailed(RemoteVrException e) {
        VrId vr = e.vr();
        for (MapperRef m : mappers.values()) {
            if (m.vr.equals(vr) && m.alive && !lost.contains(m.vm.address())) {
                throw new Failure(new RiverException("the mapper on engine " + m.vm.name() + " failed: " + e.getMessage(), e));
            }
        }
        for (ReducerRef r : reducers) {
            if (vr != null && vr.equals(r.vr) && !r.done && !lost.contains(r.vm)) {
                throw new Failure(new RiverException("the reducer of partition " + r.partition + " failed: " + e.getMessage(), e));
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "a superseded VR failed: " + e.getMessage());
    }

    private void handle(Message m) {
        switch (m.getInt(Wire.KIND)) {
            case Wire.MAPPED -> mapped(m);
            case Wire.MAPFAIL -> {
                int t = m.getInt("task");
                if (taskState[t] == RUNNING && taskAttempt[t] == m.getInt("attempt")) {
                    throw new Failure(new MapReduceException(m.getString("function"), m.getString("where"), m.get("error")));
                }
            }
            case Wire.FETCHED -> {
                if (current(m)) {
                    bytesShuffled += m.getLong("bytes");
                    publish(false);
                }
            }
            case Wire.RESULT -> {
                if (current(m)) {
                    ReducerRef r = reducers[m.getInt("part")];
                    r.keys.addAll(m.get("keys"));
                    r.vals.addAll(m.get("vals"));
                }
            }
            case Wire.REDUCED -> {
                if (current(m)) {
                    reducers[m.getInt("part")].done = true;
                    reducesDone++;
                    publish(reducesDone == reducers.length);
                }
            }
            case Wire.REDFAIL -> {
                if (current(m)) {
                    reducers[m.getInt("part")].done = true;     // it has ended
                    throw new Failure(new MapReduceException(m.getString("function"), m.getString("where"), m.get("error")));
                }
            }
            case Wire.PING -> Sends.quiet(driver, m.src(), Wire.KIND, isCurrent(m.src()) ? Wire.PONG : Wire.END);
            case Wire.LOSTVM -> engineLost(m.getString("vm"));
            case Wire.CANCEL -> throw new Cancelled();
            default -> { }                    // a late ENDED
        }
    }

    /** Whether {@code vr} is a mapper or reducer of this job that is still in use (not superseded after a loss). */
    private boolean isCurrent(VrId vr) {
        for (MapperRef m : mappers.values()) if (m.vr.equals(vr)) return m.alive;
        for (ReducerRef r : reducers) if (vr.equals(r.vr)) return !r.done;
        return false;
    }

    /** Whether a reducer's message comes from its current attempt. */
    private boolean current(Message m) {
        ReducerRef r = reducers[m.getInt("part")];
        return r.attempt == m.getInt("attempt") && m.src().equals(r.vr) && !r.done;
    }

    private void mapped(Message m) {
        int t = m.getInt("task");
        MapperRef mapper = taskMapper[t];
        if (taskState[t] != RUNNING || taskAttempt[t] != m.getInt("attempt") || mapper == null || !mapper.vr.equals(m.src())) return;
        taskState[t] = DONE;
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
    private void announce(ReducerRef r, int t) {
        Sends.quiet(driver, r.vr, Wire.KIND, Wire.AVAIL, "task", t, "attempt", taskAttempt[t], "mapper", taskMapper[t].vr,
                "len", taskLengths[t][r.partition]);
    }

    /** Gives pending tasks to mappers with free slots, one per mapper in turn. */
    private void schedule() {
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
                    assigned = true;
                } else {
                    pending.addFirst(t);
                    m.alive = false;          // its engine is gone; the LOSTVM notice follows
                }
            }
        }
    }

    // ---------------------------------------------------------------- deploying

    private void deploy() {
        List<VmInfo> targets = new ArrayList<>(engines);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, targets.size() + reducers.length), r -> {
            Thread t = new Thread(r, "mapreduce-" + spec.shortId() + "-deploy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<VrId>> deploys = new ArrayList<>();
            for (VmInfo vm : targets) deploys.add(CompletableFuture.supplyAsync(() -> driver.deploy(vm, MapperVr.class, spec), pool));
            RuntimeException firstError = null;
            for (int i = 0; i < targets.size(); i++) {
                try {
                    VrId vr = deploys.get(i).join();
                    mappers.put(targets.get(i).address(), new MapperRef(targets.get(i), vr));
                } catch (RuntimeException e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": no mapper on engine "
                            + targets.get(i).name() + ": " + c.getMessage());
                    lost.add(targets.get(i).address());
                    if (firstError == null) firstError = c instanceof RuntimeException re ? re : e;
                }
            }
            if (mappers.isEmpty()) {
                throw new Failure(new RiverException("MapReduce: could not start a mapper on any of the " + targets.size()
                        + " engine(s): " + (firstError == null ? "none alive" : firstError.getMessage()), firstError));
            }
            List<CompletableFuture<VrId>> rds = new ArrayList<>();
            List<MapperRef> places = new ArrayList<>();
            Map<String, Integer> share = new LinkedHashMap<>();
            List<MapperRef> live = new ArrayList<>(mappers.values());
            for (int p = 0; p < reducers.length; p++) {
                MapperRef at = live.get(p % live.size());
                places.add(at);
                share.merge(at.vm.address(), 1, Integer::sum);
                rds.add(CompletableFuture.supplyAsync(() -> driver.deploy(at.vm, ReducerVr.class, spec), pool));
            }
            for (int p = 0; p < reducers.length; p++) {
                try {
                    VrId vr = rds.get(p).join();
                    start(reducers[p], vr, places.get(p).vm.address(), share.get(places.get(p).vm.address()));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": reducer " + p + " did not start on "
                            + places.get(p).vm.name() + "; trying another engine: " + e.getMessage());
                    restart(reducers[p], false);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private void start(ReducerRef r, VrId vr, String vm, int share) {
        r.vr = vr;
        r.vm = vm;
        r.keys.clear();
        r.vals.clear();
        Sends.quiet(driver, vr, Wire.KIND, Wire.ASSIGN, "part", r.partition, "attempt", r.attempt, "share", share);
        for (int t = 0; t < taskState.length; t++) if (taskState[t] == DONE) announce(r, t);
    }

    /** Starts reducer {@code r} again on the live engine with the fewest reducers. */
    private void restart(ReducerRef r, boolean count) {
        while (true) {
            MapperRef best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (MapperRef m : mappers.values()) {
                if (!m.alive || lost.contains(m.vm.address())) continue;
                int load = 0;
                for (ReducerRef x : reducers) if (x != r && !x.done && m.vm.address().equals(x.vm)) load++;
                if (load < bestLoad) {
                    best = m;
                    bestLoad = load;
                }
            }
            if (best == null) throw noEnginesLeft();
            r.attempt++;
            try {
                VrId vr = driver.deploy(best.vm, ReducerVr.class, spec);
                start(r, vr, best.vm.address(), bestLoad + 1);
                if (count) reducersRestarted++;
                return;
            } catch (RiverException e) {
                LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": reducer " + r.partition
                        + " did not start on " + best.vm.name() + ": " + e.getMessage());
                best.alive = false;
            }
        }
    }

    // ---------------------------------------------------------------- lost engines

    private void engineLost(String address) {
        if (!lost.add(address)) return;
        MapperRef m = mappers.get(address);
        if (m != null) {
            m.alive = false;
            List<Integer> again = new ArrayList<>();
            List<Integer> announced = new ArrayList<>();
            for (int t = 0; t < taskState.length; t++) {
                if (taskMapper[t] != m || taskState[t] == PENDING) continue;
                if (taskState[t] == DONE) {
                    announced.add(t);
                    mapsDone--;
                    inputDone -= splits.get(t).size();
                }
                taskState[t] = PENDING;
                taskMapper[t] = null;
                again.add(t);
            }
            tasksRerun += again.size();
            for (int i = again.size() - 1; i >= 0; i--) pending.addFirst(again.get(i));
            if (!announced.isEmpty()) {
                int[] tasks = announced.stream().mapToInt(Integer::intValue).toArray();
                for (ReducerRef r : reducers) {
                    if (!r.done && !address.equals(r.vm)) Sends.quiet(driver, r.vr, Wire.KIND, Wire.LOST, "tasks", tasks);
                }
            }
            LOG.log(System.Logger.Level.INFO, "MapReduce job " + spec.shortId() + ": engine " + m.vm.name() + " lost; re-running "
                    + again.size() + " map task(s)");
        }
        if (mappers.values().stream().noneMatch(x -> x.alive)) throw noEnginesLeft();
        for (ReducerRef r : reducers) if (!r.done && address.equals(r.vm)) restart(r, true);
        if (mapsDone < splits.size()) state = Progress.State.MAPPING;
        schedule();
        publish(true);
    }

    private Failure noEnginesLeft() {
        return new Failure(new RiverException("MapReduce: every engine of the job was lost (" + mapsDone + " of " + splits.size()
                + " map tasks and " + reducesDone + " of " + reducers.length + " reduces done); start engines and run the job again"));
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

    /**
     * Ends every mapper and unfinished reducer and waits (a bounded time) until they confirm that their
     * tasks stopped and their local files are deleted.
     */
    private void shutdown() {
        Map<VrId, String> waiting = new LinkedHashMap<>();
        for (MapperRef m : mappers.values()) {
            if (m.alive && !lost.contains(m.vm.address()) && Sends.quiet(driver, m.vr, Wire.KIND, Wire.END)) waiting.put(m.vr, m.vm.address());
        }
        for (ReducerRef r : reducers) {
            if (r.vr != null && !r.done && !lost.contains(r.vm) && Sends.quiet(driver, r.vr, Wire.KIND, Wire.END)) waiting.put(r.vr, r.vm);
        }
        long deadline = System.nanoTime() + END_WAIT.toNanos();
        while (!waiting.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": " + waiting.size()
                        + " VR(s) did not confirm the end of the job within " + END_WAIT.toSeconds() + " s: " + waiting.values());
                return;
            }
            Message m;
            try {
                m = driver.recv(Duration.ofNanos(left));
            } catch (RecvTimeoutException e) {
                continue;
            } catch (RiverException e) {
                LOG.log(System.Logger.Level.DEBUG, "while ending the job: " + e.getMessage());
                continue;
            }
            int kind = m.getInt(Wire.KIND);
            if (kind == Wire.ENDED) {
                waiting.remove(m.src());
            } else if (kind == Wire.REDFAIL || kind == Wire.REDUCED) {
                waiting.remove(m.src());      // a reducer that ended on its own meanwhile
            } else if (kind == Wire.LOSTVM) {
                String vm = m.getString("vm");
                lost.add(vm);
                waiting.values().removeIf(vm::equals);
            } else if (kind == Wire.PING) {
                Sends.quiet(driver, m.src(), Wire.KIND, Wire.PONG);
            }
        }
    }

    private void finish(Progress.State end) {
        state = end;
        publish(true);
    }

    // ---------------------------------------------------------------- progress

    private Progress snapshot() {
        return new Progress(state, mapsDone, splits.size(), inputDone, inputTotal, bytesShuffled, reducesDone, reducers.length,
                tasksRerun, reducersRestarted, Duration.ofNanos(System.nanoTime() - started));
    }

    private void publish(boolean force) {
        long now = System.nanoTime();
        progress = snapshot();
        if (!force && now - lastPublished < PUBLISH_EVERY_NS) return;
        lastPublished = now;
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
