package dev.river.mapreduce;

import java.io.Serializable;
import java.util.Comparator;
import java.util.UUID;

/**
 * What the engines need to know of a job: its functions (shipped by code shipping) and settings. The
 * driver sends it as a deploy argument to every mapper and reducer.
 *
 * @param job          the job's id (names its directory on each engine)
 * @param partitions   R, the number of reduce partitions
 * @param maps         M, the number of map tasks (splits)
 * @param input        how map tasks read their split
 * @param mapBuffer    bytes a map task buffers before spilling; 0: automatic (from the engine's heap)
 * @param reduceBuffer bytes a reducer keeps fetched segments in memory before merging them to disk; 0: automatic
 * @param outputDir    where reducers write {@code part-NNNNN}, or null to send results to the driver
 */
record Spec(UUID job, int partitions, int maps, Input input,
            Mapper<Object, Object, Object> mapper, Combiner<Object> combiner, Partitioner<Object> partitioner,
            Reducer<Object, Object, Object> reducer, Comparator<Object> keyOrder,
            long mapBuffer, long reduceBuffer, String outputDir) implements Serializable {

    /** What a map task's records are. */
    enum Input { LINES, FILE_LINES, ITEMS }

    String shortId() {
        return job.toString().substring(0, 8);
    }
}
