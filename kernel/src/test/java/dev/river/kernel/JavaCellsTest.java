package dev.river.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JavaCellsTest {
    static JavaCells cells;

    @BeforeAll
    static void up() {
        cells = new JavaCells(System.getProperty("java.class.path"), () -> false);
        cells.importDefaults();
    }

    @AfterAll
    static void down() {
        cells.close();
    }

    @Test
    void probe() {
        System.out.println("CP=" + System.getProperty("java.class.path"));
        var o = cells.run("int x = 1;\nint f(int y) { return y + x; }\nrecord P(int a) {}\nf(2)", 1, 0, () -> false);
        System.out.println(o);
        try { cells.run("int z = 1;\n\nint w = zz + 1;", 2, 0, () -> false); } catch (CellError e) { System.out.println(e.ename() + " / " + e.evalue() + "\n" + e.plain()); }
        try { cells.run("void boom() {\n  throw new IllegalStateException(\"bad\");\n}\nint k = 3;\nboom();", 3, 0, () -> false); } catch (CellError e) { System.out.println(e.ename() + " / " + e.evalue() + "\n" + e.plain()); }
        try { cells.run("int u = 1;\n// comment\n/* c */\n  boom()", 4, 0, () -> false); } catch (CellError e) { System.out.println(e.ename() + " / " + e.evalue() + "\n" + e.plain()); }
        try { cells.run("new P(1).toString();\nList.of(1).get(3)", 5, 0, () -> false); } catch (CellError e) { System.out.println(e.ename() + " / " + e.evalue() + "\n" + e.plain()); }
        try { cells.run("record Q(int a) { int bad() { return 1 / (a - a); } }\nnew Q(2).bad()", 6, 2, () -> false); } catch (CellError e) { System.out.println(e.ename() + " / " + e.evalue() + "\n" + e.plain()); }
        System.out.println(cells.classes().names());
        System.out.println(cells.definitions("f") + " " + cells.definitions("P") + " " + cells.definitions("Q"));
        System.out.println(cells.run("dev.river.core.River.class", 7, 0, () -> false));
        System.out.println(cells.complete("Str", 3) + " " + cells.complete("int q = 1;\nnew P(1).", 20));
        System.out.println(cells.inspect("Math.max(1, 2)", 6) + " | " + cells.inspect("f(", 2));
        System.out.println(cells.isComplete("int f() {") + cells.isComplete("int x = 1") + cells.isComplete("x +") + cells.isComplete("int x = 1;\nx"));
        Object fn = cells.function("f", java.util.function.Function.class, 1, List.of());
        System.out.println(((java.util.function.Function<Object, Object>) fn).apply(5));
    }
}
