package dev.river.testing;

import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;

/**
 * Real engine processes for a test class: a private discovery port (so concurrent test JVMs never see
 * each other's engines), a short beacon interval, and a driver VR in the test JVM. Start it once per
 * class ({@code @BeforeAll}); surefire runs each test class in its own JVM.
 *
 * <pre>{@code
 * static Cluster cluster;
 * @BeforeAll static void up() { cluster = Cluster.start(2); }
 * @AfterAll static void down() { cluster.close(); }
 * }</pre>
 */
public final class Cluster implements AutoCloseable {
    public static final Duration BEACON = Duration.ofMillis(200);

    private final LocalEngines engines;
    private final VirtualResource driver;
    private final List<VmInfo> vms;

    private Cluster(LocalEngines engines, VirtualResource driver, List<VmInfo> vms) {
        this.engines = engines;
        this.driver = driver;
        this.vms = vms;
    }

    /** Starts {@code n} engines and waits until discovery has seen them all. */
    public static Cluster start(int n) {
        return start(n, List.of());
    }

    /** As {@link #start(int)}, passing extra options to every engine. */
    public static Cluster start(int n, List<String> engineOptions) {
        configureThisJvm();
        LocalEngines engines = LocalEngines.start(n, NodeConfig.client(), engineOptions);
        List<VmInfo> vms = River.awaitEngines(n, Duration.ofSeconds(30));
        if (vms.size() < n) {
            engines.close();
            throw new IllegalStateException("discovery saw " + vms.size() + " of " + n + " engines within 30 s");
        }
        return new Cluster(engines, River.attach("test"), vms);
    }

    /** Gives this JVM's embedded VM a private discovery port and the short test beacon interval. */
    public static int configureThisJvm() {
        String existing = System.getProperty("river.discovery.port");
        if (existing != null) return Integer.parseInt(existing);
        int port = freeUdpPort();
        System.setProperty("river.discovery.port", Integer.toString(port));
        System.setProperty("river.beacon.ms", Long.toString(BEACON.toMillis()));
        return port;
    }

    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A driver VR in the test JVM (send/recv/deploy from test code). */
    public VirtualResource driver() {
        return driver;
    }

    /** The engines, as discovery saw them at start. */
    public List<VmInfo> vms() {
        return vms;
    }

    public LocalEngines engines() {
        return engines;
    }

    @Override
    public void close() {
        River.detach(driver);
        engines.close();
    }
}
