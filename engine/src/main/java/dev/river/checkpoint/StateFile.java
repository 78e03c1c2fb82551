package dev.river.checkpoint;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * One VR's state file in a checkpoint:
 *
 * <pre>
 * file    := MAGIC:i32 VERSION:u16 app:uuid epoch:i64 vr:uuid image imageLength:i64 crc:i64
 * </pre>
 *
 * where {@code image} is the runtime's VR image and {@code crc} the CRC-32C of everything before it.
 * A file is written under a temporary name, forced to disk and renamed, so it is whole or absent; it
 * is read only after its checksum (and the manifest's) match, and its header must name the expected
 * application, epoch and VR, so a file copied from elsewhere is refused too.
 */
final class StateFile {
    private static final int MAGIC = 0x52564350;   // "RVCP"
    private static final int VERSION = 1;
    private static final int HEADER = 4 + 2 + 16 + 8 + 16;
    private static final int TRAILER = 8 + 8;

    private StateFile() {}

    /** What was written: the file's name, size and checksum. */
    record Written(String file, long bytes, long crc) {}

    /** Something that writes an image to a stream (a frozen VR's). */
    interface ImageWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    static String fileName(UUID vr) {
        return "vr-" + vr + ".state";
    }

    /** Writes the state file of {@code vr} into {@code dir}, atomically. */
    static Written write(Path dir, UUID app, long epoch, UUID vr, ImageWriter image) throws IOException {
        Files.createDirectories(dir);
        String name = fileName(vr);
        Path tmp = dir.resolve("." + name + ".tmp");
        long[] result;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            result = write(out, app, epoch, vr, image);
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Written(name, result[0], result[1]);
    }

    /** The state file of {@code vr} as bytes (the coordinator writes it: no shared directory needed). */
    static byte[] toBytes(UUID app, long epoch, UUID vr, ImageWriter image) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(1 << 16);
        write(buf, app, epoch, vr, image);
        return buf.toByteArray();
    }

    /** Writes bytes made by {@link #toBytes} into {@code dir}, atomically. */
    static Written write(Path dir, UUID vr, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        String name = fileName(vr);
        Path tmp = dir.resolve("." + name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Written(name, bytes.length, ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong());
    }

    /** Returns {size, crc}. */
    private static long[] write(OutputStream sink, UUID app, long epoch, UUID vr, ImageWriter image) throws IOException {
        CRC32C crc = new CRC32C();
        CheckedOutputStream checked = new CheckedOutputStream(sink, crc);
        DataOutputStream out = new DataOutputStream(checked);
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        uuid(out, app);
        out.writeLong(epoch);
        uuid(out, vr);
        long[] imageBytes = {0};
        OutputStream counting = new FilterOutputStream(out) {
            @Override public void write(int b) throws IOException {
                out.write(b);
                imageBytes[0]++;
            }

            @Override public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                imageBytes[0] += len;
            }

            @Override public void flush() throws IOException {
                out.flush();
            }

            @Override public void close() {
                // the file goes on after the image
            }
        };
        image.writeTo(counting);
        out.writeLong(imageBytes[0]);
        out.flush();
        long sum = crc.getValue();
        new DataOutputStream(sink).writeLong(sum);
        sink.flush();
        return new long[]{HEADER + imageBytes[0] + TRAILER, sum};
    }

    /**
     * Reads and checks a state file; returns a stream over its image.
     *
     * @throws CheckpointException naming the file and what is wrong with it
     */
    static InputStream open(Path file, UUID app, long epoch, UUID vr, long expectedCrc) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException(epoch, "checkpoint epoch " + epoch + " of application " + app + " is incomplete: "
                    + file + " is missing (is the checkpoint directory shared with this host?)", e);
        } catch (IOException e) {
            throw new CheckpointException(epoch, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return check(file.toString(), b, app, epoch, vr, expectedCrc);
    }

    /** As {@link #open}, for a file's bytes shipped by the coordinator. */
    static InputStream check(String where, byte[] b, UUID app, long epoch, UUID vr, long expectedCrc) {
        String what = "checkpoint epoch " + epoch + " of application " + app + ": " + where;
        if (b.length < HEADER + TRAILER) {
            throw new CheckpointException(epoch, what + " is corrupt: it is only " + b.length + " bytes long."
                    + " Restore an earlier epoch, or delete this one");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        ByteBuffer buf = ByteBuffer.wrap(b);
        long stored = buf.getLong(b.length - 8);
        if (crc.getValue() != stored || stored != expectedCrc) {
            throw new CheckpointException(epoch, what + " is corrupt: its CRC-32C is " + Long.toHexString(crc.getValue())
                    + ", but the file records " + Long.toHexString(stored) + " and the manifest " + Long.toHexString(expectedCrc)
                    + ". Nothing was restored; restore an earlier epoch, or delete this one");
        }
        int magic = buf.getInt();
        int version = Short.toUnsignedInt(buf.getShort());
        UUID fApp = new UUID(buf.getLong(), buf.getLong());
        long fEpoch = buf.getLong();
        UUID fVr = new UUID(buf.getLong(), buf.getLong());
        if (magic != MAGIC || version != VERSION) {
            throw new CheckpointException(epoch, what + " is not a River state file of version " + VERSION);
        }
        if (!fApp.equals(app) || fEpoch != epoch || !fVr.equals(vr)) {
            throw new CheckpointException(epoch, what + " belongs to VR " + fVr + " of application " + fApp + ", epoch "
                    + fEpoch + ", not to this checkpoint; was it copied from elsewhere?");
        }
        long image = buf.getLong(b.length - TRAILER);
        if (image != b.length - HEADER - TRAILER) {
            throw new CheckpointException(epoch, what + " is corrupt: its image length does not match its size");
        }
        return new ByteArrayInputStream(b, HEADER, (int) image);
    }

    private static void uuid(DataOutputStream out, UUID u) throws IOException {
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
    }
}
