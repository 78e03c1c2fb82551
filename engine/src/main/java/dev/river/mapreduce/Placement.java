package dev.river.mapreduce;

import dev.river.core.ClassSource;
import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RiverException;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.sfm.Codec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.river.mapreduce.Coordinator.LOG;

/**
 * Where a job's VRs run: the code the engines load, a mapper per engine and a reducer per partition
 * (deployed, moved to another engine when theirs is lost or they do not start), and ending them all.
 *
 * <p>Threads: the static code checks run on the caller's thread in {@link Coordinator}'s constructor;
 * everything else runs on the coordinator thread only, on the job state that {@link Coordinator}
 * holds (so no locking). Deploys fan out to a short-lived pool, but only this thread reads their
 * results and touches the mutable state.
 */
final class Placement {
    /** How long ending the job waits for its VRs to confirm. */
    static final Duration END_WAIT = Duration.ofSeconds(10);

    private final Coordinator job;

    /** A mapper VR: where it runs and how many tasks it runs now. */
    static final class MapperRef {
        final VmInfo vm;
        final VrId vr;
        final int slots;
        int running;
        boolean alive = true;

        MapperRef(VmInfo vm, VrId vr) {
            this.vm = vm;
            this.vr = vr;
            this.slots = Math.max(1, vm.cores());
        }
    }

    /** A partition's reducer: its current attempt, where it runs, and the results it sent. */
    static final class ReducerRef {
        final int partition;
        int attempt;
        VrId vr;
        String vm;
        boolean done;
        final List<Object> keys = new ArrayList<>();
        final List<Object> vals = new ArrayList<>();

        ReducerRef(int partition) {
            this.partition = partition;
        }
    }

    Placement(Coordinator job) {
        this.job = job;
    }

    // ---------------------------------------------------------------- the job's code (caller thread)

