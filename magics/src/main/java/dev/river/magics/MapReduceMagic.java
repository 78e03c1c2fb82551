package dev.river.magics;

import dev.river.mapreduce.Combiner;
import dev.river.mapreduce.Job;
import dev.river.mapreduce.MapReduce;
import dev.river.mapreduce.Mapped;
import dev.river.mapreduce.Mapper;
import dev.river.mapreduce.Reducer;
import dev.river.mapreduce.Running;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code %river mapreduce INPUT --map FN [--combine FN] --reduce FN ...}: a MapReduce job on the
 * engines, with live progress (maps, bytes shuffled, reduces); the value shows the first results and
 * {@code --out NAME} keeps them all in a variable. After the job, its picture: phases per engine over time
 * and the bytes shuffled between engines ({@link MapReducePicture}, again with {@code %river timeline}).
 * Java: {@code MapReduce.from(items).map(fn)...run(trickle)}.
 *
 * <pre>{@code
 * %river mapreduce files --files --map words --combine Long::sum --reduce sum --partitions 4 --out counts
 * %river mapreduce numbers --map "(n, out) -> out.emit(n % 10, n)" --reduce "(d, ns) -> ns.iterator().next()"
 * %river mapreduce books --file-lines --map index --reduce postings --to /shared/index
 * }</pre>
 *
 * <p>FN names a method defined in a cell (taking two arguments: the record and the {@code Emitter} for
 * map, two values for combine, the key and the {@code Iterable} of values for reduce), or is an
 * expression of the function type (a variable, a method reference, a lambda). A lambda's parameters are
 * typed from {@code --types K,V}, or else the magic tries String or Object keys with Long, Integer,
 * Double or Object values.
 */
@Command(name = "mapreduce",
        description = "Run a MapReduce job on the engines with live progress (maps, bytes shuffled, reduces); the value shows the"
                + " first results in key order (--out keeps them all, --to writes part files).")
