package dev.river.kernel.course;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.kernel.Kernelspec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grades submissions of one {@link Assignment} (DESIGN.md section 7). Each submission runs headless
 * under nbclient on this build's River kernel (its kernelspec installed in a temporary directory), in a
 * kernel of its own with a discovery port of its own, so the engines it starts are fresh and see no
 * other submission's. One that does not parse, runs past the time limit, calls System.exit or crashes
 * the kernel keeps what it earned up to there, and the next one is graded.
 *
 * <pre>{@code
 * Grader g = new Grader(Assignment.read(Path.of("02-trickle.ipynb")), python, script)
 *         .timeout(Duration.ofSeconds(120)).out(Path.of("graded"));
 * List<Grade> grades = g.grade(List.of(Path.of("alice.ipynb"), Path.of("bob.ipynb")));
 * }</pre>
 */
public final class Grader {
    private static final Pattern LINE = Pattern.compile("(?<!\\], )\\bline (\\d+)");   // "In [6], line 3" is another cell's

    private final Assignment assignment;
    private final String python;
    private final Path script;
    private Duration timeout = Duration.ofSeconds(300);
    private Path out = Path.of("graded");
    private PrintStream progress = System.out;

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

    /** Grades every submission in turn, printing a line for each, then writes grades.csv and the feedback pages. */
    public List<Grade> grade(List<Path> submissions) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("river-grade-");
        List<Grade> grades = new ArrayList<>();
        Set<String> pages = new HashSet<>();
        try {
            Path data = Kernelspec.prefixDataDir(work.resolve("prefix"));
            Kernelspec.defaults().install(data);
            progress.printf("grading %d submission(s) of %s (%d tests, %d points; time limit %d s each)%n",
                    submissions.size(), assignment.file().getFileName(), assignment.tests().size(), assignment.maxPoints(),
                    timeout.toSeconds());
            int i = 0;
            for (Path s : submissions) {
                i++;
                Grade g = gradeOne(s, work, data);
                grades.add(g);
                String page = pageName(s, pages);
                Files.writeString(out.resolve(page), FeedbackPage.html(assignment, g), StandardCharsets.UTF_8);
                int passed = (int) g.results().values().stream().filter(Grade.Result::passed).count();
                progress.printf("[%d/%d] %-28s %3d / %d  (%d of %d tests passed%s)  %.1f s%n", i, submissions.size(),
                        g.submission(), g.total(), assignment.maxPoints(), passed, g.results().size(),
                        g.problem() == null ? "" : "; " + g.problem(), g.seconds());
                progress.flush();
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

    private Grade gradeOne(Path file, Path work, Path data) throws InterruptedException {
        long t0 = System.nanoTime();
        String name = file.getFileName().toString();
        Submission sub;
        try {
            if (!Files.isRegularFile(file)) return Grade.notGraded(name, assignment, "no such file: " + file, secs(t0));
            sub = new Submission(assignment, Notebook.read(file));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof IllegalArgumentException ? e.getMessage() : "cannot read it: " + e;
            return Grade.notGraded(name, assignment, why, secs(t0));
        }
        try {
            Path dir = Files.createTempDirectory(work, "sub-");
            Path nb = dir.resolve(name.endsWith(".ipynb") ? name : name + ".ipynb");
            sub.notebook.write(nb);
            Path report = dir.resolve("report.json");
            Path log = dir.resolve("kernel.log");
            List<String> cmd = List.of(python, script.toString(), nb.toString(), report.toString(), "--kernel", Kernelspec.NAME,
                    "--timeout", Long.toString(timeout.toSeconds()));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("JUPYTER_PATH", data.toString());
            pb.environment().put("RIVER_DISCOVERY_PORT", Integer.toString(freeUdpPort()));
            pb.environment().put("RIVER_BEACON_MS", "200");
            pb.environment().put("PYTHONUNBUFFERED", "1");
            Process p = pb.start();
            // the helper enforces the limit itself; this is the backstop if it or the kernel hangs on shutdown
            if (!p.waitFor(timeout.toSeconds() + 120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            if (!Files.isRegularFile(report)) {
                return Grade.notGraded(name, assignment, "the grading helper failed: " + tail(log), secs(t0));
            }
            return fromReport(name, sub, JsonParser.parseString(Files.readString(report)).getAsJsonObject(), secs(t0));
        } catch (IOException e) {
            return Grade.notGraded(name, assignment, "grading failed: " + e.getMessage(), secs(t0));
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
                results.put(t.name(), new Grade.Result(0, t.points(), str(c, "evalue"), str(c, "ename"), errorLine(t, tb), tb));
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

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
