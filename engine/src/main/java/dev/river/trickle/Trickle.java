package dev.river.trickle;

import dev.river.checkpoint.Journal;
import dev.river.core.ClassSource;
import dev.river.core.LocalEngines;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.sfm.Codec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Trickle, River's task-farming language: connect to engines, ship code, run functions on them one
 * by one, fork/join, or farm a list of items out with dynamic scheduling.
 *
 * <pre>{@code
 * try (Trickle t = Trickle.connect()) {                       // engines found, or local ones started
 *     t.inject(Tasks.class);                                  // optional: ship classes eagerly
 *     List<Integer> r = t.join(t.fork(t.vms(), x -> x + 10, List.of(1, 2)));           // [11, 12]
 *     List<Integer> sums = t.forkwork(chunk -> chunk.stream().mapToInt(i -> i).sum(),
 *                                     IntStream.range(0, 100).boxed().toList(), 10); // 10 sums, in order
 *     List<Integer> squares = t.map(x -> x * x, List.of(1, 2, 3));                   // [1, 4, 9]
 * }
 * }</pre>
 *
 * <p>Each engine runs one worker for the session (deployed at connect), which runs as many tasks at
 * once as the engine has cores and keeps more queued, so tiny tasks stream without waiting for round
 * trips. Functions are {@link Task}s: lambdas or method references, capturing or not; their classes
 * reach engines by code shipping. A task that throws does not stop the others: the call raises a
 * {@link TaskFailedException} at the end, naming each failed item, with the remote stack trace. An
 * engine that dies (or stops answering for the heartbeat, 3 s by default) has its unfinished tasks
 * re-run on the others; with no engine left, the call fails with a clear error.
 *
 * <p>All methods are thread-safe. Interrupting a thread blocked in {@code forkwork}, {@code map} or
 * {@code join} cancels the work it waits for.
 */
public final class Trickle implements AutoCloseable {
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(Long.getLong("river.trickle.heartbeat.ms", 3000));

    private final VirtualResource driver;
    private final Dispatcher dispatcher;
    private final List<Vm> vms;
    private final LocalEngines started;
    private final Consumer<VmInfo> lostListener;
    private final ClassLoader loader;
    private volatile boolean closed;

