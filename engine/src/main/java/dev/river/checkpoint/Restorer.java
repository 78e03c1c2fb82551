package dev.river.checkpoint;

import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.VmContext;
import dev.river.core.VrId;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Brings an application back from a checkpoint onto any set of VMs (as many as it had, or more, or
 * fewer). VRs keep their UUIDs, so peers address them as before; only routes change:
 *
 * <ol>
 *   <li>refuse if a VR of the application still runs anywhere (two copies would diverge);</li>
 *   <li>place the VRs evenly on the targets, keeping together those that ran together;</li>
 *   <li>install: each target checks each file's checksum and header, and installs its VRs without
 *       starting them (messages to them queue up). One failure discards everything installed;</li>
 *   <li>announce the new routes to this VM, the targets and every engine known;</li>
 *   <li>start: each VR runs main again with its saved fields and queue.</li>
 * </ol>
 */
final class Restorer {
    private static final System.Logger LOG = System.getLogger(Restorer.class.getName());

    private final VmContext here;
    private final VmContext.CodeOrigin code;
    private final UUID app;
    private final Store store;
    private final Coordinator coordinator;

    Restorer(VmContext here, VmContext.CodeOrigin code, UUID app, Store store, Coordinator coordinator) {
        this.here = here;
        this.code = code;
        this.app = app;
        this.store = store;
        this.coordinator = coordinator;
    }

    Restored restore(long epoch, List<String> targets, VrId adopter) {
        if (targets.isEmpty()) throw new IllegalArgumentException("restore needs at least one VM to restore onto");
        java.time.Instant begun = java.time.Instant.now();
        Manifest.Read m = store.read(app, epoch);
        Checkpoint cp = m.checkpoint();
        refuseIfRunning(epoch);

        List<Checkpoint.SavedVr> order = new ArrayList<>(cp.vrs());
        order.sort(Comparator.comparing(Checkpoint.SavedVr::vm).thenComparing(v -> v.vr().toString()));
        Map<String, List<Tasks.Placed>> plan = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            String vm = targets.get((int) ((long) i * targets.size() / order.size()));
            Checkpoint.SavedVr v = order.get(i);
            byte[] data = m.collected() ? read(cp, v) : null;
            plan.computeIfAbsent(vm, k -> new ArrayList<>()).add(new Tasks.Placed(v, data));
        }
        Set<UUID> together = new LinkedHashSet<>();
        for (Checkpoint.SavedVr v : cp.vrs()) together.add(v.vr());

        Map<String, CompletableFuture<List<VrId>>> installs = new LinkedHashMap<>();
        plan.forEach((vm, vrs) -> installs.put(vm, here.call(vm, new Tasks.Install(app, epoch, cp.directory().toString(), vrs,
                code, Set.copyOf(together), adopter), Duration.ofMinutes(2))));
        Map<UUID, VrId> placed = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        RiverException first = null;
        for (Map.Entry<String, CompletableFuture<List<VrId>>> e : installs.entrySet()) {
            try {
                for (VrId id : VmContext.await(e.getValue())) placed.put(id.uuid(), id);
            } catch (RiverException ex) {
                failed.add(e.getKey() + ": " + reason(ex));
                if (first == null) first = ex;
            }
        }
        if (!failed.isEmpty()) {
            discard(placed);
            throw new CheckpointException(epoch, "restoring epoch " + epoch + " of application " + app
                    + " failed; nothing was started:\n  " + String.join("\n  ", failed), first);
        }

        Map<UUID, String> routes = new HashMap<>();
        placed.forEach((u, id) -> routes.put(u, id.vm()));
        // The targets and this VM must know the routes before anything starts; other engines are told
        // too, but one that does not answer (dying, say) must not undo the restore.
        Set<String> must = new LinkedHashSet<>(targets);
        must.add(here.address());
        try {
            coordinator.all(new ArrayList<>(must), vm -> new Tasks.Routes(routes), "announce the restored VRs' routes", epoch);
        } catch (RuntimeException e) {
            discard(placed);
            throw e;
        }
        for (String vm : coordinator.vms()) {
            if (must.contains(vm)) continue;
            here.call(vm, new Tasks.Routes(routes), Duration.ofSeconds(10)).exceptionally(e -> {
                LOG.log(System.Logger.Level.WARNING, "engine " + vm + " did not learn where the restored VRs run: " + e.getMessage());
                return false;
            });
        }

        Map<String, List<UUID>> starts = new LinkedHashMap<>();
        placed.forEach((u, id) -> starts.computeIfAbsent(id.vm(), k -> new ArrayList<>()).add(u));
        coordinator.all(new ArrayList<>(starts.keySet()), vm -> new Tasks.Start(starts.get(vm)), "start the restored VRs", epoch);
        new EventLog(store.appDir(app)).append(CheckpointHistory.Kind.RESTORE, epoch, begun, routes);
        return new Restored(cp, placed);
    }

    /** Two live copies of a VR would diverge: a restore needs the application stopped (its engines dead, say). */
    private void refuseIfRunning(long epoch) {
        List<String> alive = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<List<VmContext.Status>>> e : coordinator.statuses().entrySet()) {
            try {
                for (VmContext.Status s : VmContext.await(e.getValue())) {
                    if (!"ended".equals(s.state())) alive.add(s.id() + " (" + s.className() + ") on " + e.getKey());
                }
            } catch (RiverException unreachable) {
                // a VM that does not answer runs nothing we could collide with
            }
        }
        if (!alive.isEmpty()) {
            throw new CheckpointException(epoch, "application " + app + " still runs (" + alive.size() + " VRs: "
                    + String.join(", ", alive.subList(0, Math.min(4, alive.size()))) + (alive.size() > 4 ? ", ..." : "")
                    + "); restoring it would make second copies. Stop it first (or move single VRs with migrate)");
        }
    }

    private void discard(Map<UUID, VrId> placed) {
        Map<String, List<UUID>> byVm = new LinkedHashMap<>();
        placed.forEach((u, id) -> byVm.computeIfAbsent(id.vm(), k -> new ArrayList<>()).add(u));
        byVm.forEach((vm, us) -> here.call(vm, new Tasks.Discard(us), Duration.ofSeconds(10)).exceptionally(e -> false));
    }

    private static byte[] read(Checkpoint cp, Checkpoint.SavedVr v) {
        try {
            return Files.readAllBytes(cp.directory().resolve(v.file()));
        } catch (IOException e) {
            throw new CheckpointException(cp.epoch(), "cannot read " + cp.directory().resolve(v.file()) + ": " + e.getMessage(), e);
        }
    }

    /** The remote message of a failure, without the transport's wrapping. */
    private static String reason(RiverException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RemoteVrException r && CheckpointException.class.getName().equals(r.remoteClassName())) {
                return r.remoteMessage();
            }
        }
        return e.getMessage();
    }
}
