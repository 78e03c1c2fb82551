package dev.river.kernel;

/**
 * SIGINT interrupts the running cell instead of ending the JVM: Jupyter front-ends that interrupt by
 * signal (and {@code kill -INT}) work as well as the interrupt_request message the kernelspec asks for.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported, present on every JDK River supports); where it
 * is missing, SIGINT keeps its default meaning.
 *
 * <pre>{@code
 * Signals.onInterrupt(kernel::interrupt);
 * }</pre>
 */
public final class Signals {
    private Signals() {}

    /** Runs {@code action} on SIGINT instead of ending the JVM. */
    public static void onInterrupt(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> action.run());
        } catch (IllegalArgumentException | LinkageError e) {
            System.getLogger(Signals.class.getName()).log(System.Logger.Level.INFO, "SIGINT cannot be caught here: " + e);
        }
    }
}