    Trickle(VirtualResource driver, ClassLoader loader, List<VmInfo> infos, List<VrId> workers, LocalEngines started, Duration heartbeat) {
        this.driver = driver;
        this.loader = loader;
        this.started = started;
        List<WorkerState> states = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) states.add(new WorkerState(i, infos.get(i), workers.get(i)));
        this.dispatcher = new Dispatcher(driver, states, heartbeat, driver.uuid().uuid().toString().substring(0, 8));
        List<Vm> v = new ArrayList<>();
        for (WorkerState s : states) v.add(new Vm(this, s));
        this.vms = List.copyOf(v);
        this.lostListener = dispatcher::engineLost;
        dispatcher.start();
        River.onEngineLost(lostListener);
    }

    /** Connects to every engine found (waiting briefly); starts local engines where none is found. */
    public static Trickle connect() {
        return builder().connect();
    }

    /** Connects to {@code n} engines (waiting briefly for them); starts {@code n} local engines where none is found. */
    public static Trickle connect(int n) {
        return builder().engines(n).connect();
    }

    /** Options for connecting: how many engines, how long to look, where code comes from. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- engines and code

    /** The session's engines that are alive, in connection order. */
    public List<Vm> vms() {
        List<Vm> out = new ArrayList<>();
        for (Vm v : vms) if (v.isAlive()) out.add(v);
        return out;
    }

    /**
     * Ships {@code classes} (and the classes nested in them) to every engine now, rather than when a
     * task first needs them, and says what was sent. Classes a task uses but that are not injected
     * are still fetched on demand.
     */
    public Injected inject(Class<?>... classes) {
        checkOpen();
        List<String> names = new ArrayList<>();
        for (Class<?> c : classes) collect(Objects.requireNonNull(c, "inject: null class"), names);
        List<VmInfo> targets = new ArrayList<>();
        List<String> engines = new ArrayList<>();
        for (Vm v : vms()) {
            targets.add(v.info());
            engines.add(v.name());
        }
        long bytes = driver.inject(targets, classes);
        return new Injected(names, bytes, engines);
    }

    private static void collect(Class<?> c, List<String> names) {
        if (names.contains(c.getName())) return;
        names.add(c.getName());
        for (Class<?> inner : c.getDeclaredClasses()) collect(inner, names);
    }

    // ---------------------------------------------------------------- fork / join

    /**
     * Starts {@code fn(args[i])} on {@code vms[i]}, one argument per engine; returns at once.
     * A task whose engine dies runs on another.
     */
    public <T, R> List<Handle<R>> fork(List<Vm> vms, Task<T, R> fn, List<? extends T> args) {
        checkOpen();
        Objects.requireNonNull(fn, "fork: fn is null");
        checkSendable(fn, "fork");
        if (vms.size() != args.size()) {
            throw new IllegalArgumentException("fork: " + vms.size() + " engines but " + args.size()
                    + " arguments; give one argument per engine");
        }
        List<WorkerState> pins = new ArrayList<>(vms.size());
        for (Vm v : vms) {
            if (v.state == null || !this.vms.contains(v)) throw new IllegalArgumentException("fork: " + v + " is not an engine of this session");
            pins.add(v.state);
        }
        String op = vms.size() == 1 ? "call" : "fork";
        Job job = new Job(dispatcher.newJobId(), Job.Kind.CALLS, op, fn, new ArrayList<>(args), 1);
        List<Handle<R>> handles = new ArrayList<>(vms.size());
        for (int i = 0; i < vms.size(); i++) handles.add(new Handle<>(job, i, vms.get(i), dispatcher));
        dispatcher.start(job, pins);
        return handles;
    }

    /**
     * {@code vm.call}: the calling thread sends the task and waits for its answer itself, so a call
     * costs one network round trip and no hand-over to the dispatcher. If the engine is lost
     * meanwhile, the call is re-run through the dispatcher on another engine, like a forked task.
     */
    <T, R> R call(Vm vm, Task<T, R> fn, T arg) {
        checkOpen();
        Objects.requireNonNull(fn, "call: fn is null");
        if (!vms.contains(vm)) throw new IllegalArgumentException("call: " + vm + " is not an engine of this session");
        return DirectCall.run(this, driver, dispatcher, vm, fn, arg);
    }

    /**
     * Waits for every handle and returns their results in order.
     *
     * @throws TaskFailedException if tasks threw (after the others finished; partial results inside)
     * @throws RiverException if a task could not run (every engine lost, session closed), or on interrupt,
     *                        which cancels the tasks waited for
     */
    public <R> List<R> join(List<Handle<R>> handles) {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[handles.size()];
        for (int i = 0; i < fs.length; i++) fs[i] = handles.get(i).raw();
        await(CompletableFuture.allOf(fs), handles);
        List<R> results = new ArrayList<>(handles.size());
        List<TaskFailedException.Failure> failures = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            Handle<R> h = handles.get(i);
            try {
                results.add(h.get());
            } catch (TaskFailedException e) {
                TaskFailedException.Failure f = e.failures().get(0);
                failures.add(new TaskFailedException.Failure(i, i, i, f.item(), f.engine(), f.error()));
                results.add(null);
            }
        }
        if (!failures.isEmpty()) throw new TaskFailedException("join", "task", handles.size(), failures, results);
        return results;
    }

    /** Waits until one of the handles is done and returns it (the first done, in collection order). */
    public <R> Handle<R> joinAny(Collection<Handle<R>> handles) {
        if (handles.isEmpty()) throw new IllegalArgumentException("joinAny: no handles to wait for");
        CompletableFuture<?>[] fs = new CompletableFuture<?>[handles.size()];
        int i = 0;
        for (Handle<R> h : handles) fs[i++] = h.raw();
        await(CompletableFuture.anyOf(fs), handles);
        for (Handle<R> h : handles) if (h.isDone()) return h;
        throw new IllegalStateException("joinAny woke with no handle done");
    }

    private void await(CompletableFuture<?> f, Collection<? extends Handle<?>> handles) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Set<Job> jobs = new LinkedHashSet<>();
            for (Handle<?> h : handles) if (!h.isDone()) jobs.add(h.job());
            for (Job j : jobs) dispatcher.cancel(j, j.operation + " was cancelled: the thread waiting for it was interrupted");
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for " + handles.size() + " task(s); they were cancelled", e);
        } catch (ExecutionException e) {
            // a task failed or could not run: join reads each handle, joinAny returns the done one
        }
    }

    // ---------------------------------------------------------------- forkwork / map

    /**
     * Cuts {@code items} into chunks of {@code chunksize}, runs {@code fn(chunk)} on the engines with
     * dynamic scheduling (a free engine takes the next chunk) and returns one result per chunk, in
     * input order. Interrupting the caller cancels the outstanding chunks.
     *
     * @throws TaskFailedException if chunks threw (after all others finished; partial results inside)
     */
    public <T, R> List<R> forkwork(Task<List<T>, R> fn, List<T> items, int chunksize) {
        return forkworkAsync(fn, items, chunksize).results();
    }

    /** {@link #forkwork} without waiting: the {@link Work} shows progress and gives the results. */
    public <T, R> Work<R> forkworkAsync(Task<List<T>, R> fn, List<T> items, int chunksize) {
        return forkworkAsync(fn, items, chunksize, null);
    }

    /**
     * {@link #forkwork} that keeps its progress in {@code journal}: each chunk's result is recorded as
     * it arrives, and the chunks the journal already holds (from an earlier run of the same job that
     * was interrupted: a crash, lost engines) are not run again; their recorded results are returned.
     * The journal is bound to the items and the chunk size, so a changed input is refused rather
     * than answered with stale results.
     *
     * <pre>{@code
     * try (Journal j = Journal.open("squares")) {
     *     List<Long> sums = t.forkwork(chunk -> chunk.stream().mapToLong(i -> (long) i * i).sum(), items, 1000, j);
     * }
     * }</pre>
     */
    public <T, R> List<R> forkwork(Task<List<T>, R> fn, List<T> items, int chunksize, Journal journal) {
        return forkworkAsync(fn, items, chunksize, journal).results();
    }

    /** {@link #forkwork(Task, List, int, Journal)} without waiting; progress counts the resumed items as done. */
    public <T, R> Work<R> forkworkAsync(Task<List<T>, R> fn, List<T> items, int chunksize, Journal journal) {
        checkOpen();
        Objects.requireNonNull(fn, "forkwork: fn is null");
        checkSendable(fn, "forkwork");
        if (chunksize < 1) throw new IllegalArgumentException("forkwork: chunksize must be at least 1, got " + chunksize);
        Job job = new Job(dispatcher.newJobId(), Job.Kind.CHUNKS, "forkwork", fn, List.copyOf(items), chunksize);
        if (journal != null) {
            journal.bind("forkwork of " + job.items.size() + " items in chunks of " + chunksize + ", input crc "
                    + Journal.fingerprint(job.items, loader));
            job.resumeFrom(journal);
        }
        return run(job);
    }

    /**
     * Applies {@code fn} to every item on the engines and returns the results in input order. Items
     * travel in chunks sized as the work runs (about 2 ms of work each, and never so large that an
     * engine idles at the end), so tiny functions run at full speed and slow ones stay balanced.
     *
     * @throws TaskFailedException naming each failed item, after all others finished
     */
    public <T, R> List<R> map(Task<T, R> fn, List<T> items) {
        return mapAsync(fn, items).results();
    }

    /** {@link #map} without waiting: the {@link Work} shows progress and gives the results. */
    public <T, R> Work<R> mapAsync(Task<T, R> fn, List<T> items) {
        checkOpen();
        Objects.requireNonNull(fn, "map: fn is null");
        checkSendable(fn, "map");
        return run(new Job(dispatcher.newJobId(), Job.Kind.EACH, "map", fn, new ArrayList<>(items), 1));
    }

    private <R> Work<R> run(Job job) {
        dispatcher.start(job, null);
        Work<R> w = new Work<>(job, dispatcher);
        Work.latest = w;
        return w;
    }

    /** Fails at the call site, once, when fn (or what it captures) cannot travel, rather than once per task. */
    private void checkSendable(Task<?, ?> fn, String operation) {
        try {
            Codec.encode(fn, loader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(operation + ": the function cannot be sent to engines: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** Whether {@link #close()} was called: a closed session runs nothing more. */
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this Trickle session is closed; connect a new one");
    }

    // ---------------------------------------------------------------- lifecycle

    /** Stops the workers, releases the engines, and stops local engines this session started. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        River.removeEngineLostListener(lostListener);
        try {
            dispatcher.close();
        } finally {
            try {
                River.detach(driver);
            } finally {
                if (started != null) started.close();
            }
        }
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Trickle[");
        List<Vm> alive = vms();
        sb.append(alive.size()).append(alive.size() == 1 ? " engine" : " engines");
        for (int i = 0; i < alive.size(); i++) {
            sb.append(i == 0 ? ": " : ", ").append(alive.get(i).name()).append(" (").append(alive.get(i).state.cores).append(" cores)");
        }
        if (closed) sb.append(", closed");
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------- connecting

    /**
     * How to connect.
     *
     * <pre>{@code
     * Trickle t = Trickle.builder().engines(4).wait(Duration.ofSeconds(5)).connect();
     * Trickle local = Trickle.builder().local(2).connect();      // always two fresh local engines
     * }</pre>
     */
    public static final class Builder {
        private int engines;
        private int local;
        private Duration wait = DEFAULT_WAIT;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private ClassSource code;
        private ClassLoader loader;

        private Builder() {}

        /** Use {@code n} engines (default: every engine found). */
        public Builder engines(int n) {
            if (n < 1) throw new IllegalArgumentException("engines: need at least 1, got " + n);
            this.engines = n;
            return this;
        }

        /** Start {@code n} local engines for this session and use only them, whatever else runs. */
        public Builder local(int n) {
            if (n < 1) throw new IllegalArgumentException("local: need at least 1, got " + n);
            this.local = n;
            return this;
        }

        /** How long to wait for the engines asked for (default 2 s) before using what was found. */
        public Builder wait(Duration d) {
            this.wait = Objects.requireNonNull(d);
            return this;
        }

        /** A busy engine silent for this long is taken as dead and its tasks re-run (default 3 s). */
        public Builder heartbeat(Duration d) {
            if (d.toMillis() < 100) throw new IllegalArgumentException("heartbeat: at least 100 ms, got " + d.toMillis() + " ms");
            this.heartbeat = d;
            return this;
        }

        /**
         * Where engines fetch the session's classes from, and the loader results decode in (a kernel
         * passes the classes JShell compiled); default: the calling thread's context class loader.
         */
        public Builder code(ClassSource source, ClassLoader loader) {
            this.code = Objects.requireNonNull(source);
            this.loader = Objects.requireNonNull(loader);
            return this;
        }

        public Trickle connect() {
            return Connector.connect(engines, local, wait, heartbeat, code, loader);
        }
    }
}
