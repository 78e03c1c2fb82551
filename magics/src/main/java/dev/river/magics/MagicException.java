package dev.river.magics;

/**
 * A wrong use of a magic (bad argument, unknown name, missing engines): the kernel shows the message, and
 * the usage when there is one, never a stack trace.
 *
 * <pre>{@code
 * if (n < 1) throw new MagicException("start needs at least 1 engine, not " + n);
 * }</pre>
 */
public class MagicException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String usage;

    public MagicException(String message) {
        this(message, null);
    }

    /** A message and the usage text of the magic concerned (shown after the message). */
    public MagicException(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    /** The usage text of the magic that was misused, or null. */
    public String usage() {
        return usage;
    }

    /** The message followed by the usage, as the user sees it. */
    public String report() {
        return usage == null ? getMessage() : getMessage() + "\n\n" + usage.stripTrailing();
    }
}
