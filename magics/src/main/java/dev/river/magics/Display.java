package dev.river.magics;

/**
 * Output that appears while a cell runs and can be replaced in place (Jupyter's display_id): progress
 * bars, tables that fill in. The kernel implements it; {@link #NONE} discards everything (no notebook).
 *
 * <pre>{@code
 * Display.Handle h = ctx.display().show(Rich.text("working..."));
 * ...
 * h.update(Rich.text("done"));
 * }</pre>
 */
public interface Display {
    /** Shows {@code content} now, below the cell; the handle replaces it later. */
    Handle show(Rich content);

    /** One shown output. */
    interface Handle {
        /** Replaces the shown output with {@code content}. */
        void update(Rich content);
    }

    /** A display that shows nothing (for code running outside a notebook). */
    Display NONE = content -> update -> { };
}
