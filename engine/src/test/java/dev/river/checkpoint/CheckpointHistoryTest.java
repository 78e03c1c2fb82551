package dev.river.checkpoint;

import dev.river.checkpoint.CheckpointHistory.Event;
import dev.river.checkpoint.CheckpointHistory.Kind;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** An application's checkpoint history: saves from the manifests, migrations and restores from the EVENTS file, where VRs run now. */
class CheckpointHistoryTest {
    static Cluster cluster;
    static Path dir;

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(2);
        dir = Files.createTempDirectory("river-checkpoint-history");
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    @Test
    void savesAndAMigrationInOrderAndWhereEachVrRunsNow() {
        VmInfo a = cluster.vms().get(0), b = cluster.vms().get(1);
        VirtualResource driver = River.attach("history");
        try {
            VrId first = driver.deploy(a, Apps.Holder.class, 100);
            VrId second = driver.deploy(b, Apps.Holder.class, 10);
            Checkpoints cps = Checkpoints.of(driver).directory(dir);
            assertTrue(cps.history().events().isEmpty());

            Checkpoint one = cps.save();
            cps.migrate(first, b);
            Checkpoint two = cps.save();

            CheckpointHistory h = cps.history();
            assertEquals(List.of(Kind.SAVE, Kind.MIGRATE, Kind.SAVE), h.events().stream().map(Event::kind).toList());
            Event save1 = h.events().get(0), moved = h.events().get(1), save2 = h.events().get(2);
            assertEquals(one.epoch(), save1.epoch());
            assertEquals(Map.of(first.uuid(), a.address(), second.uuid(), b.address()), save1.vms());
            assertEquals(Map.of(first.uuid(), b.address()), moved.vms());
            assertEquals(Map.of(first.uuid(), b.address(), second.uuid(), b.address()), save2.vms());
            assertEquals(two.epoch(), save2.epoch());
            assertTrue(save1.bytes().get(first.uuid()) > save1.bytes().get(second.uuid()), "the larger state: " + save1.bytes());
            assertEquals(one.frozen().toMillis(), save1.duration().toMillis(), "the manifest keeps milliseconds");
            assertEquals(Map.of(first.uuid(), b.address(), second.uuid(), b.address()), h.runningOn());
            assertEquals(Set.of(first.uuid(), second.uuid()), Set.copyOf(h.vrs()));
            assertEquals(Apps.Holder.class.getName(), h.classes().get(first.uuid()));

            cps.delete(one.epoch());
            assertEquals(List.of(Kind.MIGRATE, Kind.SAVE), cps.history().events().stream().map(Event::kind).toList(),
                    "a deleted checkpoint leaves the history; the migration stays");
            driver.send(first, "stop", true);
            driver.send(second, "stop", true);
        } finally {
            River.detach(driver);
        }
    }

    @Test
    void theEventsFileSurvivesAMalformedLine() throws IOException {
        Path app = Files.createTempDirectory("river-events");
        EventLog log = new EventLog(app);
        UUID vr = UUID.randomUUID();
        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        log.append(Kind.RESTORE, 7, t, Map.of(vr, "h:1"));
        Files.writeString(app.resolve(EventLog.NAME), "RESTORE\tseven\n", java.nio.file.StandardOpenOption.APPEND);
        log.append(Kind.MIGRATE, 0, t.plusSeconds(1), Map.of(vr, "h:2"));
        List<Event> events = log.read();
        assertEquals(2, events.size(), events.toString());
        assertEquals(new Event(Kind.RESTORE, 7, t, events.get(0).duration(), Map.of(vr, "h:1"), Map.of()), events.get(0));
        assertEquals("h:2", events.get(1).vms().get(vr));
        assertTrue(events.get(0).duration().compareTo(Duration.ZERO) >= 0);
    }
}
