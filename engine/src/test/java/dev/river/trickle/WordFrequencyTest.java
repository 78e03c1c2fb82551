package dev.river.trickle;

import dev.river.core.LocalEngines;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/WordFrequency.java, compiled and loaded the way {@code river run} does (its own class
 * loader, so its method reference is shipped from a loader engines have never seen), must count
 * exactly what a sequential count here finds.
 */
class WordFrequencyTest {
    static Cluster cluster;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    @Test
    void forkworkCountMatchesASequentialCount(@TempDir Path dir) throws Exception {
        List<String> files = writeCorpus(dir.resolve("corpus"), 23);
        Class<?> example = compileExample(dir.resolve("classes"));
        Method wordFrequency = example.getMethod("wordFrequency", Trickle.class, List.class, int.class);

        Thread me = Thread.currentThread();
        ClassLoader previous = me.getContextClassLoader();
        me.setContextClassLoader(example.getClassLoader());
        try (Trickle t = Trickle.connect(2)) {
            for (int chunksize : new int[]{1, 4, 100}) {
                @SuppressWarnings("unchecked")
                Map<String, Long> counted = (Map<String, Long>) wordFrequency.invoke(null, t, files, chunksize);
                assertEquals(sequentialCount(files), counted, "chunksize " + chunksize);
            }
        } finally {
            me.setContextClassLoader(previous);
        }
    }

    /** Text files of words from a small vocabulary, with punctuation, case and non-ASCII letters. */
    private static List<String> writeCorpus(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        String[] vocabulary = {"river", "Trickle", "engine", "chunk", "forkwork", "naïve", "café", "x86", "don't", "Σίσυφος"};
        Random random = new Random(42);
        List<String> files = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            StringBuilder text = new StringBuilder();
            int lines = 20 + random.nextInt(200);
            for (int l = 0; l < lines; l++) {
                int words = random.nextInt(15);
                for (int w = 0; w < words; w++) {
                    text.append(vocabulary[random.nextInt(vocabulary.length)]).append(random.nextInt(5) == 0 ? ", " : " ");
                }
                text.append(random.nextInt(4) == 0 ? ".\n" : "\n");
            }
            Path p = dir.resolve("part-" + f + ".txt");
            Files.writeString(p, text, StandardCharsets.UTF_8);
            files.add(p.toString());
        }
        return files;
    }

    private static Map<String, Long> sequentialCount(List<String> files) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (String f : files) {
            String text = Files.readString(Path.of(f), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            StringBuilder word = new StringBuilder();
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : ' ';
                if (Character.isLetterOrDigit(c)) {
                    word.append(c);
                } else if (word.length() > 0) {
                    counts.merge(word.toString(), 1L, Long::sum);
                    word.setLength(0);
                }
            }
        }
        assertTrue(counts.containsKey("don") && counts.containsKey("σίσυφος"), "corpus should exercise apostrophes and Greek");
        return counts;
    }

    private static Class<?> compileExample(Path out) throws Exception {
        Path source = Path.of(System.getProperty("user.dir")).getParent().resolve("examples").resolve("WordFrequency.java");
        Files.createDirectories(out);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, err, "-proc:none", "-d", out.toString(),
                "-cp", LocalEngines.engineClassPath(), source.toString());
        assertEquals(0, rc, err.toString());
        URLClassLoader loader = new URLClassLoader(new URL[]{out.toUri().toURL()}, WordFrequencyTest.class.getClassLoader());
        return Class.forName("WordFrequency", true, loader);
    }
}
