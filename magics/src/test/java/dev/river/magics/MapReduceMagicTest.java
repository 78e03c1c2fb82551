package dev.river.magics;

import dev.river.mapreduce.MapReduceException;
import dev.river.mapreduce.Mapper;
import dev.river.mapreduce.Reducer;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %river mapreduce against real engines, with a stand-in kernel that supplies the notebook's values and functions. */
class MapReduceMagicTest {
    static Cluster cluster;
    static Trickle trickle;
    static Path corpus;
    static List<String> files = new ArrayList<>();
    static Map<String, Long> expected = new TreeMap<>();

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(2);
        trickle = Trickle.connect(2);
        corpus = Files.createTempDirectory("mapreduce-magic");
        String[] vocabulary = "river engine map reduce shuffle split key value partition combiner".split(" ");
        java.util.Random r = new java.util.Random(1);
        for (int f = 0; f < 6; f++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 3000; w++) {
                String word = vocabulary[r.nextInt(vocabulary.length)] + (r.nextInt(50) == 0 ? w : "");
                sb.append(word).append(w % 9 == 8 ? "\n" : " ");
                expected.merge(word, 1L, Long::sum);
            }
            Path p = corpus.resolve("f" + f + ".txt");
            Files.writeString(p, sb);
            files.add(p.toString());
        }
    }

    @AfterAll
    static void down() {
        if (trickle != null) trickle.close();
        if (cluster != null) cluster.close();
    }

    /** The notebook as these magics see it: named values, named functions, defined variables, shown outputs. */
    static final class Notebook implements MagicContext {
        final Map<String, Object> values = new HashMap<>();
        final Map<String, Object> functions = new HashMap<>();
        final Map<String, List<String>> targets = new HashMap<>();
        final Map<String, Object> defined = new HashMap<>();
        final Map<String, String> definedTypes = new HashMap<>();
        final List<Rich> shown = new ArrayList<>();

        @Override public Session session() { throw new AssertionError("the magic should use the open Trickle session"); }
        @Override public Object evaluate(String expression) {
            if (!values.containsKey(expression)) throw new MagicException("cannot find symbol " + expression);
            return values.get(expression);
        }
        @Override public String returningBlock(String code) { throw new MagicException("no code here"); }
        @Override public String returnType(String name, int arity) { return name.equals("sum") ? "long" : null; }
        @SuppressWarnings("unchecked")
        @Override public <T> List<T> variables(Class<T> type) { return type == Trickle.class ? List.of((T) trickle) : List.of(); }
        @Override public void define(String name, String type, Object value) {
            defined.put(name, value);
            definedTypes.put(name, type);
        }
        @Override public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) {
            targets.put(fn, targetTypes);
            Object f = functions.get(fn);
            if (!type.isInstance(f)) throw new MagicException("'" + fn + "' is not a " + type.getSimpleName());
            return type.cast(f);
        }
        @Override public List<Class<?>> definitions(String name) { return List.of(); }
        @Override public String cellBody() { return null; }
        @Override public PrintStream out() { return System.out; }
        @Override public Display display() {
            return content -> {
                shown.add(content);
                return shown::add;
            };
        }
    }

    static Notebook notebook() {
        Notebook nb = new Notebook();
        nb.values.put("files", files);
        nb.values.put("numbers", IntStream.range(0, 1000).boxed().toList());
        nb.functions.put("words", (Mapper<String, String, Long>) (line, out) -> {
            for (String w : line.split("\\s+")) if (!w.isEmpty()) out.emit(w, 1L);
        });
        nb.functions.put("Long::sum", (dev.river.mapreduce.Combiner<Long>) Long::sum);
        nb.functions.put("sum", (Reducer<String, Long, Long>) (w, ones) -> {
            long n = 0;
            for (long c : ones) n += c;
            return n;
        });
        return nb;
    }

    final Magics magics = Magics.load();

    @Test
    void wordCountOverFilesShowsProgressAndKeepsTheResult() throws Exception {
        Notebook nb = notebook();
        Rich r = (Rich) magics.run("mapreduce files --files --map words --combine Long::sum --reduce sum --partitions 3 --out counts", null, nb);
        assertEquals(expected, nb.defined.get("counts"));
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(((Map<?, ?>) nb.defined.get("counts")).keySet()), "keys in order");
        assertEquals("java.util.Map<Object, Long>", nb.definedTypes.get("counts"));
        assertTrue(r.text().contains(expected.size() + " keys, the first 20 shown") && r.text().contains("all in counts"), r.text());
        assertTrue(r.html().contains("<table"), "a table of the first results");
        assertTrue(nb.targets.get("words").get(0).equals("dev.river.mapreduce.Mapper<String, String, Long>"), nb.targets.get("words").toString());
        Rich end = lastProgress(nb);
        assertTrue(end.text().contains("map 6/6") || end.text().matches("(?s).*map (\\d+)/\\1.*"), end.text());
        assertTrue(end.text().contains("reduce 3/3") && end.text().contains("done"), end.text());
        assertTrue(end.html().contains("shuffled") && end.html().contains("reduce"), end.html());
        assertTrue(nb.shown.size() >= 3, "the progress was redrawn while the job ran, then the picture drawn");

        Rich picture = nb.shown.get(nb.shown.size() - 1);
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(picture.data().keySet()), "Vega-Lite and SVG in one bundle");
        assertTrue(picture.text().matches("mapreduce timeline: (\\d+) map, 3 shuffle, 3 reduce interval\\(s\\) on 2 engine\\(s\\) in \\d+ ms, .* shuffled"),
                picture.text());
        String vl = picture.data().get(Rich.VEGA_LITE);
        assertTrue(vl.startsWith("{\"$schema\":\"https://vega.github.io/schema/vega-lite/v5.json\"") && vl.contains("\"vconcat\""), vl);
        assertTrue(picture.data().get(Rich.SVG).contains("bytes shuffled between engines"), "the shuffle matrix is drawn");
        assertEquals(picture.text(), ((Rich) magics.run("timeline", null, nb)).text(), "%river timeline draws the newest job again");
    }

    /** The last progress view shown (the picture comes after it). */
    static Rich lastProgress(Notebook nb) {
        for (int i = nb.shown.size() - 1; i >= 0; i--) if (nb.shown.get(i).text().startsWith("mapreduce on ")) return nb.shown.get(i);
        throw new AssertionError("no progress shown: " + nb.shown);
    }

    @Test
    void aCollectionWithTypedLambdasAndPartFiles() throws Exception {
        Notebook nb = notebook();
        nb.functions.put("byDigit", (Mapper<Integer, Integer, Integer>) (n, out) -> out.emit(n % 10, n));
        nb.functions.put("count", (Reducer<Integer, Integer, Integer>) (d, ns) -> {
            int c = 0;
            for (int ignored : ns) c++;
            return c;
        });
        Rich r = (Rich) magics.run("mapreduce numbers --map byDigit --reduce count --types Integer,Integer --splits 5", null, nb);
        assertTrue(r.text().contains("10 keys") && r.text().contains("5 map tasks"), r.text());
        assertEquals(List.of("dev.river.mapreduce.Mapper<java.lang.Integer, Integer, Integer>"), nb.targets.get("byDigit"));
        assertEquals(List.of("dev.river.mapreduce.Reducer<Integer, Integer, Object>"), nb.targets.get("count"));

        Path out = corpus.resolve("out");
        Rich parts = (Rich) magics.run("mapreduce numbers --map byDigit --reduce count --partitions 2 --to " + out, null, nb);
        assertTrue(parts.text().contains("part-00000") && parts.text().contains("part-00001"), parts.text());
        List<String> lines = new ArrayList<>(Files.readAllLines(out.resolve("part-00000")));
        lines.addAll(Files.readAllLines(out.resolve("part-00001")));
        assertEquals(10, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.endsWith("\t100")), lines.toString());
    }

    @Test
    void aFailingMapShowsFailedAndRaisesTheUsersException() {
        Notebook nb = notebook();
        nb.functions.put("broken", (Mapper<String, String, Long>) (line, out) -> {
            throw new IllegalStateException("cannot read " + line.length());
        });
        MapReduceException e = assertThrows(MapReduceException.class,
                () -> magics.run("mapreduce files --files --map broken --reduce sum", null, nb));
        assertTrue(e.where().matches("split \\d of 6 .*the line at byte \\d+ .*"), e.where());
        Rich end = lastProgress(nb);
        assertTrue(nb.shown.get(nb.shown.size() - 1).text().contains("failed or lost"), "the picture shows where it failed");
        assertTrue(end.text().contains("failed") && end.html().contains("(failed)"), end.text());
    }

    @Test
    void wrongArgumentsAreUsageErrors() {
        Notebook nb = notebook();
        assertThrows(MagicException.class, () -> magics.run("mapreduce files --files --file-lines --map words --reduce sum", null, nb));
        assertThrows(MagicException.class, () -> magics.run("mapreduce numbers --map words --reduce sum --types Long", null, nb));
        assertThrows(MagicException.class, () -> magics.run("mapreduce numbers --map words --reduce sum --out 1x", null, nb));
        MagicException e = assertThrows(MagicException.class, () -> magics.run("mapreduce numbers --files --map words --reduce sum", null, nb));
        assertTrue(e.getMessage().contains("must name files"), e.getMessage());
        assertTrue(magics.names().contains("mapreduce"));
    }
}
