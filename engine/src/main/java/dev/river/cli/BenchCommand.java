package dev.river.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code river bench ...}: the benchmarks, one subcommand each (trickle here; sfm, mpi and mapreduce
 * plug in beside it). Each prints a table, or JSON with {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures (--json for machine-readable output).",
        subcommands = {TrickleBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
