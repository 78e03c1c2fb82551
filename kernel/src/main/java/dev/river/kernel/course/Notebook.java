package dev.river.kernel.course;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An nbformat 4 notebook as JSON: its cells' sources read and replaced, outputs cleared, written back. */
final class Notebook {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    final JsonObject json;

    private Notebook(JsonObject json) {
        this.json = json;
    }

    /** Reads a notebook; anything that is not an nbformat 4 notebook is an IllegalArgumentException saying why. */
    static Notebook read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) {
            throw new IllegalArgumentException(file.getFileName() + " is not a notebook (not JSON: "
                    + firstLine(ex.getMessage()) + ")");
        }
        if (!e.isJsonObject() || !e.getAsJsonObject().has("cells") || !e.getAsJsonObject().get("cells").isJsonArray()) {
            throw new IllegalArgumentException(file.getFileName() + " is not a notebook (no list of cells)");
        }
        JsonElement major = e.getAsJsonObject().get("nbformat");
        if (major == null || !major.isJsonPrimitive() || major.getAsInt() != 4) {
            throw new IllegalArgumentException(file.getFileName() + " is not an nbformat 4 notebook (nbformat "
                    + major + "); save it with Jupyter 4 or later");
        }
        return new Notebook(e.getAsJsonObject());
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    Notebook copy() {
        return new Notebook(json.deepCopy());
    }

    JsonArray cells() {
        return json.getAsJsonArray("cells");
    }

    List<JsonObject> cellList() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement c : cells()) out.add(c.getAsJsonObject());
        return out;
    }

    static boolean isCode(JsonObject cell) {
        return cell.has("cell_type") && "code".equals(cell.get("cell_type").getAsString());
    }

    static String id(JsonObject cell) {
        return cell.has("id") && cell.get("id").isJsonPrimitive() ? cell.get("id").getAsString() : null;
    }

    /** The cell's source as one string (nbformat allows a string or a list of lines). */
    static String source(JsonObject cell) {
        JsonElement s = cell.get("source");
        if (s == null || s.isJsonNull()) return "";
        if (s.isJsonPrimitive()) return s.getAsString();
        StringBuilder b = new StringBuilder();
        for (JsonElement line : s.getAsJsonArray()) b.append(line.getAsString());
        return b.toString();
    }

    /** Sets the source as a list of lines, each but the last ending in a newline (as Jupyter writes it). */
    static void setSource(JsonObject cell, String text) {
        JsonArray lines = new JsonArray();
        List<String> split = JavaLines.splitLines(text);
        for (int i = 0; i < split.size(); i++) {
            String l = split.get(i) + (i < split.size() - 1 ? "\n" : "");
            if (!l.isEmpty()) lines.add(new JsonPrimitive(l));
        }
        cell.add("source", lines);
    }

    /** Clears outputs and execution counts of code cells. */
    void clearOutputs() {
        for (JsonObject c : cellList()) {
            if (isCode(c)) {
                c.add("outputs", new JsonArray());
                c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            }
        }
    }

    /** "cell 3 (id abc)": how messages name a cell (1-based, as an instructor counts them). */
    static String describe(int index, JsonObject cell) {
        String id = id(cell);
        return "cell " + (index + 1) + (id == null ? "" : " (id " + id + ")");
    }

    void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
    }
}
