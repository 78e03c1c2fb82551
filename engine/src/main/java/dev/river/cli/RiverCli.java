package dev.river.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code river} command line (the {@code install/river} launcher runs this class).
 *
 * <pre>{@code
 * river engine --port 47601 --tags gpu      # one engine in the foreground
 * river status                              # engines discovered
 * }</pre>
 */
@Command(name = "river", mixinStandardHelpOptions = true, version = "River for Java 0.1",
        description = "River: parallel and distributed programming from Java and Jupyter.",
        subcommands = {EngineCommand.class, EnginesCommand.class, StatusCommand.class, ClasspathCommand.class, RunCommand.class,
                BenchCommand.class, ClusterCommand.class, CommandLine.HelpCommand.class})
public final class RiverCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        Logging.configure(System.getenv().getOrDefault("RIVER_LOG", "warning"));
        CommandLine cl = new CommandLine(new RiverCli());
        cl.setOverwrittenOptionsAllowed(true);   // the last --port wins, so wrappers can pass defaults first
        // `river run X.java --flag` passes --flag to the program, as `java X.java --flag` does
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("river: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("RIVER_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        int code = cl.execute(args);
        if (code != 0 || !Boolean.getBoolean("river.cli.stay")) System.exit(code);
    }
}
