package dev.river.kernel;

import java.util.List;

/**
 * A cell that failed: what Jupyter shows as the error output ({@code ename}, {@code evalue}, and the
 * traceback lines, which may carry ANSI colours). Compile errors, exceptions from the cell's code, wrong
 * magic arguments and interrupts all end up as one of these, and the kernel keeps running.
 */
final class CellError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final String RED = "\u001b[0;31m";
    static final String BOLD_RED = "\u001b[1;31m";
    static final String GREEN = "\u001b[0;32m";
    static final String RESET = "\u001b[0m";

    private final String ename;
    private final List<String> traceback;

    CellError(String ename, String evalue, List<String> traceback) {
        super(evalue);
        this.ename = ename;
        this.traceback = List.copyOf(traceback);
    }

    static CellError interrupted() {
        return new CellError("Interrupted", "the cell was interrupted",
                List.of(BOLD_RED + "Interrupted" + RESET + ": the cell was stopped (its output so far is above); the kernel is ready"));
    }

    String ename() {
        return ename;
    }

    String evalue() {
        return getMessage() == null ? "" : getMessage();
    }

    List<String> traceback() {
        return traceback;
    }

    /** The traceback as plain text (no colours), for logs and tests. */
    String plain() {
        return String.join("\n", traceback).replaceAll("\u001b\\[[0-9;]*m", "");
    }
}
