package dev.river.kernel;

import dev.river.core.Message;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;
import dev.river.magics.Session;
import dev.river.testing.Cluster;
import dev.river.trickle.Task;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code defined in cells runs on real engines with its class identity: the classes JShell compiled are
 * shipped from the kernel's capture, and what comes back decodes into the cells' own classes.
 */
class ClassShippingTest {
    static Cluster cluster;
    static JavaCells cells;
    static int cell;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
        cells = new JavaCells(System.getProperty("java.class.path"), () -> false);
        cells.importDefaults();
    }

    @AfterAll
    static void down() {
        cells.close();
        cluster.close();
    }

    static Object value(String code) {
        return cells.run(code, ++cell, 0, () -> false).value();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRecordMadeInACellComesBackFromAnEngineEqualAndOfTheSameClass() {
        value("record Point(int x, String label) implements java.io.Serializable {}");
        value("public static class Echo extends VirtualResource {\n"
                + "  protected void main() {\n"
                + "    Message m = recv();\n"
                + "    Point p = (Point) m.get(\"point\");\n"
                + "    send(m.src(), \"back\", p, \"moved\", new Point(p.x() + 1, p.label() + \"!\"), \"engine\", vm().name());\n"
                + "  }\n"
                + "}");
        Object point = value("new Point(7, \"seven\")");
        Class<? extends VirtualResource> echo = (Class<? extends VirtualResource>) cells.definitions("Echo").get(1);
        VirtualResource driver = River.attach("cells", cells.loader(), cells.loader());
        try {
            VrId vr = driver.deploy(cluster.vms().get(0), echo);
            driver.send(vr, "point", point);
            Message m = driver.recv(Duration.ofSeconds(20), "src", vr);
            Object back = m.get("back");
            assertEquals(point, back);
            assertNotSame(point, back, "it really travelled");
            assertSame(point.getClass(), back.getClass(), "decoded into the cell's own class");
            assertEquals(value("new Point(8, \"seven!\")"), m.get("moved"), "a Point made on the engine is a cell Point too");
            assertEquals(cluster.vms().get(0).name(), m.get("engine"));
        } finally {
            River.detach(driver);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void lambdasAndMethodsFromCellsRunOnEnginesAndRedefinitionsShipTheNewVersion() {
        value("int offset() { return 10; }");
        Task<Integer, Integer> first = (Task<Integer, Integer>) value("(Task<Integer, Integer>) x -> x + offset()");
        try (Trickle t = Trickle.builder().code(cells.loader(), cells.loader()).connect()) {
            assertEquals(2, t.vms().size());
            assertEquals(List.of(11, 12, 13), t.map(first, List.of(1, 2, 3)));
            value("int offset() { return 20; }");
            Task<Integer, Integer> second = (Task<Integer, Integer>) value("(Task<Integer, Integer>) x -> x + offset()");
            List<Integer> again = t.join(t.fork(t.vms(), second, List.of(1, 2)));
            assertEquals(List.of(21, 22), again, "both engines run the redefined method");
        }
    }

    @Test
    void injectShipsCellDefinitionsToEveryEngine() {
        value("long square(long v) { return v * v; }");
        value("interface Metric { double of(double[] xs); }");
        try (Session s = Session.attach("inject-test", cells.loader(), cells.loader())) {
            long bytes = s.inject(cells.definitions("square"));
            assertTrue(bytes > 200, "a class file was sent: " + bytes);
            long more = s.inject(cells.definitions("Metric"));
            assertTrue(more > bytes, "a type comes with its wrapper: " + more);
        }
    }
}
