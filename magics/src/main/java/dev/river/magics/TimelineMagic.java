package dev.river.magics;

import dev.river.mapreduce.Running;
import dev.river.trickle.Work;
import picocli.CommandLine.Command;

/**
 * {@code %river timeline}: the picture of the newest job run from this notebook (by a magic or by your
 * own Java), drawn again: the task stream of a forkwork or map, or the phases and shuffle matrix of a
 * MapReduce job, whichever started last. Java: {@code TaskStream.of(Work.latest())} and
 * {@code MapReducePicture.of(Running.latest())}; the data is {@code Work.latest().tasks()} and
 * {@code Running.latest().timeline()}.
 *
 * <pre>{@code
 * %river timeline
 * }</pre>
 */
@Command(name = "timeline",
        description = "Draw the picture of the newest job run in this notebook, by a magic or by Java code: the task stream of a"
                + " forkwork or map (data: Work.latest().tasks()), or a MapReduce job's phases per engine and bytes shuffled"
                + " (data: Running.latest().timeline()).")
public final class TimelineMagic implements RiverMagic {
    @Override
    public Object run(MagicContext ctx) {
        return newest(Work.latest(), Running.latest());
    }

    /** The picture of whichever of the two started last. */
    static Rich newest(Work<?> work, Running<?> job) {
        if (work == null && job == null) {
            throw new MagicException("no forkwork, map or mapreduce has run in this notebook yet: run %river forkwork, %river mapreduce,"
                    + " t.forkwork(...), t.map(...) or a MapReduce job first");
        }
        // nanoTime differences, not values, compare safely
        if (job == null || (work != null && work.startedAt() - job.timeline().startedAt() > 0)) return TaskStream.of(work);
        return MapReducePicture.of(job);
    }
}
