package dev.river.kernel;

import dev.river.magics.MagicException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cells on JShell, in process: snippets, values, errors pointing at cell lines, class capture. */
class JavaCellsTest {
    static JavaCells cells;
    static int cell = 100;

    @BeforeAll
    static void up() {
        cells = new JavaCells(System.getProperty("java.class.path"), () -> false);
        cells.importDefaults();
    }

    @AfterAll
    static void down() {
        cells.close();
    }

    static JavaCells.Outcome run(String code) {
        return cells.run(code, ++cell, 0, () -> false);
    }

    static CellError fail(String code) {
        return assertThrows(CellError.class, () -> run(code));
    }

    @Test
    void severalSnippetsRunInOrderAndTheLastExpressionIsTheValue() {
        JavaCells.Outcome o = run("import java.util.concurrent.atomic.*;\nAtomicInteger hits = new AtomicInteger();\n"
                + "int twice(int y) { return 2 * y; }\nrecord Pair(int a, int b) {}\ninterface Shape { double area(); }\n"
                + "hits.addAndGet(twice(new Pair(3, 4).b()))");
        assertTrue(o.hasValue());
        assertEquals(8, o.value());
        assertEquals("8", o.shown());
    }

    @Test
    void declarationsAndStatementsHaveNoValue() {
        assertFalse(run("int unused = 3;").hasValue());
        assertFalse(run("System.out.print(\"\");").hasValue());
        assertFalse(run("void noop() {}").hasValue());
        assertEquals(List.of(1, 2), run("List.of(1, 2)").value());
        assertEquals("text", run("\"text\"").value(), "the value is the object itself, not JShell's quoted string");
    }

    @Test
    void compileErrorNamesTheCellLineWithACaret() {
        CellError e = fail("int ok = 1;\n\nint broken = ok +\n    missing * 2;");
        assertEquals("CompileError", e.ename());
        assertTrue(e.evalue().startsWith("line 4: cannot find symbol"), e.evalue());
        String[] lines = e.plain().split("\n");
        assertEquals("error in line 4: cannot find symbol", lines[0]);
        assertEquals("        missing * 2;", lines[1]);
        assertEquals("        ^~~~~~~", lines[2], "the caret sits under 'missing'");
        assertTrue(e.plain().contains("symbol:   variable missing"), e.plain());
        assertFalse(e.plain().contains("location: class"), "JShell's wrapper class is not news to the user");
    }

    @Test
    void compileErrorAfterALineMagicCountsTheMagicsLines() {
        CellError e = assertThrows(CellError.class, () -> cells.run("String s = 1;", ++cell, 3, () -> false));
        assertTrue(e.evalue().startsWith("line 4:"), e.evalue());
    }

    @Test
    void laterSnippetsDoNotRunAfterAnError() {
        fail("int before = 1;\nint x = undefinedThing;\nint after = 2;");
        assertEquals(1, run("before").value());
        CellError e = fail("after");
        assertEquals("CompileError", e.ename());
    }

    @Test
    void exceptionShowsCellFramesOnlyWithTheirLines() {
        run("// helpers\nvoid boom(String why) {\n  throw new IllegalStateException(why);\n}");
        int defining = cell;
        CellError e = fail("int k = 3;\n/* a comment */\nboom(\"bad \" + k);");
        assertEquals("IllegalStateException", e.ename());
        assertEquals("bad 3", e.evalue());
        String t = e.plain();
        assertTrue(t.startsWith("java.lang.IllegalStateException: bad 3"), t);
        assertTrue(t.contains("at boom (In [" + defining + "], line 3)"), t);
        assertTrue(t.contains("at (line 3)"), t);
        for (String internal : List.of("jdk.jshell", "SnippetTrampoline", "dev.river.kernel", "do_it$", "reflect")) {
            assertFalse(t.contains(internal), "internal frame " + internal + " in:\n" + t);
        }
    }

    @Test
    void libraryFramesAboveTheCellStay() {
        CellError e = fail("List<Integer> few = List.of(1);\nfew.get(5)");
        assertEquals("IndexOutOfBoundsException", e.ename());
        assertTrue(e.plain().contains("java.util.ImmutableCollections"), e.plain());
        assertTrue(e.plain().trim().endsWith("at (line 2)"), e.plain());
    }

    @Test
    void aNullNotebookVariableOnAnEngineGetsAHint() {
        String hint = Tracebacks.variableHint(List.of("java.lang.NullPointerException: Cannot invoke \"java.util.Set.contains(Object)\""
                + " because \"REPL.$JShell$11.stopWords\" is null"));
        assertTrue(hint != null && hint.contains("'stopWords' is a notebook variable"), String.valueOf(hint));
        assertEquals(null, Tracebacks.variableHint(List.of("java.lang.NullPointerException: Cannot invoke \"x.y()\" because \"o\" is null")));
    }

    @Test
    void causesAreShown() {
        CellError e = fail("throw new RuntimeException(\"outer\", new java.io.IOException(\"inner\"));");
        assertTrue(e.plain().contains("Caused by: java.io.IOException: inner"), e.plain());
    }

