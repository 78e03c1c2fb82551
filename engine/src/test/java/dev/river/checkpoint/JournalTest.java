package dev.river.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** A job's progress journal survives its driver, drops a torn last record, and refuses another job. */
class JournalTest {
    @TempDir
    Path dir;

    record Counts(Map<String, Long> words) {}

    @Test
    void finishedTasksAndResultsSurviveAReopen() {
        Path file = dir.resolve("job.journal");
        try (Journal j = Journal.open(file)) {
            j.bind("wordcount of 3 splits");
            j.record("map/0", new Counts(Map.of("a", 2L)));
            j.record("map/2", new Counts(Map.of("b", 1L)));
            j.record("map/2", new Counts(Map.of("ignored", 9L)));    // a second record of a task keeps the first
            j.record("reduce/0", null);
        }
        try (Journal j = Journal.open(file)) {
            j.bind("wordcount of 3 splits");
            assertEquals(Set.of("map/0", "map/2", "reduce/0"), j.done());
            assertTrue(j.isDone("map/0"));
            assertFalse(j.isDone("map/1"));
            assertEquals(new Counts(Map.of("b", 1L)), j.<Counts>result("map/2"));
            assertNull(j.result("reduce/0"));
            assertThrows(IllegalArgumentException.class, () -> j.result("map/1"));
        }
    }

    @Test
    void aTornLastRecordIsDroppedAndItsTaskRunsAgain() throws IOException {
        Path file = dir.resolve("torn.journal");
        try (Journal j = Journal.open(file)) {
            j.record("a", List.of(1, 2, 3));
            j.record("b", List.of(4));
        }
        long whole = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(whole - 3);                       // a crash in the middle of writing "b"
        }
        try (Journal j = Journal.open(file)) {
            assertEquals(Set.of("a"), j.done());
            j.record("b", List.of(5));
            assertEquals(List.of(5), j.result("b"));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[]{0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}));   // garbage with a bad checksum
        }
        try (Journal j = Journal.open(file)) {
            assertEquals(Set.of("a", "b"), j.done());
        }
    }

    @Test
    void aJournalOfAnotherJobIsRefused() throws IOException {
        Path file = dir.resolve("other.journal");
        try (Journal j = Journal.open(file)) {
            j.bind("input crc 1234");
        }
        try (Journal j = Journal.open(file)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> j.bind("input crc 9999"));
            assertTrue(e.getMessage().contains("another job") && e.getMessage().contains("1234"), e.getMessage());
        }
        Files.writeString(dir.resolve("not.journal"), "hello");
        assertTrue(assertThrows(java.io.UncheckedIOException.class, () -> Journal.open(dir.resolve("not.journal")))
                .getMessage().contains("not a River journal"));
        Journal gone = Journal.open(dir.resolve("gone.journal"));
        gone.delete();
        assertFalse(Files.exists(dir.resolve("gone.journal")));
    }
}
