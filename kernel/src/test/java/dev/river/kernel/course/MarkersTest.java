package dev.river.kernel.course;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkersTest {
    private static final String THROW = Markers.NOT_IMPLEMENTED;

    private static String student(String src) {
        return Markers.student(src, false, "cell 1");
    }

    @Test
    void nonVoidMethodKeepsIndentationAndThrows() {
        String src = """
                int twice(int x) {
                    // BEGIN SOLUTION
                    int y = x * 2;
                    return y;
                    // END SOLUTION
                }""";
        assertEquals("""
                int twice(int x) {
                    // YOUR CODE HERE
                    %s
                }""".formatted(THROW), student(src));
    }

    @Test
    void deeperIndentationAndGenericReturnType() {
        String src = "class A {\n  Map<String, List<Long>> f() throws IOException {\n\t\t// BEGIN SOLUTION\n\t\treturn null;\n\t\t// END SOLUTION\n  }\n}";
        assertEquals("class A {\n  Map<String, List<Long>> f() throws IOException {\n\t\t// YOUR CODE HERE\n\t\t" + THROW + "\n  }\n}", student(src));
    }

    @Test
    void voidMethodConstructorAndTopLevelDoNotThrow() {
        assertEquals("void run() {\n    // YOUR CODE HERE\n}", student("void run() {\n    // BEGIN SOLUTION\n    go();\n    // END SOLUTION\n}"));
        assertEquals("class P {\n  P() {\n    // YOUR CODE HERE\n  }\n}",
                student("class P {\n  P() {\n    // BEGIN SOLUTION\n    x = 1;\n    // END SOLUTION\n  }\n}"));
        assertEquals("// YOUR CODE HERE\nx", student("// BEGIN SOLUTION\nint x = 3;\n// END SOLUTION\nx"));
    }

    @Test
    void codeAfterTheRegionMeansNoThrow() {
        String src = "int f() {\n  int y = 0;\n  // BEGIN SOLUTION\n  y = 4;\n  // END SOLUTION\n  return y;\n}";
        assertEquals("int f() {\n  int y = 0;\n  // YOUR CODE HERE\n  return y;\n}", student(src));
    }

    @Test
    void lambdaBodiesThrowOnlyWhenTheAnswerReturnsAValue() {
        String returning = "Task<Integer, Integer> sq = x -> {\n    // BEGIN SOLUTION\n    return x * x;\n    // END SOLUTION\n};";
        assertTrue(student(returning).contains("    // YOUR CODE HERE\n    " + THROW + "\n};"), student(returning));
        String consumer = "list.forEach(x -> {\n    // BEGIN SOLUTION\n    System.out.println(x);\n    // END SOLUTION\n});";
        assertFalse(student(consumer).contains(THROW), student(consumer));
    }

    @Test
    void classBodyRegionDoesNotThrow() {
        String src = "class A {\n    // BEGIN SOLUTION\n    int f() { return 1; }\n    // END SOLUTION\n}";
        assertEquals("class A {\n    // YOUR CODE HERE\n}", student(src));
    }

    @Test
    void markersInStringsTextBlocksAndOtherCommentsAreText() {
        String src = """
                String a = "// BEGIN SOLUTION";
                String b = \"""
                    // BEGIN SOLUTION
                    \""";
                /*
                // END SOLUTION
                */
                // // BEGIN SOLUTION
                int keep = 1;""";
        assertEquals(src, student(src));
    }

    @Test
    void realMarkerAfterABlockCommentCounts() {
        String src = "/* a comment */\nint f() {\n  // BEGIN SOLUTION  \n  return 1;\n  // END SOLUTION\n}";
        assertTrue(student(src).contains("  // YOUR CODE HERE\n  " + THROW), student(src));
    }

    @Test
    void unpairedAndNestedMarkersAreRefusedWithCellAndLine() {
        MarkerException e = assertThrows(MarkerException.class, () -> student("x();\n// END SOLUTION"));
        assertTrue(e.getMessage().startsWith("cell 1, line 2: \"// END SOLUTION\" without"), e.getMessage());
        e = assertThrows(MarkerException.class, () -> student("// BEGIN SOLUTION\nx();"));
        assertTrue(e.getMessage().startsWith("cell 1, line 1:") && e.getMessage().contains("never closed"), e.getMessage());
        e = assertThrows(MarkerException.class, () -> student("// BEGIN SOLUTION\n  // BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION"));
        assertTrue(e.getMessage().startsWith("cell 1, line 2:") && e.getMessage().contains("do not nest"), e.getMessage());
        e = assertThrows(MarkerException.class, () -> Markers.student("//# test t points=1\n// BEGIN HIDDEN TESTS\n// END SOLUTION", true, "cell 3"));
        assertTrue(e.getMessage().startsWith("cell 3, line 3:"), e.getMessage());
        e = assertThrows(MarkerException.class, () -> student("// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS"));
        assertTrue(e.getMessage().contains("not a test"), e.getMessage());
    }

    @Test
    void hiddenTestLinesAreRemoved() {
        String src = "//# test t points=2\ncheck(a);\n    // BEGIN HIDDEN TESTS\n    check(b);\n    // END HIDDEN TESTS\ncheck(c);";
        assertEquals("//# test t points=2\ncheck(a);\ncheck(c);", Markers.student(src, true, "cell 1"));
    }

    @Test
    void testHeaders() {
        assertEquals(new Markers.TestHeader("ring_2", 3), Markers.testHeader("//# test ring_2 points=3\nx", "c"));
        assertEquals(null, Markers.testHeader("// a comment\n//# test x points=1", "c"));
        for (String bad : new String[]{"//# test points=3", "//# test a points=", "//# test a b points=1", "//# test a points=-1", "//# testa points=1"}) {
            MarkerException e = assertThrows(MarkerException.class, () -> Markers.testHeader(bad + "\nx();", "cell 7 (id q)"), bad);
            assertTrue(e.getMessage().startsWith("cell 7 (id q), line 1: malformed test header"), e.getMessage());
        }
    }

    @Test
    void assignmentClearsOutputsKeepsIdsAndRefusesDuplicateNames(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("a.ipynb");
        Files.writeString(src, notebook(
                cell("m1", "markdown", "# Title"),
                cell("c1", "code", "int f() {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}"),
                cell("c2", "code", "//# test one points=2\ncheck(f() == 1);\n// BEGIN HIDDEN TESTS\ncheck(f() > 0);\n// END HIDDEN TESTS")));
        Assignment a = Assignment.read(src);
        assertEquals(2, a.maxPoints());
        Path out = tmp.resolve("student/a.ipynb");
        a.writeStudentVersion(out);
        JsonObject nb = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonArray cells = nb.getAsJsonArray("cells");
        assertEquals("c1", cells.get(1).getAsJsonObject().get("id").getAsString());
        assertEquals(0, cells.get(1).getAsJsonObject().getAsJsonArray("outputs").size());
        assertTrue(cells.get(1).getAsJsonObject().get("execution_count").isJsonNull());
        assertEquals("//# test one points=2\ncheck(f() == 1);", Notebook.source(cells.get(2).getAsJsonObject()));
        assertTrue(a.test("one").source().contains("check(f() > 0);"), "the source keeps its hidden lines for grading");

        Path dup = tmp.resolve("dup.ipynb");
        Files.writeString(dup, notebook(cell("x1", "code", "//# test one points=1\na();"), cell("x2", "code", "//# test one points=1\nb();")));
        MarkerException e = assertThrows(MarkerException.class, () -> Assignment.read(dup));
        assertTrue(e.getMessage().startsWith("dup.ipynb: cell 2 (id x2), line 1: a second test named one"), e.getMessage());
    }

    @Test
    void aFileThatIsNotANotebookIsSaidSo(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("essay.ipynb");
        Files.writeString(f, "Dear professor, my dog ate my notebook.");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Notebook.read(f));
        assertTrue(e.getMessage().startsWith("essay.ipynb is not a notebook"), e.getMessage());
    }

    static String cell(String id, String type, String source) {
        JsonObject c = new JsonObject();
        c.addProperty("cell_type", type);
        c.addProperty("id", id);
        c.add("metadata", new JsonObject());
        Notebook.setSource(c, source);
        if (type.equals("code")) {
            JsonArray outputs = new JsonArray();
            JsonObject o = new JsonObject();
            o.addProperty("output_type", "stream");
            o.addProperty("name", "stdout");
            o.addProperty("text", "old output\n");
            outputs.add(o);
            c.add("outputs", outputs);
            c.addProperty("execution_count", 4);
        }
        return c.toString();
    }

    static String notebook(String... cells) {
        return "{\"cells\": [" + String.join(",", cells) + "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}";
    }
}
