package dev.river.checkpoint;

import dev.river.core.VmContext;
import dev.river.core.VmTask;
import dev.river.core.VrId;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoint protocol's steps, as tasks that the coordinator sends to every VM and that run there
 * on the VM's control thread (see docs/checkpoint.md for the protocol).
 */
final class Tasks {
    private Tasks() {}

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static String id(VrId vr) {
        return vr == null ? null : vr.uuid() + "@" + vr.vm();
    }

    /** Step 1: freeze the application here; loop VRs at call {@code target}. Answers each VR's state. */
    record Freeze(UUID app, String token, long target) implements VmTask<List<VmContext.Status>> {
        @Override public List<VmContext.Status> run(VmContext vm) {
            return vm.freeze(app, token, target);
        }
    }

    /** A frozen VR and the number of messages it sent to each destination. */
    record Sent(UUID vr, Map<UUID, Long> counts) {}

    /** What a VM reports once its part of the application is frozen. */
    record Frozen(String vm, List<Sent> parked, List<VmContext.Status> stuck, Map<UUID, Map<UUID, Long>> ended) {}

    /** Step 2: wait until every VR of the application here parks (or ends); report channel counters. */
    record AwaitFrozen(UUID app, long timeoutMillis) implements VmTask<Frozen> {
        @Override public Frozen run(VmContext vm) throws InterruptedException {
            long deadline = deadline(timeoutMillis);
            Set<UUID> waited = new HashSet<>();
            // VRs deployed meanwhile join the freeze when they register: look again until none is new.
            for (boolean fresh = true; fresh; ) {
                fresh = false;
                for (VmContext.LocalVr v : vm.vrs(app)) {
                    if (waited.add(v.id().uuid())) {
                        fresh = true;
                        v.awaitParked(deadline);
                    }
                }
            }
            List<Sent> parked = new ArrayList<>();
            List<VmContext.Status> stuck = new ArrayList<>();
            for (VmContext.LocalVr v : vm.vrs(app)) {
                VmContext.Status s = v.status();
                if (s.state().equals("frozen") || s.state().equals("installed")) parked.add(new Sent(v.id().uuid(), v.sent()));
                else if (!s.state().equals("ended")) stuck.add(s);
            }
            return new Frozen(vm.address(), parked, stuck, vm.endedChannels(app));
        }
    }

    /**
     * Step 3: wait until each receiver here has every message its frozen peers sent it (receiver ->
     * sender -> count). Answers the channels still short when the time ran out (empty: settled).
     */
    record Settle(Map<UUID, Map<UUID, Long>> expected, long timeoutMillis) implements VmTask<List<String>> {
        @Override public List<String> run(VmContext vm) throws InterruptedException {
            long deadline = deadline(timeoutMillis);
            List<String> short_ = new ArrayList<>();
            for (Map.Entry<UUID, Map<UUID, Long>> e : expected.entrySet()) {
                VmContext.LocalVr v = vm.vr(e.getKey()).orElse(null);
                if (v == null || v.awaitDelivered(e.getValue(), deadline)) continue;
                Map<UUID, Long> got = v.delivered();
                e.getValue().forEach((src, n) -> {
                    long have = got.getOrDefault(src, 0L);
                    if (have < n) short_.add(v.id() + " has " + have + " of the " + n + " messages " + src + " sent it");
                });
            }
            return short_;
        }
    }

    /** One VR saved by a VM; {@code data} holds the file when the coordinator collects them. */
    record Saved(UUID vr, String className, String parent, String style, long calls, String file, long bytes, long crc,
                 byte[] data) {}

    /** Step 4: write the state file of each frozen VR of the application here. */
    record Save(UUID app, long epoch, String dir, boolean collect) implements VmTask<List<Saved>> {
        @Override public List<Saved> run(VmContext vm) throws Exception {
            List<Saved> out = new ArrayList<>();
            for (VmContext.LocalVr v : vm.vrs(app)) {
                VmContext.Status s = v.status();
                if (s.state().equals("ended")) continue;
                UUID u = v.id().uuid();
                if (collect) {
                    byte[] b = StateFile.toBytes(app, epoch, u, v::writeImage);
                    long crc = java.nio.ByteBuffer.wrap(b, b.length - 8, 8).getLong();
                    out.add(new Saved(u, s.className(), id(s.parent()), s.style(), s.calls(), StateFile.fileName(u), b.length, crc, b));
                } else {
                    StateFile.Written w = StateFile.write(Path.of(dir), app, epoch, u, v::writeImage);
                    out.add(new Saved(u, s.className(), id(s.parent()), s.style(), s.calls(), w.file(), w.bytes(), w.crc(), null));
                }
            }
            return out;
        }
    }

