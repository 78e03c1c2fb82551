package dev.river.core;

/**
 * No message matching the pattern arrived before the timeout passed.
 *
 * <pre>{@code
 * try { recv(Duration.ofSeconds(2), "tag", "result"); }
 * catch (RecvTimeoutException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class RecvTimeoutException extends RiverException {
    private static final long serialVersionUID = 1L;

    public RecvTimeoutException(String message) {
        super(message);
    }
}
