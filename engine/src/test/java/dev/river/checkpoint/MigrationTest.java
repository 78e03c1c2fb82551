package dev.river.checkpoint;

import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/** Moving live VRs between engines while their peers keep sending. */
class MigrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static Cluster cluster;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(2);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    @Test
    void aVrMovedTwiceUnderTrafficGetsEveryMessageOnceAndInOrder() throws Exception {
        int n = 30_000;
        VmInfo a = cluster.vms().get(0);
        VmInfo b = cluster.vms().get(1);
        VirtualResource driver = River.attach("migration");
        try {
            VrId counter = driver.deploy(a, Apps.Counter.class, 3);
            // Senders: one on the counter's first VM (local sends), one on the other, and the driver itself.
            driver.deploy(a, Apps.Sender.class, counter, n);
            driver.deploy(b, Apps.Sender.class, counter, n);
            CompletableFuture<Void> own = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < n; i++) driver.send(counter, "n", i);
                driver.send(counter, "done", n);
            });
            driver.recv(WAIT, "quarter", Match.ANY);
            driver.recv(WAIT, "quarter", Match.ANY);

            Checkpoints cps = Checkpoints.of(driver);
            VrId atB = cps.migrate(counter, b);
            assertEquals(counter, atB, "same UUID");
            assertEquals(b.address(), atB.vm());
            VrId backAtA = cps.migrate(counter, a);
            assertEquals(a.address(), backAtA.vm());
            own.get();
            driver.send(counter, "finish", true);   // it reports once every sender is done, too

            Message report = driver.recv(WAIT, "total", Match.ANY);
            Map<?, ?> problems = report.get("problems");
            assertTrue(problems.isEmpty(), "every sender's messages in order, once each: " + problems);
            assertEquals(3L * n, report.getLong("total"));
            assertEquals(a.address(), report.getString("where"), "it finished where it was moved last");
        } finally {
            River.detach(driver);
        }
    }

    @Test
    void aLoopVrMovedMidRunComputesTheSameAnswer() {
        VirtualResource driver = River.attach("heat-migration");
        try {
            List<double[]> reference = heat(driver, false);
            List<double[]> moved = heat(driver, true);
            for (int r = 0; r < reference.size(); r++) assertArrayEquals(reference.get(r), moved.get(r), "rank " + r);
        } finally {
            River.detach(driver);
        }
    }

    /** Runs a 3-rank heat stencil to the end; optionally moves rank 0 to the other engine mid-run. */
    private List<double[]> heat(VirtualResource driver, boolean move) {
        int ranks = 3;
        List<VmInfo> vms = cluster.vms();
        List<VrId> ids = new ArrayList<>();
        for (int r = 0; r < ranks; r++) ids.add(driver.deploy(vms.get(r % 2), Apps.Heat.class, r, ranks, 300, 1024));
        for (VrId id : ids) driver.send(id, "peers", ids);
        if (move) {
            VrId moved = Checkpoints.of(driver).migrate(ids.get(0), vms.get(1));
            assertEquals(vms.get(1).address(), moved.vm());
        }
        for (VrId id : ids) driver.send(id, "finish", true);
        double[][] out = new double[ranks][];
        for (int i = 0; i < ranks; i++) {
            Message m = driver.recv(WAIT, "cells", Match.ANY);
            out[m.getInt("rank")] = m.get("cells");
        }
        return List.of(out);
    }

    @Test
    void movingAVrToTheVmItRunsOnIsRefusedClearly() {
        VirtualResource driver = River.attach("refusals");
        try {
            VmInfo a = cluster.vms().get(0);
            VrId holder = driver.deploy(a, Apps.Holder.class, 4);
            RiverException same = assertThrows(RiverException.class, () -> Checkpoints.of(driver).migrate(holder, a));
            assertTrue(same.getMessage().contains("already runs on"), same.getMessage());
            driver.send(holder, "stop", true);
            driver.recv(WAIT, "stopped", Match.ANY);
        } finally {
            River.detach(driver);
        }
    }
}
