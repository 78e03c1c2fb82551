package dev.river.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Kernel plumbing, public only because JShell's engine calls it reflectively: it runs on JShell's
 * snippet thread in place of a snippet's {@code do_it$} method, calls that method, and keeps the value
 * it returns as an object (JShell itself keeps only a string). Exceptions pass through unwrapped, so
 * JShell reports them as it would. Not for use in cells.
 */
public final class SnippetTrampoline {
    /** The invocation in progress; the snippet thread JShell starts inherits it from the JShell thread. */
    static final InheritableThreadLocal<Invocation> CURRENT = new InheritableThreadLocal<>();
    static final Method METHOD;

    static {
        try {
            METHOD = SnippetTrampoline.class.getMethod("run");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SnippetTrampoline() {}

    /** One snippet run: the method to call, the thread running it, the value it returned. */
    static final class Invocation {
        final Method doit;
        volatile Thread thread;
        volatile Object value;

        Invocation(Method doit) {
            this.doit = doit;
        }
    }

    /** Runs the current snippet; called by JShell's engine, on the snippet thread. */
    public static Object run() throws Throwable {
        Invocation inv = CURRENT.get();
        if (inv == null) throw new IllegalStateException("SnippetTrampoline.run is called by the kernel's JShell engine only");
        inv.thread = Thread.currentThread();
        try {
            Object v = inv.doit.invoke(null);
            inv.value = v;
            return v;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
