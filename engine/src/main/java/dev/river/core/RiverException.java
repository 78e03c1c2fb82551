package dev.river.core;

/**
 * A River operation failed: the message says what went wrong and what to do about it.
 *
 * <pre>{@code
 * try { deploy(vms, Worker.class); } catch (RiverException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class RiverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RiverException(String message) {
        super(message);
    }

    public RiverException(String message, Throwable cause) {
        super(message, cause);
    }
}
