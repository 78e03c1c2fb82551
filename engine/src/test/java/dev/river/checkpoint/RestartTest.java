package dev.river.checkpoint;

import dev.river.core.LocalEngines;
import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Applications checkpointed mid-run, all their engines killed, restarted on a different number of
 * fresh engines: the answer is bit-identical to an uninterrupted run's, and a corrupted checkpoint
 * is refused with a clear error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartTest {
    static final int RANKS = 4, STEPS = 400, CELLS = 2048;
    static final int STATIONS = 4, ROUNDS = 200;
    static final Duration WAIT = Duration.ofSeconds(60);

    static Cluster cluster;
    static LocalEngines fresh;
    static Path dir;
    static Map<Integer, double[]> heatReference;
    static Map<Integer, Long> ringReference;

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(2);
        dir = Files.createTempDirectory("river-checkpoints");
    }

    @AfterAll
    static void down() throws IOException {
        cluster.close();
        if (fresh != null) fresh.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static List<VrId> deployHeat(VirtualResource driver, List<VmInfo> vms) {
        List<VrId> ranks = new ArrayList<>();
        for (int r = 0; r < RANKS; r++) ranks.add(driver.deploy(vms.get(r % vms.size()), Apps.Heat.class, r, RANKS, STEPS, CELLS));
        for (VrId r : ranks) driver.send(r, "peers", ranks);
        return ranks;
    }

    static Map<Integer, double[]> heatResults(VirtualResource driver, List<VrId> ranks) {
        for (VrId r : ranks) driver.send(r, "finish", true);
        Map<Integer, double[]> out = new HashMap<>();
        for (int i = 0; i < RANKS; i++) {
            Message m = driver.recv(WAIT, "cells", Match.ANY);
            out.put(m.getInt("rank"), m.get("cells"));
        }
        return out;
    }

    static List<VrId> deployRing(VirtualResource driver, List<VmInfo> vms) {
        List<VrId> stations = new ArrayList<>();
        for (int r = 0; r < STATIONS; r++) stations.add(driver.deploy(vms.get(r % vms.size()), Apps.TokenRing.class, r, STATIONS, ROUNDS));
        for (int r = 0; r < STATIONS; r++) driver.send(stations.get(r), "next", stations.get((r + 1) % STATIONS));
        return stations;
    }

    static Map<Integer, Message> ringResults(VirtualResource driver) {
        Map<Integer, Message> out = new HashMap<>();
        for (int i = 0; i < STATIONS; i++) {
            Message m = driver.recv(WAIT, "acc", Match.ANY);
            out.put(m.getInt("rank"), m);
        }
        return out;
    }

    @Test
    @Order(1)
    void uninterruptedRunsGiveTheReference() {
        VirtualResource driver = River.attach("reference");
        try {
            List<VrId> ranks = deployHeat(driver, cluster.vms());
            heatReference = heatResults(driver, ranks);
            List<VrId> stations = deployRing(driver, cluster.vms());
            driver.recv(WAIT, "halfway", Match.ANY);
            driver.send(stations.get(0), "resume", true);
            ringReference = new HashMap<>();
            ringResults(driver).forEach((rank, m) -> {
                ringReference.put(rank, m.getLong("acc"));
                assertEquals(ROUNDS, m.getInt("wakeups"), "an uninterrupted station is woken once per round");
            });
        } finally {
            River.detach(driver);
        }
        assertEquals(RANKS, heatReference.size());
        assertEquals(STATIONS, ringReference.size());
    }

    @Test
    @Order(2)
    void checkpointedMidRunKilledAndRestoredOnFreshEnginesGivesTheSameAnswer() throws Exception {
        assertNotNull(heatReference, "needs the reference run");
        VirtualResource heatDriver = River.attach("heat");
        VirtualResource ringDriver = River.attach("ring");
        Checkpoints heat = Checkpoints.of(heatDriver).directory(dir);
        Checkpoints ring = Checkpoints.of(ringDriver).directory(dir);

        // Heat: loop VRs, frozen at the same iteration (checkpoint() call 60, then 160), edges in flight.
        List<VrId> ranks = deployHeat(heatDriver, cluster.vms());
        Checkpoint early = heat.saveAt(60);
        Checkpoint later = heat.saveAt(160);
        for (Checkpoint c : List.of(early, later)) {
            assertEquals(RANKS, c.vrCount());
            Set<Long> calls = new HashSet<>();
            for (Checkpoint.SavedVr v : c.vrs()) {
                calls.add(v.calls());
                assertEquals("loop", v.style());
                assertTrue(v.calls() < STEPS, "frozen mid-run, at call " + v.calls());
            }
            assertEquals(1, calls.size(), "all ranks frozen at the same iteration: " + calls);
        }
        assertTrue(later.vrs().get(0).calls() >= 160);
        assertEquals(List.of(early.epoch(), later.epoch()), heat.list().stream().map(Checkpoint::epoch).toList());

        // Token ring: event-loop VRs, frozen where they wait; rank 0 waits for "resume".
        List<VrId> stations = deployRing(ringDriver, cluster.vms());
        ringDriver.recv(WAIT, "halfway", Match.ANY);
        Checkpoint ringCp = ring.save();
        assertEquals(STATIONS, ringCp.vrCount());
        ringCp.vrs().forEach(v -> assertEquals("event-loop", v.style()));

        // Every engine dies.
        CountDownLatch lost = new CountDownLatch(2);
        River.onEngineLost(vm -> lost.countDown());
        cluster.engines().kill(0);
        cluster.engines().kill(1);
        assertTrue(lost.await(30, TimeUnit.SECONDS), "discovery drops the killed engines");

        fresh = LocalEngines.start(3, NodeConfig.client());
        List<VmInfo> engines = River.awaitEngines(3, Duration.ofSeconds(30));
        assertEquals(3, engines.size());
        Set<String> freshAddresses = new HashSet<>(fresh.addresses());
        engines.forEach(e -> assertTrue(freshAddresses.contains(e.address()), "only fresh engines are alive: " + e));

        // A corrupted file in the newest heat checkpoint: refused, nothing started.
        Checkpoint.SavedVr victim = later.vrs().get(1);
        Path file = later.directory().resolve(victim.file());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        CheckpointException refused = assertThrows(CheckpointException.class, () -> heat.restore(engines));
        System.out.println("corrupted checkpoint refused: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("corrupt") && refused.getMessage().contains(victim.file()), refused.getMessage());
        assertEquals(later.epoch(), refused.epoch());
        assertThrows(CheckpointException.class, () -> heat.verify(later.epoch()), "verify finds it from here too");
        for (VrStatus s : heat.show()) assertEquals("saved", s.state(), "nothing was started: " + s);

        // The earlier heat checkpoint and the ring checkpoint resume on the three fresh engines.
        Restored h = heat.restore(early.epoch(), engines);
        assertEquals(RANKS, h.vrs().size());
        for (VrId r : ranks) assertEquals(r, h.get(r), "same UUID");
        assertEquals(3, new HashSet<>(h.vrs().values().stream().map(VrId::vm).toList()).size(), "spread over all three");
        Map<Integer, double[]> heatAfter = heatResults(heatDriver, ranks);
        for (int r = 0; r < RANKS; r++) {
            assertArrayEquals(heatReference.get(r), heatAfter.get(r), "rank " + r + ": bit-identical to the uninterrupted run");
        }

        ring.restore(engines);
        ringDriver.send(stations.get(0), "resume", true);
        Map<Integer, Message> ringAfter = ringResults(ringDriver);
        for (int r = 0; r < STATIONS; r++) {
            assertEquals(ringReference.get(r), ringAfter.get(r).getLong("acc"), "station " + r);
            assertTrue(ringAfter.get(r).getInt("wakeups") < ROUNDS, "the transient counter was not saved: it restarted from 0");
        }
        assertNull(ringDriver.poll("halfway", Match.ANY), "rank 0 does not announce halfway twice");
        River.detach(heatDriver);
        River.detach(ringDriver);
    }
}
