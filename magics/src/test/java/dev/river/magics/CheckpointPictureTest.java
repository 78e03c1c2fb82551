package dev.river.magics;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.checkpoint.CheckpointHistory;
import dev.river.checkpoint.CheckpointHistory.Event;
import dev.river.checkpoint.CheckpointHistory.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The checkpoint picture: a lane per VR, a bar per save, restore and migration it took part in, where each VR runs now. */
class CheckpointPictureTest {
    static final UUID A = UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001");
    static final UUID B = UUID.fromString("bbbbbbbb-0000-0000-0000-000000000002");
    static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    static CheckpointHistory history() {
        return new CheckpointHistory(UUID.randomUUID(), List.of(
                new Event(Kind.SAVE, 1, T, Duration.ofMillis(40), Map.of(A, "h:1", B, "h:2"), Map.of(A, 2048L, B, 10L)),
                new Event(Kind.MIGRATE, 0, T.plusSeconds(2), Duration.ofMillis(15), Map.of(A, "h:2"), Map.of()),
                new Event(Kind.RESTORE, 1, T.plusSeconds(5), Duration.ofMillis(300), Map.of(A, "h:3", B, "h:3"), Map.of())),
                Map.of(A, "h:3"), Map.of(A, "demo.Heat", B, "demo.Outer$Tally"));
    }

    @Test
    void textSaysWhatHappenedAndWhereEachVrRunsNow() {
        Rich r = CheckpointPicture.of(history());
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(r.data().keySet()));
        assertEquals("""
                checkpoint timeline: 2 VR(s), 1 save(s), 1 restore(s), 1 migration(s); 1 running now
                aaaaaaaa Heat: on h:3
                bbbbbbbb Tally: not running""", r.text());
    }

    @Test
    void svgHasABarPerVrPerEvent() {
        String svg = CheckpointPicture.of(history()).data().get(Rich.SVG);
        List<String> titles = new ArrayList<>();
        Matcher m = Pattern.compile("<rect [^>]*><title>([^<]*)</title></rect>").matcher(svg);
        while (m.find()) titles.add(m.group(1));
        assertEquals(List.of("aaaaaaaa Heat saved in epoch 1 on h:1, 2.0 KiB: 40 ms", "bbbbbbbb Tally saved in epoch 1 on h:2, 10 B: 40 ms",
                "aaaaaaaa Heat moved to h:2: 15 ms", "aaaaaaaa Heat restored from epoch 1 onto h:3: 300 ms",
                "bbbbbbbb Tally restored from epoch 1 onto h:3: 300 ms"), titles);
        assertTrue(svg.contains(">runs now on<") && svg.contains(">(not running)<") && svg.contains("s since the first event"), svg);
    }

    @Test
    void vegaLiteIsATimelineBesideWhereEachVrRunsNow() {
        JsonObject spec = JsonParser.parseString(CheckpointPicture.of(history()).data().get(Rich.VEGA_LITE)).getAsJsonObject();
        assertEquals(LaneChart.SCHEMA, spec.get("$schema").getAsString());
        JsonArray views = spec.getAsJsonArray("hconcat");
        JsonObject timeline = views.get(0).getAsJsonObject();
        JsonArray rows = timeline.getAsJsonObject("data").getAsJsonArray("values");
        assertEquals(5, rows.size());
        JsonObject restore = rows.get(3).getAsJsonObject();
        assertEquals("restore", restore.get("event").getAsString());
        assertEquals(5.0, restore.get("start").getAsDouble(), 1e-9, "seconds since the first event");
        assertEquals(5.3, restore.get("end").getAsDouble(), 1e-9);
        assertEquals("[\"aaaaaaaa Heat\",\"bbbbbbbb Tally\"]", timeline.getAsJsonObject("encoding").getAsJsonObject("y").get("sort").toString());
        JsonObject where = views.get(1).getAsJsonObject();
        assertEquals("point", where.getAsJsonObject("mark").get("type").getAsString());
        assertEquals("[{\"lane\":\"aaaaaaaa Heat\",\"vm\":\"h:3\"}]", where.getAsJsonObject("data").getAsJsonArray("values").toString());
    }

    @Test
    void noHistoryIsAnEmptyPicture() {
        Rich r = CheckpointPicture.of(new CheckpointHistory(UUID.randomUUID(), List.of(), Map.of(), Map.of()));
        assertEquals("checkpoint timeline: 0 VR(s), 0 save(s), 0 restore(s), 0 migration(s); 0 running now", r.text());
        JsonParser.parseString(r.data().get(Rich.VEGA_LITE));
    }
}
