package dev.river.kernel.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nbgrader's format both ways, without nbgrader (it is not installable on the build machines): notebooks
 * written for nbgrader (its markers, its cell metadata) are read, and the metadata River writes passes
 * nbgrader's schema version 3 (nbgraderformat/v3.json and the checks of its validator, restated below).
 */
class NbgraderFormatTest {
    @Test
    void aNotebookWrittenForNbgraderIsAssignedAndItsTestsFound(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("nb.ipynb");
        JsonArray cells = new JsonArray();
        cells.add(cell("a", "int square(int n) {\n    // ### BEGIN SOLUTION\n    return n * n;\n    // ### END SOLUTION\n}", null));
        cells.add(cell("b", "int cube(int n) {\n    ### BEGIN SOLUTION\n    return n * n * n;\n    ### END SOLUTION\n}", null));
        cells.add(cell("t", "check(square(3) == 9);\n// ### BEGIN HIDDEN TESTS\ncheck(square(-2) == 4);\n// ### END HIDDEN TESTS",
                meta(true, false, true, "square_works", 2)));
        cells.add(cell("u", "//# test cube_works points=3\ncheck(cube(2) == 8);", null));
        write(src, cells);

        Assignment a = Assignment.read(src);
        assertEquals(List.of("square_works", "cube_works"), a.tests().stream().map(Assignment.Test::name).toList());
        assertEquals(5, a.maxPoints());
        Path student = tmp.resolve("student.ipynb");
        a.writeStudentVersion(student);
        JsonArray out = JsonParser.parseString(Files.readString(student)).getAsJsonObject().getAsJsonArray("cells");
        String sq = Notebook.source(out.get(0).getAsJsonObject());
        assertFalse(sq.contains("n * n"), sq);
        assertTrue(sq.contains(Markers.YOUR_CODE) && sq.contains(Markers.NOT_IMPLEMENTED), sq);
        assertFalse(Notebook.source(out.get(1).getAsJsonObject()).contains("n * n * n"));
        assertFalse(Notebook.source(out.get(2).getAsJsonObject()).contains("square(-2)"), "hidden tests removed");
        validate(out);
        JsonObject t = Nbgrader.of(out.get(3).getAsJsonObject());
        assertEquals("cube_works", t.get("grade_id").getAsString());
        assertEquals(3, t.get("points").getAsInt());
        assertTrue(Nbgrader.of(out.get(0).getAsJsonObject()).get("solution").getAsBoolean());

        // a submission whose test cell is recognised by its metadata only (a River header would be needed otherwise)
        Submission s = new Submission(a, Notebook.read(student));
        assertEquals(Map.of("square_works", 2, "cube_works", 3), Map.of("square_works", s.testCells.get("square_works"),
                "cube_works", s.testCells.get("cube_works")));
        assertTrue(s.notes.isEmpty(), s.notes.toString());
        assertTrue(Notebook.source(s.notebook.cellList().get(2)).contains("square(-2)"), "hidden tests are back for grading");
    }

    @Test
    void theCourseNotebooksStudentVersionsAreValidNbgraderVersion3(@TempDir Path tmp) throws Exception {
        Path course = Path.of(System.getProperty("user.dir"));
        course = (Files.isDirectory(course.resolve("notebooks")) ? course : course.getParent()).resolve("notebooks/course");
        try (var s = Files.list(course)) {
            for (Path nb : s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                Assignment a = Assignment.read(nb);
                Path out = tmp.resolve(nb.getFileName());
                a.writeStudentVersion(out);
                JsonArray cells = JsonParser.parseString(Files.readString(out)).getAsJsonObject().getAsJsonArray("cells");
                validate(cells);
                long tests = cells.asList().stream().map(c -> Nbgrader.of(c.getAsJsonObject()))
                        .filter(m -> m != null && m.get("grade").getAsBoolean()).count();
                assertEquals(a.tests().size(), tests, nb + ": every test is an nbgrader grade cell");
            }
        }
    }

    @Test
    void badNbgraderMetadataIsRefusedNamingTheCell(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("bad.ipynb");
        JsonArray cells = new JsonArray();
        JsonObject m = meta(true, false, true, "", 1);
        cells.add(cell("t", "check(true);", m));
        write(src, cells);
        MarkerException e = assertThrows(MarkerException.class, () -> Assignment.read(src));
        assertTrue(e.getMessage().contains("bad.ipynb") && e.getMessage().contains("grade_id"), e.getMessage());
    }

