package dev.river.trickle;

import dev.river.core.RiverException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The pending result of one task started by {@link Trickle#fork} or {@link Vm#submit}.
 *
 * <pre>{@code
 * List<Handle<Integer>> hs = t.fork(t.vms(), x -> x + 10, List.of(1, 2));
 * Handle<Integer> first = t.joinAny(hs);   // whichever finishes first
 * System.out.println(first.get() + " from " + first.vm());
 * }</pre>
 *
 * @param <R> the task's result
 */
public final class Handle<R> {
    private final Job job;
    private final int index;
    private final Vm vm;
    private final Dispatcher dispatcher;

    Handle(Job job, int index, Vm vm, Dispatcher dispatcher) {
        this.job = job;
        this.index = index;
        this.vm = vm;
        this.dispatcher = dispatcher;
    }

    /**
     * Waits for the result.
     *
     * @throws TaskFailedException if the task threw (with the remote stack trace)
     * @throws RiverException if it could not run (every engine lost, session closed, cancelled), or on interrupt
     */
    @SuppressWarnings("unchecked")
    public R get() {
        try {
            return (R) job.handles[index].get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for " + this, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    RuntimeException failure(Throwable cause) {
        if (cause instanceof Job.Failed f) {
            return new TaskFailedException(job.operation, job.kind.unit, 1, java.util.List.of(f.failure), null);
        }
        return new RiverException(cause.getMessage(), cause);
    }

    public boolean isDone() {
        return job.handles[index].isDone();
    }

    /** The engine the task was sent to (it runs elsewhere if that engine dies). */
    public Vm vm() {
        return vm;
    }

    /** The task's position in its fork. */
    public int index() {
        return index;
    }

    /** Cancels the fork this handle belongs to: all of its unfinished tasks. */
    public void cancel() {
        dispatcher.cancel(job, job.operation + " was cancelled");
    }

    /** The result as a future; it completes exceptionally as {@link #get()} would throw. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<R> future() {
        return job.handles[index].handle((v, err) -> {
            if (err != null) throw failure(err instanceof java.util.concurrent.CompletionException c ? c.getCause() : err);
            return (R) v;
        });
    }

    CompletableFuture<Object> raw() {
        return job.handles[index];
    }

    Job job() {
        return job;
    }

    @Override public String toString() {
        return job.operation + " task " + index + " on " + vm.name() + (isDone() ? " (done)" : "");
    }
}
