package dev.river.kernel.course;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A course folder laid out as nbgrader lays it out, so an instructor can switch tools without moving
 * files: {@code source/<assignment>/*.ipynb} (the instructor's notebooks), {@code release/<assignment>/}
 * (student versions, by {@link #release}), {@code submitted/<student>/<assignment>/} (what students
 * handed in), {@code autograded/<student>/<assignment>/} and {@code feedback/<student>/<assignment>/}
 * (by {@link #grade}), and a gradebook at the top, {@code gradebook.csv} and {@code gradebook.json}:
 * one row per student, assignment, notebook and test (its nbgrader grade_id), with points and the maximum.
 *
 * <pre>{@code
 * CourseFolder c = new CourseFolder(Path.of("course"));
 * c.release("ps1");                                    // source/ps1 -> release/ps1
 * c.grade("ps1", a -> new Grader(a, python, script));  // submitted/* /ps1 -> autograded, feedback, gradebook
 * }</pre>
 */
public final class CourseFolder {
    private final Path root;

    public CourseFolder(Path root) {
        if (!Files.isDirectory(root.resolve("source"))) {
            throw new IllegalArgumentException(root + " is not a course folder: it has no source/ directory (nbgrader's layout:"
                    + " source/<assignment>/*.ipynb, submitted/<student>/<assignment>/*.ipynb)");
        }
        this.root = root;
    }

    /** Whether {@code dir} looks like a course folder (has source/). */
    public static boolean is(Path dir) {
        return Files.isDirectory(dir.resolve("source"));
    }

    /** The assignments: the directories under source/, sorted. */
    public List<String> assignments() throws IOException {
        return dirs(root.resolve("source"));
    }

    /**
     * Writes release/{@code assignment}/: each source notebook's student version (nbgrader metadata
     * included), other files copied. Every source is checked before anything is written.
     */
    public List<Path> release(String assignment) throws IOException {
        Path src = sourceDir(assignment);
        List<Assignment> checked = new ArrayList<>();
        for (Path nb : notebooks(src)) checked.add(Assignment.read(nb));
        Path dest = root.resolve("release").resolve(assignment);
        Files.createDirectories(dest);
        List<Path> written = new ArrayList<>();
        for (Assignment a : checked) {
            Path out = dest.resolve(a.file().getFileName());
            a.writeStudentVersion(out);
            written.add(out);
        }
        try (var s = Files.list(src)) {
            for (Path f : s.filter(p -> Files.isRegularFile(p) && !p.toString().endsWith(".ipynb")).toList()) {
                Files.copy(f, dest.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return written;
    }

    /** One gradebook row. */
    public record Row(String student, String assignment, String notebook, String gradeId, int points, int max, String problem) {}

    /**
     * Grades every student's submission of {@code assignment}, notebook by notebook (a student who did not
     * hand a notebook in gets 0 for it, with that reason); writes autograded/ (the prepared notebooks),
     * feedback/ (one page per notebook) and the gradebook (rows of other assignments are kept).
     */
    public List<Row> grade(String assignment, Function<Assignment, Grader> graders) throws IOException, InterruptedException {
        Path src = sourceDir(assignment);
        List<String> students = new ArrayList<>();
        for (String s : dirs(root.resolve("submitted"))) if (Files.isDirectory(root.resolve("submitted").resolve(s).resolve(assignment))) students.add(s);
        List<Row> rows = new ArrayList<>();
        for (Path nb : notebooks(src)) {
            Assignment a = Assignment.read(nb);
            List<Path> subs = new ArrayList<>();
            for (String s : students) subs.add(root.resolve("submitted").resolve(s).resolve(assignment).resolve(nb.getFileName()));
            if (subs.isEmpty()) continue;
            Path scratch = Files.createTempDirectory("river-course-");
            List<Grade> grades;
            try {
                grades = graders.apply(a).out(scratch).grade(subs);
            } finally {
                try (var w = Files.walk(scratch)) {
                    for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
            String stem = nb.getFileName().toString().replaceFirst("\\.ipynb$", "");
            for (int i = 0; i < students.size(); i++) {
                String student = students.get(i);
                Grade g = grades.get(i);
                Path auto = root.resolve("autograded").resolve(student).resolve(assignment);
                Files.createDirectories(auto);
                if (Files.isRegularFile(subs.get(i))) {
                    try {
                        new Submission(a, Notebook.read(subs.get(i))).notebook.write(auto.resolve(nb.getFileName()));
                    } catch (IOException | RuntimeException e) {
                        Files.copy(subs.get(i), auto.resolve(nb.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Path fb = root.resolve("feedback").resolve(student).resolve(assignment);
                Files.createDirectories(fb);
                Files.writeString(fb.resolve(stem + ".html"), FeedbackPage.html(a, g), StandardCharsets.UTF_8);
                for (Assignment.Test t : a.tests()) {
                    Grade.Result r = g.results().get(t.name());
                    rows.add(new Row(student, assignment, stem, Nbgrader.gradeId(t.name()), r.points(), r.max(), g.problem()));
                }
            }
        }
        writeGradebook(assignment, rows);
        return rows;
    }

    private void writeGradebook(String assignment, List<Row> rows) throws IOException {
        List<Row> all = new ArrayList<>();
        Path json = root.resolve("gradebook.json");
        if (Files.isRegularFile(json)) {
            JsonArray old = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("grades");
            for (var e : old) {
                JsonObject o = e.getAsJsonObject();
                if (o.get("assignment").getAsString().equals(assignment)) continue;
                all.add(new Row(o.get("student").getAsString(), o.get("assignment").getAsString(), o.get("notebook").getAsString(),
                        o.get("grade_id").getAsString(), o.get("points").getAsInt(), o.get("max_points").getAsInt(),
                        o.has("problem") && !o.get("problem").isJsonNull() ? o.get("problem").getAsString() : null));
            }
        }
        all.addAll(rows);
        all.sort(java.util.Comparator.comparing(Row::student).thenComparing(Row::assignment).thenComparing(Row::notebook));
        StringBuilder csv = new StringBuilder("student,assignment,notebook,grade_id,points,max_points\n");
        JsonArray arr = new JsonArray();
        for (Row r : all) {
            csv.append(field(r.student())).append(',').append(field(r.assignment())).append(',').append(field(r.notebook())).append(',')
                    .append(r.gradeId()).append(',').append(r.points()).append(',').append(r.max()).append('\n');
            JsonObject o = new JsonObject();
            o.addProperty("student", r.student());
            o.addProperty("assignment", r.assignment());
            o.addProperty("notebook", r.notebook());
            o.addProperty("grade_id", r.gradeId());
            o.addProperty("points", r.points());
            o.addProperty("max_points", r.max());
            o.addProperty("problem", r.problem());
            arr.add(o);
        }
        JsonObject book = new JsonObject();
        book.add("grades", arr);
        Files.writeString(root.resolve("gradebook.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(book), StandardCharsets.UTF_8);
    }

    private Path sourceDir(String assignment) {
        Path src = root.resolve("source").resolve(assignment);
        if (!Files.isDirectory(src)) throw new IllegalArgumentException("no assignment " + assignment + " in " + root.resolve("source"));
        return src;
    }

    private static List<Path> notebooks(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".ipynb") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    private static List<String> dirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private static String field(String s) {
        return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
