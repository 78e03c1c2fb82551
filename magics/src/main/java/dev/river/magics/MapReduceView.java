package dev.river.magics;

import dev.river.mapreduce.Progress;

import java.util.Locale;

/**
 * A MapReduce job's progress below the running cell: a bar for the maps and one for the reduces, the
 * bytes shuffled, the time, and re-runs after lost engines; HTML in a notebook, one text line in a
 * console. Fed by {@code Running.onProgress} (which already throttles to every 100 ms).
 *
 * <pre>{@code
 * MapReduceView view = new MapReduceView(ctx.display(), "mapreduce on 2 engines");
 * job.start(trickle).onProgress(view::show);
 * }</pre>
 */
public final class MapReduceView {
    private final Display.Handle handle;
    private final String label;

    public MapReduceView(Display display, String label) {
        this.label = label;
        this.handle = display.show(Rich.text(label + ": starting"));
    }

    /** Redraws with {@code p}. */
    public void show(Progress p) {
        handle.update(render(label, p));
    }

    static Rich render(String label, Progress p) {
        String note = switch (p.state()) {
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
            case DONE -> "done";
            default -> null;
        };
        String text = label + ": " + p;
        String color = p.state() == Progress.State.FAILED || p.state() == Progress.State.CANCELLED ? "#d9534f" : "#4a90d9";
        StringBuilder html = new StringBuilder("<div class=\"river-mapreduce\" style=\"font-family:monospace\">");
        html.append("<div>").append(Table.escape(label)).append(note == null ? "" : " (" + note + ")").append("</div>");
        bar(html, "map", p.mapsDone(), p.mapsTotal(), color);
        bar(html, "reduce", p.reducesDone(), p.reducesTotal(), color);
        html.append("<div>shuffled ").append(Table.escape(Progress.bytes(p.bytesShuffled())))
                .append(String.format(Locale.ROOT, " &middot; %.1f s", p.elapsed().toMillis() / 1000.0));
        if (p.tasksRerun() > 0) html.append(" &middot; ").append(p.tasksRerun()).append(" task(s) re-run after a lost engine");
        if (p.reducersRestarted() > 0) html.append(" &middot; ").append(p.reducersRestarted()).append(" reducer(s) restarted");
        html.append("</div></div>");
        return Rich.of(text, html.toString());
    }

    private static void bar(StringBuilder html, String name, int done, int total, String color) {
        double frac = total == 0 ? 1 : (double) done / total;
        html.append("<div style=\"display:flex;align-items:center;gap:8px\"><span style=\"width:6em\">").append(name).append("</span>")
                .append("<div style=\"width:240px;height:12px;border:1px solid #999;border-radius:3px;overflow:hidden\">")
                .append("<div style=\"width:").append(String.format(Locale.ROOT, "%.1f", frac * 100)).append("%;height:100%;background:")
                .append(color).append("\"></div></div><span>").append(done).append('/').append(total).append("</span></div>");
    }
}
