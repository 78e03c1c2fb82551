package dev.river.cli;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Adds commands to {@code river} from other modules, found with {@link java.util.ServiceLoader} (list the
 * implementing class in {@code META-INF/services/dev.river.cli.CliExtension}). The kernel module uses it
 * for {@code river kernel ...}, {@code river notebook} and {@code river run NOTEBOOK.ipynb}.
 *
 * <pre>{@code
 * public final class MyExtension implements CliExtension {
 *     @Override public List<Object> commands() { return List.of(new HelloCommand()); }  // a picocli @Command
 *
 *     @Override public Callable<Integer> runner(RunTarget t) {
 *         return t.target().endsWith(".ipynb") ? () -> runNotebook(t) : null;
 *     }
 * }
 * }</pre>
 */
public interface CliExtension {
    /** picocli {@code @Command} objects to add as subcommands of {@code river}. */
    default List<Object> commands() {
        return List.of();
    }

    /** picocli {@code @Command} objects to add as subcommands of {@code river bench} (e.g. the kernel's {@code bench grade}). */
    default List<Object> benchCommands() {
        return List.of();
    }

    /**
     * The runner for {@code river run TARGET ARGS...} when this extension handles TARGET (for example a
     * notebook), or null to leave it to the next extension and finally to the built-in program runner.
     * The runner's result is the command's exit code.
     */
    default Callable<Integer> runner(RunTarget target) {
        return null;
    }

    /**
     * What {@code river run} was asked to run.
     *
     * @param target    the first argument: a file, class or jar name
     * @param args      the arguments after it
     * @param classPath {@code --cp}, empty when not given
     * @param engines   {@code --engines}, null when not given
     */
    record RunTarget(String target, List<String> args, String classPath, Integer engines) {
        public RunTarget {
            args = List.copyOf(args);
        }
    }
}
