package dev.river.mapreduce;

import java.util.ArrayList;
import java.util.List;

/**
 * Where and when a MapReduce job's work ran: one interval per map task attempt, and per partition a
 * shuffle interval (from its reducer's start until every map output is fetched) and a reduce interval
 * (merge and reduce); plus the bytes shuffled from each engine to each engine. Immutable: a snapshot
 * taken while the job ran (at most 100 ms old) or after it ended. The notebook's MapReduce picture
 * draws it; the same data serves plots of your own.
 *
 * <pre>{@code
 * Running<Map<String, Long>> r = job.start(trickle);
 * r.result();
 * Timeline tl = r.timeline();
 * for (Timeline.Interval i : tl.intervals())
 *     System.out.printf("%s %d on %s: %.1f-%.1f ms %s%n", i.phase(), i.index(), i.engine(),
 *             i.startMillis(), i.endMillis(), i.status());
 * System.out.println(tl.shuffledBytes(tl.engines().get(0), tl.engines().get(1)) + " bytes from the first engine to the second");
 * }</pre>
 *
 * <p>Times are on the driver's clock, in nanoseconds since the job started. A reduce interval's start
 * is its end minus the time the reducer measured for merging and reducing.
 */
public final class Timeline {
    /** A job's phases. */
    public enum Phase { MAP, SHUFFLE, REDUCE }

    /** How an interval ended: still running, done, failed (user code threw, or the job ended first), or lost with its engine. */
    public enum Status { RUNNING, OK, FAILED, LOST }

    /**
     * One phase of one task or partition on one engine.
     *
     * @param phase      map, shuffle or reduce
     * @param index      the map task (split) for MAP, the partition for SHUFFLE and REDUCE
     * @param attempt    the attempt (1 first; higher after a lost engine)
     * @param engine     the engine's name
     * @param startNanos when it started, since the job started
     * @param endNanos   when it ended (now, while it runs)
     * @param status     how it ended
     */
    public record Interval(Phase phase, int index, int attempt, String engine, long startNanos, long endNanos, Status status) {
        public double startMillis() {
            return startNanos / 1e6;
        }

        public double endMillis() {
            return endNanos / 1e6;
        }
    }

    private final long startedAt;
    private final long elapsedNanos;
    private final List<Interval> intervals;
    private final List<String> engines;
    private final long[][] shuffle;

    /**
     * A timeline (jobs make their own; this is for tests and pictures of data from elsewhere).
     *
     * @param startedAt    {@code System.nanoTime()} at the start
     * @param elapsedNanos how long it ran
     * @param intervals    the intervals, in the order they started
     * @param engines      the engines' names
     * @param shuffle      bytes {@code [from][to]}, one row and column per engine (copied)
     */
    public Timeline(long startedAt, long elapsedNanos, List<Interval> intervals, List<String> engines, long[][] shuffle) {
        for (long[] row : shuffle) {
            if (shuffle.length != engines.size() || row.length != engines.size()) {
                throw new IllegalArgumentException("the shuffle matrix needs a row and a column per engine (" + engines.size() + ")");
            }
        }
        this.startedAt = startedAt;
        this.elapsedNanos = elapsedNanos;
        this.intervals = List.copyOf(intervals);
        this.engines = List.copyOf(engines);
        this.shuffle = new long[shuffle.length][];
        for (int i = 0; i < shuffle.length; i++) this.shuffle[i] = shuffle[i].clone();
    }

    /** {@code System.nanoTime()} when the job started: orders it against other work of this JVM. */
    public long startedAt() {
        return startedAt;
    }

    /** Nanoseconds from the job's start to its end, or to the snapshot while it runs. */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** Every interval, in the order they started. */
    public List<Interval> intervals() {
        return intervals;
    }

    /** The intervals of one phase, in the order they started. */
    public List<Interval> intervals(Phase phase) {
        List<Interval> out = new ArrayList<>();
        for (Interval i : intervals) if (i.phase() == phase) out.add(i);
        return out;
    }

    /** The job's engines by name: the rows and columns of {@link #shuffleMatrix()}. */
    public List<String> engines() {
        return engines;
    }

    /** Bytes of map output fetched by reducers: {@code [from][to]} in the order of {@link #engines()} (a copy). */
    public long[][] shuffleMatrix() {
        long[][] out = new long[shuffle.length][];
        for (int i = 0; i < shuffle.length; i++) out[i] = shuffle[i].clone();
        return out;
    }

    /** Bytes that reducers on engine {@code to} fetched from mappers on engine {@code from}. */
    public long shuffledBytes(String from, String to) {
        int f = engines.indexOf(from), t = engines.indexOf(to);
        if (f < 0 || t < 0) throw new IllegalArgumentException("no engine named " + (f < 0 ? from : to) + " in this job: " + engines);
        return shuffle[f][t];
    }

    /** All bytes shuffled: the sum of the matrix, and {@link Progress#bytesShuffled()} of the same moment. */
    public long totalShuffled() {
        long n = 0;
        for (long[] row : shuffle) for (long b : row) n += b;
        return n;
    }

    @Override public String toString() {
        return "MapReduce timeline: " + intervals(Phase.MAP).size() + " map, " + intervals(Phase.REDUCE).size() + " reduce intervals on "
                + engines.size() + " engines, " + Progress.bytes(totalShuffled()) + " shuffled, " + elapsedNanos / 1_000_000 + " ms";
    }
}
