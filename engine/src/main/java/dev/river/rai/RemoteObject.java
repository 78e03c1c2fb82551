package dev.river.rai;

import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.VmInfo;
import dev.river.core.VrId;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Remote Access and Invocation (RAI): an object created on an engine, and called from here by method
 * name, asynchronously, or through a typed proxy. Its class reaches the engine by code shipping.
 *
 * <pre>{@code
 * VmInfo vm = River.attach("me").discover().get(0);
 * try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
 *     int six = calc.call("add", 1, 2, 3);                        // overloads chosen as javac would
 *     CompletableFuture<Integer> f = calc.callAsync("mul", 6, 7);
 *     CalculatorApi api = calc.as(CalculatorApi.class);           // typed proxy
 *     System.out.println(api.add(1, 2, 3) + f.join());
 * }
 * try (RemoteObject safe = RemoteObject.createRestricted(vm, Calculator.class)) {
 *     safe.call("reset");   // SecurityException unless reset is marked @Exported
 * }
 * }</pre>
 *
 * <p>The object lives in a VR of its own on the engine; its calls run one at a time, in the order each
 * caller sent them. Arguments and results travel by value (Kryo). An exception thrown by the method
 * reaches the caller as a {@link RemoteVrException} with the remote stack trace; a call that cannot be
 * made (no such method, ambiguous overload, not exported) throws {@link IllegalArgumentException} or
 * {@link SecurityException} here. If the engine dies, pending and later calls fail with a
 * {@link RiverException} saying so. Thread-safe.
 */
public final class RemoteObject implements AutoCloseable {
    private final RaiClient client;
    private final VrId host;
    private final VmInfo vm;
    private final Class<?> type;
    private final boolean restricted;
    private volatile boolean closed;

    private RemoteObject(RaiClient client, VrId host, VmInfo vm, Class<?> type, boolean restricted) {
        this.client = client;
        this.host = host;
        this.vm = vm;
        this.type = type;
        this.restricted = restricted;
    }

    /** Creates a {@code type} on {@code vm} with the constructor the arguments select; any public method may be called. */
    public static RemoteObject create(VmInfo vm, Class<?> type, Object... ctorArgs) {
        return make(vm, type, false, ctorArgs);
    }

    /** As {@link #create}, but only methods marked {@link Exported} may be called; others are refused. */
    public static RemoteObject createRestricted(VmInfo vm, Class<?> type, Object... ctorArgs) {
        return make(vm, type, true, ctorArgs);
    }

    private static RemoteObject make(VmInfo vm, Class<?> type, boolean restricted, Object[] ctorArgs) {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(type, "type");
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException(type.getName() + " is " + (type.isInterface() ? "an interface" : "abstract")
                    + "; RAI creates instances of concrete classes");
        }
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = RemoteObject.class.getClassLoader();
        RaiClient client = RaiClient.forLoader(loader);
        long id = client.newId();
        String what = "creating " + type.getSimpleName() + " on " + vm.name();
        VrId host;
        CompletableFuture<Object> ready;
        try {
            // register before deploying: the host answers as soon as its constructor has run
            ready = client.expect(id, null, what);
            host = client.driver.deploy(vm, ObjectHost.class, id, type.getName(), restricted, ctorArgs == null ? new Object[]{null} : ctorArgs);
        } catch (RuntimeException e) {
            client.forget(id);
            throw new RiverException(what + " failed: " + e.getMessage(), e);
        }
        client.rebind(id, host);
        await(ready, what);
        return new RemoteObject(client, host, vm, type, restricted);
    }

    /**
     * Calls {@code method} with {@code args} and waits for its result. Boxed numbers count as their
     * primitive types when choosing the overload; pass {@code (Object) null} for a single null argument.
     *
     * @throws RemoteVrException what the method threw, with the remote stack trace
     * @throws IllegalArgumentException no method accepts these arguments, or the overload is ambiguous
     * @throws SecurityException on a restricted object, the method is not exported
     */
    @SuppressWarnings("unchecked")
    public <T> T call(String method, Object... args) {
        return (T) await(send(method, args, null), type.getSimpleName() + "." + method);
    }

    /** Calls {@code method} without waiting; the future fails as {@link #call} would throw. */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> callAsync(String method, Object... args) {
        return (CompletableFuture<T>) send(method, args, null);
    }

    /**
     * A typed view: calls on the proxy go to the remote object's method of the same name and
     * parameter types (or, if the class has none, to the overload the arguments select). Methods
     * returning {@link CompletableFuture} are asynchronous.
     */
    public <I> I as(Class<I> api) {
        if (!api.isInterface()) throw new IllegalArgumentException("as: " + api.getName() + " is not an interface");
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) return objectMethod(proxy, m, args);
            Object[] a = args == null ? new Object[0] : args;
            Class<?>[] p = m.getParameterTypes();
            String[] sig = new String[p.length];
            for (int i = 0; i < p.length; i++) sig[i] = p[i].getName();
            CompletableFuture<Object> f = send(m.getName(), a, sig);
            if (m.getReturnType() == CompletableFuture.class) return f;
            return await(f, api.getSimpleName() + "." + m.getName());
        };
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[]{api}, h));
    }

    private Object objectMethod(Object proxy, Method m, Object[] args) {
        return switch (m.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "proxy of " + this;
        };
    }

    private CompletableFuture<Object> send(String method, Object[] args, String[] sig) {
        Objects.requireNonNull(method, "method");
        if (closed) throw new IllegalStateException("this remote " + type.getSimpleName() + " was closed");
        Object[] a = args == null ? new Object[]{null} : args;
        long id = client.newId();
        CompletableFuture<Object> f = client.expect(id, host, type.getSimpleName() + "." + method);
        if (sig == null) {
            client.send(id, host, RaiClient.OP, RaiClient.CALL, "id", id, "m", method, "a", a);
        } else {
            client.send(id, host, RaiClient.OP, RaiClient.CALL, "id", id, "m", method, "a", a, "sig", sig);
        }
        return f;
    }

    private static Object await(CompletableFuture<Object> f, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RiverException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw new RiverException(what + " failed: " + c, c);
        }
    }

    /** The engine the object lives on. */
    public VmInfo vm() {
        return vm;
    }

    /** The object's class. */
    public Class<?> type() {
        return type;
    }

    /** Whether only {@link Exported} methods may be called. */
    public boolean isRestricted() {
        return restricted;
    }

    /** Releases the remote object: calls its {@code close()} if it is AutoCloseable, then ends its VR. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        long id = client.newId();
        CompletableFuture<Object> f = client.expect(id, host, "closing the remote " + type.getSimpleName());
        client.send(id, host, RaiClient.OP, RaiClient.CLOSE, "id", id);
        await(f, "closing the remote " + type.getSimpleName());
    }

    @Override public String toString() {
        return "RemoteObject[" + type.getSimpleName() + " on " + vm.name() + (restricted ? ", restricted" : "") + (closed ? ", closed" : "") + "]";
    }
}
