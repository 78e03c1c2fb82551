import dev.river.mapreduce.Emitter;
import dev.river.mapreduce.MapReduce;
import dev.river.trickle.Trickle;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * The classic: counts the words of text files with MapReduce on River engines, and prints the most
 * frequent. A word is a run of letters or digits, lower-cased.
 *
 *   river run examples/mapreduce/WordCount.java FILE|DIR...
 *
 * Engines read the files themselves: local engines see them; on a cluster, use a shared file system.
 * With no engine running, Trickle.connect() starts local ones for the run.
 */
public class WordCount {
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: river run examples/mapreduce/WordCount.java FILE|DIR...");
            System.exit(2);
        }
        try (Trickle trickle = Trickle.connect()) {
            Map<String, Long> counts = MapReduce.fromFiles(args)
                    .map((String line, Emitter<String, Long> out) -> {
                        for (String w : line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty()) out.emit(w, 1L);
                    })
                    .combine(Long::sum)
                    .reduce((String word, Iterable<Long> ones) -> { long n = 0; for (long c : ones) n += c; return n; })
                    .onProgress(p -> { if (System.console() != null) System.err.print("\r" + p + "   "); })
                    .run(trickle);
            if (System.console() != null) System.err.println();
            System.out.println(counts.size() + " distinct words; the most frequent:");
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                    .limit(20)
                    .forEach(e -> System.out.printf("%10d  %s%n", e.getValue(), e.getKey()));
        }
    }
}
