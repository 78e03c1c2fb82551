package dev.river.magics;

import dev.river.checkpoint.Checkpoint;
import dev.river.checkpoint.VrStatus;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Checkpoint tables, as {@code %river checkpoint} shows them; the kernel uses the same for a
 * {@code List<VrStatus>} ({@code Checkpoints.show()}) or {@code List<Checkpoint>} ({@code list()}) value.
 *
 * <pre>{@code
 * Rich vrs = CheckpointTables.vrs(Checkpoints.of(driver).show());
 * Rich epochs = CheckpointTables.epochs(Checkpoints.of(driver).list());
 * }</pre>
 */
public final class CheckpointTables {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private CheckpointTables() {}

    /** One row per VR: id, VM, class, state, style, checkpoint() calls, queue, bytes in the newest checkpoint, its epoch. */
    public static Rich vrs(List<VrStatus> vrs) {
        if (vrs.isEmpty()) return Rich.text("the application has no VRs running, and no checkpoint\n");
        Table t = new Table("VR", "VM", "class", "state", "style", "calls", "queued", "checkpointed", "epoch");
        long bytes = 0;
        for (VrStatus s : vrs) {
            t.row(s.uuid().toString().substring(0, 8), s.vm(), simple(s.className()), s.state(), s.style(), s.calls(),
                    s.queued() < 0 ? "" : s.queued(), s.lastEpoch() == 0 ? "" : bytes(s.checkpointBytes()),
                    s.lastEpoch() == 0 ? "" : s.lastEpoch());
            bytes += s.checkpointBytes();
        }
        long running = vrs.stream().filter(s -> !s.state().equals("saved")).count();
        return t.caption(vrs.size() + " VRs, " + running + " running; " + bytes(bytes) + " in the newest checkpoint").toRich();
    }

    /** One row per checkpoint: epoch, time, VRs, total size, largest VR, time frozen. */
    public static Rich epochs(List<Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) return Rich.text("no checkpoints yet: %river checkpoint save takes one\n");
        Table t = new Table("epoch", "time", "VRs", "size", "largest VR", "frozen");
        for (Checkpoint c : checkpoints) {
            long max = c.vrs().stream().mapToLong(Checkpoint.SavedVr::bytes).max().orElse(0);
            t.row(c.epoch(), TIME.format(c.time()), c.vrCount(), bytes(c.bytes()), bytes(max), c.frozen().toMillis() + " ms");
        }
        return t.caption(checkpoints.size() + " checkpoint" + (checkpoints.size() == 1 ? "" : "s") + " in "
                + checkpoints.get(0).directory().getParent()).toRich();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }

    private static String simple(String className) {
        String s = className.substring(className.lastIndexOf('.') + 1);
        return s.substring(s.lastIndexOf('$') + 1);
    }
}
