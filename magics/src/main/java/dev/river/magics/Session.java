package dev.river.magics;

import dev.river.core.ClassSource;
import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.trickle.Trickle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A notebook's River state: a driver VR whose shipped code comes from the notebook's cells, and the
 * local engines this notebook started. The magics work through it; everything it does is also plain
 * River API ({@link River#attach}, {@link River#startLocalEngines}, {@link VirtualResource#inject}).
 *
 * <pre>{@code
 * try (Session s = Session.attach("notebook", ClassSource.of(loader), loader)) {
 *     s.start(2, List.of());                  // %river start 2
 *     System.out.println(s.engines());        // %river engines
 *     s.inject(List.of(MyTask.class));         // %river inject MyTask
 * }                                           // %river stop, and the driver detaches
 * }</pre>
 *
 * <p>Thread-safe: magics call it from the cell thread, cells and progress threads from theirs.
 */
public final class Session implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final VirtualResource driver;
    private final ClassSource code;
    private final ClassLoader loader;
    // guarded by this: engines started by start(), in start order
    private final List<LocalEngines> local = new ArrayList<>();
    private boolean closed;
    // guarded by this: what happened to engines since the notebook last showed it (discovery's thread adds)
    private final List<String> notices = new ArrayList<>();
    private final java.util.function.Consumer<VmInfo> lostListener = this::lost;

    private Session(VirtualResource driver, ClassSource code, ClassLoader loader) {
        this.driver = driver;
        this.code = code;
        this.loader = loader;
    }

    /** A session whose driver ships classes from {@code code} and decodes replies in {@code loader}. */
    public static Session attach(String name, ClassSource code, ClassLoader loader) {
        Session s = new Session(River.attach(name, code, loader), code, loader);
        River.onEngineLost(s.lostListener);
        return s;
    }

    /** Discovery dropped an engine: the notebook says so at its next cell, and what to do if none is left. */
    private void lost(VmInfo vm) {
        String when = java.time.LocalTime.now().withNano(0).toString();
        boolean none = River.awaitEngines(0, Duration.ZERO).isEmpty();
        synchronized (this) {
            notices.add("engine " + vm.name() + " (" + vm.address() + ") was lost at " + when
                    + (none ? "; no engine is left. Start some with %river start 2 (or `river engines 2` in a terminal):"
                    + " the next %river command uses them." : ""));
        }
    }

    /** Notices about engines since the last call (an engine lost, none left), oldest first; the kernel shows them in the next cell. */
    public synchronized List<String> takeNotices() {
        List<String> out = List.copyOf(notices);
        notices.clear();
        return out;
    }

    /** The driver VR: send, recv, deploy and inject from notebook code. */
    public VirtualResource driver() {
        return driver;
    }

    /** Where shipped classes come from (the cells' compiled classes, then the kernel's class path). */
    public ClassSource code() {
        return code;
    }

    /** The loader that replies decode in (the cells' class loader). */
    public ClassLoader loader() {
        return loader;
    }

    /** The engines discovered now. */
    public List<VmInfo> engines() {
        return driver.discover();
    }

    /** Waits until at least {@code n} engines are discovered or {@code timeout} passes; returns those known then. */
    public List<VmInfo> awaitEngines(int n, Duration timeout) {
        driver.discover();     // the first discovery window, so that engines already running are counted
        return River.awaitEngines(n, timeout);
    }

    /**
     * Starts {@code n} engines as child processes of this JVM (bound to loopback, announced on this JVM's
     * discovery port) and waits until discovery sees them. They stop on {@link #stop()}, on
     * {@link #close()}, or when this JVM exits.
     *
     * @param engineOptions extra {@code river engine} options, e.g. {@code --tags gpu}
     * @return the new engines
     */
    public List<VmInfo> start(int n, List<String> engineOptions) {
        if (n < 1) throw new IllegalArgumentException("start at least 1 engine, not " + n);
        LocalEngines started;
        synchronized (this) {
            if (closed) throw new IllegalStateException("this session is closed");
            List<String> opts = new ArrayList<>(List.of("--log-level", "warning"));   // their output shows in cells: keep it to what matters
            opts.addAll(engineOptions);
            started = LocalEngines.start(n, NodeConfig.client(), opts);
            local.add(started);
        }
        return started.awaitDiscovered(START_TIMEOUT);
    }

    /** Names of the local engines this session started and that still run. */
    public synchronized List<String> localEngines() {
        List<String> out = new ArrayList<>();
        for (LocalEngines l : local) {
            for (int i = 0; i < l.size(); i++) if (l.isAlive(i)) out.add(l.names().get(i));
        }
        return out;
    }

    /** Stops every local engine this session started; returns how many were running. */
    public int stop() {
        List<LocalEngines> toStop;
        synchronized (this) {
            toStop = new ArrayList<>(local);
            local.clear();
        }
        int n = 0;
        for (LocalEngines l : toStop) {
            for (int i = 0; i < l.size(); i++) if (l.isAlive(i)) n++;
            l.close();
        }
        return n;
    }

    /**
     * Ships {@code classes} (and their nested classes) to every discovered engine, so tasks find them
     * there without fetching; returns the bytes sent to each engine.
     *
     * @throws IllegalStateException if no engine is discovered
     */
    public long inject(Collection<Class<?>> classes) {
        List<VmInfo> vms = engines();
        if (vms.isEmpty()) throw new IllegalStateException("no engines to inject into: start some with %river start N");
        return driver.inject(vms, classes.toArray(Class<?>[]::new));
    }

    /**
     * A Trickle session on the engines found (local ones are started where none is), shipping this
     * session's code and decoding results in its loader. The magics connect one per use and close it
     * after, so the engines are free for your own sessions in between.
     */
    public Trickle connectTrickle() {
        return Trickle.builder().code(code, loader).connect();
    }

    /** Stops the local engines and detaches the driver. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        River.removeEngineLostListener(lostListener);
        try {
            stop();
        } finally {
            River.detach(driver);
        }
    }
}
