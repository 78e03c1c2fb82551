package dev.river.mpi.impl;

import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a rank knows before its program starts: job, rank, size, its fabric (already listening and
 * wired to the other ranks), where it runs, and how it ends. The launcher's rank VR creates one and
 * registers it under the class loader it runs the program in; {@code mpi.MPI.Init} in that program
 * finds it through its own class loader. A program that calls {@code MPI.Init} anywhere else gets a
 * singleton job of one rank.
 *
 * <p>Internal: the bridge between the launcher and the runtime behind package {@code mpi}.
 */
public final class RankContext {
    private static final Map<ClassLoader, RankContext> BY_LOADER = new ConcurrentHashMap<>();
    /** The rank the current thread works for (inherited by the threads it starts). */
    private static final InheritableThreadLocal<RankContext> CURRENT = new InheritableThreadLocal<>();

    public final String job;
    public final int rank;
    public final int size;
    public final Fabric fabric;
    /** Name of the node the rank runs on (MPI.getProcessorName). */
    public final String processor;
    /** The threads of the rank; stopping the rank interrupts them. */
    public final ThreadGroup threads;
    private final CompletableFuture<RankTermination> end = new CompletableFuture<>();
    private volatile boolean initialized, finalized;

    public RankContext(String job, int rank, int size, Fabric fabric, String processor, ThreadGroup threads) {
        this.job = job;
        this.rank = rank;
        this.size = size;
        this.fabric = fabric;
        this.processor = processor;
        this.threads = threads;
    }

    /** A job of one rank, for a program that calls MPI.Init outside {@code river mpirun}. */
    static RankContext singleton() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String job = "singleton-" + UUID.randomUUID();
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return new RankContext(job, 0, 1, new Fabric(job, 0, 1, secret, "127.0.0.1"), host, Thread.currentThread().getThreadGroup());
    }

    /** Makes this the context of the program classes that {@code loader} defines. */
    public void bind(ClassLoader loader) {
        BY_LOADER.put(loader, this);
    }

    public void unbind(ClassLoader loader) {
        BY_LOADER.remove(loader, this);
    }

    static RankContext forLoader(ClassLoader loader) {
        return loader == null ? null : BY_LOADER.get(loader);
    }

    /** Marks the calling thread (and threads it starts from now on) as working for this rank. */
    public void attachCurrentThread() {
        CURRENT.set(this);
    }

    /** The rank the calling thread works for, or null. */
    public static RankContext current() {
        return CURRENT.get();
    }

    /**
     * Ends the rank with {@code status}: the first call wins; returns the error to throw so that the
     * calling thread unwinds. Stops every wait in MPI calls of the rank.
     */
    public RankTermination end(int status, String reason) {
        RankTermination t = new RankTermination(status, reason);
        if (end.complete(t)) fabric.kill(t);
        return end.join();
    }

    /** Completes when the rank ends through {@link #end} (exit, abort, fatal error, stop). */
    public CompletableFuture<RankTermination> ending() {
        return end;
    }

    void markInitialized() {
        initialized = true;
    }

    void markFinalized() {
        finalized = true;
    }

    public boolean initialized() {
        return initialized;
    }

    public boolean finalized() {
        return finalized;
    }
}
