package dev.river.core;

import java.util.UUID;

/**
 * Entry points: run an initiator VR from a plain {@code main}, attach the calling code to River, start
 * local engines.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     River.run(Hello.class, args);           // vrInit + main of Hello, here; its children on engines
 * }
 *
 * VirtualResource me = River.attach("script"); // use send/recv/deploy from any code
 * List<VmInfo> engines = me.discover();
 *
 * try (LocalEngines local = River.startLocalEngines(2)) { ... }
 * }</pre>
 */
public final class River {
    private River() {}

    /**
     * Runs {@code type} as the initiator in this JVM: creates it, calls {@link VirtualResource#vrInit()}
     * and then {@link VirtualResource#main()} on the calling thread. VMs it allocated are released when
     * it returns. Exceptions from main propagate (checked ones wrapped in {@link RiverException}).
     */
    public static void run(Class<? extends VirtualResource> type, String... args) {
        Node node = Node.embedded();
        VirtualResource vr = Node.instantiate(type);
        ClassLoader loader = type.getClassLoader();
        UUID codeRef = node.registerCode(ClassSource.of(loader));
        vr.bind(node, new VrId(UUID.randomUUID(), node.address), null, null, args, loader, codeRef);
        node.register(vr);
        try {
            vr.runInitiator();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new RiverException(type.getSimpleName() + ".main failed: " + e, e);
        } finally {
            vr.release();
            node.unregister(vr);
        }
    }

    /**
     * A VR for the calling code (a driver): it has no main of its own; use its send, recv, discover,
     * deploy and inject from any thread. Code it deploys is served from the thread's context class
     * loader. Call {@link #detach} when done.
     */
    public static VirtualResource attach(String name) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) cl = River.class.getClassLoader();
        return attach(name, ClassSource.of(cl), cl);
    }

    /**
     * A driver VR whose shipped code comes from {@code code} and whose received messages decode in
     * {@code loader} (a kernel passes the JShell class loader and the bytes it compiled).
     */
    public static VirtualResource attach(String name, ClassSource code, ClassLoader loader) {
        Node node = Node.embedded();
        Driver d = new Driver(name);
        d.bind(node, new VrId(UUID.randomUUID(), node.address), null, null, new Object[0], loader, node.registerCode(code));
        node.register(d);
        return d;
    }

    /** Ends a driver made by {@link #attach}: releases its VMs and forgets its queue. */
    public static void detach(VirtualResource driver) {
        driver.release();
        driver.node().unregister(driver);
    }

    /**
     * Starts {@code n} engines as child processes of this JVM, bound to loopback and announced on the
     * discovery port this JVM uses, and returns once discovery here knows them all (so a
     * {@code discover()} right after sees them); they stop when the returned handle closes (or this
     * JVM exits).
     */
    public static LocalEngines startLocalEngines(int n) {
        LocalEngines started = LocalEngines.start(n, Node.embedded().config);
        try {
            started.awaitDiscovered(LocalEngines.DISCOVERY_TIMEOUT);
            return started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /**
     * Waits until discovery knows at least {@code n} engines, or {@code timeout} passes; returns the
     * engines known then (possibly fewer than {@code n}).
     */
    public static java.util.List<VmInfo> awaitEngines(int n, java.time.Duration timeout) {
        try {
            return Node.embedded().discovery.awaitAtLeast(n, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for " + n + " engines", e);
        }
    }

    /**
     * Runs {@code listener} whenever discovery drops an engine (no beacon or answer for three beacon
     * intervals): the heartbeat that extensions use to re-run work elsewhere. The listener runs on the
     * discovery thread: keep it short. Remove it with {@link #removeEngineLostListener}.
     */
    public static void onEngineLost(java.util.function.Consumer<VmInfo> listener) {
        Node.embedded().discovery.onLost(listener);
    }

    /** Stops calling a listener given to {@link #onEngineLost} (an extension does so when it closes). */
    public static void removeEngineLostListener(java.util.function.Consumer<VmInfo> listener) {
        Node.embedded().discovery.removeLost(listener);
    }

    /** Where this JVM's River VM listens ({@code host:port}). */
    public static String address() {
        return Node.embedded().address;
    }

    /** Whether {@code vr} is a driver made by {@link #attach} (no main; never frozen or moved). */
    static boolean isDriver(VirtualResource vr) {
        return vr instanceof Driver;
    }

    private static final class Driver extends VirtualResource {
        private final String name;

        Driver(String name) {
            this.name = name;
        }

        @Override protected void main() {
            throw new UnsupportedOperationException("a driver VR has no main");
        }

        @Override public String toString() {
            return "Driver[" + name + ", " + uuid() + "]";
        }
    }
}
