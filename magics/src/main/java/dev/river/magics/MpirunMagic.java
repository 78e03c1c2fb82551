package dev.river.magics;

import dev.river.mpi.Mpirun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code %river mpirun -np N CLASS [ARGS...]}: runs an rMPI program (a class with
 * {@code public static void main(String[])} using package {@code mpi}, defined in a cell or on the
 * class path) with N ranks on the engines. Each rank's output appears as it comes, prefixed with
 * {@code [rank]}; the value says how the job ended, and a failed job is a cell error naming the rank.
 * Java: {@code Mpirun.options().np(n).driver(...).run(CLASS.class)}.
 *
 * <pre>{@code
 * %river mpirun -np 4 Pi 1000000
 * %river mpirun -np 8 Cg --engines 10.0.0.5:47601,10.0.0.6:47601 --timeout 120 --out job
 * }</pre>
 */
@Command(name = "mpirun",
        description = "Run an rMPI program (package mpi, the Open MPI Java API) with N ranks on the engines: CLASS has"
                + " public static void main(String[]) and is defined in a cell or on the class path. Each rank's output"
                + " appears as it comes, prefixed with [rank]; a failing rank ends the job (the others are stopped) and the"
                + " cell fails naming it. Where no engine is found, local engines are started for the run.")
public final class MpirunMagic implements RiverMagic {
    @Option(names = {"-np", "-n", "--np"}, required = true, paramLabel = "N", description = "Number of ranks.")
    int np;

    @Parameters(index = "0", paramLabel = "CLASS", description = "The program's main class: a class defined in a cell, or a class name.")
    String main;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of main.")
    List<String> args = new ArrayList<>();

    @Option(names = "--engines", split = ",", paramLabel = "HOST:PORT", description = "Engines to use (default: those discovered).")
    List<String> engines = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "S", description = "Stop the job after S seconds.")
    Long timeout;

    @Option(names = "--map-by", paramLabel = "P", description = "engine (rank i on engine i mod E, default) or slot (fill each engine's cores first).")
    String mapBy = "engine";

    @Option(names = "--out", paramLabel = "NAME", description = "Keep the Mpirun.Result (exit code, output per rank) in a new notebook variable NAME.")
    String out;

    @Override
    public Object run(MagicContext ctx) {
        if (np < 1) throw new MagicException("-np must be at least 1, not " + np);
        if (!mapBy.equals("engine") && !mapBy.equals("slot")) throw new MagicException("--map-by is engine or slot, not '" + mapBy + "'");
        if (out != null && !out.matches("[A-Za-z_$][\\w$]*")) throw new MagicException("--out needs a Java variable name, not '" + out + "'");
        Class<?> program = mainClass(ctx);
        Mpirun.Options o = Mpirun.options().np(np).engines(engines).mapBySlot(mapBy.equals("slot"))
                .driver(ctx.session().driver())
                .output(line -> ctx.out().println(line))
                .notices(s -> ctx.out().println("mpirun: " + s));
        if (timeout != null) o.timeout(Duration.ofSeconds(timeout));
        Mpirun.Result r = o.run(program.getName(), program.getClassLoader(), args.toArray(String[]::new));
        if (out != null) ctx.define(out, Mpirun.Result.class.getCanonicalName(), r);
        ctx.display().show(MpiPicture.of(r.traffic()));       // failed runs too: who talked to whom before it failed
        if (!r.ok()) throw new MagicException("mpirun: " + r.failure() + " (exit code " + r.exitCode() + ")");
        return Rich.text(np + " rank" + (np == 1 ? "" : "s") + " of " + program.getSimpleName() + " ended well"
                + (out == null ? "" : "; the result is in " + out));
    }

    /** The class defined in a cell under that name, else a class of that name the notebook can load. */
    private Class<?> mainClass(MagicContext ctx) {
        String simple = main.substring(main.lastIndexOf('.') + 1);
        for (Class<?> c : ctx.definitions(main)) {
            if (c.getSimpleName().equals(simple) && hasMain(c)) return c;
        }
        try {
            Class<?> c = Class.forName(main, false, ctx.session().loader());
            if (hasMain(c)) return c;
            throw new MagicException(main + " has no public static void main(String[])");
        } catch (ClassNotFoundException e) {
            throw new MagicException("no class " + main + ": define it in a cell (with public static void main(String[]))"
                    + " or give a class name on the class path");
        }
    }

    private static boolean hasMain(Class<?> c) {
        try {
            Method m = c.getMethod("main", String[].class);
            return Modifier.isStatic(m.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
