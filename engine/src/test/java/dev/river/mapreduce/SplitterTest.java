package dev.river.mapreduce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File splits on line boundaries and the line reader: every line read exactly once, whatever the split size. */
class SplitterTest {
    @TempDir
    Path dir;

    /** Lines as a reader of the whole text would see them: \n ends a line, \r before it dropped, a final unterminated line kept. */
    static List<String> expectedLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                String l = text.substring(start, i);
                out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    static String randomText(Random r, int lines) {
        String[] pieces = {"", "a", "héllo", "wörld ✓", "\r", "long line of some words here", "x y z", "日本語"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            int n = r.nextInt(6);
            for (int k = 0; k < n; k++) sb.append(pieces[r.nextInt(pieces.length)]).append(' ');
            if (r.nextInt(5) == 0) sb.append("\r");
            sb.append('\n');
        }
        if (r.nextBoolean()) sb.append("no newline at the end");
        return sb.toString();
    }

    @Test
    void everyLineIsReadExactlyOnceForAnySplitSize() throws IOException {
        Random r = new Random(3);
        for (int round = 0; round < 20; round++) {
            String text = randomText(r, 1 + r.nextInt(400));
            Path f = dir.resolve("t" + round + ".txt");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            long size = Files.size(f);
            for (long splitSize : new long[]{1, 2, 7, 64, 1000, size, size * 2}) {
                List<Split> splits = Splitter.fileSplits(List.of(f.toString()), splitSize);
                List<String> read = new ArrayList<>();
                long covered = 0;
                for (Split s : splits) {
                    Split.FileRange fr = (Split.FileRange) s;
                    assertEquals(covered, fr.start(), "splits are contiguous");
                    covered += fr.length();
                    try (LineReader lr = new LineReader(f, fr.start(), fr.length())) {
                        while (lr.next()) {
                            read.add(lr.text());
                            assertTrue(lr.offset() >= fr.start() && lr.offset() < fr.start() + fr.length());
                        }
                    }
                }
                assertEquals(size, covered, "splits cover the file");
                assertEquals(expectedLines(text), read, "split size " + splitSize + ", round " + round);
            }
        }
    }

    @Test
    void aSplitCountIsSharedAmongFilesBySize() throws IOException {
        List<String> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path f = dir.resolve("s" + i + ".txt");
            Files.writeString(f, ("some words on a line\n").repeat(i == 3 ? 2000 : 1000));
            fs.add(f.toString());
        }
        List<Split> splits = Splitter.fileSplitsByCount(fs, 10);
        assertEquals(10, splits.size(), splits.toString());
        assertEquals(4, splits.stream().filter(s -> ((Split.FileRange) s).file().equals(fs.get(3))).count(), "the double-size file gets twice the splits");
        assertEquals(4, Splitter.fileSplitsByCount(fs, 1).size(), "at least one split per file");
    }

    @Test
    void aLineLongerThanTheReadBufferIsOneLine() throws IOException {
        String longLine = "w".repeat(700_000);
        Path f = dir.resolve("long.txt");
        Files.writeString(f, "a\n" + longLine + "\nb");
        List<String> read = new ArrayList<>();
        for (Split s : Splitter.fileSplits(List.of(f.toString()), 100)) {
            Split.FileRange fr = (Split.FileRange) s;
            try (LineReader lr = new LineReader(f, fr.start(), fr.length())) {
                while (lr.next()) read.add(lr.text());
            }
        }
        assertEquals(List.of("a", longLine, "b"), read);
    }

    @Test
    void directoriesStandForTheirVisibleFilesAndMissingPathsFail() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "b");
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.resolve(".hidden"), "h");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        assertEquals(List.of(dir.resolve("a.txt").toString(), dir.resolve("b.txt").toString()), Splitter.files(List.of(dir)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Splitter.files(List.of(dir.resolve("nope"))));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Splitter.files(List.of(42)));
    }

    @Test
    void itemSplitsAreNearlyEqualAndCoverTheCollection() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 103; i++) items.add(i);
        List<Split> splits = Splitter.itemSplits(items, 10);
        assertEquals(10, splits.size());
        List<Object> all = new ArrayList<>();
        for (Split s : splits) {
            assertTrue(s.size() == 10 || s.size() == 11, "size " + s.size());
            all.addAll(((Split.Items) s).items());
        }
        assertEquals(items, all);
        assertEquals(3, Splitter.itemSplits(items.subList(0, 3), 10).size());
    }
}
