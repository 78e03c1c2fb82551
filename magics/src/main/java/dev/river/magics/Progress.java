package dev.river.magics;

import java.util.Locale;

/**
 * A progress bar below the running cell, updated in place (at most every 100 ms, plus the final state):
 * HTML in a notebook, a text bar in a console.
 *
 * <pre>{@code
 * Progress p = Progress.start(ctx.display(), "forkwork", 1000, "items");
 * for (...) p.advance(1);
 * p.done();
 * }</pre>
 *
 * <p>Thread-safe: result threads call {@link #advance}, the cell thread calls {@link #done}.
 */
public final class Progress {
    private static final long MIN_UPDATE_NANOS = 100_000_000L;

    private final Display.Handle handle;
    private final String label;
    private final String unit;
    private final long total;
    private final long startNanos = System.nanoTime();
    // guarded by this
    private long done;
    private long lastShown;
    private boolean finished;

    private Progress(Display display, String label, long total, String unit) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.handle = display.show(render(0, 0, null));
    }

    /** Shows a bar at 0 of {@code total}. */
    public static Progress start(Display display, String label, long total, String unit) {
        return new Progress(display, label, total, unit);
    }

    /** Counts {@code n} more units done; redraws if the last redraw is old enough. */
    public void advance(long n) {
        Rich r = null;
        synchronized (this) {
            if (finished) return;
            done = Math.min(total, done + n);
            long now = System.nanoTime();
            if (now - lastShown >= MIN_UPDATE_NANOS || done == total) {
                lastShown = now;
                r = render(done, now - startNanos, null);
            }
        }
        if (r != null) handle.update(r);
    }

    /** Sets the count (for sources that report totals rather than increments). */
    public void set(long count) {
        long delta;
        synchronized (this) {
            delta = count - done;
        }
        if (delta > 0) advance(delta);
    }

    /** Draws the final state: complete. */
    public void done() {
        finish(null);
    }

    /** Draws the final state with a note, e.g. "interrupted" or "failed". */
    public void finish(String note) {
        Rich r;
        synchronized (this) {
            if (finished) return;
            finished = true;
            r = render(note == null ? total : done, System.nanoTime() - startNanos, note);
        }
        handle.update(r);
    }

    public synchronized long count() {
        return done;
    }

    private Rich render(long n, long nanos, String note) {
        double frac = total == 0 ? 1 : (double) n / total;
        int width = 30;
        int full = (int) Math.round(frac * width);
        String secs = String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        String status = n + "/" + total + " " + unit + "  " + secs + (note == null ? "" : "  (" + note + ")");
        String text = String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s", label, "#".repeat(full), "-".repeat(width - full),
                (int) Math.floor(frac * 100), status);
        String color = note == null ? "#4a90d9" : "#d9534f";
        String html = "<div class=\"river-progress\" style=\"font-family:monospace;display:flex;align-items:center;gap:8px\">"
                + "<span>" + Table.escape(label) + "</span>"
                + "<div style=\"width:240px;height:12px;border:1px solid #999;border-radius:3px;overflow:hidden\">"
                + "<div style=\"width:" + String.format(Locale.ROOT, "%.1f", frac * 100) + "%;height:100%;background:" + color + "\"></div></div>"
                + "<span>" + (int) Math.floor(frac * 100) + "%  " + Table.escape(status) + "</span></div>";
        return Rich.of(text, html);
    }
}
