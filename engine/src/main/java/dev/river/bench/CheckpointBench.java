package dev.river.bench;

import dev.river.checkpoint.Checkpoint;
import dev.river.checkpoint.Checkpoints;
import dev.river.checkpoint.Periodic;
import dev.river.checkpoint.Restored;
import dev.river.core.LocalEngines;
import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code river bench checkpoint}: coordinated checkpoints on two local engines.
 *
 * <ul>
 *   <li><b>save / restore</b>: {@code vrs} VRs (half per engine), each holding {@code mib} MiB of
 *       doubles and waiting in recv, are checkpointed {@code repeats} times; then, each time on two
 *       fresh engines (the old ones killed), restored from the newest checkpoint, and their state
 *       checked against the original's checksum.</li>
 *   <li><b>overhead</b>: a heat stencil of {@code vrs} loop VRs with {@code mib} MiB each runs
 *       {@code steps} iterations, once plainly and once checkpointed every {@code interval}; the
 *       difference in run time is the overhead.</li>
 * </ul>
 *
 * Engines find each other on a private discovery port, so real engines on the machine are not used.
 */
public final class CheckpointBench {
    private CheckpointBench() {}

    /** How much to measure. */
    public record Options(int vrs, int mib, int repeats, int steps, Duration interval) {
        public static Options defaults() {
            return new Options(8, 16, 3, 1200, Duration.ofSeconds(10));
        }

        public static Options quick() {
            return new Options(4, 4, 2, 200, Duration.ofSeconds(2));
        }
    }

