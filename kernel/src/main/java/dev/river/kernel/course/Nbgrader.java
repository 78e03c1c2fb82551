package dev.river.kernel.course;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Set;

/**
 * nbgrader's cell metadata (schema version 3: {@code metadata.nbgrader = {schema_version, grade, solution,
 * locked, task, grade_id, points, checksum, cell_type}}), read and written so River assignments and
 * nbgrader ones are interchangeable: a code cell with {@code grade: true, solution: false} is an
 * autograder test named by its {@code grade_id} and worth its {@code points}; River's
 * {@code //# test NAME points=N} header says the same. Writing gives test cells
 * {@code grade, locked} and the cells holding a solution {@code solution}, with grade ids that match
 * nbgrader's pattern ({@code [A-Za-z0-9_-]}: a River NAME's dots become underscores).
 */
final class Nbgrader {
    static final int SCHEMA_VERSION = 3;
    private static final Set<String> KEYS = Set.of("schema_version", "grade", "solution", "locked", "task", "grade_id",
            "points", "checksum", "cell_type");

    private Nbgrader() {}

    /** The nbgrader metadata of a cell, or null. */
    static JsonObject of(JsonObject cell) {
        JsonObject meta = cell.has("metadata") && cell.get("metadata").isJsonObject() ? cell.getAsJsonObject("metadata") : null;
        return meta != null && meta.has("nbgrader") && meta.get("nbgrader").isJsonObject() ? meta.getAsJsonObject("nbgrader") : null;
    }

    /** The test an nbgrader autograder-test cell declares (grade, not solution), or null; bad metadata is refused. */
    static Markers.TestHeader test(JsonObject cell, String where) {
        JsonObject nb = of(cell);
        if (nb == null || !Notebook.isCode(cell) || !flag(nb, "grade") || flag(nb, "solution")) return null;
        String id = nb.has("grade_id") && nb.get("grade_id").isJsonPrimitive() ? nb.get("grade_id").getAsString() : "";
        if (id.isEmpty()) {
            throw new MarkerException(where + ": nbgrader test cell (grade: true) without a grade_id; give it one in the cell's metadata");
        }
        JsonElement p = nb.get("points");
        if (p == null || !p.isJsonPrimitive() || !p.getAsJsonPrimitive().isNumber() || p.getAsDouble() < 0
                || p.getAsDouble() != Math.rint(p.getAsDouble())) {
            throw new MarkerException(where + ": nbgrader test cell " + id + " needs whole, non-negative points (has " + p + ")");
        }
        return new Markers.TestHeader(id, p.getAsInt());
    }

    /** The grade id for a River test NAME (nbgrader allows letters, digits, _ and -). */
    static String gradeId(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** Marks a test cell as nbgrader's autograder test: graded, locked, worth {@code points}. */
    static void markTest(JsonObject cell, String gradeId, int points) {
        JsonObject nb = fresh(cell);
        nb.addProperty("grade", true);
        nb.addProperty("solution", false);
        nb.addProperty("locked", true);
        nb.addProperty("task", false);
        nb.addProperty("points", points);
        nb.addProperty("grade_id", gradeId);
    }

    /** Marks a code cell holding a solution as nbgrader's autograded answer. */
    static void markSolution(JsonObject cell, String gradeId) {
        JsonObject nb = fresh(cell);
        nb.addProperty("grade", false);
        nb.addProperty("solution", true);
        nb.addProperty("locked", false);
        nb.addProperty("task", false);
        nb.addProperty("grade_id", gradeId);
    }

    /** Brings a cell's own nbgrader metadata to version 3 (other keys dropped, missing flags false). */
    static void normalise(JsonObject cell) {
        JsonObject nb = of(cell);
        if (nb == null) return;
        for (String k : Set.copyOf(nb.keySet())) if (!KEYS.contains(k)) nb.remove(k);
        for (String k : new String[]{"grade", "solution", "locked"}) if (!nb.has(k)) nb.addProperty(k, false);
        nb.addProperty("schema_version", SCHEMA_VERSION);
    }

    private static JsonObject fresh(JsonObject cell) {
        JsonObject meta = cell.has("metadata") && cell.get("metadata").isJsonObject() ? cell.getAsJsonObject("metadata") : new JsonObject();
        cell.add("metadata", meta);
        JsonObject nb = new JsonObject();
        nb.addProperty("schema_version", SCHEMA_VERSION);
        meta.add("nbgrader", nb);
        return nb;
    }

    private static boolean flag(JsonObject nb, String key) {
        JsonElement e = nb.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }
}
