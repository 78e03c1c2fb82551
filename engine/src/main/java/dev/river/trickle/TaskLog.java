package dev.river.trickle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The finished tasks of one job, as {@link TaskRecord}s, with a lane per engine core.
 *
 * <p>Only the result's arrival is seen here; the start is estimated as the arrival minus the run time
 * the engine measured, and not before the task was sent nor before one of the engine's cores was free
 * (a worker runs at most as many tasks at once as it has cores), so a lane never holds two tasks at once.
 *
 * <p>Threads: the dispatcher thread adds; callers take snapshots. Everything is guarded by this.
 */
final class TaskLog {
    /** Beyond this, tasks still count but are not recorded (a map of millions of tiny chunks). */
    static final int MAX_RECORDS = 100_000;

    private final long startNanos = System.nanoTime();
    private long endNanos = -1;              // relative; set when the job ends
    private final List<TaskRecord> records = new ArrayList<>();
    /** engine -> per lane, the end of the last task drawn in it (relative nanos). */
    private final Map<String, List<Long>> laneEnds = new HashMap<>();

    long start() {
        return startNanos;
    }

    /**
     * Records a task that ended now.
     *
     * @param cores   the engine's cores (its lanes)
     * @param sentAt  System.nanoTime() when it was sent
     * @param runNs   its run time as the engine measured it
     */
    synchronized void add(int task, int first, int last, String engine, int cores, long sentAt, long runNs, boolean failed) {
        if (records.size() >= MAX_RECORDS) return;
        // results arrive one at a time on the dispatcher thread: ends never decrease
        long end = System.nanoTime() - startNanos;
        long start = Math.min(end, Math.max(Math.max(0, sentAt - startNanos), end - Math.max(0, runNs)));
        List<Long> ends = laneEnds.computeIfAbsent(engine, e -> new ArrayList<>());
        while (ends.size() < Math.max(1, cores)) ends.add(0L);
        int lane = 0;
        for (int i = 0; i < ends.size(); i++) {
            if (ends.get(i) <= start) {          // the first lane free at the start
                lane = i;
                break;
            }
            if (ends.get(i) < ends.get(lane)) lane = i;   // else the one free soonest
        }
        start = Math.max(start, ends.get(lane));  // <= end, as every recorded end is
        ends.set(lane, end);
        records.add(new TaskRecord(task, first, last, engine, lane, start, end,
                failed ? TaskRecord.Status.FAILED : TaskRecord.Status.OK));
    }

    /** The job ended: the picture's time axis stops here. */
    synchronized void finished() {
        if (endNanos < 0) endNanos = System.nanoTime() - startNanos;
    }

    synchronized List<TaskRecord> snapshot() {
        return List.copyOf(records);
    }

    /** Nanoseconds from the job's start to its end, or to now while it runs. */
    synchronized long elapsed() {
        return endNanos >= 0 ? endNanos : System.nanoTime() - startNanos;
    }
}
