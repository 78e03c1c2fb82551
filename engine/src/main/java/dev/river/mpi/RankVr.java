package dev.river.mpi;

import dev.river.core.Message;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.mpi.impl.Fabric;
import dev.river.mpi.impl.TrafficCounter;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.RankContext;
import dev.river.mpi.impl.RankTermination;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One rank of an rMPI job, deployed by {@link Mpirun} on an engine. It opens the rank's fabric,
 * reports its endpoint, waits for the others', then runs the program's {@code main} on a thread of
 * its own, in a {@link RankLoader} (per-rank MPI statics, exits rewritten), with System.out/err
 * captured and forwarded line by line. It reports how the rank ended: main returned, exit, abort,
 * fatal MPI error, uncaught exception, or stopped by the launcher. Nothing a rank does ends the engine.
 *
 * <p>Threads: the VR thread runs {@link #main} and waits; the rank's main thread runs the program; a
 * forwarder thread sends output batches. The launcher stops the rank by interrupting the VR thread.
 */
final class RankVr extends VirtualResource {
    /** Exit status of a rank stopped because another rank failed (as if killed by SIGTERM). */
    static final int STOPPED = 143;

    /** What the launcher gives each rank. */
    record Spec(String job, int rank, int size, byte[] secret, String mainClass, String[] args) {}

    @Override
    protected void main() {
        Spec s = arg(0);
        Fabric fabric;
        try {
            fabric = new Fabric(s.job(), s.rank(), s.size(), s.secret(), vm().host());
        } catch (MpiError e) {
            report(s, 1, e.getMessage(), false, false, false, null);
            return;
        }
        send(parent(), "mpi", "ready", "job", s.job(), "rank", s.rank(), "endpoint", fabric.endpoint());
        List<String> endpoints;
        try {
            Message start = recv("mpi", "start", "job", s.job());
            endpoints = start.get("endpoints");
        } catch (RiverException e) {
            fabric.shutdown();
            report(s, STOPPED, "stopped before it started", false, false, true, null);
            return;
        }
        fabric.wire(endpoints);
        run(s, fabric);
    }

    private void run(Spec s, Fabric fabric) {
        ThreadGroup group = new RankThreads("rank-" + s.rank());
        RankContext ctx = new RankContext(s.job(), s.rank(), s.size(), fabric, hostName(), group);
        RankLoader loader = new RankLoader("rank-" + s.rank(), Thread.currentThread().getContextClassLoader(), RankVr.class.getClassLoader());
        ctx.bind(loader);
        Forwarder out = new Forwarder(s);
        RankOutput.install();
        RankOutput.Lines[] sinks = RankOutput.sinks(out::add);

        CompletableFuture<Void> mainDone = new CompletableFuture<>();
        Thread main = new Thread(group, () -> {
            ctx.attachCurrentThread();
            RankOutput.attach(sinks);
            try {
                invokeMain(loader, s);
                mainDone.complete(null);
            } catch (Throwable t) {
                mainDone.completeExceptionally(t);
            }
        }, "rank-" + s.rank() + "-main");
        main.setContextClassLoader(loader);
        main.setDaemon(true);
        main.start();

        boolean stopped = false;
        try {
            CompletableFuture.anyOf(mainDone, ctx.ending()).get();
        } catch (InterruptedException e) {
            stopped = true;
            ctx.end(STOPPED, "stopped by the launcher");
        } catch (ExecutionException e) {
            // main failed: examined below
        }

        int status;
        String reason;
        RankTermination end = ctx.ending().getNow(null);
        if (end != null) {
            status = end.status();
            reason = end.getMessage();
        } else if (mainDone.isCompletedExceptionally()) {
            Throwable t = mainDone.handle((v, e) -> e).join();
            if (t instanceof RankTermination rt) {
                status = rt.status();
                reason = rt.getMessage();
            } else {
                status = 1;
                reason = describe(t);
                printToRank(sinks, t);
            }
        } else {
            status = 0;
            reason = null;
        }
        if (!ctx.finalized()) ctx.end(status, "the rank ended");     // ends the rank's other waits in MPI calls
        group.interrupt();
        try {
            main.join(2000);
        } catch (InterruptedException e) {
            stopped = true;
        }
        sinks[0].flush();
        sinks[1].flush();
        out.close();
        ctx.unbind(loader);
        // report before closing the connections: peers then fail too, and the launcher must hear the cause first
        report(s, status, reason, ctx.initialized(), ctx.finalized(), stopped, fabric.traffic);
        if (!ctx.finalized()) fabric.shutdown();
    }

    private static void invokeMain(ClassLoader loader, Spec s) throws Throwable {
        Class<?> c = Class.forName(s.mainClass(), true, loader);
        Method m;
        try {
            m = c.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(s.mainClass() + " has no public static void main(String[])");
        }
        if (!Modifier.isStatic(m.getModifiers())) throw new IllegalArgumentException(s.mainClass() + ".main must be static");
        m.setAccessible(true);
        try {
            m.invoke(null, (Object) s.args());
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Tells the launcher how the rank ended; a rank that ran ({@code traffic} not null) adds what it sent
     * and spent in collectives.
     */
    private void report(Spec s, int status, String reason, boolean initialized, boolean finalized, boolean stopped,
                        TrafficCounter traffic) {
        List<Object> exit = new ArrayList<>(Arrays.asList("mpi", "exit", "job", s.job(), "rank", s.rank(), "status", status,
                "reason", reason == null ? "" : reason, "initialized", initialized, "finalized", finalized, "stopped", stopped));
        if (traffic != null) {
            exit.addAll(List.of("sentMessages", traffic.messages(), "sentBytes", traffic.bytes(), "collectives", traffic.collectiveNames(),
                    "collectiveCalls", traffic.collectiveCalls(), "collectiveNanos", traffic.collectiveNanos()));
        }
        send(parent(), exit.toArray());
    }

    /** "IllegalStateException: boom (at Pi.main(Pi.java:12))". */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) sb.append(": ").append(t.getMessage());
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("java.") || e.getClassName().startsWith("jdk.")) continue;
            sb.append(" (at ").append(e).append(')');
            break;
        }
        return sb.toString();
    }

    private static void printToRank(RankOutput.Lines[] sinks, Throwable t) {
        StringWriter w = new StringWriter();
        w.write("Exception in thread \"main\" ");
        t.printStackTrace(new PrintWriter(w));
        byte[] b = w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sinks[1].write(b, 0, b.length);
    }

    /** The rank's threads: an uncaught exception is printed to the rank's stderr, except the rank's own end. */
    private static final class RankThreads extends ThreadGroup {
        RankThreads(String name) {
            super(name);
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (e instanceof RankTermination) return;
            super.uncaughtException(t, e);
        }
    }

    /** Sends output lines to the launcher in batches, in order, from a thread of its own. */
    private final class Forwarder {
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Thread thread;

        Forwarder(Spec s) {
            thread = new Thread(() -> pump(s), "rank-" + s.rank() + "-output");
            thread.setDaemon(true);
            thread.start();
        }

        void add(int stream, String line) {
            queue.add(new Object[]{stream, line});
        }

        private void pump(Spec s) {
            List<Object> batch = new ArrayList<>();
            try {
                while (true) {
                    batch.clear();
                    batch.add(queue.take());
                    queue.drainTo(batch, 999);
                    int i = 0;
                    while (i < batch.size()) {
                        if (batch.get(i) == END) return;
                        int stream = (Integer) ((Object[]) batch.get(i))[0];
                        List<String> lines = new ArrayList<>();
                        while (i < batch.size() && batch.get(i) != END && (Integer) ((Object[]) batch.get(i))[0] == stream) {
                            lines.add((String) ((Object[]) batch.get(i))[1]);
                            i++;
                        }
                        send(parent(), "mpi", "out", "job", s.job(), "rank", s.rank(), "stream", stream, "lines", lines);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Sends what is queued and stops. */
        void close() {
            queue.add(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