    /** Step 5 (also after a failure): let the application run on; forget ended VRs now accounted for. */
    record Thaw(UUID app, String token, Set<UUID> accountedEnded) implements VmTask<Boolean> {
        @Override public Boolean run(VmContext vm) {
            vm.thaw(app, token);
            if (!accountedEnded.isEmpty()) vm.forgetEnded(app, accountedEnded);
            return true;
        }
    }

    /** The application's VRs here, for status displays and the "still running?" check of a restore. */
    record Statuses(UUID app) implements VmTask<List<VmContext.Status>> {
        @Override public List<VmContext.Status> run(VmContext vm) {
            return vm.statuses(app);
        }
    }

    /** One VR to restore on a VM; {@code data} holds its file when the checkpoint was collected. */
    record Placed(Checkpoint.SavedVr vr, byte[] data) {}

    /**
     * Restore, phase 1: check and install VRs here, not started. All or nothing: one that fails
     * discards those installed before it.
     */
    record Install(UUID app, long epoch, String dir, List<Placed> vrs, VmContext.CodeOrigin code, Set<UUID> together,
                   VrId adopter) implements VmTask<List<VrId>> {
        @Override public List<VrId> run(VmContext vm) {
            List<VmContext.LocalVr> done = new ArrayList<>();
            try {
                for (Placed p : vrs) {
                    Checkpoint.SavedVr s = p.vr();
                    InputStream image = p.data() != null
                            ? StateFile.check(s.file(), p.data(), app, epoch, s.vr(), s.crc())
                            : StateFile.open(Path.of(dir).resolve(s.file()), app, epoch, s.vr(), s.crc());
                    VrId parent = null;
                    if (adopter != null && s.parent() != null
                            && !together.contains(UUID.fromString(s.parent().substring(0, s.parent().indexOf('@'))))) {
                        parent = adopter;
                    }
                    done.add(vm.install(image, code, parent, together));
                }
            } catch (RuntimeException e) {
                for (VmContext.LocalVr v : done) v.discard();
                throw e;
            }
            List<VrId> ids = new ArrayList<>();
            for (VmContext.LocalVr v : done) ids.add(v.id());
            return ids;
        }
    }

    /** Restore, phase 2 (after routes are known everywhere): start the installed VRs. */
    record Start(List<UUID> vrs) implements VmTask<Boolean> {
        @Override public Boolean run(VmContext vm) {
            for (UUID u : vrs) vm.vr(u).orElseThrow(() -> new CheckpointException(0, "VR " + u + " vanished before it started")).start();
            return true;
        }
    }

    /** Undo phase 1 (another VM failed to install its part). */
    record Discard(List<UUID> vrs) implements VmTask<Boolean> {
        @Override public Boolean run(VmContext vm) {
            for (UUID u : vrs) vm.vr(u).ifPresent(VmContext.LocalVr::discard);
            return true;
        }
    }

    /** Restore, between the phases: where the restored VRs live now, and their channels restart. */
    record Routes(Map<UUID, String> routes) implements VmTask<Boolean> {
        @Override public Boolean run(VmContext vm) {
            routes.forEach(vm::learnRoute);
            vm.restartChannels(Set.copyOf(routes.keySet()));
            return true;
        }
    }

    /** Migration: move VR {@code vr} from this VM to {@code to}. */
    record Move(UUID vr, String to, long timeoutMillis) implements VmTask<VrId> {
        @Override public VrId run(VmContext vm) {
            VmContext.LocalVr v = vm.vr(vr).orElseThrow(() -> new CheckpointException(0, "VR " + vr + " does not run on VM "
                    + vm.name() + " (" + vm.address() + "); has it ended?"));
            return v.moveTo(to, java.time.Duration.ofMillis(timeoutMillis));
        }
    }
}
