package dev.river.mpi;

import dev.river.core.ClassSource;
import dev.river.core.VirtualResource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs an rMPI program (any class with {@code public static void main(String[])} that uses package
 * {@code mpi}) with N ranks on River engines, from Java code, a notebook, or {@code river mpirun}.
 * Each rank runs in its own class loader on an engine (ranks are spread over the engines, one after
 * the other); its output is streamed back line by line, prefixed with its rank; the call returns when
 * every rank has ended. If one rank fails (exception, non-zero exit, abort, fatal MPI error, lost
 * engine), the others are stopped and the result names the rank and why.
 *
 * <pre>{@code
 * Mpirun.Result r = Mpirun.run(4, Pi.class);                 // discovered engines, or local ones
 * System.out.println(r.exitCode() + " " + r.lines(0));
 *
 * Mpirun.Result r2 = Mpirun.options()
 *         .np(8)
 *         .engines(List.of("10.0.0.5:47601", "10.0.0.6:47601"))
 *         .output(line -> display(line))                       // instead of printing "[rank] text"
 *         .timeout(Duration.ofMinutes(5))
 *         .run(Pi.class, "100000");
 * }</pre>
 */
public final class Mpirun {
    private Mpirun() {}

    /** Runs {@code main} with {@code np} ranks, printing their output; see {@link Options#run(Class, String...)}. */
    public static Result run(int np, Class<?> main, String... args) {
        return options().np(np).run(main, args);
    }

    /** Settings of a run; {@code run(...)} starts it. */
    public static Options options() {
        return new Options();
    }

    /** The settings of a run. Not thread-safe; one Options may run several jobs one after the other. */
    public static final class Options {
        int np = 1;
        List<String> engines = List.of();
        Consumer<Line> output = Line::print;
        VirtualResource driver;
        Duration timeout;
        boolean bySlot;
        Consumer<String> notices = s -> System.err.println("river mpirun: " + s);

        private Options() {}

        /** Number of ranks (at least 1). */
        public Options np(int np) {
            if (np < 1) throw new IllegalArgumentException("np must be at least 1, got " + np);
            this.np = np;
            return this;
        }

        /** Engines to use ({@code host:port}); by default the discovered ones, or local ones when there are none. */
        public Options engines(List<String> engines) {
            this.engines = List.copyOf(engines);
            return this;
        }

        /** Receives each output line of each rank as it arrives (default: print {@code [rank] text}). */
        public Options output(Consumer<Line> output) {
            this.output = Objects.requireNonNull(output);
            return this;
        }

        /** Receives what the launcher itself says (local engines started, ranks stopped); default: stderr. */
        public Options notices(Consumer<String> notices) {
            this.notices = Objects.requireNonNull(notices);
            return this;
        }

        /**
         * The driver VR that deploys the ranks and serves the program's classes (a notebook passes the
         * kernel's, so that classes defined in cells reach the engines). Default: one attached for the
         * run, serving classes from the main class's loader.
         */
        public Options driver(VirtualResource driver) {
            this.driver = driver;
            return this;
        }

        /** Stops the job if it has not ended after {@code timeout} (exit code 124). */
        public Options timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Placement: false (default) spreads ranks over the engines one after the other (rank i on engine
         * i mod E); true fills each engine with as many ranks as it has cores before using the next.
         */
        public Options mapBySlot(boolean bySlot) {
            this.bySlot = bySlot;
            return this;
        }

        /** Runs {@code main}'s {@code main(String[])} on every rank; its classes are shipped from its class loader. */
        public Result run(Class<?> main, String... args) {
            ClassLoader loader = main.getClassLoader() != null ? main.getClassLoader() : ClassLoader.getSystemClassLoader();
            return run(main.getName(), loader, args);
        }

        /**
         * Runs class {@code mainClass} (found through {@code loader}, which also serves its classes to the
         * engines; a loader that is itself a {@link ClassSource}, like a notebook's, serves them directly).
         */
        public Result run(String mainClass, ClassLoader loader, String... args) {
            ClassSource code = loader instanceof ClassSource cs ? cs : ClassSource.of(loader);
            return new MpiJob(this, mainClass, code, loader, args == null ? new String[0] : args.clone()).run();
        }
    }

    /** One line of output of one rank. */
    public record Line(int rank, boolean stderr, String text) {
        /** Prints {@code [rank] text} to this JVM's stdout or stderr. */
        public void print() {
            (stderr ? System.err : System.out).println(this);
        }

        @Override public String toString() {
            return "[" + rank + "] " + text;
        }
    }

    /**
     * How one rank ended: its exit status (0, the status of System.exit or MPI abort, the MPI error class
     * of a fatal error, 1 for an uncaught exception, 143 if stopped), why, and where it ran.
     */
    public record RankResult(int rank, String engine, int status, String reason, boolean finalized, boolean stopped) {}

    /**
     * The outcome of a run: exit code (0 when every rank ended well), the output lines in arrival order
     * (capped at {@value MpiJob#MAX_LINES}), each rank's end, the failure that ended the job, if any, and
     * what the ranks sent each other and how long their collectives took ({@link Traffic}).
     */
    public record Result(int exitCode, List<Line> output, List<RankResult> ranks, String failure, Traffic traffic) {
        public Result {
            output = Collections.unmodifiableList(output);
            ranks = List.copyOf(ranks);
        }

        public boolean ok() {
            return exitCode == 0;
        }

        /** The text lines of one rank, in order. */
        public List<String> lines(int rank) {
            List<String> out = new ArrayList<>();
            for (Line l : output) if (l.rank() == rank) out.add(l.text());
            return out;
        }

        /** All output as {@code [rank] text} lines. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (Line l : output) sb.append(l).append('\n');
            return sb.toString();
        }

        @Override public String toString() {
            return "Mpirun.Result[exit " + exitCode + (failure == null ? "" : ": " + failure) + ", " + output.size() + " lines]";
        }
    }
}
