package dev.river.kernel;

import dev.river.magics.Display;
import dev.river.magics.MagicContext;
import dev.river.magics.MagicException;
import dev.river.magics.Magics;
import dev.river.magics.Rich;
import dev.river.magics.Session;
import dev.river.mpi.Mpirun;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code %river mpirun}: an MPI program defined in a notebook cell runs on real engines, its classes
 * shipped from the cells, with each rank's output streamed into the cell.
 */
class MpirunMagicTest {
    static Cluster cluster;
    static JavaCells cells;
    static Session session;
    static int cell;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
        cells = new JavaCells(System.getProperty("java.class.path"), () -> false);
        cells.importDefaults();
        session = Session.attach("mpirun-test", cells.loader(), cells.loader());
    }

    @AfterAll
    static void down() {
        session.close();
        cells.close();
        cluster.close();
    }

    static Object value(String code) {
        return cells.run(code, ++cell, 0, () -> false).value();
    }

    /** The kernel as far as %river mpirun needs it: the cells' definitions, the session, the cell's output. */
    static final class Context implements MagicContext {
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        final Map<String, Object> defined = new HashMap<>();

        @Override public Session session() { return session; }
        @Override public Object evaluate(String expression) { return cells.evaluate(expression); }
        @Override public String returningBlock(String code) { throw new UnsupportedOperationException(); }
        @Override public String returnType(String name, int arity) { return null; }
        @Override public <T> List<T> variables(Class<T> type) { return List.of(); }
        @Override public void define(String name, String type, Object value) { defined.put(name, value); }
        @Override public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) { throw new UnsupportedOperationException(); }
        @Override public List<Class<?>> definitions(String name) { return cells.definitions(name); }
        @Override public String cellBody() { return null; }
        final List<Rich> shown = new java.util.ArrayList<>();
        @Override public Display display() {
            return content -> {
                shown.add(content);
                return shown::add;
            };
        }
        @Override public PrintStream out() { return out; }

        String printed() {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aProgramDefinedInACellRunsWithItsOutputInTheCell() throws Exception {
        value("import mpi.*;");
        value("static double f(double x) { return 4 / (1 + x * x); }");          // a helper in another cell
        value("public class CellPi {\n"
                + "  public static void main(String[] args) throws MPIException {\n"
                + "    MPI.Init(args);\n"
                + "    int rank = MPI.COMM_WORLD.getRank(), size = MPI.COMM_WORLD.getSize();\n"
                + "    int n = Integer.parseInt(args[0]);\n"
                + "    double h = 1.0 / n, s = 0;\n"
                + "    for (int i = rank; i < n; i += size) s += f(h * (i + 0.5));\n"
                + "    double[] pi = new double[1];\n"
                + "    MPI.COMM_WORLD.reduce(new double[]{h * s}, pi, 1, MPI.DOUBLE, MPI.SUM, 0);\n"
                + "    System.out.println(\"rank \" + rank + \" of \" + size);\n"
                + "    if (rank == 0) System.out.printf(\"pi %.6f%n\", pi[0]);\n"
                + "    MPI.Finalize();\n"
                + "  }\n"
                + "}");
        Context ctx = new Context();
        String engines = String.join(",", cluster.vms().stream().map(v -> v.address()).toList());
        Object shown = Magics.load().run("mpirun -np 3 CellPi 100000 --engines " + engines + " --out job", null, ctx);
        assertEquals("3 ranks of CellPi ended well; the result is in job", ((Rich) shown).data().get(Rich.TEXT));
        String printed = ctx.printed();
        assertTrue(printed.contains("[0] pi 3.141593"), printed);
        for (int r = 0; r < 3; r++) assertTrue(printed.contains("[" + r + "] rank " + r + " of 3"), printed);
        Mpirun.Result job = (Mpirun.Result) ctx.defined.get("job");
        assertEquals(0, job.exitCode());
        assertEquals(List.of("rank 1 of 3"), job.lines(1));
        Rich traffic = ctx.shown.get(ctx.shown.size() - 1);
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(traffic.data().keySet()), "the traffic picture, Vega-Lite and SVG");
        assertTrue(traffic.text().startsWith("mpirun traffic: 3 rank(s), ") && traffic.text().contains("; reduce 3 call(s), "), traffic.text());
        assertTrue(job.traffic().totalMessages() >= 2, "the reduce sent to rank 0: " + job.traffic());
        // the plain Java call on a cell class: its loader serves the cells' classes
        Class<?> pi = cells.definitions("CellPi").stream().filter(c -> c.getSimpleName().equals("CellPi")).findFirst().orElseThrow();
        Mpirun.Result direct = Mpirun.options().np(2).engines(cluster.vms().stream().map(v -> v.address()).toList())
                .output(l -> { }).notices(s -> { }).run(pi, "1000");
        assertEquals(0, direct.exitCode(), direct.toString());
        assertEquals(List.of("rank 1 of 2"), direct.lines(1));
    }

    @Test
    void aFailingRankFailsTheCellNamingTheRankAndAnUnknownClassIsAClearError() throws Exception {
        value("import mpi.*;");
        value("public class CellQuits {\n"
                + "  public static void main(String[] args) throws MPIException {\n"
                + "    MPI.Init(args);\n"
                + "    if (MPI.COMM_WORLD.getRank() == 1) System.exit(9);\n"
                + "    MPI.COMM_WORLD.barrier();\n"
                + "    MPI.Finalize();\n"
                + "  }\n"
                + "}");
        Context ctx = new Context();
        String engines = String.join(",", cluster.vms().stream().map(v -> v.address()).toList());
        MagicException e = assertThrows(MagicException.class, () -> Magics.load().run("mpirun -np 2 CellQuits --engines " + engines, null, ctx));
        assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("System.exit(9)") && e.getMessage().contains("exit code 9"), e.getMessage());
        MagicException unknown = assertThrows(MagicException.class, () -> Magics.load().run("mpirun -np 2 NoSuchProgram", null, new Context()));
        assertTrue(unknown.getMessage().contains("no class NoSuchProgram"), unknown.getMessage());
    }
}
