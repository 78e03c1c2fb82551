package dev.river.cli;

import dev.river.mpi.Mpirun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code river mpirun -np N [--engines host:port,...] [--cp PATH] Main.java|CLASS|JAR [args]}: runs an
 * rMPI program (the Open MPI Java API, package {@code mpi}) with N ranks on River engines.
 */
@Command(name = "mpirun", mixinStandardHelpOptions = true,
        description = "Run an rMPI program (package mpi, the Open MPI Java API) with N ranks on River engines. Each rank's"
                + " output is printed prefixed with [rank]. The exit code is 0 when every rank ends well, else that of the first"
                + " rank that failed (the others are stopped). Where no engine is found, local engines are started for the run.")
final class MpirunCommand implements Callable<Integer> {
    @Option(names = {"-np", "-n", "--np"}, required = true, description = "Number of ranks")
    int np;

    @Option(names = "--engines", split = ",", paramLabel = "HOST:PORT", description = "Engines to use (default: those discovered)")
    List<String> engines = new ArrayList<>();

    @Option(names = "--cp", description = "Class path of the program's own classes and jars")
    String cp = "";

    @Option(names = "--map-by", description = "Placement: engine (rank i on engine i mod E, the default) or slot (fill each engine's cores first)")
    String mapBy = "engine";

    @Option(names = "--timeout", description = "Stop the job after this many seconds (exit code 124)")
    Long timeout;

    @Parameters(index = "0", description = "Main.java, a class name, or a jar")
    String target;

    @Parameters(index = "1..*", description = "Arguments for the program")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!mapBy.equals("engine") && !mapBy.equals("slot")) {
            throw new IllegalArgumentException("--map-by is 'engine' or 'slot', not '" + mapBy + "'");
        }
        Programs.Program p = Programs.load(target, cp);
        Thread.currentThread().setContextClassLoader(p.loader());
        Mpirun.Options o = Mpirun.options().np(np).engines(engines).mapBySlot(mapBy.equals("slot"));
        if (timeout != null) o.timeout(Duration.ofSeconds(timeout));
        return o.run(p.mainClass().getName(), p.loader(), args.toArray(String[]::new)).exitCode();
    }
}
