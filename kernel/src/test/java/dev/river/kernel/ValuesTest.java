package dev.river.kernel;

import dev.river.checkpoint.CheckpointHistory;
import dev.river.mapreduce.Timeline;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** The data objects behind the pictures show as their pictures when they are a cell's value. */
class ValuesTest {
    private static void assertPicture(DisplayData d, String text) {
        assertTrue(d.getData(MIMEType.TEXT_PLAIN).toString().startsWith(text), String.valueOf(d.getData(MIMEType.TEXT_PLAIN)));
        assertTrue(d.hasDataForType(MIMEType.parse("image/svg+xml")), "an SVG fallback");
        assertInstanceOf(com.google.gson.JsonObject.class, d.getData(MIMEType.parse("application/vnd.vegalite.v5+json")),
                "Vega-Lite, as a JSON object");
    }

    @Test
    void aMapReduceTimelineShowsItsPicture() {
        Timeline tl = new Timeline(0, 1_000_000, List.of(new Timeline.Interval(Timeline.Phase.MAP, 0, 1, "a", 0, 1_000_000,
                Timeline.Status.OK)), List.of("a"), new long[][]{{7}});
        assertPicture(Values.render(tl, null), "mapreduce timeline: 1 map");
    }

    @Test
    void mpiTrafficShowsItsPicture() {
        assertPicture(Values.render(new dev.river.mpi.Traffic(new long[][]{{0, 1}, {1, 0}}, new long[][]{{0, 8}, {8, 0}}, List.of()), null),
                "mpirun traffic: 2 rank(s), 2 message(s)");
    }

    @Test
    void aCheckpointHistoryShowsItsPicture() {
        assertPicture(Values.render(new CheckpointHistory(UUID.randomUUID(), List.of(), Map.of(), Map.of()), null), "checkpoint timeline: 0 VR(s)");
    }
}
