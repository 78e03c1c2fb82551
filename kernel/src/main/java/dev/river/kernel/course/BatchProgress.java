package dev.river.kernel.course;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of a grading batch: on a terminal one bar redrawn in place
 * ({@code [#####-----] 12/40 graded, 1 failed, 2 running, ~1m20s left}), elsewhere (a log, CI) one plain
 * line per finished submission. Time left is the mean time per submission so far, spread over the jobs.
 *
 * <p>Thread-safe: grading threads call {@link #finished} concurrently.
 */
final class BatchProgress {
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final long t0 = System.nanoTime();
    // guarded by this
    private int done;
    private int failed;
    private boolean drawn;

    BatchProgress(PrintStream out, boolean terminal, int total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    /** Whether this process writes to a terminal (a console, and TERM is not "dumb"). */
    static boolean onTerminal(PrintStream out) {
        return out == System.out && System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** One submission is graded; {@code line} says how it went. */
    synchronized void finished(String line, boolean failedOne) {
        done++;
        if (failedOne) failed++;
        if (terminal) {
            out.print("\r\033[K" + line + "\n" + bar());
            drawn = true;
        } else {
            out.println(String.format(Locale.ROOT, "[%d/%d] ", done, total) + line + "  (" + left() + ")");
        }
        out.flush();
    }

    /** Draws the empty bar at the start (on a terminal). */
    synchronized void start() {
        if (!terminal) return;
        out.print(bar());
        drawn = true;
        out.flush();
    }

    /** Ends the bar's line. */
    synchronized void end() {
        if (drawn) out.print("\r\033[K");
        out.flush();
    }

    private String bar() {
        int filled = total == 0 ? BAR : done * BAR / total;
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total + " graded, "
                + failed + " with problems, " + left();
    }

    private String left() {
        if (done == 0) return "time left unknown";
        if (done == total) return "done in " + duration((System.nanoTime() - t0) / 1e9);
        double per = (System.nanoTime() - t0) / 1e9 / done;
        return "~" + duration(per * (total - done)) + " left";
    }

    static String duration(double s) {
        long r = Math.round(s);
        return r >= 60 ? (r / 60) + "m" + String.format(Locale.ROOT, "%02d", r % 60) + "s" : r + "s";
    }
}
