package dev.river.core;

import dev.river.sfm.Codec;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This VM's Control: sends requests to other VMs' Controls and matches their replies, and serves
 * theirs: creating VRs (deploy) and shipping their code, status, allocation, install, stop and tasks.
 *
 * <p>Threads: requests are served on the control pool ("river-control"), never on a reader thread,
 * as serving may block on class fetches; replies are matched on reader threads. Shared tables are
 * concurrent maps.
 */
final class ControlService {
    // Logs under Node's name: log configurations that name it keep working.
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final Node node;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<UUID, Object> codeSources = new ConcurrentHashMap<>();      // ClassSource or Control.Forward
    private final Map<ClassSource, UUID> refsBySource = new java.util.IdentityHashMap<>();   // guarded by itself
    private final Map<String, CompletableFuture<byte[]>> codeCache = new ConcurrentHashMap<>();

    /** A request waiting for its reply, and where it went (so a lost VM fails its requests at once). */
    private record Pending(String vm, CompletableFuture<byte[]> reply) {}

    /** Must not read {@code node}'s fields yet: it is built before the node has finished constructing. */
    ControlService(Node node) {
        this.node = node;
    }

    // ---------------------------------------------------------------- requests to other VMs

    /** Sends a request to the Control of {@code vm} and waits for the answer. */
    Object request(String vm, Object req) {
        try {
            return requestAsync(vm, req, Node.REQUEST_TIMEOUT).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for VM " + vm + " to answer " + Control.describe(req), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RiverException re) throw re;
            throw new RiverException(e.getCause().getMessage(), e.getCause());
        }
    }

