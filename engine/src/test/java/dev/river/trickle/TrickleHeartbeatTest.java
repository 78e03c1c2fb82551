package dev.river.trickle;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trickle's own heartbeat: with discovery slowed down (5 s beacons, so it would take 15 s to drop an
 * engine), a killed engine is still found out within about a second by pinging its worker.
 */
class TrickleHeartbeatTest {
    static Cluster cluster;
    static Trickle t;

    @BeforeAll
    static void up() {
        System.setProperty("river.discovery.port", Integer.toString(Cluster.freeUdpPort()));
        System.setProperty("river.beacon.ms", "5000");
        cluster = Cluster.start(2);
        t = Trickle.builder().engines(2).heartbeat(Duration.ofSeconds(1)).connect();
    }

    @AfterAll
    static void down() {
        if (t != null) t.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aSilentWorkerIsDeclaredLostByPing() {
        Vm victim = t.vms().get(0);
        AtomicBoolean killed = new AtomicBoolean();
        Work<Integer> w = t.forkworkAsync(chunk -> {
            Thread.sleep(20);
            return chunk.size();
        }, IntStream.range(0, 200).boxed().toList(), 2);
        w.onProgress((done, total, failed) -> {
            if (done >= 20 && killed.compareAndSet(false, true)) {
                cluster.engines().kill(cluster.engines().names().indexOf(victim.name()));
            }
        });
        List<Integer> sizes = assertTimeoutPreemptively(Duration.ofSeconds(10), w::results);   // well before discovery's 15 s
        assertEquals(100, sizes.size());
        assertTrue(sizes.stream().allMatch(n -> n == 2));
        assertFalse(victim.isAlive());
        assertTrue(victim.toString().contains("no answer for"), victim.toString());
    }
}
