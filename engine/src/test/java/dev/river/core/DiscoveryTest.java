package dev.river.core;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Broadcast beacons: engines announce themselves, filters apply, a killed engine is dropped. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryTest {
    static Cluster cluster;

    @BeforeAll static void up() {
        cluster = Cluster.start(3, List.of("--tags", "gpu,fast", "--cores", "3"));
    }

    @AfterAll static void down() {
        cluster.close();
    }

    @Test
    void beaconsAnnounceEveryEngineWithItsDetails() {
        List<VmInfo> vms = cluster.driver().discover();
        assertEquals(Set.copyOf(cluster.engines().addresses()), vms.stream().map(VmInfo::address).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(cluster.engines().ids()), vms.stream().map(VmInfo::id).collect(Collectors.toSet()));
        for (VmInfo vm : vms) {
            assertEquals(3, vm.cores());
            assertEquals(Set.of("gpu", "fast"), vm.tags());
            assertTrue(vm.memory() > 0);
            assertEquals("127.0.0.1", vm.host());
            assertTrue(cluster.engines().names().contains(vm.name()));
        }
        assertEquals(0, cluster.driver().discover(vm -> vm.tags().contains("tpu")).size());
    }

    @Test
    void allocationIsExclusiveBetweenApplicationsAndReleased() {
        VirtualResource app1 = River.attach("app1");
        VirtualResource app2 = River.attach("app2");
        try {
            List<VmInfo> vms = app1.discover();
            assertEquals(3, app1.allocate(vms).size());
            assertEquals(0, app2.allocate(vms).size(), "held by app1");
            app1.release();
            assertEquals(3, app2.allocate(vms).size());
        } finally {
            River.detach(app1);
            River.detach(app2);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)   // kills an engine: last
    void aKilledEngineIsDroppedWithinAFewBeaconIntervals() throws Exception {
        CompletableFuture<VmInfo> lost = new CompletableFuture<>();
        River.onEngineLost(lost::complete);
        String victim = cluster.engines().addresses().get(2);
        long t0 = System.nanoTime();
        cluster.engines().kill(2);
        VmInfo gone = lost.get(20, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(victim, gone.address());
        assertFalse(cluster.driver().discover().stream().anyMatch(v -> v.address().equals(victim)));
        System.out.println("engine dropped " + ms + " ms after kill -9 (beacon interval " + Cluster.BEACON.toMillis() + " ms)");
        RiverException e = assertThrows(RiverException.class, () -> cluster.driver().deploy(gone, SfmTest.Echo.class));
        assertTrue(e.getMessage().contains("gone"), e.getMessage());
    }
}
