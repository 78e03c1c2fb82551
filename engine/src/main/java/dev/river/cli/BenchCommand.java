package dev.river.cli;

import dev.river.bench.CheckpointBench;
import dev.river.bench.SfmBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code river bench ...}: the benchmarks, one subcommand per part of River. Each starts its own
 * local engines and prints a table, or JSON with {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures (--json for machine-readable output).",
        subcommands = {BenchCommand.Sfm.class, TrickleBenchCommand.class, MpiBenchCommand.class, MapReduceBenchCommand.class,
                BenchCommand.CheckpointBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Prints figures as aligned text or JSON. */
    static void print(String title, Map<String, Double> figures, boolean json) {
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            figures.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":")
                    .append(String.format(Locale.ROOT, "%.3f", v)));
            System.out.println(sb.append('}'));
            return;
        }
        System.out.println(title);
        figures.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-34s %,16.2f%n", k, v));
    }

    @Command(name = "sfm", mixinStandardHelpOptions = true,
            description = "SFM between two local engines: one-way latency, small-message rate, 64 MiB double[] bandwidth.")
    static final class Sfm implements Callable<Integer> {
        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Option(names = "--quick", description = "Fewer iterations (a smoke run)")
        boolean quick;

        @Override
        public Integer call() {
            Map<String, Double> f = SfmBench.run(quick ? SfmBench.Options.quick() : SfmBench.Options.defaults());
            print("SFM, 2 local engines on loopback (" + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores)", f, json);
            return 0;
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Coordinated checkpoints on 2 local engines: save and restore N VRs of M MiB each (restored on"
                    + " fresh engines), and the run-time overhead of checkpointing a heat stencil periodically.")
    static final class CheckpointBenchCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        @Option(names = "--quick", description = "Small sizes and a short run (a smoke run)")
        boolean quick;

        @Option(names = "--vrs", description = "VRs (half on each engine). Default: 8")
        Integer vrs;

        @Option(names = "--mib", description = "MiB of state per VR. Default: 16")
        Integer mib;

        @Option(names = "--steps", description = "Stencil iterations in the overhead runs. Default: 1200")
        Integer steps;

        @Option(names = "--interval", description = "Seconds between checkpoints in the overhead run. Default: 10")
        Double interval;

        @Override
        public Integer call() {
            CheckpointBench.Options d = quick ? CheckpointBench.Options.quick() : CheckpointBench.Options.defaults();
            CheckpointBench.Options o = new CheckpointBench.Options(vrs != null ? vrs : d.vrs(), mib != null ? mib : d.mib(),
                    d.repeats(), steps != null ? steps : d.steps(),
                    interval != null ? java.time.Duration.ofMillis((long) (interval * 1000)) : d.interval());
            Map<String, Double> f = CheckpointBench.run(o);
            print("Checkpoints, " + o.vrs() + " VRs x " + o.mib() + " MiB on 2 local engines (" + Runtime.version() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores)", f, json);
            return 0;
        }
    }
}
