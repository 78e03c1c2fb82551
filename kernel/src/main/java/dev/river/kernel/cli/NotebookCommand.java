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
 * {@code river notebook}: Jupyter Notebook with the River kernel installed and local engines running.
 */
@Command(name = "notebook", mixinStandardHelpOptions = true,
        description = "Start Jupyter Notebook with the River kernel (installed for this user if missing or outdated)"
                + " and local engines (started for what discovery does not find; they stop with Jupyter)."
                + " Other options go to `jupyter notebook` (e.g. --no-browser --port 8889 --ip 0.0.0.0 DIR).")
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
        Path jupyter = Jupyter.onPath("jupyter");
        if (jupyter == null) {
            throw new IllegalStateException("Jupyter Notebook is not installed: run install/requirements as root, or apt-get install jupyter-notebook");
        }
        Kernelspec spec = Kernelspec.defaults();
        Path data = Kernelspec.userDataDir();
        if (!spec.isInstalledIn(data)) {
            System.out.println("river: installed kernelspec river (\"River (Java)\") in " + spec.install(data));
        }
        LocalEngines local = noEngines ? null : startEngines();
        // Ctrl-C belongs to Jupyter (it asks before shutting down); this JVM cleans up when Jupyter exits
        Signals.onInterrupt(() -> { });
        try {
            List<String> cmd = new ArrayList<>(List.of(jupyter.toString(), "notebook"));
            cmd.addAll(jupyterArgs);
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } finally {
            if (local != null) local.close();
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
