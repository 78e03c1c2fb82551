package dev.river.rai;

import dev.river.core.Message;
import dev.river.core.RemoteVrException;
import dev.river.core.VirtualResource;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The VR that holds one remote object on an engine. Calls run on its main thread, one at a time in
 * the order they arrive (per caller), so the object needs no locking of its own.
 *
 * <p>Deploy arguments: creation id (long), class name, restricted (boolean), constructor arguments
 * (Object[]). Messages: see {@link RaiClient}.
 */
final class ObjectHost extends VirtualResource {
    private transient Object target;
    private transient boolean restricted;

    @Override
    protected void main() throws Exception {
        long creation = arg(0);
        String className = arg(1);
        restricted = arg(2);
        Object[] ctorArgs = arg(3);
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            Overloads.Choice<Constructor<?>> c = Overloads.constructor(type, ctorArgs);
            Overloads.makeCallable(c.target());
            target = c.target().newInstance(c.args());
        } catch (Throwable t) {
            reply(parent(), creation, null, t instanceof InvocationTargetException ite ? ite.getCause() : t,
                    !(t instanceof InvocationTargetException));
            return;
        }
        reply(parent(), creation, null, null, false);
        while (true) {
            Message m = recv(RaiClient.OP, RaiClient.ANY_OP);
            long id = m.getLong("id");
            String op = m.getString(RaiClient.OP);
            if (RaiClient.CLOSE.equals(op)) {
                Throwable err = null;
                try {
                    if (target instanceof AutoCloseable c) c.close();
                } catch (Throwable t) {
                    err = t;
                }
                reply(m.src(), id, null, err, false);
                return;
            }
            invoke(m, id);
        }
    }

    private void invoke(Message m, long id) {
        String name = m.getString("m");
        Object[] args = m.get("a");
        String[] sig = m.get("sig");
        Method method;
        Object[] callArgs;
        try {
            method = sig == null ? null : Overloads.exact(target.getClass(), name, types(sig));
            if (method != null && !exported(method)) {
                throw new SecurityException(target.getClass().getSimpleName() + "." + Overloads.signature(method)
                        + " is not exported: this remote object is restricted to methods marked @Exported");
            }
            if (method != null) {
                callArgs = args;
            } else {
                Overloads.Choice<Method> c = Overloads.method(target.getClass(), name, args, this::exported);
                method = c.target();
                callArgs = c.args();
            }
            Overloads.makeCallable(method);
        } catch (RuntimeException | ClassNotFoundException e) {
            reply(m.src(), id, null, e, true);
            return;
        }
        Object result;
        try {
            result = method.invoke(target, callArgs);
        } catch (InvocationTargetException e) {
            reply(m.src(), id, null, e.getCause(), false);
            return;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            reply(m.src(), id, null, e, true);
            return;
        }
        reply(m.src(), id, result, null, false);
    }

    private boolean exported(Method m) {
        if (!restricted) return true;
        if (m.isAnnotationPresent(Exported.class)) return true;
        if (m.getDeclaringClass().isAnnotationPresent(Exported.class)) return true;
        // an override of an exported method stays exported
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            if (declaresExported(c, m)) return true;
            for (Class<?> i : c.getInterfaces()) if (declaresExported(i, m)) return true;
        }
        return false;
    }

    private static boolean declaresExported(Class<?> c, Method m) {
        try {
            Method d = c.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return d.isAnnotationPresent(Exported.class) || c.isAnnotationPresent(Exported.class);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Class<?>[] types(String[] names) throws ClassNotFoundException {
        Class<?>[] out = new Class<?>[names.length];
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        for (int i = 0; i < names.length; i++) {
            out[i] = switch (names[i]) {
                case "int" -> int.class;
                case "long" -> long.class;
                case "double" -> double.class;
                case "float" -> float.class;
                case "short" -> short.class;
                case "byte" -> byte.class;
                case "char" -> char.class;
                case "boolean" -> boolean.class;
                default -> Class.forName(names[i], false, l);
            };
        }
        return out;
    }

    /** Answers a call: its value, or its error ({@code refused}: the call was not made, e.g. no such method). */
    private void reply(dev.river.core.VrId to, long id, Object value, Throwable error, boolean refused) {
        if (error == null) {
            try {
                send(to, RaiClient.OP, RaiClient.RETURN, "id", id, "v", value);
                return;
            } catch (IllegalArgumentException e) {
                error = new IllegalArgumentException("the result (" + value.getClass().getName() + ") cannot be sent back: " + e.getMessage(), e);
                refused = false;
            }
        }
        if (!refused) trim(error);
        RemoteVrException remote = RemoteVrException.of(error, uuid(), refused ? "refused" : "on engine " + vm().name());
        send(to, RaiClient.OP, RaiClient.RETURN, "id", id, "e", remote, "refused", refused);
    }

    /** Drops the reflection and River frames under the user's method from the trace sent back. */
    private static void trim(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            StackTraceElement[] st = c.getStackTrace();
            int keep = st.length;
            for (int i = 0; i < st.length; i++) {
                String cls = st[i].getClassName();
                if (cls.startsWith("jdk.internal.reflect.") || cls.equals("java.lang.reflect.Method") || cls.equals(ObjectHost.class.getName())) {
                    keep = i;
                    break;
                }
            }
            if (keep < st.length) c.setStackTrace(Arrays.copyOf(st, keep));
        }
    }
}
