package dev.river.core;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * The name of a virtual resource (VR): a UUID, plus the address of the VM where it was last known to
 * run. Two ids are equal when their UUIDs are equal, so an id stays valid when its VR migrates.
 *
 * <pre>{@code
 * List<VrId> kids = deploy(vms, Worker.class);
 * send(kids.get(0), "task", 42);
 * Message m = recv("src", kids.get(0));
 * }</pre>
 */
public final class VrId implements Serializable {
    private static final long serialVersionUID = 1L;

    private final UUID uuid;
    private final String vm;

    VrId(UUID uuid, String vm) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
        this.vm = Objects.requireNonNull(vm, "vm");
    }

    /** The VR's unique name. */
    public UUID uuid() {
        return uuid;
    }

    /** {@code host:port} of the VM where this VR was last known to run. */
    public String vm() {
        return vm;
    }

    VrId at(String newVm) {
        return new VrId(uuid, newVm);
    }

    @Override public boolean equals(Object o) {
        return o instanceof VrId other && other.uuid.equals(uuid);
    }

    @Override public int hashCode() {
        return uuid.hashCode();
    }

    @Override public String toString() {
        return "vr:" + uuid.toString().substring(0, 8) + "@" + vm;
    }
}
