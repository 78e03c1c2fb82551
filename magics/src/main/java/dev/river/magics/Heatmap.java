package dev.river.magics;

import dev.river.mapreduce.Progress;
import dev.river.mapreduce.Timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.river.magics.Json.obj;

/** The heatmap of a MapReduce job's bytes shuffled from engine to engine, as a Vega-Lite view and as SVG. */
final class ShuffleMatrix {
    private static final int CELL_H = 26, MAX_CELL_W = 120;

    private ShuffleMatrix() {}

    /** A Vega-Lite view (no $schema: it goes into a concatenation): a rect per pair of engines, the bytes written in it. */
    static Map<String, Object> vegaLite(Timeline tl) {
        List<String> engines = tl.engines();
        long[][] m = tl.shuffleMatrix();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int f = 0; f < engines.size(); f++) {
            for (int t = 0; t < engines.size(); t++) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("from", engines.get(f));
                v.put("to", engines.get(t));
                v.put("bytes", m[f][t]);
                v.put("label", Progress.bytes(m[f][t]));
                rows.add(v);
            }
        }
        Map<String, Object> x = obj("field", "to", "type", "nominal", "sort", engines, "title", "to (reducer's engine)");
        Map<String, Object> y = obj("field", "from", "type", "nominal", "sort", engines, "title", "from (mapper's engine)");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", "bytes shuffled between engines (" + Progress.bytes(tl.totalShuffled()) + ")");
        spec.put("width", Math.min(560, 80 * Math.max(1, engines.size())));
        spec.put("height", Math.max(40, CELL_H * engines.size()));
        spec.put("data", obj("values", rows));
        spec.put("encoding", obj("x", x, "y", y));
        spec.put("layer", List.of(
                obj("mark", "rect", "encoding", obj("color", obj("field", "bytes", "type", "quantitative", "title", "bytes",
                        "scale", obj("scheme", "blues")),
                        "tooltip", List.of(obj("field", "from", "type", "nominal"), obj("field", "to", "type", "nominal"),
                                obj("field", "label", "type", "nominal", "title", "shuffled")))),
                obj("mark", obj("type", "text", "fontSize", 10), "encoding", obj("text", obj("field", "label", "type", "nominal")))));
        return spec;
    }

    private static int cellW(Timeline tl) {
        return Math.max(40, Math.min(MAX_CELL_W, LaneChart.PLOT_W / Math.max(1, tl.engines().size())));
    }

    static int svgWidth(Timeline tl) {
        return LaneChart.LEFT + cellW(tl) * tl.engines().size() + LaneChart.RIGHT;
    }

    static int svgHeight(Timeline tl) {
        return 50 + CELL_H * Math.max(1, tl.engines().size()) + 20;
    }

    /** Draws the heatmap at {@code top}: a title, the column (to) labels, a row per from-engine. */
    static void svg(Svg s, double top, Timeline tl) {
        List<String> engines = tl.engines();
        long[][] m = tl.shuffleMatrix();
        long max = 1;
        for (long[] row : m) for (long b : row) max = Math.max(max, b);
        int w = cellW(tl);
        s.text(LaneChart.LEFT, top + 18, "bytes shuffled between engines (" + Progress.bytes(tl.totalShuffled()) + "), from row to column",
                "start", 13);
        double gridTop = top + 50;
        for (int t = 0; t < engines.size(); t++) s.text(LaneChart.LEFT + w * (t + 0.5), gridTop - 6, engines.get(t), "middle", 10);
        for (int f = 0; f < engines.size(); f++) {
            double y = gridTop + f * CELL_H;
            s.text(LaneChart.LEFT - 6, y + CELL_H * 0.65, engines.get(f), "end", 11);
            for (int t = 0; t < engines.size(); t++) {
                double share = (double) m[f][t] / max;
                s.rect(LaneChart.LEFT + t * w, y, w - 1, CELL_H - 1, blue(share),
                        engines.get(f) + " → " + engines.get(t) + ": " + Progress.bytes(m[f][t]));
                s.text(LaneChart.LEFT + w * (t + 0.5), y + CELL_H * 0.65, Progress.bytes(m[f][t]), "middle", 10);
            }
        }
    }

    /** White to a strong blue, by {@code share} in [0, 1]. */
    static String blue(double share) {
        int r = (int) Math.round(255 - share * (255 - 0x21)), g = (int) Math.round(255 - share * (255 - 0x66)),
                b = (int) Math.round(255 - share * (255 - 0xac));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }
}
