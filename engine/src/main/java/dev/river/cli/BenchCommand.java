package dev.river.cli;

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
        subcommands = {BenchCommand.Sfm.class, TrickleBenchCommand.class, MpiBenchCommand.class})
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
}