public final class MapReduceMagic implements RiverMagic {
    private static final int PREVIEW = 20;

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "A Java expression: the items (a List, Collection, array, Stream or Iterable), or with --files / --file-lines"
                    + " the text files and directories (a String, Path or File, or a collection of them).")
    String input;

    @Option(names = "--files", description = "INPUT names text files: the map function gets each line (a String).")
    boolean files;

    @Option(names = "--file-lines", description = "INPUT names text files: the map function gets each line as a Line(file, offset, text).")
    boolean fileLines;

    @Option(names = "--map", required = true, paramLabel = "FN", description = "The map function: (record, Emitter<K, V>) -> void.")
    String map;

    @Option(names = "--combine", paramLabel = "FN", description = "Optional combiner on the mappers: (V, V) -> V, e.g. Long::sum.")
    String combine;

    @Option(names = "--reduce", required = true, paramLabel = "FN", description = "The reduce function: (K, Iterable<V>) -> R.")
    String reduce;

    @Option(names = "--partitions", paramLabel = "N", description = "Reduce partitions. Default: one per engine core.")
    Integer partitions;

    @Option(names = "--splits", paramLabel = "N", description = "Map tasks to cut the input into. Default: about four per engine core.")
    Integer splits;

    @Option(names = "--types", paramLabel = "K,V", description = "Key and value types for lambdas given inline, e.g. String,Long.")
    String types;

    @Option(names = "--to", paramLabel = "DIR", description = "Write the results to DIR/part-NNNNN (key TAB result) instead of returning them.")
    String to;

    @Option(names = "--out", paramLabel = "NAME", description = "Also keep the results in a new notebook variable NAME (a Map in key order).")
    String out;

    @Option(names = "--trickle", paramLabel = "T", description = "Run on this Trickle session (a notebook variable) instead of the open one.")
    String trickle;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object run(MagicContext ctx) {
        if (files && fileLines) throw new MagicException("--files and --file-lines exclude each other");
        if (out != null && !out.matches("[A-Za-z_$][\\w$]*")) throw new MagicException("--out needs a Java variable name, not '" + out + "'");
        if (out != null && to != null) throw new MagicException("--out and --to exclude each other: --to writes the results to files");
        if (partitions != null && partitions < 1) throw new MagicException("--partitions must be at least 1, not " + partitions);
        if (splits != null && splits < 1) throw new MagicException("--splits must be at least 1, not " + splits);
        List<String[]> keyValues = keyValueTypes();

        Object value = ctx.evaluate(input);
        MapReduce<?> source;
        String record;
        if (files || fileLines) {
            List<Object> paths = paths(value);
            source = files ? MapReduce.fromFiles(paths) : MapReduce.fromFileLines(paths);
            record = files ? "String" : "dev.river.mapreduce.Line";
        } else {
            List<Object> items = Items.toList(value, input);
            source = MapReduce.from(items);
            String common = Items.commonType(items);
            record = common != null ? common : "Object";
        }
        if (splits != null) source = source.splits(splits);

        Set<String> mapTargets = new LinkedHashSet<>(), combineTargets = new LinkedHashSet<>(), reduceTargets = new LinkedHashSet<>();
        for (String[] kv : keyValues) {
            mapTargets.add("dev.river.mapreduce.Mapper<" + record + ", " + kv[0] + ", " + kv[1] + ">");
            combineTargets.add("dev.river.mapreduce.Combiner<" + kv[1] + ">");
            reduceTargets.add("dev.river.mapreduce.Reducer<" + kv[0] + ", " + kv[1] + ", Object>");
        }
        Mapper mapper = ctx.function(map, Mapper.class, 2, new ArrayList<>(mapTargets));
        Mapped mapped = ((MapReduce) source).map(mapper);
        if (combine != null) mapped = mapped.combine(ctx.function(combine, Combiner.class, 2, new ArrayList<>(combineTargets)));
        Job job = mapped.reduce(ctx.function(reduce, Reducer.class, 2, new ArrayList<>(reduceTargets)));
        if (partitions != null) job = job.partitions(partitions);

        Object result;
        dev.river.mapreduce.Progress last;
        int engines;
        try (TrickleUse use = TrickleUse.of(ctx, trickle)) {
            engines = use.get().vms().size();
            Running<?> running = to != null ? job.startToFiles(use.get(), Path.of(to)) : job.start(use.get());
            MapReduceView view = new MapReduceView(ctx.display(), "mapreduce on " + engines + " engine" + (engines == 1 ? "" : "s"));
            running.onProgress(view::show);
            try {
                result = running.result();
            } finally {
                view.show(running.progress());
                ctx.display().show(MapReducePicture.of(running));     // failed jobs too: where did it stop?
            }
            last = running.progress();
        }
        String summary = summary(last, engines);
        if (to != null) {
            List<Path> parts = (List<Path>) result;
            Table t = new Table("part file").caption(parts.size() + " part file" + (parts.size() == 1 ? "" : "s") + " in " + Path.of(to).toAbsolutePath()
                    + "; " + summary);
            for (Path p : parts) t.row(p.getFileName());
            return t.toRich();
        }
        Map<Object, Object> results = (Map<Object, Object>) result;
        String note = "";
        if (out != null) {
            String type = "java.util.Map<" + keyType(keyValues) + ", " + resultType(ctx) + ">";
            ctx.define(out, type, results);
            note = "; all in " + out + " (" + type.replace("java.util.", "") + ")";
        } else if (results.size() > PREVIEW) {
            note = "; --out NAME keeps them all";
        }
        Table t = new Table("key", "result");
        int n = 0;
        for (Map.Entry<Object, Object> e : results.entrySet()) {
            if (n++ == PREVIEW) break;
            t.row(e.getKey(), e.getValue());
        }
        t.caption(results.size() + " key" + (results.size() == 1 ? "" : "s") + (results.size() > PREVIEW ? ", the first " + PREVIEW + " shown" : "")
                + "; " + summary + note);
        return t.toRich();
    }

    /** The (K, V) type pairs lambdas are tried with: --types, or common ones. */
    private List<String[]> keyValueTypes() {
        if (types != null) {
            String[] kv = splitTypes(types);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new MagicException("--types needs two types, key then value, e.g. String,Long; not '" + types + "'");
            }
            return List.<String[]>of(new String[]{kv[0].strip(), kv[1].strip()});
        }
        List<String[]> out = new ArrayList<>();
        for (String k : List.of("String", "Object")) {
            for (String v : List.of("Long", "Integer", "Double", "Object")) out.add(new String[]{k, v});
        }
        return out;
    }

    /** Splits "Map<String, Long>,Long" at top-level commas. */
    static String[] splitTypes(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.toArray(String[]::new);
    }

    private String keyType(List<String[]> keyValues) {
        return keyValues.size() == 1 ? keyValues.get(0)[0] : "Object";
    }

    private String resultType(MagicContext ctx) {
        String r = ctx.returnType(reduce, 2);
        return r == null || r.equals("void") ? "Object" : ForkworkMagic.box(r);
    }

    /** The paths INPUT names: one String, Path or File, or a collection, array, stream of them. */
    private List<Object> paths(Object value) {
        List<Object> list = value instanceof String || value instanceof Path || value instanceof File
                ? List.of(value) : Items.toList(value, input);
        if (list.isEmpty()) throw new MagicException("INPUT '" + input + "' names no files");
        for (Object p : list) {
            if (!(p instanceof String || p instanceof Path || p instanceof File)) {
                throw new MagicException("with --files, INPUT must name files (String, Path or File), but '" + input + "' holds a "
                        + (p == null ? "null" : p.getClass().getName()));
            }
        }
        return list;
    }

    private static String summary(dev.river.mapreduce.Progress p, int engines) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.mapsTotal()).append(" map task").append(p.mapsTotal() == 1 ? "" : "s").append(", ")
                .append(p.reducesTotal()).append(" partition").append(p.reducesTotal() == 1 ? "" : "s")
                .append(" on ").append(engines).append(" engine").append(engines == 1 ? "" : "s")
                .append(String.format(java.util.Locale.ROOT, " in %.1f s", p.elapsed().toMillis() / 1000.0));
        if (p.tasksRerun() > 0) sb.append(", ").append(p.tasksRerun()).append(" task(s) re-run");
        return sb.toString();
    }
}
