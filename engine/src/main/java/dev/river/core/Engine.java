package dev.river.core;

import java.util.List;
import java.util.UUID;

/**
 * A River engine: this JVM becomes a VM that announces itself and runs VRs deployed to it. This is
 * what {@code river engine} (and {@code river-engine start}) runs; programs rarely need it.
 *
 * <pre>{@code
 * try (Engine e = Engine.start(NodeConfig.engine().withName("node1").withPort(47601))) {
 *     System.out.println("serving at " + e.address());
 *     e.awaitStop();
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private final Node node;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private Engine(Node node) {
        this.node = node;
    }

    /** Binds, starts discovery and serves; this JVM's embedded VM becomes the engine itself. */
    public static Engine start(NodeConfig config) {
        NodeConfig c = new NodeConfig(config.name(), config.bind(), config.port(), config.discoveryPort(), config.broadcast(),
                config.beaconInterval(), config.peers(), config.cores(), config.tags(), true);
        Node node = new Node(c);
        Node.setEmbedded(node);
        return new Engine(node);
    }

    public String address() {
        return node.address;
    }

    public UUID id() {
        return node.id;
    }

    public String name() {
        return node.name;
    }

    /** This engine's current info, as discovery announces it. */
    public VmInfo info() {
        return node.info();
    }

    /** VMs this engine knows of. */
    public List<VmInfo> known() {
        return node.discovery.snapshot();
    }

    /** Blocks until {@link #close} is called (by a shutdown hook on SIGTERM, for instance). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Interrupts the VRs, stops discovery and closes the sockets. */
    @Override
    public void close() {
        node.close();
        stopped.countDown();
    }
}
