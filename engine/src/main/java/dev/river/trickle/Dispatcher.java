package dev.river.trickle;

import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The driver side of a Trickle session: one thread that owns all scheduling state. It sends tasks to
 * workers (keeping each worker's window full: a free engine takes the next chunk), receives their
 * results, pings silent workers, and re-runs the tasks of a worker that is lost.
 *
 * <p>Threads: callers hand work over with {@link #submit}, which queues a command and wakes the
 * dispatcher with a message to its own driver VR; the dispatcher thread alone touches jobs and
 * workers (except their volatile status fields). It drains every waiting message before sending, so
 * under load results and refills travel in batches.
 */
final class Dispatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final Duration TICK = Duration.ofMillis(200);
    private static final long PING_AFTER_NS = 500_000_000L;
    /** Silence allowed per byte in flight: assume at least 20 MB/s towards any engine. */
    private static final double NS_PER_BYTE = 1e9 / 20e6;
    /** A task that was out on this many engines that died is failed rather than re-run again. */
    static final int MAX_ATTEMPTS = 3;
    private static final long PROGRESS_GAP_NS = 50_000_000L;
    /** The loop checks liveness at least every TICK; a longer gap means this JVM stalled. */
    private static final long STALL_NS = 1_000_000_000L;

    private final VirtualResource driver;
    private final List<WorkerState> workers;
    private final Map<VrId, WorkerState> byVr = new HashMap<>();   // fixed after construction
    private final long lostAfterNs;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicLong jobIds = new AtomicLong();
    private volatile boolean running = true;
    /** Whether the dispatcher waits in its driver's recv (wake it with a message) or parks idle (unpark it). */
    private volatile boolean onQueue;
    /** Set once no worker is left; later submissions fail with it at once. */
    private volatile RiverException dead;

    // dispatcher thread only
    private final Map<Long, Job> jobs = new LinkedHashMap<>();
    private int next;                       // round-robin start for pump
    private long lastCheck = System.nanoTime();

    Dispatcher(VirtualResource driver, List<WorkerState> workers, Duration lostAfter, String name) {
        this.driver = driver;
        this.workers = workers;
        this.lostAfterNs = lostAfter.toNanos();
        for (WorkerState w : workers) byVr.put(w.vr, w);
        this.thread = new Thread(this, "river-trickle-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    long newJobId() {
        return jobIds.incrementAndGet();
    }

    // ---------------------------------------------------------------- commands from callers

    /** Runs {@code command} on the dispatcher thread. */
    void submit(Runnable command) {
        commands.add(command);
        if (!onQueue) {
            LockSupport.unpark(thread);
        } else if (wakePending.compareAndSet(false, true)) {
            driver.send(driver.uuid(), Wire.KIND, Wire.WAKE);
        }
    }

    /** Starts a job; CALLS tasks are pinned to {@code pins[i]}. */
    void start(Job job, List<WorkerState> pins) {
        RiverException d = dead;
        if (d != null) {
            job.finish(new RiverException(d.getMessage(), d));
            return;
        }
        submit(() -> {
            if (dead != null) {
                job.finish(new RiverException(dead.getMessage(), dead));
                return;
            }
            jobs.put(job.id, job);
            if (pins != null) {
                for (int i = 0; i < pins.size(); i++) {
                    Job.TaskRec t = job.callTask(i);
                    WorkerState w = pins.get(i);
                    if (w.alive) {
                        t.pinned = w;
                        w.pinned.add(t);
                    } else {
                        job.retry.add(t);
                    }
                }
            }
            if (job.items.isEmpty() || job.isComplete()) finish(job);   // complete: resumed from a journal that had it all
        });
    }

    void cancel(Job job, String why) {
        submit(() -> {
            if (jobs.remove(job.id) == null) return;
            for (WorkerState w : workers) {
                w.pinned.removeIf(t -> t.job == job);
                int mine = 0;
                for (Job.TaskRec t : job.inflight.values()) if (t.worker == w) mine++;
                w.inflight -= mine;
                if (w.alive && (mine > 0 || job.fnSent.contains(w))) sendQuietly(w, Wire.KIND, Wire.CANCEL, "job", job.id);
            }
            job.inflight.clear();
            CancellationException c = new CancellationException(why);
            job.cancelled(new RiverException(why, c));
        });
    }

    void addListener(Job job, Work.Listener l) {
        submit(() -> job.addListener(l));
    }

    /** A worker's failure that a calling thread received instead of the dispatcher. */
    void workerFailed(RemoteVrException e) {
        submit(() -> {
            for (WorkerState w : workers) {
                if (w.alive && w.vr.equals(e.vr())) lost(w, "its worker failed: " + e.getMessage());
            }
        });
    }

    /** Marks the worker on {@code vm} lost (discovery's heartbeat). */
    void engineLost(VmInfo vm) {
        submit(() -> {
            for (WorkerState w : workers) {
                if (w.alive && w.info.id().equals(vm.id())) lost(w, "discovery stopped hearing its beacon");
            }
        });
    }

    /** Ends the session: stops the workers, fails what is still running. */
    void close() {
        if (!running) return;
        submit(() -> {
            RiverException closed = new RiverException("the Trickle session was closed while this work ran");
            for (Job j : new ArrayList<>(jobs.values())) j.finish(closed);
            jobs.clear();
            for (WorkerState w : workers) if (w.alive) sendQuietly(w, Wire.KIND, Wire.STOP);
            running = false;
        });
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
    }

    // ---------------------------------------------------------------- the loop

    @Override
    public void run() {
        while (running) {
            try {
                if (jobs.isEmpty()) {
                    idle();
                    continue;
                }
                onQueue = true;
                drainCommands();                            // commands that raced with the switch
                pump(System.nanoTime());                    // new work goes out before we wait for answers
                Message m = receive(true);
                drainCommands();
                if (m != null) handle(m);
                for (int i = 0; i < 4096 && running; i++) {   // take what is waiting before sending refills
                    m = receive(false);
                    if (m == null) break;
                    drainCommands();
                    handle(m);
                }
                long now = System.nanoTime();
                checkLiveness(now);
                pump(now);
                for (Job j : jobs.values()) j.fireProgress(PROGRESS_GAP_NS);
            } catch (RuntimeException | Error e) {
                if (!running) break;
                LOG.log(System.Logger.Level.ERROR, "Trickle dispatcher: unexpected failure; failing the running work", e);
                RiverException why = new RiverException("Trickle's dispatcher failed: " + e, e);
                for (Job j : new ArrayList<>(jobs.values())) j.finish(why);
                jobs.clear();
            }
        }
    }

    /**
     * With nothing running, wait for commands only, and look at the queue (workers' idle pings, alerts)
     * every tick: a thread blocked in recv would be woken by every answer a caller waits for itself.
     */
    private void idle() {
        onQueue = false;
        drainCommands();
        if (!jobs.isEmpty() || !running) return;
        if (commands.isEmpty()) LockSupport.parkNanos(TICK.toNanos());
        drainCommands();
        Message m;
        while (running && (m = receive(false)) != null) handle(m);
    }

    private Message receive(boolean block) {
        try {
            return block ? driver.recv(TICK, Wire.KIND, Wire.NOT_DIRECT) : driver.poll(Wire.KIND, Wire.NOT_DIRECT);
        } catch (RecvTimeoutException e) {
            return null;
        } catch (RemoteVrException e) {
            // a worker's main ended with an exception: that worker is gone
            for (WorkerState w : workers) {
                if (w.alive && w.vr.equals(e.vr())) lost(w, "its worker failed: " + e.getMessage());
            }
            return null;
        } catch (UndeliverableException e) {
            LOG.log(System.Logger.Level.DEBUG, "Trickle: " + e.getMessage());
            return null;
        } catch (RiverException e) {
            if (!running || Thread.currentThread().isInterrupted()) {
                running = false;
                return null;
            }
            throw e;
        }
    }

    private void drainCommands() {
        wakePending.set(false);
        Runnable c;
        while ((c = commands.poll()) != null) c.run();
    }

    private void handle(Message m) {
        int kind = m.getInt(Wire.KIND);
        if (kind == Wire.WAKE) return;
        WorkerState w = worker(m);
        if (w == null) return;                      // a worker declared lost, or a stray message
        long now = System.nanoTime();
        w.heard(now);
        switch (kind) {
            case Wire.DONE -> done(w, m);
            case Wire.PING -> sendQuietly(w, Wire.KIND, Wire.PONG, "n", m.get("n"));
            default -> { /* PONG: heard, nothing else to do */ }
        }
    }

    private WorkerState worker(Message m) {
        WorkerState w = byVr.get(m.src());
        return w != null && w.alive ? w : null;
    }

    private void done(WorkerState w, Message m) {
        Job job = jobs.get(m.getLong("job"));
        int[] ids = m.get("ids");
        long[] ns = m.get("ns");
        Object[] vals = ids.length == 1 ? new Object[]{m.get("val")} : m.get("vals");
        Object[] errs = m.get("errs");
        for (int i = 0; i < ids.length; i++) {
            if (job == null) continue;              // cancelled meanwhile
            Job.TaskRec t = job.inflight.get(ids[i]);
            if (t == null || t.worker != w) continue;
            job.inflight.remove(ids[i]);
            w.inflight--;
            job.complete(t, vals[i], errs == null ? null : errs[i], ns[i], w.name());
        }
        if (job != null && job.isComplete()) finish(job);
    }

    private void finish(Job job) {
        jobs.remove(job.id);
        for (WorkerState w : job.fnSent) if (w.alive) sendQuietly(w, Wire.KIND, Wire.CANCEL, "job", job.id);
        job.finish(null);
    }

    // ---------------------------------------------------------------- sending

    /** Fills every live worker's window, pinned tasks first, then retries and new tasks in job order. */
    private void pump(long now) {
        if (jobs.isEmpty()) return;
        int aliveCores = 0;
        for (WorkerState w : workers) if (w.alive) aliveCores += w.cores;
        int n = workers.size();
        for (int k = 0; k < n; k++) {
            WorkerState w = workers.get((next + k) % n);
            while (w.alive) {
                Job.TaskRec p = w.pinned.peek();
                Job job = p != null ? p.job : firstWithWork();
                if (job == null) break;
                int window = w.window(job.taskNs());
                int max = Math.min(window - w.inflight, w.batch(window));
                if (max <= 0) break;
                List<Job.TaskRec> batch = new ArrayList<>(Math.min(max, 64));
                if (p != null) {
                    while (batch.size() < max && (p = w.pinned.peek()) != null && p.job == job) batch.add(w.pinned.poll());
                } else {
                    max = Math.min(max, job.fairShare(w.cores, aliveCores));
                    Job.TaskRec t;
                    while (batch.size() < max && (t = job.next(aliveCores)) != null) batch.add(t);
                }
                if (batch.isEmpty()) break;
                send(w, batch, now);
            }
        }
        next = (next + 1) % Math.max(1, n);
    }

    private Job firstWithWork() {
        for (Job j : jobs.values()) if (j.hasUnsent()) return j;
        return null;
    }

    private void send(WorkerState w, List<Job.TaskRec> batch, long now) {
        Job job = batch.get(0).job;
        int[] ids = new int[batch.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = batch.get(i).id;
        List<Object> attrs = new ArrayList<>(14);
        attrs.add(Wire.KIND);
        attrs.add(Wire.RUN);
        attrs.add("job");
        attrs.add(job.id);
        attrs.add("ids");
        attrs.add(ids);
        long bytes = 0;
        if (ids.length == 1) {
            Object arg = job.argument(batch.get(0));
            bytes = arrayBytes(arg);
            attrs.add("arg");
            attrs.add(arg);
        } else {
            List<Object> args = new ArrayList<>(ids.length);
            for (Job.TaskRec t : batch) args.add(job.argument(t));
            attrs.add("args");
            attrs.add(args);
        }
        boolean once = !job.multi();
        if (once || !job.fnSent.contains(w)) {
            attrs.add("fn");
            attrs.add(job.fn);
            attrs.add("mode");
            attrs.add(job.mode());
            if (once) {
                attrs.add("once");
                attrs.add(Boolean.TRUE);
            }
        }
        try {
            driver.send(w.vr, attrs.toArray());
        } catch (UndeliverableException e) {
            for (int i = batch.size() - 1; i >= 0; i--) job.retry.addFirst(batch.get(i));
            lost(w, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            for (Job.TaskRec t : batch) job.fail(t, w.name(), new IllegalArgumentException("the task could not be sent: " + e.getMessage(), e));
            if (job.isComplete()) finish(job);
            return;
        }
        if (!once) job.fnSent.add(w);
        if (w.inflight == 0) w.watchSince = now;
        w.unheardBytes += bytes;
        for (Job.TaskRec t : batch) {
            t.worker = w;
            t.sentAt = now;
            job.inflight.put(t.id, t);
        }
        w.inflight += batch.size();
    }

    private void sendQuietly(WorkerState w, Object... attrs) {
        try {
            driver.send(w.vr, attrs);
        } catch (RiverException e) {
            LOG.log(System.Logger.Level.DEBUG, "Trickle: could not reach " + w + ": " + e.getMessage());
        }
    }

    private static long arrayBytes(Object v) {
        if (v == null || !v.getClass().isArray() || !v.getClass().getComponentType().isPrimitive()) return 0;
        return (long) Array.getLength(v) * 8;
    }

    // ---------------------------------------------------------------- failure handling

    private void checkLiveness(long now) {
        long gap = now - lastCheck;
        lastCheck = now;
        if (gap > STALL_NS) {
            // this side stood still (a long GC pause, a suspended laptop): the workers' silence is ours,
            // so start watching afresh rather than declaring every engine lost
            for (WorkerState w : workers) w.watchSince = now;
            LOG.log(System.Logger.Level.INFO, "Trickle: the dispatcher stalled for " + gap / 1_000_000 + " ms; engine heartbeats restart");
            return;
        }
        for (WorkerState w : workers) {
            if (!w.alive || (w.inflight == 0 && w.pinned.isEmpty())) continue;
            long since = Math.max(w.lastHeard, w.watchSince);
            long silent = now - since;
            long allowed = lostAfterNs + (long) (w.unheardBytes * NS_PER_BYTE);
            if (silent > allowed) {
                lost(w, "no answer for " + Math.round(silent / 1e8) / 10.0 + " s");
            } else if (silent > PING_AFTER_NS && now - w.lastPing > PING_AFTER_NS) {
                w.lastPing = now;
                sendQuietly(w, Wire.KIND, Wire.PING, "n", now);
            }
        }
    }

    /** Takes a worker out of the session and puts its unfinished tasks back to run elsewhere. */
    private void lost(WorkerState w, String reason) {
        if (!w.alive) return;
        w.alive = false;
        w.lostReason = reason;
        int moved = 0;
        for (Job j : new ArrayList<>(jobs.values())) {
            List<Job.TaskRec> back = new ArrayList<>();
            for (Iterator<Job.TaskRec> it = j.inflight.values().iterator(); it.hasNext(); ) {
                Job.TaskRec t = it.next();
                if (t.worker != w) continue;
                it.remove();
                t.worker = null;
                t.attempts++;
                t.diedOn.add(w.name());
                back.add(t);
            }
            back.sort((a, b) -> Integer.compare(a.from, b.from));
            for (int i = back.size() - 1; i >= 0; i--) {
                Job.TaskRec t = back.get(i);
                if (t.attempts >= MAX_ATTEMPTS) {
                    j.fail(t, w.name(), new RiverException("the engines running this task died " + t.attempts
                            + " times (" + String.join(", ", t.diedOn) + "); it was not run again, in case it is what kills them"));
                } else {
                    j.retry.addFirst(t);
                    moved++;
                }
            }
            j.fnSent.remove(w);
            if (j.isComplete()) finish(j);
        }
        for (Job.TaskRec t; (t = w.pinned.poll()) != null; ) {
            t.pinned = null;
            t.job.retry.add(t);
            moved++;
        }
        w.inflight = 0;
        sendQuietly(w, Wire.KIND, Wire.STOP);
        List<String> left = new ArrayList<>();
        for (WorkerState o : workers) if (o.alive) left.add(o.name());
        LOG.log(System.Logger.Level.WARNING, "Trickle: engine " + w + " lost (" + reason + "); "
                + (left.isEmpty() ? "no engine is left" : moved + " unfinished task(s) will run on " + String.join(", ", left)));
        if (left.isEmpty()) {
            StringBuilder gone = new StringBuilder();
            for (WorkerState o : workers) gone.append(gone.length() == 0 ? "" : "; ").append(o.name()).append(": ").append(o.lostReason);
            dead = new RiverException("every engine of this Trickle session is gone (" + gone + "). Start engines"
                    + " (`river engines N`) and connect a new session");
            for (Job j : new ArrayList<>(jobs.values())) {
                int unfinished = j.totalItems() - j.doneItems();
                j.finish(new RiverException(j.operation + " stopped with " + unfinished + " of " + j.totalItems()
                        + " items unfinished: " + dead.getMessage(), dead));
            }
            jobs.clear();
        }
    }

    boolean isAlive() {
        return dead == null && running;
    }
}
