package dev.river.kernel.cli;

import dev.river.core.LocalEngines;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.kernel.Kernelspec;
import dev.river.kernel.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code river notebook}: JupyterLab (River's .venv, else any on PATH, else the classic Notebook) with the
 * River kernel installed and local engines running.
 */
@Command(name = "notebook", mixinStandardHelpOptions = true,
        description = "Start JupyterLab with the River kernel (installed for this user if missing or outdated)"
                + " and local engines (started for what discovery does not find; they stop with Jupyter)."
                + " Other options go to Jupyter (e.g. --no-browser --port 8889 --ip 0.0.0.0 DIR).")
final class NotebookCommand implements Callable<Integer> {
    @Option(names = "--engines", paramLabel = "N", description = "Engines to have running. Default: the number of cores, at least 2")
    Integer engines;

    @Option(names = "--no-engines", description = "Start no local engines (use the ones discovery finds)")
    boolean noEngines;

    @Unmatched
    List<String> jupyterArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Jupyter.requirements();
        List<String> cmd = JupyterServer.command();
        cmd.addAll(JupyterServer.rootOptions(jupyterArgs));
        cmd.addAll(jupyterArgs);
        Kernelspec spec = Kernelspec.defaults();
        Path data = Kernelspec.userDataDir();
        if (!spec.isInstalledIn(data)) {
            System.out.println("river: installed kernelspec river (\"River (Java)\") in " + spec.install(data));
        }
        LocalEngines local = noEngines ? null : startEngines();
        // Ctrl-C belongs to Jupyter (it shuts its kernels down and exits); this JVM cleans up when it has.
        // A SIGTERM or SIGHUP to this JVM stops Jupyter first, then the engines (shutdown hook).
        Signals.onInterrupt(() -> { });
        Process jupyter = null;
        Thread hook = null;
        try {
            jupyter = new ProcessBuilder(cmd).inheritIO().start();
            Process p = jupyter;
            hook = new Thread(() -> {
                JupyterServer.stop(p);
                if (local != null) local.close();
            }, "river-notebook-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            return jupyter.waitFor();
        } finally {
            if (jupyter != null) JupyterServer.stop(jupyter);
            if (local != null) local.close();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or ran: it did the same
                }
            }
        }
    }

    private LocalEngines startEngines() {
        int n = engines != null ? engines : Math.max(2, Runtime.getRuntime().availableProcessors());
        if (n < 1) throw new IllegalArgumentException("--engines must be at least 1");
        VirtualResource probe = River.attach("river-notebook");
        try {
            List<VmInfo> found = probe.discover();
            if (found.size() >= n) {
                System.out.println("river: " + found.size() + " engines found; starting none");
                return null;
            }
            LocalEngines l = River.startLocalEngines(n - found.size());   // returns once discovery sees them
            System.out.println("river: started " + l.size() + " local engines (" + String.join(", ", l.names()) + "); they stop with Jupyter");
            return l;
        } finally {
            River.detach(probe);
        }
    }
}