    /** Runs the benchmark; returns named figures (ms, MiB, MiB/s, %). */
    public static Map<String, Double> run(Options o) {
        privateDiscovery();
        Map<String, Double> out = new LinkedHashMap<>();
        Path dir;
        try {
            dir = Files.createTempDirectory("river-bench-checkpoint");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VirtualResource driver = River.attach("bench-checkpoint");
        try {
            saveAndRestore(o, driver, dir, out);
            overhead(o, dir, out);
        } finally {
            River.detach(driver);
            deleteTree(dir);
        }
        return out;
    }

    // ---------------------------------------------------------------- save and restore

    private static void saveAndRestore(Options o, VirtualResource driver, Path dir, Map<String, Double> out) {
        Checkpoints cps = Checkpoints.of(driver).directory(dir).timeout(Duration.ofMinutes(5));
        LocalEngines engines = LocalEngines.start(2, NodeConfig.client());
        List<VrId> blocks = new ArrayList<>();
        Map<VrId, Double> sums = new HashMap<>();
        try {
            List<VmInfo> vms = awaitExactly(engines);
            for (int i = 0; i < o.vrs(); i++) blocks.add(driver.deploy(vms.get(i % 2), Block.class, o.mib(), i));
            for (VrId b : blocks) sums.put(b, sum(driver, b));
            double[] save = new double[o.repeats()];
            double[] frozen = new double[o.repeats()];
            Checkpoint last = null;
            for (int r = 0; r < o.repeats(); r++) {
                long t0 = System.nanoTime();
                last = cps.save();
                save[r] = (System.nanoTime() - t0) / 1e6;
                frozen[r] = last.frozen().toNanos() / 1e6;
            }
            double mib = last.bytes() / 1048576.0;
            out.put("state_MiB", mib);
            out.put("save_ms_median", median(save));
            out.put("save_frozen_ms_median", median(frozen));
            out.put("save_MiB_per_s", mib / (median(save) / 1e3));
            double[] restore = new double[o.repeats()];
            for (int r = 0; r < o.repeats(); r++) {
                killAndAwaitLost(engines);
                engines = LocalEngines.start(2, NodeConfig.client());
                List<VmInfo> fresh = awaitExactly(engines);
                long t0 = System.nanoTime();
                Restored restored = cps.restore(last.epoch(), fresh);
                restore[r] = (System.nanoTime() - t0) / 1e6;
                for (VrId b : blocks) {
                    double now = sum(driver, restored.get(b));
                    if (now != sums.get(b)) throw new RiverException("restored VR " + b + " holds other data: sum " + now + " != " + sums.get(b));
                }
            }
            out.put("restore_ms_median", median(restore));
            out.put("restore_MiB_per_s", mib / (median(restore) / 1e3));
        } finally {
            for (VrId b : blocks) {
                try {
                    driver.send(b, "stop", true);
                } catch (RiverException gone) {
                    // its engine is gone already
                }
            }
            engines.close();
        }
    }

    private static double sum(VirtualResource driver, VrId b) {
        driver.send(b, "sum", true);
        return driver.recv(Duration.ofMinutes(2), "src", b, "sum", Match.ANY).getDouble("sum");
    }

    /** An event-loop VR holding {@code mib} MiB of doubles; answers their sum. */
    public static final class Block extends VirtualResource {
        private double[] data;

        @Override protected void main() {
            if (data == null) {
                int mib = arg(0);
                int seed = arg(1);
                data = new double[mib * (1 << 20) / 8];
                for (int i = 0; i < data.length; i++) data[i] = (i % 1000) * 0.001 + seed;
            }
            while (true) {
                Message m = recv();
                if (m.has("stop")) return;
                if (m.has("sum")) {
                    double s = 0;
                    for (double d : data) s += d;
                    send(m.src(), "sum", s);
                }
            }
        }
    }

    // ---------------------------------------------------------------- overhead of periodic checkpoints

    private static void overhead(Options o, Path dir, Map<String, Double> out) {
        LocalEngines engines = LocalEngines.start(2, NodeConfig.client());
        try {
            List<VmInfo> vms = awaitExactly(engines);
            double plain = stencil(o, vms, dir, null, out);
            double checkpointed = stencil(o, vms, dir, o.interval(), out);
            out.put("run_plain_s", plain);
            out.put("run_checkpointed_s", checkpointed);
            out.put("checkpoint_interval_s", o.interval().toMillis() / 1e3);
            out.put("overhead_percent", 100 * (checkpointed - plain) / plain);
        } finally {
            engines.close();
        }
    }

    /** Runs the stencil to the end; returns its wall time in seconds. */
    private static double stencil(Options o, List<VmInfo> vms, Path dir, Duration every, Map<String, Double> out) {
        VirtualResource driver = River.attach("bench-stencil");
        try {
            List<VrId> ranks = new ArrayList<>();
            int cells = o.mib() * (1 << 20) / 8;
            for (int r = 0; r < o.vrs(); r++) ranks.add(driver.deploy(vms.get(r % 2), Stencil.class, r, o.vrs(), o.steps(), cells));
            long t0 = System.nanoTime();
            for (VrId r : ranks) driver.send(r, "peers", ranks);
            Periodic p = every == null ? null
                    : Checkpoints.of(driver).directory(dir).retain(1).timeout(Duration.ofMinutes(5)).every(every);
            try {
                for (int i = 0; i < ranks.size(); i++) driver.recv(Duration.ofHours(2), "done", Match.ANY);
            } finally {
                if (p != null) p.close();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (p != null) {
                if (p.failed() > 0) throw new RiverException("a periodic checkpoint failed: " + p.lastError().map(Throwable::getMessage).orElse("?"));
                out.put("checkpoints_taken", (double) p.taken());
                p.last().ifPresent(c -> out.put("checkpoint_frozen_ms_last", c.frozen().toNanos() / 1e6));
            }
            return secs;
        } finally {
            River.detach(driver);
        }
    }

    /**
     * A loop VR: one rank of a 1-D heat stencil on a ring. Each iteration it exchanges edge values with
     * its neighbours and relaxes its cells; {@code scratch} is transient (state exclusion: it is not
     * saved, only reallocated after a restore). Args: rank, size, steps, cells.
     */
    public static final class Stencil extends VirtualResource {
        private int step;
        private double[] cells;
        private VrId left;
        private VrId right;
        private transient double[] scratch;

        @Override protected void main() {
            checkpoint();
            int rank = arg(0);
            int size = arg(1);
            int steps = arg(2);
            if (cells == null) {
                List<VrId> peers = recv("peers", Match.ANY).get("peers");
                left = peers.get((rank + size - 1) % size);
                right = peers.get((rank + 1) % size);
                cells = new double[(int) arg(3)];
                for (int i = 0; i < cells.length; i++) cells[i] = Math.sin(i * 1e-3) + rank;
                send(left, "step", 0, "edge", cells[0]);
                send(right, "step", 0, "edge", cells[cells.length - 1]);
            }
            if (scratch == null) scratch = new double[cells.length];
            while (step < steps) {
                checkpoint();
                double l = recv("src", left, "step", step).getDouble("edge");
                double r = recv("src", right, "step", step).getDouble("edge");
                int n = cells.length;
                scratch[0] = cells[0] + 0.25 * (l + cells[1] - 2 * cells[0]);
                for (int i = 1; i < n - 1; i++) scratch[i] = cells[i] + 0.25 * (cells[i - 1] + cells[i + 1] - 2 * cells[i]);
                scratch[n - 1] = cells[n - 1] + 0.25 * (cells[n - 2] + r - 2 * cells[n - 1]);
                double[] t = cells;
                cells = scratch;
                scratch = t;
                step++;
                if (step < steps) {
                    send(left, "step", step, "edge", cells[0]);
                    send(right, "step", step, "edge", cells[n - 1]);
                }
            }
            send(parent(), "done", rank);
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Engines and this JVM meet on a free discovery port of their own (unless the environment chose one). */
    private static void privateDiscovery() {
        if (System.getenv("RIVER_DISCOVERY_PORT") != null || System.getProperty("river.discovery.port") != null) return;
        try (DatagramSocket s = new DatagramSocket(0)) {
            System.setProperty("river.discovery.port", Integer.toString(s.getLocalPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port for a private discovery port", e);
        }
        System.setProperty("river.beacon.ms", "200");
    }

    /** The engines of {@code engines} once discovery knows them (checkpoints reach the VMs discovery knows). */
    private static List<VmInfo> awaitExactly(LocalEngines engines) {
        List<VmInfo> known = River.awaitEngines(engines.size(), Duration.ofSeconds(60));
        List<VmInfo> mine = new ArrayList<>();
        for (VmInfo vm : known) if (engines.addresses().contains(vm.address())) mine.add(vm);
        if (mine.size() < engines.size()) throw new RiverException("discovery saw " + mine.size() + " of " + engines.size() + " local engines");
        mine.sort(Comparator.comparing(VmInfo::address));
        return mine;
    }

    private static void killAndAwaitLost(LocalEngines engines) {
        CountDownLatch lost = new CountDownLatch(engines.size());
        java.util.function.Consumer<VmInfo> l = vm -> {
            if (engines.addresses().contains(vm.address())) lost.countDown();
        };
        River.onEngineLost(l);
        try {
            engines.close();
            if (!lost.await(60, TimeUnit.SECONDS)) throw new RiverException("discovery did not drop the stopped engines within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted", e);
        } finally {
            River.removeEngineLostListener(l);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.getLogger(CheckpointBench.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + dir + ": " + e);
        }
    }
}
