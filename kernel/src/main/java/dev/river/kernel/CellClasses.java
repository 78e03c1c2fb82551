package dev.river.kernel;

import dev.river.core.ClassSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes JShell compiled from cells, captured as they were loaded: binary name -> class file, as
 * javac wrote it (before any instrumentation of the local execution engine). This is the
 * {@link ClassSource} the kernel's River driver ships code from, so engines define the very classes the
 * notebook runs, under the same names, and a record made in a cell and sent back to the notebook
 * decodes into the cell's own class.
 *
 * <p>JShell never reuses a name: redefining a method or class in a later cell compiles a new wrapper
 * class ({@code REPL.$JShell$12B} after {@code REPL.$JShell$12}), so engines that cached the old bytes
 * fetch the new version on first use.
 *
 * <pre>{@code
 * CellClasses classes = new CellClasses();
 * ... JShell evaluates cells through CaptureExecutionControl ...
 * byte[] bytes = classes.find("REPL/$JShell$3.class");
 * }</pre>
 *
 * <p>Thread-safe: the JShell thread records, River's control threads serve fetches.
 */
public final class CellClasses implements ClassSource {
    private final Map<String, byte[]> original = new ConcurrentHashMap<>();
    // guarded by this: binary names in load order
    private final List<String> order = new ArrayList<>();
    private volatile ClassLoader loader;

    /** Records a class that JShell is about to load. */
    void record(String binaryName, byte[] bytes) {
        original.put(binaryName, bytes.clone());
        synchronized (this) {
            order.add(binaryName);
        }
    }

    /** The loader the cells' classes live in; resources not captured here are looked up there (extra class path). */
    void setLoader(ClassLoader loader) {
        this.loader = loader;
    }

    /** The class file captured for {@code binaryName}, or null. */
    public byte[] bytes(String binaryName) {
        byte[] b = original.get(binaryName);
        return b == null ? null : b.clone();
    }

    /** Names of every captured class, in load order. */
    public synchronized List<String> names() {
        return List.copyOf(order);
    }

    /** Captured classes, newest first. */
    synchronized List<String> newestFirst() {
        List<String> out = new ArrayList<>(order);
        java.util.Collections.reverse(out);
        return out;
    }

    @Override
    public byte[] find(String path) {
        if (path.endsWith(".class")) {
            byte[] b = original.get(path.substring(0, path.length() - 6).replace('/', '.'));
            if (b != null) return b.clone();
        }
        ClassLoader l = loader;
        if (l == null) return null;
        try (InputStream in = l.getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " for code shipping", e);
        }
    }

    /** Whether {@code path} names a captured class (resource form, {@code REPL/$JShell$3.class}). */
    boolean hasResource(String path) {
        return path.endsWith(".class") && original.containsKey(path.substring(0, path.length() - 6).replace('/', '.'));
    }
}
