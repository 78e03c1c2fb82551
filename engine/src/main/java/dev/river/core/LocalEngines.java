package dev.river.core;

import dev.river.discovery.Discovery;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Engines started as child processes on this machine (the embedded default): each is a separate JVM
 * running {@code river engine}, bound to loopback, announced on this JVM's discovery port, and
 * watching this JVM so it exits when its parent does. Engine output is forwarded, prefixed with the
 * engine's name.
 *
 * <pre>{@code
 * try (LocalEngines engines = River.startLocalEngines(2)) {
 *     System.out.println(engines.addresses());
 * }
 * }</pre>
 */
public final class LocalEngines implements AutoCloseable {
    /** The line an engine prints on stdout once it serves; parsed by {@link #start}. */
    public static final String READY = "RIVER-ENGINE-READY";
    private static final long READY_TIMEOUT_S = 60;
    /** How long a caller waits for discovery to see engines it just started (beacons every 1 s by default). */
    public static final java.time.Duration DISCOVERY_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final List<Process> processes;
    private final List<String> addresses;
    private final List<UUID> ids;
    private final List<String> names;

    private LocalEngines(List<Process> processes, List<String> addresses, List<UUID> ids, List<String> names) {
        this.processes = processes;
        this.addresses = addresses;
        this.ids = ids;
        this.names = names;
    }

    /** Starts {@code n} engines configured like {@code like} (discovery port, beacon interval), and waits until each serves. */
    public static LocalEngines start(int n, NodeConfig like) {
        return start(n, like, List.of());
    }

    /** As {@link #start(int, NodeConfig)}, with extra engine options (e.g. {@code --tags}). */
    public static LocalEngines start(int n, NodeConfig like, List<String> extraOptions) {
        if (n < 1) throw new IllegalArgumentException("start needs at least 1 engine, got " + n);
        String prefix = "local-" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + Integer.toString((int) (System.nanoTime() & 0xfff), 36);
        List<Process> ps = new ArrayList<>();
        List<CompletableFuture<String>> ready = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String name = prefix + "-" + (i + 1);
                List<String> cmd = new ArrayList<>(javaCommand());
                cmd.addAll(List.of("dev.river.cli.RiverCli", "engine", "--port", "0", "--bind", "127.0.0.1",
                        "--name", name, "--discovery-port", Integer.toString(like.discoveryPort()),
                        "--beacon-interval", Long.toString(like.beaconInterval().toMillis()),
                        "--parent-pid", Long.toString(ProcessHandle.current().pid()),
                        "--log-level", System.getProperty("river.engine.log", "warning")));
                cmd.addAll(extraOptions);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                Process p = pb.start();
                ps.add(p);
                names.add(name);
                ready.add(pump(p, name));
            }
            List<String> addresses = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String line;
                try {
                    line = ready.get(i).get(READY_TIMEOUT_S, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new RiverException("local engine " + names.get(i) + " did not start within " + READY_TIMEOUT_S + " s");
                }
                addresses.add(field(line, "address"));
                ids.add(UUID.fromString(field(line, "id")));
            }
            return new LocalEngines(ps, addresses, ids, names);
        } catch (Exception e) {
            ps.forEach(Process::destroyForcibly);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof RiverException re) throw re;
            Throwable c = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new RiverException("starting local engines failed: " + c.getMessage(), c);
        }
    }

    /** Forwards the engine's output, completing the future with its ready line. */
    private static CompletableFuture<String> pump(Process p, String name) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            PrintStream out = System.out;
            StringBuilder early = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith(READY)) {
                        ready.complete(line);
                    } else if (!ready.isDone()) {
                        early.append(line).append('\n');
                    } else {
                        out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the stream closes when the engine exits
            }
            ready.completeExceptionally(new RiverException("local engine " + name + " exited before it was ready"
                    + (early.length() > 0 ? ":\n" + early : "")));
        }, "river-engine-output-" + name);
        t.setDaemon(true);
        t.start();
        return ready;
    }

    private static String field(String line, String key) {
        for (String part : line.split(" ")) if (part.startsWith(key + "=")) return part.substring(key.length() + 1);
        throw new RiverException("malformed engine ready line: " + line);
    }

    /** The command that starts a JVM with the engine class path (this JVM's java, RIVER_ENGINE_JAVA_OPTS or the system property river.engine.java.opts). */
    public static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.net.preferIPv4Stack=true"));
        // Kryo reads arrays through sun.misc.Unsafe; JDK 23+ warns about that on every start unless allowed.
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow");
        String opts = System.getenv("RIVER_ENGINE_JAVA_OPTS");
        if (opts == null) opts = System.getProperty("river.engine.java.opts");   // e.g. a test's small -Xmx
        if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
        cmd.add("-cp");
        cmd.add(engineClassPath());
        return cmd;
    }

    /**
     * The class path an engine needs, and nothing of the application's: River and its libraries, found
     * from where their classes were loaded. Applications' classes reach engines by code shipping only.
     */
    public static String engineClassPath() {
        Set<String> parts = new LinkedHashSet<>();
        for (String cls : List.of("dev.river.core.VirtualResource", "org.zeromq.ZMQ", "com.esotericsoftware.kryo.Kryo",
                "org.objenesis.Objenesis", "com.esotericsoftware.minlog.Log", "com.esotericsoftware.reflectasm.MethodAccess",
                "picocli.CommandLine", "com.neilalexander.jnacl.NaCl")) {
            try {
                Class<?> c = Class.forName(cls, false, LocalEngines.class.getClassLoader());
                var src = c.getProtectionDomain().getCodeSource();
                if (src != null) parts.add(new File(src.getLocation().toURI()).getPath());
            } catch (ClassNotFoundException e) {
                if (!cls.contains("jnacl")) throw new RiverException("River's library " + cls + " is missing from the class path", e);
            } catch (java.net.URISyntaxException e) {
                throw new RiverException("unusable class path entry for " + cls, e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    /**
     * Waits until this JVM's discovery knows every engine started here, and returns them (in start
     * order): only then will {@code discover()} and {@code allocate()} see them. Fails, naming what is
     * missing, if they are not seen within {@code limit}.
     */
    public List<VmInfo> awaitDiscovered(java.time.Duration limit) {
        Discovery discovery = Node.embedded().discovery;
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                List<VmInfo> seen = discovery.snapshot();
                List<VmInfo> ours = new ArrayList<>();
                for (UUID id : ids) for (VmInfo vm : seen) if (vm.id().equals(id)) ours.add(vm);
                if (ours.size() == ids.size()) return ours;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RiverException("started " + ids.size() + " local engines but discovery saw only " + ours.size()
                            + " of them within " + limit.toSeconds() + " s (discovery port " + Node.embedded().config.discoveryPort()
                            + "); is UDP broadcast on 127.255.255.255 blocked, or did an engine exit? Engines: " + names);
                }
                discovery.awaitAtLeast(seen.size() + 1, java.time.Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for discovery to see the local engines " + names, e);
        }
    }

    public List<String> addresses() {
        return List.copyOf(addresses);
    }

    public List<UUID> ids() {
        return List.copyOf(ids);
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    public int size() {
        return processes.size();
    }

    public long pid(int i) {
        return processes.get(i).pid();
    }

    /** Kills engine {@code i} at once (SIGKILL), as a crash would; for fault-tolerance tests and demos. */
    public void kill(int i) {
        processes.get(i).destroyForcibly();
    }

    /** Whether engine {@code i} still runs. */
    public boolean isAlive(int i) {
        return processes.get(i).isAlive();
    }

    /** Stops every engine (SIGTERM, then SIGKILL after 5 s) and waits for them to exit. */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
