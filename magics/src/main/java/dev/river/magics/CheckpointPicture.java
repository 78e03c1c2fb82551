package dev.river.magics;

import dev.river.checkpoint.CheckpointHistory;
import dev.river.checkpoint.CheckpointHistory.Event;
import dev.river.checkpoint.CheckpointHistory.Kind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static dev.river.magics.Json.obj;

/**
 * The picture of an application's checkpoints: one lane per VR, a bar for each save (as long as the
 * application stayed frozen), restore and migration it took part in, and where each VR runs now.
 * Vega-Lite for notebooks, SVG in the same bundle for nbconvert and GitHub.
 *
 * <pre>{@code
 * CheckpointPicture.of(Checkpoints.of(driver).history())     // as a cell's value: the picture
 * }</pre>
 *
 * The data behind it is {@code Checkpoints.history()}, for plots of your own.
 */
public final class CheckpointPicture {
    private static final Map<String, String> FILLS = new LinkedHashMap<>();
    private static final int NOW_W = 170;

    static {
        FILLS.put("save", "#4a90d9");
        FILLS.put("restore", "#f0ad4e");
        FILLS.put("migrate", "#9b59b6");
    }

    private CheckpointPicture() {}

    /** One bar: an event as one VR saw it. */
    private record Bar(Event event, UUID vr, String lane, double start, double end, String vm, Long bytes) {}

