package dev.river.checkpoint;

import dev.river.core.RiverException;
import dev.river.core.VmContext;
import dev.river.core.VmTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Takes one coordinated checkpoint of an application, from the VM of the calling driver:
 *
 * <ol>
 *   <li><b>freeze</b>: every VM freezes the application's VRs at their next safe point. Loop VRs are
 *       given a target checkpoint() call beyond the furthest any of them has made, raised until none
 *       has run past it, so all of them stop at the same iteration;</li>
 *   <li><b>await</b>: every VM waits until its VRs are parked, then reports how many messages each
 *       sent to each peer (per-channel counters; those of VRs that ended are kept too);</li>
 *   <li><b>settle</b>: every VM waits until each of its VRs has received, into its queue, every message
 *       its frozen peers sent it: nothing of the application is left on the wire (Chandy-Lamport with
 *       counts instead of markers, which also holds for messages forwarded after a migration);</li>
 *   <li><b>save</b>: every VM writes each VR's state file (fields, counters, queue);</li>
 *   <li><b>thaw</b>, then the coordinator writes the MANIFEST, last.</li>
 * </ol>
 *
 * Any failure thaws everything and deletes the epoch's files: a checkpoint is whole or absent.
 */
final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    /** Attempts at a loop target that no loop VR has passed before giving up (the margin doubles each time). */
    private static final int MAX_ROUNDS = 30;
    /** One checkpoint of an application at a time in this JVM (key: app directory). */
    private static final Set<Path> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final VmContext here;
    private final UUID app;
    private final Store store;
    private final Duration timeout;
    private final boolean collect;

    Coordinator(VmContext here, UUID app, Store store, Duration timeout, boolean collect) {
        this.here = here;
        this.app = app;
        this.store = store;
        this.timeout = timeout;
        this.collect = collect;
    }

    /** Every VM that may host VRs of the application: the engines discovery knows, and this one. */
    List<String> vms() {
        Set<String> out = new LinkedHashSet<>();
        out.add(here.address());
        here.engines().forEach(e -> out.add(e.address()));
        return new ArrayList<>(out);
    }

    /** Asks every VM for the application's VRs there (answers as they come: a VM that does not answer fails its own future). */
    Map<String, CompletableFuture<List<VmContext.Status>>> statuses() {
        Map<String, CompletableFuture<List<VmContext.Status>>> fs = new LinkedHashMap<>();
        for (String vm : vms()) fs.put(vm, here.call(vm, new Tasks.Statuses(app), Duration.ofSeconds(10)));
        return fs;
    }

    /** Takes a checkpoint; loop VRs freeze at call {@code wanted} (0: as soon as possible). */
    Checkpoint save(long wanted) {
        Path appDir = store.appDir(app);
        if (!RUNNING.add(appDir)) {
            throw new CheckpointException(0, "a checkpoint of application " + app + " is being taken already; wait for it");
        }
        try {
            return saveLocked(wanted);
        } finally {
            RUNNING.remove(appDir);
        }
    }

    private Checkpoint saveLocked(long wanted) {
        long epoch = store.nextEpoch(app);
        Path dir = store.epochDir(app, epoch);
        String token = app + "/" + epoch + "/" + UUID.randomUUID();
        List<String> vms = vms();
        Instant time = Instant.now();
        long t0 = System.nanoTime();
        Set<UUID> accountedEnded = new HashSet<>();
        boolean thawed = false;
        try {
            Files.createDirectories(dir);
            freeze(vms, token, wanted, epoch);
            Map<String, Tasks.Frozen> frozen = all(vms, vm -> new Tasks.AwaitFrozen(app, timeout.toMillis()), "wait for the VRs to freeze", epoch);
            checkFrozen(frozen, epoch);
            settle(frozen, epoch);
            frozen.values().forEach(f -> accountedEnded.addAll(f.ended().keySet()));
            Map<String, List<Tasks.Saved>> saved = all(vms, vm -> new Tasks.Save(app, epoch, dir.toString(), collect), "save the VRs", epoch);
            List<Checkpoint.SavedVr> vrs = new ArrayList<>();
            for (Map.Entry<String, List<Tasks.Saved>> e : saved.entrySet()) {
                for (Tasks.Saved s : e.getValue()) {
                    if (collect) StateFile.write(dir, s.vr(), s.data());
                    vrs.add(new Checkpoint.SavedVr(s.vr(), s.className(), e.getKey(), s.parent(), s.style(), s.calls(),
                            s.file(), s.bytes(), s.crc()));
                }
            }
            if (vrs.isEmpty()) throw new NothingToSave(epoch, app, vms);
            thaw(vms, token, accountedEnded);
            thawed = true;
            Duration frozenFor = Duration.ofNanos(System.nanoTime() - t0);
            Checkpoint c = new Checkpoint(app, epoch, time, frozenFor, dir, vrs);
            Manifest.write(c, collect);
            LOG.log(System.Logger.Level.INFO, "saved " + c);
            return c;
        } catch (RuntimeException | IOException e) {
            if (!thawed) thaw(vms, token, Set.of());
            if (e instanceof NothingToSave) {
                store.delete(app, epoch);
                throw (NothingToSave) e;
            }
            try {
                store.delete(app, epoch);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            String why = e instanceof CheckpointException ? e.getMessage()
                    : "checkpoint epoch " + epoch + " of application " + app + " failed: " + e.getMessage();
            throw new CheckpointException(epoch, why + "\nThe application runs on; nothing was saved.", e);
        }
    }

    /** Freezes everywhere, raising the loop VRs' target until none has passed it. */
    private void freeze(List<String> vms, String token, long wanted, long epoch) {
        long target = wanted;
        long gap = 1;          // how far beyond the furthest loop VR the next target lies
        long lastMax = -1;     // the furthest call seen in the previous round
        for (int round = 0; ; round++) {
            long t = target;
            Map<String, List<VmContext.Status>> states = all(vms, vm -> new Tasks.Freeze(app, token, t), "freeze", epoch);
            long maxCalls = 0;
            boolean loops = false;
            boolean passed = false;
            for (List<VmContext.Status> l : states.values()) {
                for (VmContext.Status s : l) {
                    if (!"loop".equals(s.style())) continue;
                    loops = true;
                    maxCalls = Math.max(maxCalls, s.calls());
                    passed |= "passed".equals(s.state());
                }
            }
            if (!loops || (target > 0 && !passed)) return;
            if (round >= MAX_ROUNDS) {
                throw new CheckpointException(epoch, "loop VRs of application " + app + " kept running past every checkpoint()"
                        + " call chosen to freeze them (last " + target + "); do they all call checkpoint() once per iteration?");
            }
            // A fixed margin loses against loops that make millions of calls during one round trip (more
            // under load): aim past twice what they ran in the last round trip, and at least double the
            // margin each round, so the target outruns any loop within a few rounds.
            long advance = lastMax < 0 ? 0 : Math.max(0, maxCalls - lastMax);
            gap = Math.max(gap * 2, 2 * advance + 1);
            lastMax = maxCalls;
            target = Math.max(target, maxCalls + gap);
            LOG.log(System.Logger.Level.DEBUG, "checkpoint epoch {0} of {1}: loop VRs passed call {2}; next target {3}",
                    epoch, app, t, target);
        }
    }

    private void checkFrozen(Map<String, Tasks.Frozen> frozen, long epoch) {
        List<String> stuck = new ArrayList<>();
        for (Tasks.Frozen f : frozen.values()) {
            for (VmContext.Status s : f.stuck()) {
                String where = "VR " + s.id() + " (" + s.className() + ", " + s.style() + ") on " + f.vm() + " is " + s.state();
                stuck.add("loop".equals(s.style())
                        ? where + " after " + s.calls() + " checkpoint() calls: it waits for something a frozen VR would send, or computes for long"
                        : where + ": it computes for long, or waits outside recv");
            }
        }
        if (!stuck.isEmpty()) {
            throw new CheckpointException(epoch, "checkpoint epoch " + epoch + " of application " + app
                    + " could not freeze every VR at a safe point within " + timeout.toSeconds() + " s:\n  "
                    + String.join("\n  ", stuck) + "\nSee docs/checkpoint.md (safe points) for how to write VRs that can be frozen.");
        }
    }

    /** Waits until every message sent between frozen VRs is in its receiver's queue. */
    private void settle(Map<String, Tasks.Frozen> frozen, long epoch) {
        Map<UUID, String> where = new HashMap<>();
        Map<UUID, Map<UUID, Long>> sentBy = new HashMap<>();
        for (Tasks.Frozen f : frozen.values()) {
            for (Tasks.Sent s : f.parked()) {
                where.put(s.vr(), f.vm());
                sentBy.put(s.vr(), s.counts());
            }
            f.ended().forEach(sentBy::putIfAbsent);
        }
        Map<String, Map<UUID, Map<UUID, Long>>> byVm = new LinkedHashMap<>();
        sentBy.forEach((src, counts) -> counts.forEach((dest, n) -> {
            String vm = where.get(dest);
            if (vm != null) byVm.computeIfAbsent(vm, k -> new HashMap<>()).computeIfAbsent(dest, k -> new HashMap<>()).put(src, n);
        }));
        if (byVm.isEmpty()) return;
        Map<String, List<String>> shortfalls = all(new ArrayList<>(byVm.keySet()),
                vm -> new Tasks.Settle(byVm.get(vm), timeout.toMillis()), "settle the messages in flight", epoch);
        List<String> missing = new ArrayList<>();
        shortfalls.values().forEach(missing::addAll);
        if (!missing.isEmpty()) {
            throw new CheckpointException(epoch, "messages between frozen VRs of application " + app + " did not all arrive within "
                    + timeout.toSeconds() + " s (a VM may be unreachable):\n  " + String.join("\n  ", missing));
        }
    }

    private void thaw(List<String> vms, String token, Set<UUID> accountedEnded) {
        Map<String, CompletableFuture<Boolean>> fs = new LinkedHashMap<>();
        for (String vm : vms) fs.put(vm, here.call(vm, new Tasks.Thaw(app, token, Set.copyOf(accountedEnded)), timeout));
        fs.forEach((vm, f) -> {
            try {
                VmContext.await(f);
            } catch (RiverException e) {
                // A VM that cannot be reached to thaw is gone or partitioned; its VRs cannot be helped from here.
                LOG.log(System.Logger.Level.WARNING, "could not thaw application " + app + " on " + vm + ": " + e.getMessage());
            }
        });
    }

    /** Runs a task on every VM in parallel; fails naming each VM that failed. */
    <R> Map<String, R> all(List<String> vms, Function<String, VmTask<R>> task, String step, long epoch) {
        Duration wait = timeout.plusSeconds(15);
        Map<String, CompletableFuture<R>> fs = new LinkedHashMap<>();
        for (String vm : vms) fs.put(vm, here.call(vm, task.apply(vm), wait));
        Map<String, R> out = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        RiverException first = null;
        for (Map.Entry<String, CompletableFuture<R>> e : fs.entrySet()) {
            try {
                out.put(e.getKey(), VmContext.await(e.getValue()));
            } catch (RiverException ex) {
                failed.add(e.getKey() + ": " + ex.getMessage());
                if (first == null) first = ex;
            }
        }
        if (!failed.isEmpty()) {
            throw new CheckpointException(epoch, "could not " + step + " (" + (epoch > 0 ? "epoch " + epoch + " of " : "")
                    + "application " + app + ") on " + failed.size() + " VM(s):\n  " + String.join("\n  ", failed), first);
        }
        return out;
    }

    /** The application has no VR left (it ended): there is nothing to checkpoint. */
    static final class NothingToSave extends CheckpointException {
        private static final long serialVersionUID = 1L;

        NothingToSave(long epoch, UUID app, List<String> vms) {
            super(epoch, "application " + app + " has no VRs on the VMs reached (" + String.join(", ", vms)
                    + "); nothing to checkpoint");
        }
    }
}
