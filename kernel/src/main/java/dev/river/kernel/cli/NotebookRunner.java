package dev.river.kernel.cli;

import dev.river.cli.CliExtension;
import dev.river.core.LocalEngines;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.kernel.Kernelspec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code river run NOTEBOOK.ipynb}: executes a notebook headless on this build's River kernel (its
 * kernelspec installed into a temporary directory, so the machine's Jupyter setup does not matter),
 * printing each cell's output, and fails at the first cell that fails.
 *
 * <pre>{@code
 * river run notebooks/hello-river.ipynb --save /tmp/out.ipynb
 * }</pre>
 */
public final class NotebookRunner {
    private final Path notebook;
    private Path save;
    private Duration timeout;
    private String classPath = "";
    private Integer engines;
    private boolean quiet;

    public NotebookRunner(Path notebook) {
        this.notebook = notebook;
    }

    /** From {@code river run NB.ipynb [--save OUT] [--timeout S] [--quiet]} (with run's --cp and --engines). */
    static NotebookRunner fromCommandLine(CliExtension.RunTarget t) {
        NotebookRunner r = new NotebookRunner(Path.of(t.target()));
        r.classPath = t.classPath();
        r.engines = t.engines();
        List<String> args = t.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--save", "-o" -> r.save = Path.of(value(args, ++i, a));
                case "--timeout" -> r.timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
                case "--quiet", "-q" -> r.quiet = true;
                default -> throw new IllegalArgumentException("unknown option " + a + " for a notebook: river run NOTEBOOK.ipynb"
                        + " [--save OUT.ipynb] [--timeout SECONDS] [--quiet] (and run's own --cp, --engines before the notebook)");
            }
        }
        return r;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) throw new IllegalArgumentException(option + " needs a value");
        return args.get(i);
    }

    public NotebookRunner save(Path out) {
        this.save = out;
        return this;
    }

    public NotebookRunner timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    public NotebookRunner classPath(String cp) {
        this.classPath = cp;
        return this;
    }

    public NotebookRunner quiet(boolean q) {
        this.quiet = q;
        return this;
    }

    /** Runs the notebook; returns 0 when every cell ran, 1 when one failed. */
    public int run() throws Exception {
        if (!Files.isRegularFile(notebook)) throw new IllegalArgumentException("no such notebook: " + notebook);
        Path prefix = Files.createTempDirectory("river-run-");
        LocalEngines local = null;
        try {
            Path data = Kernelspec.prefixDataDir(prefix);
            Kernelspec.defaults().withExtraClassPath(classPath == null ? "" : classPath).install(data);
            if (engines != null) local = ensureEngines(engines);
            List<String> cmd = new ArrayList<>(List.of(Jupyter.python(), Jupyter.script("run_notebook.py").toString(),
                    notebook.toString(), "--kernel", Kernelspec.NAME));
            if (timeout != null) cmd.addAll(List.of("--timeout", Long.toString(timeout.toSeconds())));
            if (save != null) cmd.addAll(List.of("--save", save.toString()));
            if (quiet) cmd.add("--quiet");
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            String jp = System.getenv("JUPYTER_PATH");
            pb.environment().put("JUPYTER_PATH", data + (jp == null || jp.isBlank() ? "" : File.pathSeparator + jp));
            Process p = pb.start();
            return p.waitFor() == 0 ? 0 : 1;
        } finally {
            if (local != null) local.close();
            deleteTree(prefix);
        }
    }

    /** Starts local engines for what discovery does not find (the embedded default), and says so. */
    private static LocalEngines ensureEngines(int n) {
        VirtualResource probe = River.attach("river-run");
        try {
            int found = probe.discover().size();
            if (found >= n) return null;
            System.err.println("river: " + found + " engine(s) found; starting " + (n - found) + " local engines for this run");
            LocalEngines l = River.startLocalEngines(n - found);   // returns once discovery sees them
            return l;
        } finally {
            River.detach(probe);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
