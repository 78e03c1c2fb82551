package dev.river.trickle;

import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.util.ArrayDeque;

/**
 * The driver's view of one worker: where it runs, what it has in flight, when it was last heard.
 *
 * <p>Threads: owned by the dispatcher thread, except {@link #alive} and {@link #lostReason}, which
 * callers read.
 */
final class WorkerState {
    /** Keep about this much work queued on a worker, so it never idles while results travel back. */
    private static final long TARGET_QUEUE_NS = 2_000_000;
    private static final int MAX_WINDOW = 2048;

    final int index;
    final VmInfo info;
    final VrId vr;
    final int cores;
    volatile boolean alive = true;
    volatile String lostReason;

    int inflight;
    /** Bytes of large arrays sent since the worker was last heard: a big transfer excuses silence. */
    long unheardBytes;
    long watchSince;
    long lastHeard;
    long lastPing;
    final ArrayDeque<Job.TaskRec> pinned = new ArrayDeque<>();

    WorkerState(int index, VmInfo info, VrId vr) {
        this.index = index;
        this.info = info;
        this.vr = vr;
        this.cores = Math.max(1, info.cores());
        this.lastHeard = System.nanoTime();
    }

    void heard(long now) {
        lastHeard = now;
        unheardBytes = 0;
    }

    /**
     * Tasks to keep in flight for a job whose tasks take {@code taskNs} (negative: not known yet): the
     * cores, plus enough queued to cover a round trip. Unknown tasks start with one queued per core.
     */
    int window(double taskNs) {
        if (taskNs < 0) return 2 * cores;
        double queued = TARGET_QUEUE_NS * cores / Math.max(taskNs, 100.0);
        return (int) Math.min(MAX_WINDOW, cores + Math.max(1, Math.ceil(queued)));
    }

    /** Tasks per message: half a worker thread's share of the window, so the next batch is there when one ends. */
    int batch(int window) {
        return Math.max(1, Math.min(1024, window / (2 * cores)));
    }

    String name() {
        return info.name();
    }

    @Override public String toString() {
        return info.name() + " (" + info.address() + ")";
    }
}
