package dev.river.trickle;

import dev.river.core.ClassSource;
import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a {@link Trickle.Builder} connects: attach the driver, find engines (or start local ones when
 * none is found or none can be allocated), claim them, deploy a worker on each and open the session;
 * on failure, everything attached or started here is released again. It is kept apart from
 * {@link Trickle} because it is the session's setup sequence, not one of its operations: the public
 * {@link Trickle.Builder} keeps the options and hands them over here.
 */
final class Connector {
    private Connector() {}

    /** Connects with the builder's options ({@code engines} and {@code local} are 0 when not set). */
    static Trickle connect(int engines, int local, Duration wait, Duration heartbeat, ClassSource code, ClassLoader loader) {
        VirtualResource driver = code != null ? River.attach("trickle", code, loader) : River.attach("trickle");
        LocalEngines startedHere = null;
        try {
            List<VmInfo> candidates;
            int want = engines;
            if (local > 0) {
                startedHere = startLocal(local);
                candidates = awaitStarted(startedHere, wait);
                want = local;
            } else {
                candidates = driver.discover();
                if (engines > 0 && candidates.size() < engines) candidates = River.awaitEngines(engines, wait);
            }
            List<VmInfo> granted = allocate(driver, candidates, want);
            if (granted.isEmpty() && startedHere == null) {
                int n = engines > 0 ? engines : defaultLocalEngines();
                System.err.println("trickle: " + (candidates.isEmpty() ? "no engines found"
                        : "the " + candidates.size() + " engine(s) found are allocated to other applications")
                        + "; starting " + n + " local engine" + (n == 1 ? "" : "s") + " (they stop when the session closes)");
                startedHere = startLocal(n);
                granted = allocate(driver, awaitStarted(startedHere, wait), n);
            }
            if (granted.isEmpty()) throw new RiverException("trickle: no engine could be allocated");
            if (engines > 0 && granted.size() < engines) {
                System.err.println("trickle: asked for " + engines + " engines, using the " + granted.size() + " available");
            }
            List<VrId> workers = driver.deploy(granted, Worker.class);
            return new Trickle(driver, loader != null ? loader : contextLoader(), granted, workers, startedHere, heartbeat);
        } catch (RuntimeException | Error e) {
            River.detach(driver);
            if (startedHere != null) startedHere.close();
            throw e;
        }
    }

    private static ClassLoader contextLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Trickle.class.getClassLoader();
    }

    private static int defaultLocalEngines() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** Local engines sharing this machine's cores between them. */
    private static LocalEngines startLocal(int n) {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        return LocalEngines.start(n, NodeConfig.client(), List.of("--cores", Integer.toString(cores)));
    }

    /** Waits until discovery has seen every engine in {@code started}; returns them. */
    private static List<VmInfo> awaitStarted(LocalEngines started, Duration wait) {
        return started.awaitDiscovered(wait.compareTo(LocalEngines.DISCOVERY_TIMEOUT) > 0 ? wait : LocalEngines.DISCOVERY_TIMEOUT);
    }

    /** Claims up to {@code want} engines (all when 0), free ones first. */
    private static List<VmInfo> allocate(VirtualResource driver, List<VmInfo> candidates, int want) {
        List<VmInfo> order = new ArrayList<>(candidates);
        order.sort(Comparator.comparing(VmInfo::allocated).thenComparing(VmInfo::name));
        int target = want > 0 ? want : order.size();
        List<VmInfo> granted = new ArrayList<>();
        int i = 0;
        while (granted.size() < target && i < order.size()) {
            int take = Math.min(target - granted.size(), order.size() - i);
            granted.addAll(driver.allocate(order.subList(i, i + take)));
            i += take;
        }
        return granted;
    }
}
