package dev.river.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code river bench ...}: the benchmarks, one subcommand per area; figures go to docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (see docs/benchmarks.md): river bench mpi", subcommands = {MpiBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
