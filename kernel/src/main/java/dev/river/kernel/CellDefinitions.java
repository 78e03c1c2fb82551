package dev.river.kernel;

import dev.river.magics.MagicException;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looking up what a notebook name means, for magics: a cell method's return type, a cell method or
 * an expression as a functional interface, and the compiled classes behind a definition (for
 * shipping them to engines). It is kept apart from {@link JavaCells} because it reads JShell's
 * declarations and the captured class names rather than running cells; {@link JavaCells} creates
 * it with its own JShell and lock and delegates to it; the captured classes and their loader are
 * read through {@link JavaCells#classes()} and {@link JavaCells#loader()}.
 *
 * <p>Threads: {@code lock} is the owning {@link JavaCells}' lock; every use of {@code jshell} here
 * holds it, as in {@link JavaCells}.
 */
final class CellDefinitions {
    private static final Pattern WRAPPER = Pattern.compile("REPL\\.\\$JShell\\$\\d+[A-Z]*");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][\\w$]*");

    private final JavaCells cells;
    private final JShell jshell;
    private final Object lock;

    CellDefinitions(JavaCells cells, JShell jshell, Object lock) {
        this.cells = cells;
        this.jshell = jshell;
        this.lock = lock;
    }

    /** The declared return type of the cell method {@code name} with {@code arity} parameters, or null. */
    String returnType(String name, int arity) {
        synchronized (lock) {
            return jshell.methods().filter(m -> m.name().equals(name) && jshell.status(m).isDefined()
                            && splitTypes(m.parameterTypes()).size() == arity)
                    .map(m -> m.signature().substring(m.signature().lastIndexOf(')') + 1).strip())
                    .findFirst().orElse(null);
        }
    }

    /** {@code fn} as a {@code type}: a cell method taking {@code arity} arguments (wrapped in a lambda), or an expression. */
    <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) {
        String f = fn.strip();
        String iface = type.getCanonicalName();
        if (IDENT.matcher(f).matches()) {
            List<MethodSnippet> ms;
            synchronized (lock) {
                ms = jshell.methods().filter(m -> m.name().equals(f) && jshell.status(m).isDefined()
                        && splitTypes(m.parameterTypes()).size() == arity).toList();
            }
            if (ms.size() > 1) {
                throw new MagicException("several methods " + f + " take " + arity + " argument(s); pass a lambda that calls the one you mean");
            }
            if (ms.size() == 1) {
                List<String> types = splitTypes(ms.get(0).parameterTypes());
                StringBuilder params = new StringBuilder();
                StringBuilder args = new StringBuilder();
                for (int i = 0; i < arity; i++) {
                    if (i > 0) {
                        params.append(", ");
                        args.append(", ");
                    }
                    params.append("a").append(i);
                    args.append("(").append(types.get(i)).append(") a").append(i);
                }
                return type.cast(cells.evaluate("(" + iface + ") (" + params + ") -> " + f + "(" + args + ")"));
            }
        }
        Object v = null;
        try {
            v = cells.evaluate(f);
        } catch (MagicException notAnExpressionByItself) {
            // a lambda or method reference needs a target type: tried below
        }
        if (type.isInstance(v)) return type.cast(v);
        List<String> casts = new ArrayList<>(targetTypes);
        casts.add(iface);
        for (String target : casts) {
            try {
                return type.cast(cells.evaluate("(" + target + ") (" + f + ")"));
            } catch (MagicException | ClassCastException e) {
                // try the next target type
            }
        }
        throw new MagicException("'" + f + "' is neither a method defined in a cell that takes " + arity
                + " argument" + (arity == 1 ? "" : "s") + " nor an expression of type " + (targetTypes.isEmpty() ? type.getSimpleName() : targetTypes.get(0))
                + " (a lambda works too: x -> ...)");
    }

    /** Splits "List<String>, int" at top-level commas. */
    static List<String> splitTypes(String types) {
        List<String> out = new ArrayList<>();
        if (types.isBlank()) return out;
        int depth = 0;
        int start = 0;
        for (int i = 0; i < types.length(); i++) {
            char c = types.charAt(i);
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (c == ',' && depth == 0) {
                out.add(types.substring(start, i).strip());
                start = i + 1;
            }
        }
        out.add(types.substring(start).strip());
        return out;
    }

    /**
     * The classes holding the current definitions named {@code name}: a method's wrapper class (one per
     * overload), or a type with the wrapper it is nested in.
     */
    List<Class<?>> definitions(String name) {
        List<Snippet> active;
        synchronized (lock) {
            active = jshell.snippets().filter(s -> jshell.status(s).isActive() && name.equals(nameOf(s))).toList();
        }
        if (active.stream().anyMatch(s -> s instanceof VarSnippet)) {
            throw new MagicException(name + " is a variable: inject ships code (methods, classes, records), not values;"
                    + " pass values to tasks as arguments");
        }
        Set<Class<?>> out = new LinkedHashSet<>();
        long methods = active.stream().filter(s -> s instanceof MethodSnippet).count();
        boolean type = active.stream().anyMatch(s -> s instanceof TypeDeclSnippet);
        Map<String, Class<?>> overloads = new LinkedHashMap<>();
        for (String cn : cells.classes().newestFirst()) {
            if (type && cn.endsWith("$" + name) && WRAPPER.matcher(cn.substring(0, cn.length() - name.length() - 1)).matches()) {
                Class<?> k = load(cn);
                if (k.getEnclosingClass() != null) out.add(k.getEnclosingClass());
                out.add(k);
                type = false;
            }
            if (overloads.size() < methods && WRAPPER.matcher(cn).matches()) {
                Class<?> k = load(cn);
                for (Method m : k.getDeclaredMethods()) {
                    if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())) {
                        overloads.putIfAbsent(Arrays.toString(m.getParameterTypes()), k);
                    }
                }
            }
            if (!type && overloads.size() >= methods) break;
        }
        out.addAll(overloads.values());
        return List.copyOf(out);
    }

    private Class<?> load(String binaryName) {
        try {
            return Class.forName(binaryName, false, cells.loader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("captured class " + binaryName + " cannot be loaded", e);
        }
    }

    private static String nameOf(Snippet s) {
        if (s instanceof DeclarationSnippet d) return d.name();
        return null;
    }
}
