package dev.river.kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs cells on one thread of the kernel's own ("river-cell"), never on a Jupyter socket thread, so that
 * an interrupt can reach the cell without touching the kernel's sockets. An interrupt stops what runs:
 * Java code through JShell's stop (the snippet thread is stopped and interrupted, JShell's compiler
 * never is), a magic by interrupting the cell thread. Either way the rest of the cell is skipped and
 * the kernel stays usable.
 */
final class CellThread {
    private enum Mode { IDLE, KERNEL, JAVA }

    private final ExecutorService executor;
    private final Runnable stopJava;
    private final Object lock = new Object();
    // guarded by lock
    private Thread worker;
    private Mode mode = Mode.IDLE;
    private boolean interrupted;

    /**
     * @param loader   the context class loader of the cell thread (the cells' loader, so River.attach from a cell ships cell classes)
     * @param stopJava stops the Java snippet running now
     */
    CellThread(ClassLoader loader, Runnable stopJava) {
        this.stopJava = stopJava;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "river-cell");
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }

    /** Runs a cell on the cell thread and waits for it (a Jupyter thread calls this; it is never interrupted). */
    <T> T run(Callable<T> cell) throws Exception {
        Future<T> f = executor.submit(() -> {
            synchronized (lock) {
                worker = Thread.currentThread();
                mode = Mode.KERNEL;
                interrupted = false;
                Thread.interrupted();
            }
            try {
                return cell.call();
            } finally {
                synchronized (lock) {
                    mode = Mode.IDLE;
                    Thread.interrupted();
                }
            }
        });
        boolean wasInterrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    wasInterrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception ex) throw ex;
                    if (e.getCause() instanceof Error er) throw er;
                    throw e;
                }
            }
        } finally {
            if (wasInterrupted) Thread.currentThread().interrupt();
        }
    }

    /** Runs Java code (JShell) on the cell thread: an interrupt now stops the snippet, not this thread. */
    <T> T java(Callable<T> code) throws Exception {
        synchronized (lock) {
            Thread.interrupted();      // a stale interrupt must not reach javac's file channels
            if (interrupted) throw CellError.interrupted();
            mode = Mode.JAVA;
        }
        try {
            return code.call();
        } finally {
            synchronized (lock) {
                mode = Mode.KERNEL;
            }
        }
    }

    /** Interrupts the running cell, if any. Safe from any thread. */
    void interrupt() {
        synchronized (lock) {
            if (mode == Mode.IDLE) return;
            interrupted = true;
            if (mode == Mode.JAVA) {
                stopJava.run();
            } else {
                worker.interrupt();
            }
        }
    }

    /** Whether the running cell has been interrupted. */
    boolean interrupted() {
        synchronized (lock) {
            return interrupted;
        }
    }

    void close() {
        executor.shutdownNow();
    }
}
