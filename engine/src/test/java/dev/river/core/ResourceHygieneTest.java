package dev.river.core;

import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One engine serves 1,000 deploys and 1,000 Trickle sessions; afterwards its threads, open file
 * descriptors and heap after GC are back where they started (within the slack of lazily started
 * pools), so an engine that runs for months does not run out of any of them.
 */
class ResourceHygieneTest {
    static final int DEPLOYS = 1000, SESSIONS = 1000;
    static final Duration WAIT = Duration.ofSeconds(60);
    static Cluster cluster;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(1);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    /** Ends at once, after telling its parent. */
    public static final class Brief extends VirtualResource {
        @Override protected void main() {
            send(parent(), "brief", true);
        }
    }

    /** Reports the engine's threads, open file descriptors and heap used after a full GC. */
    public static final class Probe extends VirtualResource {
        @Override protected void main() throws InterruptedException {
            // The VRs that ran before this one have told their parent they are done, but their threads may
            // still be ending (on a loaded machine, tens of them): wait for them, a bounded time. A thread
            // that never ends is still counted below.
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (t != Thread.currentThread() && t.getName().startsWith("vr-") && left > 0) t.join(left);
            }
            long heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {   // the least of a few collections: what is really reachable
                System.gc();
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            long fds;
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            } catch (IOException e) {
                throw new RiverException("cannot count open files: " + e.getMessage(), e);
            }
            java.util.TreeMap<String, Integer> kinds = new java.util.TreeMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) kinds.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            send(parent(), "threads", Thread.activeCount(), "control", kinds.getOrDefault("river-control-#", 0),
                    "fds", fds, "heap", heap, "kinds", kinds.toString());
        }
    }

    /** {@code control}: of {@code threads}, the control pool's, a cached pool whose idle threads end after 60 s. */
    record Usage(int threads, int control, long fds, long heap, String threadsByName) {
        @Override public String toString() {
            return threads + " threads " + threadsByName + ", " + fds + " open files, " + heap / 1024 + " KiB heap after GC";
        }
    }

    static Usage usage(VirtualResource driver) {
        driver.deploy(cluster.vms().get(0), Probe.class);
        Message m = driver.recv(WAIT, "threads", Match.ANY);
        return new Usage(m.getInt("threads"), m.getInt("control"), m.getLong("fds"), m.getLong("heap"), m.getString("kinds"));
    }

    static void deploys(VirtualResource driver, int n) {
        VmInfo vm = cluster.vms().get(0);
        for (int done = 0; done < n; done += 10) {
            driver.deploy(Collections.nCopies(Math.min(10, n - done), vm), Brief.class);
            for (int i = 0; i < Math.min(10, n - done); i++) driver.recv(WAIT, "brief", Match.ANY);
        }
    }

    static void sessions(int n) {
        for (int i = 0; i < n; i++) {
            try (Trickle t = Trickle.connect(1)) {
                assertEquals(i + 1, (int) t.vms().get(0).call(x -> x + 1, i));
            }
        }
    }

    @Test
    void threadsFilesAndHeapReturnToTheirStartingLevel() {
        VirtualResource driver = River.attach("hygiene");
        try {
            deploys(driver, 50);              // warm up: pools, code caches, class loading
            sessions(20);
            Usage before = usage(driver);
            deploys(driver, DEPLOYS);
            sessions(SESSIONS);
            Usage after = usage(driver);
            List<String> report = new ArrayList<>(List.of("before: " + before, "after " + DEPLOYS + " deploys and " + SESSIONS
                    + " Trickle sessions: " + after));
            System.out.println(String.join("\n", report));
            // A leak of one thread or file per deploy or session would show as hundreds. The control pool
            // grows with concurrent requests (a loaded machine queues more of them) and shrinks when idle, so
            // its threads are bounded apart: 64 is far from a leak's 1,000s.
            assertTrue(after.threads() - after.control() <= before.threads() - before.control() + 4, String.join("; ", report));
            assertTrue(after.control() <= 64, String.join("; ", report));
            assertTrue(after.fds() <= before.fds() + 4, String.join("; ", report));
            // Each deploy kept its class loader and Kryo pool, each session its shipped classes: 37 MiB
            // in all before they were fixed. Allow 4 MiB (2 KiB a deploy or session).
            assertTrue(after.heap() <= before.heap() + 4L * 1024 * 1024, String.join("; ", report));
        } finally {
            River.detach(driver);
        }
    }
}