    CompletableFuture<Object> requestAsync(String vm, Object req, Duration timeout) {
        if (vm.equals(node.address)) {
            return CompletableFuture.supplyAsync(() -> handle(req), node.control);
        }
        if (node.lostVms.contains(vm) && !(req instanceof Control.Status)) {
            return CompletableFuture.failedFuture(new RiverException("VM " + vm + " is gone (discovery dropped it); "
                    + Control.describe(req) + " was not sent. Call discover() for the VMs that are alive"));
        }
        long id = requestIds.incrementAndGet();
        CompletableFuture<byte[]> raw = new CompletableFuture<>();
        pending.put(id, new Pending(vm, raw));
        node.router.post(vm, Proto.REQ, id, Proto.nil(), Proto.nil(), Codec.encode(req, node.engineLoader), List.of());
        return raw.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((bytes, err) -> {
            pending.remove(id);
            if (err != null) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                if (cause instanceof TimeoutException) {
                    LOG.log(System.Logger.Level.WARNING, "no answer to " + Control.describe(req) + " #" + id + " from " + vm
                            + "; " + node.transport.describe(vm));
                    throw new RiverException("VM " + vm + " did not answer " + Control.describe(req) + " within "
                            + timeout.toMillis() + " ms; it may have stopped or be unreachable. Check `river status`", cause);
                }
                if (cause instanceof RiverException re) throw re;
                throw new RiverException(Control.describe(req) + " to " + vm + " failed: " + cause, cause);
            }
            Control.Reply reply = (Control.Reply) Codec.decode(bytes, node.engineLoader);
            if (reply.error() != null) throw reply.error();
            return reply.value();
        });
    }

    /** A REPLY frame arrived (on a reader thread): completes its request, unless that timed out already. */
    void replied(long reqId, byte[] body) {
        Pending p = pending.remove(reqId);
        if (p != null) p.reply().complete(body);
    }

    void failPending(String vm, String why) {
        pending.values().removeIf(p -> {
            if (!p.vm().equals(vm)) return false;
            p.reply().completeExceptionally(new RiverException(why));
            return true;
        });
    }

    // ---------------------------------------------------------------- serving requests

    void serve(Proto.Header h, byte[] body) {
        Control.Reply reply;
        try {
            Object req = Codec.decode(body, node.engineLoader);
            reply = new Control.Reply(handle(req), null);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError) LOG.log(System.Logger.Level.ERROR, "serving a request", t);
            reply = new Control.Reply(null, RemoteVrException.of(t, null, "VM " + node.name));
        }
        byte[] bytes;
        try {
            bytes = Codec.encode(reply, node.engineLoader);
        } catch (RuntimeException e) {
            bytes = Codec.encode(new Control.Reply(null, RemoteVrException.of(e, null, "VM " + node.name + " could not encode its answer")), node.engineLoader);
        }
        node.router.post(h.srcVm(), Proto.REPLY, h.reqId(), Proto.nil(), node.id, bytes, List.of());
    }

    private Object handle(Object req) {
        if (req instanceof Control.Deploy d) return deployHere(d);
        if (req instanceof Control.Fetch f) return serveCode(f.codeRef(), f.path());
        if (req instanceof Control.Status) {
            List<VmInfo> out = new ArrayList<>();
            if (node.config.announce()) out.add(node.info());
            out.addAll(node.discovery.snapshot());
            return out;
        }
        if (req instanceof Control.Allocate a) return node.allocate(a);
        if (req instanceof Control.Push p) {
            p.files().forEach((path, bytes) -> codeCache.put(codeKey(p.codeVm(), p.codeRef(), path), CompletableFuture.completedFuture(bytes)));
            return p.files().size();
        }
        if (req instanceof Control.Route r) {
            node.router.learnRoute(r.vr(), r.vm());
            return true;
        }
        if (req instanceof Control.Install i) {
            VirtualResource vr = node.install(new java.io.ByteArrayInputStream(i.image()), i.codeVm(), i.codeRef(), null, null);
            vr.start();
            return vr.uuid();
        }
        if (req instanceof VmTask<?> t) {
            try {
                return t.run(new VmContext(node));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RiverException(e.getMessage(), e);
            }
        }
        if (req instanceof Control.Stop s) {
            VirtualResource vr = node.localVr(s.vr());
            if (vr != null) vr.interruptThreads();
            return vr != null;
        }
        throw new IllegalArgumentException("unknown request " + req.getClass().getName());
    }

    // ---------------------------------------------------------------- creation and code shipping

    private VrId deployHere(Control.Deploy d) {
        VrClassLoader loader = new VrClassLoader(node, d.codeVm(), d.codeRef(), node.engineLoader);
        Class<?> c;
        try {
            c = Class.forName(d.className(), false, loader);
        } catch (ClassNotFoundException e) {
            throw new RiverException("cannot load VR class " + d.className() + " on VM " + node.name + ": " + e.getMessage(), e);
        }
        if (!VirtualResource.class.isAssignableFrom(c)) {
            throw new RiverException(d.className() + " does not extend dev.river.core.VirtualResource");
        }
        VirtualResource vr = instantiate(c.asSubclass(VirtualResource.class));
        Object[] args = d.args() == null ? new Object[0] : (Object[]) Codec.decode(d.args(), loader);
        UUID codeRef = UUID.randomUUID();
        codeSources.put(codeRef, new Control.Forward(d.codeVm(), d.codeRef()));
        VrId self = new VrId(d.vr(), node.address);
        vr.bind(node, self, d.parent(), d.app(), args, loader, codeRef);
        node.register(vr);
        vr.start();
        return self;
    }

    static <T extends VirtualResource> T instantiate(Class<T> c) {
        try {
            Constructor<T> k = c.getDeclaredConstructor();
            k.setAccessible(true);
            return k.newInstance();
        } catch (NoSuchMethodException e) {
            throw new RiverException(c.getName() + " needs a constructor without arguments (pass data with deploy's args)", e);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RiverException("creating " + c.getName() + " failed: " + cause, cause);
        }
    }

    /**
     * The code ref engines fetch {@code source}'s classes under. One source registered by several VRs
     * (a kernel's drivers, successive Trickle sessions) keeps one ref, so classes engines cached or were
     * injected with serve them all.
     */
    UUID registerCode(ClassSource source) {
        synchronized (refsBySource) {
            UUID ref = refsBySource.get(source);
            if (ref == null) {
                ref = UUID.randomUUID();
                refsBySource.put(source, ref);
                codeSources.put(ref, source);
            }
            return ref;
        }
    }

    /** A code source that forwards to {@code vm}/{@code ref}, for a VR whose own children fetch through this VM. */
    UUID registerForward(String vm, UUID ref) {
        UUID own = UUID.randomUUID();
        codeSources.put(own, new Control.Forward(vm, ref));
        return own;
    }

    /** Bytes of a shipped class or resource from code source {@code ref} on {@code vm}; null if it has none. */
    byte[] fetchCode(String vm, UUID ref, String path) {
        if (vm.equals(node.address)) return serveCode(ref, path);
        String key = codeKey(vm, ref, path);
        CompletableFuture<byte[]> f = codeCache.computeIfAbsent(key, k ->
                requestAsync(vm, new Control.Fetch(ref, path), Node.REQUEST_TIMEOUT).thenApply(v -> (byte[]) v));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while fetching " + path + " from " + vm, e);
        } catch (ExecutionException e) {
            codeCache.remove(key, f);   // a failed fetch may be retried
            Throwable c = e.getCause();
            throw c instanceof RiverException re ? re : new RiverException("fetching " + path + " from " + vm + " failed: " + c, c);
        }
    }

    private byte[] serveCode(UUID ref, String path) {
        Object src = codeSources.get(ref);
        if (src instanceof ClassSource cs) return cs.find(path);
        if (src instanceof Control.Forward fw) return fetchCode(fw.vm(), fw.ref(), path);
        throw new RiverException("VM " + node.name + " has no code source " + ref + " (the VR that deployed this code has gone?)");
    }

    void push(String vm, String codeVm, UUID codeRef, Map<String, byte[]> files) {
        request(vm, new Control.Push(codeVm, codeRef, files));
    }

    private static String codeKey(String vm, UUID ref, String path) {
        return vm + "|" + ref + "|" + path;
    }
}
