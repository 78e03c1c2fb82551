package dev.river.kernel.course;

/**
 * An assignment source whose markers are wrong (unpaired, nested, a malformed or repeated test header).
 * The message names the cell and the line, for example
 * {@code cell 4 (id 3f52a0c1), line 7: "// END SOLUTION" without a "// BEGIN SOLUTION" before it}.
 */
public final class MarkerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MarkerException(String message) {
        super(message);
    }
}
