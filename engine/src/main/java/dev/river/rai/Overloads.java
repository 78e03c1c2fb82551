package dev.river.rai;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Chooses the method (or constructor) a by-name call means, from the run-time arguments, the way
 * javac chooses an overload (JLS 15.12.2): first without boxing or varargs, then with boxing, then
 * with varargs; among the applicable ones the most specific wins, and two equally specific ones are
 * refused as ambiguous. A boxed argument counts as its primitive (as the literal {@code 1} in
 * {@code call("add", 1, 2)} would), and null fits any reference parameter.
 *
 * <p>Internal to RAI; runs on the engine that hosts the object.
 */
final class Overloads {
    private Overloads() {}

    /** The chosen executable and the arguments to invoke it with (varargs packed into their array). */
    record Choice<E extends Executable>(E target, Object[] args) {}

    private static final Map<Class<?>, Class<?>> PRIMITIVE_OF = Map.of(
            Integer.class, int.class, Long.class, long.class, Double.class, double.class, Float.class, float.class,
            Short.class, short.class, Byte.class, byte.class, Character.class, char.class, Boolean.class, boolean.class);
    private static final List<String> NOT_CALLABLE = List.of("getClass", "wait", "notify", "notifyAll");

    /** Public methods of {@code type} named {@code name} that {@code visible} admits; throws when none fits. */
    static Choice<Method> method(Class<?> type, String name, Object[] args, Predicate<Method> visible) {
        List<Method> named = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && !m.isBridge() && !m.isSynthetic() && !NOT_CALLABLE.contains(name)) named.add(m);
        }
        if (named.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no public method named '" + name + "'; its methods: "
                    + names(type, visible));
        }
        List<Method> allowed = new ArrayList<>();
        for (Method m : named) if (visible.test(m)) allowed.add(m);
        if (allowed.isEmpty()) {
            throw new SecurityException(type.getSimpleName() + "." + name + " is not exported: this remote object is"
                    + " restricted to methods marked @Exported (exported: " + names(type, visible) + ")");
        }
        Choice<Method> c = choose(allowed, args, type.getSimpleName() + "." + name);
        if (c == null) {
            String hidden = allowed.size() < named.size() ? " (non-exported overloads were not considered)" : "";
            throw new IllegalArgumentException("no method " + type.getSimpleName() + "." + name + " accepts ("
                    + describe(args) + "); candidates: " + signatures(allowed) + hidden);
        }
        return c;
    }

    /** The public constructor of {@code type} that the arguments select. */
    @SuppressWarnings("unchecked")
    static Choice<Constructor<?>> constructor(Class<?> type, Object[] args) {
        List<Constructor<?>> all = new ArrayList<>(Arrays.asList(type.getConstructors()));
        if (all.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no public constructor; make one public to create it remotely");
        }
        Choice<Constructor<?>> c = choose(all, args, "new " + type.getSimpleName());
        if (c == null) {
            throw new IllegalArgumentException("no constructor of " + type.getSimpleName() + " accepts (" + describe(args)
                    + "); candidates: " + signatures(all));
        }
        return c;
    }

    /** The executable a typed proxy call names exactly, or null (the class does not declare that signature). */
    static Method exact(Class<?> type, String name, Class<?>[] params) {
        try {
            Method m = type.getMethod(name, params);
            return NOT_CALLABLE.contains(name) ? null : m;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    static void makeCallable(Executable e) {
        if (!Modifier.isPublic(e.getDeclaringClass().getModifiers())) e.setAccessible(true);
    }

    // ---------------------------------------------------------------- resolution

    private static <E extends Executable> Choice<E> choose(List<E> candidates, Object[] args, String what) {
        for (int phase = 1; phase <= 3; phase++) {
            List<E> applicable = new ArrayList<>();
            for (E e : candidates) if (applicable(e, args, phase)) applicable.add(e);
            if (applicable.isEmpty()) continue;
            List<E> best = mostSpecific(applicable, args.length, phase == 3);
            if (best.size() > 1) {
                throw new IllegalArgumentException("the call " + what + "(" + describe(args) + ") is ambiguous: "
                        + signatures(best) + " all match equally well; pass arguments of the exact types, or call through a typed proxy (as(Interface.class))");
            }
            E chosen = best.get(0);
            return new Choice<>(chosen, phase == 3 ? packVarargs(chosen, args) : args);
        }
        return null;
    }

    private static boolean applicable(Executable e, Object[] args, int phase) {
        Class<?>[] p = e.getParameterTypes();
        if (phase < 3) {
            if (p.length != args.length) return false;
            for (int i = 0; i < p.length; i++) if (!converts(args[i], p[i], phase == 2)) return false;
            return true;
        }
        if (!e.isVarArgs() || args.length < p.length - 1) return false;
        for (int i = 0; i < p.length - 1; i++) if (!converts(args[i], p[i], true)) return false;
        Class<?> component = p[p.length - 1].getComponentType();
        for (int i = p.length - 1; i < args.length; i++) if (!converts(args[i], component, true)) return false;
        return true;
    }

    /** Whether an argument converts to a parameter type: strictly (phase 1) or with boxing (loose). */
    private static boolean converts(Object arg, Class<?> param, boolean loose) {
        if (arg == null) return !param.isPrimitive();
        Class<?> prim = PRIMITIVE_OF.get(arg.getClass());
        if (prim != null) {
            if (param.isPrimitive()) return widens(prim, param);
            return loose && param.isInstance(arg);          // boxing, then widening reference
        }
        return !param.isPrimitive() && param.isInstance(arg);
    }

    /** Identity or widening primitive conversion (JLS 5.1.2). */
    private static boolean widens(Class<?> from, Class<?> to) {
        if (from == to) return true;
        if (from == boolean.class || to == boolean.class) return false;
        return rank(to) > rank(from) && !(to == char.class) && !(from == char.class && (to == short.class || to == byte.class));
    }

    private static int rank(Class<?> c) {
        if (c == byte.class) return 1;
        if (c == short.class || c == char.class) return 2;
        if (c == int.class) return 3;
        if (c == long.class) return 4;
        if (c == float.class) return 5;
        if (c == double.class) return 6;
        return 0;
    }

    /** The maximally specific candidates (JLS 15.12.2.5); the same signature seen twice counts once. */
    private static <E extends Executable> List<E> mostSpecific(List<E> applicable, int argc, boolean varargs) {
        List<E> best = new ArrayList<>();
        for (E m : applicable) {
            boolean dominated = false;
            for (E o : applicable) {
                if (o != m && moreSpecific(o, m, argc, varargs) && !moreSpecific(m, o, argc, varargs)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated && best.stream().noneMatch(b -> Arrays.equals(b.getParameterTypes(), m.getParameterTypes()))) best.add(m);
        }
        return best;
    }

    private static boolean moreSpecific(Executable a, Executable b, int argc, boolean varargs) {
        for (int i = 0; i < argc || (!varargs && i < a.getParameterCount()); i++) {
            Class<?> s = type(a, i, varargs);
            Class<?> t = type(b, i, varargs);
            if (!subtype(s, t)) return false;
        }
        if (varargs && argc < Math.max(a.getParameterCount(), b.getParameterCount())) {
            return subtype(type(a, argc, true), type(b, argc, true));
        }
        return true;
    }

    private static Class<?> type(Executable e, int i, boolean varargs) {
        Class<?>[] p = e.getParameterTypes();
        if (varargs && i >= p.length - 1) return p[p.length - 1].getComponentType();
        return p[i];
    }

    private static boolean subtype(Class<?> s, Class<?> t) {
        if (s.isPrimitive() && t.isPrimitive()) return widens(s, t);
        if (s.isPrimitive() || t.isPrimitive()) return false;
        return t.isAssignableFrom(s);
    }

    private static Object[] packVarargs(Executable e, Object[] args) {
        Class<?>[] p = e.getParameterTypes();
        int fixed = p.length - 1;
        Object rest = Array.newInstance(p[fixed].getComponentType(), args.length - fixed);
        for (int i = fixed; i < args.length; i++) Array.set(rest, i - fixed, args[i]);
        Object[] out = Arrays.copyOf(args, p.length);
        out[fixed] = rest;
        return out;
    }

    // ---------------------------------------------------------------- messages

    static String describe(Object[] args) {
        StringJoiner j = new StringJoiner(", ");
        for (Object a : args) j.add(a == null ? "null" : PRIMITIVE_OF.containsKey(a.getClass())
                ? PRIMITIVE_OF.get(a.getClass()).getName() : a.getClass().getSimpleName());
        return j.toString();
    }

    static String signature(Executable e) {
        StringJoiner j = new StringJoiner(", ", (e instanceof Constructor ? e.getDeclaringClass().getSimpleName() : e.getName()) + "(", ")");
        Class<?>[] p = e.getParameterTypes();
        for (int i = 0; i < p.length; i++) {
            j.add(e.isVarArgs() && i == p.length - 1 ? p[i].getComponentType().getSimpleName() + "..." : p[i].getSimpleName());
        }
        return j.toString();
    }

    private static String signatures(List<? extends Executable> es) {
        StringJoiner j = new StringJoiner(", ");
        for (Executable e : es) j.add(signature(e));
        return j.toString();
    }

    private static String names(Class<?> type, Predicate<Method> visible) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || m.isBridge() || !visible.test(m)) continue;
            out.add(signature(m));
        }
        out.sort(null);
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
