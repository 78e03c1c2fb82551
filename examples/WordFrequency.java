import dev.river.trickle.Trickle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The seed's word frequency, with Trickle: the files are farmed out in chunks with forkwork (a free
 * engine takes the next chunk), each engine counts the words of its files, and the counts are merged
 * here. A word is a run of letters or digits, lower-cased.
 *
 *   river run examples/WordFrequency.java [--chunksize N] [--top K] FILE...
 *
 * Engines read the files themselves, so they must see the same paths (local engines do; on a
 * cluster, use a shared file system).
 */
public class WordFrequency {
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Counts the words in a chunk of files; runs on an engine. */
    public static Map<String, Long> count(List<String> files) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        for (String file : files) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(Path.of(file)), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    for (String w : NOT_WORD.split(line.toLowerCase(Locale.ROOT))) {
                        if (!w.isEmpty()) counts.merge(w, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** Adds up the counts of every chunk. */
    public static Map<String, Long> merge(List<Map<String, Long>> parts) {
        Map<String, Long> total = new HashMap<>();
        for (Map<String, Long> part : parts) part.forEach((w, n) -> total.merge(w, n, Long::sum));
        return total;
    }

    /** Word frequencies over {@code files}, counted on the engines of {@code t}. */
    public static Map<String, Long> wordFrequency(Trickle t, List<String> files, int chunksize) {
        return merge(t.forkwork(WordFrequency::count, files, chunksize));
    }

    public static void main(String[] args) {
        int chunksize = 1;
        int top = 20;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--chunksize" -> chunksize = Integer.parseInt(args[++i]);
                case "--top" -> top = Integer.parseInt(args[++i]);
                default -> files.add(Path.of(args[i]).toAbsolutePath().toString());
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: river run examples/WordFrequency.java [--chunksize N] [--top K] FILE...");
            System.exit(2);
        }
        try (Trickle t = Trickle.connect()) {
            System.out.println("[trickle: " + t.vms().size() + " engines; " + t.inject(WordFrequency.class) + "]");
            long start = System.nanoTime();
            Map<String, Long> counts = wordFrequency(t, files, chunksize);
            long ms = (System.nanoTime() - start) / 1_000_000;
            long words = counts.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("%d files, %d words, %d distinct, counted in %d ms%n", files.size(), words, counts.size(), ms);
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(top)
                    .forEach(e -> System.out.printf("%8d  %s%n", e.getValue(), e.getKey()));
        }
    }
}
