package dev.river.magics;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The %river framework without a kernel: parsing, usage, help, completion, plug-in magics. */
class MagicsTest {
    /** A context for magics that need no kernel. */
    static final class NoKernel implements MagicContext {
        final List<Rich> shown = new ArrayList<>();

        @Override public Session session() { throw new AssertionError("no session in this test"); }
        @Override public Object evaluate(String expression) { return expression; }
        @Override public String returningBlock(String code) { return "{ return null; }"; }
        @Override public String returnType(String name, int arity) { return null; }
        @Override public void define(String name, String type, Object value) { }
        @Override public <T> List<T> variables(Class<T> type) { return List.of(); }
        @Override public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) { throw new MagicException("no"); }
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

    /** A plug-in magic, as another module would ship one. */
    @Command(name = "greet", aliases = "hello", description = "Greets somebody.")
    public static final class GreetMagic implements RiverMagic {
        @Parameters(paramLabel = "WHO", defaultValue = "world") String who;
        @Option(names = "--times", defaultValue = "1") int times;

        @Override public Object run(MagicContext ctx) {
            if (times < 1) throw new IllegalArgumentException("--times must be positive");
            return Rich.text(String.join(" ", java.util.Collections.nCopies(times, "hello " + who)));
        }
    }

    /** A cell magic echoing its body. */
    @Command(name = "echo", description = "Echoes the cell.")
    public static final class EchoMagic implements RiverMagic {
        @Override public boolean cellMagic() { return true; }
        @Override public Object run(MagicContext ctx) { return ctx.cellBody().strip(); }
    }

    final Magics magics = Magics.load().register(GreetMagic.class).register(EchoMagic.class).describe("%classpath PATH", "Adds to the class path.");
    final NoKernel ctx = new NoKernel();

    @Test
    void builtInMagicsAreFoundByServiceLoader() {
        assertTrue(magics.names().containsAll(List.of("engines", "start", "stop", "inject", "fork", "forkwork")), magics.names().toString());
    }

    @Test
    void pluggedInMagicRunsWithParsedArguments() throws Exception {
        assertEquals("hello Ada hello Ada", magics.run("greet Ada --times 2", null, ctx).toString());
        assertEquals("hello world", magics.run("hello", null, ctx).toString());
    }

    @Test
    void helpListsEveryMagicAndTheKernelsOwn() throws Exception {
        Rich help = (Rich) magics.run("help", null, ctx);
        for (String s : List.of("%river engines", "%river start", "%river stop", "%river inject", "%%river fork", "%river forkwork",
                "%river greet", "Greets somebody.", "%classpath PATH", "Adds to the class path.")) {
            assertTrue(help.text().contains(s), "help lacks " + s + ":\n" + help.text());
        }
        assertTrue(help.html().startsWith("<table"), help.html());
        assertEquals(help.text(), ((Rich) magics.run("", null, ctx)).text());
    }

    @Test
    void helpForOneMagicIsItsUsage() throws Exception {
        String usage = magics.run("help forkwork", null, ctx).toString();
        assertTrue(usage.contains("Usage: %river forkwork"), usage);
        assertTrue(usage.contains("--chunksize=K"), usage);
        assertEquals(usage, magics.run("forkwork --help", null, ctx).toString());
    }

    @Test
    void wrongArgumentsGiveUsageNotStackTraces() {
        MagicException notNumber = assertThrows(MagicException.class, () -> magics.run("start two", null, ctx));
        assertTrue(notNumber.getMessage().contains("two"), notNumber.getMessage());
        assertTrue(notNumber.usage().contains("Usage: %river start"), notNumber.usage());
        MagicException missing = assertThrows(MagicException.class, () -> magics.run("forkwork f", null, ctx));
        assertTrue(missing.getMessage().contains("ITEMS"), missing.getMessage());
        MagicException zero = assertThrows(MagicException.class, () -> magics.run("start 0", null, ctx));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
        MagicException illegal = assertThrows(MagicException.class, () -> magics.run("greet --times 0", null, ctx));
        assertTrue(illegal.report().contains("--times must be positive") && illegal.report().contains("Usage: %river greet"), illegal.report());
    }

