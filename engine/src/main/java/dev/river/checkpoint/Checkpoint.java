package dev.river.checkpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One complete checkpoint of an application, as its manifest describes it: which epoch, when, how
 * long the application was frozen, and each VR saved.
 *
 * <pre>{@code
 * Checkpoint c = Checkpoints.of(driver).save();
 * System.out.printf("epoch %d: %d VRs, %d bytes, frozen %d ms%n",
 *         c.epoch(), c.vrCount(), c.bytes(), c.frozen().toMillis());
 * }</pre>
 *
 * @param app       the application's UUID
 * @param epoch     1, 2, ... in the order checkpoints of the application were taken
 * @param time      when the application was frozen
 * @param frozen    how long it stayed frozen
 * @param directory where its files are
 * @param vrs       the VRs saved, one file each
 */
public record Checkpoint(UUID app, long epoch, Instant time, Duration frozen, Path directory, List<SavedVr> vrs) {
    public Checkpoint {
        vrs = List.copyOf(vrs);
    }

    /**
     * One VR in a checkpoint.
     *
     * @param vr        its UUID (kept by a restore)
     * @param className its class
     * @param vm        the VM it ran on when saved
     * @param parent    its parent, as {@code uuid@vm}, or null for an initiator
     * @param style     "loop" (frozen in checkpoint()) or "event-loop" (frozen in a receive)
     * @param calls     checkpoint() calls it had made
     * @param file      its state file, relative to the checkpoint's directory
     * @param bytes     the file's size
     * @param crc       the file's CRC-32C
     */
    public record SavedVr(UUID vr, String className, String vm, String parent, String style, long calls,
                          String file, long bytes, long crc) {}

    /** The number of VRs saved. */
    public int vrCount() {
        return vrs.size();
    }

    /** Bytes of all state files together. */
    public long bytes() {
        long n = 0;
        for (SavedVr v : vrs) n += v.bytes();
        return n;
    }

    @Override public String toString() {
        return "Checkpoint[app " + app.toString().substring(0, 8) + ", epoch " + epoch + ", " + time + ", "
                + vrCount() + " VRs, " + bytes() + " bytes, frozen " + frozen.toMillis() + " ms]";
    }
}
