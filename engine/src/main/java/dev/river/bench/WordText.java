package dev.river.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generated text for word-count benchmarks and tests: lines of 6 to 17 words drawn from a vocabulary
 * with a Zipf-like distribution (a few words very common, a long tail of rare ones), as in natural
 * text. The same seed gives the same text.
 *
 * <pre>{@code
 * WordText.write(Path.of("/tmp/words.txt"), 200L << 20, 42);     // about 200 MiB
 * }</pre>
 */
public final class WordText {
    private final byte[][] words;
    private final double[] cumulative;
    private final SplittableRandom random;

    /** A generator over a vocabulary of {@code vocabulary} words. */
    public WordText(int vocabulary, long seed) {
        this.random = new SplittableRandom(seed);
        this.words = new byte[vocabulary][];
        SplittableRandom shapes = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < vocabulary; i++) words[i] = word(i, shapes);
        this.cumulative = new double[vocabulary];
        double sum = 0;
        for (int i = 0; i < vocabulary; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        for (int i = 0; i < vocabulary; i++) cumulative[i] /= sum;
    }

    /** A distinct word for index {@code i}: letters, 2 to 12 of them, its index encoded in the tail. */
    private static byte[] word(int i, SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int len = 2 + r.nextInt(9);
        for (int k = 0; k < len; k++) sb.append((char) ('a' + r.nextInt(26)));
        int x = i;
        do {
            sb.append((char) ('a' + x % 26));
            x /= 26;
        } while (x > 0);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The next word. */
    public byte[] next() {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return words[i >= 0 ? i : Math.min(words.length - 1, -i - 1)];
    }

    /** Writes lines until at least {@code bytes} bytes are written; returns the bytes written. */
    public long write(OutputStream out, long bytes) throws IOException {
        long written = 0;
        while (written < bytes) {
            int n = 6 + random.nextInt(12);
            for (int k = 0; k < n; k++) {
                byte[] w = next();
                if (k > 0) {
                    out.write(' ');
                    written++;
                }
                out.write(w);
                written += w.length;
            }
            out.write('\n');
            written++;
        }
        return written;
    }

    /** Writes about {@code bytes} bytes of text (vocabulary 50,000) to {@code file}. */
    public static long write(Path file, long bytes, long seed) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            return new WordText(50_000, seed).write(out, bytes);
        }
    }
}