    @Test
    void classesAreCapturedAsLoadedAndRedefinitionsGetNewNames() {
        run("int version() { return 1; }");
        List<Class<?>> v1 = cells.definitions("version");
        assertEquals(1, v1.size());
        byte[] b1 = cells.classes().bytes(v1.get(0).getName());
        assertNotNull(b1);
        assertArrayEquals(new byte[]{(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}, java.util.Arrays.copyOf(b1, 4));
        assertArrayEquals(b1, cells.loader().find(v1.get(0).getName().replace('.', '/') + ".class"),
                "the loader ships the captured bytes");

        run("int version() { return 2; }");
        List<Class<?>> v2 = cells.definitions("version");
        assertEquals(1, v2.size());
        assertNotEquals(v1.get(0).getName(), v2.get(0).getName(), "a redefinition is a new class");
        assertEquals(2, run("version()").value());
    }

    @Test
    void typeDefinitionsComeWithTheirWrapper() throws Exception {
        run("record Point(int x, int y) implements java.io.Serializable { int sum() { return x + y; } }");
        List<Class<?>> defs = cells.definitions("Point");
        assertEquals(2, defs.size(), defs.toString());
        Class<?> point = defs.get(1);
        assertEquals("Point", point.getSimpleName());
        assertTrue(point.isRecord());
        assertEquals(defs.get(0), point.getEnclosingClass());
        assertEquals(point, run("new Point(1, 2)").value().getClass(), "cells and definitions() see one class");
        assertNotNull(cells.loader().getResource(point.getName().replace('.', '/') + ".class"), "the class is a resource of the cell loader");
    }

    @Test
    void variablesAreNotDefinitions() {
        run("int counter = 0;");
        MagicException e = assertThrows(MagicException.class, () -> cells.definitions("counter"));
        assertTrue(e.getMessage().contains("is a variable"), e.getMessage());
        assertEquals(List.of(), cells.definitions("nothingCalledThis"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void functionsFromMethodNamesLambdasAndVariables() {
        run("String shout(String s) { return s.toUpperCase() + \"!\"; }");
        Function<Object, Object> f = cells.function("shout", Function.class, 1, List.of());
        assertEquals("HI!", f.apply("hi"));
        Function<Object, Object> g = cells.function("s -> s.length()", Function.class, 1, List.of("java.util.function.Function<String, Integer>"));
        assertEquals(3, g.apply("abc"));
        run("Function<Integer, Integer> inc = x -> x + 1;");
        assertEquals(5, ((Function<Object, Object>) cells.function("inc", Function.class, 1, List.of())).apply(4));
        MagicException e = assertThrows(MagicException.class, () -> cells.function("nope nope", Function.class, 1, List.of()));
        assertTrue(e.getMessage().contains("neither a method"), e.getMessage());
    }

    @Test
    void returningBlockReturnsTheLastExpressionOrNull() {
        assertEquals("{\nint z = 6 * 7;\nreturn (z);\n}", cells.returningBlock("int z = 6 * 7;\nz"));
        assertEquals("{\nint z = 1;\nSystem.out.println(z);\nreturn null;\n}", cells.returningBlock("int z = 1;\nSystem.out.println(z)"));
        MagicException e = assertThrows(MagicException.class, () -> cells.returningBlock("int helper() { return 1; }"));
        assertTrue(e.getMessage().contains("cannot declare methods"), e.getMessage());
    }

    @Test
    void defineHandsAnObjectToANewVariable() {
        run("Map<String, Long> counts(List<String> w) { return Map.of(); }");
        assertEquals("Map<String, Long>", cells.returnType("counts", 1));
        List<Object> value = List.of(1, 2, 3);
        cells.define("handed", "java.util.List<Integer>", value);
        assertTrue(value == run("handed").value(), "the very object, by reference");
        assertEquals(6, run("handed.stream().mapToInt(i -> i).sum()").value());
        cells.define("loose", "NoSuchType<Really>", "fallback");
        assertEquals("fallback", run("loose").value());
    }

    @Test
    void evaluateGivesObjectsAndReportsCompileErrorsAsUsage() {
        assertEquals(List.of(3, 4), cells.evaluate("List.of(3, 4)"));
        MagicException e = assertThrows(MagicException.class, () -> cells.evaluate("List.off(3)"));
        assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
    }

    @Test
    void completionInspectionAndIsComplete() {
        run("String name = \"x\";");
        String code = "int other = 1;\nname.toUpp";
        CellAnalysis.Completions c = cells.analysis().complete(code, code.length());
        assertTrue(c.candidates().contains("toUpperCase("), c.candidates().toString());
        assertEquals(code.indexOf("toUpp"), c.start(), "the completion replaces the word being typed");
        assertEquals(code.length(), c.end());
        String doc = cells.analysis().inspect("Math.max(1, 2)", 6);
        assertTrue(doc.contains("int Math.max(int a, int b)"), doc);
        assertEquals("incomplete", cells.analysis().isComplete("int f() {"));
        assertEquals("complete", cells.analysis().isComplete("int f() { return 1; }\nf()"));
        assertEquals("incomplete", cells.analysis().isComplete("int x = 1 +"));
    }
}