    @Test
    void aCourseFolderIsReleasedLikeNbgraderDoes(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("source/ps1");
        Files.createDirectories(src);
        Path course = Path.of(System.getProperty("user.dir"));
        course = (Files.isDirectory(course.resolve("notebooks")) ? course : course.getParent()).resolve("notebooks/course");
        Files.copy(course.resolve("01-sfm-messaging.ipynb"), src.resolve("01-sfm-messaging.ipynb"));
        Files.writeString(src.resolve("data.txt"), "words");
        CourseFolder c = new CourseFolder(tmp);
        assertEquals(List.of("ps1"), c.assignments());
        List<Path> written = c.release("ps1");
        assertEquals(List.of(tmp.resolve("release/ps1/01-sfm-messaging.ipynb")), written);
        assertEquals("words", Files.readString(tmp.resolve("release/ps1/data.txt")));
        assertFalse(Files.readString(written.get(0)).contains(Markers.BEGIN_SOLUTION));
        assertThrows(IllegalArgumentException.class, () -> new CourseFolder(tmp.resolve("release")));
    }

    /** nbgrader's v3 cell metadata schema and validator checks, restated from its documentation and schema file. */
    static void validate(JsonArray cells) {
        Set<String> allowed = Set.of("schema_version", "grade", "solution", "locked", "task", "grade_id", "points", "checksum", "cell_type");
        Set<String> ids = new HashSet<>();
        for (JsonElement e : cells) {
            JsonObject cell = e.getAsJsonObject();
            JsonObject m = Nbgrader.of(cell);
            if (m == null) continue;
            String where = "cell " + cell.get("id") + ": " + m;
            for (String k : m.keySet()) assertTrue(allowed.contains(k), where + " has a key nbgrader does not allow: " + k);
            for (String k : List.of("schema_version", "grade", "locked", "solution")) assertTrue(m.has(k), where + " lacks " + k);
            assertEquals(3, m.get("schema_version").getAsInt(), where);
            for (String k : List.of("grade", "locked", "solution", "task")) {
                if (m.has(k)) assertTrue(m.get(k).getAsJsonPrimitive().isBoolean(), where + ": " + k + " is a boolean");
            }
            boolean grade = m.get("grade").getAsBoolean(), solution = m.get("solution").getAsBoolean(), locked = m.get("locked").getAsBoolean();
            boolean task = m.has("task") && m.get("task").getAsBoolean();
            if (m.has("grade_id")) assertTrue(m.get("grade_id").getAsString().matches("[a-zA-Z0-9_\\-]*"), where + ": grade_id pattern");
            if (m.has("points")) {
                assertTrue(m.get("points").getAsJsonPrimitive().isNumber() && m.get("points").getAsDouble() >= 0, where + ": points >= 0");
                assertTrue(grade, where + ": points only when grade");
            }
            if (m.has("checksum")) assertEquals(32, m.get("checksum").getAsString().length(), where);
            if (m.has("cell_type")) assertTrue(Set.of("raw", "code", "markdown").contains(m.get("cell_type").getAsString()), where);
            if (grade || solution || locked) {
                assertTrue(m.has("grade_id") && !m.get("grade_id").getAsString().isEmpty(), where + ": needs a grade_id");
                assertTrue(ids.add(m.get("grade_id").getAsString()), where + ": duplicate grade_id");
            }
            if (grade) assertTrue(m.has("points"), where + ": a grade cell needs points");
            String type = cell.get("cell_type").getAsString();
            if (!task) {
                assertFalse(type.equals("markdown") && grade != solution, where + ": markdown cells are grade and solution, or neither");
            } else {
                assertEquals("markdown", type, where + ": task cells are markdown");
            }
        }
    }

    static JsonObject meta(boolean grade, boolean solution, boolean locked, String id, int points) {
        JsonObject m = new JsonObject();
        m.addProperty("grade", grade);
        m.addProperty("solution", solution);
        m.addProperty("locked", locked);
        m.addProperty("grade_id", id);
        m.addProperty("points", points);
        m.addProperty("schema_version", 3);
        return m;
    }

    static JsonObject cell(String id, String source, JsonObject nbgrader) {
        JsonObject c = GradingIsolationTest.code(id, source);
        if (nbgrader != null) c.getAsJsonObject("metadata").add("nbgrader", nbgrader);
        return c;
    }

    static void write(Path file, JsonArray cells) throws Exception {
        JsonObject nb = new JsonObject();
        nb.add("cells", cells);
        nb.add("metadata", new JsonObject());
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        Files.writeString(file, nb.toString());
    }
}
