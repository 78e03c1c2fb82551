package dev.river.magics;

import dev.river.trickle.Work;
import picocli.CommandLine.Command;

/**
 * {@code %river timeline}: the task stream of the newest forkwork or map run from this notebook (by a
 * magic or by your own Java), drawn again. Java: {@code TaskStream.of(Work.latest())}; the data is
 * {@code Work.latest().tasks()}.
 *
 * <pre>{@code
 * %river timeline
 * }</pre>
 */
@Command(name = "timeline",
        description = "Draw the task stream (one lane per engine core, one bar per task) of the newest forkwork or map"
                + " run in this notebook, by a magic or by Java code. Its data: Work.latest().tasks().")
public final class TimelineMagic implements RiverMagic {
    @Override
    public Object run(MagicContext ctx) {
        Work<?> w = Work.latest();
        if (w == null) {
            throw new MagicException("no forkwork or map has run in this notebook yet: run %river forkwork, t.forkwork(...) or t.map(...) first");
        }
        return TaskStream.of(w);
    }
}
