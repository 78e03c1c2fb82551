package dev.river.magics;

import dev.river.trickle.TaskRecord;
import dev.river.trickle.TaskRecord.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The task-stream picture: Vega-Lite and SVG in one bundle, one lane per engine core, one bar per task. */
class TaskStreamTest {
    private static final long MS = 1_000_000;

    private static List<TaskRecord> tasks() {
        return List.of(
                new TaskRecord(0, 0, 9, "b", 0, 0, 40 * MS, Status.OK),
                new TaskRecord(1, 10, 19, "a", 0, 5 * MS, 30 * MS, Status.OK),
                new TaskRecord(2, 20, 29, "a", 1, 6 * MS, 50 * MS, Status.FAILED),
                new TaskRecord(3, 30, 39, "a", 0, 31 * MS, 60 * MS, Status.OK));
    }

    @Test
    void oneBundleHoldsTextVegaLiteAndSvg() {
        Rich r = TaskStream.of("forkwork", tasks(), 70 * MS);
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(r.data().keySet()));
        assertEquals("forkwork task stream: 4 tasks on 2 engines (3 lanes) in 70 ms, lanes 66% busy, 1 failed", r.text());
    }

    @Test
    void vegaLiteHasABarPerTaskAndTheLanesInOrder() {
        String v = TaskStream.of("forkwork", tasks(), 70 * MS).data().get(Rich.VEGA_LITE);
        assertTrue(v.startsWith("{\"$schema\":\"https://vega.github.io/schema/vega-lite/v5.json\""), v);
        assertEquals(4, count(v, "\"lane\":\""), v);
        assertTrue(v.contains("\"sort\":[\"a · core 0\",\"a · core 1\",\"b · core 0\"]"), v);
        assertTrue(v.contains("\"items\":\"20–29\",\"start\":6,\"end\":50,\"ms\":44,\"status\":\"failed\""), v);
        assertTrue(v.contains("\"mark\":{\"type\":\"bar\""), v);
    }

    @Test
    void svgDrawsEveryTaskInItsLaneRedWhenFailed() {
        String svg = TaskStream.of("map", tasks(), 70 * MS).data().get(Rich.SVG);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        List<String> titles = new ArrayList<>();
        Matcher m = Pattern.compile("<title>([^<]*)</title>").matcher(svg);
        while (m.find()) titles.add(m.group(1));
        assertEquals(List.of("task 0, items 0-9 on b: 40.0 ms", "task 1, items 10-19 on a: 25.0 ms",
                "task 2, items 20-29 on a: 44.0 ms (failed)", "task 3, items 30-39 on a: 29.0 ms"), titles);
        assertEquals(1, count(svg, "fill=\"#d9534f\""), "one failed bar");
        for (String lane : List.of("a · core 0", "a · core 1", "b · core 0")) assertTrue(svg.contains(">" + lane + "<"), lane);
    }

    @Test
    void manyTasksAreCappedAndSaySo() {
        List<TaskRecord> many = new ArrayList<>();
        for (int i = 0; i < TaskStream.MAX_BARS + 5; i++) many.add(new TaskRecord(i, i, i, "a", 0, i * MS, (i + 1) * MS, Status.OK));
        Rich r = TaskStream.of("map", many, 0);
        assertTrue(r.text().endsWith("(the first " + TaskStream.MAX_BARS + " drawn)"), r.text());
        assertEquals(TaskStream.MAX_BARS, count(r.data().get(Rich.SVG), "<title>"));
    }

    @Test
    void noTasksYetIsAnEmptyPicture() {
        Rich r = TaskStream.of("forkwork", List.of(), 3 * MS);
        assertEquals("forkwork task stream: 0 tasks on 0 engines (0 lanes) in 3 ms, lanes 0% busy", r.text());
        assertTrue(r.data().get(Rich.SVG).contains("ms since start"));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }
}
