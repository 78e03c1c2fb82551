package dev.river.kernel.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * river grade reuses its engines across submissions: what one submission leaves on them (a static
 * field's value, a thread that never ends, a file in the engine's directory) is gone for the next,
 * and engines left clean are really reused (same processes), so the static state is proven fresh on
 * the very JVM that held the last submission's.
 */
class GradingIsolationTest {
    /** A VR that reports what it finds on its engine and, when asked, leaves a thread and a file behind. */
    static final String PROBE = """
            class Probe extends VirtualResource {
                static int visits;      // 0 in a class loader of its own
                @Override protected void main() {
                    Message m = recv("tag", "probe");
                    int before = visits++;
                    boolean thread = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("left-behind"));
                    boolean file = java.nio.file.Files.exists(java.nio.file.Path.of("left-behind.txt"));
                    if (m.getInt("leave") == 1) {
                        Thread t = new Thread(() -> {
                            while (true) {
                                try { Thread.sleep(1000); } catch (InterruptedException e) { /* stays */ }
                            }
                        }, "left-behind");
                        t.start();
                        try {
                            java.nio.file.Files.writeString(java.nio.file.Path.of("left-behind.txt"), "left");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    send(m.src(), "tag", "found", "before", before, "thread", thread ? 1 : 0, "file", file ? 1 : 0,
                            "pid", ProcessHandle.current().pid());
                }
            }""";

    static final String TEST = """
            //# test clean points=1
            java.util.List<VrId> probes = me.deploy(engines, Probe.class);
            StringBuilder seen = new StringBuilder(WHO);
            boolean clean = true;
            for (VrId p : probes) {
                me.send(p, "tag", "probe", "leave", LEAVE);
                Message r = me.recv(java.time.Duration.ofSeconds(20), "tag", "found", "src", p);
                seen.append(' ').append(r.getLong("pid")).append(':').append(r.getInt("before")).append(r.getInt("thread")).append(r.getInt("file"));
                clean &= r.getInt("before") == 0 && r.getInt("thread") == 0 && r.getInt("file") == 0;
            }
            java.nio.file.Files.writeString(java.nio.file.Path.of(LOG), seen + "\\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            if (!clean) throw new AssertionError("left by an earlier submission: " + seen);""";

    @Test
    void whatASubmissionLeavesOnReusedEnginesIsGoneForTheNext(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("probes.txt");
        Path source = notebook(tmp.resolve("iso.ipynb"), "source", 0, log);
        Path leaver = notebook(tmp.resolve("a-leaver.ipynb"), "leaver", 1, log);
        Path first = notebook(tmp.resolve("b-first.ipynb"), "first", 0, log);
        Path second = notebook(tmp.resolve("c-second.ipynb"), "second", 0, log);
        Assignment a = Assignment.read(source);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Grader g = new Grader(a, CourseGradingTest.python(), script(tmp)).timeout(Duration.ofSeconds(90)).out(tmp.resolve("graded"))
                .progress(new PrintStream(progress, true, StandardCharsets.UTF_8)).jobs(1);
        List<Grade> grades = g.grade(List.of(leaver, first, second));
        String printed = progress.toString(StandardCharsets.UTF_8);

        for (Grade x : grades) assertEquals(1, x.total(), x + "\n" + printed + "\n" + Files.readString(log));
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size(), lines.toString());
        // the leaver left a thread: its engines were replaced; "first" left nothing: its engines served "second"
        assertNotEquals(pids(lines.get(0)), pids(lines.get(1)), "the leaver's engines were replaced: " + lines);
        assertEquals(pids(lines.get(1)), pids(lines.get(2)), "clean engines are reused: " + lines);
        assertTrue(lines.get(1).split(" ").length == 3, "two engines probed: " + lines);
        int[] stats = g.engineStats();
        assertEquals(2, stats[0], "reused after first and after second: " + java.util.Arrays.toString(stats));
        assertEquals(1, stats[1], "replaced after the leaver only: " + java.util.Arrays.toString(stats));
    }

    private static String pids(String line) {
        StringBuilder b = new StringBuilder();
        String[] parts = line.split(" ");
        List<String> ps = new java.util.ArrayList<>();
        for (int i = 1; i < parts.length; i++) ps.add(parts[i].split(":")[0]);
        ps.stream().sorted().forEach(p -> b.append(p).append(' '));
        return b.toString().strip();
    }

    private static Path notebook(Path file, String who, int leave, Path log) throws Exception {
        JsonObject nb = new JsonObject();
        JsonArray cells = new JsonArray();
        cells.add(code("setup", "%river engines --min 2"));
        cells.add(code("attach", "VirtualResource me = River.attach(\"iso\");\nList<VmInfo> engines = me.discover();\n"
                + "String WHO = \"" + who + "\";\nint LEAVE = " + leave + ";\nString LOG = \"" + log + "\";"));
        cells.add(code("probe", PROBE));
        cells.add(code("test", TEST));
        cells.add(code("detach", "River.detach(me);"));
        nb.add("cells", cells);
        JsonObject meta = new JsonObject();
        nb.add("metadata", meta);
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        Files.writeString(file, nb.toString());
        return file;
    }

    static JsonObject code(String id, String source) {
        JsonObject c = new JsonObject();
        c.addProperty("cell_type", "code");
        c.addProperty("id", id);
        c.add("metadata", new JsonObject());
        c.add("outputs", new JsonArray());
        c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
        Notebook.setSource(c, source);
        return c;
    }

    static Path script(Path tmp) throws Exception {
        Path script = tmp.resolve("grade_notebook.py");
        try (InputStream in = Grader.class.getResourceAsStream("/dev/river/kernel/py/grade_notebook.py")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }
}
