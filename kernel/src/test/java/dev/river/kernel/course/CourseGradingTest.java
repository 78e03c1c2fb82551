package dev.river.kernel.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * river grade for real: nbclient drives this build's River kernel, which starts real local engines, on
 * the shipped course notebooks and on submissions that cheat, hang, exit or are no notebook at all.
 */
class CourseGradingTest {
    /** Course notebooks whose APIs come from other issues: graded here once that API is on the class path. */
    static final Map<String, String[]> NEEDS = Map.of(
            "03-rmpi-ring-and-pi.ipynb", new String[]{"dev.river.mpi.Mpirun", "issue-5 (rMPI)"},
            "04-mapreduce-inverted-index.ipynb", new String[]{"dev.river.mapreduce.MapReduce", "issue-6 (MapReduce)"},
            "05-checkpoint-restore.ipynb", new String[]{"dev.river.checkpoint.Checkpoints", "issue-7 (checkpointing)"});

    static Path course;
    static String python;
    static Path script;

    @BeforeAll
    static void setUp() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir"));
        course = (Files.isDirectory(dir.resolve("notebooks")) ? dir : dir.getParent()).resolve("notebooks/course");
        assertTrue(Files.isDirectory(course), "no notebooks/course next to " + dir);
        python = python();
        script = Files.createTempFile("river-grade-notebook-", ".py");
        try (InputStream in = Grader.class.getResourceAsStream("/dev/river/kernel/py/grade_notebook.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    static Stream<String> sources() throws IOException {
        try (var s = Files.list(course)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted().toList().stream();
        }
    }

    @Test
    void theCourseHasFiveAssignmentsWithTestsAndSolutions() throws Exception {
        List<String> names = sources().toList();
        assertTrue(names.size() >= 5, "five assignments at least: " + names);
        for (String n : names) {
            Assignment a = Assignment.read(course.resolve(n));
            assertTrue(a.tests().size() >= 2 && a.maxPoints() > 0, n + " has tests");
            String all = Files.readString(course.resolve(n));
            assertTrue(all.contains(Markers.BEGIN_SOLUTION) && all.contains(Markers.BEGIN_HIDDEN), n + " has solutions and hidden tests");
        }
    }

    /** Each source graded against itself gets full marks; its student version runs to the end and gets 0. */
    @ParameterizedTest
    @MethodSource("sources")
    void sourceEarnsFullMarksAndStudentVersionZero(String name, @TempDir Path tmp) throws Exception {
        String[] need = NEEDS.get(name);
        if (need != null) {
            Assumptions.assumeTrue(onClassPath(need[0]), name + " needs " + need[1] + ", which is not on this branch ("
                    + need[0] + " is missing); see notebooks/course/README.md");
        }
        Assignment a = Assignment.read(course.resolve(name));
        Path student = tmp.resolve("student-" + name);
        a.writeStudentVersion(student);
        List<Grade> g = grader(a, tmp, 240).grade(List.of(course.resolve(name), student));
        assertEquals(a.maxPoints(), g.get(0).total(), "the source against itself: " + g.get(0));
        assertEquals(null, g.get(0).problem());
        assertEquals(0, g.get(1).total(), "the student version: " + g.get(1));
        assertEquals(null, g.get(1).problem(), "the student version runs to the end, kernel alive: " + g.get(1));
        assertTrue(g.get(1).results().values().stream().noneMatch(r -> r.errorType().equals("NotRun")), g.get(1).toString());
    }

    /**
     * One batch of bad submissions of assignment 1, two at a time: System.exit, an endless loop, not a
     * notebook, a weakened test, a deleted test, a flood of output, a memory hog; each is graded with what it earned and the next one still runs.
     */
    @Test
    void badSubmissionsAreGradedAndNeverStopTheBatch(@TempDir Path tmp) throws Exception {
        Path src = course.resolve("01-sfm-messaging.ipynb");
        Assignment a = Assignment.read(src);
        Path student = tmp.resolve("student.ipynb");
        a.writeStudentVersion(student);
        int squarerTest = a.test("squarer_replies").cellIndex();

        Path exits = tmp.resolve("exits.ipynb");                   // full solution, but exits after the first test
        write(exits, insertAfter(read(src), squarerTest, "System.exit(3);"));
        Path loops = tmp.resolve("loops.ipynb");                   // full solution, then loops for ever
        write(loops, insertAfter(read(src), squarerTest, "long spins = 0;\nwhile (true) spins++;"));
        Path essay = tmp.resolve("essay.ipynb");
        Files.writeString(essay, "my dog ate it");
        Path weakened = tmp.resolve("weakened.ipynb");             // student version, first test reduced to nothing
        JsonObject w = read(student);
        setSource(w, squarerTest, "//# test squarer_replies points=2\n// passes, surely");
        write(weakened, w);
        Path deleted = tmp.resolve("deleted.ipynb");               // full solution, second test cell deleted
        JsonObject d = read(src);
        d.getAsJsonArray("cells").remove(a.test("ask_each_engine").cellIndex());
        write(deleted, d);

        Path floods = tmp.resolve("floods.ipynb");                 // full solution, then prints for ever
        write(floods, insertAfter(read(src), squarerTest, "for (long i = 0; ; i++) System.out.println(\"flood \" + i);"));
        Path hogs = tmp.resolve("hogs.ipynb");                     // full solution, then takes all the memory there is
        write(hogs, insertAfter(read(src), squarerTest,
                "java.util.List<long[]> hog = new java.util.ArrayList<>();\nwhile (true) hog.add(new long[1 << 22]);"));

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path out = tmp.resolve("graded");
        Grader grader = grader(a, tmp, 60).out(out).progress(new PrintStream(progress, true, StandardCharsets.UTF_8))
                .jobs(2).memory("384m").outputLimit(1 << 20);
        List<Grade> g = grader.grade(List.of(exits, loops, essay, weakened, deleted, floods, hogs, src));
        String printed = progress.toString(StandardCharsets.UTF_8);

        assertEquals(2, g.get(0).total(), g.get(0).toString());
        assertTrue(g.get(0).problem().contains("kernel died"), g.get(0).problem());
        assertEquals(2, g.get(1).total(), g.get(1).toString());
        assertTrue(g.get(1).problem().contains("time limit"), g.get(1).problem());
        assertEquals(0, g.get(2).total());
        assertTrue(g.get(2).problem().startsWith("essay.ipynb is not a notebook"), g.get(2).problem());
        assertEquals(0, g.get(3).results().get("squarer_replies").points(), "a weakened test still fails: " + g.get(3));
        assertEquals(5, g.get(4).total(), "a deleted test is run from the source: " + g.get(4));
        assertTrue(g.get(4).notes().stream().anyMatch(n -> n.contains("ask_each_engine was missing")), g.get(4).notes().toString());
        assertEquals(2, g.get(5).total(), "a flood is cut, the test before it counts: " + g.get(5));
        assertTrue(g.get(5).problem().contains("output limit"), g.get(5).problem());
        assertEquals("NotRun", g.get(5).results().get("ask_each_engine").errorType(), g.get(5).toString());
        assertEquals(2, g.get(6).total(), "memory exhausted, the test before it counts: " + g.get(6));
        assertTrue(g.get(6).problem().contains("ran out of memory"), g.get(6).problem());
        assertEquals(5, g.get(7).total(), "the batch goes on after an exit, a hang, a flood and a memory hog");

        assertTrue(printed.contains("] essay.ipynb") && printed.contains("is not a notebook"), printed);
        assertTrue(printed.contains("[8/8] "), printed);
        List<String> csv = Files.readAllLines(out.resolve("grades.csv"));
        assertEquals("submission,squarer_replies,ask_each_engine,total", csv.get(0));
        assertEquals("exits.ipynb,2,0,2", csv.get(1));
        assertEquals("01-sfm-messaging.ipynb,2,3,5", csv.get(8));
        String page = Files.readString(out.resolve("weakened.html"));
        assertTrue(page.contains("squarer_replies") && page.contains("0 / 2"), page);
        String loopPage = Files.readString(out.resolve("loops.html"));
        assertTrue(loopPage.contains("was still running at the time limit of 60 s") && loopPage.contains("passed"), loopPage);
    }

    private Grader grader(Assignment a, Path tmp, int timeoutSeconds) {
        return new Grader(a, python, script).timeout(Duration.ofSeconds(timeoutSeconds)).out(tmp.resolve("graded"));
    }

    private static boolean onClassPath(String cls) {
        try {
            Class.forName(cls, false, CourseGradingTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static JsonObject read(Path p) throws IOException {
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }

    static void write(Path p, JsonObject nb) throws IOException {
        Files.writeString(p, nb.toString());
    }

    static void setSource(JsonObject nb, int cell, String source) {
        Notebook.setSource(nb.getAsJsonArray("cells").get(cell).getAsJsonObject(), source);
    }

    static JsonObject insertAfter(JsonObject nb, int cell, String source) {
        JsonArray cells = nb.getAsJsonArray("cells");
        JsonObject c = new JsonObject();
        c.addProperty("cell_type", "code");
        c.addProperty("id", "inserted");
        c.add("metadata", new JsonObject());
        c.add("outputs", new JsonArray());
        c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
        Notebook.setSource(c, source);
        List<JsonElement> all = new ArrayList<>();
        cells.forEach(all::add);
        all.add(cell + 1, c);
        JsonArray out = new JsonArray();
        all.forEach(out::add);
        nb.add("cells", out);
        return nb;
    }

    static String python() throws Exception {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("RIVER_PYTHON");
        if (env != null) candidates.add(env);
        candidates.addAll(List.of("/usr/bin/python3", "python3"));
        for (String c : candidates) {
            Process p = new ProcessBuilder(c, "-c", "import nbclient, nbformat").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
        }
        throw new IllegalStateException("no Python with nbclient: run install/requirements --for-tests");
    }
}
