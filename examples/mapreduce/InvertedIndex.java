import dev.river.mapreduce.Emitter;
import dev.river.mapreduce.Line;
import dev.river.mapreduce.MapReduce;
import dev.river.trickle.Trickle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An inverted index with MapReduce: for every word, the files it occurs in. The map function emits
 * (word, {file}) for each word of each line; the combiner unites the file sets of a word on the
 * mappers, so each mapper sends a word once per split rather than once per occurrence.
 *
 *   river run examples/mapreduce/InvertedIndex.java [--out DIR] [--query WORD,...] FILE|DIR...
 *
 * With --out, the index is written as DIR/part-NNNNN (lines: word TAB [files]); otherwise the
 * postings of the --query words (default: the words found in the most files) are printed.
 */
public class InvertedIndex {
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    public static void main(String[] args) {
        List<String> files = new ArrayList<>();
        Path out = null;
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) out = Path.of(args[++i]);
            else if (args[i].equals("--query") && i + 1 < args.length) queries.addAll(List.of(args[++i].toLowerCase(Locale.ROOT).split(",")));
            else files.add(args[i]);
        }
        if (files.isEmpty()) {
            System.err.println("usage: river run examples/mapreduce/InvertedIndex.java [--out DIR] [--query WORD,...] FILE|DIR...");
            System.exit(2);
        }
        try (Trickle trickle = Trickle.connect()) {
            var index = MapReduce.fromFileLines(files)
                    .map((Line line, Emitter<String, Set<String>> emit) -> {
                        Set<String> file = Set.of(Path.of(line.file()).getFileName().toString());
                        for (String w : NOT_WORD.split(line.text().toLowerCase(Locale.ROOT))) if (!w.isEmpty()) emit.emit(w, file);
                    })
                    .combine((Set<String> a, Set<String> b) -> {
                        if (a.containsAll(b)) return a;
                        Set<String> union = new TreeSet<>(a);
                        union.addAll(b);
                        return union;
                    })
                    .reduce((String word, Iterable<Set<String>> sets) -> {
                        TreeSet<String> all = new TreeSet<>();
                        for (Set<String> s : sets) all.addAll(s);
                        return List.copyOf(all);
                    });
            if (out != null) {
                List<Path> parts = index.runToFiles(trickle, out);
                System.out.println("index written to " + parts.size() + " file(s) in " + out.toAbsolutePath());
                return;
            }
            Map<String, List<String>> postings = index.run(trickle);
            System.out.println(postings.size() + " distinct words in " + files.size() + " input(s)");
            if (queries.isEmpty()) {
                postings.entrySet().stream()
                        .sorted((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()))
                        .limit(10).forEach(e -> queries.add(e.getKey()));
            }
            for (String q : queries) System.out.println(q + " -> " + postings.getOrDefault(q, List.of()));
        }
    }
}
