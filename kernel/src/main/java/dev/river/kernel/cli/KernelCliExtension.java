package dev.river.kernel.cli;

import dev.river.cli.CliExtension;

import java.util.List;
import java.util.concurrent.Callable;

/** The kernel module's part of {@code river}: {@code kernel}, {@code notebook}, {@code run NOTEBOOK.ipynb}, {@code assign} and {@code grade}. */
public final class KernelCliExtension implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new KernelCommand(), new NotebookCommand(), new AssignCommand(), new GradeCommand());
    }

    @Override
    public Callable<Integer> runner(RunTarget target) {
        if (!target.target().endsWith(".ipynb")) return null;
        return () -> NotebookRunner.fromCommandLine(target).run();
    }
}
