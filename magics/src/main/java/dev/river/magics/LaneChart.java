package dev.river.magics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.river.magics.Json.obj;

/**
 * Bars on named lanes over time, as a Vega-Lite spec and as SVG: what the task stream, the MapReduce
 * and the checkpoint pictures have in common. Each picture chooses its lanes, its rows (Vega-Lite data)
 * and its colours.
 */
final class LaneChart {
    static final String SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
    static final int LEFT = 150, RIGHT = 20, PLOT_W = 560, LANE_H = 22;

    /** One SVG bar: on a lane, from {@code start} to {@code end} (the time axis' unit), its fill and its tooltip. */
    record Bar(String lane, double start, double end, String fill, String title) {}

    private LaneChart() {}

    /**
     * A Vega-Lite bar chart: {@code rows} hold the fields {@code lane}, {@code start} and {@code end}
     * (in the unit of the time axis, from 0 to {@code end}) and whatever the colour and tooltips name.
     *
     * @param axis    the time axis' title, e.g. {@code ms since start}
     * @param color   the colour encoding, e.g. {@code {field: status, scale: ...}}
     * @param tooltip the tooltip encodings
     */
    static Map<String, Object> vegaLite(String title, String laneTitle, List<String> lanes, double end, String axis,
                                        List<Map<String, Object>> rows, Map<String, Object> color, List<Map<String, Object>> tooltip) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", SCHEMA);
        spec.put("title", title);
        spec.put("width", PLOT_W);
        spec.put("height", Math.max(40, LANE_H * lanes.size()));
        spec.put("data", obj("values", rows));
        spec.put("mark", obj("type", "bar", "cornerRadius", 1));
        Map<String, Object> enc = new LinkedHashMap<>();
        enc.put("y", obj("field", "lane", "type", "nominal", "sort", lanes, "title", laneTitle));
        enc.put("x", obj("field", "start", "type", "quantitative", "title", axis,
                "scale", obj("domain", List.of(0, Math.max(end, 1)))));
        enc.put("x2", obj("field", "end"));
        enc.put("color", color);
        enc.put("tooltip", tooltip);
        spec.put("encoding", enc);
        return spec;
    }

    /** A bar's end for Vega-Lite: at least a pixel wide, so instant bars still show. */
    static double visibleEnd(double start, double end, double span) {
        return Math.max(end, start + span / 600);
    }

    /** The height an SVG chart of {@code lanes} lanes takes (title, lanes, axis). */
    static int svgHeight(int lanes) {
        return 30 + Math.max(1, lanes) * LANE_H + 40;
    }

    /** Draws a titled chart at {@code top}: lane labels, bars (in order of start), the time axis titled {@code axis}. */
    static void svg(Svg s, double top, String title, List<String> lanes, List<Bar> bars, double end, String axis) {
        double span = Math.max(end, 1);
        s.text(LEFT, top + 18, title, "start", 13);
        double plotTop = top + 30;
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < lanes.size(); i++) {
            row.put(lanes.get(i), i);
            s.text(LEFT - 6, plotTop + i * LANE_H + LANE_H * 0.65, lanes.get(i), "end", 11);
            if (i % 2 == 1) s.rect(LEFT, plotTop + i * LANE_H, PLOT_W, LANE_H, "#f4f4f4", null);
        }
        List<Bar> ordered = new ArrayList<>(bars);
        ordered.sort(Comparator.comparingDouble(Bar::start));
        for (Bar b : ordered) {
            Integer i = row.get(b.lane());
            if (i == null) throw new IllegalArgumentException("bar on an unknown lane '" + b.lane() + "'; lanes: " + lanes);
            double x = LEFT + PLOT_W * b.start() / span;
            double w = Math.max(1, PLOT_W * (b.end() - b.start()) / span - 1);
            s.rect(x, plotTop + i * LANE_H + 3, w, LANE_H - 6, b.fill(), b.title());
        }
        double axisY = plotTop + Math.max(1, lanes.size()) * LANE_H;
        s.line(LEFT, axisY, LEFT + PLOT_W, axisY, "#333");
        double step = Svg.step(span, 6);
        for (double t = 0; t <= span + 1e-9; t += step) {
            double x = LEFT + PLOT_W * t / span;
            s.line(x, axisY, x, axisY + 4, "#333");
            s.text(x, axisY + 16, step >= 1 ? String.format(Locale.ROOT, "%.0f", t) : String.format(Locale.ROOT, "%.2f", t), "middle", 10);
        }
        s.text(LEFT + PLOT_W / 2.0, axisY + 32, axis, "middle", 11);
    }

    /** An SVG legend: a swatch and a name per entry, in a row at {@code y}. */
    static void legend(Svg s, double y, Map<String, String> fills) {
        double x = LEFT;
        for (Map.Entry<String, String> e : fills.entrySet()) {
            s.rect(x, y - 9, 10, 10, e.getValue(), null);
            s.text(x + 14, y, e.getKey(), "start", 11);
            x += 24 + 7 * e.getKey().length();
        }
    }
}
