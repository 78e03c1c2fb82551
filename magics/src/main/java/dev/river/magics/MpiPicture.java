package dev.river.magics;

import dev.river.mapreduce.Progress;
import dev.river.mpi.Traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.river.magics.Json.obj;

/**
 * The picture of an rMPI job's traffic: a heatmap of the bytes (and messages) each rank sent each rank,
 * and the time per collective: a bar for the mean time per rank, a tick for each rank (a tick far from
 * the others is a rank the rest waited for, or that waited for them). Vega-Lite with an SVG in the
 * same bundle.
 *
 * <pre>{@code
 * Mpirun.Result r = Mpirun.options().np(4).run(Ring.class);
 * MpiPicture.of(r.traffic())            // as a cell's value: the picture
 * }</pre>
 */
public final class MpiPicture {
    private static final String BAR = "#4a90d9", TICK = "#333333";
    private static final int ROW_H = 24;

    private MpiPicture() {}

    public static Rich of(Traffic t) {
        Heatmap matrix = matrix(t);
        Map<String, List<Traffic.Collective>> byName = new TreeMap<>();
        for (Traffic.Collective c : t.collectives()) byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Rich.TEXT, summary(t, byName));
        data.put(Rich.VEGA_LITE, vegaLite(t, matrix, byName));
        data.put(Rich.SVG, svg(matrix, byName));
        return new Rich(data);
    }

    private static Heatmap matrix(Traffic t) {
        List<String> ranks = new ArrayList<>();
        for (int r = 0; r < t.ranks(); r++) ranks.add("rank " + r);
        return new Heatmap("bytes sent between ranks (" + Progress.bytes(t.totalBytes()) + " in " + t.totalMessages() + " messages)",
                "from", "to", ranks, t.byteMatrix(), "bytes",
                (f, to) -> t.messages(f, to) == 0 ? "" : Progress.bytes(t.bytes(f, to)) + " / " + t.messages(f, to));
    }

    private static double meanMs(List<Traffic.Collective> cs) {
        return cs.stream().mapToLong(Traffic.Collective::nanos).sum() / 1e6 / Math.max(1, cs.size());
    }

    private static String summary(Traffic t, Map<String, List<Traffic.Collective>> byName) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "mpirun traffic: %d rank(s), %d message(s), %s",
                t.ranks(), t.totalMessages(), Progress.bytes(t.totalBytes())));
        byName.forEach((name, cs) -> s.append(String.format(Locale.ROOT, "; %s %d call(s), %.1f ms per rank", name,
                cs.stream().mapToLong(Traffic.Collective::calls).sum(), meanMs(cs))));
        return s.toString();
    }

    private static String vegaLite(Traffic t, Heatmap matrix, Map<String, List<Traffic.Collective>> byName) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Traffic.Collective> cs : byName.values()) {
            for (Traffic.Collective c : cs) rows.add(obj("collective", c.name(), "rank", c.rank(), "calls", c.calls(), "ms", c.nanos() / 1e6));
        }
        List<String> names = new ArrayList<>(byName.keySet());
        Map<String, Object> y = obj("field", "collective", "type", "nominal", "sort", names, "title", null);
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("title", "time per collective (bar: mean per rank; ticks: each rank)");
        times.put("width", 400);
        times.put("height", Math.max(40, ROW_H * names.size()));
        times.put("data", obj("values", rows));
        times.put("layer", List.of(
                obj("mark", obj("type", "bar", "color", BAR), "encoding", obj("y", y,
                        "x", obj("aggregate", "mean", "field", "ms", "type", "quantitative", "title", "ms"))),
                obj("mark", obj("type", "tick", "color", TICK), "encoding", obj("y", y,
                        "x", obj("field", "ms", "type", "quantitative"),
                        "tooltip", List.of(obj("field", "collective", "type", "nominal"), obj("field", "rank", "type", "quantitative"),
                                obj("field", "calls", "type", "quantitative"), obj("field", "ms", "type", "quantitative", "format", ".2f"))))));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", LaneChart.SCHEMA);
        spec.put("title", "mpirun traffic");
        spec.put("vconcat", List.of(matrix.vegaLite(), times));
        spec.put("resolve", obj("scale", obj("color", "independent")));
        return Json.write(spec);
    }

    private static String svg(Heatmap matrix, Map<String, List<Traffic.Collective>> byName) {
        int timesH = 40 + ROW_H * Math.max(1, byName.size()) + 30;
        Svg s = new Svg(Math.max(matrix.svgWidth(), LaneChart.LEFT + LaneChart.PLOT_W + LaneChart.RIGHT), matrix.svgHeight() + timesH);
        matrix.svg(s, 0);
        double top = matrix.svgHeight();
        s.text(LaneChart.LEFT, top + 18, "time per collective (bar: mean per rank; ticks: each rank)", "start", 13);
        double max = 0;
        for (List<Traffic.Collective> cs : byName.values()) for (Traffic.Collective c : cs) max = Math.max(max, c.nanos() / 1e6);
        double span = Math.max(max, 1e-3), rowsTop = top + 30;
        int i = 0;
        for (Map.Entry<String, List<Traffic.Collective>> e : byName.entrySet()) {
            double y = rowsTop + i++ * ROW_H;
            List<Traffic.Collective> cs = e.getValue();
            long calls = cs.stream().mapToLong(Traffic.Collective::calls).sum();
            s.text(LaneChart.LEFT - 6, y + ROW_H * 0.65, e.getKey(), "end", 11);
            s.rect(LaneChart.LEFT, y + 4, LaneChart.PLOT_W * meanMs(cs) / span, ROW_H - 8, BAR,
                    String.format(Locale.ROOT, "%s: %d call(s), %.2f ms per rank", e.getKey(), calls, meanMs(cs)));
            for (Traffic.Collective c : cs) {
                double x = LaneChart.LEFT + LaneChart.PLOT_W * c.nanos() / 1e6 / span;
                s.line(x, y + 1, x, y + ROW_H - 1, TICK);
            }
        }
        double axis = rowsTop + Math.max(1, byName.size()) * ROW_H;
        s.line(LaneChart.LEFT, axis, LaneChart.LEFT + LaneChart.PLOT_W, axis, "#333");
        s.text(LaneChart.LEFT, axis + 14, "0", "middle", 10);
        s.text(LaneChart.LEFT + LaneChart.PLOT_W, axis + 14, String.format(Locale.ROOT, "%.2f ms", span), "middle", 10);
        return s.toString();
    }
}
