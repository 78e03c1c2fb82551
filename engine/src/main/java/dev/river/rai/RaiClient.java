package dev.river.rai;

import dev.river.core.ClassSource;
import dev.river.core.Message;
import dev.river.core.RemoteVrException;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The caller's side of RAI: one driver VR per class loader (so arguments and results decode in the
 * caller's classes), and one receiver thread that completes each call's future from its answer.
 *
 * <pre>
 * caller -> host   rai=call  id m:String a:Object[] [sig:String[]]   |   rai=close id
 * host -> caller   rai=ret   id (v:any | e:RemoteVrException refused:boolean)
 * </pre>
 *
 * <p>Threads: any caller thread sends and registers its pending call; the receiver thread
 * ("river-rai-...") completes them; discovery's thread fails the calls of an engine that is lost.
 * The pending table is a concurrent map.
 */
final class RaiClient {
    static final String OP = "rai";
    static final String CALL = "call", CLOSE = "close", RETURN = "ret";
    static final Predicate<String> ANY_OP = op -> CALL.equals(op) || CLOSE.equals(op);

    private static final Map<ClassLoader, RaiClient> CLIENTS = new WeakHashMap<>();

    final VirtualResource driver;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(CompletableFuture<Object> future, VrId host, String what) {}

    private RaiClient(ClassLoader loader) {
        driver = River.attach("rai", ClassSource.of(loader), loader);
        River.onEngineLost(this::engineLost);
        Thread t = new Thread(this::receive, "river-rai-" + driver.uuid().uuid().toString().substring(0, 8));
        t.setDaemon(true);
        t.start();
    }

    /** The client whose code and decoding use {@code loader}. */
    static RaiClient forLoader(ClassLoader loader) {
        synchronized (CLIENTS) {
            return CLIENTS.computeIfAbsent(loader, RaiClient::new);
        }
    }

    long newId() {
        return ids.incrementAndGet();
    }

    /** Registers call {@code id} to {@code host}; the future completes with its answer. */
    CompletableFuture<Object> expect(long id, VrId host, String what) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.put(id, new Pending(f, host, what));
        return f;
    }

    /** Names the host of a call registered before the host existed (creation). */
    void rebind(long id, VrId host) {
        pending.computeIfPresent(id, (k, p) -> new Pending(p.future, host, p.what));
    }

    void forget(long id) {
        pending.remove(id);
    }

    /** Sends a request registered with {@link #expect}; a send that fails fails its future. */
    void send(long id, VrId host, Object... attrs) {
        try {
            driver.send(host, attrs);
        } catch (RuntimeException e) {
            Pending p = pending.remove(id);
            if (p != null) p.future.completeExceptionally(e instanceof UndeliverableException
                    ? new RiverException(p.what + ": the remote object is gone (" + e.getMessage() + ")", e) : e);
        }
    }

    private void receive() {
        while (true) {
            Message m;
            try {
                m = driver.recv(OP, RETURN);
            } catch (RemoteVrException e) {
                failHost(e.vr(), "its host failed: " + e.getMessage());
                continue;
            } catch (RiverException e) {
                System.getLogger(RaiClient.class.getName()).log(System.Logger.Level.DEBUG, "RAI: " + e.getMessage());
                continue;
            }
            Pending p = pending.remove(m.getLong("id"));
            if (p == null) continue;
            RemoteVrException err = m.get("e");
            if (err == null) {
                p.future.complete(m.get("v"));
            } else if (Boolean.TRUE.equals(m.get("refused"))) {
                p.future.completeExceptionally(refusal(err));
            } else {
                p.future.completeExceptionally(err);
            }
        }
    }

    /** A call the host did not make (no such method, ambiguous, not exported), as the caller's own exception. */
    private static RuntimeException refusal(RemoteVrException e) {
        String msg = e.remoteMessage();
        return switch (e.remoteClassName()) {
            case "java.lang.SecurityException" -> new SecurityException(msg);
            case "java.lang.IllegalArgumentException" -> new IllegalArgumentException(msg);
            default -> new IllegalArgumentException(e.remoteClassName() + ": " + msg, e);
        };
    }

    private void engineLost(VmInfo vm) {
        pending.forEach((id, p) -> {
            if (p.host != null && p.host.vm().equals(vm.address()) && pending.remove(id, p)) {
                p.future.completeExceptionally(new RiverException(p.what + ": the engine " + vm.name() + " (" + vm.address()
                        + ") holding the remote object was lost; the object is gone"));
            }
        });
    }

    private void failHost(VrId host, String why) {
        pending.forEach((id, p) -> {
            if (host != null && host.equals(p.host) && pending.remove(id, p)) p.future.completeExceptionally(new RiverException(p.what + ": " + why));
        });
    }
}
