package dev.river.cli;

import dev.river.core.LocalEngines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code river run Main.java|CLASS|JAR [args]}: run a program against River. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a program against River: a single .java file (compiled on the fly), a class, or a jar"
                + " (and, with the kernel module, a notebook: NOTEBOOK.ipynb runs headless)."
                + " A class extending VirtualResource runs as the initiator; any other class has its main(String[]) called."
                + " Where no engine is found, local engines are started for the run.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--cp", description = "Class path of the program's own classes and jars")
    String cp = "";

    @Option(names = "--engines", description = "Local engines to start when none is found (default: number of cores, at least 2)")
    Integer engines;

    @Parameters(index = "0", description = "Main.java, a class name, or a jar")
    String target;

    @Parameters(index = "1..*", description = "Arguments for the program")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CliExtension.RunTarget request = new CliExtension.RunTarget(target, args, cp, engines);
        for (CliExtension ext : RiverCli.extensions()) {
            java.util.concurrent.Callable<Integer> runner = ext.runner(request);
            if (runner != null) return runner.call();
        }
        Programs.Program p = Programs.load(target, cp);
        try (LocalEngines local = Programs.ensureEngines(engines)) {
            Thread.currentThread().setContextClassLoader(p.loader());
            Programs.invoke(p.mainClass(), args.toArray(String[]::new));
        }
        return 0;
    }
}
