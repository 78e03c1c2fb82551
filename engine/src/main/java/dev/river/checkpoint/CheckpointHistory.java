package dev.river.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An application's checkpoint history: every save still on disk, every restore and migration, with the
 * VM of each VR at that moment, and where each VR runs now. What {@link Checkpoints#history()}
 * returns and the notebook's {@code %river checkpoint timeline} draws.
 *
 * <pre>{@code
 * CheckpointHistory h = Checkpoints.of(driver).history();
 * for (CheckpointHistory.Event e : h.events())
 *     System.out.printf("%s epoch %d at %s (%d ms): %d VRs%n", e.kind(), e.epoch(), e.time(), e.duration().toMillis(), e.vms().size());
 * h.runningOn().forEach((vr, vm) -> System.out.println(vr + " runs on " + vm));
 * }</pre>
 *
 * @param app       the application
 * @param events    saves, restores and migrations, oldest first
 * @param runningOn VR -> the VM ({@code host:port}) it runs on now; VRs not running are absent
 * @param classes   VR -> its class name
 */
public record CheckpointHistory(UUID app, List<Event> events, Map<UUID, String> runningOn, Map<UUID, String> classes) {
    /** What happened. */
    public enum Kind { SAVE, RESTORE, MIGRATE }

    /**
     * One save, restore or migration.
     *
     * @param kind     save, restore or migration
     * @param epoch    the checkpoint saved or restored (0 for a migration)
     * @param time     when it started
     * @param duration how long it took: the application frozen (save), until the VRs started again
     *                 (restore), until the VR ran on its new VM (migration)
     * @param vms      VR -> the VM it ran on when saved, or was restored or moved to
     * @param bytes    VR -> its state's size (saves; empty otherwise)
     */
    public record Event(Kind kind, long epoch, Instant time, Duration duration, Map<UUID, String> vms, Map<UUID, Long> bytes) {
        public Event {
            vms = Map.copyOf(vms);
            bytes = Map.copyOf(bytes);
        }
    }

    public CheckpointHistory {
        events = List.copyOf(events);
        runningOn = Map.copyOf(runningOn);
        classes = Map.copyOf(classes);
    }

    /** Every VR named by an event or running now, in the order they first appear (events first). */
    public List<UUID> vrs() {
        Set<UUID> out = new LinkedHashSet<>();
        for (Event e : events) e.vms().keySet().stream().sorted().forEach(out::add);
        runningOn.keySet().stream().sorted().forEach(out::add);
        return new ArrayList<>(out);
    }

    /** The events of one kind, oldest first. */
    public List<Event> events(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }
}
