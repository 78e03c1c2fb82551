package dev.river.kernel.course;

import dev.river.core.LocalEngines;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmContext;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The warm engines of one grading slot: {@code n} engine JVMs on a discovery port of their own, which
 * serve one submission's kernel at a time and are kept for the next when nothing of the last one is
 * left on them. Static state cannot leak (River gives each deploy a class loader of its own); what
 * could is checked by {@link #reset}: threads still running a submission's code ({@link EngineAudit}),
 * non-daemon threads the fresh engine did not have, an engine that died, and files (each engine runs
 * in a directory of its own, with its {@code java.io.tmpdir} inside, emptied after each submission). When
 * anything is left, or the run ended uncleanly (cut at the time limit, a dead kernel: its engine
 * allocations may still be held), the engines are replaced by fresh ones.
 *
 * <p>Not thread-safe: the grader hands a slot to one grading thread at a time.
 */
final class EngineSlot implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EngineSlot.class.getName());
    // generous: on a loaded machine a fresh engine answers its first task slowly (class loading, interpreter)
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_AUDIT_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;

    private record Engine(Process process, String address, ClassDataSharing.Launch cds, Set<String> baseline) {}

    private final int size;
    private final Path scratch;
    private final VirtualResource driver;
    private final List<String> javaOptions;
    private final int discoveryPort;
    private List<Engine> engines = List.of();
    private int restarts;

    /**
     * @param driver      this JVM's River VM, to run the audit on the engines
     * @param javaOptions extra JVM options for the engines (a heap limit)
     */
    EngineSlot(int size, Path scratch, VirtualResource driver, List<String> javaOptions) throws IOException {
        this.size = size;
        this.scratch = scratch;
        this.driver = driver;
        this.javaOptions = List.copyOf(javaOptions);
        this.discoveryPort = freeUdpPort();
        Files.createDirectories(scratch);
        engines = startWithRetries();
    }

    int discoveryPort() {
        return discoveryPort;
    }

    /** The engines' addresses, for RIVER_PEERS. */
    String peers() {
        return String.join(",", engines.stream().map(Engine::address).toList());
    }

    /** The engines' process ids (for tests: reused engines keep theirs). */
    List<Long> pids() {
        return engines.stream().map(e -> e.process().pid()).toList();
    }

    /** How many times the engines were replaced. */
    int restarts() {
        return restarts;
    }

    /**
     * Makes the engines ready for the next submission: empties the scratch directory, audits the engines
     * and replaces them when something was left. Returns what was found (empty when they were reused).
     */
    String reset(boolean runWasClean) throws IOException {
        emptyScratch();
        String left = runWasClean ? audit() : "the last run ended uncleanly";
        if (!left.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "replacing the engines of slot " + discoveryPort + ": " + left);
            stopEngines();
            emptyScratch();
            engines = startWithRetries();
            restarts++;
        }
        return left;
    }

    /** What of the last submission is still on the engines ("" when nothing). */
    String audit() {
        List<String> found = new ArrayList<>();
        for (Engine e : engines) {
            if (!e.process().isAlive()) {
                found.add("engine " + e.address() + " exited");
                continue;
            }
            try {
                for (String t : VmContext.of(driver).callAndWait(e.address(), new EngineAudit(), AUDIT_TIMEOUT)) {
                    if (t.endsWith("|vr") || !e.baseline().contains(t)) found.add("thread " + t.split("\\|")[1] + " on " + e.address());
                }
            } catch (RiverException x) {
                found.add("engine " + e.address() + " did not answer the audit: " + x.getMessage());
            }
        }
        return String.join("; ", found);
    }

    /** Starts the engines, trying again when a start fails (an engine too slow to answer on a loaded machine). */
    private List<Engine> startWithRetries() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startEngines();
            } catch (IOException e) {
                if (attempt >= START_ATTEMPTS) throw new IOException(e.getMessage() + " (" + attempt + " attempts)", e);
                LOG.log(System.Logger.Level.WARNING, "starting grading engines failed, trying again: " + e.getMessage());
            }
        }
    }

    private List<Engine> startEngines() throws IOException {
        List<Engine> out = new ArrayList<>();
        List<CompletableFuture<String>> ready = new ArrayList<>();
        String cp = LocalEngines.engineClassPath() + File.pathSeparator + ownClassPath();
        String java = dev.river.kernel.Kernelspec.currentJava();
        long parent = ProcessHandle.current().pid();
        try {
            for (int i = 0; i < size; i++) {
                ClassDataSharing.Launch cds = ClassDataSharing.launch("engine", java, Runtime.version().feature(), cp);
                Path home = scratch.resolve("engine-" + (i + 1));
                Files.createDirectories(home.resolve("tmp"));
                List<String> cmd = new ArrayList<>(List.of(java, "-Djava.net.preferIPv4Stack=true", "-XX:+ExitOnOutOfMemoryError",
                        "-Djava.io.tmpdir=" + home.resolve("tmp")));
                if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow");
                cmd.addAll(cds.options());
                cmd.addAll(javaOptions);
                cmd.addAll(List.of("-cp", cp, "dev.river.cli.RiverCli", "engine", "--port", "0", "--bind", "127.0.0.1",
                        "--name", "grade-" + discoveryPort + "-" + (i + 1), "--discovery-port", Integer.toString(discoveryPort),
                        "--beacon-interval", "200", "--parent-pid", Long.toString(parent), "--log-level", "warning"));
                Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
                ready.add(readyLine(p));
                out.add(new Engine(p, null, cds, Set.of()));
            }
            List<Engine> started = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String line = ready.get(i).get(60, TimeUnit.SECONDS);
                String address = null;
                for (String part : line.split(" ")) if (part.startsWith("address=")) address = part.substring(8);
                if (address == null) throw new IOException("a grading engine printed a malformed ready line: " + line);
                Engine e = new Engine(out.get(i).process(), address, out.get(i).cds(), Set.of());
                Set<String> base = new HashSet<>(VmContext.of(driver).callAndWait(address, new EngineAudit(), FIRST_AUDIT_TIMEOUT));
                started.add(new Engine(e.process(), address, e.cds(), base));
            }
            return started;
        } catch (Exception e) {
            for (Engine x : out) x.process().destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("starting the grading engines failed: " + e.getMessage(), e);
        }
    }

    /** Completes with the engine's ready line; drains its output after that (engines log little, at warning). */
    private static CompletableFuture<String> readyLine(Process p) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        StringBuilder early = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith(LocalEngines.READY)) ready.complete(line);
                    else if (!ready.isDone() && early.length() < 4000) early.append(line).append('\n');
                }
            } catch (IOException e) {
                // closed when the engine exits
            }
            ready.completeExceptionally(new IOException("a grading engine exited before it was ready:\n" + early));
        }, "river-grade-engine-output");
        t.setDaemon(true);
        t.start();
        return ready;
    }

    private void stopEngines() {
        for (Engine e : engines) e.process().destroy();
        for (Engine e : engines) {
            try {
                // an engine writing the class-data archive at exit gets time for it
                if (!e.process().waitFor(e.cds().lock() != null ? 60 : 5, TimeUnit.SECONDS)) {
                    e.process().destroyForcibly();
                    e.process().waitFor();
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                e.process().destroyForcibly();
            }
            ClassDataSharing.finish(e.cds());
        }
        engines = List.of();
    }

    /** Empties each engine's directory (and its tmp), keeping the directories the running engines are in. */
    private void emptyScratch() throws IOException {
        Files.createDirectories(scratch);
        try (var s = Files.walk(scratch)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Path rel = scratch.relativize(p);
                boolean keep = p.equals(scratch) || (rel.getNameCount() == 1 && rel.toString().startsWith("engine-"))
                        || (rel.getNameCount() == 2 && rel.getName(1).toString().equals("tmp"));
                if (!keep) Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        stopEngines();
    }

    /** Where this class was loaded from, so engines can run {@link EngineAudit}. */
    private static String ownClassPath() {
        try {
            return Path.of(EngineSlot.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("unusable location of the kernel's classes", e);
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