    @Test
    void unknownMagicSuggestsTheClosest() {
        MagicException e = assertThrows(MagicException.class, () -> magics.run("forkwrok f x", null, ctx));
        assertTrue(e.getMessage().contains("did you mean 'forkwork'"), e.getMessage());
        assertTrue(e.usage().contains("%river engines"), "the usage of an unknown magic is the list");
    }

    @Test
    void cellAndLineMagicsAreNotInterchangeable() throws Exception {
        MagicException asLine = assertThrows(MagicException.class, () -> magics.run("echo", null, ctx));
        assertTrue(asLine.getMessage().contains("cell magic"), asLine.getMessage());
        MagicException asCell = assertThrows(MagicException.class, () -> magics.run("greet", "body", ctx));
        assertTrue(asCell.getMessage().contains("line magic"), asCell.getMessage());
        assertEquals("body text", magics.run("echo", "  body text\n", ctx));
    }

    @Test
    void completionOffersNamesThenOptions() {
        assertEquals(List.of("fork", "forkwork"), magics.complete("fo", 2));
        assertEquals(List.of("--chunksize"), magics.complete("forkwork f xs --ch", 18));
        assertTrue(magics.complete("", 0).containsAll(List.of("engines", "discover", "help", "greet")));
    }

    @Test
    void progressShowsThenUpdatesInPlaceAndEndsComplete() {
        Progress p = Progress.start(ctx.display(), "work", 1000, "items");
        IntStream.range(0, 1000).forEach(i -> p.advance(1));
        p.done();
        Rich first = ctx.shown.get(0);
        Rich last = ctx.shown.get(ctx.shown.size() - 1);
        assertTrue(first.text().contains("0/1000 items"), first.text());
        assertTrue(last.text().contains("1000/1000 items") && last.text().contains("100%"), last.text());
        // throttled: a thousand increments in a few ms are far fewer redraws
        assertTrue(ctx.shown.size() < 50, "redrawn " + ctx.shown.size() + " times");
        assertTrue(last.html().contains("width:100.0%"), last.html());
    }

    @Test
    void interruptedProgressSaysSo() {
        Progress p = Progress.start(ctx.display(), "work", 10, "items");
        p.advance(3);
        p.finish("interrupted");
        Rich last = ctx.shown.get(ctx.shown.size() - 1);
        assertTrue(last.text().contains("3/10 items") && last.text().contains("(interrupted)"), last.text());
    }

    @Test
    void tablesEscapeHtmlAndAlignText() {
        Rich r = new Table("name", "value").row("<b>", 1).row("long name", 22).caption("2 rows").toRich();
        assertTrue(r.html().contains("&lt;b&gt;") && !r.html().contains("<b>"), r.html());
        assertEquals("name       value\n<b>        1\nlong name  22\n2 rows\n", r.text());
    }

    @Test
    void itemsComeFromAnyCollectionLikeValue() {
        assertEquals(List.of(1, 2, 3), Items.toList(new int[]{1, 2, 3}, "a"));
        assertEquals(List.of("x", "y"), Items.toList(java.util.stream.Stream.of("x", "y"), "s"));
        assertEquals(List.of(Map.entry("k", 1)), Items.toList(Map.of("k", 1), "m"));
        MagicException e = assertThrows(MagicException.class, () -> Items.toList(42, "n"));
        assertTrue(e.getMessage().contains("'n' is a java.lang.Integer"), e.getMessage());
        assertEquals("java.lang.String", Items.commonType(List.of("a", "b")));
        assertEquals(null, Items.commonType(List.of("a", 1)));
        assertFalse(Items.toList(List.of(), "e").iterator().hasNext());
    }
}
