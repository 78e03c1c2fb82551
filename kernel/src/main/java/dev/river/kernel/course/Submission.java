package dev.river.kernel.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A student's notebook prepared for grading: every test cell is the source's own cell of the same NAME
 * (hidden lines restored), so editing or weakening a test changes nothing. A test cell the student
 * deleted (or whose header they broke) is put back from the source, after the nearest cell before it in
 * the source that the submission still has (matched by cell id), else at the end; the feedback says so.
 * A test cell repeated, or named like no test of the source, is left out.
 */
final class Submission {
    final Notebook notebook;
    final Map<String, Integer> testCells = new LinkedHashMap<>();   // test NAME -> cell index in notebook
    final List<String> notes = new ArrayList<>();

    Submission(Assignment a, Notebook submitted) {
        notebook = submitted.copy();
        notebook.clearOutputs();
        List<JsonObject> kept = new ArrayList<>();
        Map<String, JsonObject> placed = new HashMap<>();
        for (JsonObject cell : notebook.cellList()) {
            if (!Notebook.isCode(cell)) {
                kept.add(cell);
                continue;
            }
            String name = looseTestName(Notebook.source(cell));
            if (name == null) name = nbgraderTestName(a, cell);
            if (name == null) {
                kept.add(cell);
            } else if (a.test(name) == null) {
                notes.add("a test cell named " + name + " is not a test of the assignment; it was not run");
            } else if (placed.containsKey(name)) {
                notes.add("test " + name + " appears twice; only the first was run");
            } else {
                Notebook.setSource(cell, a.test(name).source());
                placed.put(name, cell);
                kept.add(cell);
            }
        }
        List<JsonObject> sourceCells = a.sourceNotebook().cellList();
        for (Assignment.Test t : a.tests()) {
            if (placed.containsKey(t.name())) continue;
            JsonObject cell = sourceCells.get(t.cellIndex()).deepCopy();
            cell.add("outputs", new JsonArray());
            cell.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            int at = kept.size();
            search:
            for (int s = t.cellIndex() - 1; s >= 0; s--) {
                String id = Notebook.id(sourceCells.get(s));
                if (id == null) continue;
                for (int k = 0; k < kept.size(); k++) {
                    if (id.equals(Notebook.id(kept.get(k)))) {
                        at = k + 1;
                        break search;
                    }
                }
            }
            kept.add(at, cell);
            placed.put(t.name(), cell);
            notes.add("test " + t.name() + " was missing from the submission; the assignment's own test cell was run in its place");
        }
        JsonArray cells = new JsonArray();
        kept.forEach(cells::add);
        notebook.json.add("cells", cells);
        for (Assignment.Test t : a.tests()) testCells.put(t.name(), kept.indexOf(placed.get(t.name())));
        JsonObject meta = notebook.json.has("metadata") ? notebook.json.getAsJsonObject("metadata") : new JsonObject();
        JsonObject ks = new JsonObject();
        ks.addProperty("name", "river");
        ks.addProperty("display_name", "River (Java)");
        ks.addProperty("language", "java");
        meta.add("kernelspec", ks);
        notebook.json.add("metadata", meta);
    }

    /** The test NAME of a cell that nbgrader's metadata says is a test (grade, not solution), null for other cells. */
    static String nbgraderTestName(Assignment a, JsonObject cell) {
        JsonObject nb = Nbgrader.of(cell);
        if (nb == null || !nb.has("grade") || !nb.get("grade").isJsonPrimitive() || !nb.get("grade").getAsBoolean()) return null;
        if (nb.has("solution") && nb.get("solution").isJsonPrimitive() && nb.get("solution").getAsBoolean()) return null;
        if (!nb.has("grade_id") || !nb.get("grade_id").isJsonPrimitive()) return null;
        String id = nb.get("grade_id").getAsString();
        Assignment.Test t = a.testByGradeId(id);
        return t == null ? id : t.name();
    }

    /** The NAME of a cell whose first line starts like a test header, null for other cells. */
    static String looseTestName(String source) {
        String first = JavaLines.splitLines(source).get(0).strip();
        if (!first.startsWith(Markers.TEST_PREFIX + " ")) return null;
        String[] words = first.substring(Markers.TEST_PREFIX.length()).strip().split("\\s+");
        return words.length == 0 || words[0].isEmpty() ? null : words[0];
    }
}
