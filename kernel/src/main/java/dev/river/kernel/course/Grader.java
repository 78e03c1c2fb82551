package dev.river.kernel.course;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.kernel.Kernelspec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grades submissions of one {@link Assignment} (DESIGN.md section 7). Each submission runs headless
 * under nbclient on this build's River kernel (its kernelspec installed in a temporary directory), in a
 * kernel JVM of its own, started ahead of need. {@code --jobs} submissions run at once, each slot with
 * warm engines of its own that are audited after every submission and replaced when anything of it is
 * left (see {@link Batch}, {@link EngineSlot}). One that does not parse, runs past the time limit, calls
 * System.exit, crashes the kernel, runs out of memory or floods its output keeps what it earned up to
 * there, and the batch goes on.
 *
 * <pre>{@code
 * Grader g = new Grader(Assignment.read(Path.of("02-trickle.ipynb")), python, script)
 *         .timeout(Duration.ofSeconds(120)).jobs(4).out(Path.of("graded"));
 * List<Grade> grades = g.grade(List.of(Path.of("alice.ipynb"), Path.of("bob.ipynb")));
 * }</pre>
 */
public final class Grader {
    private static final System.Logger LOG = System.getLogger(Grader.class.getName());
    private static final Pattern LINE = Pattern.compile("(?<!\\], )\\bline (\\d+)");   // "In [6], line 3" is another cell's

    private final Assignment assignment;
    private final String python;
    private final Path script;
    private Duration timeout = Duration.ofSeconds(300);
    private Path out = Path.of("graded");
    private PrintStream progress = System.out;
    private int jobs = defaultJobs();
    private long outputLimit = 4L << 20;
    private String memory = "1g";
    private Boolean bar;
    private final int[] stats = new int[2];

    /**
     * @param python a Python with nbclient
     * @param script the grade_notebook.py helper
     */
    public Grader(Assignment assignment, String python, Path script) {
        this.assignment = assignment;
        this.python = python;
        this.script = script;
    }

