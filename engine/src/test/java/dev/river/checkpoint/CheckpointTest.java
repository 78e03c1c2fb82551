package dev.river.checkpoint;

import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Taking, listing, pruning and inspecting checkpoints of running applications; failures that leave nothing behind. */
class CheckpointTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static Cluster cluster;
    static Path dir;

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(2);
        dir = Files.createTempDirectory("river-checkpoints");
    }

    @AfterAll
    static void down() throws IOException {
        cluster.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Two Holder VRs per engine, each given a few updates. */
    static List<VrId> holders(VirtualResource driver, int doubles) {
        List<VrId> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) hs.add(driver.deploy(cluster.vms().get(i % 2), Apps.Holder.class, doubles));
        for (VrId h : hs) for (int k = 0; k < 3; k++) driver.send(h, "add", 1.5);
        return hs;
    }

    static void stop(VirtualResource driver, List<VrId> vrs) {
        for (VrId v : vrs) driver.send(v, "stop", true);
        for (int i = 0; i < vrs.size(); i++) driver.recv(WAIT, "stopped", Match.ANY);
    }

    @Test
    void checkpointsAreListedShownPrunedAndDeleted() throws Exception {
        VirtualResource driver = River.attach("listing");
        try {
            List<VrId> hs = holders(driver, 1000);
            Checkpoints cps = Checkpoints.of(driver).directory(dir);
            Checkpoint first = cps.save();
            assertEquals(4, first.vrCount());
            for (Checkpoint.SavedVr v : first.vrs()) {
                assertTrue(v.bytes() > 8000, "1000 doubles and more: " + v.bytes());
                assertEquals("event-loop", v.style());
            }
            Checkpoint second = cps.collected().save();          // the coordinator writes the files
            assertEquals(first.epoch() + 1, second.epoch());
            cps.verify(second.epoch());
            Files.createDirectories(cps.directory().resolve(String.format("%06d", second.epoch() + 1)));   // debris of a failed one
            assertEquals(List.of(first.epoch(), second.epoch()), cps.list().stream().map(Checkpoint::epoch).toList(),
                    "an epoch without a manifest is not listed");

            List<VrStatus> shown = cps.show();
            assertEquals(4, shown.size());
            for (VrStatus s : shown) {
                assertEquals("receiving", s.state(), s.toString());
                assertEquals(second.epoch(), s.lastEpoch());
                assertTrue(s.checkpointBytes() > 8000);
                assertTrue(hs.stream().anyMatch(h -> h.uuid().equals(s.uuid())));
            }

            Checkpoint third = cps.retain(2).save();                // keeps the newest two
            assertEquals(List.of(second.epoch(), third.epoch()), cps.list().stream().map(Checkpoint::epoch).toList());
            assertFalse(Files.exists(first.directory()), "pruned");
            assertEquals(third.epoch(), cps.latest().orElseThrow().epoch());
            cps.delete(third.epoch());
            assertEquals(second.epoch(), cps.latest().orElseThrow().epoch());
            CheckpointException gone = assertThrows(CheckpointException.class, () -> cps.get(third.epoch()));
            assertTrue(gone.getMessage().contains("no checkpoint epoch " + third.epoch()), gone.getMessage());

            // The VRs ran on after each checkpoint.
            driver.send(hs.get(0), "report", true);
            Message r = driver.recv(WAIT, "updates", Match.ANY);
            assertEquals(3, r.getLong("updates"));
            assertEquals(4.5, r.getDouble("sum"));
            stop(driver, hs);
        } finally {
            River.detach(driver);
        }
    }

    @Test
    void periodicCheckpointsRunUntilClosedAndStopWhenTheApplicationEnds() throws Exception {
        VirtualResource driver = River.attach("periodic");
        try {
            List<VrId> hs = holders(driver, 100);
            Checkpoints cps = Checkpoints.of(driver).directory(dir).retain(2);
            try (Periodic p = cps.every(Duration.ofMillis(300))) {
                assertTrue(p.awaitTaken(3, WAIT), "three checkpoints within a minute; failures: " + p.lastError());
                assertEquals(0, p.failed());
                assertEquals(p.last().orElseThrow().epoch(), cps.latest().orElseThrow().epoch());
            }
            assertEquals(2, cps.list().size(), "retain(2) pruned the others");
            stop(driver, hs);
            try (Periodic after = cps.every(Duration.ofMillis(100))) {
                assertFalse(after.awaitTaken(1, WAIT), "nothing left to checkpoint: the schedule stops");
                assertTrue(after.lastError().orElseThrow() instanceof CheckpointException);
            }
        } finally {
            River.detach(driver);
        }
    }

    /**
     * Loop VRs that call checkpoint() millions of times a second outrun any fixed target a round trip
     * away; the coordinator must widen the gap until they all stop at the same call, every time.
     */
    @Test
    void tightLoopsFreezeAtOneCallEveryTime() {
        VirtualResource driver = River.attach("tight");
        try {
            List<VrId> loops = new ArrayList<>();
            for (int i = 0; i < 4; i++) loops.add(driver.deploy(cluster.vms().get(i % 2), Apps.TightLoop.class));
            Checkpoints cps = Checkpoints.of(driver).directory(dir).retain(1);
            long previous = 0;
            for (int k = 0; k < 10; k++) {
                Checkpoint c = cps.save();
                assertEquals(4, c.vrCount(), c.toString());
                long calls = c.vrs().get(0).calls();
                for (Checkpoint.SavedVr v : c.vrs()) assertEquals(calls, v.calls(), "every loop VR frozen at the same call: " + c.vrs());
                assertTrue(calls > previous, "checkpoint " + k + " froze at call " + calls + ", after " + previous);
                previous = calls;
            }
            for (VrId v : loops) driver.send(v, "stop", true);
            for (int i = 0; i < loops.size(); i++) {
                Message m = driver.recv(WAIT, "step", Match.ANY);
                long n = m.getLong("step");
                assertTrue(n >= previous, "ran on after the last checkpoint");
                assertEquals(n * (n + 1) / 2, m.getLong("sum"));
            }
        } finally {
            River.detach(driver);
        }
    }

    @Test
    void aVrThatNeverReachesASafePointFailsTheCheckpointClearlyAndRunsOn() {
        VirtualResource driver = River.attach("spinner");
        try {
            List<VrId> hs = holders(driver, 10);
            VrId spinner = driver.deploy(cluster.vms().get(0), Apps.Spinner.class);
            driver.send(spinner, "spin", true);
            driver.recv(WAIT, "spinning", Match.ANY);
            Checkpoints cps = Checkpoints.of(driver).directory(dir).timeout(Duration.ofSeconds(2));
            CheckpointException e = assertThrows(CheckpointException.class, cps::save);
            System.out.println("cannot freeze: " + e.getMessage());
            assertTrue(e.getMessage().contains(spinner.uuid().toString().substring(0, 8)) && e.getMessage().contains("Spinner")
                    && e.getMessage().contains("running") && e.getMessage().contains("nothing was saved"), e.getMessage());
            assertTrue(cps.list().isEmpty());
            assertTrue(Files.notExists(cps.directory().resolve(String.format("%06d", e.epoch()))), "no debris");
            driver.send(hs.get(1), "report", true);
            assertEquals(3, driver.recv(WAIT, "updates", Match.ANY).getLong("updates"), "thawed: the others run on");
            driver.stop(spinner);
            stop(driver, hs);
        } finally {
            River.detach(driver);
        }
    }

    @Test
    void aFieldThatCannotBeSavedIsNamedInTheError() {
        VirtualResource driver = River.attach("unsavable");
        try {
            VrId u = driver.deploy(cluster.vms().get(1), Apps.Unsavable.class);
            Checkpoints cps = Checkpoints.of(driver).directory(dir);
            CheckpointException e = assertThrows(CheckpointException.class, cps::save);
            System.out.println("cannot save: " + e.getMessage());
            assertTrue(e.getMessage().contains("java.lang.Thread") && e.getMessage().contains("transient"), e.getMessage());
            assertTrue(cps.list().isEmpty());
            driver.send(u, "stop", true);
        } finally {
            River.detach(driver);
        }
    }
}
