package dev.river.kernel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Which Jupyter front-end {@code river notebook} starts, with which options, and how it stops it. */
final class JupyterServer {
    private JupyterServer() {}

    /**
     * JupyterLab from River's own environment ({@code .venv}, made by install/requirements), else a
     * {@code jupyter-lab} on PATH, else the classic {@code jupyter notebook}.
     */
    static List<String> command() {
        String home = System.getProperty("river.home");
        if (home != null) {
            Path lab = Path.of(home, ".venv", "bin", "jupyter-lab");
            if (Files.isExecutable(lab)) return Jupyter.command(lab.toString());
        }
        Path lab = Jupyter.onPath("jupyter-lab");
        if (lab != null) return Jupyter.command(lab.toString());
        Path jupyter = Jupyter.onPath("jupyter");
        if (jupyter == null) {
            throw new IllegalStateException("Jupyter is not installed: run install/requirements (it puts JupyterLab into "
                    + (home == null ? "River's .venv" : Path.of(home, ".venv")) + "), or apt-get install jupyter-notebook");
        }
        System.err.println("river: JupyterLab not found (install/requirements installs it); starting the classic Jupyter Notebook");
        return Jupyter.command(jupyter.toString(), "notebook");
    }

    /** {@code --allow-root} when running as root (containers, CI, cloud VMs), unless given already. */
    static List<String> rootOptions(List<String> userArgs) {
        if (!"root".equals(System.getProperty("user.name")) || userArgs.contains("--allow-root")) return List.of();
        return List.of("--allow-root");
    }

    /** Asks Jupyter to stop (SIGTERM: it shuts its kernels down), then kills it if it has not within 10 s. */
    static void stop(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
                p.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
