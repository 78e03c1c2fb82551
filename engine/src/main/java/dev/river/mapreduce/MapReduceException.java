package dev.river.mapreduce;

import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;

/**
 * A job's own code failed on an engine: the map, combine, reduce or partition function threw (or a
 * key or value could not be serialized). The message names the function and where it failed (the
 * split and the line or item, or the key); the cause is the remote exception with the engine's stack
 * trace. The job was stopped on every engine.
 *
 * <pre>{@code
 * try { job.run(trickle); }
 * catch (MapReduceException e) {
 *     System.err.println(e.function() + " failed at " + e.where());     // map failed at split 3 of 8 (...), the line at byte 1234 (...)
 *     e.getCause().printStackTrace();                                     // where, on the engine
 * }
 * }</pre>
 */
public final class MapReduceException extends RiverException {
    private static final long serialVersionUID = 1L;
    private final String function;
    private final String where;

    MapReduceException(String function, String where, RemoteVrException cause) {
        super("MapReduce job failed: " + function + " threw " + cause.remoteClassName()
                + (cause.remoteMessage() == null ? "" : ": " + cause.remoteMessage()) + "\n  at " + where, cause);
        this.function = function;
        this.where = where;
    }

    /** Which function failed: {@code map}, {@code combine}, {@code reduce}, {@code partition}, ... */
    public String function() {
        return function;
    }

    /** Where: the split and the line or item, or the key and partition. */
    public String where() {
        return where;
    }

    /** The exception as it was thrown on the engine (class name, message, stack trace). */
    @Override
    public synchronized RemoteVrException getCause() {
        return (RemoteVrException) super.getCause();
    }
}
