package dev.river.trickle;

import dev.river.core.Message;
import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Trickle's worker: one VR per engine, deployed when a session connects and kept until it closes.
 *
 * <p>Threads: the main thread is the control thread (PING, CANCEL, STOP, and the idle check on the
 * driver), polling every 50 ms; {@code cores} executor threads each receive RUN batches straight from the VR's queue, run
 * them and reply. Tiny tasks are answered per batch, longer ones one by one, so results never wait
 * behind a long task. The job table is a concurrent map shared by all of them.
 */
final class Worker extends VirtualResource {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    /** After this long without a control message, ask the driver whether it still lives; end after twice. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(Long.getLong("river.trickle.idle.s", 30));
    /** A result waits for its batch-mates at most this long. */
    private static final long FLUSH_NS = 1_000_000;
    /** A task that ran longer than this is answered at once: its neighbours may be long too. */
    private static final long LONG_TASK_NS = 200_000;
    private static final int MAX_TOMBSTONES = 1024;
    private static final long CONTROL_POLL_NS = 50_000_000L;

    private static final Predicate<Integer> CONTROL = k -> k != Wire.RUN;

    /** Jobs whose fn this worker holds (multi-batch jobs), or tombstones of ended ones. */
    private final transient ConcurrentHashMap<Long, JobEntry> jobs = new ConcurrentHashMap<>();
    /** Ended jobs in ending order; the control thread trims their tombstones. Control thread only. */
    private final transient ArrayDeque<Long> ended = new ArrayDeque<>();
    private transient List<Slot> slots;
    private transient volatile boolean stopping;

    /** A job's function, and whether the job has ended. */
    private static final class JobEntry {
        final CompletableFuture<Task<Object, Object>> fn = new CompletableFuture<>();
        volatile int mode;
        volatile boolean cancelled;
    }

    /** One executor thread and the job it runs now (for interrupting a cancelled job's tasks). */
    private static final class Slot {
        Thread thread;
        private long job = -1;     // guarded by this

        synchronized void begin(long j) {
            job = j;
        }

        /** Ends a task; clears an interrupt aimed at it, so the next task starts clean. */
        synchronized void end() {
            job = -1;
            Thread.interrupted();
        }

        synchronized void interruptIf(long j) {
            if (job == j) thread.interrupt();
        }
    }

