package dev.river.core;

/**
 * A message this VR sent earlier could not be delivered (no such VR, or its VM is gone). Sends are
 * asynchronous, so the failure is raised by the sender's next {@code send}, {@code recv} or
 * {@code poll}.
 *
 * <pre>{@code
 * try { send(gone, "x", 1); recv(); } catch (UndeliverableException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class UndeliverableException extends RiverException {
    private static final long serialVersionUID = 1L;
    private final VrId destination;

    public UndeliverableException(VrId destination, String message) {
        super(message);
        this.destination = destination;
    }

    /** The VR the message was addressed to. */
    public VrId destination() {
        return destination;
    }
}
