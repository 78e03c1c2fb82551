package dev.river.kernel;

import java.util.Optional;

/**
 * Ends the kernel when the Jupyter server that started it is gone (killed, or stopped without shutting
 * its kernels down): an orphaned kernel would keep its local engines running forever. Jupyter names
 * itself in {@code JPY_PARENT_PID}; without it, the parent process is watched.
 *
 * <pre>{@code
 * ParentWatch.onExit(() -> { kernel.shutdown(); System.exit(0); });
 * }</pre>
 */
final class ParentWatch {
    private ParentWatch() {}

    /** Runs {@code action} (on a JDK thread) once the kernel's parent process has exited. */
    static void onExit(Runnable action) {
        parent().ifPresent(p -> p.onExit().thenRun(action));
    }

    private static Optional<ProcessHandle> parent() {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid != null && pid.matches("\\d+")) {
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(pid));
            if (p.isPresent()) return p;
        }
        return ProcessHandle.current().parent();
    }
}
