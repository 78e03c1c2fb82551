package dev.river.kernel;

import dev.river.core.ClassSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes JShell compiled from cells, captured as they were loaded: binary name -> class file, as
 * javac wrote it (before any instrumentation of the local execution engine). The cells' class loader
 * ({@link CellClassLoader}, the {@link ClassSource} of the kernel's River drivers) serves these bytes, so
 * engines define the very classes the notebook runs, under the same names, and a record made in a cell
 * and sent back to the notebook decodes into the cell's own class.
 *
 * <p>JShell never reuses a name: redefining a method or class in a later cell compiles a new wrapper
 * class ({@code REPL.$JShell$12B} after {@code REPL.$JShell$12}), so engines that cached the old bytes
 * fetch the new version on first use.
 *
 * <pre>{@code
 * CellClasses classes = new CellClasses();
 * ... JShell evaluates cells through CaptureExecutionControl ...
 * byte[] bytes = classes.bytes("REPL.$JShell$3");
 * }</pre>
 *
 * <p>Thread-safe: the JShell thread records, River's control threads serve fetches.
 */
final class CellClasses {
    private final Map<String, byte[]> original = new ConcurrentHashMap<>();
    // guarded by this: binary names in load order
    private final List<String> order = new ArrayList<>();

    /** Records a class that JShell is about to load. */
    void record(String binaryName, byte[] bytes) {
        original.put(binaryName, bytes.clone());
        synchronized (this) {
            order.add(binaryName);
        }
    }

    /** The class file captured for {@code binaryName}, or null. */
    byte[] bytes(String binaryName) {
        byte[] b = original.get(binaryName);
        return b == null ? null : b.clone();
    }

    /** Names of every captured class, in load order. */
    synchronized List<String> names() {
        return List.copyOf(order);
    }

    /** How many classes were captured so far. */
    synchronized int count() {
        return order.size();
    }

    /** The classes captured after the first {@code from}. */
    synchronized List<String> since(int from) {
        return List.copyOf(order.subList(Math.min(from, order.size()), order.size()));
    }

    /** Captured classes, newest first. */
    synchronized List<String> newestFirst() {
        List<String> out = new ArrayList<>(order);
        java.util.Collections.reverse(out);
        return out;
    }

    /** The captured class file for a resource path ({@code REPL/$JShell$3.class}), or null. */
    byte[] resource(String path) {
        if (!path.endsWith(".class")) return null;
        byte[] b = original.get(path.substring(0, path.length() - 6).replace('/', '.'));
        return b == null ? null : b.clone();
    }

    /** Whether {@code path} names a captured class (resource form, {@code REPL/$JShell$3.class}). */
    boolean hasResource(String path) {
        return path.endsWith(".class") && original.containsKey(path.substring(0, path.length() - 6).replace('/', '.'));
    }
}
