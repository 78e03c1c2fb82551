package dev.river.kernel.course;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small class graded from a course folder in nbgrader's layout, two at a time, on the real kernel:
 * one solved, one blank (the released version as handed out), one student who handed nothing in; the
 * gradebook, feedback and autograded folders come out where nbgrader puts them.
 */
class CourseFolderGradingTest {
    @Test
    void aClassIsGradedFromItsCourseFolder(@TempDir Path root) throws Exception {
        Path course = Path.of(System.getProperty("user.dir"));
        course = (Files.isDirectory(course.resolve("notebooks")) ? course : course.getParent()).resolve("notebooks/course");
        String nb = "01-sfm-messaging.ipynb";
        Files.createDirectories(root.resolve("source/ps1"));
        Files.copy(course.resolve(nb), root.resolve("source/ps1").resolve(nb));
        CourseFolder c = new CourseFolder(root);
        Path released = c.release("ps1").get(0);
        for (String s : List.of("alice", "bob", "carol")) Files.createDirectories(root.resolve("submitted").resolve(s).resolve("ps1"));
        Files.copy(course.resolve(nb), root.resolve("submitted/alice/ps1").resolve(nb));
        Files.copy(released, root.resolve("submitted/bob/ps1").resolve(nb));

        Path script = GradingIsolationTest.script(Files.createDirectories(root.resolve(".tools")));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<CourseFolder.Row> rows = c.grade("ps1", a -> new Grader(a, pythonOrFail(), script).timeout(Duration.ofSeconds(120))
                .jobs(2).progress(new PrintStream(progress, true, StandardCharsets.UTF_8)));
        String printed = progress.toString(StandardCharsets.UTF_8);

        assertEquals(6, rows.size(), rows + "\n" + printed);
        List<String> csv = Files.readAllLines(root.resolve("gradebook.csv"));
        assertEquals(List.of("student,assignment,notebook,grade_id,points,max_points",
                "alice,ps1,01-sfm-messaging,squarer_replies,2,2", "alice,ps1,01-sfm-messaging,ask_each_engine,3,3",
                "bob,ps1,01-sfm-messaging,squarer_replies,0,2", "bob,ps1,01-sfm-messaging,ask_each_engine,0,3",
                "carol,ps1,01-sfm-messaging,squarer_replies,0,2", "carol,ps1,01-sfm-messaging,ask_each_engine,0,3"), csv, printed);
        JsonObject book = JsonParser.parseString(Files.readString(root.resolve("gradebook.json"))).getAsJsonObject();
        String carol = book.getAsJsonArray("grades").get(4).getAsJsonObject().get("problem").getAsString();
        assertTrue(carol.contains("no such file"), carol);
        for (String s : List.of("alice", "bob", "carol")) {
            assertTrue(Files.isRegularFile(root.resolve("feedback").resolve(s).resolve("ps1/01-sfm-messaging.html")), s);
        }
        Path auto = root.resolve("autograded/bob/ps1").resolve(nb);
        assertTrue(Files.isRegularFile(auto));
        NbgraderFormatTest.validate(JsonParser.parseString(Files.readString(auto)).getAsJsonObject().getAsJsonArray("cells"));
    }

    private static String pythonOrFail() {
        try {
            return CourseGradingTest.python();
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
