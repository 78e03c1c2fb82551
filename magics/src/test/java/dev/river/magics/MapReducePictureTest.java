package dev.river.magics;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.mapreduce.Timeline;
import dev.river.mapreduce.Timeline.Interval;
import dev.river.mapreduce.Timeline.Phase;
import dev.river.mapreduce.Timeline.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The MapReduce picture: phases per engine in lanes, the shuffle matrix, Vega-Lite and SVG in one bundle. */
class MapReducePictureTest {
    private static final long MS = 1_000_000;

    static Timeline timeline() {
        List<Interval> in = List.of(
                new Interval(Phase.MAP, 0, 1, "a", 0, 20 * MS, Status.OK),
                new Interval(Phase.MAP, 1, 1, "a", 2 * MS, 25 * MS, Status.OK),     // overlaps task 0: a second lane
                new Interval(Phase.MAP, 2, 1, "b", 3 * MS, 10 * MS, Status.LOST),
                new Interval(Phase.SHUFFLE, 0, 1, "b", 4 * MS, 30 * MS, Status.OK),
                new Interval(Phase.MAP, 2, 2, "a", 21 * MS, 28 * MS, Status.OK),    // task 0's lane is free again
                new Interval(Phase.REDUCE, 0, 1, "b", 30 * MS, 40 * MS, Status.OK));
        return new Timeline(0, 42 * MS, in, List.of("a", "b"), new long[][]{{100, 2048}, {0, 0}});
    }

    @Test
    void oneBundleWithASummary() {
        Rich r = MapReducePicture.of(timeline());
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(r.data().keySet()));
        assertEquals("mapreduce timeline: 4 map, 1 shuffle, 1 reduce interval(s) on 2 engine(s) in 42 ms, 2.1 KB shuffled, 1 failed or lost",
                r.text());
    }

    @Test
    void overlappingIntervalsOfAnEngineGetLanesOfTheirOwn() {
        Timeline tl = timeline();
        List<String> lanes = new ArrayList<>(MapReducePicture.lanes(tl.intervals(), tl.engines()).values());
        assertEquals(List.of("a · 0", "a · 1", "b · 0", "b · 1", "a · 0", "b · 0"), lanes);
    }

    @Test
    void vegaLiteIsAPhaseChartOverAShuffleHeatmap() {
        JsonObject spec = JsonParser.parseString(MapReducePicture.of(timeline()).data().get(Rich.VEGA_LITE)).getAsJsonObject();
        assertEquals("https://vega.github.io/schema/vega-lite/v5.json", spec.get("$schema").getAsString());
        JsonArray views = spec.getAsJsonArray("vconcat");
        assertEquals(2, views.size());

        JsonObject phases = views.get(0).getAsJsonObject();
        assertEquals("bar", phases.getAsJsonObject("mark").get("type").getAsString());
        JsonArray rows = phases.getAsJsonObject("data").getAsJsonArray("values");
        assertEquals(6, rows.size(), "a bar per interval");
        assertEquals("lost", rows.get(2).getAsJsonObject().get("phase").getAsString(), "a lost attempt is coloured as lost");
        assertEquals("reduce", rows.get(5).getAsJsonObject().get("phase").getAsString());
        assertEquals("[\"a · 0\",\"a · 1\",\"b · 0\",\"b · 1\"]",
                phases.getAsJsonObject("encoding").getAsJsonObject("y").get("sort").toString());
        assertEquals("phase", phases.getAsJsonObject("encoding").getAsJsonObject("color").get("field").getAsString());

        JsonObject matrix = views.get(1).getAsJsonObject();
        assertEquals("rect", matrix.getAsJsonArray("layer").get(0).getAsJsonObject().get("mark").getAsString());
        JsonArray cells = matrix.getAsJsonObject("data").getAsJsonArray("values");
        assertEquals(4, cells.size(), "a cell per pair of engines");
        JsonObject ab = cells.get(1).getAsJsonObject();
        assertEquals("a", ab.get("from").getAsString());
        assertEquals("b", ab.get("to").getAsString());
        assertEquals(2048, ab.get("bytes").getAsLong());
    }

    @Test
    void svgHasARectPerIntervalAndPerMatrixCell() {
        String svg = MapReducePicture.of(timeline()).data().get(Rich.SVG);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        List<String> titles = new ArrayList<>();
        Matcher m = Pattern.compile("<rect [^>]*><title>([^<]*)</title></rect>").matcher(svg);
        while (m.find()) titles.add(m.group(1));
        assertEquals(List.of("map task 0 on a: 20.0 ms", "map task 1 on a: 23.0 ms", "map task 2 on b: 7.0 ms (lost)",
                "shuffle of partition 0 on b: 26.0 ms", "map task 2 (attempt 2) on a: 7.0 ms", "reduce of partition 0 on b: 10.0 ms",
                "a → a: 100 B", "a → b: 2.0 KB", "b → a: 0 B", "b → b: 0 B"), titles);
        assertTrue(svg.contains("fill=\"" + Heatmap.blue(1) + "\""), "the largest cell is the darkest");
        assertTrue(svg.contains("fill=\"" + Heatmap.blue(0) + "\""), "empty cells are white");
    }

    @Test
    void anEmptyJobIsAnEmptyPicture() {
        Rich r = MapReducePicture.of(new Timeline(0, 0, List.of(), List.of("a"), new long[][]{{0}}));
        assertTrue(r.text().startsWith("mapreduce timeline: 0 map"), r.text());
        JsonParser.parseString(r.data().get(Rich.VEGA_LITE));
        assertThrows(IllegalArgumentException.class, () -> new Timeline(0, 0, List.of(), List.of("a", "b"), new long[][]{{0}}));
    }
}
