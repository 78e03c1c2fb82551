package dev.river.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.river.magics.Json.obj;

/**
 * A square heatmap of amounts from each of some parties (rows) to each (columns), as a Vega-Lite view
 * and as SVG: bytes shuffled between engines, bytes sent between ranks.
 *
 * @param title     the view's title
 * @param rowTitle  what rows are, e.g. {@code from (mapper's engine)}
 * @param colTitle  what columns are
 * @param labels    the parties, in order
 * @param values    {@code [row][column]}, one row and column per label
 * @param field     the amount's name in the Vega-Lite data, e.g. {@code bytes}
 * @param cellLabel the text written in a cell, by row and column
 */
record Heatmap(String title, String rowTitle, String colTitle, List<String> labels, long[][] values, String field,
               CellLabel cellLabel) {
    private static final int CELL_H = 26, MAX_CELL_W = 120;

    /** The text of a cell. */
    interface CellLabel {
        String of(int row, int col);
    }

    /** A Vega-Lite view (no $schema: it goes into a concatenation): a rect per cell, its label written in it. */
    Map<String, Object> vegaLite() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int f = 0; f < labels.size(); f++) {
            for (int t = 0; t < labels.size(); t++) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("from", labels.get(f));
                v.put("to", labels.get(t));
                v.put(field, values[f][t]);
                v.put("label", cellLabel.of(f, t));
                rows.add(v);
            }
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", title);
        spec.put("width", Math.min(560, 80 * Math.max(1, labels.size())));
        spec.put("height", Math.max(40, CELL_H * labels.size()));
        spec.put("data", obj("values", rows));
        spec.put("encoding", obj("x", obj("field", "to", "type", "nominal", "sort", labels, "title", colTitle),
                "y", obj("field", "from", "type", "nominal", "sort", labels, "title", rowTitle)));
        spec.put("layer", List.of(
                obj("mark", "rect", "encoding", obj("color", obj("field", field, "type", "quantitative", "title", field,
                        "scale", obj("scheme", "blues")),
                        "tooltip", List.of(obj("field", "from", "type", "nominal"), obj("field", "to", "type", "nominal"),
                                obj("field", "label", "type", "nominal", "title", field)))),
                obj("mark", obj("type", "text", "fontSize", 10), "encoding", obj("text", obj("field", "label", "type", "nominal")))));
        return spec;
    }

    private int cellW() {
        return Math.max(40, Math.min(MAX_CELL_W, LaneChart.PLOT_W / Math.max(1, labels.size())));
    }

    int svgWidth() {
        return LaneChart.LEFT + cellW() * labels.size() + LaneChart.RIGHT;
    }

    int svgHeight() {
        return 50 + CELL_H * Math.max(1, labels.size()) + 20;
    }

    /** Draws the heatmap at {@code top}: the title, the column labels, a row per label; darker is more. */
    void svg(Svg s, double top) {
        long max = 1;
        for (long[] row : values) for (long b : row) max = Math.max(max, b);
        int w = cellW();
        s.text(LaneChart.LEFT, top + 18, title + ", from row to column", "start", 13);
        double gridTop = top + 50;
        for (int t = 0; t < labels.size(); t++) s.text(LaneChart.LEFT + w * (t + 0.5), gridTop - 6, labels.get(t), "middle", 10);
        for (int f = 0; f < labels.size(); f++) {
            double y = gridTop + f * CELL_H;
            s.text(LaneChart.LEFT - 6, y + CELL_H * 0.65, labels.get(f), "end", 11);
            for (int t = 0; t < labels.size(); t++) {
                String label = cellLabel.of(f, t);
                s.rect(LaneChart.LEFT + t * w, y, w - 1, CELL_H - 1, blue((double) values[f][t] / max),
                        labels.get(f) + " → " + labels.get(t) + ": " + label);
                s.text(LaneChart.LEFT + w * (t + 0.5), y + CELL_H * 0.65, label, "middle", 10);
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
