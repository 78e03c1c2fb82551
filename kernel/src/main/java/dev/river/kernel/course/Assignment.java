package dev.river.kernel.course;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An instructor's assignment notebook (DESIGN.md section 7): its graded tests in order, and its student
 * version. Reading it checks every marker, so a source that {@link #read reads} can be assigned and graded.
 *
 * <pre>{@code
 * Assignment a = Assignment.read(Path.of("notebooks/course/01-sfm-messaging.ipynb"));
 * a.studentVersion().write(Path.of("student/01-sfm-messaging.ipynb"));
 * }</pre>
 */
public final class Assignment {
    /** One graded test: its NAME, points, and the source's own cell (hidden lines included). */
    public record Test(String name, int points, int cellIndex, String cellId, String source) {}

    private final Path file;
    private final Notebook source;
    private final Notebook student;
    private final Map<String, Test> tests = new LinkedHashMap<>();

    private Assignment(Path file, Notebook source) {
        this.file = file;
        this.source = source;
        this.student = source.copy();
        student.clearOutputs();
        List<JsonObject> cells = source.cellList();
        List<JsonObject> studentCells = student.cellList();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            JsonObject cell = cells.get(i);
            if (!Notebook.isCode(cell)) continue;
            String where = file.getFileName() + ": " + Notebook.describe(i, cell);
            String text = Notebook.source(cell);
            Markers.TestHeader h = Markers.testHeader(text, where);
            if (h == null) h = Nbgrader.test(cell, where);
            if (h != null) {
                Integer before = seen.putIfAbsent(h.name(), i);
                if (before != null) {
                    throw new MarkerException(where + ", line 1: a second test named " + h.name() + " (the first is "
                            + Notebook.describe(before, cells.get(before)) + "); test names must be unique");
                }
                tests.put(h.name(), new Test(h.name(), h.points(), i, Notebook.id(cell), text));
            }
            String studentText = Markers.student(text, h != null, where);
            Notebook.setSource(studentCells.get(i), studentText);
        }
        markForNbgrader(cells, studentCells);
    }

    /** nbgrader metadata for the student version: tests are graded and locked, cells with a solution are answers. */
    private void markForNbgrader(List<JsonObject> cells, List<JsonObject> studentCells) {
        Map<String, String> ids = new HashMap<>();      // grade id -> what uses it
        for (Test t : tests.values()) {
            String id = Nbgrader.gradeId(t.name());
            String before = ids.putIfAbsent(id, t.name());
            if (before != null) {
                throw new MarkerException(file.getFileName() + ": tests " + before + " and " + t.name() + " get the same nbgrader grade_id "
                        + id + " (nbgrader allows only letters, digits, _ and -); rename one");
            }
            Nbgrader.markTest(studentCells.get(t.cellIndex()), id, t.points());
        }
        Map<Integer, Test> testAt = new HashMap<>();
        tests.values().forEach(t -> testAt.put(t.cellIndex(), t));
        for (int i = 0; i < cells.size(); i++) {
            if (testAt.containsKey(i)) continue;
            JsonObject cell = cells.get(i);
            com.google.gson.JsonObject own = Nbgrader.of(cell);
            boolean answer = Notebook.isCode(cell) && (!Notebook.source(cell).equals(Notebook.source(studentCells.get(i)))
                    || (own != null && own.has("solution") && own.get("solution").getAsBoolean()));
            if (answer) {
                String id = own != null && own.has("grade_id") ? own.get("grade_id").getAsString() : "";
                if (id.isEmpty() || ids.containsKey(id)) id = "answer-" + (Notebook.id(cell) != null ? Notebook.id(cell) : Integer.toString(i));
                for (int k = 2; ids.containsKey(id); k++) id = id.replaceFirst("-\\d+$", "") + "-" + k;
                ids.put(id, "an answer");
                Nbgrader.markSolution(studentCells.get(i), id);
            } else {
                Nbgrader.normalise(studentCells.get(i));
            }
        }
    }

    /** The test whose nbgrader grade_id (or NAME) is {@code id}, or null. */
    Test testByGradeId(String id) {
        Test t = tests.get(id);
        if (t != null) return t;
        for (Test x : tests.values()) if (Nbgrader.gradeId(x.name()).equals(id)) return x;
        return null;
    }

    /** Reads and checks a source notebook; a marker error is a {@link MarkerException} naming the cell and line. */
    public static Assignment read(Path file) throws IOException {
        return new Assignment(file, Notebook.read(file));
    }

    /** The graded tests, in notebook order. */
    public List<Test> tests() {
        return new ArrayList<>(tests.values());
    }

    public Test test(String name) {
        return tests.get(name);
    }

    public int maxPoints() {
        return tests.values().stream().mapToInt(Test::points).sum();
    }

    public Path file() {
        return file;
    }

    Notebook sourceNotebook() {
        return source;
    }

    /** Writes the student version: solutions replaced, hidden tests removed, outputs cleared, cell ids kept. */
    public void writeStudentVersion(Path out) throws IOException {
        student.write(out);
    }
}
