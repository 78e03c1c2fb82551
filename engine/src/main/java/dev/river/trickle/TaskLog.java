package dev.river.trickle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The finished tasks of one job, as {@link TaskRecord}s, with a lane per engine core.
 *
 * <p>Threads: the dispatcher thread adds; callers take snapshots. Everything is guarded by this.
 */
final class TaskLog {
    /** Beyond this, tasks still count but are not recorded (a map of millions of tiny chunks). */
    static final int MAX_RECORDS = 100_000;

    private final long startNanos = System.nanoTime();
    private final List<TaskRecord> records = new ArrayList<>();
    /** engine -> per lane, the end of the last task drawn in it (relative nanos). */
    private final Map<String, List<Long>> laneEnds = new HashMap<>();

    long start() {
        return startNanos;
    }

    /**
     * Records a task that ended now.
     *
     * @param sentAt  System.nanoTime() when it was sent
     * @param runNs   its run time as the engine measured it
     */
    synchronized void add(int task, int first, int last, String engine, long sentAt, long runNs, boolean failed) {
        if (records.size() >= MAX_RECORDS) return;
        long end = System.nanoTime() - startNanos;
        long start = Math.max(Math.max(0, sentAt - startNanos), end - Math.max(0, runNs));
        records.add(new TaskRecord(task, first, last, engine, lane(engine, start, end), start, end,
                failed ? TaskRecord.Status.FAILED : TaskRecord.Status.OK));
    }

    /** The first lane of the engine free at {@code start} (a new one if none is). */
    private int lane(String engine, long start, long end) {
        List<Long> ends = laneEnds.computeIfAbsent(engine, e -> new ArrayList<>());
        for (int i = 0; i < ends.size(); i++) {
            if (ends.get(i) <= start) {
                ends.set(i, end);
                return i;
            }
        }
        ends.add(end);
        return ends.size() - 1;
    }

    synchronized List<TaskRecord> snapshot() {
        return List.copyOf(records);
    }

    /** Nanoseconds since the job started. */
    long elapsed() {
        return System.nanoTime() - startNanos;
    }
}
