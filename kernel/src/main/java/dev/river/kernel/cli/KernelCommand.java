package dev.river.kernel.cli;

import dev.river.kernel.Kernelspec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code river kernel install|uninstall|bench}: the Jupyter kernelspec, and the kernel's benchmark.
 *
 * <pre>{@code
 * river kernel install                         # for this user
 * river kernel install --prefix "$VIRTUAL_ENV" --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * }</pre>
 */
@Command(name = "kernel", mixinStandardHelpOptions = true, description = "The River Jupyter kernel.",
        subcommands = {KernelCommand.Install.class, KernelCommand.Uninstall.class, KernelBenchCommand.class})
public final class KernelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where a kernelspec goes: the user's data directory, or a prefix. */
    static final class Target {
        @Option(names = "--user", description = "Install for this user (the default): ~/.local/share/jupyter on Linux")
        boolean user;

        @Option(names = "--prefix", paramLabel = "PREFIX", description = "Install into PREFIX/share/jupyter (a venv or conda env; Jupyter finds it with JUPYTER_PATH=PREFIX/share/jupyter otherwise)")
        Path prefix;

        @Option(names = "--sys-prefix", description = "Install into the prefix of the Jupyter on PATH (sys.prefix of its Python)")
        boolean sysPrefix;

        Path dataDir() throws Exception {
            int n = (user ? 1 : 0) + (prefix != null ? 1 : 0) + (sysPrefix ? 1 : 0);
            if (n > 1) throw new IllegalArgumentException("choose one of --user, --prefix and --sys-prefix");
            if (prefix != null) return Kernelspec.prefixDataDir(prefix.toAbsolutePath());
            if (sysPrefix) return Kernelspec.prefixDataDir(Path.of(Jupyter.sysPrefix()));
            return Kernelspec.userDataDir();
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the Jupyter kernelspec `river` (\"River (Java)\"), for this user by default.")
    static final class Install implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Option(names = "--name", description = "Kernelspec name. Default: ${DEFAULT-VALUE}")
        String name = Kernelspec.NAME;

        @Option(names = "--display-name", description = "Name shown by Jupyter. Default: ${DEFAULT-VALUE}")
        String displayName = Kernelspec.DISPLAY_NAME;

        @Option(names = "--java", paramLabel = "JAVA", description = "The java executable for the kernel (Java 17 or later). Default: the one running this command")
        String java;

        @Option(names = "--classpath", paramLabel = "PATH", description = "Extra jars and directories for cells (RIVER_CLASSPATH of the kernel)")
        String classpath = "";

        @Option(names = "--java-option", paramLabel = "OPT", description = "Extra JVM option for the kernel, e.g. --java-option=-Xmx8g (repeatable)")
        List<String> javaOptions = new ArrayList<>();

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment variable for the kernel, e.g. --env RIVER_PEERS=node1:47601 (repeatable)")
        Map<String, String> env = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            Kernelspec spec = Kernelspec.defaults();
            if (java != null) spec = spec.onJava(java);
            spec = spec.withName(name).withDisplayName(displayName).withJavaOptions(javaOptions).withExtraClassPath(classpath).withEnv(env);
            Path dir = spec.install(target.dataDir());
            System.out.println("installed kernelspec " + name + " (\"" + displayName + "\") in " + dir);
            return 0;
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove the kernelspec.")
    static final class Uninstall implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Option(names = "--name", description = "Kernelspec name. Default: ${DEFAULT-VALUE}")
        String name = Kernelspec.NAME;

        @Override
        public Integer call() throws Exception {
            Path dir = target.dataDir().resolve("kernels").resolve(name);
            if (!java.nio.file.Files.isDirectory(dir)) {
                System.out.println("no kernelspec " + name + " in " + dir.getParent());
                return 1;
            }
            try (var files = java.nio.file.Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.delete(p);
            }
            System.out.println("removed " + dir);
            return 0;
        }
    }
}
