package dev.river.mpi;

import mpi.MPI;
import mpi.MPIException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.river.mpi.MpiTesting.equal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link Mpirun} and {@code river mpirun} run a job: output per rank, per-rank statics, and every
 * way a rank can end (exit, Runtime.exit/halt, abort, exception, missing Finalize, timeout, a lost
 * engine) giving the right exit code, naming the rank, stopping the others, and never ending an engine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MpiLauncherTest extends OnTwoEngines {
    @Test
    @Order(1)
    void outputIsStreamedPerRankAndStaticsArePerRank() {
        List<Mpirun.Line> streamed = new ArrayList<>();
        Mpirun.Result r = Mpirun.options().np(4).engines(MpiTesting.engines(cluster)).output(streamed::add).notices(s -> { })
                .timeout(Duration.ofSeconds(60)).run(Statics.class, "a b", "c");
        assertTrue(r.ok(), r.toString() + "\n" + r.text());
        assertEquals(r.output(), streamed, "the callback saw every line, in the same order");
        for (int rank = 0; rank < 4; rank++) {
            List<String> lines = r.lines(rank);
            assertTrue(lines.contains("rank " + rank + " of 4, counter 1, args [a b, c]"), lines.toString());
            assertTrue(lines.contains("from a thread of rank " + rank), lines.toString());
            assertTrue(lines.contains("partial line of " + rank), "a last line without newline is kept: " + lines);
        }
        assertTrue(r.output().stream().anyMatch(l -> l.stderr() && l.text().equals("to stderr from " + 2)), r.text());
        assertTrue(r.output().stream().noneMatch(l -> !l.stderr() && l.text().startsWith("to stderr")), r.text());
        Set<String> engines = new TreeSet<>();
        for (Mpirun.RankResult rr : r.ranks()) engines.add(rr.engine());
        assertEquals(2, engines.size(), "4 ranks spread over both engines, two per engine: " + r.ranks());
    }

    public static class Statics {
        static int counter;

        public static void main(String[] args) throws Exception {
            MPI.Init(args);
            counter++;                       // one class per rank: every rank counts 1
            int rank = MPI.COMM_WORLD.getRank();
            System.out.println("rank " + rank + " of " + MPI.COMM_WORLD.getSize() + ", counter " + counter + ", args " + java.util.Arrays.toString(args));
            Thread t = new Thread(() -> System.out.println("from a thread of rank " + rank));
            t.start();
            t.join();
            System.err.println("to stderr from " + rank);
            int[] all = new int[MPI.COMM_WORLD.getSize()];
            MPI.COMM_WORLD.allGather(new int[]{counter}, 1, MPI.INT, all, 1, MPI.INT);
            for (int c : all) equal(1, c, "counter of every rank");
            System.out.print("partial line of " + rank);
            MPI.Finalize();
        }
    }

    @Test
    @Order(2)
    void systemExitEndsTheJobWithItsStatusAndStopsTheOthers() {
        Mpirun.Result r = MpiTesting.run(cluster, 3, Exits.class, "system");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.failure().contains("rank 1") && r.failure().contains("System.exit(3)"), r.failure());
        assertTrue(r.lines(1).contains("exiting"), r.text());
        assertFalse(r.lines(1).contains("after exit"), "exit does not return: " + r.text());
        assertEquals(3, r.ranks().get(1).status());
        enginesAlive();
    }

    @Test
    @Order(3)
    void runtimeExitAndHaltAreRewrittenToo() {
        assertEquals(4, MpiTesting.run(cluster, 2, Exits.class, "runtime").exitCode());
        assertEquals(5, MpiTesting.run(cluster, 2, Exits.class, "halt").exitCode());
        Mpirun.Result ref = MpiTesting.run(cluster, 2, Exits.class, "reference");
        assertEquals(6, ref.exitCode(), "System::exit as a method reference: " + ref);
        enginesAlive();
    }

    @Test
    @Order(4)
    void exitZeroAfterFinalizeIsSuccess() {
        Mpirun.Result r = MpiTesting.run(cluster, 3, Exits.class, "clean");
        assertTrue(r.ok(), r.toString());
    }

    public static class Exits {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            int rank = MPI.COMM_WORLD.getRank();
            if (args[0].equals("clean")) {
                MPI.COMM_WORLD.barrier();
                MPI.Finalize();
                System.exit(0);
            }
            if (rank == 1) {
                System.out.println("exiting");
                switch (args[0]) {
                    case "system" -> System.exit(3);
                    case "runtime" -> Runtime.getRuntime().exit(4);
                    case "halt" -> Runtime.getRuntime().halt(5);
                    case "reference" -> {
                        java.util.function.IntConsumer exit = System::exit;
                        exit.accept(6);
                    }
                    default -> throw new IllegalArgumentException(args[0]);
                }
                System.out.println("after exit");
            } else {
                MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, 1, 0);   // never sent: this rank must be stopped
            }
            MPI.Finalize();
        }
    }

    @Test
    @Order(5)
    void anUncaughtExceptionNamesTheRank() {
        Mpirun.Result r = MpiTesting.run(cluster, 3, Throws.class);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.failure().contains("rank 2") && r.failure().contains("IllegalStateException: rank 2 gives up"), r.failure());
        assertTrue(r.output().stream().anyMatch(l -> l.rank() == 2 && l.stderr() && l.text().startsWith("Exception in thread \"main\"")), r.text());
    }

    public static class Throws {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            if (MPI.COMM_WORLD.getRank() == 2) throw new IllegalStateException("rank 2 gives up");
            MPI.COMM_WORLD.barrier();
            MPI.Finalize();
        }
    }

    @Test
    @Order(6)
    void abortEndsEveryRankWithItsCode() {
        Mpirun.Result r = MpiTesting.run(cluster, 4, Aborts.class);
        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(r.failure().contains("MPI_Abort(7)") && r.failure().contains("rank 3"), r.failure());
        long stopped = r.ranks().stream().filter(Mpirun.RankResult::stopped).count();
        assertTrue(stopped >= 1, "the others were stopped: " + r.ranks());
    }

    public static class Aborts {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            if (MPI.COMM_WORLD.getRank() == 3) MPI.COMM_WORLD.abort(7);
            else MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, 3, 0);
            MPI.Finalize();
        }
    }

    @Test
    @Order(7)
    void endingWithoutFinalizeIsAFailureAndNonMpiProgramsAreFine() {
        Mpirun.Result r = MpiTesting.run(cluster, 2, NoFinalize.class);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.failure().contains("without calling MPI.Finalize()"), r.failure());
        Mpirun.Result plain = MpiTesting.ok(cluster, 3, NotMpi.class);
        assertEquals(List.of("plain"), plain.lines(2));
    }

    public static class NoFinalize {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            MPI.COMM_WORLD.barrier();
        }
    }

    public static class NotMpi {
        public static void main(String[] args) {
            System.out.println("plain");
        }
    }

    @Test
    @Order(8)
    void aHangingJobEndsAtItsTimeout() {
        Mpirun.Result r = Mpirun.options().np(2).engines(MpiTesting.engines(cluster)).output(l -> { }).notices(s -> { })
                .timeout(Duration.ofSeconds(2)).run(Hangs.class);
        assertEquals(124, r.exitCode(), r.toString());
        assertTrue(r.ranks().stream().allMatch(Mpirun.RankResult::stopped), r.ranks().toString());
    }

    public static class Hangs {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, MPI.ANY_SOURCE, 0);
            MPI.Finalize();
        }
    }

    @Test
    @Order(9)
    void riverMpirunRunsAClassFromTheCommandLine() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String classes = Path.of(Statics.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
            code = new picocli.CommandLine(new dev.river.cli.RiverCli()).execute("mpirun", "-np", "2", "--engines", String.join(",", MpiTesting.engines(cluster)),
                    "--cp", classes, "--timeout", "60", NotMpi.class.getName());
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("[0] plain") && text.contains("[1] plain"), text);
    }

    @Test
    @Order(10)
    void aLostEngineEndsTheJobNamingIt() {
        // the last test: it kills one of the cluster's engines
        Mpirun.Result[] result = new Mpirun.Result[1];
        List<String> notices = new ArrayList<>();
        Thread job = new Thread(() -> result[0] = Mpirun.options().np(2).engines(MpiTesting.engines(cluster))
                .output(l -> {
                    if (l.text().equals("waiting")) {
                        synchronized (MpiLauncherTest.class) {
                            MpiLauncherTest.class.notifyAll();
                        }
                    }
                }).notices(notices::add).timeout(Duration.ofSeconds(60)).run(Hangs2.class));
        synchronized (MpiLauncherTest.class) {
            job.start();
            try {
                MpiLauncherTest.class.wait(30_000);           // until a rank says it waits
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        List<String> sorted = new ArrayList<>(MpiTesting.engines(cluster));
        java.util.Collections.sort(sorted);                    // Mpirun places rank i on the i-th engine in address order
        int victim = engineIndexOf(sorted.get(1));
        cluster.engines().kill(victim);
        try {
            job.join(60_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Mpirun.Result r = result[0];
        assertTrue(r != null && !r.ok(), "the job failed: " + r);
        assertTrue(r.failure().contains("rank 1") || r.failure().contains(dev.river.mpi.impl.Fabric.UNREACHABLE), r.failure());
    }

    public static class Hangs2 {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            MPI.COMM_WORLD.barrier();
            System.out.println("waiting");
            MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, MPI.ANY_SOURCE, 0);
            MPI.Finalize();
        }
    }

    private static int engineIndexOf(String address) {
        List<String> a = cluster.engines().addresses();
        for (int i = 0; i < a.size(); i++) if (a.get(i).equals(address)) return i;
        throw new AssertionError("no engine at " + address + " in " + a);
    }

    private static void enginesAlive() {
        for (int i = 0; i < cluster.engines().size(); i++) assertTrue(cluster.engines().isAlive(i), "engine " + i + " is still running");
    }
}
