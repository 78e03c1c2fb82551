package dev.river.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every notebook in notebooks/ runs to the end under nbclient (a real Jupyter client) on this build's
 * kernel, with real engines it starts itself, and shows what its lessons say it shows.
 */
class NotebooksTest {
    static Path notebooks;

    @BeforeAll
    static void find() {
        Path dir = Path.of(System.getProperty("user.dir"));
        notebooks = Files.isDirectory(dir.resolve("notebooks")) ? dir.resolve("notebooks") : dir.getParent().resolve("notebooks");
        assertTrue(Files.isDirectory(notebooks), "no notebooks/ next to " + dir);
    }

    static Stream<String> notebooks() throws Exception {
        find();
        try (var s = Files.list(notebooks)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted().toList().stream();
        }
    }

    /** What each notebook must show; a notebook without an entry fails, so a new notebook gets its checks. */
    static final Map<String, Consumer<Executed>> EXPECTED = Map.of(
            "hello-river.ipynb", NotebooksTest::helloRiver,
            "trickle-word-frequency.ipynb", NotebooksTest::wordFrequency,
            "magics-tour.ipynb", NotebooksTest::magicsTour,
            "mapreduce.ipynb", NotebooksTest::mapReduce,
            "rmpi.ipynb", NotebooksTest::rmpi);

    @Test
    void everyNotebookHasChecks() throws Exception {
        for (String n : notebooks().toList()) assertTrue(EXPECTED.containsKey(n), "add the checks of " + n + " to NotebooksTest");
    }

    @ParameterizedTest
    @MethodSource("notebooks")
    void runsUnderNbclientAndShowsWhatItTeaches(String name, @TempDir Path tmp) throws Exception {
        Path data = Jupyter.install(tmp.resolve("prefix"), null);
        Path out = tmp.resolve(name);
        Jupyter.Run run = Jupyter.runScript("execute_notebook.py", Jupyter.env(data), 600,
                notebooks.resolve(name).toString(), out.toString(), Kernelspec.NAME);
        assertEquals(0, run.exit(), name + " failed:\n" + run.stderr());
        Consumer<Executed> checks = EXPECTED.get(name);
        if (checks != null) checks.accept(new Executed(JsonParser.parseString(Files.readString(out)).getAsJsonObject()));
    }

    static void helloRiver(Executed nb) {
        String engines = nb.output("%river engines --min 2");
        assertTrue(engines.contains("started 2 local engines") && engines.contains("2 engines, "), engines);
        assertTrue(nb.html("%river engines --min 2").contains("<table"), "the engines table is HTML too");
        assertTrue(nb.output("me.discover()").contains("2 engines"), nb.output("me.discover()"));
        List<String> hellos = nb.matches("River.run(Hello.class)", "VR [0-9a-f]{8} says hello from (local-\\S+)");
        assertEquals(2, hellos.size(), nb.output("River.run(Hello.class)"));
        assertNotEquals(hellos.get(0), hellos.get(1), "one Hello per engine");
        String greetings = nb.output("new Greeting(\"hello\", i)");
        assertTrue(greetings.contains("Greeting[text=hello, number=0] came back from local-")
                && greetings.contains("Greeting[text=hello, number=1] came back from local-"), greetings);
        assertEquals("true", nb.result("new Greeting(\"hello\", i)"));
        assertEquals("2 stop 1", nb.result("me.send(me.uuid()"));
        assertEquals("nothing within 200 ms", nb.result("String outcome"));
        String forkwork = nb.output("%river forkwork slowSum");
        assertTrue(forkwork.contains("400/400 items") && forkwork.contains("100%"), "the progress bar ends full: " + forkwork);
        assertTrue(forkwork.contains("forkwork task stream: 40 tasks on 2 engines"), "the task stream ends with every chunk: " + forkwork);
        assertTrue(nb.mimes("%river forkwork slowSum").containsAll(List.of("application/vnd.vegalite.v5+json", "image/svg+xml")),
                "the picture is Vega-Lite with an SVG fallback: " + nb.mimes("%river forkwork slowSum"));
        assertEquals("79800", nb.result("sums.stream()"));
        assertTrue(nb.result("%river timeline").startsWith("forkwork task stream: 40 tasks on 2 engines"), nb.result("%river timeline"));
        assertEquals("40 tasks on 2 engines", nb.result("Work.latest().tasks()"));
    }

