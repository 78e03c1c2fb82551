package dev.river.trickle;

import dev.river.core.RiverException;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A running {@code forkwork} or {@code map}: its progress, its results, and a way to stop it. The
 * blocking {@link Trickle#forkwork} and {@link Trickle#map} are {@code forkworkAsync(...).results()}
 * and {@code mapAsync(...).results()}.
 *
 * <pre>{@code
 * Work<Long> w = t.forkworkAsync(chunk -> chunk.stream().mapToLong(i -> i).sum(), items, 1000);
 * w.onProgress((done, total, failed) -> System.out.printf("\r%d/%d", done, total));
 * List<Long> sums = w.results();           // waits; interrupting the caller cancels the work
 * }</pre>
 *
 * <p>Progress counts input items (for forkwork, the items of the finished chunks).
 *
 * @param <R> one result per chunk (forkwork) or per item (map)
 */
public final class Work<R> {
    /** Called on Trickle's dispatcher thread, at most every 50 ms and once at the end: keep it quick. */
    @FunctionalInterface
    public interface Listener {
        void progress(int done, int total, int failed);
    }

    /** The newest forkwork or map of this JVM (for {@link #latest()}). */
    static volatile Work<?> latest;

    private final Job job;
    private final Dispatcher dispatcher;

    Work(Job job, Dispatcher dispatcher) {
        this.job = job;
        this.dispatcher = dispatcher;
    }

    /**
     * The newest {@code forkwork} or {@code map} started in this JVM, by any session (running or
     * finished), or null: what a notebook's {@code %river timeline} draws.
     */
    public static Work<?> latest() {
        return latest;
    }

    /** {@code "forkwork"} or {@code "map"}. */
    public String operation() {
        return job.operation;
    }

    /**
     * The tasks finished so far, in the order they finished: where and when each ran (the first
     * 100,000; later ones count in the progress but are not recorded).
     */
    public List<TaskRecord> tasks() {
        return job.log.snapshot();
    }

    /** {@code System.nanoTime()} when the work started: orders it against other work of this JVM. */
    public long startedAt() {
        return job.log.start();
    }

    /** Nanoseconds from the work's start to its end, or to now while it runs (the clock of {@link TaskRecord}'s times). */
    public long elapsedNanos() {
        return job.log.elapsed();
    }

    /** Input items. */
    public int total() {
        return job.totalItems();
    }

    /** Items finished so far, failed ones included. */
    public int done() {
        return job.doneItems();
    }

    /** Items whose task failed so far. */
    public int failed() {
        return job.failedItems();
    }

    public boolean isDone() {
        return job.finished.isDone();
    }

    public boolean isCancelled() {
        return job.isCancelled();
    }

    /** Registers a listener; it hears the current progress at once, then every change (throttled). */
    public Work<R> onProgress(Listener listener) {
        dispatcher.addListener(job, listener);
        return this;
    }

    /**
     * Stops the work: queued tasks are dropped, running ones interrupted; {@link #results()} then
     * throws. Returns once the work is marked cancelled (or had finished).
     */
    public void cancel() {
        dispatcher.cancel(job, job.operation + " was cancelled (" + done() + " of " + total() + " items done)");
        job.awaitFinished();
    }

    /**
     * Waits for the work to finish and returns the results in input order. Interrupting the waiting
     * thread cancels the work.
     *
     * @throws TaskFailedException if tasks threw (after all others finished; partial results inside)
     * @throws CancellationException if the work was cancelled
     * @throws RiverException if it could not finish (every engine lost, session closed) or on interrupt
     */
    public List<R> results() {
        try {
            job.finished.get();
        } catch (Error e) {
            // Thread.stop (JShell's stop of a notebook cell on Java 17) ends the wait with ThreadDeath, not
            // an interrupt: cancel the work anyway, or it keeps every engine busy for the next jobs. Only
            // hand the cancel over: this thread is going away.
            if (!job.finished.isDone()) {
                dispatcher.cancel(job, job.operation + " was cancelled: its caller stopped (" + e.getClass().getSimpleName()
                        + ") with " + done() + " of " + total() + " items done");
            }
            throw e;
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted: " + job.operation + " cancelled with " + done() + " of " + total()
                    + " items done", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("unexpected", e.getCause());
        }
        return outcome();
    }

    /** The results as a future (completing exceptionally as {@link #results()} would throw). */
    public CompletableFuture<List<R>> future() {
        return job.finished.thenApply(v -> outcome());
    }

    @SuppressWarnings("unchecked")
    private List<R> outcome() {
        RiverException why = job.terminal();
        if (job.isCancelled()) {
            CancellationException c = new CancellationException(why == null ? "cancelled" : why.getMessage());
            throw c;
        }
        if (why != null) throw new RiverException(why.getMessage(), why);
        List<TaskFailedException.Failure> failures = job.failures();
        if (!failures.isEmpty()) {
            throw new TaskFailedException(job.operation, job.kind.unit, job.total, failures, job.results());
        }
        return (List<R>) job.results();
    }

    @Override public String toString() {
        return job.operation + " " + done() + "/" + total() + (failed() > 0 ? " (" + failed() + " failed)" : "")
                + (isCancelled() ? " cancelled" : isDone() ? " done" : " running");
    }
}
