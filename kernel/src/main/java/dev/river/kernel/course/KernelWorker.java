package dev.river.kernel.course;

import com.google.gson.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One submission's kernel, started ahead of need: {@code grade_notebook.py --serve} in the submission's
 * own directory starts a River kernel (a JVM of its own, used for this one submission only), says
 * "KERNEL-READY", and then runs the notebook it is handed. The kernel's and helper's output goes to
 * {@code kernel.log} in that directory.
 *
 * <p>Owned by one grading thread.
 */
final class KernelWorker {
    private final Process process;
    private final Path dir;
    private final Path log;
    private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    /** Set by the output thread when the kernel's JVM said it ran out of memory (HotSpot says so on stdout). */
    private volatile boolean outOfMemory;

    private KernelWorker(Process process, Path dir, Path log) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        Thread t = new Thread(this::watch, "river-grade-kernel-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    /** Starts the helper and its kernel in {@code dir}, with {@code env} added (JUPYTER_PATH, the discovery port). */
    static KernelWorker start(String python, Path script, Path dir, Map<String, String> env) throws IOException {
        return start(python, script, dir, env, dev.river.kernel.Kernelspec.NAME, false);
    }

    /** As above, on the kernelspec {@code kernel}; {@code graceful}: shut the kernel down by request, so its JVM exits normally. */
    static KernelWorker start(String python, Path script, Path dir, Map<String, String> env, String kernel, boolean graceful)
            throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("kernel.log");
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--serve", "--kernel", kernel));
        if (graceful) cmd.add("--graceful");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return new KernelWorker(pb.start(), dir, log);
    }

    /** The class-data archive this worker's kernel writes at exit (to {@link ClassDataSharing#finish}), or null. */
    private ClassDataSharing.Launch archive;

    KernelWorker archive(ClassDataSharing.Launch l) {
        this.archive = l;
        return this;
    }

    ClassDataSharing.Launch archive() {
        return archive;
    }

    Path dir() {
        return dir;
    }

    Path log() {
        return log;
    }

    private void watch() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.strip().equals("KERNEL-READY")) ready.complete(true);
                if (line.contains("java.lang.OutOfMemoryError")) outOfMemory = true;
            }
        } catch (IOException e) {
            // the helper exited
        }
        ready.complete(false);
    }

    /**
     * Hands the notebook over and waits until the helper has written {@code report} and exited (the
     * kernel with it). The helper enforces {@code timeoutSeconds} itself; {@code backstopSeconds} more
     * are allowed for the kernel's start and shutdown before the whole process tree is killed.
     * Returns false when the kernel never got ready.
     */
    boolean run(Path notebook, Path report, long timeoutSeconds, long outputLimit, long backstopSeconds)
            throws IOException, InterruptedException {
        boolean ok;
        try {
            ok = ready.get(backstopSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            ok = false;
        }
        if (!ok) {
            kill();
            return false;
        }
        JsonObject job = new JsonObject();
        job.addProperty("notebook", notebook.toString());
        job.addProperty("out", report.toString());
        job.addProperty("timeout", timeoutSeconds);
        job.addProperty("output_limit", outputLimit);
        try (OutputStream in = process.getOutputStream()) {
            in.write((job + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(timeoutSeconds + backstopSeconds, TimeUnit.SECONDS)) kill();
        return true;
    }

    /** Stops the helper and its kernel (a worker not needed any more, or one that hangs). */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last lines of the helper's and kernel's output, for a message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Whether the kernel's JVM said it ran out of memory (it runs with -XX:+ExitOnOutOfMemoryError). */
    boolean ranOutOfMemory() {
        if (outOfMemory) return true;
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.anyMatch(l -> l.contains("java.lang.OutOfMemoryError"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
