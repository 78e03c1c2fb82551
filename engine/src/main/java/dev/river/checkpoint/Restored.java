package dev.river.checkpoint;

import dev.river.core.VrId;

import java.util.Map;
import java.util.UUID;

/**
 * The outcome of a restore: the checkpoint it came from and where each VR runs now. The VRs keep
 * their UUIDs, so ids held before (by peers, or by the driver) still reach them.
 *
 * <pre>{@code
 * Restored r = Checkpoints.of(driver).restore(engines);
 * System.out.println("epoch " + r.checkpoint().epoch() + " resumed; " + r.vrs().size() + " VRs at " + r.vrs().values());
 * }</pre>
 *
 * @param checkpoint what was restored
 * @param vrs        UUID -> the VR's id on its new VM
 */
public record Restored(Checkpoint checkpoint, Map<UUID, VrId> vrs) {
    public Restored {
        vrs = Map.copyOf(vrs);
    }

    /** Where {@code vr} runs now. */
    public VrId get(VrId vr) {
        VrId now = vrs.get(vr.uuid());
        if (now == null) throw new IllegalArgumentException(vr + " is not part of checkpoint epoch " + checkpoint.epoch());
        return now;
    }
}
