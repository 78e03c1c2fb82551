package dev.river.magics;

import dev.river.trickle.Task;
import dev.river.trickle.Work;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %river forkwork FN ITEMS [--chunksize K]}: Trickle's forkwork with a live progress bar. Java:
 * {@code trickle.forkwork(fn, items, k)} (or {@code forkworkAsync} and {@code onProgress}).
 *
 * <pre>{@code
 * %river forkwork wordcount files --chunksize 4 --out parts
 * %river forkwork "chunk -> chunk.size()" numbers
 * }</pre>
 */
@Command(name = "forkwork",
        description = "Farm FN over ITEMS in chunks with dynamic scheduling (a free engine takes the next chunk), with a live"
                + " progress bar and task-stream picture; the value is the list of results, one per chunk, in order.")
public final class ForkworkMagic implements RiverMagic {
    @Parameters(index = "0", paramLabel = "FN",
            description = "A method defined in a cell that takes one chunk (a List), or an expression of type Task<List<T>, R> (a variable, a lambda).")
    String fn;

    @Parameters(index = "1", paramLabel = "ITEMS",
            description = "A Java expression giving the items: a List, Collection, array, Stream or Iterable (quote it if it has blanks).")
    String items;

    @Option(names = "--chunksize", paramLabel = "K", description = "Items per chunk. Default: about 4 chunks per engine.")
    Integer chunksize;

    @Option(names = "--out", paramLabel = "NAME", description = "Also keep the results in a new notebook variable NAME.")
    String out;

    @Option(names = "--trickle", paramLabel = "T", description = "Run on this Trickle session (a notebook variable) instead of one connected for this magic.")
    String trickle;

    @Override
    @SuppressWarnings("unchecked")
    public Object run(MagicContext ctx) {
        if (chunksize != null && chunksize < 1) throw new MagicException("--chunksize must be at least 1, not " + chunksize);
        if (out != null && !out.matches("[A-Za-z_$][\\w$]*")) throw new MagicException("--out needs a Java variable name, not '" + out + "'");
        List<Object> list = Items.toList(ctx.evaluate(items), items);
        String element = Items.commonType(list);
        List<String> targets = new ArrayList<>();
        if (element != null) targets.add("dev.river.trickle.Task<java.util.List<" + element + ">, Object>");
        targets.add("dev.river.trickle.Task<java.util.List<Object>, Object>");
        Task<List<Object>, Object> task = ctx.function(fn, Task.class, 1, targets);
        List<Object> results;
        try (TrickleUse use = TrickleUse.of(ctx, trickle)) {
            int engines = Math.max(1, use.get().vms().size());
            int k = chunksize != null ? chunksize : Math.max(1, (list.size() + 4 * engines - 1) / (4 * engines));
            int chunks = (list.size() + k - 1) / k;
            String label = fn.length() > 30 ? fn.substring(0, 27) + "..." : fn;
            Progress bar = Progress.start(ctx.display(), "forkwork " + label + ": " + chunks + " chunk" + (chunks == 1 ? "" : "s")
                    + " of " + k + " on " + engines + " engine" + (engines == 1 ? "" : "s"), list.size(), "items");
            Work<Object> work = use.get().forkworkAsync(task, list, k);
            work.onProgress((done, total, failed) -> bar.set(done));
            LiveTaskStream picture = LiveTaskStream.follow(ctx.display(), work);
            try {
                results = work.results();
                bar.done();
            } catch (RuntimeException e) {
                bar.finish(Thread.currentThread().isInterrupted() ? "interrupted" : "failed");
                throw e;
            } finally {
                picture.done();
            }
        }
        if (out != null) {
            String result = ctx.returnType(fn, 1);
            String type = "java.util.List<" + (result == null || result.equals("void") ? "Object" : box(result)) + ">";
            ctx.define(out, type, results);
            return Rich.text(results.size() + " result" + (results.size() == 1 ? "" : "s") + " in " + out + " ("
                    + type.replace("java.util.", "") + ")");
        }
        return results;
    }

    static String box(String type) {
        return switch (type) {
            case "int" -> "Integer";
            case "long" -> "Long";
            case "double" -> "Double";
            case "float" -> "Float";
            case "boolean" -> "Boolean";
            case "char" -> "Character";
            case "byte" -> "Byte";
            case "short" -> "Short";
            default -> type;
        };
    }
}
