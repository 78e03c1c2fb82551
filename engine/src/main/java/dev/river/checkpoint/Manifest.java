package dev.river.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * A checkpoint's MANIFEST: written by the coordinator last, once every state file is on disk, so an
 * epoch directory with a valid manifest is a whole checkpoint and one without is the debris of a
 * failed one. Plain text, one item per line, readable with {@code cat}:
 *
 * <pre>
 * river-checkpoint 1
 * app 6f1c...
 * epoch 3
 * time 2025-01-01T12:00:00Z
 * frozen-ms 84
 * storage shared
 * vr &lt;uuid&gt; &lt;class&gt; &lt;vm&gt; &lt;parent uuid@vm or -&gt; &lt;style&gt; &lt;calls&gt; &lt;file&gt; &lt;bytes&gt; &lt;crc32c hex&gt;
 * ...
 * crc32c &lt;hex CRC-32C of all lines above&gt;
 * </pre>
 */
final class Manifest {
    static final String NAME = "MANIFEST";
    private static final String MAGIC = "river-checkpoint 1";

    private Manifest() {}

    /** Writes {@code c}'s manifest into its directory, atomically (temp, force, rename, force directory). */
    static void write(Checkpoint c, boolean collected) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append('\n');
        sb.append("app ").append(c.app()).append('\n');
        sb.append("epoch ").append(c.epoch()).append('\n');
        sb.append("time ").append(c.time()).append('\n');
        sb.append("frozen-ms ").append(c.frozen().toMillis()).append('\n');
        sb.append("storage ").append(collected ? "collected" : "shared").append('\n');
        for (Checkpoint.SavedVr v : c.vrs()) {
            sb.append("vr ").append(v.vr()).append(' ').append(v.className()).append(' ').append(v.vm()).append(' ')
                    .append(v.parent() == null ? "-" : v.parent()).append(' ').append(v.style()).append(' ')
                    .append(v.calls()).append(' ').append(v.file()).append(' ').append(v.bytes()).append(' ')
                    .append(Long.toHexString(v.crc())).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] all = (sb + "crc32c " + Long.toHexString(crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = c.directory().resolve("." + NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(all);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        Files.move(tmp, c.directory().resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(c.directory());
    }

    /** A manifest's contents. */
    record Read(Checkpoint checkpoint, boolean collected) {}

    /**
     * Reads the manifest in {@code dir}.
     *
     * @throws CheckpointException if it is missing, corrupt or malformed
     */
    static Read read(Path dir, long epoch) {
        Path file = dir.resolve(NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException(epoch, "epoch " + epoch + " has no manifest in " + dir
                    + ": it is not a complete checkpoint (one that failed, or is being written)", e);
        } catch (IOException e) {
            throw new CheckpointException(epoch, "cannot read " + file + ": " + e.getMessage(), e);
        }
        String where = "the manifest " + file;
        if (lines.size() < 7 || !MAGIC.equals(lines.get(0)) || !lines.get(lines.size() - 1).startsWith("crc32c ")) {
            throw new CheckpointException(epoch, where + " is corrupt or not a River checkpoint manifest");
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.size() - 1; i++) body.append(lines.get(i)).append('\n');
        CRC32C crc = new CRC32C();
        crc.update(body.toString().getBytes(StandardCharsets.UTF_8));
        String stored = lines.get(lines.size() - 1).substring(7).trim();
        if (!Long.toHexString(crc.getValue()).equals(stored)) {
            throw new CheckpointException(epoch, where + " is corrupt (CRC-32C " + Long.toHexString(crc.getValue())
                    + ", recorded " + stored + "). Restore an earlier epoch, or delete this one");
        }
        try {
            UUID app = UUID.fromString(value(lines.get(1), "app"));
            long ep = Long.parseLong(value(lines.get(2), "epoch"));
            Instant time = Instant.parse(value(lines.get(3), "time"));
            Duration frozen = Duration.ofMillis(Long.parseLong(value(lines.get(4), "frozen-ms")));
            boolean collected = "collected".equals(value(lines.get(5), "storage"));
            List<Checkpoint.SavedVr> vrs = new ArrayList<>();
            for (int i = 6; i < lines.size() - 1; i++) {
                String[] f = value(lines.get(i), "vr").split(" ");
                if (f.length != 9) throw new IllegalArgumentException("line " + (i + 1) + " has " + f.length + " fields");
                vrs.add(new Checkpoint.SavedVr(UUID.fromString(f[0]), f[1], f[2], "-".equals(f[3]) ? null : f[3], f[4],
                        Long.parseLong(f[5]), f[6], Long.parseLong(f[7]), Long.parseUnsignedLong(f[8], 16)));
            }
            return new Read(new Checkpoint(app, ep, time, frozen, dir, vrs), collected);
        } catch (RuntimeException e) {
            throw new CheckpointException(epoch, where + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + " ")) throw new IllegalArgumentException("expected '" + key + " ...', found '" + line + "'");
        return line.substring(key.length() + 1);
    }

    /** Makes a rename durable (where the file system allows opening a directory). */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open directories; the rename is still atomic there.
        }
    }
}
