package dev.river.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Internal: one River VM's runtime as River's extensions see it, on the calling side (the VM of a
 * driver) and inside a {@link VmTask} on an engine. It exposes what checkpointing and migration need
 * and nothing of the wire: the VRs of an application on this VM, their safe points, channel counters
 * and images, and routes. Applications do not use it.
 *
 * <pre>{@code
 * record Statuses(UUID app) implements VmTask<List<VmContext.Status>> {
 *     public List<VmContext.Status> run(VmContext vm) { return vm.statuses(app); }
 * }
 * VmContext here = VmContext.of(driver);
 * for (VmInfo e : here.engines()) {
 *     System.out.println(here.callAndWait(e.address(), new Statuses(driver.app()), Duration.ofSeconds(5)));
 * }
 * }</pre>
 */
public final class VmContext {
    private final Node node;

    VmContext(Node node) {
        this.node = node;
    }

    /** The VM that {@code vr} runs on. */
    public static VmContext of(VirtualResource vr) {
        return new VmContext(vr.node());
    }

    /** Where a VR's classes come from: a VR restored from a checkpoint ships its code from there. */
    public record CodeOrigin(String vm, UUID ref) {}

    /** The code source of {@code vr} (a driver: the program's class loader, served by its VM). */
    public static CodeOrigin codeOf(VirtualResource vr) {
        return new CodeOrigin(vr.node().address, vr.codeRef());
    }

    /** Whether the calling thread is one of {@code vr}'s own (its main, or the initiator's thread). */
    public static boolean isVrThread(VirtualResource vr) {
        return vr.ownsThread(Thread.currentThread());
    }

    /** This VM's {@code host:port}. */
    public String address() {
        return node.address;
    }

    /** This VM's name. */
    public String name() {
        return node.name;
    }

    /** The engines discovery knows now. */
    public List<VmInfo> engines() {
        return node.discovery.snapshot();
    }

    /** Runs {@code task} on {@code vm} (this VM too: then on a control thread here). */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> call(String vm, VmTask<R> task, Duration timeout) {
        return node.requestAsync(vm, task, timeout).thenApply(v -> (R) v);
    }

    /** {@link #call} and wait; what the task threw is rethrown (remote ones as {@link RemoteVrException}). */
    public <R> R callAndWait(String vm, VmTask<R> task, Duration timeout) {
        return await(call(vm, task, timeout));
    }

