package dev.river.mapreduce;

import dev.river.core.RiverException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A job that runs: its progress, its result, and a way to stop it.
 *
 * <pre>{@code
 * Running<Map<String, Long>> r = job.start(trickle);
 * r.onProgress(p -> System.out.print("\r" + p));          // map 5/8 (62%), shuffled 1.2 MB, reduce 0/4, 3.1 s
 * Map<String, Long> counts = r.result();                  // waits; interrupting the caller cancels the job
 * }</pre>
 *
 * @param <T> the result: the map of results ({@code start}) or the part files ({@code startToFiles})
 */
public final class Running<T> {
    private final Coordinator coordinator;

    Running(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    /** The newest job started in this JVM (for {@link #latest()}). */
    static volatile Running<?> latest;

    /**
     * The newest MapReduce job started in this JVM, by any session (running or ended), or null: what
     * a notebook's {@code %river timeline} draws when it is newer than the newest forkwork or map.
     */
    public static Running<?> latest() {
        return latest;
    }

    /**
     * Where and when the job's map, shuffle and reduce phases ran, and the bytes shuffled between
     * engines: final once the job has ended, at most 100 ms old while it runs.
     *
     * <pre>{@code
     * Running<Map<String, Long>> r = job.start(trickle);
     * r.result();
     * r.timeline().intervals(Timeline.Phase.MAP).size();   // one per split (more after a lost engine)
     * }</pre>
     */
    public Timeline timeline() {
        return coordinator.timeline();
    }

    /** Progress now. */
    public Progress progress() {
        return coordinator.progress();
    }

    /**
     * Registers a listener: it hears the progress now, then changes (at most every 100 ms, on the job's
     * coordinating thread: keep it quick), and the final state.
     */
    public Running<T> onProgress(Consumer<Progress> listener) {
        coordinator.addListener(listener);
        return this;
    }

    /**
     * Waits for the job and returns its result. Interrupting the waiting thread cancels the job on
     * every engine, and this throws with the thread's interrupt flag set.
     *
     * @throws MapReduceException if a map, combine or reduce function threw
     * @throws CancellationException if the job was cancelled
     * @throws RiverException if it could not complete (every engine lost, ...)
     */
    @SuppressWarnings("unchecked")
    public T result() {
        coordinator.checkNotCoordinator("result()");
        try {
            return (T) coordinator.result.get();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted: the MapReduce job was cancelled on every engine (" + progress() + ")", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new RiverException("MapReduce job failed: " + c, c);
        }
    }

    /**
     * Stops the job: running tasks are interrupted and every engine deletes the job's files. Returns
     * when the engines have acknowledged (or after a short timeout; at once when called from a progress
     * listener); {@link #result()} then throws {@link CancellationException}. Does nothing if the job
     * has ended.
     */
    public void cancel() {
        coordinator.cancel();
    }

    /** Whether the job has ended: done, failed or cancelled. */
    public boolean isDone() {
        return coordinator.result.isDone();
    }

    /** The result as a future (completing exceptionally as {@link #result()} would throw). */
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> future() {
        return (CompletableFuture<T>) coordinator.result.thenApply(x -> x);
    }

    @Override public String toString() {
        return "MapReduce job: " + progress();
    }
}
