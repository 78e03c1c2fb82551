package dev.river.mapreduce;

/**
 * MapReduce's messages. Every message has the attribute {@code mr}, its kind; the rest depends on it.
 * Attempts number the runs of a map task or a reducer; anything from a superseded attempt is ignored.
 *
 * <pre>
 * driver  -> mapper   TASK task attempt split         run a map task
 *                     END                             the job is over: stop tasks, delete outputs, answer ENDED
 * reducer -> mapper   FETCH id task part offset       up to CHUNK_BYTES of a task's segment for a partition
 * mapper  -> reducer  CHUNK id data last | missing    the bytes; missing: this mapper has no such output
 * mapper  -> driver   MAPPED task attempt lengths:long[] records:long[] read emitted
 *                     MAPFAIL task attempt where error
 * driver  -> reducer  ASSIGN part attempt             your partition (first message)
 *                     AVAIL task attempt mapper len   a map output to fetch (len 0: nothing for you)
 *                     LOST tasks:int[]                outputs gone with their engine: drop partial fetches
 *                     END                             stop now, delete local files, answer ENDED
 * reducer -> driver   FETCHED part attempt bytes mapper   one segment fetched (progress, shuffle matrix)
 *                     RESULT part attempt keys vals   results, in key order (run, not runToFiles)
 *                     REDUCED part attempt keys reduceNanos   done; reduceNanos: time spent merging and reducing
 *                     REDFAIL part attempt where error
 * both    -> driver   PING / ENDED                    idle check (answered by PONG) / clean end
 * driver  -> itself   LOSTVM vm | CANCEL              from the discovery thread / a cancelling caller
 * </pre>
 */
final class Wire {
    private Wire() {}

    static final String KIND = "mr";

    static final int TASK = 1, END = 2, FETCH = 3, CHUNK = 4, MAPPED = 5, MAPFAIL = 6, ASSIGN = 7, AVAIL = 8, LOST = 9,
            FETCHED = 10, RESULT = 11, REDUCED = 12, REDFAIL = 13, PING = 14, PONG = 15, ENDED = 16, LOSTVM = 17, CANCEL = 18;

    /** Largest piece of a segment per CHUNK message. */
    static final int CHUNK_BYTES = 1 << 20;

    /** A VR with nothing to do for this long asks the driver whether it still lives; it ends after twice that. */
    static final java.time.Duration IDLE = java.time.Duration.ofSeconds(Long.getLong("river.mapreduce.idle.s", 30));
}
