package dev.river.mapreduce;

import java.time.Duration;
import java.util.Locale;

/**
 * A snapshot of a running job: what {@link Running#progress()} returns and progress listeners hear.
 *
 * <pre>{@code
 * job.start(trickle).onProgress(p -> System.out.print("\r" + p));   // map 5/8 (62%), shuffled 1.2 MB, reduce 0/4, 3.1 s
 * }</pre>
 *
 * @param state           where the job is
 * @param mapsDone        map tasks finished (a task re-run after its engine was lost counts again when done)
 * @param mapsTotal       map tasks (splits)
 * @param inputDone       input of the finished map tasks: bytes of files, or items of a collection
 * @param inputTotal      all input, in the same unit
 * @param bytesShuffled   map output bytes fetched by reducers so far
 * @param reducesDone     partitions reduced
 * @param reducesTotal    partitions
 * @param tasksRerun      map tasks run again because their engine was lost
 * @param reducersRestarted reducers restarted on another engine because theirs was lost
 * @param elapsed         time since the job started
 */
public record Progress(State state, int mapsDone, int mapsTotal, long inputDone, long inputTotal, long bytesShuffled,
                       int reducesDone, int reducesTotal, int tasksRerun, int reducersRestarted, Duration elapsed) {

    /** A job's phases, in order; it ends DONE, FAILED or CANCELLED. */
    public enum State { STARTING, MAPPING, REDUCING, DONE, FAILED, CANCELLED }

    /** Whether the job has ended (well or not). */
    public boolean finished() {
        return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
    }

    /** Overall completion in [0, 1]: maps weigh two thirds, reduces one third. */
    public double fraction() {
        double maps = mapsTotal == 0 ? 1 : (double) mapsDone / mapsTotal;
        double reduces = reducesTotal == 0 ? 1 : (double) reducesDone / reducesTotal;
        return state == State.DONE ? 1 : Math.min(1, maps * 2 / 3 + reduces / 3);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("map ").append(mapsDone).append('/').append(mapsTotal);
        if (mapsTotal > 0) sb.append(" (").append(100 * mapsDone / mapsTotal).append("%)");
        sb.append(", shuffled ").append(bytes(bytesShuffled));
        sb.append(", reduce ").append(reducesDone).append('/').append(reducesTotal);
        if (tasksRerun > 0) sb.append(", ").append(tasksRerun).append(" task(s) re-run");
        if (reducersRestarted > 0) sb.append(", ").append(reducersRestarted).append(" reducer(s) restarted");
        sb.append(String.format(Locale.ROOT, ", %.1f s", elapsed.toMillis() / 1000.0));
        if (state != State.MAPPING && state != State.REDUCING) sb.append(", ").append(state.name().toLowerCase(Locale.ROOT));
        return sb.toString();
    }

    /** A byte count for people: {@code 512 B}, {@code 1.2 KB}, {@code 3.4 MB}, {@code 1.05 GB}. */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", b / (1024.0 * 1024 * 1024));
    }
}
