package dev.river.magics;

import dev.river.mapreduce.Progress;
import dev.river.mapreduce.Running;
import dev.river.mapreduce.Timeline;
import dev.river.mapreduce.Timeline.Interval;
import dev.river.mapreduce.Timeline.Phase;
import dev.river.mapreduce.Timeline.Status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.river.magics.Json.obj;

/**
 * The picture of a MapReduce job: its map, shuffle and reduce phases per engine over time (tasks that
 * overlap on an engine get lanes of their own), and a heatmap of the bytes shuffled from each engine to
 * each engine. Vega-Lite for notebooks, SVG in the same bundle for nbconvert and GitHub.
 *
 * <pre>{@code
 * Running<Map<String, Long>> r = job.start(trickle);
 * r.result();
 * MapReducePicture.of(r)           // as a cell's value: the picture
 * }</pre>
 *
 * The data behind it is {@link Running#timeline()}, for plots of your own.
 */
public final class MapReducePicture {
    /** At most this many bars are drawn; the text says when there were more. */
    static final int MAX_BARS = 2000;
    private static final Map<String, String> FILLS = new LinkedHashMap<>();

    static {
        FILLS.put("map", "#4a90d9");
        FILLS.put("shuffle", "#f0ad4e");
        FILLS.put("reduce", "#5cb85c");
        FILLS.put("failed", "#d9534f");
        FILLS.put("lost", "#999999");
    }

    private MapReducePicture() {}

    /** The picture of {@code job} now (final once it has ended). */
    public static Rich of(Running<?> job) {
        return of(job.timeline());
    }

