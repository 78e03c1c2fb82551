package dev.river.magics;

import dev.river.trickle.Work;

/**
 * A task-stream picture below the running cell, redrawn in place while the work runs (at most every
 * half second, redrawing a picture costs more than a progress bar) and once at the end.
 *
 * <p>Thread-safe: Trickle's dispatcher thread calls {@link #progress}, the cell thread {@link #done}.
 */
final class LiveTaskStream {
    private static final long MIN_UPDATE_NANOS = 500_000_000L;

    private final Work<?> work;
    private final Display.Handle handle;
    // guarded by this
    private long lastShown = System.nanoTime();
    private boolean finished;

    private LiveTaskStream(Display display, Work<?> work) {
        this.work = work;
        this.handle = display.show(TaskStream.of(work));
    }

    /** Shows the picture of {@code work} and keeps it current as progress is reported. */
    static LiveTaskStream follow(Display display, Work<?> work) {
        LiveTaskStream l = new LiveTaskStream(display, work);
        work.onProgress((done, total, failed) -> l.progress());
        return l;
    }

    private void progress() {
        synchronized (this) {
            long now = System.nanoTime();
            if (finished || now - lastShown < MIN_UPDATE_NANOS) return;
            lastShown = now;
        }
        handle.update(TaskStream.of(work));
    }

    /** Draws the final picture. */
    void done() {
        synchronized (this) {
            if (finished) return;
            finished = true;
        }
        handle.update(TaskStream.of(work));
    }
}