    /** Where results decode and shipped classes come from: the loader of the user's functions. */
    static ClassLoader userLoader(Plan plan) {
        for (Object f : new Object[]{plan.reducer, plan.mapper}) {
            ClassLoader l = f.getClass().getClassLoader();
            if (l != null) return l;
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Coordinator.class.getClassLoader();
    }

    /**
     * The code sources made so far, by the loaders they search. The same loaders give the same source,
     * so the VM registers it once and engines keep the classes they fetched from one job to the next.
     */
    private static final Map<List<ClassLoader>, ClassSource> SOURCES = new java.util.HashMap<>();   // guarded by itself

    /** Classes are served from the loaders of every user function, then the caller's context loader. */
    static ClassSource codeSource(Plan plan) {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        for (Object f : new Object[]{plan.mapper, plan.combiner, plan.partitioner, plan.reducer, plan.keyOrder}) {
            if (f != null && f.getClass().getClassLoader() != null) loaders.add(f.getClass().getClassLoader());
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl != null) loaders.add(cl);
        loaders.add(Coordinator.class.getClassLoader());
        synchronized (SOURCES) {
            return SOURCES.computeIfAbsent(List.copyOf(loaders), Placement::searching);
        }
    }

    private static ClassSource searching(List<ClassLoader> loaders) {
        List<ClassSource> sources = new ArrayList<>();
        for (ClassLoader l : loaders) sources.add(ClassSource.of(l));
        return path -> {
            for (ClassSource s : sources) {
                byte[] b = s.find(path);
                if (b != null) return b;
            }
            return null;
        };
    }

    /** Fails at the call site, naming the function, when one cannot travel to the engines. */
    static void checkSendable(Plan plan, ClassLoader loader) {
        Object[][] named = {{"map", plan.mapper}, {"combine", plan.combiner}, {"partitioner", plan.partitioner},
                {"reduce", plan.reducer}, {"keyOrder", plan.keyOrder}};
        for (Object[] f : named) {
            if (f[1] == null) continue;
            try {
                Codec.encode(f[1], loader);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(f[0] + ": the function cannot be sent to engines: " + rootMessage(e), e);
            }
        }
        if (plan.items != null) {
            try {
                Codec.encode(plan.items.isEmpty() ? List.of() : List.of(plan.items.get(0)), loader);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("from: the collection's elements cannot be sent to engines: " + rootMessage(e), e);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    // ---------------------------------------------------------------- deploying (coordinator thread)

    void deploy() {
        List<VmInfo> targets = new ArrayList<>(job.engines);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, targets.size() + job.reducers.length), r -> {
            Thread t = new Thread(r, "mapreduce-" + job.spec.shortId() + "-deploy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<VrId>> deploys = new ArrayList<>();
            for (VmInfo vm : targets) deploys.add(CompletableFuture.supplyAsync(() -> job.driver.deploy(vm, MapperVr.class, job.spec), pool));
            RuntimeException firstError = null;
            for (int i = 0; i < targets.size(); i++) {
                try {
                    VrId vr = deploys.get(i).join();
                    job.mappers.put(targets.get(i).address(), new MapperRef(targets.get(i), vr));
                } catch (RuntimeException e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    LOG.log(System.Logger.Level.WARNING, "MapReduce job " + job.spec.shortId() + ": no mapper on engine "
                            + targets.get(i).name() + ": " + c.getMessage());
                    job.lost.add(targets.get(i).address());
                    if (firstError == null) firstError = c instanceof RuntimeException re ? re : e;
                }
            }
            if (job.mappers.isEmpty()) {
                throw new Coordinator.Failure(new RiverException("MapReduce: could not start a mapper on any of the " + targets.size()
                        + " engine(s): " + (firstError == null ? "none alive" : firstError.getMessage()), firstError));
            }
            List<CompletableFuture<VrId>> rds = new ArrayList<>();
            List<MapperRef> places = new ArrayList<>();
            Map<String, Integer> share = new LinkedHashMap<>();
            List<MapperRef> live = new ArrayList<>(job.mappers.values());
            for (int p = 0; p < job.reducers.length; p++) {
                MapperRef at = live.get(p % live.size());
                places.add(at);
                share.merge(at.vm.address(), 1, Integer::sum);
                rds.add(CompletableFuture.supplyAsync(() -> job.driver.deploy(at.vm, ReducerVr.class, job.spec), pool));
            }
            for (int p = 0; p < job.reducers.length; p++) {
                try {
                    VrId vr = rds.get(p).join();
                    start(job.reducers[p], vr, places.get(p).vm.address(), share.get(places.get(p).vm.address()));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "MapReduce job " + job.spec.shortId() + ": reducer " + p + " did not start on "
                            + places.get(p).vm.name() + "; trying another engine: " + e.getMessage());
                    restart(job.reducers[p], false);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private void start(ReducerRef r, VrId vr, String vm, int share) {
        r.vr = vr;
        r.vm = vm;
        job.timelineLog.reducerStarted(r.partition, r.attempt + 1, vm);   // reducer attempts count from 0, map tasks' from 1
        r.keys.clear();
        r.vals.clear();
        Sends.quiet(job.driver, vr, Wire.KIND, Wire.ASSIGN, "part", r.partition, "attempt", r.attempt, "share", share);
        for (int t = 0; t < job.taskState.length; t++) if (job.taskState[t] == Coordinator.DONE) job.announce(r, t);
    }

    /** The address of the engine that runs mapper {@code vr} (lost ones included), for the shuffle matrix. */
    String engineOf(VrId vr) {
        for (MapperRef m : job.mappers.values()) if (m.vr.equals(vr)) return m.vm.address();
        throw new IllegalStateException("MapReduce job " + job.spec.shortId() + ": no mapper " + vr + " in this job");
    }

    /** Starts reducer {@code r} again on the live engine with the fewest reducers. */
    void restart(ReducerRef r, boolean count) {
        while (true) {
            MapperRef best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (MapperRef m : job.mappers.values()) {
                if (!m.alive || job.lost.contains(m.vm.address())) continue;
                int load = 0;
                for (ReducerRef x : job.reducers) if (x != r && !x.done && m.vm.address().equals(x.vm)) load++;
                if (load < bestLoad) {
                    best = m;
                    bestLoad = load;
                }
            }
            if (best == null) throw job.recovery.noEnginesLeft();
            r.attempt++;
            try {
                VrId vr = job.driver.deploy(best.vm, ReducerVr.class, job.spec);
                start(r, vr, best.vm.address(), bestLoad + 1);
                if (count) job.reducersRestarted++;
                return;
            } catch (RiverException e) {
                LOG.log(System.Logger.Level.WARNING, "MapReduce job " + job.spec.shortId() + ": reducer " + r.partition
                        + " did not start on " + best.vm.name() + ": " + e.getMessage());
                best.alive = false;
            }
        }
    }

    // ---------------------------------------------------------------- ending (coordinator thread)

    /**
     * Ends every mapper and unfinished reducer and waits (a bounded time) until they confirm that their
     * tasks stopped and their local files are deleted.
     */
    void shutdown() {
        Map<VrId, String> waiting = new LinkedHashMap<>();
        for (MapperRef m : job.mappers.values()) {
            if (m.alive && !job.lost.contains(m.vm.address()) && Sends.quiet(job.driver, m.vr, Wire.KIND, Wire.END)) waiting.put(m.vr, m.vm.address());
        }
        for (ReducerRef r : job.reducers) {
            if (r.vr != null && !r.done && !job.lost.contains(r.vm) && Sends.quiet(job.driver, r.vr, Wire.KIND, Wire.END)) waiting.put(r.vr, r.vm);
        }
        long deadline = System.nanoTime() + END_WAIT.toNanos();
        while (!waiting.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(System.Logger.Level.WARNING, "MapReduce job " + job.spec.shortId() + ": " + waiting.size()
                        + " VR(s) did not confirm the end of the job within " + END_WAIT.toSeconds() + " s: " + waiting.values());
                return;
            }
            Message m;
            try {
                m = job.driver.recv(Duration.ofNanos(left));
            } catch (RecvTimeoutException e) {
                continue;
            } catch (RiverException e) {
                LOG.log(System.Logger.Level.DEBUG, "while ending the job: " + e.getMessage());
                continue;
            }
            int kind = m.getInt(Wire.KIND);
            if (kind == Wire.ENDED) {
                waiting.remove(m.src());
            } else if (kind == Wire.REDFAIL || kind == Wire.REDUCED) {
                waiting.remove(m.src());      // a reducer that ended on its own meanwhile
            } else if (kind == Wire.LOSTVM) {
                String vm = m.getString("vm");
                job.lost.add(vm);
                waiting.values().removeIf(vm::equals);
            } else if (kind == Wire.PING) {
                Sends.quiet(job.driver, m.src(), Wire.KIND, Wire.PONG);
            }
        }
    }
}
