package dev.river.trickle;

/**
 * One finished task of a {@code forkwork} or {@code map}: which input items it ran, where, and when —
 * the rows of a task-stream picture ({@link Work#tasks()}), for your own plots too.
 *
 * <pre>{@code
 * Work<Long> w = t.forkworkAsync(chunk -> chunk.stream().mapToLong(i -> i).sum(), items, 1000);
 * w.results();
 * for (TaskRecord r : w.tasks())
 *     System.out.printf("%s core %d: items %d-%d, %.1f-%.1f ms %s%n", r.engine(), r.core(),
 *             r.firstItem(), r.lastItem(), r.startMillis(), r.endMillis(), r.status());
 * }</pre>
 *
 * <p>Times are on the caller's clock, in nanoseconds since the work started: the end is when the result
 * arrived, the start is that minus the run time the engine measured (never before the task was sent,
 * nor before one of the engine's cores was free).
 *
 * @param task       the task's number: the chunk index for forkwork, a running count for map
 * @param firstItem  index of its first input item
 * @param lastItem   index of its last input item (inclusive)
 * @param engine     the engine's name
 * @param core       the lane on that engine, one per core: no two tasks of a lane overlap in time
 * @param startNanos when it started running
 * @param endNanos   when its result arrived
 * @param status     whether it returned or threw
 */
public record TaskRecord(int task, int firstItem, int lastItem, String engine, int core, long startNanos, long endNanos,
                         Status status) {
    /** How a task ended. */
    public enum Status { OK, FAILED }

    public double startMillis() {
        return startNanos / 1e6;
    }

    public double endMillis() {
        return endNanos / 1e6;
    }

    /** Input items it ran. */
    public int items() {
        return lastItem - firstItem + 1;
    }
}
