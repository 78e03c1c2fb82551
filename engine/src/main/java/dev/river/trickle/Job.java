package dev.river.trickle;

import dev.river.core.RemoteVrException;
import dev.river.checkpoint.Journal;
import dev.river.core.RiverException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One call, fork, forkwork or map in progress: its input, how it is cut into tasks, the tasks out on
 * workers, and its results.
 *
 * <p>Threads: everything not marked volatile is owned by the dispatcher thread. Callers read the
 * volatile progress counters and wait on {@link #finished}; the result fields are written before
 * {@code finished} completes and only read after.
 */
final class Job {
    enum Kind {
        /** One task per argument, each pinned to a worker (call, fork). */
        CALLS("task"),
        /** Fixed chunks of {@code chunk} items; fn gets the chunk (forkwork). */
        CHUNKS("chunk"),
        /** Chunks cut to size as the job runs; fn gets each item (map). */
        EACH("item");

        final String unit;

        Kind(String unit) {
            this.unit = unit;
        }
    }

    /** Cut a map chunk to take about this long on a worker. */
    private static final long TARGET_TASK_NS = 2_000_000;
    private static final int MAX_EACH_CHUNK = 65_536;

    /** A task: a range of the input, and where it runs. */
    static final class TaskRec {
        final Job job;
        final int id;
        final int from, to;
        int attempts;
        long sentAt;                         // System.nanoTime() of the last send
        WorkerState worker;
        WorkerState pinned;
        final List<String> diedOn = new ArrayList<>(0);

        TaskRec(Job job, int id, int from, int to) {
            this.job = job;
            this.id = id;
            this.from = from;
            this.to = to;
        }

        int items() {
            return to - from;
        }
    }

    final long id;
    final Kind kind;
    final String operation;
    final Task<Object, Object> fn;
    final List<?> items;
    private final int chunk;
    final int total;                         // results: tasks for CALLS/CHUNKS, items for EACH
    /** The finished tasks, for pictures of the job (thread-safe). */
    final TaskLog log = new TaskLog();

    // dispatcher thread only
    private int cursor;                      // next input item not yet cut into a task
    private int nextTaskId;
    final ArrayDeque<TaskRec> retry = new ArrayDeque<>();
    final Map<Integer, TaskRec> inflight = new HashMap<>();
    final Set<WorkerState> fnSent = new HashSet<>();
    private final Object[] results;
    private final List<TaskFailedException.Failure> failures = new ArrayList<>(0);
    private double itemNs = -1;              // EWMA of run time per item (EACH sizing)
    private double taskNs = -1;              // EWMA of run time per task (window sizing)
    private long lastProgressNanos;
    private final List<Work.Listener> listeners = new ArrayList<>(0);

    // read by callers
    private volatile int doneItems;
    private volatile int failedItems;
    private volatile boolean cancelled;
    /** Set before {@link #finished} completes: why the job stopped short (no engines, closed, cancelled). */
    private volatile RiverException terminal;
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** CALLS only: one future per task, completed as each task ends. */
    final CompletableFuture<Object>[] handles;

    @SuppressWarnings("unchecked")
    Job(long id, Kind kind, String operation, Task<?, ?> fn, List<?> items, int chunk) {
        this.id = id;
        this.kind = kind;
        this.operation = operation;
        this.fn = (Task<Object, Object>) fn;
        this.items = items;
        this.chunk = chunk;
        this.total = kind == Kind.CHUNKS ? (items.size() + chunk - 1) / chunk : items.size();
        this.results = new Object[total];
        this.handles = kind == Kind.CALLS ? new CompletableFuture[items.size()] : null;
        if (handles != null) for (int i = 0; i < handles.length; i++) handles[i] = new CompletableFuture<>();
    }

    int mode() {
        return kind == Kind.EACH ? Wire.EACH : Wire.APPLY;
    }

    /** Whether fn is registered on workers for the job's lifetime (else it travels with every batch). */
    boolean multi() {
        return kind != Kind.CALLS;
    }

    /** CALLS: the task for argument {@code i}. */
    TaskRec callTask(int i) {
        nextTaskId = Math.max(nextTaskId, i + 1);
        cursor = items.size();
        return new TaskRec(this, i, i, i + 1);
    }

    /** The argument a task is sent with. */
    Object argument(TaskRec t) {
        if (kind == Kind.CALLS) return items.get(t.from);
        return new ArrayList<>(items.subList(t.from, t.to));
    }

    /**
     * Run time expected of the next task, or -1 before the first result. Map tasks grow as the job
     * runs, so theirs is the time per item times the size the next one will have.
     */
    double taskNs() {
        if (kind != Kind.EACH || itemNs < 0) return taskNs;
        return itemNs * eachSize(Integer.MAX_VALUE);
    }

    /** Items in the next map task: about {@link #TARGET_TASK_NS} of work, within (about) a fair share of what is left. */
    private int eachSize(int aliveCores) {
        int remaining = items.size() - cursor;
        int fair = aliveCores == Integer.MAX_VALUE ? Integer.MAX_VALUE
                : Math.max(1, (int) Math.ceil(remaining / (2.0 * Math.max(1, aliveCores))));
        long want = itemNs <= 0 ? 1 : Math.max(1, (long) (TARGET_TASK_NS / itemNs));
        // the fair share shrinks towards the end, but never below a tenth of the target: a tail of
        // tasks too small to be worth their round trip would cost more than the imbalance it saves
        long floor = Math.max(1, want / 10);
        return (int) Math.min(Math.min(want, Math.max(fair, floor)), MAX_EACH_CHUNK);
    }

    /**
     * At most this many of the job's tasks should go to one worker now: its share of what is left,
     * so that the end of the job is balanced even when earlier jobs suggested a large window.
     */
    int fairShare(int cores, int aliveCores) {
        if (kind != Kind.CHUNKS) return Integer.MAX_VALUE;   // map cuts fair chunks itself; calls are pinned
        long remaining = retry.size() + ((long) items.size() - cursor + chunk - 1) / chunk;
        return (int) Math.max(1, (remaining * cores + aliveCores - 1) / Math.max(1, aliveCores));
    }

    // ---------------------------------------------------------------- progress journal (forkwork)

    /** Where finished chunks are recorded, or null; chunks it held at the start are not run again. */
    private Journal journal;
    private boolean[] skip;                  // CHUNKS: chunk index -> done in an earlier run

    /** The journal's id of chunk {@code index}. */
    static String chunkId(int index) {
        return "chunk/" + index;
    }

    /**
     * Resumes from {@code j} (before the job starts): chunks it holds count as done, with their
     * recorded results; every chunk that finishes from now on is recorded in it.
     */
    void resumeFrom(Journal j) {
        if (kind != Kind.CHUNKS) throw new IllegalStateException("only forkwork keeps a journal");
        journal = j;
        skip = new boolean[total];
        int resumed = 0;
        for (int idx = 0; idx < total; idx++) {
            if (!j.isDone(chunkId(idx))) continue;
            skip[idx] = true;
            results[idx] = j.result(chunkId(idx));
            resumed += Math.min(items.size(), (idx + 1) * chunk) - idx * chunk;
        }
        doneItems += resumed;
        skipDone();
    }

    /** Moves the cursor past chunks the journal had. */
    private void skipDone() {
        while (skip != null && cursor < items.size() && skip[cursor / chunk]) cursor = Math.min(items.size(), cursor + chunk);
    }

    private void record(int idx, Object val) {
        try {
            journal.record(chunkId(idx), val);
        } catch (RuntimeException e) {
            // The work itself is fine; only a later resume would redo this chunk.
            System.getLogger(Job.class.getName()).log(System.Logger.Level.WARNING,
                    "could not record chunk " + idx + " in " + journal + ": " + e.getMessage());
        }
    }

    /** Whether the job has tasks not yet sent (retries or uncut input). */
    boolean hasUnsent() {
        return !retry.isEmpty() || (kind != Kind.CALLS && cursor < items.size());
    }

    /** The next task to send, or null; {@code aliveCores} bounds map chunks so every core gets a share. */
    TaskRec next(int aliveCores) {
        TaskRec r = retry.poll();
        if (r != null) return r;
        if (kind == Kind.CALLS || cursor >= items.size()) return null;
        int size;
        if (kind == Kind.CHUNKS) {
            size = chunk;
        } else {
            size = eachSize(aliveCores);
        }
        int from = cursor;
        int to = Math.min(items.size(), from + size);
        cursor = to;
        skipDone();
        int tid = kind == Kind.CHUNKS ? from / chunk : nextTaskId++;
        return new TaskRec(this, tid, from, to);
    }

    /** Records a finished task. {@code err} is a RemoteVrException, or (map) an array of them per item. */
    void complete(TaskRec t, Object val, Object err, long nanos, String engine) {
        taskNs = taskNs < 0 ? nanos : 0.8 * taskNs + 0.2 * nanos;
        if (t.items() > 0 && kind == Kind.EACH) {
            double per = nanos / (double) t.items();
            itemNs = itemNs < 0 ? per : 0.7 * itemNs + 0.3 * per;
        }
        int failedNow = 0;
        if (kind == Kind.EACH) {
            Object[] vals = val instanceof Object[] a ? a : new Object[t.items()];
            RemoteVrException[] errs = err instanceof RemoteVrException[] a ? a : null;
            for (int k = 0; k < t.items(); k++) {
                RemoteVrException e = err instanceof RemoteVrException whole ? whole : errs == null ? null : errs[k];
                if (e != null) {
                    failures.add(failure(t.from + k, t.from + k, t.from + k, engine, e));
                    failedNow++;
                } else if (k < vals.length) {
                    results[t.from + k] = vals[k];
                }
            }
        } else {
            int idx = t.id;
            if (err instanceof RemoteVrException e) {
                TaskFailedException.Failure f = failure(idx, t.from, t.to - 1, engine, e);
                failures.add(f);
                failedNow = t.items();
                if (handles != null) handles[idx].completeExceptionally(new Failed(f));
            } else {
                results[idx] = val;
                if (handles != null) handles[idx].complete(val);
                if (journal != null) record(idx, val);
            }
        }
        log.add(t.id, t.from, t.to - 1, engine, t.worker == null ? 1 : t.worker.cores, t.sentAt, nanos, failedNow > 0);
        failedItems += failedNow;
        doneItems += t.items();
    }

    /** A task that cannot be run (engines it ran on died, or it could not be sent). */
    void fail(TaskRec t, String engine, RuntimeException why) {
        RemoteVrException e = RemoteVrException.of(why, null, "on the caller");
        if (kind == Kind.EACH) {
            for (int k = t.from; k < t.to; k++) failures.add(failure(k, k, k, engine, e));
        } else {
            TaskFailedException.Failure f = failure(t.id, t.from, t.to - 1, engine, e);
            failures.add(f);
            if (handles != null) handles[t.id].completeExceptionally(new Failed(f));
        }
        log.add(t.id, t.from, t.to - 1, engine, t.worker == null ? 1 : t.worker.cores, t.sentAt, 0, true);
        failedItems += t.items();
        doneItems += t.items();
    }

    private TaskFailedException.Failure failure(int index, int first, int last, String engine, RemoteVrException e) {
        String text;
        if (kind == Kind.CHUNKS) {
            text = Describe.value(items.subList(first, last + 1));
        } else {
            text = "(" + Describe.value(items.get(first)) + ")";
        }
        return new TaskFailedException.Failure(index, first, last, text, engine, e);
    }

    /** Waits (uninterruptibly, at most a few seconds) for the dispatcher to finish the job, e.g. after a cancel. */
    void awaitFinished() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!finished.isDone() && System.nanoTime() < deadline) {
            try {
                finished.get(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    boolean isComplete() {
        return doneItems >= items.size();
    }

    /** Ends the job: every caller waiting on it wakes. {@code why} is null for a normal end. */
    void finish(RiverException why) {
        if (why != null && terminal == null) terminal = why;
        if (handles != null) {
            for (CompletableFuture<Object> h : handles) {
                if (!h.isDone()) h.completeExceptionally(terminal != null ? terminal : new RiverException("task did not run"));
            }
        }
        log.finished();
        fireProgress(Long.MAX_VALUE);
        finished.complete(null);
    }

    void cancelled(RiverException why) {
        cancelled = true;
        finish(why);
    }

    // ---------------------------------------------------------------- caller-facing views

    int doneItems() {
        return doneItems;
    }

    int failedItems() {
        return failedItems;
    }

    int totalItems() {
        return items.size();
    }

    boolean isCancelled() {
        return cancelled;
    }

    RiverException terminal() {
        return terminal;
    }

    /** The results in input order (null where a task failed); valid once finished. */
    List<Object> results() {
        return Collections.unmodifiableList(Arrays.asList(results));
    }

    /** The failures sorted by input position; valid once finished. */
    List<TaskFailedException.Failure> failures() {
        List<TaskFailedException.Failure> out = new ArrayList<>(failures);
        out.sort((a, b) -> Integer.compare(a.firstItem(), b.firstItem()));
        return out;
    }

    void addListener(Work.Listener l) {
        listeners.add(l);
        l.progress(doneItems, items.size(), failedItems);
    }

    /** Tells listeners about progress, at most every {@code minGapNanos}; always at the end. */
    void fireProgress(long minGapNanos) {
        if (listeners.isEmpty()) return;
        long now = System.nanoTime();
        boolean last = minGapNanos == Long.MAX_VALUE;
        if (!last && now - lastProgressNanos < minGapNanos) return;
        lastProgressNanos = now;
        for (Work.Listener l : listeners) {
            try {
                l.progress(doneItems, items.size(), failedItems);
            } catch (RuntimeException e) {
                System.getLogger(Job.class.getName()).log(System.Logger.Level.WARNING, "a progress listener failed", e);
            }
        }
    }

    /** A handle's failure, turned into a TaskFailedException on the caller's thread. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TaskFailedException.Failure failure;

        Failed(TaskFailedException.Failure failure) {
            super(failure.toString(), null, false, false);
            this.failure = failure;
        }
    }

    /** Short text for a value in an error message. */
    static final class Describe {
        private Describe() {}

        static String value(Object v) {
            String s;
            try {
                s = v != null && v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[" + java.lang.reflect.Array.getLength(v) + "]"
                        : String.valueOf(v);
            } catch (RuntimeException e) {
                s = v.getClass().getName();
            }
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
    }
}