    public Grader timeout(Duration d) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("--timeout must be positive, not " + d.toSeconds());
        this.timeout = d;
        return this;
    }

    public Grader out(Path dir) {
        this.out = dir;
        return this;
    }

    public Grader progress(PrintStream p) {
        this.progress = p;
        return this;
    }

    /** Submissions graded at once (each on its own kernel and engines); default from the machine's cores. */
    public Grader jobs(int n) {
        if (n < 1) throw new IllegalArgumentException("--jobs must be at least 1, not " + n);
        this.jobs = n;
        return this;
    }

    /** Bytes of output a whole submission may print before the cell printing is cut (default 4 MB). */
    public Grader outputLimit(long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("--output-limit must be positive, not " + bytes);
        this.outputLimit = bytes;
        return this;
    }

    /** The heap of each submission's kernel and engines, as for -Xmx (default 1g). */
    public Grader memory(String xmx) {
        if (!xmx.matches("\\d+[kKmMgG]?")) throw new IllegalArgumentException("--memory takes a size like 512m or 2g, not " + xmx);
        this.memory = xmx;
        return this;
    }

    /** Whether to draw a progress bar (default: when printing to a terminal). */
    public Grader progressBar(boolean on) {
        this.bar = on;
        return this;
    }

    /**
     * The default --jobs: one per two cores, at least 1. A submission keeps about two cores busy (its
     * kernel's JIT and JShell's compiles, the Python helper, its engines): on 2 cores, 2 at once were
     * no faster than 1 (docs/benchmarks.md).
     */
    public static int defaultJobs() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Engine reuses and replacements in the last batch, for tests and the benchmark: {reused, replaced}. */
    public int[] engineStats() {
        return stats.clone();
    }

    String python() {
        return python;
    }

    Path script() {
        return script;
    }

    /**
     * Grades every submission, {@code --jobs} at a time, showing the batch's progress, then writes
     * grades.csv and the feedback pages and prints the summary table.
     */
    public List<Grade> grade(List<Path> submissions) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("river-grade-");
        Set<String> pages = new HashSet<>();
        List<ClassDataSharing.Launch> cds = new ArrayList<>();
        try {
            Path data = Kernelspec.prefixDataDir(work.resolve("prefix"));
            Kernelspec spec = Kernelspec.defaults();
            ClassDataSharing.Launch k = ClassDataSharing.launch("kernel", spec.java(), Runtime.version().feature(), spec.classPath());
            List<String> heap = List.of("-Xmx" + memory, "-XX:+ExitOnOutOfMemoryError");
            ClassDataSharing.Launch archiving = null;
            if (k.lock() != null) {          // no archive yet: one kernel (the batch's first) writes it as it exits
                archiving = k;
                spec.withName(Batch.ARCHIVER).withJavaOptions(concat(heap, k.options())).install(data);
                k = ClassDataSharing.Launch.NONE;
            }
            spec.withJavaOptions(concat(heap, k.options())).install(data);
            int slots = Math.max(1, Math.min(jobs, submissions.size()));
            progress.printf("grading %d submission(s) of %s (%d tests, %d points; time limit %d s, %s heap each; %d at a time)%n",
                    submissions.size(), assignment.file().getFileName(), assignment.tests().size(), assignment.maxPoints(),
                    timeout.toSeconds(), memory, slots);
            BatchProgress bp = new BatchProgress(progress, bar == null ? BatchProgress.onTerminal(progress) : bar, submissions.size());
            bp.start();
            Batch batch = new Batch(this, work, Map.of("JUPYTER_PATH", data.toString()), slots, 2, heap);
            if (archiving != null) batch.archiveKernelClasses(archiving);
            List<Grade> grades;
            try {
                grades = batch.run(submissions, bp);
            } finally {
                bp.end();
            }
            stats[0] = batch.reuses.get();
            stats[1] = batch.restarts.get();
            for (int i = 0; i < grades.size(); i++) {
                String page = pageName(submissions.get(i), pages);
                Files.writeString(out.resolve(page), FeedbackPage.html(assignment, grades.get(i)), StandardCharsets.UTF_8);
            }
            Files.writeString(out.resolve("grades.csv"), csv(grades), StandardCharsets.UTF_8);
            progress.println();
            progress.print(table(grades));
            progress.println("wrote " + out.resolve("grades.csv") + " and " + grades.size() + " feedback page(s) in " + out);
            return grades;
        } finally {
            deleteTree(work);
        }
    }

    /** The line the progress shows for a graded submission. */
    String line(Grade g) {
        int passed = (int) g.results().values().stream().filter(Grade.Result::passed).count();
        return String.format(Locale.ROOT, "%-28s %3d / %d  (%d of %d tests passed%s)  %.1f s", g.submission(), g.total(),
                assignment.maxPoints(), passed, g.results().size(), g.problem() == null ? "" : "; " + g.problem(), g.seconds());
    }

    /** Starts the kernel of a later submission while this one runs (null when no more are queued). */
    interface Prestart {
        KernelWorker start() throws IOException;
    }

    /**
     * How one submission went: its grade, whether the kernel worker was used (not for a file that
     * cannot be read), whether the run ended cleanly (not cut, not a dead kernel), and the worker
     * prestarted meanwhile.
     */
    record Outcome(Grade grade, boolean usedWorker, boolean clean, KernelWorker prestarted) {}

    Outcome gradeOne(Path file, KernelWorker worker, Prestart prestart) throws InterruptedException {
        long t0 = System.nanoTime();
        String name = file.getFileName().toString();
        Submission sub;
        try {
            if (!Files.isRegularFile(file)) return unused(Grade.notGraded(name, assignment, "no such file: " + file, secs(t0)));
            sub = new Submission(assignment, Notebook.read(file));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof IllegalArgumentException ? e.getMessage() : "cannot read it: " + e;
            return unused(Grade.notGraded(name, assignment, why, secs(t0)));
        }
        KernelWorker next = null;
        try {
            Path nb = worker.dir().resolve(name.endsWith(".ipynb") ? name : name + ".ipynb");
            sub.notebook.write(nb);
            Path report = worker.dir().resolve("report.json");
            Running run = new Running(worker, nb, report);
            run.start();
            try {
                next = prestart.start();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not start the next kernel ahead: " + e.getMessage());
            }
            boolean started = run.await();
            if (!started) {
                return new Outcome(Grade.notGraded(name, assignment, "the kernel did not start: " + worker.tail(), secs(t0)),
                        true, false, next);
            }
            if (!Files.isRegularFile(report)) {
                return new Outcome(Grade.notGraded(name, assignment, "the grading helper failed: " + worker.tail(), secs(t0)),
                        true, false, next);
            }
            JsonObject r = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
            boolean clean = r.get("stopped").isJsonNull();
            if (!clean && "dead-kernel".equals(r.get("stopped").getAsString()) && worker.ranOutOfMemory()) {
                r.addProperty("detail", "the kernel ran out of memory (its heap limit is " + memory + ") and was stopped");
                r.addProperty("out_of_memory", true);
            }
            return new Outcome(fromReport(name, sub, r, secs(t0)), true, clean, next);
        } catch (IOException | RuntimeException e) {
            return new Outcome(Grade.notGraded(name, assignment, "grading failed: " + e.getMessage(), secs(t0)), true, false, next);
        }
    }

    private static Outcome unused(Grade g) {
        return new Outcome(g, false, true, null);
    }

    /** Runs the worker on a thread of its own, so the next kernel can be started meanwhile. */
    private final class Running {
        private final java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
        private final KernelWorker worker;
        private final Path nb;
        private final Path report;

        Running(KernelWorker worker, Path nb, Path report) {
            this.worker = worker;
            this.nb = nb;
            this.report = report;
        }

        void start() {
            Thread t = new Thread(() -> {
                try {
                    done.complete(worker.run(nb, report, timeout.toSeconds(), outputLimit, 120));
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            }, "river-grade-run");
            t.setDaemon(true);
            t.start();
        }

        boolean await() throws IOException, InterruptedException {
            try {
                return done.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("running the submission failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private Grade fromReport(String name, Submission sub, JsonObject report, double seconds) {
        Map<Integer, JsonObject> byCell = new HashMap<>();
        for (JsonElement e : report.getAsJsonArray("cells")) byCell.put(e.getAsJsonObject().get("index").getAsInt(), e.getAsJsonObject());
        String detail = report.get("detail").isJsonNull() ? null : report.get("detail").getAsString();
        Map<String, Grade.Result> results = new LinkedHashMap<>();
        for (Assignment.Test t : assignment.tests()) {
            JsonObject c = byCell.get(sub.testCells.get(t.name()));
            String status = c == null ? "not-run" : c.get("status").getAsString();
            if (status.equals("ok")) {
                results.put(t.name(), new Grade.Result(t.points(), t.points(), null, null, null, null));
            } else if (status.equals("error")) {
                String tb = str(c, "traceback");
                String ename = str(c, "ename");
                String evalue = str(c, "evalue");
                if (ename.equals("KernelDied") && report.has("out_of_memory")) {
                    ename = "OutOfMemory";
                    evalue = "the kernel ran out of memory (heap limit " + memory + ") while running this cell, and was stopped";
                }
                results.put(t.name(), new Grade.Result(0, t.points(), evalue, ename, errorLine(t, tb), tb));
            } else {
                results.put(t.name(), new Grade.Result(0, t.points(), "not run" + (detail == null ? "" : ": " + detail),
                        "NotRun", null, null));
            }
        }
        return new Grade(name, results, detail, sub.notes, seconds);
    }

    /** "line N: text" of the test cell, from the first line of this cell the kernel's traceback mentions. */
    private static String errorLine(Assignment.Test t, String traceback) {
        if (traceback == null) return null;
        Matcher m = LINE.matcher(traceback);
        if (!m.find()) return null;
        int n = Integer.parseInt(m.group(1));
        List<String> lines = JavaLines.splitLines(t.source());
        return n >= 1 && n <= lines.size() ? "line " + n + ": " + lines.get(n - 1).strip() : "line " + n;
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : "";
    }

    String csv(List<Grade> grades) {
        StringBuilder b = new StringBuilder("submission");
        for (Assignment.Test t : assignment.tests()) b.append(',').append(t.name());
        b.append(",total\n");
        for (Grade g : grades) {
            b.append(csvField(g.submission()));
            for (Assignment.Test t : assignment.tests()) b.append(',').append(g.results().get(t.name()).points());
            b.append(',').append(g.total()).append('\n');
        }
        return b.toString();
    }

    private static String csvField(String s) {
        return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    String table(List<Grade> grades) {
        int w = Math.max(10, grades.stream().mapToInt(g -> g.submission().length()).max().orElse(10));
        StringBuilder b = new StringBuilder(String.format("%-" + w + "s", "submission"));
        for (Assignment.Test t : assignment.tests()) b.append("  ").append(t.name());
        b.append("  total\n");
        for (Grade g : grades) {
            b.append(String.format("%-" + w + "s", g.submission()));
            for (Assignment.Test t : assignment.tests()) {
                b.append(String.format("  %" + t.name().length() + "s", g.results().get(t.name()).points() + "/" + t.points()));
            }
            b.append(String.format("  %d/%d%n", g.total(), assignment.maxPoints()));
        }
        return b.toString();
    }

    private static String pageName(Path submission, Set<String> used) {
        String stem = submission.getFileName().toString().replaceFirst("\\.ipynb$", "");
        String page = stem + ".html";
        for (int k = 2; !used.add(page); k++) page = stem + "-" + k + ".html";
        return page;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }



    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
