package dev.river.core;

import dev.river.sfm.Codec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A virtual resource (VR): code, data, a thread and a message queue, named by a UUID. Extend it, write
 * {@link #main()}, and start it with {@link River#run}; the initiator's {@link #vrInit()} discovers,
 * allocates and deploys the other VRs, which run the same {@code main} on engines.
 *
 * <pre>{@code
 * public class Hello extends VirtualResource {
 *     private List<VrId> children;
 *
 *     @Override protected boolean vrInit() {              // runs on the initiator only
 *         children = deploy(allocate(discover()), Hello.class);
 *         return true;
 *     }
 *
 *     @Override protected void main() {                   // runs on every VR
 *         if (parent() == null) {
 *             for (VrId vr : children) System.out.println(recv("src", vr).getString("myname"));
 *         } else {
 *             send(parent(), "myname", hostName());
 *         }
 *     }
 *
 *     public static void main(String[] args) { River.run(Hello.class, args); }
 * }
 * }</pre>
 *
 * <p>Messaging ({@link #send}, {@link #recv}, {@link #poll}) is thread-safe. A VR's fields are its
 * state: they are what a checkpoint saves (minus {@code transient} ones); see {@link #checkpoint()}.
 */
public abstract class VirtualResource {
    // The runtime's own fields are transient: a checkpoint saves the subclass's fields, and the
    // identity (self, parent, args, app) separately, in the VR's image (VrImage).
    private transient Node node;
    private transient VrId self;
    private transient VrId parent;
    private transient Object[] args = new Object[0];
    /** The application: the UUID of the root VR (the initiator, or the driver) that this VR descends from. */
    private transient UUID app;
    private transient ClassLoader loader;
    private transient UUID codeRef;
    private transient MessageQueue queue;
    private final transient Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final transient Channels channels = new Channels();
    private transient volatile boolean started;

    /** Runs on the initiator only, before {@link #main()}; return false to stop without running main. */
    protected boolean vrInit() throws Exception {
        return true;
    }

    /** The VR's work; runs on the initiator (after vrInit) and on every deployed VR. */
    protected abstract void main() throws Exception;

    // ---------------------------------------------------------------- identity

    /** This VR's id. */
    public final VrId uuid() {
        return self;
    }

    /** The VR that deployed this one, or null on the initiator. */
    public final VrId parent() {
        return parent;
    }

    /**
     * The application this VR belongs to: the UUID of the initiator (or driver) at the root of the
     * deploy tree it descends from. Every VR deployed by a VR of an application joins that application;
     * checkpoints freeze and save applications as a whole.
     */
    public final UUID app() {
        return app;
    }

    /** Arguments given to {@code deploy} (or to {@link River#run}). */
    public final Object[] args() {
        return args.clone();
    }

    /** Argument {@code i}, cast to what the caller expects. */
    @SuppressWarnings("unchecked")
    public final <T> T arg(int i) {
        if (i < 0 || i >= args.length) {
            throw new IndexOutOfBoundsException("argument " + i + " requested, but this VR has " + args.length + " arguments");
        }
        return (T) args[i];
    }

    /** This machine's host name. */
    public final String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return node().address;
        }
    }

    /** The VM this VR runs on. */
    public final VmInfo vm() {
        return node().info();
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * A safe point: where a checkpoint may freeze this VR, and where a copy restored from that
     * checkpoint (or moved to another VM) resumes. Java cannot save a thread's stack, so a restored VR
     * resumes by running {@link #main()} again from the top with the fields it had here; fields marked
     * {@code transient} are not saved (they hold their initial values after a restore).
     *
     * <p>A VR that never calls this method is frozen while it <em>receives</em> ({@code recv},
     * {@code poll}): write its main so that every receive is at a place where the fields say all it
     * has done, as in an event loop. A VR that calls it (usually first thing in each iteration of its
     * main loop) is from then on frozen only here, at an iteration the checkpoint chooses for all such
     * VRs of the application: keep the loop counter and all progress in fields, so that running main
     * again continues with the iteration it was about to start.
     *
     * <pre>{@code
     * public class Heat extends VirtualResource {
     *     private int step;                   // progress lives in fields: saved by checkpoints
     *     private double[] cells;
     *     private transient long started;     // not saved
     *
     *     @Override protected void main() {
     *         if (cells == null) cells = initialCells();   // false after a restore: setup is not redone
     *         while (step < 1000) {
     *             checkpoint();               // frozen here; a restored copy continues here
     *             cells = relax(exchangeHalos(cells));
     *             step++;
     *         }
     *         send(parent(), "cells", cells);
     *     }
     * }
     * }</pre>
     *
     * <p>When no checkpoint is under way this costs one uncontended lock.
     *
     * @throws RiverException if the thread is interrupted while frozen
     */
    protected final void checkpoint() {
        try {
            queue().safePoint().atCall();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while frozen for a checkpoint", e);
        }
    }

    /** Messages waiting in this VR's queue. */
    public final int queueSize() {
        return queue().size();
    }

    // ---------------------------------------------------------------- discovery, allocation, creation

    /** The engines discovered (by beacon or explicit peers), waiting at most about one beacon interval. */
    public final List<VmInfo> discover() {
        return discover(vm -> true);
    }

    /** The discovered engines that satisfy {@code filter}. */
    public final List<VmInfo> discover(Predicate<VmInfo> filter) {
        try {
            List<VmInfo> out = new ArrayList<>();
            for (VmInfo vm : node().discovery.await()) if (filter.test(vm)) out.add(vm);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted during discovery", e);
        }
    }

    /**
     * Claims VMs for this application; returns those granted (a VM another application holds is left
     * out). Claims are renewed while this VM lives, and released when the initiator ends.
     */
    public final List<VmInfo> allocate(List<VmInfo> vms) {
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        UUID owner = owner();
        for (VmInfo vm : vms) answers.add(node().requestAsync(vm.address(), new Control.Allocate(owner, false), Node.REQUEST_TIMEOUT));
        List<VmInfo> granted = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            try {
                if (Boolean.TRUE.equals(answers.get(i).join())) {
                    granted.add(vms.get(i));
                    node().holdAllocation(vms.get(i).address(), owner);
                }
            } catch (RuntimeException e) {
                System.getLogger(VirtualResource.class.getName()).log(System.Logger.Level.INFO,
                        "VM " + vms.get(i).name() + " not allocated: " + e.getMessage());
            }
        }
        return granted;
    }

    /** Gives back every VM this application allocated. */
    public final void release() {
        node().releaseAllocations(owner());
    }

    private UUID owner() {
        return parent == null ? self.uuid() : parent.uuid();
    }

    /**
     * Starts one VR of {@code type} on each VM (in parallel); returns their ids, in the order of {@code vms}.
     * An empty {@code vms} is an error (a {@link RiverException} saying why), never a silent no-op.
     */
    public final List<VrId> deploy(List<VmInfo> vms, Class<? extends VirtualResource> type, Object... args) {
        List<String> addresses = new ArrayList<>(vms.size());
        for (VmInfo vm : vms) addresses.add(vm.address());
        return deployTo(addresses, type, args);
    }

    /** Starts one VR of {@code type} on {@code vm}. */
    public final VrId deploy(VmInfo vm, Class<? extends VirtualResource> type, Object... args) {
        return deploy(List.of(vm), type, args).get(0);
    }

    /** Deploys to VMs given by address ({@code host:port}); the building block of the other deploys. */
    public final List<VrId> deployTo(List<String> vms, Class<? extends VirtualResource> type, Object... args) {
        if (vms.isEmpty()) {
            throw new RiverException("deploy of " + type.getSimpleName() + " was given no VMs, so nothing would run: discover() found"
                    + " no engines, or allocate() granted none (other applications hold them). Start engines with"
                    + " `river engines 2` and check what discovery sees with `river status`.");
        }
        byte[] encodedArgs;
        try {
            encodedArgs = Codec.encode(args, loader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("deploy arguments of " + type.getSimpleName() + " cannot be serialized: " + e.getMessage(), e);
        }
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (String vm : vms) {
            Control.Deploy d = new Control.Deploy(UUID.randomUUID(), type.getName(), node().address, codeRef, self, app, encodedArgs);
            answers.add(node().requestAsync(vm, d, Node.REQUEST_TIMEOUT));
        }
        List<VrId> ids = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            try {
                ids.add((VrId) answers.get(i).join());
            } catch (java.util.concurrent.CompletionException e) {
                Throwable c = e.getCause();
                throw new RiverException("deploying " + type.getSimpleName() + " on VM " + vms.get(i) + " failed: " + c.getMessage(), c);
            }
        }
        return ids;
    }

    /** Asks the VM running {@code vr} to interrupt it (its blocking calls throw). */
    public final void stop(VrId vr) {
        node().request(node().locate(vr), new Control.Stop(vr.uuid()));
    }

    /** Ships classes (and nested/inner classes they own) to {@code vms} before they are needed; returns the bytes sent. */
    public final long inject(List<VmInfo> vms, Class<?>... classes) {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (Class<?> c : classes) collect(c, files);
        long bytes = files.values().stream().mapToLong(b -> b.length).sum();
        List<CompletableFuture<Object>> acks = new ArrayList<>();
        for (VmInfo vm : vms) acks.add(node().requestAsync(vm.address(), new Control.Push(node().address, codeRef, files), Node.REQUEST_TIMEOUT));
        acks.forEach(CompletableFuture::join);
        return bytes;
    }

    private void collect(Class<?> c, Map<String, byte[]> files) {
        String path = c.getName().replace('.', '/') + ".class";
        if (files.containsKey(path)) return;
        byte[] b = node().fetchCode(node().address, codeRef, path);
        if (b == null) throw new IllegalArgumentException("no class file for " + c.getName() + " in this VR's code source");
        files.put(path, b);
        for (Class<?> inner : c.getDeclaredClasses()) collect(inner, files);
    }

    // ---------------------------------------------------------------- Super Flexible Messaging

    /**
     * Sends a message: name/value pairs, e.g. {@code send(dest, "tag", "inputlist", "items", List.of(1, 2, 3))}.
     * Asynchronous: returns once the message is encoded (so the caller may reuse its objects), never
     * waiting for the receiver.
     *
     * @throws IllegalArgumentException naming the attribute when a value cannot be serialized
     * @throws UndeliverableException if the destination is known to be gone, or an earlier message bounced
     */
    public final void send(VrId dest, Object... attrs) {
        if (dest == null) throw new IllegalArgumentException("send: destination is null (parent() is null on the initiator)");
        queue().checkAlerts();
        Map<String, Object> map = Pairs.toMap(attrs, "send");
        node().route(this, dest, map);
    }

    /** Receives the first queued message matching the pattern, waiting as long as it takes. */
    public final Message recv(Object... pattern) {
        return take(Pattern.of(pattern), -1, null);
    }

    /**
     * Receives the first message matching the pattern, waiting at most {@code timeout}.
     *
     * @throws RecvTimeoutException if none arrives in time
     */
    public final Message recv(Duration timeout, Object... pattern) {
        return take(Pattern.of(pattern), Math.max(1, timeout.toNanos()), timeout);
    }

    /** The first queued message matching the pattern, or null at once if there is none. */
    public final Message poll(Object... pattern) {
        return take(Pattern.of(pattern), 0, null);
    }

    private Message take(Pattern p, long nanos, Duration timeout) {
        MessageQueue q = queue();
        try {
            Message m = q.take(p, nanos);
            if (m == null && timeout != null) {
                throw new RecvTimeoutException("no message matching " + p + " arrived within " + human(timeout)
                        + " (" + q.size() + " other message(s) are queued for " + self + ")");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for a message matching " + p, e);
        }
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    // ---------------------------------------------------------------- runtime plumbing (package-private)

    final void bind(Node node, VrId self, VrId parent, UUID app, Object[] args, ClassLoader loader, UUID codeRef) {
        this.node = node;
        this.self = self;
        this.parent = parent;
        this.app = app != null ? app : self.uuid();
        this.args = args == null ? new Object[0] : args;
        this.loader = loader;
        this.codeRef = codeRef;
        this.queue = new MessageQueue(loader);
    }

    /** Starts main on a thread of its own (a deployed VR). */
    final void start() {
        started = true;
        Thread t = new Thread(this::runDeployed, "vr-" + getClass().getSimpleName() + "-" + self.uuid().toString().substring(0, 8));
        t.setContextClassLoader(loader);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void runDeployed() {
        try {
            main();
        } catch (Node.Relocated moved) {
            // This copy was moved to another VM and runs on there; it ends quietly.
        } catch (Throwable t) {
            if (!(t instanceof RiverException && Thread.currentThread().isInterrupted())) node.vrFailed(this, t);
        } finally {
            threads.remove(Thread.currentThread());
            node.unregister(this);       // first: it records the channel counters a checkpoint reads once end() is seen
            queue.safePoint().end();
        }
    }

    /** Runs vrInit and main on the calling thread (the initiator). */
    final void runInitiator() throws Exception {
        started = true;
        threads.add(Thread.currentThread());
        try {
            if (vrInit()) main();
        } finally {
            threads.remove(Thread.currentThread());
            queue.safePoint().end();
        }
    }

    final boolean ownsThread(Thread t) {
        return threads.contains(t);
    }

    final void interruptThreads() {
        for (Thread t : threads) t.interrupt();
    }

    final MessageQueue queue() {
        if (queue == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not running in River: start it with"
                    + " River.run(" + getClass().getSimpleName() + ".class) or deploy it");
        }
        return queue;
    }

    final Node node() {
        queue();
        return node;
    }

    /** Whether main has been started (a VR restored from an image is registered first, started later). */
    final boolean started() {
        return started;
    }

    /** Sequence numbers of the messages this VR sent, per destination. */
    final Channels channels() {
        return channels;
    }

    final UUID codeRef() {
        return codeRef;
    }

    final ClassLoader loader() {
        return loader;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (self == null ? "unbound" : self) + "]";
    }
}