    static void wordFrequency(Executed nb) {
        assertEquals("40", nb.result("Files.createTempDirectory"));
        assertTrue(nb.result("%river inject").startsWith("injected wordcount, mergecounts into 2 engines"), nb.result("%river inject"));
        assertEquals("10 chunks, 12 distinct words", nb.result("t.forkwork(count, files, 4)"));
        assertTrue(nb.output("distributed.equals(sequential)").contains("forkwork on 2 engines"));
        assertEquals("true", nb.result("distributed.equals(sequential)"));
        String magic = nb.output("%river forkwork wordcount");
        assertTrue(magic.contains("40/40 items") && magic.contains("100%"), "the progress bar ends full: " + magic);
        assertEquals("10 results in parts (List<Map<String, Long>>)", nb.result("%river forkwork wordcount"));
        assertEquals("true", nb.result("mergecounts(parts).equals(sequential)"));
        assertTrue(nb.result(".limit(5)").matches("\\[(\\w+=\\d+, ){4}\\w+=\\d+]"), nb.result(".limit(5)"));
        assertEquals("false", nb.result("t.close()"));
    }

    static void magicsTour(Executed nb) {
        String help = nb.result("%river help");
        for (String m : List.of("%river engines", "%river start", "%river stop", "%river inject", "%%river fork", "%river forkwork", "%classpath")) {
            assertTrue(help.contains(m), "help lacks " + m);
        }
        assertTrue(nb.result("%river start 2").startsWith("started 2 local engines"));
        String usage = nb.output("%river start two");
        assertTrue(usage.contains("UsageError") && usage.contains("Usage: %river start") && !usage.contains("\tat "), usage);
        assertTrue(nb.result("%river inject stats Stats").startsWith("injected stats, Stats into 2 engines"));
        List<String> forked = nb.matches("String pid", "(local-\\S+)\\s+40\\s+running in process \\d+");
        assertEquals(2, forked.size(), nb.output("String pid"));
        assertNotEquals(forked.get(0), forked.get(1));
        assertTrue(nb.result("--targets 0").contains("ran on 1 engine"));
        assertEquals("10 results in chunkStats (List<Stats>)", nb.result("--out chunkStats"));
        assertTrue(nb.output("--out chunkStats").contains("1000/1000 items"));
        assertEquals("1000", nb.result("Stats::count"));
        assertEquals("[5239625, 36552125, 99114625, 192927125]", nb.result("mapToLong(i -> (long) i * i)"));
        assertEquals("stopped 2 local engines", nb.result("%river stop"));
    }

    static void mapReduce(Executed nb) {
        assertEquals("8", nb.result("Files.createTempDirectory"));
        String counts = nb.result("Trickle t = Trickle.connect()");
        assertTrue(counts.matches("\\{combiner=\\d+, engine=\\d+, key=\\d+, map=\\d+, merge=\\d+, partition=\\d+, reduce=\\d+,"
                + " river=\\d+, shuffle=\\d+, sort=\\d+, split=\\d+, value=\\d+}"), "12 words, keys in order: " + counts);
        assertEquals("true", nb.result("counts.equals(sequential)"));
        String watched = nb.output("Running<Map<String, Long>> running");
        assertTrue(watched.contains("map 16/16 (100%)") && watched.contains("reduce") && watched.contains("done"), watched);
        assertEquals("[combiner, engine, partition, reduce, shuffle]", nb.result("Running<Map<String, Long>> running"));
        String magic = nb.output("%river mapreduce files");
        assertTrue(magic.contains("12 keys") && magic.contains("all in counted (Map<Object, Long>)"), magic);
        assertTrue(magic.contains("shuffled") && magic.contains("done"), "the progress view ends done: " + magic);
        String view = nb.html("%river mapreduce files");
        assertTrue(view.contains("river-mapreduce") && view.contains("8/8") && view.contains("4/4"), "map and reduce bars, full: " + view);
        assertTrue(nb.mimes("%river mapreduce files").containsAll(List.of("application/vnd.vegalite.v5+json", "image/svg+xml")),
                "the job's picture is Vega-Lite with an SVG fallback: " + nb.mimes("%river mapreduce files"));
        assertTrue(magic.contains("mapreduce timeline: 8 map, 4 shuffle, 4 reduce interval(s) on 2 engine(s)"), magic);
        assertEquals("true", nb.result("counted.equals(counts)"));
        String index = nb.result("Path index");
        assertTrue(index.matches("2 part files, first line: \\w+\t8 files"), index);
        String failed = nb.output("unsorted input");
        assertTrue(failed.contains("map failed at split ") && failed.contains("the line at byte ")
                && failed.contains("java.lang.IllegalArgumentException: unsorted input"), failed);
        assertEquals("false", nb.result("t.close()"));
    }