    /** Waits for a future of {@link #call}, unwrapping its failure into a {@link RiverException}. */
    public static <R> R await(CompletableFuture<R> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for a VM", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof CompletionException ce && ce.getCause() != null) c = ce.getCause();
            if (c instanceof RiverException re) throw re;
            throw new RiverException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        }
    }

    // ---------------------------------------------------------------- VRs of an application

    /** What one VR is doing, for coordinators and status displays. */
    public record Status(VrId id, UUID app, VrId parent, String className, String style, long calls,
                         String state, int queued) {}

    /** The VRs of {@code app} on this VM (drivers excluded). */
    public List<LocalVr> vrs(UUID app) {
        List<LocalVr> out = new ArrayList<>();
        for (VirtualResource vr : node.appVrs(app)) out.add(new LocalVr(vr));
        return out;
    }

    /** The VR {@code uuid} if it runs here. */
    public Optional<LocalVr> vr(UUID uuid) {
        VirtualResource vr = node.localVr(uuid);
        return vr == null || River.isDriver(vr) ? Optional.empty() : Optional.of(new LocalVr(vr));
    }

    /** Statuses of the VRs of {@code app} here. */
    public List<Status> statuses(UUID app) {
        List<Status> out = new ArrayList<>();
        for (LocalVr vr : vrs(app)) out.add(vr.status());
        return out;
    }

    /**
     * Freezes {@code app} on this VM: each of its VRs (and each registered while the freeze lasts) parks
     * at its next safe point; loop VRs at checkpoint() call {@code target} (0: none chosen yet). A
     * second freeze with another {@code token} is refused until this one thaws. Returns the VRs'
     * states: a loop VR that already passed {@code target} says so ({@link Status#state()} "passed").
     */
    public List<Status> freeze(UUID app, String token, long target) {
        List<Status> out = new ArrayList<>();
        for (Map.Entry<VirtualResource, SafePoint.State> e : node.freeze(app, token, target).entrySet()) {
            out.add(new LocalVr(e.getKey()).status(e.getValue(), target));
        }
        return out;
    }

    /** Ends the freeze {@code token} of {@code app} here. */
    public void thaw(UUID app, String token) {
        node.thaw(app, token);
    }

    /** VRs of {@code app} that ended on this VM, with the counters of the messages they sent. */
    public Map<UUID, Map<UUID, Long>> endedChannels(UUID app) {
        return node.endedChannels(app);
    }

    /** Forgets ended VRs whose messages a checkpoint has accounted for. */
    public void forgetEnded(UUID app, Collection<UUID> vrs) {
        node.forgetEnded(app, vrs);
    }

    /**
     * Brings a VR back from an image (written by {@link LocalVr#writeImage}) and registers it, not yet
     * started: messages to it queue up until {@link LocalVr#start}.
     *
     * <p>Channels from senders outside {@code restoredTogether} restart at whatever number they send
     * next: those senders (drivers, say) went on counting after the image was taken, and the messages
     * they sent since are not part of it.
     *
     * @param parent           replaces the parent in the image (null keeps it)
     * @param restoredTogether the VRs restored from the same checkpoint (null: a migration, where every
     *                         channel continues exactly)
     */
    public LocalVr install(InputStream image, CodeOrigin code, VrId parent, java.util.Set<UUID> restoredTogether) {
        return new LocalVr(node.install(image, code.vm(), code.ref(), parent, restoredTogether));
    }

    /** Records (here only) that {@code vr} lives on {@code vm}. */
    public void learnRoute(UUID vr, String vm) {
        node.learnRoute(vr, vm);
    }

    /**
     * The VRs in {@code restored} resumed from a checkpoint, so their message counts went back: every
     * queue on this VM (but theirs) takes the next message from each of them as the start of a new
     * count. Call on every VM before they start, so that what they send again after a restore is
     * delivered, not dropped as a copy of what their lost run had sent.
     */
    public void restartChannels(java.util.Set<UUID> restored) {
        node.restartChannels(restored);
    }

    /** Tells this VM and every engine it knows that {@code vr} lives on {@code vm}. */
    public void announceRoute(UUID vr, String vm) {
        node.announceRoute(vr, vm);
    }

    /** The VM where this VM would send a message for {@code vr}. */
    public String locate(VrId vr) {
        return node.locate(vr);
    }

    /** The identity part of an image: class, UUID, application, parent. */
    public record ImageHeader(String className, UUID uuid, UUID app, VrId parent) {}

    /** Reads the header of an image (without loading any class). */
    public static ImageHeader readHeader(InputStream image) throws IOException {
        VrImage.Header h = VrImage.header(new java.io.DataInputStream(image));
        return new ImageHeader(h.className(), h.uuid(), h.app(), h.parent());
    }

    /** One VR on this VM. */
    public final class LocalVr {
        private final VirtualResource vr;

        private LocalVr(VirtualResource vr) {
            this.vr = vr;
        }

        public VrId id() {
            return vr.uuid();
        }

        public String className() {
            return vr.getClass().getName();
        }

        public Status status() {
            return status(vr.queue().safePoint().state(), 0);
        }

        private Status status(SafePoint.State s, long target) {
            String state;
            if (s.ended()) state = "ended";
            else if (s.passed(target)) state = "passed";
            else if (s.parked()) state = "frozen";
            else if (!vr.started()) state = "installed";
            else if (vr.queue().hasWaiters()) state = "receiving";
            else state = "running";
            return new Status(vr.uuid(), vr.app(), vr.parent(), className(),
                    s.style() == SafePoint.Style.LOOP ? "loop" : "event-loop", s.calls(), state, vr.queue().size());
        }

        /** Waits until the VR parks at a safe point (or ends); false if the deadline passed first. */
        public boolean awaitParked(long deadlineNanos) throws InterruptedException {
            return vr.queue().safePoint().awaitParked(deadlineNanos);
        }

        /** Destination UUID -> messages this VR has sent to it. */
        public Map<UUID, Long> sent() {
            return vr.channels().snapshot();
        }

        /** Sender UUID -> messages from it appended to this VR's queue, in order. */
        public Map<UUID, Long> delivered() {
            return vr.queue().delivered();
        }

        /** Waits until this VR's queue has every message up to the given count from each sender. */
        public boolean awaitDelivered(Map<UUID, Long> counts, long deadlineNanos) throws InterruptedException {
            return vr.queue().awaitDelivered(counts, deadlineNanos);
        }

        /**
         * Writes the VR's image: identity, fields (not transient ones), counters and queue.
         *
         * @throws IllegalStateException unless the VR is frozen at a safe point (or not started)
         */
        public void writeImage(OutputStream out) throws IOException {
            SafePoint.State s = vr.queue().safePoint().state();
            if (!s.parked() && vr.started()) {
                throw new IllegalStateException(vr + " is not frozen at a safe point; its image would be torn");
            }
            VrImage.write(vr, out);
        }

        /** Starts a VR made by {@link #install}. */
        public void start() {
            vr.start();
        }

        /** Forgets a VR made by {@link #install} that will not be started (a restore that failed elsewhere). */
        public void discard() {
            if (vr.started()) throw new IllegalStateException(vr + " runs already");
            node.unregister(vr);
        }

        /** Moves this VR to {@code vm} while peers keep sending to it; returns its id there. */
        public VrId moveTo(String vm, Duration timeout) {
            return node.move(vr, vm, timeout);
        }

        @Override public String toString() {
            return vr.toString();
        }
    }
}
