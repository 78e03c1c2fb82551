package dev.river.checkpoint;

import dev.river.core.RiverException;

/**
 * A checkpoint could not be taken, read or restored: the message says which one, what went wrong
 * and what to do. A failed checkpoint leaves nothing behind (it is whole or absent) and the
 * application runs on; a failed restore starts nothing.
 *
 * <pre>{@code
 * try {
 *     checkpoints.restore(engines);
 * } catch (CheckpointException e) {
 *     System.err.println(e.getMessage());       // e.g. "... vr-1a2b3c4d.state is corrupt ..."
 *     checkpoints.restore(e.epoch() - 1, engines);
 * }
 * }</pre>
 */
public class CheckpointException extends RiverException {
    private static final long serialVersionUID = 1L;
    private final long epoch;

    public CheckpointException(long epoch, String message) {
        super(message);
        this.epoch = epoch;
    }

    public CheckpointException(long epoch, String message, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
    }

    /** The epoch concerned, or 0 if none was chosen yet. */
    public long epoch() {
        return epoch;
    }
}