    static void rmpi(Executed nb) {
        assertTrue(nb.result("%river start 2").startsWith("started 2 local engines"));
        String run = nb.output("%river mpirun -np 4 Pi");
        assertTrue(run.contains("[0] pi is about 3.14159265"), run);
        for (int r = 0; r < 4; r++) assertTrue(run.contains("[" + r + "] rank " + r + " of 4 on "), run);
        assertEquals("4 ranks of Pi ended well", nb.result("%river mpirun -np 4 Pi"));
        assertTrue(nb.result("job.exitCode()").startsWith("0 [rank 0 of 3 on "), nb.result("job.exitCode()"));
        String quit = nb.result("quit.exitCode()");
        assertTrue(quit.startsWith("3: rank 2") && quit.contains("System.exit(3)"), quit);
        assertEquals("0", nb.result("run(Pi.class, \"1000\").exitCode()"));
        assertEquals("stopped 2 local engines", nb.result("%river stop"));
    }

    /** An executed notebook: the outputs of the code cell whose source contains a given text. */
    record Executed(JsonObject nb) {
        JsonObject cell(String sourceContains) {
            for (JsonElement c : nb.getAsJsonArray("cells")) {
                JsonObject cell = c.getAsJsonObject();
                if (!cell.get("cell_type").getAsString().equals("code")) continue;
                String src = join(cell.get("source"));
                if (src.contains(sourceContains)) return cell;
            }
            throw new AssertionError("no code cell contains " + sourceContains);
        }

        /** Everything the cell showed, as text: streams, values, displays (latest state), errors. */
        String output(String sourceContains) {
            StringBuilder sb = new StringBuilder();
            for (JsonElement o : cell(sourceContains).getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                switch (out.get("output_type").getAsString()) {
                    case "stream" -> sb.append(join(out.get("text")));
                    case "execute_result", "display_data" -> sb.append(join(out.getAsJsonObject("data").get("text/plain"))).append('\n');
                    case "error" -> sb.append(Jupyter.plain(String.join("\n", strings(out.getAsJsonArray("traceback"))))).append('\n');
                    default -> { }
                }
            }
            return sb.toString();
        }

        /** The text/plain of the cell's value. */
        String result(String sourceContains) {
            for (JsonElement o : cell(sourceContains).getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                if (out.get("output_type").getAsString().equals("execute_result")) {
                    return join(out.getAsJsonObject("data").get("text/plain"));
                }
            }
            throw new AssertionError("the cell with " + sourceContains + " has no value: " + output(sourceContains));
        }

        String html(String sourceContains) {
            for (JsonElement o : cell(sourceContains).getAsJsonArray("outputs")) {
                JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
                if (data != null && data.has("text/html")) return join(data.get("text/html"));
            }
            return "";
        }

        /** The MIME types of every output of the cell. */
        List<String> mimes(String sourceContains) {
            List<String> out = new ArrayList<>();
            for (JsonElement o : cell(sourceContains).getAsJsonArray("outputs")) {
                JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
                if (data != null) out.addAll(data.keySet());
            }
            return out;
        }

        /** Group 1 of every match of {@code regex} in the cell's output. */
        List<String> matches(String sourceContains, String regex) {
            List<String> out = new ArrayList<>();
            Matcher m = Pattern.compile(regex).matcher(output(sourceContains));
            while (m.find()) out.add(m.group(1));
            return out;
        }

        static String join(JsonElement e) {
            return e.isJsonArray() ? String.join("", strings(e.getAsJsonArray())) : e.getAsString();
        }

        static List<String> strings(JsonArray a) {
            List<String> out = new ArrayList<>();
            a.forEach(x -> out.add(x.getAsString()));
            return out;
        }
    }
}
