package dev.river.magics;

import dev.river.trickle.TaskRecord;
import dev.river.trickle.Work;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.river.magics.Json.obj;

/**
 * The task stream of a Trickle {@code forkwork} or {@code map}: one lane per engine core, one bar per
 * task from its start to its end, red where it failed. A notebook draws it with Vega-Lite (tooltips
 * name each task's items); the same bundle holds an SVG for nbconvert, GitHub and other viewers.
 *
 * <pre>{@code
 * Work<Long> w = t.forkworkAsync(sums, items, 100);
 * w.results();
 * TaskStream.of(w)                 // as a cell's value: the picture
 * }</pre>
 *
 * The data behind it is {@link Work#tasks()}, for plots of your own.
 */
public final class TaskStream {
    /** At most this many bars are drawn; the text says when there were more. */
    static final int MAX_BARS = 2000;
    private static final String OK = "#4a90d9";
    private static final String FAILED = "#d9534f";

    private TaskStream() {}

    /** The picture of {@code work} so far (or finished). */
    public static Rich of(Work<?> work) {
        return of(work.operation(), work.tasks(), work.elapsedNanos());
    }

    /**
     * The picture of some tasks.
     *
     * @param title        what ran, e.g. {@code forkwork}
     * @param tasks        the tasks, times relative to the start
     * @param elapsedNanos how long the work has run (the time axis reaches at least this far)
     */
    public static Rich of(String title, List<TaskRecord> tasks, long elapsedNanos) {
        List<TaskRecord> drawn = tasks.size() > MAX_BARS ? tasks.subList(0, MAX_BARS) : tasks;
        List<String> lanes = lanes(drawn);
        double endMs = Math.max(elapsedNanos / 1e6, drawn.stream().mapToDouble(TaskRecord::endMillis).max().orElse(0));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Rich.TEXT, summary(title, tasks, lanes.size(), endMs));
        data.put(Rich.VEGA_LITE, vegaLite(title, drawn, lanes, endMs));
        data.put(Rich.SVG, svg(title, drawn, lanes, endMs));
        return new Rich(data);
    }

    private static String lane(TaskRecord r) {
        return r.engine() + " · core " + r.core();
    }

    /** Lanes in order: engines by name, then cores. */
    private static List<String> lanes(List<TaskRecord> tasks) {
        TreeMap<String, Integer> cores = new TreeMap<>();
        for (TaskRecord r : tasks) cores.merge(r.engine(), r.core() + 1, Math::max);
        List<String> out = new ArrayList<>();
        cores.forEach((engine, n) -> {
            for (int c = 0; c < n; c++) out.add(engine + " · core " + c);
        });
        return out;
    }

    private static String summary(String title, List<TaskRecord> tasks, int lanes, double endMs) {
        long failed = tasks.stream().filter(r -> r.status() == TaskRecord.Status.FAILED).count();
        long engines = tasks.stream().map(TaskRecord::engine).distinct().count();
        double busy = tasks.stream().mapToDouble(r -> r.endMillis() - r.startMillis()).sum();
        String s = String.format(Locale.ROOT, "%s task stream: %d task%s on %d engine%s (%d lane%s) in %.0f ms, lanes %.0f%% busy",
                title, tasks.size(), tasks.size() == 1 ? "" : "s", engines, engines == 1 ? "" : "s", lanes, lanes == 1 ? "" : "s",
                endMs, lanes == 0 || endMs <= 0 ? 0.0 : 100 * busy / (lanes * endMs));
        if (failed > 0) s += ", " + failed + " failed";
        if (tasks.size() > MAX_BARS) s += " (the first " + MAX_BARS + " drawn)";
        return s;
    }

    private static String vegaLite(String title, List<TaskRecord> tasks, List<String> lanes, double endMs) {
        List<Map<String, Object>> values = new ArrayList<>(tasks.size());
        for (TaskRecord r : tasks) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("lane", lane(r));
            v.put("engine", r.engine());
            v.put("task", r.task());
            v.put("items", r.firstItem() == r.lastItem() ? String.valueOf(r.firstItem()) : r.firstItem() + "–" + r.lastItem());
            v.put("start", r.startMillis());
            v.put("end", LaneChart.visibleEnd(r.startMillis(), r.endMillis(), endMs));
            v.put("ms", r.endMillis() - r.startMillis());
            v.put("status", r.status() == TaskRecord.Status.OK ? "ok" : "failed");
            values.add(v);
        }
        return Json.write(LaneChart.vegaLite(title + " task stream", "engine and core", lanes, endMs, "ms since start", values,
                obj("field", "status", "type", "nominal", "title", "status",
                        "scale", obj("domain", List.of("ok", "failed"), "range", List.of(OK, FAILED))),
                List.of(obj("field", "task", "type", "quantitative"), obj("field", "items", "type", "nominal"),
                        obj("field", "engine", "type", "nominal"), obj("field", "ms", "type", "quantitative", "format", ".1f"),
                        obj("field", "status", "type", "nominal"))));
    }

    private static String svg(String title, List<TaskRecord> tasks, List<String> lanes, double endMs) {
        Svg s = new Svg(LaneChart.LEFT + LaneChart.PLOT_W + LaneChart.RIGHT, LaneChart.svgHeight(lanes.size()));
        List<LaneChart.Bar> bars = new ArrayList<>(tasks.size());
        for (TaskRecord r : tasks) {
            bars.add(new LaneChart.Bar(lane(r), r.startMillis(), r.endMillis(), r.status() == TaskRecord.Status.OK ? OK : FAILED,
                    String.format(Locale.ROOT, "task %d, items %d-%d on %s: %.1f ms%s", r.task(), r.firstItem(), r.lastItem(),
                            r.engine(), r.endMillis() - r.startMillis(), r.status() == TaskRecord.Status.OK ? "" : " (failed)")));
        }
        LaneChart.svg(s, 0, title + " task stream", lanes, bars, endMs, "ms since start");
        return s.toString();
    }
}
