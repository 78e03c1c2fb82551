package dev.river.mpi;

import dev.river.core.ClassSource;
import dev.river.core.LocalEngines;
import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.mpi.impl.Fabric;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One run of {@link Mpirun}: places the ranks, deploys a {@link RankVr} per rank, exchanges their
 * endpoints, streams their output, and collects how each ended, stopping the others on the first
 * failure.
 *
 * <p>Threads: {@link #run} owns all state; deploys and stops run on a small pool; engine-loss and
 * stop failures arrive through concurrent queues that the run loop drains.
 */
final class MpiJob {
    static final int MAX_LINES = 100_000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Set<MpiJob> ACTIVE = ConcurrentHashMap.newKeySet();
    private static boolean watching;          // guarded by MpiJob.class: the engine-loss listener is registered

    private final Mpirun.Options o;
    private final String mainClass;
    private final ClassSource code;
    private final ClassLoader loader;
    private final String[] args;
    private final String job = "mpi-" + UUID.randomUUID();
    private final int np;

    private VirtualResource driver;
    private VrId[] vrs;
    private String[] placement;
    private Mpirun.RankResult[] results;
    private int running;
    private final List<Mpirun.Line> output = new ArrayList<>();
    private final TrafficLog traffic;
    private String failure;
    private boolean secondary;                 // the failure is a consequence (a peer vanished): a cause may follow
    private long secondaryUntil;               // nanoTime until which a cause may replace it
    private int exitCode;
    private long stopDeadline;                 // nanoTime; 0 while not stopping
    private boolean unanswered;                // a deploy got no answer in time
    private ExecutorService pool;
    private final ConcurrentLinkedQueue<String> lostEngines = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Object[]> unstoppable = new ConcurrentLinkedQueue<>();   // {rank, reason}

    MpiJob(Mpirun.Options o, String mainClass, ClassSource code, ClassLoader loader, String[] args) {
        this.o = o;
        this.mainClass = mainClass;
        this.code = code;
        this.loader = loader;
        this.args = args;
        this.np = o.np;
        this.traffic = new TrafficLog(np);
    }

    Mpirun.Result run() {
        boolean ownDriver = o.driver == null;
        driver = ownDriver ? River.attach("mpirun", code, loader) : o.driver;
        LocalEngines local = null;
        Thread hook = new Thread(this::stopAllQuietly, "mpirun-stop-on-exit");
        pool = Executors.newFixedThreadPool(Math.min(np, 16), r -> {
            Thread t = new Thread(r, "mpirun-" + job.substring(4, 12));
            t.setDaemon(true);
            return t;
        });
        reset();
        ACTIVE.add(this);
        watchEngines();
        try {
            List<String> engines = new ArrayList<>(o.engines);
            List<VmInfo> known = engines.isEmpty() || o.bySlot ? driver.discover() : List.of();
            if (engines.isEmpty()) {
                for (VmInfo vm : known) engines.add(vm.address());
                if (engines.isEmpty()) {
                    local = startLocal();
                    engines.addAll(local.addresses());
                }
            }
            Runtime.getRuntime().addShutdownHook(hook);
            boolean deployed = launch(engines, known);
            if (!deployed && local != null && unanswered) {
                // fresh engines sometimes never answer their first request (see docs/mpi.md, "Known issues"):
                // the engines are ours, so start new ones and try once more
                o.notices.accept("retrying with new local engines");
                local.close();
                local = startLocal();
                reset();
                deployed = launch(new ArrayList<>(local.addresses()), known);
            }
            if (deployed && awaitReady()) loop();
        } catch (RiverException e) {
            fail("the job could not run: " + e.getMessage(), 1);
            stopAll();
            awaitStopped();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs
            }
            ACTIVE.remove(this);
            pool.shutdownNow();
            if (ownDriver) River.detach(driver);
            if (local != null) local.close();
        }
        List<Mpirun.RankResult> ranks = new ArrayList<>();
        for (int r = 0; r < np; r++) {
            ranks.add(results[r] != null ? results[r]
                    : new Mpirun.RankResult(r, placement == null ? "?" : placement[r], RankVr.STOPPED, "did not report how it ended", false, true));
        }
        return new Mpirun.Result(failure == null ? 0 : exitCode, output, ranks, failure, traffic.build());
    }

    private LocalEngines startLocal() {
        int n = Math.min(np, Math.max(2, Runtime.getRuntime().availableProcessors()));
        o.notices.accept("no engines found; starting " + n + " local engines for this run");
        return River.startLocalEngines(n);
    }

    private boolean launch(List<String> engines, List<VmInfo> known) {
        engines.sort(Comparator.naturalOrder());
        placement = place(engines, known);
        return deploy();
    }

    /** Forgets a failed launch (before any rank started). */
    private void reset() {
        vrs = new VrId[np];
        results = new Mpirun.RankResult[np];
        running = 0;
        failure = null;
        secondary = false;
        stopDeadline = 0;
        unanswered = false;
    }

    /** Rank i's engine: round robin over the engines, or filling each engine's cores first. */
    private String[] place(List<String> engines, List<VmInfo> known) {
        String[] p = new String[np];
        if (!o.bySlot) {
            for (int r = 0; r < np; r++) p[r] = engines.get(r % engines.size());
            return p;
        }
        List<String> slots = new ArrayList<>();
        for (String e : engines) {
            int cores = known.stream().filter(v -> v.address().equals(e)).mapToInt(VmInfo::cores).findFirst().orElse(1);
            for (int c = 0; c < Math.max(1, cores); c++) slots.add(e);
        }
        for (int r = 0; r < np; r++) p[r] = slots.get(r % slots.size());
        return p;
    }

    private boolean deploy() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        // First contact with each engine one after the other: when two peers open their first connection
        // to this VM's ROUTER at the same moment, JeroMQ may hold one peer's messages until it disconnects
        // (seen as a deploy that never answers). The other ranks then deploy in parallel.
        List<Integer> first = new ArrayList<>(), rest = new ArrayList<>();
        Set<String> contacted = new java.util.HashSet<>();
        for (int r = 0; r < np; r++) (contacted.add(placement[r]) ? first : rest).add(r);
        boolean ok = true;
        for (int r : first) ok &= deployed(r, pool.submit(deployTask(r, secret)));
        List<Future<VrId>> fs = new ArrayList<>();
        for (int r : rest) fs.add(ok ? pool.submit(deployTask(r, secret)) : null);
        for (int i = 0; i < rest.size(); i++) if (fs.get(i) != null) ok &= deployed(rest.get(i), fs.get(i));
        if (!ok) {
            stopAll();
            awaitStopped();
        }
        return ok;
    }

    private java.util.concurrent.Callable<VrId> deployTask(int r, byte[] secret) {
        RankVr.Spec spec = new RankVr.Spec(job, r, np, secret, mainClass, args);
        String where = placement[r];
        return () -> driver.deployTo(List.of(where), RankVr.class, spec).get(0);
    }

    /** Waits for one deploy; records a failure. */
    private boolean deployed(int r, Future<VrId> f) {
        try {
            vrs[r] = f.get();
            running++;
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (String.valueOf(c.getMessage()).contains("did not answer")) unanswered = true;
            results[r] = new Mpirun.RankResult(r, placement[r], 1, "could not start: " + c.getMessage(), false, false);
            fail("rank " + r + " could not start on engine " + placement[r] + ": " + c.getMessage(), 1);
            return false;
        }
    }

    private boolean awaitReady() {
        String[] endpoints = new String[np];
        int ready = 0;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (ready < np && failure == null) {
            if (System.nanoTime() > deadline) {
                fail("only " + ready + " of " + np + " ranks were ready within " + READY_TIMEOUT.toSeconds() + " s", 1);
                break;
            }
            Message m = next(Duration.ofMillis(200));
            if (m != null && "ready".equals(m.get("mpi"))) {
                int r = m.getInt("rank");
                if (endpoints[r] == null) ready++;
                endpoints[r] = m.getString("endpoint");
            } else if (m != null) {
                handle(m);
            }
        }
        if (failure != null) {
            stopAll();
            awaitStopped();
            return false;
        }
        List<String> all = Arrays.asList(endpoints);
        for (int r = 0; r < np; r++) driver.send(vrs[r], "mpi", "start", "job", job, "endpoints", all);
        return true;
    }

    private void loop() {
        long deadline = o.timeout == null ? Long.MAX_VALUE : System.nanoTime() + o.timeout.toNanos();
        while (running > 0) {
            if (failure == null && System.nanoTime() > deadline) {
                fail("the job did not end within " + o.timeout.toSeconds() + " s (--timeout)", 124);
                stopAll();
            }
            if (stopDeadline != 0 && System.nanoTime() > stopDeadline) {
                for (int r = 0; r < np; r++) {
                    if (results[r] == null) end(r, RankVr.STOPPED, "did not answer the stop request (its engine may be overloaded or gone)", false, true);
                }
                break;
            }
            Message m = next(Duration.ofMillis(200));
            if (m != null) handle(m);
        }
    }

    private void awaitStopped() {
        while (running > 0) {
            if (System.nanoTime() > stopDeadline) {
                for (int r = 0; r < np; r++) if (results[r] == null && vrs[r] != null) end(r, RankVr.STOPPED, "did not answer the stop request", false, true);
                return;
            }
            Message m = next(Duration.ofMillis(200));
            if (m != null) handle(m);
        }
    }

    /** The next message of this job, or null after {@code wait}; also handles lost engines and VR failures. */
    private Message next(Duration wait) {
        drainEvents();
        try {
            return driver.recv(wait, "mpi", Match.ANY, "job", job);
        } catch (RecvTimeoutException e) {
            return null;
        } catch (RemoteVrException e) {
            int r = rankOf(e.vr());
            if (r >= 0 && results[r] == null) end(r, 1, "its VR failed on engine " + placement[r] + ": " + e.getMessage(), false, false);
            return null;
        } catch (RiverException e) {
            if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                Thread.interrupted();                      // wait for the stops, then restore the interrupt
                fail("interrupted", 130);
                stopAll();
                awaitStoppedThenInterrupt();
                return null;
            }
            throw e;
        }
    }

    private void awaitStoppedThenInterrupt() {
        awaitStopped();
        Thread.currentThread().interrupt();
        throw new RiverException("mpirun was interrupted; the ranks were stopped");
    }

    private void handle(Message m) {
        String kind = m.get("mpi");
        int r = m.getInt("rank");
        switch (kind) {
            case "out" -> {
                boolean err = m.getInt("stream") == 1;
                List<String> lines = m.get("lines");
                for (String text : lines) {
                    Mpirun.Line l = new Mpirun.Line(r, err, text);
                    if (output.size() < MAX_LINES) output.add(l);
                    o.output.accept(l);
                }
            }
            case "exit" -> {
                if (results[r] == null) traffic.add(r, m);
                String reason = m.getString("reason");
                end(r, m.getInt("status"), reason.isEmpty() ? null : reason, m.getBoolean("finalized"),
                        m.getBoolean("stopped") || (stopDeadline != 0 && m.getInt("status") == RankVr.STOPPED), m.getBoolean("initialized"));
            }
            default -> { /* a late "ready" of a job being stopped */ }
        }
    }

    private void end(int r, int status, String reason, boolean finalized, boolean stopped) {
        end(r, status, reason, finalized, stopped, false);
    }

    private void end(int r, int status, String reason, boolean finalized, boolean stopped, boolean initialized) {
        if (results[r] != null) return;
        results[r] = new Mpirun.RankResult(r, placement[r], status, reason, finalized, stopped);
        running--;
        if (stopped || (failure != null && !secondary)) return;
        if (status != 0) {
            fail("rank " + r + " (engine " + placement[r] + ") failed with exit status " + status + (reason == null ? "" : ": " + reason), status);
            stopAll();
        } else if (initialized && !finalized) {
            fail("rank " + r + " (engine " + placement[r] + ") ended without calling MPI.Finalize()"
                    + (reason == null ? "" : " (" + reason + ")"), 1);
            stopAll();
        }
    }

    private void fail(String why, int code) {
        boolean consequence = why.contains(Fabric.UNREACHABLE);
        if (failure != null && !(secondary && !consequence && System.nanoTime() < secondaryUntil)) return;
        if (failure == null) o.notices.accept(why);
        else o.notices.accept("cause: " + why);
        failure = why;
        exitCode = code == 0 ? 1 : code;
        secondary = consequence;
        secondaryUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    }

    /** Asks every rank still running to stop (in parallel: a dead engine must not delay the others). */
    private void stopAll() {
        if (stopDeadline != 0) return;
        stopDeadline = System.nanoTime() + STOP_GRACE.toNanos();
        int n = 0;
        for (int r = 0; r < np; r++) {
            if (results[r] != null || vrs[r] == null) continue;
            n++;
            int rank = r;
            VrId vr = vrs[r];
            pool.execute(() -> {
                try {
                    driver.stop(vr);
                } catch (RiverException e) {
                    unstoppable.add(new Object[]{rank, e.getMessage()});
                }
            });
        }
        if (n > 0) o.notices.accept("stopping the " + n + " other rank(s)");
    }

    /** Best effort, from the shutdown hook (Ctrl-C on the launcher). */
    private void stopAllQuietly() {
        for (VrId vr : vrs) {
            if (vr == null) continue;
            try {
                driver.stop(vr);
            } catch (RuntimeException e) {
                // the JVM is going down; nothing more to do
            }
        }
    }

    private void drainEvents() {
        Object[] u;
        while ((u = unstoppable.poll()) != null) {
            int r = (Integer) u[0];
            if (results[r] == null) end(r, RankVr.STOPPED, "could not be stopped: " + u[1], false, true);
        }
        String lost;
        while ((lost = lostEngines.poll()) != null) {
            for (int r = 0; r < np; r++) {
                if (results[r] == null && vrs[r] != null && vrs[r].vm().equals(lost)) {
                    end(r, 1, "its engine " + lost + " stopped responding", false, false);
                }
            }
        }
    }

    private int rankOf(VrId vr) {
        for (int r = 0; r < np; r++) if (vrs[r] != null && vrs[r].equals(vr)) return r;
        return -1;
    }

    private static synchronized void watchEngines() {
        if (watching) return;
        watching = true;
        River.onEngineLost(vm -> {
            for (MpiJob j : ACTIVE) j.lostEngines.add(vm.address());
        });
    }
}