    /** The picture of a timeline. */
    public static Rich of(Timeline tl) {
        List<Interval> drawn = tl.intervals().size() > MAX_BARS ? tl.intervals().subList(0, MAX_BARS) : tl.intervals();
        Map<Interval, String> lanes = lanes(drawn, tl.engines());
        List<String> order = order(lanes, tl.engines());
        double endMs = Math.max(tl.elapsedNanos() / 1e6, drawn.stream().mapToDouble(Interval::endMillis).max().orElse(0));
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Rich.TEXT, summary(tl, endMs));
        data.put(Rich.VEGA_LITE, vegaLite(tl, drawn, lanes, order, endMs));
        data.put(Rich.SVG, svg(tl, drawn, lanes, order, endMs));
        return new Rich(data);
    }

    /** Each interval's lane: its engine and the first slot there free when it starts (intervals come in order of start). */
    static Map<Interval, String> lanes(List<Interval> intervals, List<String> engines) {
        Map<String, List<Long>> slotEnds = new LinkedHashMap<>();
        Map<Interval, String> out = new LinkedHashMap<>();
        for (Interval i : intervals) {
            List<Long> ends = slotEnds.computeIfAbsent(i.engine(), e -> new ArrayList<>());
            int slot = 0;
            while (slot < ends.size() && ends.get(slot) > i.startNanos()) slot++;
            if (slot == ends.size()) ends.add(i.endNanos());
            else ends.set(slot, i.endNanos());
            out.put(i, i.engine() + " · " + slot);
        }
        return out;
    }

    /** Lanes in the order of the job's engines, then slots. */
    private static List<String> order(Map<Interval, String> lanes, List<String> engines) {
        List<String> out = new ArrayList<>();
        for (String e : engines) {
            for (int slot = 0; lanes.containsValue(e + " · " + slot); slot++) out.add(e + " · " + slot);
        }
        return out;
    }

    private static String category(Interval i) {
        return switch (i.status()) {
            case FAILED -> "failed";
            case LOST -> "lost";
            default -> i.phase().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String describe(Interval i) {
        String what = i.phase() == Phase.MAP ? "map task " + i.index() : i.phase().name().toLowerCase(Locale.ROOT) + " of partition " + i.index();
        return String.format(Locale.ROOT, "%s%s on %s: %.1f ms%s", what, i.attempt() > 1 ? " (attempt " + i.attempt() + ")" : "", i.engine(),
                i.endMillis() - i.startMillis(), i.status() == Status.OK ? "" : " (" + i.status().name().toLowerCase(Locale.ROOT) + ")");
    }

    private static String summary(Timeline tl, double endMs) {
        String s = String.format(Locale.ROOT, "mapreduce timeline: %d map, %d shuffle, %d reduce interval(s) on %d engine(s) in %.0f ms, %s shuffled",
                tl.intervals(Phase.MAP).size(), tl.intervals(Phase.SHUFFLE).size(), tl.intervals(Phase.REDUCE).size(), tl.engines().size(),
                endMs, Progress.bytes(tl.totalShuffled()));
        long bad = tl.intervals().stream().filter(i -> i.status() == Status.FAILED || i.status() == Status.LOST).count();
        if (bad > 0) s += ", " + bad + " failed or lost";
        if (tl.intervals().size() > MAX_BARS) s += " (the first " + MAX_BARS + " drawn)";
        return s;
    }

    private static String vegaLite(Timeline tl, List<Interval> drawn, Map<Interval, String> lanes, List<String> order, double endMs) {
        List<Map<String, Object>> rows = new ArrayList<>(drawn.size());
        for (Interval i : drawn) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("lane", lanes.get(i));
            v.put("engine", i.engine());
            v.put("phase", category(i));
            v.put("index", i.index());
            v.put("attempt", i.attempt());
            v.put("start", i.startMillis());
            v.put("end", LaneChart.visibleEnd(i.startMillis(), i.endMillis(), endMs));
            v.put("ms", i.endMillis() - i.startMillis());
            v.put("status", i.status().name().toLowerCase(Locale.ROOT));
            rows.add(v);
        }
        Map<String, Object> phases = LaneChart.vegaLite("map, shuffle and reduce per engine", "engine", order, endMs, "ms since start", rows,
                obj("field", "phase", "type", "nominal", "title", "phase",
                        "scale", obj("domain", List.copyOf(FILLS.keySet()), "range", List.copyOf(FILLS.values()))),
                List.of(obj("field", "phase", "type", "nominal"), obj("field", "index", "type", "quantitative", "title", "task or partition"),
                        obj("field", "engine", "type", "nominal"), obj("field", "ms", "type", "quantitative", "format", ".1f"),
                        obj("field", "status", "type", "nominal")));
        phases.remove("$schema");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", LaneChart.SCHEMA);
        spec.put("title", "mapreduce timeline");
        spec.put("vconcat", List.of(phases, shuffle(tl).vegaLite()));
        spec.put("resolve", obj("scale", obj("color", "independent")));
        return Json.write(spec);
    }

    /** Bytes shuffled from engine to engine. */
    private static Heatmap shuffle(Timeline tl) {
        long[][] m = tl.shuffleMatrix();
        return new Heatmap("bytes shuffled between engines (" + Progress.bytes(tl.totalShuffled()) + ")", "from (mapper's engine)",
                "to (reducer's engine)", tl.engines(), m, "bytes", (f, t) -> Progress.bytes(m[f][t]));
    }

    private static String svg(Timeline tl, List<Interval> drawn, Map<Interval, String> lanes, List<String> order, double endMs) {
        int chart = LaneChart.svgHeight(order.size());
        Heatmap shuffle = shuffle(tl);
        Svg s = new Svg(Math.max(LaneChart.LEFT + LaneChart.PLOT_W + LaneChart.RIGHT, shuffle.svgWidth()), chart + 20 + shuffle.svgHeight());
        List<LaneChart.Bar> bars = new ArrayList<>(drawn.size());
        for (Interval i : drawn) bars.add(new LaneChart.Bar(lanes.get(i), i.startMillis(), i.endMillis(), FILLS.get(category(i)), describe(i)));
        LaneChart.svg(s, 0, "map, shuffle and reduce per engine", order, bars, endMs, "ms since start");
        LaneChart.legend(s, chart + 6, FILLS);
        shuffle.svg(s, chart + 20);
        return s.toString();
    }
}
