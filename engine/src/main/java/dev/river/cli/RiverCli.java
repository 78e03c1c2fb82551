package dev.river.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The {@code river} command line (the {@code install/river} launcher runs this class).
 *
 * <pre>{@code
 * river engine --port 47601 --tags gpu      # one engine in the foreground
 * river status                              # engines discovered
 * }</pre>
 *
 * <p>Other modules add subcommands through {@link CliExtension}.
 */
@Command(name = "river", mixinStandardHelpOptions = true, version = "River for Java 0.1",
        description = "River: parallel and distributed programming from Java and Jupyter.",
        subcommands = {EngineCommand.class, EnginesCommand.class, StatusCommand.class, ClasspathCommand.class, RunCommand.class,
                MpirunCommand.class, BenchCommand.class, ClusterCommand.class, CommandLine.HelpCommand.class})
public final class RiverCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with the built-in subcommands and those of every {@link CliExtension} on the class path. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RiverCli());
        cl.setOverwrittenOptionsAllowed(true);   // the last --port wins, so wrappers can pass defaults first
        for (CliExtension ext : extensions()) {
            for (Object command : ext.commands()) cl.addSubcommand(command);
            for (Object command : ext.benchCommands()) cl.getSubcommands().get("bench").addSubcommand(command);
        }
        // `river run X args...`: everything after the target belongs to the program, options included
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl;
    }

    static List<CliExtension> extensions() {
        List<CliExtension> out = new ArrayList<>();
        ServiceLoader.load(CliExtension.class, RiverCli.class.getClassLoader()).forEach(out::add);
        return out;
    }

    public static void main(String[] args) {
        Logging.configure(System.getenv().getOrDefault("RIVER_LOG", "warning"));
        CommandLine cl = commandLine();
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("river: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("RIVER_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        int code = cl.execute(args);
        if (code != 0 || !Boolean.getBoolean("river.cli.stay")) System.exit(code);
    }
}
