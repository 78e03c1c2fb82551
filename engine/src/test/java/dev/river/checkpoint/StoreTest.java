package dev.river.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** State files and manifests on disk: whole or absent, and every corruption is refused clearly. */
class StoreTest {
    @TempDir
    Path root;

    private final UUID app = UUID.randomUUID();
    private final UUID vr = UUID.randomUUID();
    private final byte[] image = "an image of a VR, standing in for the runtime's bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void aStateFileReadsBackOnlyWithItsChecksumAndIdentity() throws IOException {
        Store store = new Store(root);
        Path dir = store.epochDir(app, 1);
        StateFile.Written w = StateFile.write(dir, app, 1, vr, out -> out.write(image));
        assertEquals(Files.size(dir.resolve(w.file())), w.bytes());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left");
        try (InputStream in = StateFile.open(dir.resolve(w.file()), app, 1, vr, w.crc())) {
            assertArrayEquals(image, in.readAllBytes());
        }
        CheckpointException otherVr = assertThrows(CheckpointException.class,
                () -> StateFile.open(dir.resolve(w.file()), app, 1, UUID.randomUUID(), w.crc()));
        assertTrue(otherVr.getMessage().contains("copied from elsewhere"), otherVr.getMessage());
        CheckpointException manifestSaysOther = assertThrows(CheckpointException.class,
                () -> StateFile.open(dir.resolve(w.file()), app, 1, vr, w.crc() ^ 1));
        assertTrue(manifestSaysOther.getMessage().contains("corrupt"), manifestSaysOther.getMessage());

        byte[] b = Files.readAllBytes(dir.resolve(w.file()));
        b[50] ^= 1;
        Files.write(dir.resolve(w.file()), b);
        CheckpointException flipped = assertThrows(CheckpointException.class,
                () -> StateFile.open(dir.resolve(w.file()), app, 1, vr, w.crc()));
        assertTrue(flipped.getMessage().contains("corrupt") && flipped.getMessage().contains(w.file()), flipped.getMessage());
        Files.write(dir.resolve(w.file()), new byte[10]);
        assertTrue(assertThrows(CheckpointException.class, () -> StateFile.open(dir.resolve(w.file()), app, 1, vr, w.crc()))
                .getMessage().contains("only 10 bytes"));
        Files.delete(dir.resolve(w.file()));
        assertTrue(assertThrows(CheckpointException.class, () -> StateFile.open(dir.resolve(w.file()), app, 1, vr, w.crc()))
                .getMessage().contains("missing"));
    }

    @Test
    void collectedBytesMatchAFileWrittenInPlace() throws IOException {
        byte[] bytes = StateFile.toBytes(app, 2, vr, out -> out.write(image));
        StateFile.Written w = StateFile.write(root, vr, bytes);
        assertEquals(bytes.length, w.bytes());
        try (InputStream in = StateFile.open(root.resolve(w.file()), app, 2, vr, w.crc())) {
            assertArrayEquals(image, in.readAllBytes());
        }
    }

    @Test
    void onlyEpochsWithAValidManifestAreCheckpoints() throws IOException {
        Store store = new Store(root);
        Checkpoint c = checkpoint(store, 1);
        Manifest.write(c, false);
        checkpoint(store, 2);                                   // files, but no manifest: a failed checkpoint
        Files.createDirectories(store.epochDir(app, 3));
        assertEquals(List.of(1L), store.list(app).stream().map(Checkpoint::epoch).toList());
        assertEquals(4, store.nextEpoch(app), "a failed epoch's number is not reused");

        Checkpoint back = store.read(app, 1).checkpoint();
        assertEquals(c.vrs(), back.vrs());
        assertEquals(c.time(), back.time());
        assertEquals(c.frozen(), back.frozen());

        CheckpointException incomplete = assertThrows(CheckpointException.class, () -> store.read(app, 2));
        assertTrue(incomplete.getMessage().contains("no manifest"), incomplete.getMessage());

        Path m = store.epochDir(app, 1).resolve(Manifest.NAME);
        Files.writeString(m, Files.readString(m).replace("frozen-ms 7", "frozen-ms 8"));
        CheckpointException corrupt = assertThrows(CheckpointException.class, () -> store.read(app, 1));
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
        assertTrue(store.list(app).isEmpty());

        store.delete(app, 1);
        assertFalse(Files.exists(store.epochDir(app, 1)));
    }

    private Checkpoint checkpoint(Store store, long epoch) throws IOException {
        Path dir = store.epochDir(app, epoch);
        StateFile.Written w = StateFile.write(dir, app, epoch, vr, out -> out.write(image));
        Checkpoint.SavedVr v = new Checkpoint.SavedVr(vr, "com.example.Worker", "127.0.0.1:4000",
                UUID.randomUUID() + "@127.0.0.1:3999", "loop", 12, w.file(), w.bytes(), w.crc());
        return new Checkpoint(app, epoch, Instant.parse("2025-01-02T03:04:05.678Z"), Duration.ofMillis(7), dir, List.of(v));
    }
}
