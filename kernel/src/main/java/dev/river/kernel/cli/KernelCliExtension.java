package dev.river.kernel.cli;

import dev.river.cli.CliExtension;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The kernel module's part of {@code river} (found through {@code META-INF/services/dev.river.cli.CliExtension}):
 * {@code kernel}, {@code notebook}, {@code run NOTEBOOK.ipynb}, and the course commands {@code assign} and {@code grade}.
 *
 * <pre>{@code
 * river kernel install --prefix .venv
 * river notebook --engines 4 --no-browser
 * river run notebooks/hello-river.ipynb --save /tmp/hello.ipynb
 * }</pre>
 */
public final class KernelCliExtension implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new KernelCommand(), new NotebookCommand(), new AssignCommand(), new GradeCommand());
    }

    @Override
    public List<Object> benchCommands() {
        return List.of(new GradeBenchCommand());
    }

    @Override
    public Callable<Integer> runner(RunTarget target) {
        if (!target.target().endsWith(".ipynb")) return null;
        return () -> NotebookRunner.fromCommandLine(target).run();
    }
}