    public static Rich of(CheckpointHistory h) {
        Map<UUID, String> lanes = new LinkedHashMap<>();
        for (UUID vr : h.vrs()) lanes.put(vr, lane(vr, h.classes().get(vr)));
        Instant t0 = h.events().isEmpty() ? Instant.EPOCH : h.events().get(0).time();
        List<Bar> bars = new ArrayList<>();
        double end = 0;
        for (Event e : h.events()) {
            double start = seconds(t0, e.time()), stop = start + e.duration().toNanos() / 1e9;
            end = Math.max(end, stop);
            for (UUID vr : e.vms().keySet().stream().sorted().toList()) {
                bars.add(new Bar(e, vr, lanes.get(vr), start, stop, e.vms().get(vr), e.bytes().get(vr)));
            }
        }
        List<String> order = new ArrayList<>(lanes.values());
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Rich.TEXT, summary(h, lanes));
        data.put(Rich.VEGA_LITE, vegaLite(h, lanes, order, bars, end));
        data.put(Rich.SVG, svg(h, lanes, order, bars, end));
        return new Rich(data);
    }

    private static String lane(UUID vr, String className) {
        String simple = className == null ? "" : className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
        return vr.toString().substring(0, 8) + (simple.isEmpty() ? "" : " " + simple);
    }

    private static double seconds(Instant from, Instant to) {
        return java.time.Duration.between(from, to).toNanos() / 1e9;
    }

    private static String kind(Event e) {
        return e.kind().name().toLowerCase(Locale.ROOT);
    }

    private static String summary(CheckpointHistory h, Map<UUID, String> lanes) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "checkpoint timeline: %d VR(s), %d save(s), %d restore(s), %d migration(s)",
                lanes.size(), h.events(Kind.SAVE).size(), h.events(Kind.RESTORE).size(), h.events(Kind.MIGRATE).size()));
        s.append("; ").append(h.runningOn().size()).append(" running now");
        for (Map.Entry<UUID, String> e : lanes.entrySet()) {
            String vm = h.runningOn().get(e.getKey());
            s.append('\n').append(e.getValue()).append(": ").append(vm == null ? "not running" : "on " + vm);
        }
        return s.toString();
    }

    private static String describe(Bar b) {
        Event e = b.event();
        String what = e.kind() == Kind.MIGRATE ? "moved to " + b.vm()
                : (e.kind() == Kind.SAVE ? "saved in epoch " : "restored from epoch ") + e.epoch() + (e.kind() == Kind.SAVE ? " on " : " onto ") + b.vm();
        return b.lane() + " " + what + (b.bytes() == null ? "" : ", " + CheckpointTables.bytes(b.bytes())) + ": " + e.duration().toMillis() + " ms";
    }

    private static String vegaLite(CheckpointHistory h, Map<UUID, String> lanes, List<String> order, List<Bar> bars, double end) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Bar b : bars) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("lane", b.lane());
            v.put("event", kind(b.event()));
            v.put("epoch", b.event().epoch());
            v.put("vm", b.vm());
            v.put("start", b.start());
            v.put("end", LaneChart.visibleEnd(b.start(), b.end(), Math.max(end, 1)));
            v.put("ms", b.event().duration().toMillis());
            v.put("size", b.bytes() == null ? "" : CheckpointTables.bytes(b.bytes()));
            v.put("time", b.event().time().toString());
            rows.add(v);
        }
        Map<String, Object> timeline = LaneChart.vegaLite("saves, restores and migrations per VR", "VR", order, end,
                "s since the first event", rows,
                obj("field", "event", "type", "nominal", "title", "event",
                        "scale", obj("domain", List.copyOf(FILLS.keySet()), "range", List.copyOf(FILLS.values()))),
                List.of(obj("field", "event", "type", "nominal"), obj("field", "epoch", "type", "quantitative"),
                        obj("field", "lane", "type", "nominal", "title", "VR"), obj("field", "vm", "type", "nominal", "title", "VM"),
                        obj("field", "size", "type", "nominal"), obj("field", "ms", "type", "quantitative"),
                        obj("field", "time", "type", "nominal")));
        timeline.remove("$schema");
        List<Map<String, Object>> now = new ArrayList<>();
        for (Map.Entry<UUID, String> e : lanes.entrySet()) {
            String vm = h.runningOn().get(e.getKey());
            if (vm != null) now.add(obj("lane", e.getValue(), "vm", vm));
        }
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("title", "where each VR runs now");
        where.put("height", timeline.get("height"));
        where.put("data", obj("values", now));
        where.put("mark", obj("type", "point", "filled", true, "size", 80));
        where.put("encoding", obj("y", obj("field", "lane", "type", "nominal", "sort", order, "scale", obj("domain", order), "title", null),
                "x", obj("field", "vm", "type", "nominal", "title", "VM"),
                "tooltip", List.of(obj("field", "lane", "type", "nominal", "title", "VR"), obj("field", "vm", "type", "nominal", "title", "VM"))));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", LaneChart.SCHEMA);
        spec.put("title", "checkpoint timeline");
        spec.put("hconcat", List.of(timeline, where));
        return Json.write(spec);
    }

    private static String svg(CheckpointHistory h, Map<UUID, String> lanes, List<String> order, List<Bar> bars, double end) {
        int width = LaneChart.LEFT + LaneChart.PLOT_W + LaneChart.RIGHT + NOW_W;
        int chart = LaneChart.svgHeight(order.size());
        Svg s = new Svg(width, chart + 20);
        List<LaneChart.Bar> drawn = new ArrayList<>();
        for (Bar b : bars) drawn.add(new LaneChart.Bar(b.lane(), b.start(), b.end(), FILLS.get(kind(b.event())), describe(b)));
        LaneChart.svg(s, 0, "saves, restores and migrations per VR", order, drawn, end, "s since the first event");
        double x = LaneChart.LEFT + LaneChart.PLOT_W + LaneChart.RIGHT;
        s.text(x, 30 - 6, "runs now on", "start", 11);
        int i = 0;
        for (UUID vr : lanes.keySet()) {
            String vm = h.runningOn().get(vr);
            s.text(x, 30 + i++ * LaneChart.LANE_H + LaneChart.LANE_H * 0.65, vm == null ? "(not running)" : vm, "start", 11);
        }
        LaneChart.legend(s, chart + 6, FILLS);
        return s.toString();
    }
}
