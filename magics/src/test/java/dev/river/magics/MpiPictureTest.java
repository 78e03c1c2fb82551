package dev.river.magics;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.mpi.Traffic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The rMPI traffic picture: the rank-to-rank matrix and the time per collective. */
class MpiPictureTest {
    static Traffic traffic() {
        return new Traffic(new long[][]{{0, 3, 1}, {1, 0, 0}, {1, 0, 0}}, new long[][]{{0, 1200, 4}, {4, 0, 0}, {4, 0, 0}}, List.of(
                new Traffic.Collective("barrier", 0, 1, 2_000_000), new Traffic.Collective("barrier", 1, 1, 4_000_000),
                new Traffic.Collective("barrier", 2, 1, 6_000_000), new Traffic.Collective("allReduce", 0, 2, 1_000_000)));
    }

    @Test
    void textSumsUpTheTraffic() {
        Rich r = MpiPicture.of(traffic());
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(r.data().keySet()));
        assertEquals("mpirun traffic: 3 rank(s), 6 message(s), 1.2 KB; allReduce 2 call(s), 1.0 ms per rank; barrier 3 call(s), 4.0 ms per rank",
                r.text());
    }

    @Test
    void vegaLiteHasTheMatrixAndTheCollectives() {
        JsonObject spec = JsonParser.parseString(MpiPicture.of(traffic()).data().get(Rich.VEGA_LITE)).getAsJsonObject();
        assertEquals(LaneChart.SCHEMA, spec.get("$schema").getAsString());
        JsonArray views = spec.getAsJsonArray("vconcat");
        JsonArray cells = views.get(0).getAsJsonObject().getAsJsonObject("data").getAsJsonArray("values");
        assertEquals(9, cells.size(), "a cell per pair of ranks");
        JsonObject zeroToOne = cells.get(1).getAsJsonObject();
        assertEquals("rank 0", zeroToOne.get("from").getAsString());
        assertEquals("rank 1", zeroToOne.get("to").getAsString());
        assertEquals(1200, zeroToOne.get("bytes").getAsLong());
        assertEquals("1.2 KB / 3", zeroToOne.get("label").getAsString());
        JsonObject times = views.get(1).getAsJsonObject();
        assertEquals(4, times.getAsJsonObject("data").getAsJsonArray("values").size(), "a row per rank and collective");
        assertEquals("bar", times.getAsJsonArray("layer").get(0).getAsJsonObject().getAsJsonObject("mark").get("type").getAsString());
        assertEquals("tick", times.getAsJsonArray("layer").get(1).getAsJsonObject().getAsJsonObject("mark").get("type").getAsString());
    }

    @Test
    void svgHasACellPerPairABarPerCollectiveAndATickPerRank() {
        String svg = MpiPicture.of(traffic()).data().get(Rich.SVG);
        List<String> titles = new ArrayList<>();
        Matcher m = Pattern.compile("<rect [^>]*><title>([^<]*)</title></rect>").matcher(svg);
        while (m.find()) titles.add(m.group(1));
        assertEquals(11, titles.size(), titles.toString());
        assertEquals("rank 0 → rank 1: 1.2 KB / 3", titles.get(1));
        assertEquals(List.of("allReduce: 2 call(s), 1.00 ms per rank", "barrier: 3 call(s), 4.00 ms per rank"), titles.subList(9, 11));
        assertEquals(4, svg.split("stroke=\"#333333\"", -1).length - 1, "a tick per rank and collective");
    }
}