    @Override
    protected void main() {
        int threads = Math.max(1, vm().cores());
        slots = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Slot s = new Slot();
            s.thread = new Thread(() -> executorLoop(s), "trickle-exec-" + (i + 1) + "-" + uuid().uuid().toString().substring(0, 8));
            s.thread.setDaemon(true);
            s.thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
            slots.add(s);
        }
        slots.forEach(s -> s.thread.start());
        try {
            controlLoop();
        } finally {
            stopping = true;                       // read by executors after each task: an interrupt may be consumed by one
            for (Slot s : slots) s.thread.interrupt();
        }
    }

    /**
     * Polls for control messages every {@link #CONTROL_POLL_NS} rather than blocking in recv: a thread
     * blocked in recv is woken by every message, and on a small machine waking it for each task costs
     * more than a ping answered 50 ms later.
     */
    private void controlLoop() {
        boolean askedDriver = false;
        long quietSince = System.nanoTime();
        while (true) {
            Message m;
            try {
                m = poll(Wire.KIND, CONTROL);
            } catch (UndeliverableException e) {
                LOG.log(System.Logger.Level.INFO, "Trickle worker " + uuid() + ": its driver is gone; ending");
                return;
            }
            if (m == null) {
                long now = System.nanoTime();
                if (now - quietSince > IDLE_CHECK.toNanos()) {
                    if (askedDriver) {
                        LOG.log(System.Logger.Level.INFO, "Trickle worker " + uuid() + ": its driver " + parent() + " is silent; ending");
                        return;
                    }
                    send(parent(), Wire.KIND, Wire.PING, "n", 0L);
                    askedDriver = true;
                    quietSince = now;
                }
                LockSupport.parkNanos(CONTROL_POLL_NS);
                if (Thread.interrupted()) return;
                continue;
            }
            askedDriver = false;
            quietSince = System.nanoTime();
            switch (m.getInt(Wire.KIND)) {
                case Wire.PING -> send(m.src(), Wire.KIND, Wire.PONG, "n", m.get("n"));
                case Wire.CANCEL -> cancel(m.getLong("job"));
                case Wire.STOP -> {
                    return;
                }
                default -> { /* PONG from the driver: it lives */ }
            }
        }
    }

    private void cancel(long job) {
        JobEntry e = jobs.computeIfAbsent(job, j -> new JobEntry());
        e.cancelled = true;
        e.fn.completeExceptionally(new CancellationException("job " + job + " ended"));
        for (Slot s : slots) s.interruptIf(job);
        ended.add(job);
        while (ended.size() > MAX_TOMBSTONES) jobs.remove(ended.poll());
    }

    // ---------------------------------------------------------------- executor threads

    private void executorLoop(Slot slot) {
        while (!stopping && !Thread.currentThread().isInterrupted()) {
            Message m;
            try {
                m = recv(Wire.KIND, Wire.RUN);
            } catch (UndeliverableException e) {
                stop(uuid());            // the driver is gone: let the control thread end the worker
                return;
            } catch (RiverException e) {
                if (Thread.currentThread().isInterrupted()) return;
                LOG.log(System.Logger.Level.WARNING, "Trickle worker " + uuid() + " dropped a batch: " + e.getMessage(), e);
                continue;
            }
            try {
                runBatch(m, slot);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) return;
                LOG.log(System.Logger.Level.WARNING, "Trickle worker " + uuid() + " failed on a batch: " + e.getMessage(), e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void runBatch(Message m, Slot slot) {
        long job = m.getLong("job");
        int[] ids = m.get("ids");
        Object[] args = ids.length == 1 ? new Object[]{m.get("arg")} : ((List<Object>) m.get("args")).toArray();
        Task<Object, Object> fn;
        int mode;
        JobEntry entry = null;
        if (m.has("once")) {
            JobEntry ended = jobs.get(job);
            if (ended != null && ended.cancelled) return;     // cancelled before it was taken
            fn = m.get("fn");
            mode = m.getInt("mode");
        } else {
            entry = jobs.computeIfAbsent(job, j -> new JobEntry());
            if (m.has("fn")) {
                entry.mode = m.getInt("mode");
                entry.fn.complete(m.get("fn"));
            }
            try {
                fn = entry.fn.get();    // a batch-mate carrying the fn was taken just before this one
            } catch (ExecutionException e) {
                return;                 // the job ended: drop its batch
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            mode = entry.mode;
        }
        Batch out = new Batch(job, ids.length, m.has("direct"));
        for (int i = 0; i < ids.length; i++) {
            slot.begin(job);
            // checked after begin: a cancel either sees this task running (and interrupts it) or is seen here
            if (entry != null ? entry.cancelled : isTombstoned(job)) {
                slot.end();
                return;
            }
            long t0 = System.nanoTime();
            Object val = null;
            Object err = null;
            try {
                if (mode == Wire.EACH) {
                    Object[] each = runEach(fn, (List<Object>) args[i]);
                    val = each[0];
                    err = each[1];
                } else {
                    val = fn.apply(args[i]);
                }
            } catch (Throwable t) {
                err = capture(t);
            }
            long ns = System.nanoTime() - t0;
            slot.end();
            if (entry != null && entry.cancelled) return;
            out.add(ids[i], ns, val, err);
            long now = System.nanoTime();
            if (i == ids.length - 1 || ns > LONG_TASK_NS || now - out.firstAt >= FLUSH_NS) flush(out);
        }
    }

    private boolean isTombstoned(long job) {
        JobEntry e = jobs.get(job);
        return e != null && e.cancelled;
    }

    /** Applies fn to each element: {results[], errors[] or null}. */
    private Object[] runEach(Task<Object, Object> fn, List<Object> items) {
        Object[] vals = new Object[items.size()];
        RemoteVrException[] errs = null;
        for (int j = 0; j < vals.length; j++) {
            try {
                vals[j] = fn.apply(items.get(j));
            } catch (Throwable t) {
                if (errs == null) errs = new RemoteVrException[vals.length];
                errs[j] = capture(t);
                if (Thread.currentThread().isInterrupted()) break;
            }
        }
        return new Object[]{vals, errs};
    }

    /** The task's exception for the caller, without this worker's own frames under the user's. */
    private RemoteVrException capture(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            StackTraceElement[] st = c.getStackTrace();
            int keep = st.length;
            for (int i = 0; i < st.length; i++) {
                if (st[i].getClassName().equals(Worker.class.getName())) {
                    keep = i;
                    break;
                }
            }
            if (keep < st.length) c.setStackTrace(Arrays.copyOf(st, keep));
        }
        return RemoteVrException.of(t, uuid(), "on engine " + vm().name());
    }

    /** Results waiting to be sent together. Owned by one executor thread. */
    private static final class Batch {
        final long job;
        final boolean direct;
        int n;
        final int[] ids;
        final long[] ns;
        final Object[] vals;
        final Object[] errs;
        boolean anyErr;
        long firstAt;

        Batch(long job, int capacity, boolean direct) {
            this.job = job;
            this.direct = direct;
            ids = new int[capacity];
            ns = new long[capacity];
            vals = new Object[capacity];
            errs = new Object[capacity];
        }

        void add(int id, long nanos, Object val, Object err) {
            if (n == 0) firstAt = System.nanoTime();
            ids[n] = id;
            ns[n] = nanos;
            vals[n] = val;
            errs[n] = err;
            anyErr |= err != null;
            n++;
        }
    }

    private void flush(Batch b) {
        if (b.n == 0) return;
        try {
            sendDone(b.direct, b.job, Arrays.copyOf(b.ids, b.n), Arrays.copyOf(b.ns, b.n), Arrays.copyOf(b.vals, b.n),
                    b.anyErr ? Arrays.copyOf(b.errs, b.n) : null);
        } catch (IllegalArgumentException e) {
            // some result cannot be serialized: send them one by one, so only the culprits fail
            for (int i = 0; i < b.n; i++) {
                Object[] val = {b.vals[i]};
                Object[] err = {b.errs[i]};
                try {
                    sendDone(b.direct, b.job, new int[]{b.ids[i]}, new long[]{b.ns[i]}, val, b.errs[i] == null ? null : err);
                } catch (IllegalArgumentException one) {
                    RemoteVrException why = RemoteVrException.of(one, uuid(), "on engine " + vm().name()
                            + ", the task's result could not be sent back");
                    sendDone(b.direct, b.job, new int[]{b.ids[i]}, new long[]{b.ns[i]}, new Object[]{null}, new Object[]{why});
                }
            }
        }
        b.n = 0;
        b.anyErr = false;
        Arrays.fill(b.vals, null);
        Arrays.fill(b.errs, null);
    }

    private void sendDone(boolean direct, long job, int[] ids, long[] ns, Object[] vals, Object[] errs) {
        Object[] attrs = new Object[errs == null ? 10 : 12];
        attrs[0] = Wire.KIND;
        attrs[1] = direct ? Wire.DIRECT : Wire.DONE;
        attrs[2] = "job";
        attrs[3] = job;
        attrs[4] = "ids";
        attrs[5] = ids;
        attrs[6] = "ns";
        attrs[7] = ns;
        if (ids.length == 1) {
            attrs[8] = "val";
            attrs[9] = vals[0];
        } else {
            attrs[8] = "vals";
            attrs[9] = vals;
        }
        if (errs != null) {
            attrs[10] = "errs";
            attrs[11] = errs;
        }
        send(parent(), attrs);
    }
}
